from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"
    SIGNED_OUT = "signed_out", "Signed out"
    SIGN_IN_UNLOCKED = "sign_in_unlocked", "Sign-in unlocked"
    PASSWORD_CHANGED = "password_changed", "Password set or changed"
    ROLE_GRANTED = "role_granted", "Role granted"
    ROLE_REMOVED = "role_removed", "Role removed"
    EXPORTED = "exported", "Exported"
    DOCUMENT_DOWNLOADED = "document_downloaded", "Agreement document downloaded"
    PORTAL_LINK_REQUESTED = "portal_link_requested", "Portal link requested"
    PORTAL_INVITED = "portal_invited", "Partner contact invited"
    PORTAL_REVOKED = "portal_revoked", "Partner contact's access revoked"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    TOKEN_REFUSED = "token_refused", "Revoked or expired API token used"
    SECOND_FACTOR = "second_factor", "Second factor changed"
    SESSION_ENDED = "session_ended", "Session signed out"


class AppendOnly(Exception):
    pass


class AuditEvent(models.Model):
    """One sensitive action: who, what, on what, from where.

    Append-only: the model refuses to save an event twice or delete one, and on PostgreSQL a
    trigger (migration 0002) refuses UPDATE and DELETE from any code path, raw SQL included,
    except the retention prune and the actor going to NULL when a user is deleted, which keeps
    ``actor_email``. Who acted is kept as text as well as a link so a deleted user's history
    still reads.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the system (a scheduled task, manage.py) or a failed sign-in.",
    )
    actor_email = models.CharField(
        "actor's e-mail",
        max_length=254,
        blank=True,
        help_text="As signed in, or as typed on a failed sign-in.",
    )
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField("target", max_length=200, blank=True)
    ip_address = models.GenericIPAddressField("address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit event"
        indexes = [models.Index(fields=["actor_email", "-at"], name="audit_actor_at")]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.get_action_display()}"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnly("An audit event cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("An audit event leaves the log only by the retention prune.")
