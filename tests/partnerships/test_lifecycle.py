import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnerships import registry, services
from partnerships.models import Activity, Stage, Transition
from reminders.models import Cadence

from ..factories import OrganizationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_core_gates(monkeypatch):
    """These tests are about the mechanism and the core's own gates; step apps test theirs."""
    from partnerships import gates

    core = {
        Stage.AGREEING: [gates.partner_chosen],
        Stage.ACTIVE: [gates.cadences_set],
    }
    monkeypatch.setattr(registry, "_gates", core)


@pytest.fixture
def custom_gate():
    """A step app's gate, registered the way step apps do, and removed afterwards."""

    def needs_description(partnership):
        return [] if partnership.description else ["Write a description."]

    registry.register_gate(Stage.SELECTING, needs_description)
    yield needs_description
    registry._gates[Stage.SELECTING].remove(needs_description)


def test_a_registered_gate_refuses_the_move_in_words_and_changes_nothing(
    bobs_partnership, bob, custom_gate
):
    with pytest.raises(services.GateClosed) as exc:
        services.partnership_move(partnership=bobs_partnership, to_stage=Stage.SELECTING, by=bob)
    assert exc.value.missing == ["Write a description."]
    bobs_partnership.refresh_from_db()
    assert bobs_partnership.stage == Stage.DEFINING
    assert not Transition.objects.exists()


def test_a_move_through_an_open_gate_records_who_when_and_why(bobs_partnership, bob, custom_gate):
    bobs_partnership.description = "Cut delivery costs"
    bobs_partnership.save()
    transition = services.partnership_move(
        partnership=bobs_partnership, to_stage=Stage.SELECTING, by=bob, note="Objectives agreed"
    )
    bobs_partnership.refresh_from_db()
    assert bobs_partnership.stage == Stage.SELECTING
    assert (transition.from_stage, transition.to_stage) == (Stage.DEFINING, Stage.SELECTING)
    assert transition.by == bob
    assert transition.note == "Objectives agreed"
    assert transition.at is not None
    assert Activity.objects.filter(partnership=bobs_partnership, kind="stage").count() == 1


def test_the_gate_to_agreeing_needs_a_chosen_partner(bobs_partnership, bob):
    bobs_partnership.stage = Stage.SELECTING
    bobs_partnership.save()
    with pytest.raises(services.GateClosed) as exc:
        services.partnership_move(partnership=bobs_partnership, to_stage=Stage.AGREEING, by=bob)
    assert exc.value.missing == ["Choose the partner organisation."]

    bobs_partnership.organization = OrganizationFactory()
    bobs_partnership.save()
    services.partnership_move(partnership=bobs_partnership, to_stage=Stage.AGREEING, by=bob)
    bobs_partnership.refresh_from_db()
    assert bobs_partnership.stage == Stage.AGREEING


def test_going_active_needs_an_executive_and_both_cadences(bobs_partnership, alice, bob):
    bobs_partnership.stage = Stage.AGREEING
    bobs_partnership.save()
    with pytest.raises(PermissionDenied):
        services.partnership_move(partnership=bobs_partnership, to_stage=Stage.ACTIVE, by=bob)
    with pytest.raises(services.GateClosed) as exc:
        services.partnership_move(partnership=bobs_partnership, to_stage=Stage.ACTIVE, by=alice)
    assert exc.value.missing == ["Set a check-in cadence.", "Set a review cadence."]

    bobs_partnership.check_in_cadence = Cadence.objects.get(name="Monthly check-in")
    bobs_partnership.review_cadence = Cadence.objects.get(name="Quarterly business review")
    bobs_partnership.save()
    services.partnership_move(partnership=bobs_partnership, to_stage=Stage.ACTIVE, by=alice)
    bobs_partnership.refresh_from_db()
    assert bobs_partnership.stage == Stage.ACTIVE


def test_stages_cannot_be_skipped(bobs_partnership, alice):
    with pytest.raises(ValidationError) as exc:
        services.partnership_move(partnership=bobs_partnership, to_stage=Stage.ACTIVE, by=alice)
    assert "cannot move" in exc.value.messages[0]
    bobs_partnership.refresh_from_db()
    assert bobs_partnership.stage == Stage.DEFINING


def test_renewing_goes_back_to_active(alice):
    p = PartnershipFactory(stage=Stage.ACTIVE)
    services.partnership_move(partnership=p, to_stage=Stage.RENEWING, by=alice)
    assert services.next_gates(p)[0].stage == Stage.ACTIVE


@pytest.mark.parametrize("stage", [Stage.DEFINING, Stage.SELECTING, Stage.ACTIVE])
def test_ending_needs_a_reason_from_any_stage(stage, alice):
    p = PartnershipFactory(stage=stage)
    with pytest.raises(ValidationError) as exc:
        services.partnership_move(partnership=p, to_stage=Stage.ENDED, by=alice, note="  ")
    assert "Say why" in str(exc.value)
    services.partnership_move(
        partnership=p, to_stage=Stage.ENDED, by=alice, note="The partner was acquired."
    )
    p.refresh_from_db()
    assert (p.stage, p.ended_reason) == (Stage.ENDED, "The partner was acquired.")
    assert services.next_gates(p) == []


def test_only_executives_end_a_partnership(bobs_partnership, bob):
    with pytest.raises(PermissionDenied):
        services.partnership_move(
            partnership=bobs_partnership, to_stage=Stage.ENDED, by=bob, note="No budget"
        )


def test_an_ended_partnership_stays_ended(alice):
    p = PartnershipFactory(stage=Stage.ENDED, ended_reason="Done")
    with pytest.raises(ValidationError):
        services.partnership_move(partnership=p, to_stage=Stage.ENDED, by=alice, note="Again")
    with pytest.raises(ValidationError):
        services.partnership_move(partnership=p, to_stage=Stage.ACTIVE, by=alice)


def test_the_database_refuses_an_ended_partnership_without_a_reason():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(stage=Stage.ENDED, ended_reason="")


def test_the_database_refuses_an_unknown_stage():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(stage="paused")


def test_creating_a_partnership_as_a_manager_makes_them_its_manager(alice, bob):
    p = services.partnership_create(
        by=bob, name="Route optimisation", type="technology", tier=2, executive_sponsor=alice
    )
    assert list(p.managers.all()) == [bob]
    assert p.stage == Stage.DEFINING
    assert p.activities.get().summary == "Partnership created by Bob Brown"


def test_partnership_names_are_unique_whatever_the_case(alice, bobs_partnership):
    with pytest.raises(ValidationError) as exc:
        services.partnership_create(
            by=alice, name="NORTHWIND SUPPLY", type="supply", tier=1, executive_sponsor=alice
        )
    assert exc.value.message_dict["name"] == ["A partnership with this name already exists."]
