"""Our side of what the partner does in the portal: their comments and proposed due dates on the
action item's page, the discussion's share button, and the timeline naming them as theirs."""

import datetime

import pytest
from django.utils import timezone

from communications import services
from communications.models import ActionComment, DueDateProposal, Reply

from ..factories import ContactFactory
from ..helpers import assert_constant_queries
from ..portal.factories import invite
from .factories import ActionItemFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pia(active, bob):
    access = invite(
        active, bob, contact=ContactFactory(organization=active.organization, name="Pia Lund")
    )
    return access.contact.user


@pytest.fixture
def theirs(active, pia, bob):
    return ActionItemFactory(
        partnership=active,
        party="partner",
        owner=None,
        owner_contact=pia.partner_contact,
        created_by=bob,
        title="Send the forecast",
    )


def later(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_the_action_page_shows_their_proposal_and_accepting_moves_the_date(
    client, active, pia, bob, theirs
):
    proposal = services.action_propose_due_date(
        action=theirs, by=pia, proposed_on=later(30), reason="Customs delay"
    )
    client.force_login(bob)
    page = client.get(theirs.get_absolute_url()).content.decode()
    assert "A new due date is proposed" in page and "Customs delay" in page
    assert active.organization.name in page  # Pia, of the partner

    url = f"/partnerships/{active.pk}/communication/actions/{theirs.pk}/proposals/{proposal.pk}/"
    response = client.post(url, {"decision": "accept"}, follow=True)
    assert "is now due" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.due_on == later(30)
    assert "A new due date is proposed" not in response.content.decode()


def test_declining_with_too_long_an_answer_or_no_decision_is_refused(
    client, active, pia, bob, theirs
):
    proposal = services.action_propose_due_date(action=theirs, by=pia, proposed_on=later(30))
    client.force_login(bob)
    url = f"/partnerships/{active.pk}/communication/actions/{theirs.pk}/proposals/{proposal.pk}/"
    for data, message in (
        ({"decision": "decline", "answer": "x" * 501}, "Keep the answer to 500 characters"),
        ({"decision": "perhaps"}, "Choose to accept or to decline"),
    ):
        assert message in client.post(url, data, follow=True).content.decode()
    assert DueDateProposal.objects.get().status == "pending"


def test_a_proposal_of_another_action_item_answers_404(client, active, pia, bob, theirs):
    proposal = services.action_propose_due_date(action=theirs, by=pia, proposed_on=later(30))
    other = ActionItemFactory(partnership=active)
    client.force_login(bob)
    url = f"/partnerships/{active.pk}/communication/actions/{other.pk}/proposals/{proposal.pk}/"
    assert client.post(url, {"decision": "accept"}).status_code == 404


def test_we_comment_on_their_action_item_and_errors_say_why(client, active, bob, theirs):
    client.force_login(bob)
    url = f"/partnerships/{active.pk}/communication/actions/{theirs.pk}/comment/"
    empty = client.post(url, {"body": ""})
    assert empty.status_code == 200 and "Write the comment first." in empty.content.decode()
    long = client.post(url, {"body": "x" * 2001})
    assert "Keep the comment to 2000 characters" in long.content.decode()
    assert client.post(url, {"body": "Thanks, Pia."}).status_code == 302
    assert ActionComment.objects.get().author == bob
    assert "Thanks, Pia." in client.get(theirs.get_absolute_url()).content.decode()


def test_the_action_page_runs_the_same_queries_for_3_or_30_comments(
    client, active, pia, bob, theirs
):
    def add(n: int) -> None:
        for i in range(n):
            services.action_comment(action=theirs, by=pia if i % 2 else bob, body=f"Note {i}")

    add(3)
    services.action_propose_due_date(action=theirs, by=pia, proposed_on=later(30))
    client.force_login(bob)
    assert_constant_queries(client, theirs.get_absolute_url(), lambda: add(27))


def test_a_discussion_is_shared_in_one_click(client, active, bob):
    thread = ThreadFactory(partnership=active, author=bob)
    client.force_login(bob)
    assert "Share with the partner" in client.get(thread.get_absolute_url()).content.decode()
    url = f"/partnerships/{active.pk}/communication/discussion/{thread.pk}/share/"
    page = client.post(url, {"shared": "1"}, follow=True).content.decode()
    assert "Shared: the partner" in page
    thread.refresh_from_db()
    assert thread.shared
    refused = client.post(url, {"shared": "yes"}, follow=True).content.decode()
    assert "Choose whether to share the discussion" in refused


def test_a_new_discussion_can_start_shared(client, active, bob):
    client.force_login(bob)
    url = f"/partnerships/{active.pk}/communication/discussion/new/"
    client.post(url, {"title": "Joint launch", "body": "Dates?", "shared": "on"})
    assert active.threads.get().shared


def test_their_replies_show_as_theirs_in_constant_queries(client, active, pia, bob):
    thread = ThreadFactory(partnership=active, author=bob, shared=True)

    def add(n: int) -> None:
        for i in range(n):
            Reply.objects.create(thread=thread, author=pia if i % 2 else bob, body=f"Reply {i}")

    add(3)
    client.force_login(bob)
    body = client.get(thread.get_absolute_url()).content.decode()
    assert f"{active.organization.name} · partner" in body
    assert_constant_queries(client, thread.get_absolute_url(), lambda: add(27))


def test_the_timeline_names_the_partner_s_people_with_their_organisation(
    client, active, pia, bob, theirs
):
    services.action_comment(action=theirs, by=pia, body="On its way")
    client.force_login(bob)
    body = client.get(f"/partnerships/{active.pk}/timeline/").content.decode()
    assert "Pia Lund of" in body and f"{active.organization.name} · partner" in body
    overview = client.get(f"/partnerships/{active.pk}/").content.decode()
    assert f"{active.organization.name} · partner" in overview
