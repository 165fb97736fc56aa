"""What a partner contact does in the portal beyond marking done: comment on their action items,
propose a new due date, read and reply to the discussions we share, see the KPIs we share."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communications.models import ActionComment, DueDateProposal, Mention, Reply
from planning.models import Milestone
from reminders.models import Reminder

from ..communications.factories import (
    ActionCommentFactory,
    ActionItemFactory,
    DueDateProposalFactory,
    ThreadFactory,
)
from ..factories import ContactFactory, executive
from ..reviews.factories import KPIFactory, MeasurementFactory
from .factories import delivered_link, invite, live_partnership, sign_in_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(alice, bob):
    return live_partnership(alice, [bob], name="Northwind supply")


def signed_in(partnership, by, **contact) -> Client:
    access = invite(
        partnership, by, contact=ContactFactory(organization=partnership.organization, **contact)
    )
    browser = Client()
    sign_in_with(browser, delivered_link(access.contact.user))
    browser.contact = access.contact
    browser.user = access.contact.user
    return browser


@pytest.fixture
def pia(partnership, bob):
    return signed_in(partnership, bob, name="Pia Lund")


@pytest.fixture
def mine(partnership, pia, alice):
    """Pia's action item, set by Alice (the sponsor, not a manager)."""
    return ActionItemFactory(
        partnership=partnership,
        party="partner",
        owner=None,
        owner_contact=pia.contact,
        created_by=alice,
        title="Send the forecast",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )


def url(partnership, *parts) -> str:
    return f"/portal/{partnership.pk}/" + "".join(f"{p}/" for p in parts)


# Action items -------------------------------------------------------------------------------------


def test_their_action_item_page_shows_comments_both_ways(pia, partnership, bob, mine):
    ActionCommentFactory(action=mine, author=bob, body="Any news on this?")
    page = pia.get(url(partnership, "actions", mine.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Send the forecast" in body and "Any news on this?" in body
    assert "Propose the date" in body and "Send the comment" in body


def test_a_comment_reaches_our_timeline_and_the_people_behind_it(
    pia, partnership, alice, bob, mine
):
    response = pia.post(url(partnership, "actions", mine.pk, "comment"), {"body": "Next week."})
    assert response.status_code == 302
    comment = ActionComment.objects.get()
    assert comment.author == pia.user and comment.action == mine
    event = partnership.activities.get(summary__contains="commented on")
    assert event.actor == pia.user
    # The manager, and Alice who set the action item.
    told = set(Reminder.objects.filter(kind="portal.activity").values_list("recipient", flat=True))
    assert told == {alice.pk, bob.pk}
    assert "Next week." in pia.get(url(partnership, "actions", mine.pk)).content.decode()


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write the comment first."), ("   ", "Write the comment first."),
     ("x" * 2001, "Keep the comment to 2000 characters")],
)  # fmt: skip
def test_a_comment_that_cannot_be_says_why(pia, partnership, mine, body, message):
    response = pia.post(url(partnership, "actions", mine.pk, "comment"), {"body": body})
    assert response.status_code == 200 and message in response.content.decode()
    assert not ActionComment.objects.exists()
    assert not Reminder.objects.filter(kind="portal.activity").exists()


