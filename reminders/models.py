import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models


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
                condition=models.Q(purpose__in=["check_in", "review"]),
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
