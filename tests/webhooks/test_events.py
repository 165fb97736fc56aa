"""Each event, through the service that makes the change, leaves one event in the outbox (with
a delivery for each endpoint that wants it), in the same transaction as the change."""

import datetime

import pytest
import redis
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from agreements import services as agreements
from communications import services as communications
from partnerships import services as partnerships
from partnerships.models import Stage
from planning import services as planning
from portfolio import services as portfolio
from portfolio.health import Health
from reminders.models import Cadence
from reviews import services as reviews
from webhooks.models import Delivery, Event, EventType

from ..agreements.factories import complete_agreement
from ..communications.factories import ActionItemFactory, ThreadFactory
from ..factories import ContactFactory, OrganizationFactory, PartnershipFactory
from ..planning.conftest import signed
from ..planning.factories import MilestoneFactory
from ..portal.factories import delivered_link, invite, sign_in_with
from ..reviews.factories import ReviewFactory
from .conftest import make_endpoint

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def hub(db):
    """An endpoint that wants every event (nothing is sent: these tests stop at the outbox)."""
    return make_endpoint("http://127.0.0.1:9/hooks", name="Hub")


@pytest.fixture
def active(alice, bob):
    return PartnershipFactory(
        name="Northwind supply",
        executive_sponsor=alice,
        managers=[bob],
        stage=Stage.ACTIVE,
        organization=OrganizationFactory(name="Northwind Logistics"),
        start_date=TODAY() - datetime.timedelta(days=200),
        check_in_cadence=Cadence.objects.get(name="Monthly check-in"),
        review_cadence=Cadence.objects.get(name="Quarterly business review"),
    )


def only(event_type: str, partnership=None) -> Event:
    """The one event of this type, for this partnership, with a delivery to the hub."""
    (event,) = Event.objects.filter(type=event_type)
    assert Delivery.objects.filter(event=event, endpoint__name="Hub").count() == 1
    if partnership is not None:
        assert event.partnership_id == partnership.pk
        assert event.data["partnership"] == {"id": partnership.pk, "name": partnership.name}
    assert event.url.startswith("https://accord.example.com/")
    assert event.summary
    return event


def test_partnership_created(hub, alice):
    partnership = partnerships.partnership_create(
        by=alice, name="Contoso", type="technology", tier=2, executive_sponsor=alice
    )
    event = only(EventType.PARTNERSHIP_CREATED, partnership)
    assert event.data["stage"] == "defining"
    assert event.data["by"] == {"id": alice.pk, "name": str(alice)}
    assert event.url == f"https://accord.example.com/partnerships/{partnership.pk}/"


def test_partnership_stage_changed(hub, active, alice):
    partnerships.partnership_move(partnership=active, to_stage=Stage.RENEWING, by=alice)
    event = only(EventType.PARTNERSHIP_STAGE_CHANGED, active)
    assert (event.data["from_stage"], event.data["to_stage"]) == ("active", "renewing")
    assert event.summary == "Moved from Active to Renewing"
    assert not Event.objects.filter(type=EventType.PARTNERSHIP_ENDED).exists()


def test_partnership_ended(hub, active, alice):
    partnerships.partnership_move(
        partnership=active, to_stage=Stage.ENDED, by=alice, note="Merged into Contoso"
    )
    event = only(EventType.PARTNERSHIP_ENDED, active)
    assert event.data["reason"] == "Merged into Contoso"
    assert event.data["from_stage"] == "active"
    assert not Event.objects.filter(type=EventType.PARTNERSHIP_STAGE_CHANGED).exists()


def test_agreement_signed(hub, alice, bob):
    partnership = PartnershipFactory(
        executive_sponsor=alice,
        managers=[bob],
        stage=Stage.AGREEING,
        organization=OrganizationFactory(),
    )
    agreement = complete_agreement(partnership)
    agreements.agreement_sign(
        agreement=agreement,
        by=alice,
        signed_on=TODAY(),
        our_signatory="Alice Ashby, COO",
        partner_signatory="Hannah Berg",
    )
    event = only(EventType.AGREEMENT_SIGNED, partnership)
    assert event.data["agreement"]["id"] == agreement.pk
    assert event.data["agreement"]["signed_on"] == TODAY().isoformat()
    assert event.url.endswith(f"/agreements/{agreement.pk}/")
    # Signing moves the partnership to active: that is its own event.
    moved = only(EventType.PARTNERSHIP_STAGE_CHANGED, partnership)
    assert moved.data["to_stage"] == "active"


