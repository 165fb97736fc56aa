"""Inviting the partner's people, their one-time sign-in links, revoking them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from partnerships import services as partnership_services
from partnerships.models import Contact, PortalAccess, Stage
from portal import services
from reminders.models import Reminder

from ..factories import ContactFactory, manager
from .factories import delivered_link, invite, live_partnership, sign_in_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(alice, bob):
    return live_partnership(alice, [bob], name="Northwind supply")


def test_a_manager_invites_an_existing_contact_who_gets_a_link_that_signs_in_once(
    client, partnership, bob
):
    contact = ContactFactory(organization=partnership.organization, name="Pia Lund")
    access = services.invite(partnership=partnership, by=bob, contact=contact)
    contact.refresh_from_db()
    user = contact.user
    assert user.is_partner_contact and not user.has_usable_password()
    assert access.status == "invited"

    link = delivered_link(user)
    message = mail.outbox[-1]
    assert message.alternatives and "Open the partner portal" in message.alternatives[0][0]
    # The link exists only in the e-mail: the outbox row holds no token.
    row = Reminder.objects.get(recipient=user)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in row.url and token not in row.title

    response = sign_in_with(client, link)
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.get_expiry_age() == 8 * 3600
    access.refresh_from_db()
    assert access.status == "joined" and access.joined_at is not None

    # Used once: a second use, even in another browser, signs nobody in and says so.
    other = Client()
    again = sign_in_with(other, link)
    assert again.status_code == 400
    assert "This link no longer works" in again.content.decode()
    assert "_auth_user_id" not in other.session


def test_a_link_pressed_in_two_browsers_at_once_signs_in_once(partnership, bob, monkeypatch):
    """Both presses check the link before either signs in: the second one finds, under the
    user's row lock, that the first has signed in meanwhile, and is refused."""
    import portal.views
    from accounts.models import User

    access = invite(partnership, bob)
    link = delivered_link(access.contact.user)
    first, second = Client(), Client()
    first.get(link)
    second.get(link)
    # The second press's check ran while the link was still unused: what it got back then.
    checked_before = User.objects.get(pk=access.contact.user_id)
    assert first.post(link).status_code == 302
    monkeypatch.setattr(portal.views, "authenticate", lambda request, sesame: checked_before)
    refused = second.post(link)
    assert refused.status_code == 400 and "This link no longer works" in refused.content.decode()
    assert "_auth_user_id" not in second.session
    assert first.get("/portal/").status_code in (200, 302)


def test_opening_the_link_alone_does_not_use_it_up(client, partnership, bob):
    access = invite(partnership, bob)
    link = delivered_link(access.contact.user)
    # A mail scanner follows the link: GET shows a button and signs nobody in.
    for _ in range(3):
        page = client.get(link)
        assert page.status_code == 200 and "Continue to the portal" in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in_with(client, link).status_code == 302


def test_an_expired_link_signs_nobody_in(client, partnership, bob, settings):
    access = invite(partnership, bob)
    link = delivered_link(access.contact.user)
    settings.SESAME_MAX_AGE = -1  # every link issued is now past its age
    from sesame import settings as sesame_settings

    sesame_settings.load()
    try:
        opened = client.get(link)
        response = sign_in_with(client, link)
    finally:
        settings.SESAME_MAX_AGE = 14 * 24 * 3600
        sesame_settings.load()
    assert opened.status_code == response.status_code == 400
    assert "ask for a fresh one" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_a_tampered_link_is_refused_and_counted_like_a_wrong_password(client, partnership, bob):
    access = invite(partnership, bob)
    link = delivered_link(access.contact.user)
    forged = link[:-4] + ("AAA/" if not link.endswith("AAA/") else "BBB/")
    for _ in range(4):
        assert sign_in_with(client, forged).status_code == 400
    # The fifth bad link from this address locks links from it, like passwords.
    assert sign_in_with(client, forged).status_code == 429