@pytest.mark.parametrize(
    ("proposed_on", "message"),
    [
        ("", "Give the new due date you propose."),
        ("not a date", "Enter a date, such as 2027-01-15."),
        ("0001-01-01", "Propose a date from today"),
        ("9999-12-31", "within the next 5 years"),
        ("10000-01-01", "Enter a date"),
    ],
)
def test_a_proposed_date_that_cannot_be_says_why(pia, partnership, mine, proposed_on, message):
    response = pia.post(
        url(partnership, "actions", mine.pk, "due-date"), {"proposed_on": proposed_on}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not DueDateProposal.objects.exists()


def test_a_yesterday_and_an_overlong_reason_are_refused(pia, partnership, mine):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    target = url(partnership, "actions", mine.pk, "due-date")
    assert (
        "Propose a date from today"
        in pia.post(target, {"proposed_on": yesterday.isoformat()}).content.decode()
    )
    assert (
        "Keep the reason to 500 characters"
        in pia.post(
            target, {"proposed_on": tomorrow.isoformat(), "reason": "x" * 501}
        ).content.decode()
    )
    assert not DueDateProposal.objects.exists()


def test_a_proposed_date_waits_for_our_answer_and_we_are_told(pia, partnership, alice, bob, mine):
    later = timezone.localdate() + datetime.timedelta(days=30)
    response = pia.post(
        url(partnership, "actions", mine.pk, "due-date"),
        {"proposed_on": later.isoformat(), "reason": "Customs"},
        follow=True,
    )
    assert "The due date moves once we accept" in response.content.decode()
    mine.refresh_from_db()
    assert mine.due_on == timezone.localdate() + datetime.timedelta(days=7)
    assert DueDateProposal.objects.get().status == "pending"
    assert Reminder.objects.filter(
        recipient=bob, kind="portal.activity", title__contains="proposes"
    )
    home = pia.get(url(partnership)).content.decode()
    assert "waiting for our answer" in home


def test_nobody_else_s_action_item_takes_a_comment_or_a_date(pia, partnership, bob):
    ours = ActionItemFactory(partnership=partnership)
    colleague = ActionItemFactory(
        partnership=partnership,
        party="partner",
        owner=None,
        owner_contact=ContactFactory(organization=partnership.organization),
    )
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for action in (ours, colleague):
        assert pia.get(url(partnership, "actions", action.pk)).status_code == 404
        comment = pia.post(url(partnership, "actions", action.pk, "comment"), {"body": "Hi"})
        assert comment.status_code == 404
        propose = pia.post(
            url(partnership, "actions", action.pk, "due-date"), {"proposed_on": tomorrow}
        )
        assert propose.status_code == 404
    assert not ActionComment.objects.exists() and not DueDateProposal.objects.exists()


def test_a_closed_action_item_takes_comments_but_no_new_date(pia, partnership, mine):
    pia.post(url(partnership, "actions", mine.pk, "done"))
    page = pia.get(url(partnership, "actions", mine.pk)).content.decode()
    assert "Send the comment" in page and "Propose the date" not in page
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    refused = pia.post(url(partnership, "actions", mine.pk, "due-date"), {"proposed_on": tomorrow})
    assert "is closed" in refused.content.decode()


def test_our_answer_shows_in_the_portal(pia, partnership, bob, mine):
    from communications import services

    proposal = DueDateProposalFactory(action=mine, proposed_by=pia.user)
    services.due_date_decide(proposal=proposal, by=bob, accept=False, answer="Launch is fixed")
    page = pia.get(url(partnership, "actions", mine.pk)).content.decode()
    assert "declined" in page and "Launch is fixed" in page


# Shared discussions -------------------------------------------------------------------------------


def test_only_shared_discussions_are_listed_and_open(pia, partnership, bob):
    shared = ThreadFactory(partnership=partnership, author=bob, shared=True, title="Labels")
    closed = ThreadFactory(partnership=partnership, author=bob, title="Pricing (ours)")
    home = pia.get(url(partnership)).content.decode()
    listing = pia.get(url(partnership, "discussion")).content.decode()
    for body in (home, listing):
        assert "Labels" in body and "Pricing (ours)" not in body
    assert pia.get(url(partnership, "discussion", shared.pk)).status_code == 200
    assert pia.get(url(partnership, "discussion", closed.pk)).status_code == 404
    assert pia.post(url(partnership, "discussion", closed.pk), {"body": "Hi"}).status_code == 404
    assert not Reply.objects.exists()


def test_a_discussion_of_another_partnership_answers_404(pia, partnership, alice, bob):
    other = live_partnership(alice, [bob], organization=partnership.organization)
    thread = ThreadFactory(partnership=other, author=bob, shared=True)
    assert pia.get(f"/portal/{partnership.pk}/discussion/{thread.pk}/").status_code == 404
    assert pia.get(f"/portal/{other.pk}/discussion/{thread.pk}/").status_code == 404


def test_a_reply_mentions_our_manager_and_tells_the_rest_of_our_side(
    pia, partnership, alice, bob, charlie
):
    thread = ThreadFactory(partnership=partnership, author=alice, shared=True, title="Labels")
    executive(email="eve@example.com", full_name="Eve Stone")
    page = pia.get(url(partnership, "discussion", thread.pk)).content.decode()
    # Offered: our people on the partnership, and nobody else.
    assert "@[Bob Brown]" in page and "@[Alice Ashby]" in page
    assert "Charlie" not in page and "Eve Stone" not in page

    response = pia.post(
        url(partnership, "discussion", thread.pk),
        {"body": "@[Bob Brown] the labels are fixed. @[Eve Stone] @[Charlie Chen]"},
        follow=True,
    )
    body = response.content.decode()
    assert "Your reply is posted" in body and "We told Bob Brown" in body
    assert "Nobody was told for “@Eve Stone”" in body
    assert "Nobody was told for “@Charlie Chen”" in body
    reply = Reply.objects.get()
    assert reply.author == pia.user
    assert list(Mention.objects.values_list("user", flat=True)) == [bob.pk]
    assert Reminder.objects.filter(recipient=bob, kind="discussion.mention").exists()
    # Alice started it: told of the reply; Bob only once, by his mention.
    assert Reminder.objects.filter(recipient=alice, kind="portal.activity").exists()
    assert not Reminder.objects.filter(recipient=bob, kind="portal.activity").exists()
    assert not Reminder.objects.filter(recipient=charlie).exists()
    assert f"· {partnership.organization.name}" in body  # shown as the partner's


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write your reply first."), ("x" * 5001, "Keep the reply to 5000 characters")],
)
def test_a_reply_that_cannot_be_says_why(pia, partnership, bob, body, message):
    thread = ThreadFactory(partnership=partnership, author=bob, shared=True)
    response = pia.post(url(partnership, "discussion", thread.pk), {"body": body})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Reply.objects.exists()