def test_check_in_logged(hub, active, bob):
    check_in = communications.check_in_log(
        partnership=active,
        by=bob,
        held_on=TODAY(),
        kind="call",
        summary="Volumes reviewed",
        sentiment=4,
    )
    event = only(EventType.CHECK_IN_LOGGED, active)
    assert event.data["check_in"]["id"] == check_in.pk
    assert event.data["check_in"]["sentiment"] == 4
    assert "Volumes reviewed" not in str(event.data), "the notes stay with us"


def test_concern_raised_escalated_and_resolved(hub, active, alice, bob):
    signed(active, expiry=TODAY() + datetime.timedelta(days=400))
    concern = communications.concern_raise(
        partnership=active, by=bob, title="Late deliveries", severity="high", raised_by="partner"
    )
    raised = only(EventType.CONCERN_RAISED, active)
    assert raised.data["concern"]["title"] == "Late deliveries"
    assert raised.data["concern"]["raised_by"] == "partner"
    communications.concern_escalate(concern=concern, by=alice, note="No answer")
    escalated = only(EventType.CONCERN_ESCALATED, active)
    assert escalated.data["escalation"]["level"] == 1
    assert escalated.data["escalation"]["automatic"] is False
    communications.concern_resolve(concern=concern, by=bob, resolution="New carrier")
    resolved = only(EventType.CONCERN_RESOLVED, active)
    assert resolved.data["concern"]["resolved_at"]


def test_review_held(hub, active, bob):
    review = ReviewFactory(partnership=active, due_on=TODAY())
    reviews.review_hold(review=review, by=bob, held_on=TODAY(), rating=4, summary="Good quarter")
    event = only(EventType.REVIEW_HELD, active)
    assert event.data["review"] == {
        "id": review.pk,
        "kind": "quarterly",
        "due_on": TODAY().isoformat(),
        "held_on": TODAY().isoformat(),
        "rating": 4,
    }


def test_health_band_changed_only_when_the_band_changes(hub, active):
    def score(value: int) -> None:
        portfolio.refresh_one(active, Health(score=value, parts=[], reason="Sentiment down"))

    score(80)  # the first score: nothing to compare with
    score(75)  # still healthy
    assert not Event.objects.exists()
    score(30)
    event = only(EventType.HEALTH_BAND_CHANGED, active)
    assert (event.data["from_band"], event.data["to_band"]) == ("healthy", "at_risk")
    assert (event.data["from_score"], event.data["score"]) == (75, 30)
    assert event.url.endswith(f"/partnerships/{active.pk}/tab/health/")
    score(35)  # still at risk
    assert Event.objects.count() == 1


def test_milestone_achieved_once_not_when_corrected(hub, active, bob):
    milestone = MilestoneFactory(partnership=active, title="Second hub live")
    for evidence in ("Opening report", "Opening report, corrected"):
        planning.milestone_achieve(
            milestone=milestone, by=bob, achieved_on=TODAY(), evidence=evidence
        )
    event = only(EventType.MILESTONE_ACHIEVED, active)
    assert event.data["milestone"]["title"] == "Second hub live"


@pytest.fixture
def partner(active, bob):
    """A partner contact of the active partnership, signed in to the portal."""
    access = invite(active, bob, contact=ContactFactory(organization=active.organization))
    browser = Client()
    sign_in_with(browser, delivered_link(access.contact.user))
    browser.contact = access.contact
    return browser


def test_partner_activity_an_action_marked_done_in_the_portal(hub, active, partner):
    action = ActionItemFactory(
        partnership=active, party="partner", owner=None, owner_contact=partner.contact
    )
    assert partner.post(f"/portal/{active.pk}/actions/{action.pk}/done/").status_code == 302
    event = only(EventType.PARTNER_ACTIVITY, active)
    assert event.data["activity"] == "action_done"
    assert event.data["subject"] == {"type": "action_item", "id": action.pk, "title": action.title}
    assert event.data["by"]["id"] == partner.contact.user.pk


