"""Teach the access walk about reminders' URLs: notices belong to a person, not to a
partnership; each view fetches only the signed-in user's own rows (tested in test_notices.py)."""

NOT_PARTNERSHIP_ROUTES = {"reminders:open", "reminders:read", "reminders:feed"}


def _notice(partnership, user) -> dict:
    import datetime

    from django.utils import timezone

    from reminders.models import Reminder

    today = datetime.date.today()
    notice = Reminder.objects.create(
        kind="check_in_due", subject_key=f"walk-{partnership.pk}-{Reminder.objects.count()}",
        due_on=today, remind_on=today,
        recipient=user, url=partnership.get_absolute_url(), title="A check-in is due",
        send_after=timezone.now(), status="sent",
    )  # fmt: skip
    return {"pk": notice.pk}


# Teaches the bad-input walk (tests/bad_input.py): a notice of the person walking.
# The list carries the read forms only while something is unread (and opening a notice reads
# it, so the list is taught as the host before the prefix rule tries the open link).
ROUTE_ARGUMENTS = {
    "reminders:open": _notice,
    "reminders:read": _notice,
    "reminders:read_all": lambda partnership, user: _notice(partnership, user) and {},
}
FORM_HOSTS = {"reminders:read": "reminders:notices"}
