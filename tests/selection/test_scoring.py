import pytest

from partnerships.models import Stage
from selection.models import Criterion
from selection.scoring import build_scorecard

from ..factories import PartnershipFactory, executive
from .factories import CandidateFactory, CriterionFactory, score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def selecting(alice, bob):
    return PartnershipFactory(stage=Stage.SELECTING, executive_sponsor=alice, managers=[bob])


def _card(partnership, candidate, viewer):
    return _scorecard(partnership, [candidate], viewer).cards[0]


def _scorecard(partnership, candidates, viewer):
    return build_scorecard(
        partnership=partnership,
        candidates=candidates,
        criteria=list(Criterion.objects.all()),
        viewer=viewer,
    )


def test_scores_are_normalised_to_0_to_100(selecting, alice, bob):
    top, bottom, middle = (CandidateFactory(partnership=selecting) for _ in range(3))
    score_all(top, alice, 5)
    score_all(bottom, alice, 1)
    score_all(middle, alice, 3)
    card = _scorecard(selecting, [top, bottom, middle], alice)
    assert [round(c.total) for c in card.cards] == [100, 0, 50]
    assert [c.rank for c in card.cards] == [1, 3, 2]


def test_the_score_is_the_weighted_mean_with_subtotals_per_group(selecting, alice, bob):
    candidate = CandidateFactory(partnership=selecting)
    # Compatibility (weights 10, 15, 10) all 5; capability (15, 20, 10) all 1; track record 3.
    score_all(
        candidate,
        alice,
        {"Values": 5, "Strategic goals": 5, "Culture": 5, "Resources": 1, "Expertise": 1,
         "Reputation": 1, "Track record": 3},
    )  # fmt: skip
    card = _card(selecting, candidate, alice)
    groups = {g.group: (round(g.score), round(g.weight_share * 100)) for g in card.groups}
    assert groups == {"compatibility": (100, 35), "capability": (0, 45), "track_record": (50, 20)}
    assert round(card.total) == 45  # 35 % × 100 + 45 % × 0 + 20 % × 50


def test_a_new_weight_changes_every_score_at_once(selecting, alice):
    candidate = CandidateFactory(partnership=selecting)
    score_all(candidate, alice, {"Expertise": 5})  # every other criterion 3
    before = _card(selecting, candidate, alice).total
    Criterion.objects.filter(name="Expertise").update(weight=80)
    after = _card(selecting, candidate, alice).total
    assert round(before) == 60  # (80 × 50 + 20 × 100) / 100
    assert round(after) == 75  # (80 × 50 + 80 × 100) / 160


def test_scores_on_an_inactive_criterion_are_kept_but_not_counted(selecting, alice):
    candidate = CandidateFactory(partnership=selecting)
    score_all(candidate, alice, {"Culture": 1, "Values": 5})  # the rest 3
    Criterion.objects.filter(name="Culture").update(active=False)
    card = _card(selecting, candidate, alice)
    assert "Culture" not in [r.criterion.name for r in card.results]
    assert candidate.scores.filter(criterion__name="Culture").exists()
    compatibility = next(g for g in card.groups if g.group == "compatibility")
    assert round(compatibility.score) == 70  # (10 × 100 + 15 × 50) / 25


def test_an_evaluator_sees_the_others_scores_only_after_giving_their_own(selecting, alice, bob):
    candidate = CandidateFactory(partnership=selecting)
    score_all(candidate, alice, 5)

    hidden = _card(selecting, candidate, bob)
    assert not hidden.visible and hidden.total is None and hidden.evaluators == []
    assert all(r.values == [] for r in hidden.results)

    score_all(candidate, bob, 1)
    shown = _card(selecting, candidate, bob)
    assert shown.visible and shown.submitted
    assert round(shown.total) == 50
    assert shown.evaluators == ["Alice Ashby", "Bob Brown"]


def test_once_decided_every_score_is_open_to_all(selecting, alice, bob):
    chosen = CandidateFactory(partnership=selecting, status="chosen")
    score_all(chosen, alice, 4)
    assert _card(selecting, chosen, bob).visible


def test_a_new_criterion_reopens_the_sheet(selecting, alice, bob):
    candidate = CandidateFactory(partnership=selecting)
    score_all(candidate, alice)
    score_all(candidate, bob)
    CriterionFactory(name="Security")
    card = _card(selecting, candidate, bob)
    assert not card.submitted and not card.visible


def test_disagreements_are_the_widest_spreads(selecting, alice, bob):
    candidate = CandidateFactory(partnership=selecting, organization__name="Quanta")
    score_all(candidate, alice, {"Culture": 5, "Values": 4})
    score_all(candidate, bob, {"Culture": 1, "Values": 2})
    scorecard = _scorecard(selecting, [candidate], alice)
    found = [(card.candidate.organization.name, r.criterion.name, r.spread)
             for card, r in scorecard.disagreements()]  # fmt: skip
    assert found == [("Quanta", "Culture", 4), ("Quanta", "Values", 2)]
    culture = scorecard.disagreements()[0][1]
    assert culture.describe_spread() == "Alice Ashby gave 5, Bob Brown gave 1"


def test_equal_scores_share_a_rank(selecting, alice):
    a, b, c = (CandidateFactory(partnership=selecting) for _ in range(3))
    score_all(a, alice, 4)
    score_all(b, alice, 4)
    score_all(c, alice, 2)
    assert [card.rank for card in _scorecard(selecting, [a, b, c], alice).cards] == [1, 1, 3]


def test_candidates_without_scores_are_not_ranked(selecting):
    candidate = CandidateFactory(partnership=selecting, status="declined", declined_reason="x")
    card = _card(selecting, candidate, executive())
    assert card.visible and card.total is None and card.rank is None
