import datetime

import icalendar
import pytest
from django.utils import timezone

from reminders.models import CalendarFeed, NoticePreference, Reminder

from ..factories import PartnershipFactory, manager
from ..helpers import assert_constant_queries
from .test_delivery import make_reminder

pytestmark = pytest.mark.django_db


def test_the_bell_shows_the_unread_count(client, bob, charlie):
    make_reminder(charlie, kind="not.bobs")
    make_reminder(bob)
    make_reminder(bob, kind="check_in.overdue")
    make_reminder(bob, kind="x", read_at=timezone.now())
    client.force_login(bob)
    html = client.get("/notices/").content.decode()
    assert 'id="notice-bell"' in html
    assert '2<span class="visually-hidden"> unread</span>' in html


def test_the_bell_costs_one_query(client, bob, django_assert_num_queries):
    from reminders.services import unread_count

    make_reminder(bob)
    with django_assert_num_queries(1):
        assert unread_count(bob) == 1


def test_notices_list_newest_first_and_only_ones_own(client, bob, charlie):
    mine = make_reminder(bob, title="Mine")
    make_reminder(charlie, title="Not mine")
    client.force_login(bob)
    html = client.get("/notices/").content.decode()
    assert "Mine" in html and "Not mine" not in html
    assert f"/notices/{mine.pk}/open/" in html


def test_the_notices_page_has_a_fixed_number_of_queries(client, bob):
    make_reminder(bob)
    client.force_login(bob)

    def add_rows():
        for index in range(30):
            make_reminder(bob, kind=f"kind{index}")

    assert_constant_queries(client, "/notices/", add_rows)


