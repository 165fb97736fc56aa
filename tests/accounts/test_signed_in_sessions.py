"""The sessions a person can see on their profile, and what ends them."""

import datetime
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts import roles, signed_in
from accounts.models import SignedInSession
from audit.models import Action, AuditEvent

from ..factories import executive, manager
from ..helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"
MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"  # noqa: E501
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"  # noqa: E501


def browser(user, agent: str, ip: str = "198.51.100.7") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = client.post(
        "/accounts/sign-in/", {"username": user.email, "password": "secret-pass-123"}
    )
    assert response.status_code == 302, response.content
    return client


def signed_in_as(client) -> bool:
    return client.get("/partnerships/").status_code == 200


def ended(reason: str):
    return AuditEvent.objects.filter(action=Action.SESSION_ENDED, extra__reason=reason)


@pytest.fixture(autouse=True)
def _fresh_notes():
    signed_in._seen.clear()


def test_the_profile_lists_both_browsers_with_this_one_marked(bob):
    laptop, phone = browser(bob, MAC, "198.51.100.7"), browser(bob, PHONE, "203.0.113.9")
    body = laptop.get(PROFILE).content.decode()
    assert "Chrome on macOS" in body and "Safari on iOS" in body
    assert "198.51.100.7" in body and "203.0.113.9" in body
    assert body.count("This device") == 1
    assert body.index("Chrome on macOS") < body.index("This device") < body.index("Safari on iOS")
    assert "Sign out everywhere else" in body
    for row in SignedInSession.objects.all():
        assert row.session_key not in body  # the key is the credential: never on a page
    assert "Safari on iOS" in phone.get(PROFILE).content.decode()


def test_last_seen_is_shown_in_the_users_time_zone(bob):
    bob.time_zone = "Asia/Tokyo"
    bob.save()
    laptop, _phone = browser(bob, MAC), browser(bob, PHONE)
    row = SignedInSession.objects.get(user_agent=PHONE)
    seen = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)
    SignedInSession.objects.filter(pk=row.pk).update(last_seen=seen)
    body = laptop.get(PROFILE).content.decode()
    in_tokyo = seen.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f"{in_tokyo.day} {in_tokyo:%b %Y, %H:%M}" in body and "Asia/Tokyo" in body


def test_signing_out_one_other_session_ends_it_at_its_next_request(bob):
    laptop, phone = browser(bob, MAC), browser(bob, PHONE)
    row = SignedInSession.objects.get(user_agent=PHONE)
    response = laptop.post(f"/accounts/sessions/{row.pk}/sign-out/")
    assert response.status_code == 302
    assert not SignedInSession.objects.filter(pk=row.pk).exists()
    assert not Session.objects.filter(pk=row.session_key).exists()
    assert not signed_in_as(phone)
    assert signed_in_as(laptop)
    event = ended(signed_in.SIGNED_OUT_HERE).get()
    assert event.actor == bob and event.target_id == str(bob.pk)
    assert event.extra["device"] == "Safari on iOS"


def test_a_session_whose_row_is_gone_is_signed_out(bob):
    phone = browser(bob, PHONE)
    SignedInSession.objects.all().delete()  # gone some other way than through the page
    signed_in._seen.clear()  # a minute later
    assert not signed_in_as(phone)
    assert not signed_in_as(phone)


def test_last_seen_is_written_at_most_once_a_minute(bob, django_assert_max_num_queries):
    laptop = browser(bob, MAC)
    row = SignedInSession.objects.get()
    laptop.get("/partnerships/")
    seen = SignedInSession.objects.get().last_seen
    laptop.get("/partnerships/")
    assert SignedInSession.objects.get().last_seen == seen
    signed_in._seen[row.pk] = timezone.now() - datetime.timedelta(minutes=2)
    laptop.get("/partnerships/")
    assert SignedInSession.objects.get().last_seen > seen


def test_sign_out_everywhere_else_keeps_this_session(bob):
    laptop, phone, tablet = browser(bob, MAC), browser(bob, PHONE), browser(bob, "Other/1.0")
    assert laptop.post("/accounts/sessions/sign-out-others/").status_code == 302
    assert signed_in_as(laptop)
    assert not signed_in_as(phone) and not signed_in_as(tablet)
    assert SignedInSession.objects.filter(user=bob).count() == 1
    assert ended(signed_in.SIGNED_OUT_ELSEWHERE).count() == 2