def test_revoking_takes_effect_at_once_and_voids_the_links_in_the_inbox(partnership, bob):
    access = invite(partnership, bob)
    user = access.contact.user
    link = delivered_link(user)
    signed_in = Client()
    sign_in_with(signed_in, link)
    assert signed_in.get(f"/portal/{partnership.pk}/").status_code == 200

    resent = services.resend(access=access, by=bob)
    fresh = delivered_link(user)
    services.revoke(access=resent, by=bob)
    access.refresh_from_db()
    assert access.status == "revoked"
    # Their only partnership: the session ends with it (its hash was the password's).
    response = signed_in.get(f"/portal/{partnership.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/portal/sign-in/")
    assert sign_in_with(Client(), fresh).status_code == 400


def test_a_revoked_link_says_so_in_words_and_offers_a_new_one(partnership, bob):
    access = invite(partnership, bob)
    link = delivered_link(access.contact.user)
    services.revoke(access=access, by=bob)
    browser = Client()
    for response in (browser.get(link), browser.post(link)):
        html = response.content.decode()
        assert response.status_code == 400
        assert "This link no longer works" in html and "access was withdrawn" in html
        assert 'action="/portal/sign-in/"' in html and "E-mail me a sign-in link" in html
    assert "_auth_user_id" not in browser.session


def test_revoking_one_of_two_partnerships_closes_that_one_only(alice, bob):
    first = live_partnership(alice, [bob])
    second = live_partnership(alice, [bob], organization=first.organization)
    access = invite(first, bob)
    invite(second, bob, contact=access.contact)
    browser = Client()
    sign_in_with(browser, delivered_link(access.contact.user))
    services.revoke(access=access, by=bob)
    assert browser.get(f"/portal/{first.pk}/").status_code == 404
    assert browser.get(f"/portal/{second.pk}/").status_code == 200


def test_ending_the_partnership_revokes_everyone(partnership, alice, bob):
    first, second = invite(partnership, bob), invite(partnership, bob)
    partnership_services.partnership_move(
        partnership=partnership, to_stage=Stage.ENDED, by=alice, note="Merged into another deal"
    )
    assert set(PortalAccess.objects.values_list("revoked_at", flat=True)) != {None}
    assert not PortalAccess.objects.active().exists()
    assert first.pk != second.pk


def test_invitations_are_refused_in_words_where_they_cannot_be_made(alice, bob, charlie):
    early = live_partnership(alice, [bob], stage=Stage.SELECTING)
    with pytest.raises(services.PortalRefused, match="agreeing stage"):
        invite(early, bob)
    partnership = live_partnership(alice, [bob])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invite(partnership, charlie)  # not one of its managers
    stranger = ContactFactory()  # of another organisation
    with pytest.raises(services.PortalRefused, match="not one of the partner's people"):
        services.invite(partnership=partnership, by=bob, contact=stranger)
    with pytest.raises(services.PortalRefused, match="no e-mail"):
        invite(
            partnership,
            bob,
            contact=ContactFactory(organization=partnership.organization, email=""),
        )
    with pytest.raises(services.PortalRefused, match="one of our own people"):
        invite(partnership, bob, name="Bob again", email="BOB@example.com")
    assert not PortalAccess.objects.exists()


def test_a_person_belongs_to_one_organisation(alice, bob):
    first = live_partnership(alice, [bob])
    second = live_partnership(alice, [bob])
    invite(first, bob, name="Ines Ortiz", email="ines@partner.example")
    with pytest.raises(services.PortalRefused, match="one organisation"):
        invite(second, bob, name="Ines Ortiz", email="Ines@Partner.example")


def test_the_same_contact_on_two_partnerships_of_its_organisation_is_one_user(alice, bob):
    first = live_partnership(alice, [bob])
    second = live_partnership(alice, [bob], organization=first.organization)
    contact = ContactFactory(organization=first.organization)
    invite(first, bob, contact=contact)
    invite(second, bob, contact=contact)
    contact.refresh_from_db()
    assert PortalAccess.objects.filter(contact=contact).count() == 2
    assert Contact.objects.filter(user=contact.user).count() == 1


def test_inviting_again_after_a_revocation_reopens_it(partnership, bob):
    access = invite(partnership, bob)
    services.revoke(access=access, by=bob)
    again = services.invite(partnership=partnership, by=bob, contact=access.contact)
    assert again.pk == access.pk and again.status == "invited"
    with pytest.raises(services.PortalRefused, match="already invited"):
        services.invite(partnership=partnership, by=bob, contact=access.contact)


