"""What the API reads and writes. Reads are ModelSerializers over querysets the views prepare
(every relation a row shows is selected or prefetched there); writes are plain serializers whose
validated data go to the same service the web form calls."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from communications.models import (
    ActionItem,
    CheckIn,
    Concern,
    ConcernKind,
    Kind,
    Party,
    Severity,
)
from objectives.models import Objective
from partnerships.models import Contact, Organization, Partnership, Stage
from portfolio.models import Band, HealthSettings
from reminders.models import Cadence, Reminder
from reviews.models import KPI, Measurement, Review, Snapshot


def page_url(path: str) -> str:
    return settings.REMINDERS_SITE_URL.rstrip("/") + path


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "email"]


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "website", "industry", "region", "size", "created_at"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "organization", "name", "email", "phone", "title", "left_on"]


class OrganizationRef(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name"]


class HealthBrief(serializers.Serializer):
    score = serializers.IntegerField(allow_null=True, min_value=0, max_value=100)
    band = serializers.ChoiceField(choices=Band.choices)
    reason = serializers.CharField(allow_blank=True)


class PartnershipSerializer(serializers.ModelSerializer):
    organization = OrganizationRef(read_only=True, allow_null=True)
    executive_sponsor = PersonSerializer(read_only=True)
    managers = PersonSerializer(source="manager_list", many=True, read_only=True)
    health = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Partnership
        fields = [
            "id", "name", "type", "tier", "description", "stage", "organization",
            "executive_sponsor", "managers", "start_date", "check_in_cadence", "review_cadence",
            "next_check_in_due", "next_review_due", "ended_reason", "health", "url",
            "created_at", "updated_at",
        ]  # fmt: skip

    def _band(self, score):
        cached = self.context.setdefault("_health_settings", [])
        if not cached:
            cached.append(HealthSettings.load())
        return cached[0].band(score)

    @staticmethod
    def _health_row(partnership):
        try:
            return partnership.health
        except Partnership.health.RelatedObjectDoesNotExist:
            return None

    @extend_schema_field(HealthBrief)
    def get_health(self, partnership) -> dict:
        row = self._health_row(partnership)
        score = row.score if row else None
        return {
            "score": score,
            "band": self._band(score),
            "reason": row.reason if row else "",
        }

    def get_url(self, partnership) -> str:
        return page_url(partnership.get_absolute_url())


class PartnershipWriteSerializer(serializers.ModelSerializer):
    """The web form's fields, with the same choices: an executive sponsor among executives,
    managers among partner managers."""

    executive_sponsor = serializers.PrimaryKeyRelatedField(queryset=User.objects.executives())
    managers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.partner_managers(), many=True, required=False
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), allow_null=True, required=False
    )
    check_in_cadence = serializers.PrimaryKeyRelatedField(
        queryset=Cadence.objects.all(), allow_null=True, required=False
    )
    review_cadence = serializers.PrimaryKeyRelatedField(
        queryset=Cadence.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Partnership
        fields = [
            "name", "type", "tier", "description", "executive_sponsor", "managers",
            "organization", "start_date", "check_in_cadence", "review_cadence",
        ]  # fmt: skip
        # The case-insensitive unique name is checked by the service's full_clean (409 there).
        validators = []


class MoveSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class TransitionSerializer(serializers.Serializer):
    from_stage = serializers.ChoiceField(choices=Stage.choices)
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = [
            "id", "party", "category", "title", "description", "success_measure", "baseline",
            "target", "due_date",
        ]  # fmt: skip


class MeasurementSerializer(serializers.ModelSerializer):
    recorded_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Measurement
        fields = ["id", "kpi", "period", "value", "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class MeasurementWriteSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="Any day of the period; stored as its first day.")
    value = serializers.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=False)
    note = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class MeasurementBatchItemSerializer(MeasurementWriteSerializer):
    kpi = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class MeasurementBatchSerializer(serializers.Serializer):
    measurements = MeasurementBatchItemSerializer(many=True, min_length=1, max_length=1000)


class KPISerializer(serializers.ModelSerializer):
    latest = serializers.SerializerMethodField()

    class Meta:
        model = KPI
        fields = [
            "id", "name", "unit", "direction", "baseline", "target", "red_flag", "frequency",
            "objective", "owner", "latest", "created_at", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(MeasurementSerializer(allow_null=True))
    def get_latest(self, kpi) -> dict | None:
        recent = getattr(kpi, "recent", None)
        return MeasurementSerializer(recent[0]).data if recent else None


class CheckInSerializer(serializers.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    partner_attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CheckIn
        fields = [
            "id", "held_on", "kind", "summary", "sentiment", "topics", "shared", "attendees",
            "partner_attendees", "due_on", "timeliness", "logged_by", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class CheckInWriteSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.CALL)
    summary = serializers.CharField(max_length=20000)
    sentiment = serializers.IntegerField(min_value=1, max_value=5)
    topics = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=20, required=False, default=list
    )
    attendees = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        help_text="Our people who attended (user ids).",
    )
    shared = serializers.BooleanField(required=False, default=False)


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = [
            "id", "title", "party", "owner", "owner_contact", "due_on", "status", "check_in",
            "completed_at", "created_by", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ActionItemWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True, default=None
    )
    owner_contact = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True, default=None
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class ConcernSerializer(serializers.ModelSerializer):
    class Meta:
        model = Concern
        fields = [
            "id", "kind", "title", "description", "raised_by", "severity", "owner", "raised_at",
            "respond_by", "resolve_by", "acknowledged_at", "resolved_at", "resolution",
            "escalation_level",
        ]  # fmt: skip
        read_only_fields = fields


class ConcernWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=ConcernKind.choices, default=ConcernKind.ISSUE)
    severity = serializers.ChoiceField(choices=Severity.choices)
    raised_by = serializers.ChoiceField(choices=Party.choices, default=Party.US)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=20000)


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Snapshot
        exclude = ["review"]


class ReviewSerializer(serializers.ModelSerializer):
    snapshots = SnapshotSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id", "kind", "due_on", "held_on", "rating", "summary", "held_by", "snapshots",
            "created_at",
        ]  # fmt: skip


class HealthPartSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.IntegerField()
    value = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField(allow_blank=True)


class HealthPointSerializer(serializers.Serializer):
    day = serializers.DateField()
    score = serializers.IntegerField(allow_null=True)


class HealthSerializer(serializers.Serializer):
    score = serializers.IntegerField(allow_null=True)
    band = serializers.ChoiceField(choices=Band.choices)
    reason = serializers.CharField(allow_blank=True)
    parts = HealthPartSerializer(many=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    history = HealthPointSerializer(many=True)


class NoticeSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = ["id", "kind", "title", "url", "due_on", "remind_on", "created_at", "read_at"]

    def get_url(self, reminder) -> str:
        return page_url(reminder.url) if reminder.url.startswith("/") else reminder.url


class PortfolioSerializer(serializers.Serializer):
    """The dashboard's figures, for the partnerships the token's user sees."""

    partnerships = serializers.IntegerField()
    live = serializers.IntegerField()
    by_stage = serializers.DictField(child=serializers.IntegerField())
    by_band = serializers.DictField(child=serializers.IntegerField())
    due_this_week = serializers.IntegerField()
    notice_deadlines = serializers.IntegerField()
    successes = serializers.IntegerField()
    opportunity_value = serializers.DecimalField(
        max_digits=18, decimal_places=2, coerce_to_string=False
    )
    health_computed_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField()


def dashboard_url() -> str:
    return page_url(reverse("home"))
