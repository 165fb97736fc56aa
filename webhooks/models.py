"""Webhooks: endpoints that administrators register, the event outbox, and its deliveries.

An Event is written by ``events.emit`` in the transaction of the change it reports, together
with one Delivery per active endpoint that wants it. The Delivery row is the truth: a task
claims it with a conditional UPDATE, sends it, and records the outcome (each attempt is an
Attempt row). The unique (event, endpoint) pair makes "once per event and endpoint" a rule of
the database.
"""

import base64
import secrets
import uuid

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone


class EventType(models.TextChoices):
    PARTNERSHIP_CREATED = "partnership.created", "Partnership created"
    PARTNERSHIP_STAGE_CHANGED = "partnership.stage_changed", "Partnership stage changed"
    PARTNERSHIP_ENDED = "partnership.ended", "Partnership ended"
    AGREEMENT_SIGNED = "agreement.signed", "Agreement signed"
    CHECK_IN_LOGGED = "check_in.logged", "Check-in logged"
    CONCERN_RAISED = "concern.raised", "Concern raised"
    CONCERN_ESCALATED = "concern.escalated", "Concern escalated"
    CONCERN_RESOLVED = "concern.resolved", "Concern resolved"
    REVIEW_HELD = "review.held", "Review held"
    HEALTH_BAND_CHANGED = "health.band_changed", "Health band changed"
    MILESTONE_ACHIEVED = "milestone.achieved", "Milestone achieved"
    PARTNER_ACTIVITY = "partner.activity", "Partner activity (portal)"
    # Sent by the admin's "Send a test event" only; no endpoint subscribes to it.
    TEST = "webhook.test", "Test event"


SUBSCRIBABLE = [(value, label) for value, label in EventType.choices if value != EventType.TEST]


class Format(models.TextChoices):
    RAW = "raw", "Signed JSON (the event envelope)"
    SLACK = "slack", "Slack incoming webhook"
    TEAMS = "teams", "Microsoft Teams incoming webhook (Workflows)"


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and the base64 of 24 random bytes (the key)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Endpoint(models.Model):
    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(
        "URL",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where events are POSTed. Private, loopback and link-local addresses are "
        "refused unless ACCORD_WEBHOOKS_ALLOW_PRIVATE is set.",
    )
    events = models.JSONField(
        default=list, blank=True, help_text="The events this endpoint receives."
    )
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.RAW)
    secret = models.CharField(
        max_length=100,
        default=new_secret,
        help_text="Signs each request (webhook-signature header). The receiver keeps a copy.",
    )
    active = models.BooleanField(default=True, help_text="Switched off, it receives nothing.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(format__in=Format.values), name="webhooks_endpoint_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .addresses import AddressRefused, check_url

        if self.url:
            try:
                check_url(self.url)
            except AddressRefused as exc:
                raise ValidationError({"url": str(exc)}) from exc
        if not isinstance(self.events, list) or any(
            value not in dict(SUBSCRIBABLE) for value in self.events
        ):
            raise ValidationError({"events": "Choose events from the list."})

    def wants(self, event_type: str) -> bool:
        return self.active and event_type in (self.events or [])


class Event(models.Model):
    """One thing that happened, as receivers see it: its id is the ``webhook-id`` header."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    url = models.CharField("link", max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["occurred_at"], name="webhooks_event_occurred_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    CLAIMED = "claimed", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One event to one endpoint, at most once successfully."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField("response code", null=True, blank=True)
    last_error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhooks_delivery_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="webhooks_delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(claimed_at__isnull=False) | ~models.Q(status="claimed"),
                name="webhooks_delivery_claimed_has_time",
            ),
        ]
        indexes = [
            # What the sweep hands out: only the few rows not done with.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "claimed"]),
                name="webhooks_delivery_due_idx",
            ),
            # The endpoint list's "last delivery", and the admin's filter by endpoint.
            models.Index(fields=["endpoint", "-id"], name="webhooks_delivery_endpoint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event.type} to {self.endpoint}"


class Attempt(models.Model):
    """One request made for a delivery, and what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField("response code", null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "at", "pk"]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.delivery_id}"