def test_asking_for_a_fresh_link_gives_the_same_answer_known_or_not(client, partnership, bob):
    access = invite(partnership, bob)
    mail.outbox.clear()
    known = client.post("/portal/sign-in/", {"email": access.contact.email.upper()})
    unknown = client.post("/portal/sign-in/", {"email": "nobody@partner.example"})
    ours = client.post("/portal/sign-in/", {"email": bob.email})
    pages = [
        r.content.decode().replace(e, "")
        for r, e in (
            (known, access.contact.email.upper()),
            (unknown, "nobody@partner.example"),
            (ours, bob.email),
        )
    ]
    assert all(r.status_code == 200 for r in (known, unknown, ours))
    assert pages[0] == pages[1] == pages[2]
    # Only the invited contact gets a link; never one of our own people.
    assert Reminder.objects.filter(kind=services.LINK_KIND).count() == 2
    assert not Reminder.objects.filter(recipient=bob).exists()


def test_asking_for_links_is_throttled(client, partnership, bob):
    access = invite(partnership, bob)
    for _ in range(3):
        assert client.post("/portal/sign-in/", {"email": access.contact.email}).status_code == 200
    response = client.post("/portal/sign-in/", {"email": access.contact.email})
    assert response.status_code == 429
    assert "Too many links" in response.content.decode()
    # From one address, many different e-mails are throttled too.
    other = Client(REMOTE_ADDR="10.8.0.1")
    answers = [
        other.post("/portal/sign-in/", {"email": f"guess{n}@partner.example"}).status_code
        for n in range(11)
    ]
    assert answers[:10] == [200] * 10 and answers[10] == 429


def test_old_link_requests_are_pruned(partnership, bob):
    from portal.models import LinkRequest

    LinkRequest.objects.create(email="a@b.example", at=timezone.now() - timedelta(days=2))
    LinkRequest.objects.create(email="c@d.example")
    assert services.prune_link_requests() == 1


def test_the_tab_lists_who_is_invited_with_their_status(client, partnership, bob):
    joined = invite(partnership, bob)
    sign_in_with(Client(), delivered_link(joined.contact.user))
    waiting = invite(partnership, bob)
    gone = invite(partnership, bob)
    services.revoke(access=gone, by=bob)
    client.force_login(bob)
    body = client.get(f"/partnerships/{partnership.pk}/tab/people/").content.decode()
    for access, status in ((joined, "Joined"), (waiting, "Invited"), (gone, "Revoked")):
        row = body.split(f'data-testid="access-{access.contact.email}"', 1)[1].split("</tr>")[0]
        assert f">{status}</span>" in row


def test_the_invite_page_creates_a_new_contact_and_shows_errors_in_words(client, partnership, bob):
    client.force_login(bob)
    url = f"/partnerships/{partnership.pk}/people/invite/"
    empty = client.post(url, {"contact": "", "name": "", "email": ""})
    assert empty.status_code == 200
    assert "give the new one&#x27;s name" in empty.content.decode()
    done = client.post(url, {"contact": "", "name": "Ola Berg", "email": "ola@partner.example"})
    assert done.status_code == 302
    contact = Contact.objects.get(email="ola@partner.example")
    assert contact.organization == partnership.organization and contact.user is not None
    assert Reminder.objects.filter(recipient=contact.user, kind=services.LINK_KIND).exists()


def test_another_manager_cannot_touch_the_invitations(client, partnership, bob):
    access = invite(partnership, bob)
    outsider = manager()
    client.force_login(outsider)
    for url in (
        f"/partnerships/{partnership.pk}/people/invite/",
        f"/partnerships/{partnership.pk}/people/{access.pk}/resend/",
        f"/partnerships/{partnership.pk}/people/{access.pk}/revoke/",
    ):
        assert client.post(url, {"name": "x", "email": "x@y.example"}).status_code == 404
    access.refresh_from_db()
    assert access.status == "invited"
