"""Step 4: how the parties keep in touch. Check-ins (and whether each was on time), action items,
concerns with their response clock and escalations, and a discussion per partnership."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Contact, Partnership


class Kind(models.TextChoices):
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    EMAIL = "email", "E-mail"
    SITE_VISIT = "site_visit", "Site visit"
    BUSINESS_REVIEW = "business_review", "Business review"


class Timeliness(models.TextChoices):
    ON_TIME = "on_time", "On time"
    LATE = "late", "Late"
    EXTRA = "extra", "Not scheduled"


class CheckIn(models.Model):
    """A conversation with the partner, logged by one of ours."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="check_ins")
    held_on = models.DateField("date held")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CALL)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="our attendees"
    )
    partner_attendees = models.ManyToManyField(
        Contact, blank=True, related_name="+", verbose_name="partner attendees"
    )
    summary = models.TextField(help_text="What was discussed and decided.")
    sentiment = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How the relationship feels: 1 very poor, 3 neutral, 5 excellent.",
    )
    topics = models.JSONField(default=list, blank=True)
    shared = models.BooleanField(
        "share with the partner",
        default=False,
        help_text="Include it in the summary the partner may see.",
    )
    due_on = models.DateField(
        null=True, blank=True, help_text="The due date this check-in answered, if any."
    )
    timeliness = models.CharField(
        max_length=8, choices=Timeliness.choices, default=Timeliness.EXTRA
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sentiment__gte=1, sentiment__lte=5),
                name="communications_checkin_sentiment_1_to_5",
                violation_error_message="Sentiment goes from 1 to 5.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="communications_checkin_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(timeliness__in=Timeliness.values),
                name="communications_checkin_timeliness_valid",
            ),
            models.CheckConstraint(
                condition=Q(timeliness="extra") | Q(due_on__isnull=False),
                name="communications_checkin_timed_has_due",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "-held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("communications:check_in", args=[self.partnership_id, self.pk])

    def clean(self) -> None:
        super().clean()
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": "A check-in cannot be dated in the future."})


class Outcome(models.TextChoices):
    ON_TIME = "on_time", "On time"
    LATE = "late", "Late"
    MISSED = "missed", "Missed"


class DueDate(models.Model):
    """One check-in due date of a partnership and what became of it: the record behind cadence
    compliance. Written when a check-in is logged (see ``services.check_in_log``)."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="check_in_due_dates"
    )
    due_on = models.DateField()
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    check_in = models.OneToOneField(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="due_date"
    )

    class Meta:
        ordering = ["-due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "due_on"], name="communications_duedate_once"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values),
                name="communications_duedate_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.due_on} {self.outcome}"


class Party(models.TextChoices):
    US = "us", "Us"
    PARTNER = "partner", "Partner"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ActionItemQuerySet(models.QuerySet):
    def open(self) -> "ActionItemQuerySet":
        return self.filter(status=ActionStatus.OPEN)

    def in_order(self) -> "ActionItemQuerySet":
        # Ascending due dates put the overdue ones first; items without a date come last.
        return self.order_by(models.F("due_on").asc(nulls_last=True), "pk")


class ActionItem(models.Model):
    """Something someone has to do, from a check-in or on its own; ours or the partner's."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="action_items"
    )
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    title = models.CharField("what", max_length=200)
    party = models.CharField(max_length=8, choices=Party.choices, default=Party.US)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    owner_contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField("due date", null=True, blank=True)
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default="open")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values),
                name="communications_action_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(party="us", owner__isnull=False, owner_contact__isnull=True)
                | Q(party="partner", owner__isnull=True, owner_contact__isnull=False),
                name="communications_action_one_owner_of_its_party",
                violation_error_message="Name one owner: one of ours, or a partner contact.",
            ),
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True)
                | (~Q(status="open") & Q(completed_at__isnull=False)),
                name="communications_action_closed_has_date",
            ),
        ]
        indexes = [
            # "My action items" and the due/overdue reminders read open items by owner and date.
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(status="open"),
                name="comm_open_action_idx",
            ),
            models.Index(fields=["partnership", "status"]),
            # The portfolio's "due or overdue this week": open items across partnerships by date.
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status="open"),
                name="comm_open_action_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communications:action_edit", args=[self.partnership_id, self.pk])

    @property
    def owner_name(self) -> str:
        if self.owner_id:
            return str(self.owner)
        return self.owner_contact.name if self.owner_contact_id else ""

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == ActionStatus.OPEN and self.due_on is not None and self.due_on < today


