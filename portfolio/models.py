"""The portfolio reads everything and owns little: the health settings administrators edit, and
the health scores it computes — the latest per partnership (what the dashboard reads) and one
snapshot a day (the trend, and "what moved since the last review")."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThan

from partnerships.models import Partnership

PARTS = (
    # key, label, the weight field of HealthSettings
    ("kpi", "KPI attainment", "kpi_weight"),
    ("cadence", "Cadence compliance", "cadence_weight"),
    ("concerns", "Open concerns and response time", "concerns_weight"),
    ("actions", "Overdue action items", "actions_weight"),
    ("sentiment", "Sentiment trend", "sentiment_weight"),
    ("partner_view", "Partner's view", "partner_view_weight"),
)
ZERO_WEIGHTS = "The weights add up to zero: give at least one part a weight."


def _weight(label: str, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(100)]
    )


class HealthSettings(models.Model):
    """The one row of health settings: how much each part weighs, and where the bands start."""

    kpi_weight = _weight("KPI attainment", 30)
    cadence_weight = _weight("cadence compliance", 25)
    concerns_weight = _weight("open concerns and response time", 20)
    actions_weight = _weight("overdue action items", 10)
    sentiment_weight = _weight("sentiment trend", 15)
    partner_view_weight = _weight("partner's view", 15)
    healthy_from = models.PositiveSmallIntegerField(
        default=70,
        validators=[MaxValueValidator(100)],
        help_text="A score from this value up is healthy.",
    )
    at_risk_below = models.PositiveSmallIntegerField(
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="A score below this value is at risk; in between, it is watched.",
    )

    class Meta:
        verbose_name = "health settings"
        verbose_name_plural = "health settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="portfolio_settings_singleton"),
            models.CheckConstraint(
                condition=Q(
                    kpi_weight__gte=0,
                    cadence_weight__gte=0,
                    concerns_weight__gte=0,
                    actions_weight__gte=0,
                    sentiment_weight__gte=0,
                    partner_view_weight__gte=0,
                )
                & Q(
                    kpi_weight__lte=100,
                    cadence_weight__lte=100,
                    concerns_weight__lte=100,
                    actions_weight__lte=100,
                    sentiment_weight__lte=100,
                    partner_view_weight__lte=100,
                ),
                name="portfolio_settings_weights_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(
                    GreaterThan(
                        F("kpi_weight")
                        + F("cadence_weight")
                        + F("concerns_weight")
                        + F("actions_weight")
                        + F("sentiment_weight")
                        + F("partner_view_weight"),
                        0,
                    )
                ),
                name="portfolio_settings_weights_not_zero",
                violation_error_message=ZERO_WEIGHTS,
            ),
            models.CheckConstraint(
                condition=Q(at_risk_below__gte=1, at_risk_below__lte=F("healthy_from"))
                & Q(healthy_from__lte=100),
                name="portfolio_settings_bands_in_order",
                violation_error_message="“At risk below” must be at least 1 and no higher than "
                "“healthy from”.",
            ),
        ]

    def __str__(self) -> str:
        return "Health settings"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "HealthSettings":
        row, _ = cls.objects.get_or_create(pk=1)
        return row

    def weights(self) -> dict[str, int]:
        return {key: getattr(self, field) or 0 for key, _, field in PARTS}

    def band(self, score: int | None) -> str:
        if score is None:
            return Band.UNKNOWN
        if score >= self.healthy_from:
            return Band.HEALTHY
        if score < self.at_risk_below:
            return Band.AT_RISK
        return Band.WATCH

    def band_filter(self, band: str, field: str = "score") -> Q:
        return {
            Band.HEALTHY: Q(**{f"{field}__gte": self.healthy_from}),
            Band.WATCH: Q(
                **{f"{field}__gte": self.at_risk_below, f"{field}__lt": self.healthy_from}
            ),
            Band.AT_RISK: Q(**{f"{field}__lt": self.at_risk_below}),
            Band.UNKNOWN: Q(**{f"{field}__isnull": True}),
        }[band]


class Band(models.TextChoices):
    HEALTHY = "healthy", "Healthy"
    WATCH = "watch", "Watch"
    AT_RISK = "at_risk", "At risk"
    UNKNOWN = "unknown", "No data yet"


class PartnershipHealth(models.Model):
    """The latest health of a live partnership, as the dashboard reads it: one row each."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, primary_key=True, related_name="health"
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(
        max_length=300, blank=True, help_text="What pulls the score down most, in words."
    )
    parts = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "partnership health"
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100),
                name="portfolio_health_score_0_to_100",
            )
        ]
        indexes = [models.Index(fields=["score"], name="portfolio_health_score_idx")]

    def __str__(self) -> str:
        return f"{self.partnership_id}: {self.score}"


class HealthSnapshot(models.Model):
    """A partnership's health on one day: the trend, and the base of "what moved"."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="health_snapshots"
    )
    day = models.DateField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    parts = models.JSONField(default=list)

    class Meta:
        ordering = ["partnership", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "day"], name="portfolio_snapshot_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100),
                name="portfolio_snapshot_score_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership_id} on {self.day}: {self.score}"
