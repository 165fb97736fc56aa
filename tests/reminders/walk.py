"""Teach the access walk about reminders' URLs: notices belong to a person, not to a
partnership; each view fetches only the signed-in user's own rows (tested in test_notices.py)."""

NOT_PARTNERSHIP_ROUTES = {"reminders:open", "reminders:read", "reminders:feed"}
