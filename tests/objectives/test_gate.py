import pytest

from partnerships import services
from partnerships.models import Stage

from .factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


def _missing(partnership) -> list[str]:
    return services.gate(partnership, Stage.SELECTING).missing


def test_the_gate_to_selecting_asks_for_a_measurable_objective(bobs_partnership, bob):
    assert _missing(bobs_partnership) == [
        "Add one of our objectives with a measurable target: "
        "a baseline, a target, a unit and a due date."
    ]
    with pytest.raises(services.GateClosed):
        services.partnership_move(partnership=bobs_partnership, to_stage=Stage.SELECTING, by=bob)


def test_the_gate_says_which_objective_lacks_what(bobs_partnership):
    ObjectiveFactory(partnership=bobs_partnership, title="Cut costs", baseline=None, due_date=None)
    ObjectiveFactory(partnership=bobs_partnership, title="Grow", unit="")
    assert _missing(bobs_partnership) == [
        "Give one of our objectives a measurable target "
        "(a baseline, a target, a unit and a due date).",
        "“Cut costs” lacks a baseline and a due date.",
        "“Grow” lacks a unit.",
    ]


def test_the_partners_objectives_do_not_open_the_gate(bobs_partnership):
    ObjectiveFactory(partnership=bobs_partnership, party="partner")
    assert _missing(bobs_partnership)[0].startswith("Add one of our objectives")


@pytest.mark.parametrize("party", ["ours", "shared"])
def test_one_measurable_objective_of_our_own_opens_the_gate(bobs_partnership, bob, party):
    ObjectiveFactory(partnership=bobs_partnership, title="Vague", target=None)
    ObjectiveFactory(partnership=bobs_partnership, party=party)
    assert _missing(bobs_partnership) == []
    services.partnership_move(partnership=bobs_partnership, to_stage=Stage.SELECTING, by=bob)
    bobs_partnership.refresh_from_db()
    assert bobs_partnership.stage == Stage.SELECTING


def test_the_workspace_stage_bar_says_what_is_missing(client, bob, bobs_partnership):
    ObjectiveFactory(partnership=bobs_partnership, title="Cut costs", baseline=None)
    client.force_login(bob)
    body = client.get(bobs_partnership.get_absolute_url()).content.decode()
    assert "“Cut costs” lacks a baseline." in body