def test_an_empty_notices_page_says_what_comes_there(client, bob):
    client.force_login(bob)
    html = client.get("/notices/").content.decode()
    assert "No notice yet" in html


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, bob):
    notice = make_reminder(bob, url="/partnerships/7/")
    client.force_login(bob)
    response = client.get(f"/notices/{notice.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/partnerships/7/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_notice_never_redirects_off_site(client, bob):
    notice = make_reminder(bob, url="//evil.example/")
    client.force_login(bob)
    assert client.get(f"/notices/{notice.pk}/open/")["Location"] == "/notices/"


def test_someone_elses_notice_is_404(client, bob, charlie):
    notice = make_reminder(bob)
    client.force_login(charlie)
    assert client.get(f"/notices/{notice.pk}/open/").status_code == 404
    assert client.post(f"/notices/{notice.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_read_with_htmx_returns_the_row_and_the_new_bell_count(client, bob):
    notice = make_reminder(bob)
    make_reminder(bob, kind="other")
    client.force_login(bob)
    response = client.post(f"/notices/{notice.pk}/read/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert f'id="notice-{notice.pk}"' in html
    assert "Mark as read" not in html
    assert 'hx-swap-oob="true"' in html and ">1<" in html


def test_mark_all_read(client, bob, charlie):
    for kind in ("a", "b", "c"):
        make_reminder(bob, kind=kind)
    theirs = make_reminder(charlie)
    client.force_login(bob)
    response = client.post("/notices/read-all/", follow=True)
    assert "3 notices marked as read." in response.content.decode()
    assert not Reminder.objects.filter(recipient=bob, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unread_filter(client, bob):
    make_reminder(bob, title="Fresh")
    make_reminder(bob, kind="x", title="Old news", read_at=timezone.now())
    client.force_login(bob)
    html = client.get("/notices/?show=unread").content.decode()
    assert "Fresh" in html and "Old news" not in html


def test_preferences_save_e_mail_per_kind_and_digest_only(client, bob):
    client.force_login(bob)
    page = client.get("/notices/preferences/").content.decode()
    assert "Check-in coming up" in page and "Weekly digest by e-mail" not in page
    response = client.post(
        "/notices/preferences/",
        {"email_kinds": ["check_in.due", "check_in.overdue"], "digest_only": "on"},
        follow=True,
    )
    assert "Your notice preferences are saved." in response.content.decode()
    preference = NoticePreference.objects.get(user=bob)
    assert preference.digest_only
    assert "check_in.upcoming" in preference.email_off_kinds
    assert "check_in.due" not in preference.email_off_kinds


def test_preferences_refuse_an_unknown_kind_in_words(client, bob):
    client.force_login(bob)
    response = client.post("/notices/preferences/", {"email_kinds": ["nonsense"]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NoticePreference.objects.filter(user=bob).exists()


def test_executives_choose_the_weekly_digest(client, alice):
    client.force_login(alice)
    assert "Weekly digest by e-mail" in client.get("/notices/preferences/").content.decode()
    client.post("/notices/preferences/", {"email_kinds": []})
    assert NoticePreference.objects.get(user=alice).weekly_digest is False


# The calendar feed ------------------------------------------------------------------------------


def _feed(client, user) -> tuple[str, CalendarFeed]:
    client.force_login(user)
    page = client.get("/calendar/").content.decode()
    feed = CalendarFeed.objects.get(user=user)
    assert f"/calendar/{feed.token}.ics" in page
    client.logout()
    return f"/calendar/{feed.token}.ics", feed


def test_the_calendar_feed_lists_the_check_ins_and_reviews_the_user_sees(
    client, bob, charlie, bobs_partnership
):
    today = timezone.localdate()
    bobs_partnership.stage = "active"
    bobs_partnership.next_check_in_due = today + datetime.timedelta(days=5)
    bobs_partnership.next_review_due = today + datetime.timedelta(days=40)
    bobs_partnership.save()
    PartnershipFactory(name="Charlie's", managers=[charlie], next_check_in_due=today)
    url, _ = _feed(client, bob)
    response = client.get(url)  # no sign-in: calendar apps cannot
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = sorted(
        (e.decoded("dtstart"), str(e["summary"]), str(e["uid"])) for e in calendar.walk("VEVENT")
    )
    assert [(d, s) for d, s, _ in events] == [
        (today + datetime.timedelta(days=5), "Check-in: Northwind supply"),
        (today + datetime.timedelta(days=40), "Review: Northwind supply"),
    ]
    assert len({uid for _, _, uid in events}) == 2
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["url"]).endswith(f"/partnerships/{bobs_partnership.pk}/")
    assert calendar["version"] == "2.0" and calendar["prodid"]


def test_a_wrong_or_regenerated_token_is_404(client, bob):
    url, feed = _feed(client, bob)
    assert client.get("/calendar/not-the-token.ics").status_code == 404
    client.force_login(bob)
    client.post("/calendar/regenerate/")
    client.logout()
    assert client.get(url).status_code == 404
    feed.refresh_from_db()
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 200


def test_an_inactive_users_feed_is_404(client, bob):
    url, _ = _feed(client, bob)
    bob.is_active = False
    bob.save()
    assert client.get(url).status_code == 404


def test_the_calendar_page_has_a_fixed_number_of_queries(client, bob):
    client.force_login(bob)
    today = timezone.localdate()

    def add_rows():
        for index in range(15):
            PartnershipFactory(
                managers=[bob], stage="active", next_check_in_due=today + datetime.timedelta(index)
            )

    client.get("/calendar/")  # the first visit makes the feed's secret
    assert_constant_queries(client, "/calendar/", add_rows)


# The digest page --------------------------------------------------------------------------------


def test_the_digest_page_shows_overdue_check_ins_of_visible_partnerships(client, bob, charlie):
    today = timezone.localdate()
    PartnershipFactory(
        name="Late one", managers=[bob], next_check_in_due=today - datetime.timedelta(2)
    )
    PartnershipFactory(
        name="Someone else's", managers=[charlie], next_check_in_due=today - datetime.timedelta(2)
    )
    client.force_login(bob)
    html = client.get("/digest/").content.decode()
    assert "Late one" in html and "Someone else" not in html
    assert "2 days overdue" in html
    assert "Every review is on time." in html


def test_signed_out_people_are_sent_to_sign_in(client):
    for url in ("/notices/", "/notices/preferences/", "/calendar/", "/digest/"):
        assert client.get(url)["Location"].startswith("/accounts/sign-in/")


def test_a_manager_without_notices_sees_other_pages_without_error(client):
    person = manager()
    client.force_login(person)
    assert client.get("/partnerships/").status_code == 200
