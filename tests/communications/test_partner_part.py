"""What the partner's people may do to action items and discussions (through the services), and
how our side answers: comments, proposed due dates, shared discussions and their mentions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from communications import services
from communications.models import ActionItem, DueDateProposal, Mention, Thread
from partnerships.models import Stage
from reminders.models import Reminder

from ..factories import ContactFactory, executive
from ..portal.factories import invite
from .factories import ActionItemFactory, DueDateProposalFactory, ThreadFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def pia(active, bob):
    """A partner contact invited to the partnership: the user the portal signs in."""
    access = invite(active, bob, contact=ContactFactory(organization=active.organization))
    return access.contact.user


@pytest.fixture
def theirs(active, pia, bob):
    return ActionItemFactory(
        partnership=active,
        party="partner",
        owner=None,
        owner_contact=pia.partner_contact,
        created_by=bob,
        due_on=TODAY() + datetime.timedelta(days=7),
    )


def test_the_owner_comments_and_the_timeline_names_them_with_their_organisation(
    active, pia, theirs
):
    comment = services.action_comment(action=theirs, by=pia, body="  Waiting on customs.  ")
    assert comment.body == "Waiting on customs."
    event = active.activities.get(summary__contains="commented on")
    assert event.actor == pia
    assert f"{pia} of {active.organization.name} commented" in event.summary


def test_nobody_else_of_the_partner_comments_on_their_action_item(active, bob, theirs):
    colleague = invite(active, bob, contact=ContactFactory(organization=active.organization))
    with pytest.raises(PermissionDenied):
        services.action_comment(action=theirs, by=colleague.contact.user, body="Hi")
    ours = ActionItemFactory(partnership=active)
    with pytest.raises(PermissionDenied):
        services.action_comment(action=ours, by=theirs.owner_contact.user, body="Hi")


def test_a_revoked_owner_can_no_longer_comment(active, bob, pia, theirs):
    from portal import services as portal

    portal.revoke(access=active.portal_accesses.get(contact__user=pia), by=bob)
    with pytest.raises(PermissionDenied):
        services.action_comment(action=theirs, by=pia, body="Still here?")


def test_an_empty_or_overlong_comment_is_refused(pia, theirs):
    for body in ("", "   ", "x" * 2001):
        with pytest.raises(ValidationError):
            services.action_comment(action=theirs, by=pia, body=body)


def test_our_people_comment_too(active, bob, theirs):
    services.action_comment(action=theirs, by=bob, body="Thanks, noted.")
    assert theirs.comments.get().author == bob


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (-1, "Propose a date from today"),
        (365 * 6, "within the next 5 years"),
        (7, "It is already due on"),
    ],
)
def test_a_proposed_date_must_make_sense(pia, theirs, days, message):
    with pytest.raises(ValidationError) as refused:
        services.action_propose_due_date(
            action=theirs, by=pia, proposed_on=TODAY() + datetime.timedelta(days=days)
        )
    assert message in str(refused.value.message_dict["proposed_on"])
    assert not DueDateProposal.objects.exists()


def test_a_proposal_moves_nothing_until_we_accept_it(active, pia, bob, theirs):
    later = TODAY() + datetime.timedelta(days=30)
    proposal = services.action_propose_due_date(
        action=theirs, by=pia, proposed_on=later, reason="Customs delay"
    )
    theirs.refresh_from_db()
    assert theirs.due_on == TODAY() + datetime.timedelta(days=7)
    assert proposal.previous_due_on == theirs.due_on
    assert active.activities.filter(summary__contains="proposed moving “").exists()

    services.due_date_decide(proposal=proposal, by=bob, accept=True)
    theirs.refresh_from_db()
    proposal.refresh_from_db()
    assert theirs.due_on == later
    assert proposal.status == "accepted" and proposal.decided_by == bob
    assert active.activities.filter(summary__contains="accepted").exists()
    with pytest.raises(ValidationError, match="already answered"):
        services.due_date_decide(proposal=proposal, by=bob, accept=False)


def test_a_declined_proposal_keeps_the_due_date_and_says_why(pia, bob, theirs):
    proposal = services.action_propose_due_date(
        action=theirs, by=pia, proposed_on=TODAY() + datetime.timedelta(days=30)
    )
    services.due_date_decide(proposal=proposal, by=bob, accept=False, answer="Launch is fixed")
    theirs.refresh_from_db()
    proposal.refresh_from_db()
    assert theirs.due_on == TODAY() + datetime.timedelta(days=7)
    assert (proposal.status, proposal.answer) == ("declined", "Launch is fixed")


def test_a_second_proposal_replaces_the_one_still_waiting(pia, theirs):
    first = services.action_propose_due_date(
        action=theirs, by=pia, proposed_on=TODAY() + datetime.timedelta(days=20)
    )
    services.action_propose_due_date(
        action=theirs, by=pia, proposed_on=TODAY() + datetime.timedelta(days=25)
    )
    first.refresh_from_db()
    assert first.status == "withdrawn"
    assert theirs.proposals.filter(status="pending").count() == 1


def test_only_our_side_answers_and_our_side_does_not_propose(pia, bob, charlie, theirs):
    proposal = services.action_propose_due_date(
        action=theirs, by=pia, proposed_on=TODAY() + datetime.timedelta(days=30)
    )
    for someone in (pia, charlie):
        with pytest.raises(PermissionDenied):
            services.due_date_decide(proposal=proposal, by=someone, accept=True)
    with pytest.raises(PermissionDenied):
        services.action_propose_due_date(
            action=theirs, by=bob, proposed_on=TODAY() + datetime.timedelta(days=30)
        )


def test_a_closed_action_item_or_a_date_gone_by_is_not_accepted(pia, bob, theirs):
    gone = DueDateProposalFactory(
        action=theirs, proposed_by=pia, proposed_on=TODAY() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="has passed"):
        services.due_date_decide(proposal=gone, by=bob, accept=True)
    DueDateProposal.objects.filter(pk=gone.pk).update(status="withdrawn")
    waiting = services.action_propose_due_date(
        action=theirs, by=pia, proposed_on=TODAY() + datetime.timedelta(days=9)
    )
    services.action_close(action=theirs, by=pia)
    with pytest.raises(ValidationError, match="closed"):
        services.due_date_decide(proposal=waiting, by=bob, accept=True)
    with pytest.raises(ValidationError, match="closed"):
        services.action_propose_due_date(
            action=theirs, by=pia, proposed_on=TODAY() + datetime.timedelta(days=9)
        )


def test_an_ended_partnership_takes_nothing_new(active, pia, theirs):
    active.stage, active.ended_reason = Stage.ENDED, "Wound down"
    active.save(update_fields=["stage", "ended_reason"])
    with pytest.raises(ValidationError, match="ended"):
        services.action_comment(action=theirs, by=pia, body="Hello")


# Shared discussions -------------------------------------------------------------------------------


def test_sharing_a_discussion_is_on_the_timeline(active, bob):
    thread = ThreadFactory(partnership=active, author=bob, title="Q3 launch")
    services.thread_set_shared(thread=thread, by=bob, shared=True)
    assert Thread.objects.get(pk=thread.pk).shared
    assert active.activities.filter(
        summary="Discussion shared with the partner: Q3 launch"
    ).exists()


def test_the_partner_replies_only_where_we_shared(active, pia, bob):
    closed = ThreadFactory(partnership=active, author=bob)
    with pytest.raises(PermissionDenied):
        services.thread_reply(thread=closed, by=pia, body="Hello?")
    shared = ThreadFactory(partnership=active, author=bob, shared=True, title="Labels")
    posted = services.thread_reply(thread=shared, by=pia, body="We can print them here.")
    assert posted.post.author == pia
    event = active.activities.get(summary__contains="replied in")
    assert event.actor == pia and active.organization.name in event.summary


def test_the_partner_mentions_only_our_people_on_the_partnership(active, pia, alice, bob, charlie):
    outsider_exec = executive(email="eve@example.com", full_name="Eve Stone")
    shared = ThreadFactory(partnership=active, author=bob, shared=True)
    posted = services.thread_reply(
        thread=shared,
        by=pia,
        body="@[Bob Brown] @[Alice Ashby] @[Charlie Chen] @[Eve Stone] @eve@example.com",
    )
    # Bob manages it, Alice sponsors it: they are told. Charlie (another manager's) and Eve (an
    # executive who is not on it) read as nobody, as a name nobody has would.
    assert set(posted.notified) == {alice, bob}
    assert posted.not_notified == []
    assert posted.unknown == ["Charlie Chen", "Eve Stone", "eve@example.com"]
    assert set(Mention.objects.values_list("user", flat=True)) == {alice.pk, bob.pk}
    notice = Reminder.objects.get(recipient=bob, kind="discussion.mention")
    assert f"{pia} of {active.organization.name} mentioned you" in notice.title
    assert not Reminder.objects.filter(recipient__in=[charlie, outsider_exec]).exists()


def test_our_people_still_mention_anyone_who_sees_the_partnership(active, bob):
    other_exec = executive(email="eve@example.com", full_name="Eve Stone")
    thread = ThreadFactory(partnership=active, author=bob, shared=True)
    posted = services.thread_reply(thread=thread, by=bob, body="@[Eve Stone] have a look")
    assert posted.notified == [other_exec]


def test_action_items_in_lists_say_a_new_date_is_proposed(client, active, pia, bob, theirs):
    services.action_propose_due_date(
        action=theirs, by=pia, proposed_on=TODAY() + datetime.timedelta(days=30)
    )
    client.force_login(bob)
    body = client.get(f"/partnerships/{active.pk}/communication/actions/").content.decode()
    assert "new date proposed" in body
    assert ActionItem.objects.count() == 1
