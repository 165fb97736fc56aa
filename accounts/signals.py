from django.dispatch import Signal

# Sent by throttle.unlock with username, ip_address, removed (records lifted) and by (the
# administrator, or None from manage.py), so the audit log can record who lifted a lock.
sign_in_unlocked = Signal()

# Sent with request and reason (the words the page shows) when a single sign-on is refused.
sso_refused = Signal()

# Sent with user, what ("enrolled", "recovery code used", "reset", "turned off") and by (who
# did it) whenever someone's second factor changes.
second_factor_changed = Signal()

# Sent with session (the SignedInSession row, already deleted), by (who ended it, or None for
# the system) and reason whenever a signed-in session is ended (accounts.signed_in).
session_ended = Signal()
