from .models import Action
from .services import record


class RecordPasswordChange:
    """Not a rule a password must meet: Django calls ``password_changed`` on every configured
    validator once a new password is saved, by whatever path (the profile, admin, a reset,
    manage.py changepassword), which makes this the one place that hears them all."""

    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is not None and user.pk is not None:
            record(Action.PASSWORD_CHANGED, target=user)

    def get_help_text(self) -> str:
        # Django lists every validator's help text under the field; an empty one is an empty
        # bullet, and saying so is honest.
        return "Setting or changing a password is recorded in the audit log."
