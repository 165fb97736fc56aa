"""Step 5: monitor and evaluate. KPIs with targets, a measurement per period, and reviews that
freeze what the KPIs showed on the day they were held, with the decisions taken there."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse

from partnerships.models import Contact, Partnership

from . import attainment as rule
from .attainment import Direction, Frequency, Status


def _decimal(verbose_name: str = "", **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name or None, max_digits=16, decimal_places=4, **kwargs)


@dataclass(frozen=True)
class Reading:
    """One value of a KPI judged against its target: what pages and snapshots show."""

    value: Decimal
    period: datetime.date
    attainment: Decimal
    status: str

    @property
    def status_label(self) -> str:
        return Status(self.status).label


class KPIQuerySet(models.QuerySet):
    def for_partnership(self, partnership: Partnership) -> "KPIQuerySet":
        return self.filter(partnership=partnership)


class KPI(models.Model):
    """A key performance indicator of a partnership, optionally measuring one of its objectives."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="kpis")
    objective = models.ForeignKey(
        "objectives.Objective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpis",
        help_text="The objective this KPI measures, if any: its progress comes from its KPIs.",
    )
    name = models.CharField(max_length=150)
    unit = models.CharField(max_length=40, help_text="For example %, €, days, orders.")
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    baseline = _decimal(help_text="Where it stood when the partnership started measuring it.")
    target = _decimal()
    red_flag = _decimal(
        "red-flag threshold",
        null=True,
        blank=True,
        help_text="A value beyond this, on the bad side, is a red flag. Leave empty for none.",
    )
    frequency = models.CharField(
        "measured", max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_kpis",
        help_text="Who records its measurements on our side.",
    )
    shared = models.BooleanField(
        "share with the partner",
        default=False,
        help_text="The partner's people see it, with its trend, in their portal.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KPIQuerySet.as_manager()

    class Meta:
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        ordering = ["partnership", "name"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                Lower("name"),
                name="reviews_kpi_name_unique_in_partnership",
                violation_error_message="This partnership already has a KPI with this name.",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="reviews_kpi_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="reviews_kpi_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(direction="higher", target__gt=F("baseline"))
                | Q(direction="lower", target__lt=F("baseline")),
                name="reviews_kpi_target_beyond_baseline",
                violation_error_message=(
                    "The target must differ from the baseline, on the side the direction says."
                ),
            ),
            models.CheckConstraint(
                condition=Q(red_flag__isnull=True)
                | Q(direction="higher", red_flag__lt=F("target"))
                | Q(direction="lower", red_flag__gt=F("target")),
                name="reviews_kpi_red_flag_on_bad_side",
                violation_error_message="The red-flag threshold must lie on the bad side of "
                "the target.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="reviews_kpi_has_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reviews:kpi", args=[self.partnership_id, self.pk])

    def clean(self) -> None:
        super().clean()
        errors = {}
        if problem := rule.direction_problem(
            direction=self.direction, baseline=self.baseline, target=self.target
        ):
            errors["target"] = problem
        elif problem := rule.threshold_problem(
            direction=self.direction, target=self.target, red_flag=self.red_flag
        ):
            errors["red_flag"] = problem
        if (
            self.objective_id
            and self.partnership_id
            and self.objective.partnership_id != self.partnership_id
        ):
            errors["objective"] = "Choose an objective of this partnership."
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None) -> None:
        # A functional unique constraint names itself in its error; say it on the field instead.
        if (
            self.name
            and self.partnership_id
            and KPI.objects.filter(partnership_id=self.partnership_id, name__iexact=self.name)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"name": "This partnership already has a KPI with this name."})
        super().validate_constraints(exclude=exclude)

    def read(self, value: Decimal | None, period: datetime.date | None) -> Reading | None:
        """A value judged by the rule in reviews/attainment.py; None when there is no value."""
        if value is None or period is None:
            return None
        return Reading(
            value=value,
            period=period,
            attainment=rule.attainment(value=value, baseline=self.baseline, target=self.target),
            status=rule.status(
                value=value, target=self.target, direction=self.direction, red_flag=self.red_flag
            ),
        )

    def normalise(self, day: datetime.date) -> datetime.date:
        return rule.period_start(day, self.frequency)

    def period_label(self, start: datetime.date) -> str:
        return rule.period_label(start, self.frequency)

    @property
    def is_higher_better(self) -> bool:
        return self.direction == Direction.HIGHER


