import pytest
from django.core.management import call_command

from objectives.models import Alignment, Objective
from partnerships import services
from partnerships.models import Partnership, Stage
from selection.models import Candidate, Score

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Objective.objects.count(),
        Alignment.objects.count(),
        Candidate.objects.count(),
        Score.objects.count(),
    )


def test_seed_demo_fills_objectives_and_selection_once():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first


def test_every_partnership_past_defining_has_objectives_and_its_gate_open():
    call_command("seed_demo")
    for p in Partnership.objects.exclude(stage=Stage.DEFINING):
        assert p.objectives.exists(), p
        assert services.gate(p, Stage.SELECTING).is_open, p
    defining = {p.name: services.gate(p, Stage.SELECTING) for p in
                Partnership.objects.filter(stage=Stage.DEFINING)}  # fmt: skip
    assert defining["LATAM market entry"].is_open
    assert "“Recyclable battery chemistry” lacks a baseline and a due date." in (
        defining["Battery materials research"].missing
    )


def test_choosing_partnerships_have_scored_candidates_and_later_ones_their_chosen_partner():
    call_command("seed_demo")
    for name in ("Analytics capability partner", "Payments integration"):
        p = Partnership.objects.get(name=name)
        assert p.candidates.count() >= 3
        evaluators = set(Score.objects.filter(candidate__partnership=p).values_list(
            "evaluator__email", flat=True))  # fmt: skip
        assert evaluators == {"coo@accord.example", *p.managers.values_list("email", flat=True)}
    for p in Partnership.objects.exclude(stage__in=[Stage.DEFINING, Stage.SELECTING]):
        chosen = p.candidates.get(status="chosen")
        assert chosen.organization == p.organization
    declined = Candidate.objects.filter(status="declined")
    assert declined.exists() and all(c.declined_reason for c in declined)
