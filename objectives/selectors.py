"""Reads of objectives that several pages (and later steps) share."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from partnerships.models import Partnership

from .models import OWN_PARTIES, Alignment, AlignmentKind, Objective, Party, Status


def words_list(items: list[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def measurable_gate(partnership: Partnership) -> list[str]:
    """The gate to `selecting`: one of our own objectives has a measurable target."""
    own = list(
        Objective.objects.filter(partnership=partnership, party__in=OWN_PARTIES)
        .only("title", "baseline", "target", "unit", "due_date")
        .order_by("title", "pk")
    )
    if any(o.is_measurable for o in own):
        return []
    if not own:
        return [
            "Add one of our objectives with a measurable target: "
            "a baseline, a target, a unit and a due date."
        ]
    return [
        "Give one of our objectives a measurable target "
        "(a baseline, a target, a unit and a due date).",
        *(f"“{o.title}” lacks {words_list(o.missing_measures)}." for o in own),
    ]


@dataclass
class Cell:
    partner_objective: Objective
    alignment: Alignment | None


@dataclass
class Row:
    objective: Objective
    cells: list[Cell]


@dataclass
class AlignmentMatrix:
    ours: list[Objective]
    theirs: list[Objective]
    shared: list[Objective]
    rows: list[Row]
    unmatched_ours: list[Objective] = field(default_factory=list)
    unmatched_theirs: list[Objective] = field(default_factory=list)
    conflicts: list[Alignment] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def findings(self) -> list[str]:
        """Every gap and every conflict, in words."""
        found = [
            f"Our objective “{o.title}” has no counterpart among the partner's objectives."
            for o in self.unmatched_ours
        ]
        found += [
            f"The partner's objective “{o.title}” is not matched by any of ours."
            for o in self.unmatched_theirs
        ]
        for a in self.conflicts:
            note = f" {a.note}" if a.note else ""
            found.append(
                f"Conflict: our “{a.objective.title}” works against the partner's "
                f"“{a.partner_objective.title}”.{note}"
            )
        return found

    @property
    def unmatched_count(self) -> int:
        return len(self.unmatched_ours) + len(self.unmatched_theirs)

    @property
    def issue_count(self) -> int:
        return self.unmatched_count + len(self.conflicts)


def alignment_matrix(partnership: Partnership) -> AlignmentMatrix:
    """Our objectives (rows) against the partner's (columns), in two queries."""
    objectives = list(
        Objective.objects.filter(partnership=partnership).for_list().select_related(None)
    )
    by_party: dict[str, list[Objective]] = {p: [] for p in Party.values}
    for o in objectives:
        by_party[o.party].append(o)
    by_pk = {o.pk: o for o in objectives}
    links = {}
    for a in Alignment.objects.filter(objective__partnership=partnership).order_by("pk"):
        a.objective = by_pk[a.objective_id]
        a.partner_objective = by_pk[a.partner_objective_id]
        links[(a.objective_id, a.partner_objective_id)] = a
    ours, theirs = by_party[Party.OURS], by_party[Party.PARTNER]
    rows = [Row(o, [Cell(t, links.get((o.pk, t.pk))) for t in theirs]) for o in ours]
    linked_ours = {o for o, _ in links}
    linked_theirs = {t for _, t in links}
    return AlignmentMatrix(
        ours=ours,
        theirs=theirs,
        shared=by_party[Party.SHARED],
        rows=rows,
        unmatched_ours=[o for o in ours if o.pk not in linked_ours],
        unmatched_theirs=[t for t in theirs if t.pk not in linked_theirs],
        conflicts=[a for a in links.values() if a.kind == AlignmentKind.CONFLICTING],
        counts=Counter(a.kind for a in links.values()),
    )


@dataclass(frozen=True)
class Achievement:
    """How a partnership did against its own objectives."""

    total: int
    achieved: int
    missed: int
    open: int

    def describe(self) -> str:
        if not self.total:
            return "No objectives recorded."
        parts = [f"{self.achieved} of {self.total} objectives achieved"]
        if self.missed:
            parts.append(f"{self.missed} missed")
        if self.open:
            parts.append(f"{self.open} still open")
        return ", ".join(parts) + "."


def achievement_by_partnership(partnership_ids: Iterable[int]) -> dict[int, Achievement]:
    """Our own objectives per partnership, by outcome, in one query."""
    rows = (
        Objective.objects.filter(partnership_id__in=list(partnership_ids), party__in=OWN_PARTIES)
        .order_by()
        .values("partnership_id")
        .annotate(
            total=Count("pk"),
            achieved=Count("pk", filter=Q(status=Status.ACHIEVED)),
            missed=Count("pk", filter=Q(status=Status.MISSED)),
        )
    )
    return {
        r["partnership_id"]: Achievement(
            total=r["total"],
            achieved=r["achieved"],
            missed=r["missed"],
            open=r["total"] - r["achieved"] - r["missed"],
        )
        for r in rows
    }
