import datetime
import secrets

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    EVERY_N_WEEKS = "every_n_weeks", "Every N weeks"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    HALF_YEARLY = "half_yearly", "Half-yearly"
    YEARLY = "yearly", "Yearly"


class Purpose(models.TextChoices):
    CHECK_IN = "check_in", "Check-ins"
    REVIEW = "review", "Reviews"
    HEALTH_CHECK = "health_check", "Joint health checks"


_STEPS = {
    Frequency.WEEKLY: relativedelta(weeks=1),
    Frequency.MONTHLY: relativedelta(months=1),
    Frequency.QUARTERLY: relativedelta(months=3),
    Frequency.HALF_YEARLY: relativedelta(months=6),
    Frequency.YEARLY: relativedelta(years=1),
}


NO_OFFSETS = "Give at least one reminder offset, in days before the due date."


def validate_offsets(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(NO_OFFSETS)
    for item in value:
        if not isinstance(item, int) or isinstance(item, bool):
            raise ValidationError(f"“{item}” is not a whole number of days.")
        if item < 0:
            raise ValidationError(
                f"{item} is negative: offsets count days before the due date (0 is the day itself)."
            )
    if len(set(value)) != len(value):
        raise ValidationError("Each offset may appear only once.")


class Cadence(models.Model):
    """How often something recurs, and when to remind people about it."""

    name = models.CharField(max_length=80, unique=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    interval_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Only for “every N weeks”: the N."
    )
    reminder_offsets = models.JSONField(
        default=list,
        validators=[validate_offsets],
        error_messages={"blank": NO_OFFSETS},
        help_text="Days before the due date to send a reminder, for example 14, 3, 1.",
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days overdue before the executive sponsor is told."
    )

    class Meta:
        ordering = ["purpose", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    frequency="every_n_weeks", interval_weeks__isnull=False, interval_weeks__gte=1
                )
                | ~models.Q(frequency="every_n_weeks"),
                name="reminders_cadence_every_n_weeks_has_n",
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=["check_in", "review", "health_check"]),
                name="reminders_cadence_purpose_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    frequency__in=[
                        "weekly",
                        "every_n_weeks",
                        "monthly",
                        "quarterly",
                        "half_yearly",
                        "yearly",
                    ]
                ),
                name="reminders_cadence_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.frequency == Frequency.EVERY_N_WEEKS and not self.interval_weeks:
            raise ValidationError({"interval_weeks": "Say every how many weeks."})
        if self.frequency != Frequency.EVERY_N_WEEKS:
            self.interval_weeks = None
        if isinstance(self.reminder_offsets, list):
            self.reminder_offsets = sorted(self.reminder_offsets, reverse=True)

    @property
    def step(self) -> relativedelta:
        if self.frequency == Frequency.EVERY_N_WEEKS:
            return relativedelta(weeks=self.interval_weeks or 1)
        return _STEPS[Frequency(self.frequency)]

    def next_due(self, after: datetime.date) -> datetime.date:
        """One period after `after`; month ends clamp (31 Jan + 1 month = 28 or 29 Feb)."""
        return after + self.step

    def describe(self) -> str:
        if self.frequency == Frequency.EVERY_N_WEEKS:
            return f"Every {self.interval_weeks} weeks"
        return self.get_frequency_display()


class Heartbeat(models.Model):
    """When each background process last proved it is alive (shown on the health page)."""

    name = models.CharField(max_length=40, primary_key=True)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_seen:%Y-%m-%d %H:%M:%S}"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "E-mailed"
    IN_APP = "in_app", "In-app only"
    FAILED = "failed", "Failed"


class Reminder(models.Model):
    """One reminder to one person: the outbox row and, at the same time, the in-app notice.

    It names its subject generically (a kind, a key such as ``partnership:12:check_in``, a link)
    so this app knows nothing of the models that produce it. The sweep inserts a row once its
    reminder day has reached the recipient's send time; the unique constraint makes a second
    sweep, or a second beat, insert nothing.
    """

    kind = models.CharField(max_length=40)
    subject_key = models.CharField(max_length=120)
    due_on = models.DateField(help_text="The subject's due date.")
    remind_on = models.DateField(help_text="The day this reminder is for.")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        db_index=False,  # reminders_notices_idx starts with it; one index less to write
    )
    url = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    send_after = models.DateTimeField(help_text="The reminder day at the send time, in UTC.")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "due_on", "remind_on", "recipient"],
                name="reminders_reminder_once",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="reminders_reminder_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(sent_at__isnull=True) | ~models.Q(status="pending"),
                name="reminders_reminder_sent_is_not_pending",
            ),
        ]
        indexes = [
            # What the sweep re-queues and delivery claims: only the few unsent rows.
            models.Index(
                fields=["send_after"],
                condition=models.Q(status="pending"),
                name="reminders_unsent_idx",
            ),
            # The bell: one COUNT over a user's unread notices.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="reminders_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="reminders_notices_idx"),
            # Administrators' "failed" filter, without indexing every sent row.
            models.Index(
                fields=["-created_at"],
                condition=models.Q(status="failed"),
                name="reminders_failed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self) -> str:
        from .registry import kind_label

        return kind_label(self.kind)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def default_notice_offsets() -> list[int]:
    return [90, 30, 7]


class ReminderSettings(models.Model):
    """The one row of installation-wide reminder settings, edited in admin."""

    reminder_time = models.TimeField(
        default=datetime.time(9, 0),
        help_text="Reminders go out at this time on their day, in each recipient's time zone.",
    )
    digest_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_time = models.TimeField(
        default=datetime.time(8, 0),
        help_text="The weekly digest goes out at this time, in each executive's time zone.",
    )
    notice_offsets = models.JSONField(
        "agreement notice offsets",
        default=default_notice_offsets,
        validators=[validate_offsets],
        error_messages={"blank": NO_OFFSETS},
        help_text="Days before an agreement's notice deadline (not its expiry) to remind, "
        "for example 90, 30, 7.",
    )
    # Set by the outbox pruning (services.outbox_prune), never by hand: reminders for a day
    # before this are no longer inserted, so a pruned row's key can never be sent again.
    outbox_pruned_before = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "reminder settings"
        verbose_name_plural = "reminder settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="reminders_settings_singleton"),
            models.CheckConstraint(
                condition=models.Q(digest_weekday__gte=0, digest_weekday__lte=6),
                name="reminders_settings_weekday_valid",
            ),
        ]

    def __str__(self) -> str:
        return "Reminder settings"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if isinstance(self.notice_offsets, list):
            self.notice_offsets = sorted(self.notice_offsets, reverse=True)

    @classmethod
    def load(cls) -> "ReminderSettings":
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row


class NoticePreference(models.Model):
    """How one person wants to hear about reminders. In-app notices always exist."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference"
    )
    digest_only = models.BooleanField(
        "only the weekly digest",
        default=False,
        help_text="No e-mail per reminder; one digest a week instead.",
    )
    weekly_digest = models.BooleanField(
        default=True, help_text="Executives: the weekly portfolio digest by e-mail."
    )
    email_off_kinds = models.JSONField(
        default=list, blank=True, help_text="Kinds of reminder never sent by e-mail."
    )

    def __str__(self) -> str:
        return f"Notice preferences of {self.user}"

    def wants_email(self, kind: str) -> bool:
        from .registry import DIGEST_KIND

        if kind == DIGEST_KIND:
            return self.weekly_digest or self.digest_only
        return not self.digest_only and kind not in self.email_off_kinds


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret behind a person's calendar feed URL; regenerating it kills the old URL."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
