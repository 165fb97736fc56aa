"""Weighted scores, computed when read from the current weights, so nothing is ever stale.

Each criterion's mean score (1–5) is normalised to 0–100 ((mean − 1) / 4 × 100); a candidate's
score is the weighted mean of those over the active criteria it has scores on, and each group's
subtotal is the same over the group's criteria. Scores on inactive criteria are kept, not counted.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from partnerships.models import Partnership, Stage

from .models import (
    MAX_SCORE,
    MIN_SCORE,
    Candidate,
    CandidateStatus,
    Criterion,
    CriterionGroup,
    Score,
)

# Once a decision is made, or the stage has moved on, no score can anchor anybody any more.
OPEN_STAGES = (Stage.DEFINING, Stage.SELECTING)
DISAGREEMENT = 2  # a spread of two points or more between evaluators is worth a conversation


def normalise(mean: float) -> float:
    return (mean - MIN_SCORE) / (MAX_SCORE - MIN_SCORE) * 100


def weighted(parts: list[tuple[Decimal, float]]) -> float | None:
    total_weight = sum(w for w, _ in parts)
    if not total_weight:
        return None
    return sum(float(w) * value for w, value in parts) / float(total_weight)


@dataclass
class CriterionResult:
    criterion: Criterion
    values: list[tuple[str, int]]  # (evaluator, score), for the evaluators who scored it

    @property
    def mean(self) -> float | None:
        if not self.values:
            return None
        return sum(v for _, v in self.values) / len(self.values)

    @property
    def normalised(self) -> float | None:
        mean = self.mean
        return None if mean is None else normalise(mean)

    @property
    def spread(self) -> int | None:
        if len(self.values) < 2:
            return None
        scores = [v for _, v in self.values]
        return max(scores) - min(scores)

    @property
    def is_disputed(self) -> bool:
        return (self.spread or 0) >= DISAGREEMENT

    def describe_spread(self) -> str:
        low = min(self.values, key=lambda item: item[1])
        high = max(self.values, key=lambda item: item[1])
        return f"{high[0]} gave {high[1]}, {low[0]} gave {low[1]}"


@dataclass
class GroupResult:
    group: str
    label: str
    score: float | None
    weight_share: float


@dataclass
class CandidateCard:
    candidate: Candidate
    visible: bool  # may the viewer see the others' scores?
    submitted: bool  # has the viewer scored every active criterion?
    evaluators: list[str]
    results: list[CriterionResult]
    groups: list[GroupResult] = field(default_factory=list)
    total: float | None = None
    rank: int | None = None

    @property
    def scored_criteria(self) -> int:
        return sum(1 for r in self.results if r.values)

    @property
    def is_complete(self) -> bool:
        return self.scored_criteria == len(self.results)

    @property
    def max_spread(self) -> int | None:
        spreads = [r.spread for r in self.results if r.spread is not None]
        return max(spreads) if spreads else None


@dataclass
class Scorecard:
    criteria: list[Criterion]
    groups: list[tuple[str, str, list[Criterion]]]
    cards: list[CandidateCard]

    @property
    def ranking(self) -> list[CandidateCard]:
        return sorted(
            (c for c in self.cards if c.rank is not None),
            key=lambda c: (c.rank, c.candidate.organization.name),
        )

    @property
    def hidden(self) -> list[CandidateCard]:
        return [c for c in self.cards if not c.visible]

    def disagreements(self, limit: int = 5) -> list[tuple[CandidateCard, CriterionResult]]:
        found = [
            (card, result)
            for card in self.cards
            if card.visible
            for result in card.results
            if result.is_disputed
        ]
        found.sort(key=lambda item: (-(item[1].spread or 0), item[0].candidate.organization.name))
        return found[:limit]

    def rows(self) -> list[dict]:
        """The side-by-side table: per group, its criteria with a result per card."""
        table = []
        for group, label, criteria in self.groups:
            table.append(
                {
                    "group": group,
                    "label": label,
                    "subtotals": [
                        next(g for g in card.groups if g.group == group) for card in self.cards
                    ],
                    "criteria": [
                        {"criterion": c, "results": [card.results[i] for card in self.cards]}
                        for i, c in self._indexed(criteria)
                    ],
                }
            )
        return table

    def _indexed(self, criteria: list[Criterion]) -> list[tuple[int, Criterion]]:
        position = {c.pk: i for i, c in enumerate(self.criteria)}
        return [(position[c.pk], c) for c in criteria]

    def chart(self) -> dict:
        """Group subtotals per candidate, for Chart.js (json_script)."""
        shown = [c for c in self.ranking]
        return {
            "labels": [c.candidate.organization.name for c in shown],
            "datasets": [
                {
                    "label": label,
                    "data": [
                        _round(next(g for g in c.groups if g.group == group).score) for c in shown
                    ],
                }
                for group, label, _ in self.groups
            ],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def ordered_criteria(criteria) -> list[Criterion]:
    order = {g: i for i, g in enumerate(CriterionGroup.values)}
    return sorted(criteria, key=lambda c: (order.get(c.group, 99), c.position, c.name.lower()))


def is_open(candidate: Candidate, partnership: Partnership) -> bool:
    """Scoring is still open: the no-anchoring rule applies."""
    return partnership.stage in OPEN_STAGES and candidate.status in (
        CandidateStatus.LONG_LIST,
        CandidateStatus.SHORT_LIST,
    )


def build_scorecard(
    *,
    partnership: Partnership,
    candidates: list[Candidate],
    criteria: list[Criterion],
    viewer,
) -> Scorecard:
    """Everything the comparison shows, from three queries whatever the number of candidates."""
    criteria = ordered_criteria(c for c in criteria if c.active)
    weights = {c.pk: c.weight for c in criteria}
    raw: dict[int, dict[int, list[tuple[int, str, int]]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Score.objects.filter(candidate__in=[c.pk for c in candidates], criterion__in=weights)
        .order_by("evaluator__full_name", "evaluator_id")
        .values_list(
            "candidate_id", "criterion_id", "evaluator_id", "evaluator__full_name", "value"
        )
    )
    for candidate_id, criterion_id, evaluator_id, name, value in rows:
        raw[candidate_id][criterion_id].append((evaluator_id, name, value))

    total_weight = sum(weights.values()) or Decimal(1)
    groups = [
        (g, label, [c for c in criteria if c.group == g])
        for g, label in CriterionGroup.choices
        if any(c.group == g for c in criteria)
    ]
    cards = []
    for candidate in candidates:
        by_criterion = raw.get(candidate.pk, {})
        mine = {
            cid for cid, items in by_criterion.items() if any(e == viewer.pk for e, _, _ in items)
        }
        submitted = all(c.pk in mine for c in criteria)
        visible = submitted or not is_open(candidate, partnership)
        results = []
        for c in criteria:
            items = by_criterion.get(c.pk, [])
            if not visible:
                items = [item for item in items if item[0] == viewer.pk]
            results.append(CriterionResult(c, [(name, value) for _, name, value in items]))
        evaluators = sorted({name for items in by_criterion.values() for _, name, _ in items})
        card = CandidateCard(
            candidate=candidate,
            visible=visible,
            submitted=submitted,
            evaluators=evaluators if visible else [],
            results=results,
        )
        if visible:
            scored = [(weights[r.criterion.pk], r.normalised) for r in results if r.values]
            card.total = weighted(scored)
            for g, label, members in groups:
                ids = {c.pk for c in members}
                parts = [(weights[r.criterion.pk], r.normalised) for r in results
                         if r.criterion.pk in ids and r.values]  # fmt: skip
                card.groups.append(
                    GroupResult(
                        g,
                        label,
                        weighted(parts),
                        float(sum(weights[i] for i in ids) / total_weight),
                    )
                )
        else:
            card.groups = [GroupResult(g, label, None, 0.0) for g, label, _ in groups]
        cards.append(card)

    ranked = sorted((c for c in cards if c.total is not None), key=lambda c: -round(c.total, 1))
    for position, card in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        same = previous is not None and round(previous.total, 1) == round(card.total, 1)
        card.rank = previous.rank if same else position
    return Scorecard(criteria=criteria, groups=groups, cards=cards)
