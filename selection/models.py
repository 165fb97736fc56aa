from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from partnerships.models import Organization, Partnership

MIN_SCORE, MAX_SCORE = 1, 5
SCORE_CHOICES = [
    (1, "1 · poor"),
    (2, "2 · weak"),
    (3, "3 · adequate"),
    (4, "4 · good"),
    (5, "5 · excellent"),
]
SCORE_RANGE = f"Give a score from {MIN_SCORE} to {MAX_SCORE}."
WEIGHT_POSITIVE = "The weight must be more than zero."


class CriterionGroup(models.TextChoices):
    COMPATIBILITY = "compatibility", "Compatibility"
    CAPABILITY = "capability", "Capability"
    TRACK_RECORD = "track_record", "Track record"


def validate_weight(value: Decimal | None) -> None:
    if value is not None and value <= 0:
        raise ValidationError(WEIGHT_POSITIVE)


class CriterionQuerySet(models.QuerySet):
    def active(self) -> "CriterionQuerySet":
        return self.filter(active=True)


class Criterion(models.Model):
    """What candidates are scored on. Administrators configure them in Django admin."""

    name = models.CharField(max_length=100)
    group = models.CharField(max_length=16, choices=CriterionGroup.choices)
    weight = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        validators=[validate_weight],
        help_text="How much it counts against the other criteria; any positive number.",
    )
    guidance = models.TextField(
        blank=True, help_text="What evaluators should look for, and what a 1 and a 5 mean."
    )
    active = models.BooleanField(
        default=True,
        help_text="Untick to stop using it: its scores are kept but no longer counted.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on score sheets.")

    objects = CriterionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="selection_criterion_name_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0),
                name="selection_criterion_weight_positive",
                violation_error_message=WEIGHT_POSITIVE,
            ),
            models.CheckConstraint(
                condition=models.Q(group__in=CriterionGroup.values),
                name="selection_criterion_group_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def validate_constraints(self, exclude=None) -> None:
        if (
            self.name
            and Criterion.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"name": "A criterion with this name already exists."})
        super().validate_constraints(exclude=exclude)


class CandidateStatus(models.TextChoices):
    LONG_LIST = "long_list", "Long list"
    SHORT_LIST = "short_list", "Short list"
    CHOSEN = "chosen", "Chosen"
    DECLINED = "declined", "Declined"


class CandidateQuerySet(models.QuerySet):
    def in_play(self) -> "CandidateQuerySet":
        return self.exclude(status=CandidateStatus.DECLINED)


class Candidate(models.Model):
    """An organisation considered as the partner of one partnership, with due diligence."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="candidates"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="candidacies"
    )
    status = models.CharField(
        max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.LONG_LIST
    )
    declined_reason = models.TextField("reason for declining", blank=True)
    past_partnerships = models.TextField(
        "past partnerships",
        blank=True,
        help_text="Who they have partnered with before, and how it went.",
    )
    references = models.TextField(blank=True, help_text="Who vouches for them, and what they said.")
    risks = models.TextField(blank=True, help_text="What could go wrong with them as a partner.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organization"],
                name="selection_candidate_once_per_partnership",
                violation_error_message="This organisation is already a candidate here.",
            ),
            models.UniqueConstraint(
                fields=["partnership"],
                condition=models.Q(status="chosen"),
                name="selection_candidate_one_chosen",
                violation_error_message="Another candidate is already chosen.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CandidateStatus.values),
                name="selection_candidate_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(declined_reason=""),
                name="selection_candidate_declined_has_reason",
                violation_error_message="Say why the candidate is declined.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)

    def get_absolute_url(self) -> str:
        return reverse("selection:candidate_detail", args=[self.partnership_id, self.pk])

    def clean(self) -> None:
        if self.status == CandidateStatus.DECLINED and not self.declined_reason.strip():
            raise ValidationError({"declined_reason": "Say why the candidate is declined."})
        if self.status != CandidateStatus.DECLINED:
            self.declined_reason = ""

    @property
    def is_declined(self) -> bool:
        return self.status == CandidateStatus.DECLINED

    @property
    def is_chosen(self) -> bool:
        return self.status == CandidateStatus.CHOSEN


class Score(models.Model):
    """One evaluator's score of one candidate on one criterion."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="selection_scores"
    )
    value = models.PositiveSmallIntegerField(
        choices=SCORE_CHOICES, error_messages={"invalid_choice": SCORE_RANGE}
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["candidate", "criterion", "evaluator"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "criterion", "candidate"],
                name="selection_score_one_per_evaluator",
                violation_error_message="You have already scored this criterion.",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=MIN_SCORE, value__lte=MAX_SCORE),
                name="selection_score_value_1_to_5",
                violation_error_message=SCORE_RANGE,
            ),
        ]
        indexes = [models.Index(fields=["candidate", "evaluator"])]

    def __str__(self) -> str:
        return f"{self.evaluator} · {self.candidate} · {self.criterion}: {self.value}"