def test_partner_activity_a_concern_raised_in_the_portal(hub, active, partner):
    response = partner.post(
        f"/portal/{active.pk}/concerns/new/",
        {"title": "Late deliveries", "kind": "issue", "severity": "high", "description": ""},
    )
    assert response.status_code == 302
    event = only(EventType.PARTNER_ACTIVITY, active)
    assert event.data["activity"] == "concern_raised"
    assert only(EventType.CONCERN_RAISED, active).data["concern"]["raised_by"] == "partner"


def test_partner_activity_a_comment_a_proposed_date_and_a_reply_in_the_portal(
    hub, active, partner, alice
):
    action = ActionItemFactory(
        partnership=active, party="partner", owner=None, owner_contact=partner.contact
    )
    base = f"/portal/{active.pk}/actions/{action.pk}"
    assert partner.post(f"{base}/comment/", {"body": "Next week."}).status_code == 302
    later = TODAY() + datetime.timedelta(days=30)
    proposed = {"proposed_on": later.isoformat(), "reason": "Customs"}
    assert partner.post(f"{base}/due-date/", proposed).status_code == 302
    thread = ThreadFactory(partnership=active, author=alice, shared=True, title="Labels")
    reply = {"body": "The labels are fixed."}
    assert partner.post(f"/portal/{active.pk}/discussion/{thread.pk}/", reply).status_code == 302
    events = Event.objects.filter(type=EventType.PARTNER_ACTIVITY).order_by("occurred_at")
    assert [e.data["activity"] for e in events] == [
        "action_commented",
        "due_date_proposed",
        "discussion_replied",
    ]
    commented, proposal, replied = events
    assert commented.data["subject"]["id"] == action.pk
    assert proposal.data["subject"]["proposed_on"] == later.isoformat()
    assert replied.data["subject"] == {"type": "discussion", "id": thread.pk, "title": "Labels"}
    assert all(e.data["by"]["id"] == partner.contact.user.pk for e in events)


def test_every_event_type_is_covered_here():
    emitted = {
        "partnership.created",
        "partnership.stage_changed",
        "partnership.ended",
        "agreement.signed",
        "check_in.logged",
        "concern.raised",
        "concern.escalated",
        "concern.resolved",
        "review.held",
        "health.band_changed",
        "milestone.achieved",
        "partner.activity",
    }
    assert set(EventType.values) - {"webhook.test"} == emitted


# Who receives what -------------------------------------------------------------------------------


def test_no_endpoint_no_event(db, active, alice):
    partnerships.partnership_move(partnership=active, to_stage=Stage.RENEWING, by=alice)
    assert not Event.objects.exists()


def test_an_endpoint_receives_only_the_events_it_chose_and_only_while_active(db, active, alice):
    concerns = make_endpoint("http://127.0.0.1:9/a", events=["concern.raised"])
    make_endpoint("http://127.0.0.1:9/b", active=False)
    partnerships.partnership_move(partnership=active, to_stage=Stage.RENEWING, by=alice)
    assert not Event.objects.exists()
    communications.concern_raise(
        partnership=active, by=alice, title="Late", severity="low", raised_by="us"
    )
    (event,) = Event.objects.all()
    assert list(Delivery.objects.filter(event=event).values_list("endpoint", flat=True)) == [
        concerns.pk
    ]


def test_a_change_rolled_back_leaves_no_event(hub, alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        partnerships.partnership_create(
            by=alice, name="Doomed", type="technology", tier=2, executive_sponsor=alice
        )
        raise RuntimeError("the change fails after the event was written")
    assert not Event.objects.exists() and not Delivery.objects.exists()


def test_the_delivery_is_enqueued_once_the_change_commits(
    hub, alice, webhooks_queue, django_capture_on_commit_callbacks
):
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        partnerships.partnership_create(
            by=alice, name="Contoso", type="technology", tier=2, executive_sponsor=alice
        )
        assert broker.llen(webhooks_queue) == 0, "nothing is sent before the commit"
    for callback in callbacks:
        callback()
    assert broker.llen(webhooks_queue) == 1
