from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from partnerships.models import Partnership


class Party(models.TextChoices):
    OURS = "ours", "Ours"
    PARTNER = "partner", "The partner's"
    SHARED = "shared", "Shared"


class Category(models.TextChoices):
    COST_SAVINGS = "cost_savings", "Cost savings"
    MARKET_EXPANSION = "market_expansion", "Market expansion"
    PRODUCT_DEVELOPMENT = "product_development", "Product development"
    TECHNOLOGY_ACCESS = "technology_access", "Technology access"
    MARKET_ACCESS = "market_access", "Market access"
    OPERATIONAL_SUPPORT = "operational_support", "Operational support"
    OTHER = "other", "Other"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    ACHIEVED = "achieved", "Achieved"
    MISSED = "missed", "Missed"


PARTY_HEADINGS = {
    Party.OURS: "Our objectives",
    Party.PARTNER: "The partner's objectives",
    Party.SHARED: "Shared objectives",
}
PARTY_EMPTY = {
    Party.OURS: "None yet. Say what we need from this partnership, with a measurable target.",
    Party.PARTNER: "None yet. Add what the partner wants, so alignment can be checked.",
    Party.SHARED: "None. Goals both sides own together go here.",
}
CLOSED_STATUSES = (Status.ACHIEVED, Status.MISSED)

# Parties whose objectives are the organisation's own: they open the gate to `selecting`.
OWN_PARTIES = (Party.OURS, Party.SHARED)
MEASURABLE_PARTS = (
    ("baseline", "a baseline"),
    ("target", "a target"),
    ("unit", "a unit"),
    ("due_date", "a due date"),
)
SAME_AS_BASELINE = "The target must differ from the baseline, or there is nothing to achieve."


class ObjectiveQuerySet(models.QuerySet):
    def for_partnership(self, partnership: Partnership) -> "ObjectiveQuerySet":
        return self.filter(partnership=partnership)

    def own(self) -> "ObjectiveQuerySet":
        return self.filter(party__in=OWN_PARTIES)

    def for_list(self) -> "ObjectiveQuerySet":
        party_order = models.Case(
            *(models.When(party=p, then=i) for i, p in enumerate(Party.values)),
            output_field=models.IntegerField(),
        )
        priority_order = models.Case(
            *(models.When(priority=p, then=i) for i, p in enumerate(Priority.values)),
            output_field=models.IntegerField(),
        )
        return (
            self.select_related("owner")
            .annotate(party_order=party_order, priority_order=priority_order)
            .order_by(
                "party_order",
                "priority_order",
                models.F("due_date").asc(nulls_last=True),
                "title",
                "pk",
            )
        )


class Objective(models.Model):
    """What one party wants from the partnership, with a target that can be measured."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="objectives"
    )
    party = models.CharField(max_length=16, choices=Party.choices, default=Party.OURS)
    category = models.CharField(max_length=24, choices=Category.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    success_measure = models.CharField(
        max_length=300,
        blank=True,
        help_text="How success is measured, for example “cost per order shipped”.",
    )
    baseline = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Where it stands today."
    )
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    current = models.DecimalField(
        "current value",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The latest measured value; progress is measured from the baseline.",
    )
    unit = models.CharField(
        max_length=40, blank=True, help_text="For example €, %, days, customers."
    )
    due_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_objectives",
        help_text="Who on our side answers for it.",
    )
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "party", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(party__in=Party.values), name="objectives_objective_party_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=Category.values),
                name="objectives_objective_category_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(priority__in=Priority.values),
                name="objectives_objective_priority_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="objectives_objective_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(title=""), name="objectives_objective_has_title"
            ),
            models.CheckConstraint(
                condition=models.Q(baseline__isnull=True)
                | models.Q(target__isnull=True)
                | ~models.Q(baseline=models.F("target")),
                name="objectives_objective_target_differs_from_baseline",
                violation_error_message=SAME_AS_BASELINE,
            ),
        ]
        indexes = [models.Index(fields=["partnership", "party"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("objectives:edit", args=[self.partnership_id, self.pk])

    def clean(self) -> None:
        if self.baseline is not None and self.target is not None and self.baseline == self.target:
            raise ValidationError({"target": SAME_AS_BASELINE})

    @property
    def missing_measures(self) -> list[str]:
        """What this objective still lacks to have a measurable target, in words."""
        return [words for field, words in MEASURABLE_PARTS if getattr(self, field) in (None, "")]

    @property
    def is_measurable(self) -> bool:
        return not self.missing_measures

    @property
    def progress(self) -> int | None:
        """How far from the baseline to the target the current value is, 0–100."""
        if self.status == Status.ACHIEVED:
            return 100
        if self.baseline is None or self.target is None or self.current is None:
            return None
        baseline, target, current = (
            Decimal(str(v)) for v in (self.baseline, self.target, self.current)
        )
        span = target - baseline
        if span == 0:
            return None
        share = (current - baseline) / span * Decimal(100)
        return int(max(Decimal(0), min(Decimal(100), share)))

    @property
    def is_own(self) -> bool:
        return self.party in OWN_PARTIES


class AlignmentKind(models.TextChoices):
    ALIGNED = "aligned", "Aligned"
    PARTLY = "partly", "Partly aligned"
    CONFLICTING = "conflicting", "Conflicting"


class Alignment(models.Model):
    """How one of our objectives relates to one of the partner's: supports it, or conflicts."""

    objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        related_name="alignments",
        verbose_name="our objective",
    )
    partner_objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        related_name="partner_alignments",
        verbose_name="the partner's objective",
    )
    kind = models.CharField(
        "relation", max_length=16, choices=AlignmentKind.choices, default=AlignmentKind.ALIGNED
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["objective", "partner_objective"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "partner_objective"],
                name="objectives_alignment_unique_pair",
                violation_error_message="These two objectives are already linked: edit the link.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=AlignmentKind.values),
                name="objectives_alignment_kind_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(objective=models.F("partner_objective")),
                name="objectives_alignment_two_objectives",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective} ↔ {self.partner_objective}: {self.get_kind_display()}"

    def clean(self) -> None:
        ours = self.objective if self.objective_id else None
        theirs = self.partner_objective if self.partner_objective_id else None
        errors = {}
        if ours is not None and ours.party != Party.OURS:
            errors["objective"] = f"“{ours}” is not one of our objectives."
        if theirs is not None and theirs.party != Party.PARTNER:
            errors["partner_objective"] = f"“{theirs}” is not one of the partner's objectives."
        if (
            ours is not None
            and theirs is not None
            and ours.partnership_id != theirs.partnership_id
            and "partner_objective" not in errors
        ):
            errors["partner_objective"] = f"“{theirs}” belongs to another partnership."
        if errors:
            raise ValidationError(errors)