class ActionComment(models.Model):
    """A comment on an action item, by its partner owner in the portal or by one of ours; both
    sides see every comment of an action item the partner owns."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="comments")
    body = models.CharField("comment", max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(body=""),
                name="communications_actioncomment_has_body",
                violation_error_message="Write the comment first.",
            ),
        ]
        indexes = [models.Index(fields=["action", "created_at"])]

    def __str__(self) -> str:
        return f"Comment on {self.action}"


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Replaced by a later proposal"


class DueDateProposal(models.Model):
    """A new due date the action item's partner owner proposes; the due date moves only when one
    of ours accepts it (``services.due_date_decide``)."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="proposals")
    proposed_on = models.DateField("new due date")
    previous_due_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(
        max_length=500, blank=True, help_text="Why, when declined: the partner sees it."
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values),
                name="communications_proposal_status_valid",
            ),
            models.UniqueConstraint(
                fields=["action"],
                condition=Q(status="pending"),
                name="communications_proposal_one_pending",
                violation_error_message="This action item already has a proposal waiting.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "withdrawn"], decided_at__isnull=True)
                | Q(status__in=["accepted", "declined"], decided_at__isnull=False),
                name="communications_proposal_decided_has_date",
            ),
        ]
        indexes = [models.Index(fields=["action", "-proposed_at"])]

    def __str__(self) -> str:
        return f"{self.action}: due {self.proposed_on:%-d %b %Y}?"

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}


