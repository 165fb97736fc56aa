"""A manager sees the bell's count, reads the notices, marks them read and chooses e-mail."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from reminders import services
from reminders.models import Cadence, NoticePreference, Reminder, ReminderSettings

from .helpers import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_reads_notices_marks_them_read_and_chooses_what_comes_by_e_mail(
    signed_in_page, screenshot, bob, bobs_partnership
):
    settings_row = ReminderSettings.load()
    settings_row.reminder_time = datetime.time(0, 0)  # whatever the hour, today's are due
    settings_row.save()
    today = timezone.localdate()
    bobs_partnership.stage = "active"
    bobs_partnership.check_in_cadence = Cadence.objects.get(name="Monthly check-in")
    bobs_partnership.next_check_in_due = today - datetime.timedelta(days=1)
    bobs_partnership.review_cadence = Cadence.objects.get(name="Quarterly business review")
    bobs_partnership.next_review_due = today
    bobs_partnership.save()
    services.sweep()
    assert Reminder.objects.filter(recipient=bob).count() == 2

    page: Page = signed_in_page(bob)
    page.goto("/partnerships/")
    bell = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Notices")
    )
    expect(bell).to_have_accessible_name("Notices 2 unread")
    bell.click()

    expect(page.get_by_role("heading", name="Notices", exact=True)).to_be_visible()
    expect(page.get_by_text("2 unread. Reminders of check-ins")).to_be_visible()
    expect(page.get_by_role("link", name="Check-in overdue: Northwind supply")).to_be_visible()
    expect(page.get_by_role("link", name="Review due today: Northwind supply")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "notices")

    mark_review_read = page.get_by_role(
        "button", name=re.compile(r"^Mark as read\W+Review due today: Northwind supply")
    )
    mark_review_read.click()
    expect(bell).to_have_accessible_name("Notices 1 unread")
    expect(mark_review_read).to_have_count(0)

    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("1 notice marked as read.")).to_be_visible()
    expect(bell).to_have_accessible_name("Notices")
    screenshot(page, "all-read")

    page.get_by_role("link", name="Check-in overdue: Northwind supply").click()
    expect(page).to_have_url(re.compile(rf"/partnerships/{bobs_partnership.pk}/$"))

    page.goto("/notices/preferences/")
    expect(page.get_by_role("heading", name="Notices", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Check-in coming up").uncheck()
    page.get_by_label("Only the weekly digest").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your notice preferences are saved.")).to_be_visible()
    expect(page.get_by_label("Check-in coming up")).not_to_be_checked()
    expect(page.get_by_label("Only the weekly digest")).to_be_checked()
    screenshot(page, "preferences")
    preference = NoticePreference.objects.get(user=bob)
    assert preference.digest_only and "check_in.upcoming" in preference.email_off_kinds

    page.get_by_role("link", name="Calendar feed").first.click()
    expect(page.get_by_label("Calendar address (iCalendar)")).to_have_value(
        re.compile(r"/calendar/[\w-]+\.ics$")
    )
    assert_accessible(page)
    screenshot(page, "calendar")

    page.get_by_role("link", name="Weekly digest").click()
    expect(page.get_by_role("heading", name="Overdue check-ins")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "digest")
