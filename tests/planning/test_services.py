import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements.models import Agreement
from agreements.models import Status as AgreementStatus
from partnerships.models import Activity, Stage, Transition
from partnerships.services import partnership_move
from planning import services
from planning.models import Decision, Milestone, Opportunity, RenewalDecision
from reminders.models import Reminder
from tests import factories
from tests.communications.factories import ThreadFactory
from tests.objectives.factories import ObjectiveFactory

from .conftest import signed
from .factories import MilestoneFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


# Milestones ---------------------------------------------------------------------------------------


def test_a_planned_milestone_is_tied_to_an_objective_and_goes_on_the_timeline(active, bob):
    objective = ObjectiveFactory(partnership=active)
    milestone = services.milestone_create(
        partnership=active,
        by=bob,
        title="  Second hub live ",
        target_date=TODAY() + days(40),
        objective=objective,
    )
    assert milestone.title == "Second hub live"
    assert milestone.objective == objective
    assert not milestone.is_achieved
    assert (
        Activity.objects.filter(partnership=active, kind="milestone")
        .first()
        .summary.startswith("Milestone planned: Second hub live")
    )


def test_a_milestone_cannot_be_tied_to_another_partnerships_objective(active, bob):
    elsewhere = ObjectiveFactory(partnership=factories.PartnershipFactory())
    with pytest.raises(ValidationError) as refused:
        services.milestone_create(partnership=active, by=bob, title="X", objective=elsewhere)
    assert "objective" in refused.value.message_dict
    assert not Milestone.objects.exists()


def test_an_outsider_cannot_plan_a_milestone(active, charlie):
    with pytest.raises(PermissionDenied):
        services.milestone_create(partnership=active, by=charlie, title="X")


def test_achieving_a_milestone_is_a_success_the_team_is_told_about_at_once(active, alice, bob):
    jim = factories.manager(full_name="Jim Jones")
    active.managers.add(jim)
    milestone = MilestoneFactory(partnership=active, title="First 10 co-sold deals")
    services.milestone_achieve(
        milestone=milestone,
        by=bob,
        achieved_on=TODAY() - days(2),
        evidence="Deal registrations in the shared pipeline.",
        value_amount=Decimal("1250000"),
        value_unit="€",
    )
    milestone.refresh_from_db()
    assert milestone.is_achieved and milestone.achieved_by == bob and milestone.is_money
    assert Activity.objects.filter(
        partnership=active, kind="milestone", summary="Milestone achieved: First 10 co-sold deals"
    ).exists()
    notices = Reminder.objects.filter(kind="milestone.achieved")
    # The sponsor and the other manager; not the person who recorded it.
    assert {n.recipient for n in notices} == {alice, jim}
    notice = notices.first()
    assert notice.title == f"Milestone achieved: First 10 co-sold deals ({active.name})"
    assert notice.url == f"/partnerships/{active.pk}/tab/relationship/#milestone-{milestone.pk}"
    assert notice.status == "pending"  # the next sweep e-mails it


def test_correcting_an_achievement_tells_nobody_again(active, bob):
    milestone = MilestoneFactory(partnership=active)
    services.milestone_achieve(milestone=milestone, by=bob, achieved_on=TODAY(), evidence="Report")
    services.milestone_achieve(
        milestone=milestone, by=bob, achieved_on=TODAY() - days(1), evidence="Better report"
    )
    assert Reminder.objects.filter(kind="milestone.achieved").count() == 1
    assert Activity.objects.filter(summary__startswith="Achievement of").count() == 1


def test_a_milestone_achieved_before_the_partnership_started_is_refused_and_nothing_changes(
    active, bob
):
    milestone = MilestoneFactory(partnership=active)
    with pytest.raises(ValidationError) as refused:
        services.milestone_achieve(
            milestone=milestone,
            by=bob,
            achieved_on=active.start_date - days(1),
            evidence="Report",
        )
    assert "cannot be achieved before" in refused.value.message_dict["achieved_on"][0]
    milestone.refresh_from_db()
    assert milestone.achieved_on is None
    assert not Reminder.objects.exists()
    assert not Activity.objects.filter(summary__startswith="Milestone achieved").exists()


def test_a_milestone_cannot_be_achieved_in_the_future_nor_without_evidence(active, bob):
    milestone = MilestoneFactory(partnership=active)
    with pytest.raises(ValidationError) as future:
        services.milestone_achieve(
            milestone=milestone, by=bob, achieved_on=TODAY() + days(1), evidence="Report"
        )
    assert "future" in future.value.message_dict["achieved_on"][0]
    with pytest.raises(ValidationError) as bare:
        services.milestone_achieve(milestone=milestone, by=bob, achieved_on=TODAY(), evidence=" ")
    assert "evidence" in bare.value.message_dict