class ResponseTarget(models.Model):
    """How fast a concern of each severity must be answered and resolved (administrators)."""

    severity = models.CharField(max_length=10, choices=Severity.choices, unique=True)
    hours_to_first_response = models.PositiveIntegerField()
    hours_to_resolution = models.PositiveIntegerField()

    class Meta:
        ordering = ["hours_to_first_response"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values),
                name="communications_target_severity_valid",
            ),
            models.CheckConstraint(
                condition=Q(hours_to_first_response__gte=1)
                & Q(hours_to_resolution__gte=models.F("hours_to_first_response")),
                name="communications_target_hours_sensible",
                violation_error_message=(
                    "Give at least one hour to respond, and no less time to resolve than "
                    "to respond."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.hours_to_first_response} h"


DEFAULT_TARGETS = {
    # severity: (hours to first response, hours to resolution)
    "critical": (4, 48),
    "high": (24, 120),
    "medium": (72, 240),
    "low": (120, 480),
}


class ConcernKind(models.TextChoices):
    FEEDBACK = "feedback", "Feedback"
    ISSUE = "issue", "Issue"
    DISPUTE = "dispute", "Dispute"


def past_target(now) -> Q:
    """Concerns whose clock has run out: unanswered past the first-response target, or answered
    and unresolved past the resolution target."""
    return Q(acknowledged_at__isnull=True, respond_by__lt=now) | Q(
        acknowledged_at__isnull=False, resolve_by__lt=now
    )


class ConcernQuerySet(models.QuerySet):
    def open(self) -> "ConcernQuerySet":
        return self.filter(resolved_at__isnull=True)

    def next_past_target(self, now) -> datetime.datetime | None:
        """The next moment an open concern's clock runs out: what is past target changes then,
        with nothing written."""
        open_ = self.open().order_by()
        times = [
            open_.filter(acknowledged_at__isnull=True, respond_by__gte=now)
            .order_by("respond_by")
            .values_list("respond_by", flat=True)
            .first(),
            open_.filter(acknowledged_at__isnull=False, resolve_by__gte=now)
            .order_by("resolve_by")
            .values_list("resolve_by", flat=True)
            .first(),
        ]
        return min((t for t in times if t is not None), default=None)


class Concern(models.Model):
    """Feedback, an issue or a dispute, raised by either party, answered against a clock."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="concerns")
    check_in = models.ForeignKey(
        CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns"
    )
    kind = models.CharField(max_length=10, choices=ConcernKind.choices, default="issue")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    raised_by = models.CharField("raised by", max_length=8, choices=Party.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, default="medium")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_concerns",
        help_text="Who answers it on our side; the partnership's managers if nobody.",
    )
    raised_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateTimeField(help_text="First response due (from the severity).")
    resolve_by = models.DateTimeField(help_text="Resolution due (from the severity).")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values),
                name="communications_concern_severity_valid",
            ),
            models.CheckConstraint(
                condition=Q(raised_by__in=Party.values),
                name="communications_concern_party_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ConcernKind.values),
                name="communications_concern_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                name="communications_concern_resolved_has_resolution",
                violation_error_message="Say how the concern was resolved.",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(acknowledged_at__isnull=False),
                name="communications_concern_resolved_was_acknowledged",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True)
                | Q(acknowledged_at__gte=models.F("raised_at")),
                name="communications_concern_acknowledged_after_raised",
            ),
            models.CheckConstraint(
                condition=Q(resolve_by__gte=models.F("respond_by")),
                name="communications_concern_targets_in_order",
            ),
        ]
        indexes = [
            # The sweep reads open concerns by their targets.
            models.Index(
                fields=["respond_by"],
                condition=Q(resolved_at__isnull=True),
                name="comm_open_concern_idx",
            ),
            # When the next answered concern runs out of time (the dashboard's cache lasts until).
            models.Index(
                fields=["resolve_by"],
                condition=Q(resolved_at__isnull=True, acknowledged_at__isnull=False),
                name="comm_answered_concern_idx",
            ),
            models.Index(fields=["partnership", "-raised_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communications:concern", args=[self.partnership_id, self.pk])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def status_label(self) -> str:
        if self.resolved_at:
            return "Resolved"
        return "Acknowledged" if self.acknowledged_at else "Awaiting response"

    @property
    def target(self) -> datetime.datetime | None:
        """The deadline its clock runs to now: the first response, then the resolution."""
        if self.resolved_at:
            return None
        return self.resolve_by if self.acknowledged_at else self.respond_by

    @property
    def target_label(self) -> str:
        return "to resolve" if self.acknowledged_at else "to respond"


class Escalation(models.Model):
    """A concern taken one level up the agreement's dispute ladder, by hand or automatically."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    step = models.ForeignKey(
        "agreements.EscalationStep",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now)
    who = models.CharField(
        max_length=300, help_text="Who takes it at this level, on each side (from the ladder)."
    )
    notify = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who on our side is told.",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when Accord escalated it because its target passed.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "level"],
                name="communications_escalation_level_once",
                violation_error_message="The concern is already at this level.",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1), name="communications_escalation_level_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.concern}: level {self.level}"

    @property
    def automatic(self) -> bool:
        return self.by_id is None


class Thread(models.Model):
    """A discussion on a partnership; an idea when people may support it with a vote."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    body = models.TextField()
    is_idea = models.BooleanField(
        "this is an idea", default=False, help_text="Others can support it with a vote."
    )
    shared = models.BooleanField(
        "share with the partner",
        default=False,
        help_text="The partner's people read it and reply in their portal (votes stay ours).",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        indexes = [models.Index(fields=["partnership", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # Stable: the planning step links an opportunity to the idea it came from.
        return reverse("communications:thread", args=[self.partnership_id, self.pk])


class Reply(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply to {self.thread}"


class Vote(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="communications_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} supports {self.thread}"


class Mention(models.Model):
    """Someone named with @ in a post: the subject of their in-app notice (and e-mail)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="mentions")
    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "user"],
                condition=Q(reply__isnull=True),
                name="communications_mention_in_thread_once",
            ),
            models.UniqueConstraint(
                fields=["reply", "user"],
                condition=Q(reply__isnull=False),
                name="communications_mention_in_reply_once",
            ),
        ]
        indexes = [models.Index(fields=["created_on"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.thread}"
