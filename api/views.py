"""The API's endpoints. Each resolves its partnership through ``partnerships.access`` (another
manager's partnership is a 404, as on the web) and changes data only through the services the
web pages call. Every list prepares its relations, so its query count does not grow with it."""

import datetime
import functools
from functools import cached_property

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_serializers import ValidationErrorResponseSerializer
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from communications import services as communications
from communications.models import ActionItem, ActionStatus, CheckIn, Concern
from config import data_version
from objectives.models import Objective
from partnerships import access
from partnerships import services as partnerships
from partnerships.filters import PartnershipFilter
from partnerships.models import Contact, Organization, Partnership
from portfolio import selectors as portfolio
from portfolio.models import HealthSettings, HealthSnapshot, PartnershipHealth
from reminders.models import Reminder
from reviews import services as reviews
from reviews.models import KPI, Measurement, Review, Snapshot

from . import filters as strict
from . import serializers as s
from .errors import Unprocessable, as_detail

REFUSED = {
    422: OpenApiResponse(
        ValidationErrorResponseSerializer,
        description="Well-formed, but a rule refuses it (the message says which).",
    ),
}
CONFLICT = {
    409: OpenApiResponse(
        ValidationErrorResponseSerializer, description="It clashes with what is there."
    )
}


class Base:
    """Outside the request-wide transaction: a refused request (401, 404) must keep its audit
    event, which the rollback of an atomic request would take with it. Each change is atomic
    on its own instead (``_atomic``), as the services are."""

    @method_decorator(transaction.non_atomic_requests)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


def _atomic(method):
    @functools.wraps(method)
    def run(*args, **kwargs):
        with transaction.atomic():
            return method(*args, **kwargs)

    return run


def _fake(view) -> bool:
    # drf-spectacular builds the schema with views that have no request user.
    return getattr(view, "swagger_fake_view", False)


class InPartnership(Base):
    """A resource under ``/partnerships/<id>/``: the partnership through the access rule."""

    @cached_property
    def partnership(self) -> Partnership:
        return access.get_partnership_or_404(self.request.user, self.kwargs["partnership_pk"])

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        # Once the token and its rights are checked, and before a body is read: another
        # manager's partnership is a 404 whatever was sent.
        if not _fake(self):
            self.partnership  # noqa: B018


# Partnerships --------------------------------------------------------------------------------


class PartnershipApiFilter(PartnershipFilter):
    """The web list's filters (stage, type, tier, manager, q), under the same names."""

    class Meta(PartnershipFilter.Meta):
        fields = ["q", "stage", "type", "tier", "manager"]


@extend_schema_view(
    create=extend_schema(
        request=s.PartnershipWriteSerializer,
        responses={201: s.PartnershipSerializer, **CONFLICT, **REFUSED},
    ),
    update=extend_schema(
        request=s.PartnershipWriteSerializer,
        responses={200: s.PartnershipSerializer, **CONFLICT, **REFUSED},
    ),
    partial_update=extend_schema(
        request=s.PartnershipWriteSerializer,
        responses={200: s.PartnershipSerializer, **CONFLICT, **REFUSED},
    ),
)
class PartnershipViewSet(
    Base,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.PartnershipSerializer
    filterset_class = PartnershipApiFilter
    ordering_fields = ["name", "stage", "tier", "updated_at", "next_check_in_due", "created_at"]
    ordering = ["name"]
    lookup_value_converter = "int"

    def get_queryset(self):
        if _fake(self):
            return Partnership.objects.none()
        return access.visible_partnerships(
            self.request.user, Partnership.objects.for_list().select_related("health")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "_health_settings": [HealthSettings.load()]}

    def list(self, request, *args, **kwargs):
        # The answer is cached under the data version (config/data_version.py), the caller and
        # the query: a system polling the list costs the token's checks and one cache read.
        version = data_version.token()  # before anything the answer shows is read
        key = make_template_fragment_key(
            "api:partnerships",
            [
                version,
                *data_version.viewer_key(request),
                request.get_host(),
                sorted(request.GET.lists()),
            ],
        )
        data = cache.get(key)
        if data is None:
            data = super().list(request, *args, **kwargs).data
            cache.set(key, data, 24 * 3600)  # the key holds the day
        return Response(data)

    def _write(self, request, partnership=None, partial=False):
        writer = s.PartnershipWriteSerializer(
            instance=partnership, data=request.data, partial=partial
        )
        writer.is_valid(raise_exception=True)
        data = dict(writer.validated_data)
        managers = data.pop("managers", None)
        if partnership is None:
            result = partnerships.partnership_create(
                by=request.user, managers=managers or (), **data
            )
        else:
            result = partnerships.partnership_update(
                partnership=partnership, by=request.user, managers=managers, **data
            )
        return self.get_queryset().get(pk=result.pk)

    @_atomic
    def create(self, request, *args, **kwargs):
        created = self._write(request)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    @_atomic
    def update(self, request, *args, **kwargs):
        changed = self._write(request, self.get_object(), partial=kwargs.get("partial", False))
        return Response(self.get_serializer(changed).data)

    @extend_schema(
        request=s.MoveSerializer,
        responses={200: s.PartnershipSerializer, **REFUSED},
        description=(
            "Move to the next stage (or end, with a note) through the lifecycle. A gate that "
            "is not open answers 422 with each missing condition in words."
        ),
    )
    @action(detail=True, methods=["post"])
    @_atomic
    def move(self, request, pk=None):
        partnership = self.get_object()
        mover = s.MoveSerializer(data=request.data)
        mover.is_valid(raise_exception=True)
        partnerships.partnership_move(
            partnership=partnership, by=request.user, **mover.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=partnership.pk)).data)