def test_a_realised_amount_needs_its_unit(active, bob):
    milestone = MilestoneFactory(partnership=active)
    with pytest.raises(ValidationError) as refused:
        services.milestone_achieve(
            milestone=milestone,
            by=bob,
            achieved_on=TODAY(),
            evidence="Report",
            value_amount=Decimal(300),
        )
    assert "value_unit" in refused.value.message_dict or refused.value.messages


def test_nothing_changes_on_an_ended_partnership(active, bob):
    milestone = MilestoneFactory(partnership=active)
    active.stage, active.ended_reason = Stage.ENDED, "Done."
    active.save()
    with pytest.raises(ValidationError):
        services.milestone_achieve(milestone=milestone, by=bob, achieved_on=TODAY(), evidence="R")
    with pytest.raises(ValidationError):
        services.opportunity_create(partnership=active, by=bob, title="X", owner=bob)


# Opportunities ------------------------------------------------------------------------------------


def test_a_declined_opportunity_needs_its_reason(active, bob):
    with pytest.raises(ValidationError) as refused:
        services.opportunity_create(
            partnership=active, by=bob, title="Nordic hub", owner=bob, status="declined"
        )
    assert refused.value.message_dict["declined_reason"] == [
        "Say why the opportunity was declined."
    ]
    assert not Opportunity.objects.exists()


def test_reopening_a_declined_opportunity_forgets_why_it_was_declined(active, bob):
    opportunity = services.opportunity_create(
        partnership=active,
        by=bob,
        title="Nordic hub",
        owner=bob,
        status="declined",
        declined_reason="Too early.",
    )
    services.opportunity_update(opportunity=opportunity, by=bob, status="evaluating")
    opportunity.refresh_from_db()
    assert opportunity.declined_reason == ""
    assert Activity.objects.filter(summary="Opportunity evaluating: Nordic hub").exists()


def test_an_opportunity_is_owned_by_someone_who_sees_the_partnership(active, bob, charlie):
    with pytest.raises(ValidationError) as refused:
        services.opportunity_create(partnership=active, by=bob, title="X", owner=charlie)
    assert "cannot see this partnership" in refused.value.message_dict["owner"][0]


def test_an_idea_from_the_discussion_becomes_an_opportunity_linked_to_its_thread(active, bob):
    idea = ThreadFactory(
        partnership=active, is_idea=True, title="Shared dashboard", body="Why not?"
    )
    opportunity, created = services.opportunity_from_idea(thread=idea, by=bob)
    assert created
    assert opportunity.source_thread == idea
    assert (opportunity.title, opportunity.description) == ("Shared dashboard", "Why not?")
    assert opportunity.owner == bob and opportunity.status == "idea"
    again, created_again = services.opportunity_from_idea(thread=idea, by=bob)
    assert again == opportunity and not created_again
    assert Opportunity.objects.count() == 1


def test_a_thread_that_is_not_an_idea_does_not_become_an_opportunity(active, bob):
    with pytest.raises(ValidationError):
        services.opportunity_from_idea(thread=ThreadFactory(partnership=active), by=bob)


# Renewal ------------------------------------------------------------------------------------------


def test_renegotiating_opens_a_new_draft_for_the_next_term(renewing, alice):
    in_force = Agreement.objects.get(partnership=renewing)
    decision = services.renewal_decide(
        partnership=renewing, by=alice, decision=Decision.RENEGOTIATE, rationale="Price is high."
    )
    draft = decision.agreement
    assert draft.status == AgreementStatus.DRAFT
    assert draft.version == in_force.version + 1
    assert draft.effective_date == in_force.expiry_date
    assert (
        draft.expiry_date - draft.effective_date == in_force.expiry_date - in_force.effective_date
    )
    assert draft.responsibilities.count() == in_force.responsibilities.count()
    assert decision.decided_by == alice and decision.rationale == "Price is high."
    renewing.refresh_from_db()
    assert renewing.stage == Stage.RENEWING  # until the new version is signed
    assert Activity.objects.filter(kind="renewal", summary__startswith="Renewal decided").exists()


def test_renewing_continues_with_a_version_already_open(renewing, alice):
    open_version = services.agreement_services.agreement_start(partnership=renewing, by=alice)
    decision = services.renewal_decide(
        partnership=renewing, by=alice, decision=Decision.RENEW, rationale="Delivered."
    )
    assert decision.agreement == open_version
    assert Agreement.objects.filter(partnership=renewing).count() == 2


def test_exiting_ends_the_partnership_with_the_rationale_as_reason(renewing, alice):
    decision = services.renewal_decide(
        partnership=renewing, by=alice, decision=Decision.EXIT, rationale="Targets missed."
    )
    renewing.refresh_from_db()
    assert renewing.stage == Stage.ENDED and renewing.ended_reason == "Targets missed."
    assert decision.agreement is None
    assert Transition.objects.filter(partnership=renewing, to_stage=Stage.ENDED).exists()