def test_votes_on_a_shared_idea_stay_ours(pia, partnership, bob):
    from communications.models import Vote

    idea = ThreadFactory(partnership=partnership, author=bob, shared=True, is_idea=True)
    Vote.objects.create(thread=idea, user=bob)
    body = pia.get(url(partnership, "discussion", idea.pk)).content.decode()
    assert "Support" not in body and "vote" not in body.lower()


# KPIs, milestones and successes -----------------------------------------------------------------


def test_only_shared_kpis_show_with_their_latest_value_and_trend(pia, partnership):
    shared = KPIFactory(partnership=partnership, name="On-time delivery", shared=True)
    KPIFactory(partnership=partnership, name="Our margin", shared=False)
    first = timezone.localdate().replace(day=1)
    for months_back, value in ((2, "91"), (1, "93.5"), (0, "96.25")):
        day = first
        for _ in range(months_back):
            day = (day - datetime.timedelta(days=1)).replace(day=1)
        MeasurementFactory(kpi=shared, period=day, value=Decimal(value))
    body = pia.get(url(partnership)).content.decode()
    assert "On-time delivery" in body and "Our margin" not in body
    assert "96.25%" in body and "target 100%" in body
    assert "Trend of the last 3 values, from 91% to 96.25%" in body


def test_successes_and_milestones_both_show(pia, partnership, alice):
    Milestone.objects.create(
        partnership=partnership, title="First joint customer", achieved_on=timezone.localdate(),
        evidence="Signed order", value_note="Acme in Japan", created_by=alice,
    )  # fmt: skip
    Milestone.objects.create(partnership=partnership, title="Second depot", created_by=alice)
    body = pia.get(url(partnership)).content.decode()
    assert "Successes" in body and "First joint customer" in body and "Acme in Japan" in body
    assert "Coming up" in body and "Second depot" in body


# Fixed query counts -----------------------------------------------------------------------------


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_partnership_page_runs_the_same_queries_for_3_or_30_of_everything(
    pia, partnership, bob
):
    def add(n: int) -> None:
        for _ in range(n):
            kpi = KPIFactory(partnership=partnership, shared=True)
            MeasurementFactory(kpi=kpi)
            thread = ThreadFactory(partnership=partnership, author=bob, shared=True)
            Reply.objects.create(thread=thread, author=pia.user, body="Fine")
            action = ActionItemFactory(
                partnership=partnership, party="partner", owner=None, owner_contact=pia.contact
            )
            ActionCommentFactory(action=action, author=pia.user)
            DueDateProposalFactory(action=action, proposed_by=pia.user)

    add(3)
    queries(pia, url(partnership))  # the first request of the session notes when they were seen
    few = queries(pia, url(partnership))
    add(27)
    assert queries(pia, url(partnership)) == few


def test_the_thread_page_runs_the_same_queries_for_3_or_30_replies(pia, partnership, bob):
    thread = ThreadFactory(partnership=partnership, author=bob, shared=True)

    def add(n: int) -> None:
        for i in range(n):
            author = pia.user if i % 2 else bob
            Reply.objects.create(thread=thread, author=author, body=f"Reply {i} @[Bob Brown]")

    add(3)
    path = url(partnership, "discussion", thread.pk)
    queries(pia, path)
    few = queries(pia, path)
    add(27)
    assert queries(pia, path) == few


def test_the_action_page_runs_the_same_queries_for_3_or_30_comments(pia, partnership, bob, mine):
    def add(n: int) -> None:
        for i in range(n):
            ActionCommentFactory(action=mine, author=pia.user if i % 2 else bob)
            DueDateProposalFactory(action=mine, proposed_by=pia.user, status="withdrawn")

    add(3)
    path = url(partnership, "actions", mine.pk)
    queries(pia, path)
    few = queries(pia, path)
    add(27)
    assert queries(pia, path) == few


def test_the_home_and_discussion_list_run_the_same_queries_for_3_or_30(
    pia, partnership, alice, bob
):
    """The two portal lists not guarded yet: a contact invited to many partnerships of their
    organisation (home lists them when there are several) and many shared discussions."""

    def add(n: int) -> None:
        for _ in range(n):
            other = live_partnership(alice, [bob], organization=partnership.organization)
            invite(other, bob, contact=pia.contact)
            thread = ThreadFactory(partnership=partnership, author=bob, shared=True)
            Reply.objects.create(thread=thread, author=pia.user, body="Noted")

    add(3)
    queries(pia, "/portal/")  # the first request of the session notes when they were seen
    few = [queries(pia, "/portal/"), queries(pia, url(partnership, "discussion"))]
    add(27)
    assert [queries(pia, "/portal/"), queries(pia, url(partnership, "discussion"))] == few