def test_signing_out_lists_the_session_no_more(bob):
    laptop = browser(bob, MAC)
    laptop.post("/accounts/sign-out/")
    assert not SignedInSession.objects.exists()


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(bob):
    laptop, phone = browser(bob, MAC), browser(bob, PHONE)
    response = laptop.post(
        "/accounts/password/",
        {
            "old_password": "secret-pass-123",
            "new_password1": "a-much-newer-pass-456",
            "new_password2": "a-much-newer-pass-456",
        },
    )
    assert response.status_code == 302
    assert signed_in_as(laptop)
    assert not signed_in_as(phone)
    # The change cycled this session's key: the row followed it, so it can still be ended.
    row = SignedInSession.objects.get(user=bob)
    assert row.session_key == laptop.session.session_key
    assert ended(signed_in.PASSWORD_CHANGED).get().actor == bob


def test_an_administrator_setting_a_password_ends_every_session_of_that_user(bob):
    phone = browser(bob, PHONE)
    bob.set_password("set-by-an-admin-789")
    bob.save()
    assert not signed_in_as(phone)
    assert not SignedInSession.objects.filter(user=bob).exists()


def test_losing_a_role_ends_every_session_of_that_user(bob, alice):
    laptop, phone, hers = browser(bob, MAC), browser(bob, PHONE), browser(alice, MAC)
    bob.groups.remove(Group.objects.get(name=roles.PARTNER_MANAGER))
    assert not signed_in_as(laptop) and not signed_in_as(phone)
    assert signed_in_as(hers)
    assert ended(signed_in.ROLE_REMOVED).count() == 2


def test_a_role_cleared_from_the_group_side_ends_sessions_too(bob):
    phone = browser(bob, PHONE)
    Group.objects.get(name=roles.PARTNER_MANAGER).user_set.clear()
    assert not signed_in_as(phone)


def test_gaining_a_role_ends_nothing(bob):
    phone = browser(bob, PHONE)
    bob.groups.add(Group.objects.get(name=roles.EXECUTIVE))
    assert signed_in_as(phone)


def test_another_users_session_cannot_be_ended(bob, charlie):
    laptop, hers = browser(bob, MAC), browser(charlie, PHONE)
    theirs = SignedInSession.objects.get(user=charlie)
    assert laptop.post(f"/accounts/sessions/{theirs.pk}/sign-out/").status_code == 404
    assert laptop.post("/accounts/sessions/999999/sign-out/").status_code == 404
    assert signed_in_as(hers)
    assert not AuditEvent.objects.filter(action=Action.SESSION_ENDED).exists()


def test_this_session_is_not_ended_from_the_list(bob):
    laptop = browser(bob, MAC)
    row = SignedInSession.objects.get()
    laptop.post(f"/accounts/sessions/{row.pk}/sign-out/")
    assert signed_in_as(laptop)


def test_signing_out_a_session_needs_the_csrf_token(bob):
    laptop, phone = browser(bob, MAC), browser(bob, PHONE)
    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies = laptop.cookies
    row = SignedInSession.objects.get(user_agent=PHONE)
    assert csrf.post(f"/accounts/sessions/{row.pk}/sign-out/").status_code == 403
    assert csrf.get(f"/accounts/sessions/{row.pk}/sign-out/").status_code == 405
    assert signed_in_as(phone)


def test_the_profile_pages_queries_do_not_grow_with_sessions(bob):
    laptop = browser(bob, MAC)

    def more_sessions():
        for n in range(12):
            SignedInSession.objects.create(user=bob, session_key=f"k{n:039d}", user_agent=PHONE)

    assert_constant_queries(laptop, PROFILE, more_sessions)


def test_a_partner_contacts_portal_session_is_theirs_alone(alice, bob):
    from ..portal.factories import delivered_link, invite, live_partnership, sign_in_with

    partnership = live_partnership(alice, [bob])
    contact = invite(partnership, bob).contact.user
    portal = Client()
    sign_in_with(portal, delivered_link(contact))
    assert portal.get("/portal/", follow=True).status_code == 200
    assert portal.get(PROFILE).status_code == 404
    assert SignedInSession.objects.filter(user=contact).count() == 1
    laptop = browser(bob, MAC)
    assert "Unknown browser" not in laptop.get(PROFILE).content.decode()


def test_a_session_from_before_the_list_is_listed_at_its_next_request(bob):
    laptop = browser(bob, MAC)
    SignedInSession.objects.all().delete()
    session = laptop.session
    del session[signed_in.ROW]
    session.save()
    assert signed_in_as(laptop)
    assert SignedInSession.objects.filter(user=bob).count() == 1


def test_an_executive_sees_their_sessions_too():
    user = executive(email="eve@example.com")
    assert "This device" in browser(user, MAC).get(PROFILE).content.decode()
    assert manager  # the factories used above


def test_a_user_agent_with_nul_and_surrogates_still_signs_in(bob):
    browser(bob, "evil\x00agent\ud800")
    assert SignedInSession.objects.get().user_agent == "evil\ufffdagent\ufffd"
