import pytest

from reminders.models import Reminder, ReminderSettings

from .test_delivery import make_reminder

pytestmark = pytest.mark.django_db


def test_administrators_see_reminders_with_status_attempts_and_last_error(client, admin_user, bob):
    make_reminder(bob, status="failed", attempts=5, last_error="SMTPRecipientsRefused: 550")
    make_reminder(bob, kind="other", title="A pending one")
    client.force_login(admin_user)
    html = client.get("/admin/reminders/reminder/?status__exact=failed").content.decode()
    assert "SMTPRecipientsRefused: 550" in html
    assert "A pending one" not in html
    assert "Send again" in html


def test_send_again_puts_failed_reminders_back_and_leaves_others(
    client, admin_user, bob, django_capture_on_commit_callbacks
):
    failed = make_reminder(bob, status="failed", attempts=5, last_error="down")
    pending = make_reminder(bob, kind="other")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/admin/reminders/reminder/",
            {"action": "send_again", "_selected_action": [failed.pk, pending.pk]},
            follow=True,
        )
    html = response.content.decode()
    assert "1 failed reminder(s) will be sent again." in html
    assert "had not failed" in html
    assert len(callbacks) == 1  # enqueued once the transaction commits
    failed.refresh_from_db()
    assert failed.status == "pending" and failed.attempts == 0


def test_the_settings_page_edits_the_digest_time_and_notice_offsets(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/reminders/remindersettings/")
    assert response.status_code == 302
    url = response["Location"]
    html = client.get(url).content.decode()
    assert "90, 30, 7" in html
    data = {
        "reminder_time": "09:00",
        "digest_weekday": "0",
        "digest_time": "07:30",
        "notice_offsets": "60, -3",
    }
    response = client.post(url, data)
    assert "negative" in response.content.decode()
    assert ReminderSettings.load().notice_offsets == [90, 30, 7]
    client.post(url, {**data, "notice_offsets": "14, 60"})
    saved = ReminderSettings.load()
    assert saved.notice_offsets == [60, 14]
    assert saved.digest_time.strftime("%H:%M") == "07:30"


def test_reminders_cannot_be_edited_by_hand_in_admin(client, admin_user, bob):
    reminder = make_reminder(bob)
    client.force_login(admin_user)
    client.post(f"/admin/reminders/reminder/{reminder.pk}/change/", {"title": "changed"})
    assert Reminder.objects.get(pk=reminder.pk).title == reminder.title
