"""Step 6: the long-term relationship. Milestones (and the successes they become once achieved),
opportunities for future collaboration, and the renewal decision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from partnerships.models import Partnership

# Money in Accord is in one reporting currency: opportunity values, and the realised value of a
# milestone whose unit is this symbol or code, add up on the portfolio's value chart.
CURRENCY_SYMBOL = getattr(settings, "ACCORD_CURRENCY_SYMBOL", "€")
CURRENCY_CODE = getattr(settings, "ACCORD_CURRENCY_CODE", "EUR")
MONEY_UNITS = (CURRENCY_SYMBOL, CURRENCY_CODE, CURRENCY_CODE.lower())


def tab_url(partnership_pk: int, anchor: str = "") -> str:
    url = reverse("partnerships:tab", args=[partnership_pk, "relationship"])
    return f"{url}#{anchor}" if anchor else url


class MilestoneQuerySet(models.QuerySet):
    def achieved(self) -> "MilestoneQuerySet":
        return self.filter(achieved_on__isnull=False)

    def planned(self) -> "MilestoneQuerySet":
        return self.filter(achieved_on__isnull=True)


class Milestone(models.Model):
    """A step worth reaching together. Once achieved, with its evidence, it is a success."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="milestones"
    )
    objective = models.ForeignKey(
        "objectives.Objective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        help_text="The objective it brings closer, where there is one.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    target_date = models.DateField(null=True, blank=True)
    achieved_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(
        blank=True, help_text="What shows it was achieved: a report, a link, a figure."
    )
    value_amount = models.DecimalField(
        "realised value", max_digits=14, decimal_places=2, null=True, blank=True
    )
    value_unit = models.CharField(
        "unit",
        max_length=40,
        blank=True,
        help_text=f"{CURRENCY_SYMBOL} for money (it counts on the portfolio's value chart), or "
        "customers, %, days…",
    )
    value_note = models.CharField(
        "value in words",
        max_length=300,
        blank=True,
        help_text="When the value is not a number: “first joint customer in Japan”.",
    )
    achieved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded the achievement.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = [models.F("target_date").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""),
                name="planning_milestone_has_title",
                violation_error_message="Give the milestone a title.",
            ),
            models.CheckConstraint(
                condition=Q(achieved_on__isnull=True) | ~Q(evidence=""),
                name="planning_milestone_achieved_has_evidence",
                violation_error_message="Say what shows the milestone was achieved.",
            ),
            models.CheckConstraint(
                condition=Q(achieved_on__isnull=False)
                | Q(value_amount__isnull=True, value_note=""),
                name="planning_milestone_value_once_achieved",
                violation_error_message="A realised value is recorded once it is achieved.",
            ),
            models.CheckConstraint(
                condition=Q(value_amount__isnull=True) | ~Q(value_unit=""),
                name="planning_milestone_amount_has_unit",
                violation_error_message="Give the unit of the realised value.",
            ),
            models.CheckConstraint(
                condition=Q(value_amount__isnull=True) | Q(value_amount__gte=0),
                name="planning_milestone_value_not_negative",
                violation_error_message="A realised value cannot be negative.",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "target_date"]),
            # Recent successes across the portfolio: only achieved rows, newest first.
            models.Index(
                fields=["-achieved_on"],
                condition=Q(achieved_on__isnull=False),
                name="planning_success_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return tab_url(self.partnership_id, f"milestone-{self.pk}")

    @property
    def is_achieved(self) -> bool:
        return self.achieved_on is not None

    @property
    def is_money(self) -> bool:
        return self.value_amount is not None and self.value_unit in MONEY_UNITS


class Horizon(models.TextChoices):
    NEXT_QUARTER = "next_quarter", "Next quarter"
    NEXT_YEAR = "next_year", "Next year"
    LATER = "later", "Later"


class OpportunityStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    EVALUATING = "evaluating", "Evaluating"
    PLANNED = "planned", "Planned"
    PURSUED = "pursued", "Pursued"
    DECLINED = "declined", "Declined"


# Open: still to decide or to act on. Pursued and declined ones are settled.
OPEN_OPPORTUNITY = (
    OpportunityStatus.IDEA,
    OpportunityStatus.EVALUATING,
    OpportunityStatus.PLANNED,
)


class OpportunityQuerySet(models.QuerySet):
    def open(self) -> "OpportunityQuerySet":
        return self.filter(status__in=OPEN_OPPORTUNITY)


class Opportunity(models.Model):
    """Something more the two parties could do together."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="opportunities"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    estimated_value = models.DecimalField(
        f"estimated value ({CURRENCY_SYMBOL})",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=f"What it could be worth to us, in {CURRENCY_CODE}.",
    )
    horizon = models.CharField(max_length=16, choices=Horizon.choices, default=Horizon.NEXT_YEAR)
    status = models.CharField(
        max_length=16, choices=OpportunityStatus.choices, default=OpportunityStatus.IDEA
    )
    declined_reason = models.TextField("why it was declined", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_opportunities"
    )
    source_thread = models.ForeignKey(
        "communications.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name="from the discussion",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name_plural = "opportunities"
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""),
                name="planning_opportunity_has_title",
                violation_error_message="Give the opportunity a title.",
            ),
            models.CheckConstraint(
                condition=Q(horizon__in=Horizon.values), name="planning_opportunity_horizon_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OpportunityStatus.values),
                name="planning_opportunity_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(declined_reason=""),
                name="planning_opportunity_declined_has_reason",
                violation_error_message="Say why the opportunity was declined.",
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__isnull=True) | Q(estimated_value__gte=0),
                name="planning_opportunity_value_not_negative",
                violation_error_message="An estimated value cannot be negative.",
            ),
            models.UniqueConstraint(
                fields=["source_thread"],
                condition=Q(source_thread__isnull=False),
                name="planning_opportunity_one_per_thread",
                violation_error_message="This idea is already an opportunity.",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return tab_url(self.partnership_id, f"opportunity-{self.pk}")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_OPPORTUNITY


class Decision(models.TextChoices):
    RENEW = "renew", "Renew as is"
    RENEGOTIATE = "renegotiate", "Renegotiate"
    EXIT = "exit", "Exit"


class RenewalDecision(models.Model):
    """What was decided when the agreement came up for renewal, why, and by whom."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="renewal_decisions"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    rationale = models.TextField(help_text="Why: what the partnership delivered, what changes.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agreement version it opened (renew or renegotiate).",
    )

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="planning_renewal_decision_valid"
            ),
            models.CheckConstraint(
                condition=~Q(rationale=""),
                name="planning_renewal_has_rationale",
                violation_error_message="Give the rationale for the decision.",
            ),
            models.CheckConstraint(
                condition=~Q(decision="exit") | Q(agreement__isnull=True),
                name="planning_renewal_exit_opens_no_agreement",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "-decided_at"])]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.get_decision_display()}"

    def get_absolute_url(self) -> str:
        return tab_url(self.partnership_id, "renewal")