def test_a_renewal_decision_on_a_partnership_that_is_not_renewing_is_refused(active, alice):
    signed(active, expiry=TODAY() + days(400))
    with pytest.raises(ValidationError) as refused:
        services.renewal_decide(
            partnership=active, by=alice, decision=Decision.RENEW, rationale="Why not."
        )
    assert "recorded once it is “Renewing”" in refused.value.messages[0]
    assert not RenewalDecision.objects.exists()
    assert Agreement.objects.filter(partnership=active).count() == 1


def test_only_an_executive_decides_and_a_rationale_is_required(renewing, alice, bob):
    with pytest.raises(PermissionDenied):
        services.renewal_decide(
            partnership=renewing, by=bob, decision=Decision.RENEW, rationale="Fine."
        )
    with pytest.raises(ValidationError) as bare:
        services.renewal_decide(
            partnership=renewing, by=alice, decision=Decision.EXIT, rationale=""
        )
    assert "rationale" in bare.value.message_dict
    renewing.refresh_from_db()
    assert renewing.stage == Stage.RENEWING
    assert not RenewalDecision.objects.exists()


def test_an_unknown_decision_is_refused(renewing, alice):
    with pytest.raises(ValidationError) as refused:
        services.renewal_decide(partnership=renewing, by=alice, decision="stay", rationale="Hm.")
    assert "decision" in refused.value.message_dict
    assert not RenewalDecision.objects.exists()
    assert Agreement.objects.filter(partnership=renewing).count() == 1


# The daily move to renewing -----------------------------------------------------------------------


def test_active_partnerships_move_to_renewing_when_their_notice_deadline_arrives(active, alice):
    signed(active, expiry=TODAY() + days(90), notice_days=90)  # deadline: today
    later = factories.PartnershipFactory(stage=Stage.ACTIVE, executive_sponsor=alice)
    signed(later, expiry=TODAY() + days(91), notice_days=90)  # deadline: tomorrow
    moved = services.open_renewals()
    assert [p.pk for p in moved] == [active.pk]
    active.refresh_from_db()
    later.refresh_from_db()
    assert (active.stage, later.stage) == (Stage.RENEWING, Stage.ACTIVE)
    transition = Transition.objects.get(partnership=active, to_stage=Stage.RENEWING)
    assert "notice deadline" in transition.note
    assert transition.by == active.executive_sponsor


def test_the_daily_move_is_idempotent_and_moves_once_per_deadline(active, alice):
    signed(active, expiry=TODAY() + days(30), notice_days=90)  # deadline passed 60 days ago
    assert len(services.open_renewals()) == 1
    assert services.open_renewals() == []
    # Moved back to active by hand without a new agreement: the same deadline does not move it
    # again the next day.
    active.refresh_from_db()
    partnership_move(partnership=active, to_stage=Stage.ACTIVE, by=alice, note="Not yet.")
    assert services.open_renewals(today=TODAY() + days(1)) == []
    assert Transition.objects.filter(partnership=active, to_stage=Stage.RENEWING).count() == 1


def test_partnerships_without_a_signed_agreement_or_not_active_are_left_alone(active, alice):
    draft = signed(active, expiry=TODAY())
    Agreement.objects.filter(pk=draft.pk).update(status=AgreementStatus.DRAFT)
    agreeing = factories.PartnershipFactory(stage=Stage.AGREEING, executive_sponsor=alice)
    signed(agreeing, expiry=TODAY())
    assert services.open_renewals() == []


def test_the_beat_schedule_runs_the_daily_move():
    from config.celery import app
    from planning.tasks import open_renewals

    entry = app.conf.beat_schedule["planning-open-renewals"]
    assert entry["task"] == open_renewals.name


def test_an_achieved_milestone_cannot_be_removed(active, bob):
    from .factories import achieved

    success = achieved(active, title="Second hub live")
    with pytest.raises(services.MilestoneAchieved, match="a success stays on the record"):
        services.milestone_delete(milestone=success, by=bob)
    assert Milestone.objects.filter(pk=success.pk).exists()
    # Even a stale copy, read before it was achieved, is refused.
    planned = MilestoneFactory(partnership=active)
    stale = Milestone.objects.get(pk=planned.pk)
    Milestone.objects.filter(pk=planned.pk).update(achieved_on=TODAY(), evidence="Report.")
    with pytest.raises(services.MilestoneAchieved):
        services.milestone_delete(milestone=stale, by=bob)
    assert Milestone.objects.filter(pk=planned.pk).exists()
