import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from partnerships.models import Partnership, Stage
from planning import reminder_sources, services
from planning.models import Milestone, Opportunity, RenewalDecision
from reminders import services as reminder_services
from reminders.models import Reminder
from tests import factories

from .factories import MilestoneFactory, achieved

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def achieved_notices() -> set:
    return set(
        Reminder.objects.filter(kind="milestone.achieved").values_list(
            "recipient__email", flat=True
        )
    )


def test_the_sweep_adds_nothing_when_the_achievement_notice_exists(active, alice, bob):
    milestone = MilestoneFactory(partnership=active)
    services.milestone_achieve(
        milestone=milestone, by=bob, achieved_on=timezone.localdate() - days(1), evidence="R"
    )
    before = achieved_notices()
    reminder_services.sweep()
    assert achieved_notices() == before == {alice.email}


def test_the_sweep_tells_the_team_of_a_success_recorded_without_its_notice(active, alice, bob):
    jim = factories.manager(email="jim@example.com")
    active.managers.add(jim)
    achieved(active, days_ago=2, achieved_by=bob)
    reminder_services.sweep()
    assert achieved_notices() == {alice.email, jim.email}
    reminder_services.sweep()
    assert Reminder.objects.filter(kind="milestone.achieved").count() == 2


def test_the_sweep_s_success_notice_links_to_the_milestone_on_the_tab(active, alice, bob):
    milestone = achieved(active, days_ago=2, achieved_by=bob)
    reminder_services.sweep()
    urls = set(Reminder.objects.filter(kind="milestone.achieved").values_list("url", flat=True))
    assert urls == {f"/partnerships/{active.pk}/tab/relationship/#milestone-{milestone.pk}"}


def test_a_success_older_than_a_week_is_no_longer_news(active, bob):
    achieved(active, days_ago=10, achieved_by=bob)
    reminder_services.sweep()
    assert achieved_notices() == set()


def test_the_calendar_shows_milestone_target_dates_to_those_who_see_them(active, bob, charlie):
    today = timezone.localdate()
    MilestoneFactory(partnership=active, title="Korea launch", target_date=today + days(10))
    achieved(active, title="Done already")
    events = reminder_sources.calendar_events(bob, today, today + days(30))
    assert [e.summary for e in events] == [f"Milestone: Korea launch ({active.name})"]
    assert reminder_sources.calendar_events(charlie, today, today + days(30)) == []


def test_the_digest_lists_the_weeks_successes_and_renewals_waiting_for_a_decision(
    renewing, alice, charlie
):
    today = timezone.localdate()
    achieved(renewing, title="300 doors", days_ago=3)
    achieved(renewing, title="Too old", days_ago=30)
    successes = reminder_sources.successes_digest(alice, today)
    assert [s.title for s in successes] == [f"300 doors · {renewing.name}"]
    waiting = reminder_sources.renewals_digest(alice, today)
    assert [w.title for w in waiting] == [renewing.name]
    assert reminder_sources.renewals_digest(charlie, today) == []
    RenewalDecision.objects.create(
        partnership=renewing, decision="renegotiate", rationale="Price.", decided_by=alice
    )
    assert reminder_sources.renewals_digest(alice, today) == []


def test_seed_demo_gives_milestones_successes_opportunities_and_a_partnership_renewing():
    call_command("seed_demo")
    assert Milestone.objects.achieved().count() >= 5
    assert Milestone.objects.planned().exists()
    statuses = set(Opportunity.objects.values_list("status", flat=True))
    assert {"idea", "evaluating", "planned", "pursued", "declined"} <= statuses
    assert Opportunity.objects.filter(source_thread__isnull=False).exists()
    meridian = Partnership.objects.get(name="Meridian APAC distribution")
    assert meridian.stage == Stage.RENEWING
    assert not meridian.renewal_decisions.exists()
    for m in Milestone.objects.achieved().select_related("partnership"):
        assert m.partnership.start_date is None or m.achieved_on >= m.partnership.start_date
    counts = (Milestone.objects.count(), Opportunity.objects.count())
    call_command("seed_demo")
    assert (Milestone.objects.count(), Opportunity.objects.count()) == counts