class OrganizationViewSet(Base, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.OrganizationSerializer
    queryset = Organization.objects.all()
    filterset_fields = ["size"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]
    lookup_value_converter = "int"


class ContactViewSet(Base, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ContactSerializer
    queryset = Contact.objects.all()
    filterset_fields = ["organization"]
    ordering_fields = ["name"]
    ordering = ["name", "pk"]
    lookup_value_converter = "int"


# Inside a partnership ------------------------------------------------------------------------


class ObjectiveViewSet(InPartnership, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ObjectiveSerializer
    filterset_fields = ["party", "category"]
    ordering_fields = ["due_date", "title"]
    ordering = ["party", "pk"]
    lookup_value_converter = "int"

    def get_queryset(self):
        if _fake(self):
            return Objective.objects.none()
        return Objective.objects.filter(partnership=self.partnership)


def _recent_measurements():
    return Prefetch(
        "measurements",
        Measurement.objects.order_by("-period")[:1],
        to_attr="recent",
    )


class KPIViewSet(InPartnership, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.KPISerializer
    ordering_fields = ["name", "updated_at"]
    ordering = ["name", "pk"]
    lookup_value_converter = "int"

    def get_queryset(self):
        if _fake(self):
            return KPI.objects.none()
        return KPI.objects.filter(partnership=self.partnership).prefetch_related(
            _recent_measurements()
        )


class MeasurementViewSet(InPartnership, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.MeasurementSerializer
    ordering_fields = ["period"]
    ordering = ["-period"]

    @cached_property
    def kpi(self) -> KPI:
        return get_object_or_404(KPI, pk=self.kwargs["kpi_pk"], partnership=self.partnership)

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.kpi  # noqa: B018

    def get_queryset(self):
        if _fake(self):
            return Measurement.objects.none()
        return Measurement.objects.filter(kpi=self.kpi)

    @extend_schema(
        request=s.MeasurementWriteSerializer,
        responses={201: s.MeasurementSerializer, **REFUSED},
        description="Record the KPI's value for the period the date falls in.",
    )
    @_atomic
    def create(self, request, *args, **kwargs):
        writer = s.MeasurementWriteSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        measurement = reviews.measurement_record(
            kpi=self.kpi, by=request.user, **writer.validated_data
        )
        return Response(s.MeasurementSerializer(measurement).data, status=201)


class MeasurementBatchView(InPartnership, APIView):
    @extend_schema(
        request=s.MeasurementBatchSerializer,
        responses={201: s.MeasurementSerializer(many=True), **REFUSED},
        description=(
            "Record many measurements of the partnership's KPIs at once, all or nothing like "
            "the CSV import: one refused item and none is recorded; the errors name each item "
            "by its position (`measurements.3.period`)."
        ),
    )
    def post(self, request, partnership_pk: int):
        batch = s.MeasurementBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        items = batch.validated_data["measurements"]
        kpis = {k.pk: k for k in KPI.objects.filter(partnership=self.partnership)}
        errors, recorded = {}, []
        with transaction.atomic():
            for n, item in enumerate(items):
                kpi = kpis.get(item.pop("kpi"))
                if kpi is None:
                    errors[f"measurements.{n}.kpi"] = ["No such KPI in this partnership."]
                    continue
                try:
                    recorded.append(reviews.measurement_record(kpi=kpi, by=request.user, **item))
                except ValidationError as exc:
                    for field, messages in as_detail(exc).items():
                        where = "" if field == "non_field_errors" else f".{field}"
                        errors[f"measurements.{n}{where}"] = messages
            if errors:
                transaction.set_rollback(True)
        if errors:
            raise Unprocessable(errors)
        return Response(s.MeasurementSerializer(recorded, many=True).data, status=201)


class CheckInViewSet(InPartnership, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CheckInSerializer
    filterset_fields = ["kind", "shared"]
    ordering_fields = ["held_on"]
    ordering = ["-held_on", "-pk"]
    lookup_value_converter = "int"

    def get_queryset(self):
        if _fake(self):
            return CheckIn.objects.none()
        return CheckIn.objects.filter(partnership=self.partnership).prefetch_related(
            Prefetch("attendees", User.objects.only("pk")),
            Prefetch("partner_attendees", Contact.objects.only("pk")),
        )

    @extend_schema(
        request=s.CheckInWriteSerializer,
        responses={201: s.CheckInSerializer, **REFUSED},
        description=(
            "Log a check-in: it answers the due date it falls on and moves the next one by the "
            "cadence, exactly as logging it on the web does."
        ),
    )
    @_atomic
    def create(self, request, *args, **kwargs):
        writer = s.CheckInWriteSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        data = dict(writer.validated_data)
        wanted = set(data.pop("attendees"))
        attendees = list(access.people_who_see(self.partnership).filter(pk__in=wanted))
        if len(attendees) != len(wanted):
            raise Unprocessable({"attendees": ["Attendees must be people on this partnership."]})
        check_in = communications.check_in_log(
            partnership=self.partnership, by=request.user, attendees=attendees, **data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=check_in.pk)).data, 201)


class ActionItemViewSet(InPartnership, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ActionItemSerializer
    filterset_fields = ["status", "party", "owner"]
    ordering_fields = ["due_on", "created_at"]
    ordering = ["due_on", "pk"]
    lookup_value_converter = "int"

    def get_queryset(self):
        if _fake(self):
            return ActionItem.objects.none()
        return ActionItem.objects.filter(partnership=self.partnership)

    @extend_schema(
        request=s.ActionItemWriteSerializer, responses={201: s.ActionItemSerializer, **REFUSED}
    )
    @_atomic
    def create(self, request, *args, **kwargs):
        writer = s.ActionItemWriteSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        data = dict(writer.validated_data)
        owner = contact = None
        if data["owner"] is not None:
            owner = access.people_who_see(self.partnership).filter(pk=data["owner"]).first()
            if owner is None:
                raise Unprocessable({"owner": ["The owner must be someone on this partnership."]})
        if data["owner_contact"] is not None:
            contact = Contact.objects.filter(
                pk=data["owner_contact"], organization_id=self.partnership.organization_id
            ).first()
            if contact is None:
                raise Unprocessable({"owner_contact": ["Not a contact of this partner."]})
        item = communications.action_create(
            partnership=self.partnership,
            by=request.user,
            title=data["title"],
            owner=owner,
            owner_contact=contact,
            due_on=data["due_on"],
        )
        return Response(self.get_serializer(item).data, status=201)

    @extend_schema(request=None, responses={200: s.ActionItemSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    @_atomic
    def close(self, request, partnership_pk=None, pk=None):
        item = communications.action_close(
            action=self.get_object(), by=request.user, status=ActionStatus.DONE
        )
        return Response(self.get_serializer(item).data)


class ConcernViewSet(InPartnership, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ConcernSerializer
    filterset_fields = ["severity", "raised_by", "kind"]
    ordering_fields = ["raised_at", "resolve_by"]
    ordering = ["-raised_at", "-pk"]
    lookup_value_converter = "int"

    def get_queryset(self):
        if _fake(self):
            return Concern.objects.none()
        return Concern.objects.filter(partnership=self.partnership)

    @extend_schema(
        request=s.ConcernWriteSerializer,
        responses={201: s.ConcernSerializer, **REFUSED},
        description="Raise a concern: it enters the response clock and escalation.",
    )
    @_atomic
    def create(self, request, *args, **kwargs):
        writer = s.ConcernWriteSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        concern = communications.concern_raise(
            partnership=self.partnership, by=request.user, **writer.validated_data
        )
        return Response(self.get_serializer(concern).data, status=201)

    @extend_schema(request=None, responses={200: s.ConcernSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    @_atomic
    def acknowledge(self, request, partnership_pk=None, pk=None):
        concern = communications.concern_acknowledge(concern=self.get_object(), by=request.user)
        return Response(self.get_serializer(concern).data)

    @extend_schema(request=s.ResolveSerializer, responses={200: s.ConcernSerializer, **REFUSED})
    @action(detail=True, methods=["post"])
    @_atomic
    def resolve(self, request, partnership_pk=None, pk=None):
        writer = s.ResolveSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        concern = communications.concern_resolve(
            concern=self.get_object(), by=request.user, **writer.validated_data
        )
        return Response(self.get_serializer(concern).data)


class ReviewViewSet(InPartnership, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ReviewSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["due_on", "held_on"]
    ordering = ["-due_on", "-pk"]
    lookup_value_converter = "int"

    def get_queryset(self):
        if _fake(self):
            return Review.objects.none()
        return Review.objects.filter(partnership=self.partnership).prefetch_related(
            Prefetch("snapshots", Snapshot.objects.order_by("kpi_name", "pk"))
        )


class HealthView(InPartnership, APIView):
    @extend_schema(
        responses={200: s.HealthSerializer},
        description="The current score, its parts, and a year of daily history.",
    )
    def get(self, request, partnership_pk: int):
        settings = HealthSettings.load()
        row = PartnershipHealth.objects.filter(partnership=self.partnership).first()
        since = timezone.localdate() - datetime.timedelta(days=365)
        history = HealthSnapshot.objects.filter(
            partnership=self.partnership, day__gte=since
        ).order_by("day")
        score = row.score if row else None
        data = {
            "score": score,
            "band": settings.band(score),
            "reason": row.reason if row else "",
            "parts": row.parts if row else [],
            "computed_at": row.computed_at if row else None,
            "history": [{"day": h.day, "score": h.score} for h in history],
        }
        return Response(s.HealthSerializer(data).data)


# The user's own ------------------------------------------------------------------------------


class NoticeFilter(strict.FilterSet):
    unread = strict.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Unread")

    class Meta:
        model = Reminder
        fields = ["unread"]


class NoticeViewSet(Base, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.NoticeSerializer
    filterset_class = NoticeFilter
    ordering = ["-created_at", "-pk"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if _fake(self):
            return Reminder.objects.none()
        return Reminder.objects.filter(recipient=self.request.user).only(
            "pk", "kind", "title", "url", "due_on", "remind_on", "created_at", "read_at"
        )


class PortfolioView(Base, APIView):
    @extend_schema(
        responses={200: s.PortfolioSerializer},
        description="The dashboard's figures, for the partnerships you see.",
    )
    def get(self, request):
        d = portfolio.dashboard(request.user)
        data = {
            "partnerships": d.total,
            "live": d.live_count,
            "by_stage": {stage: n for stage, _, n in d.stage_counts},
            "by_band": d.band_counts,
            "due_this_week": d.due_total,
            "notice_deadlines": d.notice_count,
            "successes": d.success_count,
            "opportunity_value": d.opportunity_value,
            "health_computed_at": d.computed_at,
            "url": s.dashboard_url(),
        }
        return Response(s.PortfolioSerializer(data).data)