class Measurement(models.Model):
    """The value of a KPI for one period, whose start date is normalised to the KPI's frequency."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="measurements")
    period = models.DateField(
        help_text="The first day of the period: a Monday, the 1st of a month or of a quarter."
    )
    value = _decimal()
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpi", "-period"]
        constraints = [
            # Its index also serves "the latest measurement of each KPI" (read backwards).
            models.UniqueConstraint(
                fields=["kpi", "period"],
                name="reviews_measurement_one_per_period",
                violation_error_message="This KPI already has a measurement for this period.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi_id} {self.period}: {self.value}"

    @property
    def period_label(self) -> str:
        return self.kpi.period_label(self.period)


class Kind(models.TextChoices):
    MONTHLY = "monthly", "Monthly review"
    QUARTERLY = "quarterly", "Quarterly business review"
    ANNUAL = "annual", "Annual review"


RATINGS = [
    (1, "1 · very poor"),
    (2, "2 · poor"),
    (3, "3 · adequate"),
    (4, "4 · good"),
    (5, "5 · excellent"),
]


class ReviewQuerySet(models.QuerySet):
    def held(self) -> "ReviewQuerySet":
        return self.filter(held_on__isnull=False)

    def scheduled(self) -> "ReviewQuerySet":
        return self.filter(held_on__isnull=True)


class Review(models.Model):
    """A review of the partnership's performance. Scheduled first (from the partnership's next
    review due date), then held once: holding it freezes a snapshot of every KPI."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.QUARTERLY)
    due_on = models.DateField("due date")
    held_on = models.DateField("date held", null=True, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="our attendees"
    )
    partner_attendees = models.ManyToManyField(
        Contact, blank=True, related_name="+", verbose_name="partner attendees"
    )
    rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=RATINGS,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How the partnership performed over the period.",
    )
    summary = models.TextField(blank=True, help_text="What the review concluded.")
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-due_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="reviews_review_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="reviews_review_rating_1_to_5",
                violation_error_message="The rating goes from 1 to 5.",
            ),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True)
                | (Q(rating__isnull=False, held_by__isnull=False) & ~Q(summary="")),
                name="reviews_review_held_has_outcome",
                violation_error_message="A held review has a rating and a summary.",
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(held_on__isnull=True),
                name="reviews_review_one_scheduled",
                violation_error_message=(
                    "A review is already scheduled for this partnership: hold it or cancel it."
                ),
            ),
        ]
        indexes = [models.Index(fields=["partnership", "-held_on"])]

    def __str__(self) -> str:
        when = self.held_on or self.due_on
        return f"{self.get_kind_display()} of {when:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:review", args=[self.partnership_id, self.pk])

    @property
    def is_held(self) -> bool:
        return self.held_on is not None


class Snapshot(models.Model):
    """What one KPI showed on the day a review was held. Everything the page needs is copied,
    so editing the KPI or its measurements later does not rewrite what the review saw."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="snapshots")
    kpi = models.ForeignKey(
        KPI, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshots"
    )
    kpi_name = models.CharField(max_length=150)
    unit = models.CharField(max_length=40)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    baseline = _decimal()
    target = _decimal()
    red_flag = _decimal(null=True, blank=True)
    as_of = models.DateField()
    period = models.DateField(null=True, blank=True, help_text="Of the value; empty if none yet.")
    value = _decimal(null=True, blank=True)
    attainment = models.DecimalField(max_digits=24, decimal_places=1, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, blank=True)

    class Meta:
        ordering = ["kpi_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "kpi"], name="reviews_snapshot_once"),
            models.CheckConstraint(
                condition=Q(status__in=["", *Status.values]), name="reviews_snapshot_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True, attainment__isnull=True, status="")
                | (
                    Q(value__isnull=False, attainment__isnull=False, period__isnull=False)
                    & ~Q(status="")
                ),
                name="reviews_snapshot_value_judged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi_name} as of {self.as_of}"

    @property
    def period_label(self) -> str:
        return rule.period_label(self.period, self.frequency) if self.period else ""

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else ""


class DecisionKind(models.TextChoices):
    NOTE = "note", "Decision only"
    ACTION = "action", "An action item"
    ADJUSTMENT = "adjustment", "An adjustment of an objective"


class Decision(models.Model):
    """Something decided at a review. It may become an action item (communications) or change an
    objective's target or due date; the old and new values and the reason are kept here."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("decision")
    kind = models.CharField(
        "it becomes", max_length=12, choices=DecisionKind.choices, default=DecisionKind.NOTE
    )
    action_item = models.OneToOneField(
        "communications.ActionItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision",
    )
    objective = models.ForeignKey(
        "objectives.Objective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    old_target = _decimal(null=True, blank=True)
    new_target = _decimal(null=True, blank=True)
    old_due_date = models.DateField(null=True, blank=True)
    new_due_date = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DecisionKind.values), name="reviews_decision_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="reviews_decision_has_text"),
            models.CheckConstraint(
                condition=~Q(kind="adjustment")
                | (~Q(reason="") & (Q(new_target__isnull=False) | Q(new_due_date__isnull=False))),
                name="reviews_decision_adjustment_complete",
                violation_error_message="An adjustment names a new target or due date, and why.",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]
