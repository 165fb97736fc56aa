import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from communications.models import ActionItem, CheckIn, Concern, Reply
from partnerships.models import Activity
from tests.helpers import assert_constant_queries

from ..factories import PartnershipFactory
from .factories import (
    ActionItemFactory,
    CheckInFactory,
    ConcernFactory,
    ReplyFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def log_url(p) -> str:
    return reverse("communications:log", args=[p.pk])


def check_in_data(**overrides) -> dict:
    data = {
        "held_on": timezone.localdate().isoformat(),
        "kind": "call",
        "sentiment": "4",
        "summary": "Volumes fine, pricing next month.",
        "topics": "volumes, pricing",
        "concern_kind": "issue",
        "concern_severity": "medium",
        "concern_raised_by": "partner",
    }
    return {**data, **overrides}


# The quick log ---------------------------------------------------------------------------------


def test_the_quick_log_answers_htmx_with_the_form_alone_and_lists_last_actions(client, active, bob):
    check_in = CheckInFactory(partnership=active)
    ActionItemFactory(partnership=active, check_in=check_in, owner=bob, title="Send forecast")
    ActionItemFactory(partnership=active, owner=bob, title="Not from a check-in")
    client.force_login(bob)
    response = client.get(log_url(active), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'hx-post="' in html
    assert "Send forecast" in html and "Not from a check-in" not in html


def test_the_quick_log_opened_directly_is_a_whole_page(client, active, bob):
    client.force_login(bob)
    response = client.get(log_url(active))
    assert b"<html" in response.content and b"Log a check-in" in response.content


def test_a_future_check_in_comes_back_in_the_modal_with_the_error_and_the_input_kept(
    client, active, bob
):
    client.force_login(bob)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(log_url(active), check_in_data(held_on=tomorrow), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be in the future" in html
    assert "Volumes fine, pricing next month." in html
    assert not CheckIn.objects.exists()


def test_a_sentiment_outside_one_to_five_is_refused_in_words(client, active, bob):
    client.force_login(bob)
    response = client.post(log_url(active), check_in_data(sentiment="7"), headers=HTMX)
    assert "Sentiment goes from 1 (very poor) to 5 (excellent)." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_logged_check_in_with_two_actions_and_a_concern_refreshes_the_page(client, active, bob):
    old = ActionItemFactory(
        partnership=active, owner=bob, check_in=CheckInFactory(partnership=active)
    )
    client.force_login(bob)
    response = client.post(
        log_url(active),
        check_in_data(
            close_actions=[old.pk],
            action_1_title="Send the forecast",
            action_1_owner=f"u:{bob.pk}",
            action_1_due=(timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            action_2_title="Share the incident report",
            action_2_owner=f"c:{active.contact.pk}",
            concern_title="Late deliveries",
            concern_severity="high",
        ),
        headers=HTMX,
    )
    assert response.status_code == 204
    assert response.headers["HX-Refresh"] == "true"
    active.refresh_from_db()
    assert active.next_check_in_due == active.check_in_cadence.next_due(timezone.localdate())
    assert ActionItem.objects.open().count() == 2
    assert Concern.objects.get().severity == "high"


def test_an_action_owner_who_cannot_see_the_partnership_is_refused_on_its_row(
    client, active, bob, charlie
):
    client.force_login(bob)
    response = client.post(
        log_url(active),
        check_in_data(action_1_title="Do it", action_1_owner=f"u:{charlie.pk}"),
        headers=HTMX,
    )
    html = response.content.decode()
    assert "Charlie Chen cannot see this partnership" in html
    assert "Do it" in html
    assert not CheckIn.objects.exists() and not ActionItem.objects.exists()


def test_without_htmx_a_logged_check_in_redirects_to_the_communication_tab(client, active, bob):
    client.force_login(bob)
    response = client.post(log_url(active), check_in_data())
    assert response.status_code == 302
    assert response.url == reverse("partnerships:tab", args=[active.pk, "communication"])


# Pages and their query counts ------------------------------------------------------------------


def _busy(partnership, owner, n: int) -> None:
    for _ in range(n):
        check_in = CheckInFactory(partnership=partnership)
        check_in.attendees.add(owner)
        ActionItemFactory(partnership=partnership, owner=owner, check_in=check_in)
        ConcernFactory(partnership=partnership)
        ReplyFactory(thread=ThreadFactory(partnership=partnership, author=owner))


def test_the_communication_tab_renders_in_constant_queries(client, active, bob):
    client.force_login(bob)
    _busy(active, bob, 1)
    url = reverse("partnerships:tab", args=[active.pk, "communication"])
    assert_constant_queries(client, url, lambda: _busy(active, bob, 12))
    html = client.get(url).content.decode()
    assert "Open concerns" in html and "left" in html


@pytest.mark.parametrize(
    "name", ["check_ins", "actions", "concerns", "threads", "summary"], ids=str
)
def test_each_communication_list_renders_in_constant_queries(client, active, bob, name):
    client.force_login(bob)
    _busy(active, bob, 1)
    url = reverse(f"communications:{name}", args=[active.pk])
    assert_constant_queries(client, url, lambda: _busy(active, bob, 15))


def test_the_timeline_renders_with_the_same_queries_for_10_and_500_events(client, active, bob):
    client.force_login(bob)
    kinds = ["stage", "objective", "agreement", "check_in", "concern", "escalation", "kpi_x"]

    def events(n: int) -> None:
        Activity.objects.bulk_create(
            Activity(
                partnership=active, kind=kinds[i % len(kinds)], summary=f"Event {i}", actor=bob
            )
            for i in range(n)
        )

    events(10)
    url = reverse("partnerships:timeline", args=[active.pk])
    assert_constant_queries(client, url, lambda: events(490))
    html = client.get(url).content.decode()
    assert "Escalations" in html and "Kpi x" in html  # labelled, known or not
    filtered = client.get(url, {"kind": "escalation"}).content.decode()
    assert "Event 488<" in filtered and "Event 489<" not in filtered  # 488 % 7 == 5


def test_the_executive_sees_a_check_in_on_the_timeline(client, active, bob, alice):
    client.force_login(bob)
    client.post(log_url(active), check_in_data())
    client.force_login(alice)
    html = client.get(reverse("partnerships:timeline", args=[active.pk])).content.decode()
    assert "Check-in logged: call on" in html


def test_my_action_items_lists_only_mine_overdue_first_in_constant_queries(client, active, bob):
    today = timezone.localdate()
    ActionItemFactory(partnership=active, owner=bob, title="Later", due_on=today.replace(year=2099))
    ActionItemFactory(partnership=active, owner=bob, title="Overdue", due_on=today.replace(2020))
    ActionItemFactory(partnership=active, owner=bob, title="Undated", due_on=None)
    ActionItemFactory(partnership=active, title="Someone else's")
    client.force_login(bob)
    url = reverse("communications:my_actions")
    html = client.get(url).content.decode()
    assert html.index("Overdue") < html.index("Later") < html.index("Undated")
    assert "Someone else" not in html

    def more() -> None:
        for _ in range(20):
            ActionItemFactory(partnership=PartnershipFactory(managers=[bob]), owner=bob)

    assert_constant_queries(client, url, more)


def test_my_action_items_is_in_the_navigation(client, bob):
    client.force_login(bob)
    html = client.get(reverse("partnerships:list")).content.decode()
    assert 'href="/action-items/"' in html


def test_the_overview_shows_compliance_and_the_log_button(client, active, bob):
    client.force_login(bob)
    html = client.get(active.get_absolute_url()).content.decode()
    assert 'data-testid="compliance"' in html
    assert f'hx-get="{log_url(active)}"' in html


def test_the_list_offers_the_quick_log_for_live_partnerships(client, active, bob):
    client.force_login(bob)
    html = client.get(reverse("partnerships:list")).content.decode()
    assert f'hx-get="{log_url(active)}"' in html and 'id="quick-log"' in html


# Concerns --------------------------------------------------------------------------------------


def test_a_concern_closed_without_a_resolution_is_refused_with_a_message(client, active, bob):
    concern = ConcernFactory(partnership=active)
    client.force_login(bob)
    url = reverse("communications:concern_resolve", args=[active.pk, concern.pk])
    response = client.post(url, {"resolution": "  "})
    assert "Say how the concern was resolved before closing it." in response.content.decode()
    concern.refresh_from_db()
    assert concern.resolved_at is None


def test_a_concern_page_shows_its_response_clock(client, active, bob):
    concern = ConcernFactory(
        partnership=active, raised_at=timezone.now() - datetime.timedelta(hours=21)
    )
    client.force_login(bob)
    html = client.get(concern.get_absolute_url()).content.decode()
    assert "2 h left" in html and "to respond" in html


def test_raising_a_concern_from_its_form_starts_its_clock(client, active, bob):
    client.force_login(bob)
    response = client.post(
        reverse("communications:concern_create", args=[active.pk]),
        {"title": "Outage", "kind": "issue", "severity": "critical", "raised_by": "partner"},
    )
    concern = Concern.objects.get()
    assert response.url == concern.get_absolute_url()
    assert concern.respond_by - concern.raised_at == datetime.timedelta(hours=4)


# Discussion ------------------------------------------------------------------------------------


def test_a_post_with_a_script_is_shown_as_text(client, active, bob):
    thread = ThreadFactory(partnership=active, body="<script>alert(1)</script> **hi**")
    client.force_login(bob)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html and "<strong>hi</strong>" in html


def test_mentioning_an_outsider_says_they_were_not_notified(client, active, bob, charlie):
    thread = ThreadFactory(partnership=active)
    client.force_login(bob)
    response = client.post(
        reverse("communications:reply", args=[active.pk, thread.pk]),
        {"body": "Thoughts, @[Charlie Chen]?"},
        follow=True,
    )
    html = response.content.decode()
    assert "Charlie Chen was not notified: they cannot see this partnership." in html
    assert Reply.objects.filter(thread=thread).exists()


def test_an_idea_can_be_supported_from_its_page(client, active, bob):
    idea = ThreadFactory(partnership=active, is_idea=True)
    client.force_login(bob)
    client.post(reverse("communications:vote", args=[active.pk, idea.pk]), {"support": "1"})
    assert idea.votes.count() == 1


# Transparency ----------------------------------------------------------------------------------


def test_the_shared_summary_holds_shared_check_ins_and_both_sides_open_actions(client, active, bob):
    CheckInFactory(partnership=active, shared=True, summary="Shared talk")
    CheckInFactory(partnership=active, shared=False, summary="Internal talk")
    ActionItemFactory(partnership=active, owner=bob, title="Our task")
    ActionItemFactory(
        partnership=active, party="partner", owner=None, owner_contact=active.contact,
        title="Their task",
    )  # fmt: skip
    client.force_login(bob)
    html = client.get(reverse("communications:summary", args=[active.pk])).content.decode()
    assert "Shared talk" in html and "Internal talk" not in html
    assert "Our task" in html and "Their task" in html


def test_the_shared_summary_is_e_mailed_to_the_chosen_partner_contacts(client, active, bob):
    CheckInFactory(partnership=active, shared=True, summary="Shared talk")
    client.force_login(bob)
    response = client.post(
        reverse("communications:summary_send", args=[active.pk]), {"contacts": [active.contact.pk]}
    )
    assert response.status_code == 302
    assert mail.outbox[0].to == [active.contact.email]
    assert "Shared talk" in mail.outbox[0].body


def test_administrators_edit_the_response_targets_in_admin(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:communications_responsetarget_changelist"))
    assert response.status_code == 200
    assert b"Critical" in response.content


def test_a_check_in_can_be_shared_and_unshared(client, active, bob):
    check_in = CheckInFactory(partnership=active)
    client.force_login(bob)
    url = reverse("communications:check_in_share", args=[active.pk, check_in.pk])
    client.post(url, {"shared": "1"})
    check_in.refresh_from_db()
    assert check_in.shared
    client.post(url, {"shared": "0"})
    check_in.refresh_from_db()
    assert not check_in.shared


def test_marking_an_action_done_goes_back_only_to_a_page_of_this_site(client, active, bob):
    item = ActionItemFactory(partnership=active, owner=bob)
    client.force_login(bob)
    url = reverse("communications:action_status", args=[active.pk, item.pk])
    response = client.post(url, {"status": "done", "next": "https://evil.example/"})
    assert response.url == reverse("communications:actions", args=[active.pk])
    item.refresh_from_db()
    assert item.status == "done"
    response = client.post(url, {"status": "open", "next": "/action-items/"})
    assert response.url == "/action-items/"


def test_an_action_item_is_edited_and_an_outsider_owner_refused_in_words(
    client, active, bob, charlie
):
    item = ActionItemFactory(partnership=active, owner=bob)
    client.force_login(bob)
    url = reverse("communications:action_edit", args=[active.pk, item.pk])
    response = client.post(url, {"title": "New title", "owner": f"u:{charlie.pk}", "due_on": ""})
    assert "Charlie Chen cannot see this partnership" in response.content.decode()
    response = client.post(url, {"title": "New title", "owner": f"c:{active.contact.pk}"})
    item.refresh_from_db()
    assert (item.title, item.party, item.owner_contact) == ("New title", "partner", active.contact)
