"""The joint health check: both sides of a partnership rate the same statements, and the gap
between how each side sees it is what the check is for.

Answers are anonymous. A participant's set of answers (:class:`Response`) carries no link to
them: only their side and a *ballot*, a keyed hash of the check and the person that the server
alone can recompute (``services.ballot``), so that each person has one set per check (a unique
constraint) which they can change until the close. Responses and answers have random ids and no
timestamps, so nothing in their rows or their order tells who answered first. The results only
ever show a side once at least ``min_answers`` of its people have answered, and only after the
close, when nothing changes any more.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse

from partnerships.models import Partnership
from reminders.models import NO_OFFSETS, validate_offsets


class Area(models.TextChoices):
    STRATEGIC = "strategic", "Strategic value"
    OPERATIONAL = "operational", "Operational effectiveness"
    RELATIONSHIP = "relationship", "Relationship and trust"
    GOVERNANCE = "governance", "Governance"


AREA_ORDER = {area: index for index, area in enumerate(Area.values)}


class Kind(models.TextChoices):
    RATING = "rating", "Statement rated 1–5"
    OPEN = "open", "Open question"


class Side(models.TextChoices):
    US = "us", "Our side"
    PARTNER = "partner", "The partner's side"


class Status(models.TextChoices):
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed"


class ClosedBecause(models.TextChoices):
    BY_HAND = "by_hand", "Closed early, by hand"
    DATE = "date", "Reached its closing date"
    ENDED = "ended", "The partnership ended"


RATING_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
MAX_OPEN_QUESTIONS = 2
TOO_MANY_OPEN = (
    f"A health check asks at most {MAX_OPEN_QUESTIONS} open questions: make another one "
    "inactive first."
)


class TooManyOpenQuestions(ValidationError):
    """Saving this question would make more active open questions than a check asks."""


class Question(models.Model):
    """One entry of the question set administrators keep: a statement of an area, rated 1–5
    with an optional comment, or an open question. A check copies the active ones when it
    opens, so editing the set never changes a check already under way."""

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.RATING)
    area = models.CharField(
        max_length=16, choices=Area.choices, blank=True, help_text="Statements only."
    )
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order within its area (open questions come last)."
    )
    active = models.BooleanField(
        default=True, help_text="Only active questions go into new health checks."
    )

    class Meta:
        ordering = ["kind", "area", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="rating", area__in=Area.values) | Q(kind="open", area=""),
                name="healthcheck_question_area_of_its_kind",
                violation_error_message="A statement belongs to an area; an open question to none.",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs) -> None:
        """The limit again, under a lock: two administrators saving at once (or a changelist
        ticking two) would each count the set without the other's question. Every save that
        could add an active open question takes the settings row's lock first, so the second
        one counts after the first has committed."""
        with transaction.atomic():
            if self.kind == Kind.OPEN and self.active:
                HealthCheckSettings.lock()
                self.check_open_limit()
            super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.kind == Kind.RATING and not self.area:
            raise ValidationError({"area": "Choose the area this statement belongs to."})
        if self.kind == Kind.OPEN:
            self.area = ""
            self.check_open_limit()

    def check_open_limit(self) -> None:
        if not (self.kind == Kind.OPEN and self.active):
            return
        others = Question.objects.filter(kind=Kind.OPEN, active=True).exclude(pk=self.pk)
        if others.count() >= MAX_OPEN_QUESTIONS:
            raise TooManyOpenQuestions(TOO_MANY_OPEN)


def default_answer_offsets() -> list[int]:
    return [7, 3, 1]


class HealthCheckSettings(models.Model):
    """The one row of health-check settings administrators edit: the cadence of the checks
    (its due date is the last close plus the cadence, reminded to the partnership's managers)
    and when to remind participants who have not answered."""

    cadence = models.ForeignKey(
        "reminders.Cadence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "health_check"},
        help_text="How often each live partnership should run one; empty: no due date.",
    )
    answer_reminder_offsets = models.JSONField(
        default=default_answer_offsets,
        validators=[validate_offsets],
        error_messages={"blank": NO_OFFSETS},
        help_text="Days before a check's closing date to remind those who have not answered, "
        "for example 7, 3, 1.",
    )
    # What the stored due dates were computed with (the cadence's frequency); the sweep
    # recomputes them when an administrator changes the cadence. Never edited by hand.
    due_dates_basis = models.CharField(max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = "health-check settings"
        verbose_name_plural = "health-check settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="healthcheck_settings_singleton")
        ]

    def __str__(self) -> str:
        return "Health-check settings"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if isinstance(self.answer_reminder_offsets, list):
            self.answer_reminder_offsets = sorted(self.answer_reminder_offsets, reverse=True)
        if self.cadence_id and self.cadence.purpose != "health_check":
            raise ValidationError({"cadence": "Choose a cadence made for joint health checks."})

    @classmethod
    def lock(cls) -> None:
        """Hold the row until the caller's transaction ends: what serialises changes to the
        question set's limits (see Question.save)."""
        cls.load()
        list(cls.objects.select_for_update().filter(pk=1).values_list("pk", flat=True))

    @classmethod
    def load(cls) -> "HealthCheckSettings":
        row = cls.objects.select_related("cadence").filter(pk=1).first()
        if row is None:
            from .defaults import ensure_settings

            row = ensure_settings()
        return row


class HealthCheckQuerySet(models.QuerySet):
    def open(self) -> "HealthCheckQuerySet":
        return self.filter(status=Status.OPEN)

    def closed(self) -> "HealthCheckQuerySet":
        return self.filter(status=Status.CLOSED)


class HealthCheck(models.Model):
    """One joint health check of a partnership: open for answers until its closing date, then
    closed with its results frozen (``results``, and the figures the portfolio reads)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="health_checks"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    opens_on = models.DateField(help_text="The day it opened, in the opener's time zone.")
    closes_on = models.DateField(help_text="The last day to answer.")
    closes_at = models.DateTimeField(
        help_text="The end of the closing date in the opener's time zone: answers are refused "
        "from then on."
    )
    min_answers = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="A side's results show only once this many of its people have answered "
        "(ACCORD_HEALTHCHECK_MIN_ANSWERS when it opened).",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who pressed Close now; empty when it closed by itself.",
    )
    # Why it closed: who closed it is not enough to tell (the partnership's end closes a check
    # by itself too, before its date, and a person's row may be gone).
    closed_because = models.CharField(
        max_length=8, choices=ClosedBecause.choices, blank=True, editable=False
    )
    # Frozen at the close (services.healthcheck_close); a side below min_answers is None here.
    results = models.JSONField(default=dict, blank=True)
    our_average = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    partner_average = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    widest_gap = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="The largest difference between the sides' averages of one area.",
    )
    widest_gap_area = models.CharField(max_length=16, choices=Area.choices, blank=True)
    latest = models.BooleanField(
        default=False, help_text="The partnership's most recently closed check."
    )
    next_due_on = models.DateField(
        null=True,
        blank=True,
        help_text="The latest check only: when the next one is due (its closing date plus the "
        "cadence); cleared once a new one opens.",
    )

    objects = HealthCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(status="open"),
                name="healthcheck_one_open_per_partnership",
                violation_error_message="A health check is already open on this partnership.",
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(latest=True),
                name="healthcheck_one_latest_per_partnership",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="healthcheck_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="healthcheck_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_because="")
                | Q(status="closed", closed_because__in=ClosedBecause.values),
                name="healthcheck_closed_says_why",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="healthcheck_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(latest=False) | Q(status="closed"), name="healthcheck_latest_is_closed"
            ),
        ]
        indexes = [
            # The automatic close: open checks by the moment they close.
            models.Index(
                fields=["closes_at"], condition=Q(status="open"), name="healthcheck_open_idx"
            ),
            # The due-date reminders and the portfolio read the latest check of each partnership.
            models.Index(
                fields=["partnership", "closed_at"],
                condition=Q(latest=True),
                name="healthcheck_latest_idx",
            ),
            models.Index(
                fields=["next_due_on"],
                condition=Q(next_due_on__isnull=False),
                name="healthcheck_next_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Health check of {self.partnership} closing {self.closes_on:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("healthcheck:detail", args=[self.partnership_id, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def closed_on(self) -> datetime.date | None:
        """The day it closed, as people read it: its closing date when it closed by itself at
        the end of that day (the moment itself may fall on the next day in their time zone)."""
        if self.closed_at is None:
            return None
        from django.utils import timezone

        return min(self.closes_on, timezone.localdate(self.closed_at))

    @property
    def closed_note(self) -> str:
        """Why it closed, for a list beside its date; empty when it reached its closing date."""
        if self.closed_because == ClosedBecause.BY_HAND:
            return f"early, by {self.closed_by}" if self.closed_by_id else "early, by hand"
        if self.closed_because == ClosedBecause.ENDED:
            return "when the partnership ended"
        return ""

    def how_it_closed(self) -> str:
        """When and why it closed, in one sentence: a check closed early dates from that day,
        not from the closing date it was opened with."""
        if not self.is_closed:
            return ""
        day, planned = f"{self.closed_on:%-d %b %Y}", f"{self.closes_on:%-d %b %Y}"
        if self.closed_because == ClosedBecause.BY_HAND:
            who = f" by {self.closed_by}" if self.closed_by_id else ""
            return f"Closed early{who} on {day} (its closing date was {planned})."
        if self.closed_because == ClosedBecause.ENDED:
            return f"Closed on {day}, when the partnership ended (its closing date was {planned})."
        return f"Closed at the end of its closing date, {planned}."

    @property
    def widest_area(self) -> dict | None:
        """The frozen figures of the area where the sides differ most."""
        return next(
            (a for a in self.results.get("areas", []) if a["area"] == self.widest_gap_area), None
        )

    @property
    def answer_until(self) -> datetime.datetime:
        """The last minute answers are taken, for display (``closes_at`` is the minute after)."""
        return self.closes_at - datetime.timedelta(minutes=1)


class CheckQuestion(models.Model):
    """A question as a check asked it: a copy of the question set's entry on the day it opened."""

    health_check = models.ForeignKey(
        HealthCheck, on_delete=models.CASCADE, related_name="questions"
    )
    source = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    area = models.CharField(max_length=16, choices=Area.choices, blank=True)
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["health_check", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class ParticipantQuerySet(models.QuerySet):
    def waiting(self) -> "ParticipantQuerySet":
        return self.filter(answered_at__isnull=True)


class Participant(models.Model):
    """Someone asked to answer a check: one of ours, or a partner contact (their sign-in).
    Whether they answered is here; what they answered is not."""

    health_check = models.ForeignKey(
        HealthCheck, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_check_invites"
    )
    side = models.CharField(max_length=8, choices=Side.choices)
    answered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When they first answered; what they said is not kept with them.",
    )

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["side", "user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["health_check", "user"], name="healthcheck_participant_once"
            ),
            models.CheckConstraint(
                condition=Q(side__in=Side.values), name="healthcheck_participant_side_valid"
            ),
        ]
        indexes = [
            # The reminder sweep: who of an open check has not answered yet.
            models.Index(
                fields=["health_check"],
                condition=Q(answered_at__isnull=True),
                name="healthcheck_waiting_idx",
            ),
            models.Index(fields=["user", "health_check"], name="healthcheck_invited_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.health_check_id}"

    @property
    def has_answered(self) -> bool:
        return self.answered_at is not None


class Response(models.Model):
    """One participant's set of answers to one check, without the participant: its side and a
    ballot only the server can recompute (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    health_check = models.ForeignKey(
        HealthCheck, on_delete=models.CASCADE, related_name="responses"
    )
    side = models.CharField(max_length=8, choices=Side.choices)
    ballot = models.CharField(max_length=64, editable=False)

    class Meta:
        constraints = [
            # One set per participant per check.
            models.UniqueConstraint(
                fields=["health_check", "ballot"], name="healthcheck_response_once"
            ),
            models.CheckConstraint(
                condition=Q(side__in=Side.values), name="healthcheck_response_side_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"An answer set of {self.get_side_display().lower()}"


class Answer(models.Model):
    """One answer of a set: a rating (with an optional comment), or the text of an open one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(CheckQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="healthcheck_answer_once"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="healthcheck_answer_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class GapAction(models.Model):
    """An action item opened from a closed check's gap in one area (once per area)."""

    health_check = models.ForeignKey(
        HealthCheck, on_delete=models.CASCADE, related_name="gap_actions"
    )
    area = models.CharField(max_length=16, choices=Area.choices)
    action_item = models.ForeignKey(
        "communications.ActionItem", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["health_check", "area"]
        constraints = [
            models.UniqueConstraint(
                fields=["health_check", "area"], name="healthcheck_gap_action_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_area_display()} on {self.health_check_id}"
