"""What the health-check pages, the portal and the portfolio read, each in a fixed number of
queries whatever the number of participants. Results come from what the close froze
(``HealthCheck.results``); comments are read per side, only for a side shown, ordered by their
text so that neither their order nor their neighbours say who wrote them."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet
from django.utils import timezone

from partnerships.models import Partnership

from .models import AREA_ORDER, Answer, Area, HealthCheck, Participant, Side
from .services import NOTABLE_GAP

RECENT_MONTHS = 12
# What the radar calls each area on a phone, where the full names leave it no room.
SHORT_LABELS = {
    "strategic": "Strategy",
    "operational": "Operations",
    "relationship": "Trust",
    "governance": "Governance",
}


def check_queryset() -> QuerySet[HealthCheck]:
    return HealthCheck.objects.select_related("opened_by", "closed_by")


def checks_of(partnership: Partnership) -> list[HealthCheck]:
    return list(check_queryset().filter(partnership=partnership).order_by("-opened_at", "-pk"))


def recent_since(today: datetime.date | None = None) -> datetime.datetime:
    today = today or timezone.localdate()
    start = today - relativedelta(months=RECENT_MONTHS)
    return datetime.datetime.combine(start, datetime.time(0, 0), tzinfo=datetime.UTC)


@dataclass
class SideProgress:
    side: str
    asked: int
    answered: int
    people: list[Participant]


def progress(check: HealthCheck) -> dict[str, SideProgress]:
    """Who was asked and who has answered, per side (one query); never what they answered."""
    people: dict[str, list[Participant]] = defaultdict(list)
    for p in (
        Participant.objects.filter(health_check=check)
        .select_related("user__partner_contact")
        .order_by("side", "user__full_name", "pk")
    ):
        people[p.side].append(p)
    return {
        side: SideProgress(
            side,
            len(people[side]),
            sum(1 for p in people[side] if p.has_answered),
            people[side],
        )
        for side in Side.values
    }


def comments(check: HealthCheck) -> dict[int, dict[str, list[str]]]:
    """The comments and open answers of the sides shown, by question and side (one query)."""
    shown = [side for side, ok in check.results.get("visible", {}).items() if ok]
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    if not check.is_closed or not shown:
        return {}
    rows = (
        Answer.objects.filter(response__health_check=check, response__side__in=shown)
        .exclude(comment="")
        .order_by("question_id", "response__side", "comment")
        .values_list("question_id", "response__side", "comment")
    )
    for question_id, side, text in rows:
        found[question_id][side].append(text)
    return {k: dict(v) for k, v in found.items()}


def previous_of(check: HealthCheck) -> HealthCheck | None:
    if not check.is_closed:
        return None
    return (
        HealthCheck.objects.closed()
        .filter(partnership_id=check.partnership_id, closed_at__lt=check.closed_at)
        .order_by("-closed_at", "-pk")
        .first()
    )


def comparison(check: HealthCheck, previous: HealthCheck | None) -> list[dict]:
    """Per area: now and then, for each side and the gap, and how far each moved."""
    if previous is None:
        return []
    then = {a["area"]: a for a in previous.results.get("areas", [])}
    rows = []
    for area in check.results.get("areas", []):
        before = then.get(area["area"], {})
        row = {"label": area["label"]}
        for key in ("ours", "theirs", "gap"):
            now_value, was = area.get(key), before.get(key)
            row[key] = now_value
            row[f"{key}_then"] = was
            row[f"{key}_moved"] = (
                float(Decimal(str(now_value)) - Decimal(str(was)))
                if now_value is not None and was is not None
                else None
            )
        rows.append(row)
    return rows


def _n(value: float) -> str:
    return f"{Decimal(str(value)):.1f}"


def gap_sentences(check: HealthCheck, *, partner_name: str, portal: bool = False) -> list[str]:
    """The areas where the two sides differ most, in words: the widest, and any other of half a
    point or more. ``portal``: said to the partner ("you")."""
    results = check.results
    if not check.is_closed:
        return []
    visible = results.get("visible", {})
    if not (visible.get(Side.US) and visible.get(Side.PARTNER)):
        return []
    by_area = {a["area"]: a for a in results.get("areas", [])}
    ordered = [by_area[a] for a in results.get("widest", [])]
    notable = [a for a in ordered if abs(Decimal(str(a["gap"]))) >= NOTABLE_GAP]
    if not notable:
        if not ordered:
            return []
        first = ordered[0]
        return [
            "Both sides see the partnership alike: no area differs by half a point or more "
            f"(the widest, {first['label'].lower()}, by {_n(abs(first['gap']))})."
        ]
    they = "you" if portal else partner_name
    rate = "rate" if portal else "rates"
    sentences = []
    for index, area in enumerate(notable[:3]):
        gap = Decimal(str(area["gap"]))
        where = "below" if gap < 0 else "above"
        lead = (
            f"The widest gap is in {area['label'].lower()}"
            if index == 0
            else f"Next comes {area['label'].lower()}"
        )
        points = "point" if abs(gap) == 1 else "points"
        sentences.append(
            f"{lead}: {they} {rate} it {_n(area['theirs'])} out of 5, {_n(abs(gap))} {points} "
            f"{where} our {_n(area['ours'])}."
        )
    return sentences


def chart_data(check: HealthCheck, *, partner_label: str, our_label: str) -> dict:
    """What the radar chart draws (static/js/healthcheck.js reads it from a json_script)."""
    areas = check.results.get("areas", [])
    return {
        "labels": [a["label"] for a in areas],
        "short": [SHORT_LABELS.get(a["area"], a["label"]) for a in areas],
        "datasets": [
            {"label": our_label, "side": "us", "data": [a["ours"] for a in areas]},
            {"label": partner_label, "side": "partner", "data": [a["theirs"] for a in areas]},
        ],
    }


def statements_by_area(check: HealthCheck, found_comments: dict) -> list[dict]:
    """The statements of each area with both sides' averages and their comments, for the
    results page; the open questions come last, as their own group."""
    groups: dict[str, dict] = {}
    for s in check.results.get("statements", []):
        group = groups.setdefault(
            s["area"], {"area": s["area"], "label": Area(s["area"]).label, "statements": []}
        )
        gap = s["theirs"] - s["ours"] if s["ours"] is not None and s["theirs"] is not None else None
        said = _by_side(found_comments.get(s["id"], {}))
        group["statements"].append(
            {**s, "gap": round(gap, 1) if gap is not None else None, "comments": said,
             "comment_count": sum(len(g["texts"]) for g in said)}
        )  # fmt: skip
    ordered = sorted(groups.values(), key=lambda g: AREA_ORDER.get(g["area"], 99))
    return ordered


def _by_side(texts: dict[str, list[str]]) -> list[dict]:
    """Our side's first, then the partner's."""
    return [{"side": side, "texts": texts[side]} for side in Side.values if texts.get(side)]


def open_answers(check: HealthCheck, found_comments: dict) -> list[dict]:
    return [
        {**q, "answers": _by_side(found_comments.get(q["id"], {}))}
        for q in check.results.get("open_questions", [])
    ]


def form_questions(check: HealthCheck) -> list:
    """The check's questions in the order asked (one query)."""
    return list(check.questions.order_by("position", "pk"))


# For the portfolio --------------------------------------------------------------------------------


def latest_recent(ids, *, since: datetime.datetime) -> dict[int, HealthCheck]:
    """The latest closed check of each of these partnerships, if it closed since ``since``."""
    return {
        c.partnership_id: c
        for c in HealthCheck.objects.filter(
            partnership_id__in=ids, latest=True, closed_at__gte=since
        ).only(
            "pk",
            "partnership_id",
            "closed_at",
            "closes_on",
            "status",
            "our_average",
            "partner_average",
            "widest_gap",
            "widest_gap_area",
        )
    }


def widest_gaps(partnerships: QuerySet[Partnership], *, since: datetime.datetime, limit: int = 5):
    """The partnerships whose latest recent check shows the widest gap in one area (one query)."""
    return list(
        HealthCheck.objects.filter(
            latest=True,
            closed_at__gte=since,
            widest_gap__isnull=False,
            partnership__in=partnerships.values("pk"),
        )
        .select_related("partnership__organization")
        .order_by("-widest_gap", "partnership__name")[:limit]
    )
