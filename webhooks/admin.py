import json

from django import forms
from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import Truncator

from . import payloads, services
from .models import SUBSCRIBABLE, Attempt, Delivery, Endpoint, Event, Status


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text=Endpoint._meta.get_field("url").help_text,
    )
    events = forms.MultipleChoiceField(
        choices=SUBSCRIBABLE,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The events this endpoint receives.",
    )

    class Meta:
        model = Endpoint
        fields = ["name", "url", "format", "events", "active"]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("name", "url", "format", "subscribed", "active", "last_delivery")
    list_filter = ("active", "format")
    search_fields = ("name", "url")
    actions = ["send_test_event"]

    def get_fields(self, request, obj=None):
        fields = ["name", "url", "format", "events", "active"]
        return [*fields, "secret", "created_at"] if obj else fields

    def get_readonly_fields(self, request, obj=None):
        return ["secret", "created_at"] if obj else []

    def get_queryset(self, request):
        # The latest delivery of each endpoint, in the list's one query.
        latest = Delivery.objects.filter(endpoint=OuterRef("pk")).order_by("-pk")
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_status=Subquery(latest.values("status")[:1]),
                last_code=Subquery(latest.values("last_status_code")[:1]),
                last_at=Subquery(latest.values("created_at")[:1]),
            )
        )

    @admin.display(description="Events")
    def subscribed(self, obj: Endpoint) -> str:
        count = len(obj.events or [])
        return "none" if not count else f"{count} of {len(SUBSCRIBABLE)}"

    @admin.display(description="Last delivery")
    def last_delivery(self, obj: Endpoint) -> str:
        if not getattr(obj, "last_status", None):
            return "—"
        code = f" ({obj.last_code})" if obj.last_code else ""
        return f"{Status(obj.last_status).label}{code}, {obj.last_at:%Y-%m-%d %H:%M}"

    @admin.action(description="Send a test event")
    def send_test_event(self, request: HttpRequest, queryset) -> None:
        endpoints = list(queryset)
        event = services.send_test_event(endpoints=endpoints, by=request.user)
        off = [e.name for e in endpoints if not e.active]
        if event is not None:
            sent = len(endpoints) - len(off)
            self.message_user(
                request,
                f"A test event is on its way to {sent} endpoint(s); see Deliveries for the answer.",
            )
        if off:
            self.message_user(
                request,
                f"Switched off, so sent nothing: {', '.join(off)}.",
                messages.WARNING,
            )


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "status_code", "duration_ms", "error", "response_excerpt")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "event_type",
        "partnership",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
        "error",
    )
    list_filter = ("status", "endpoint", "event__type")
    search_fields = ("event__id", "event__summary", "endpoint__name")
    list_select_related = ("event", "event__partnership", "endpoint")
    date_hierarchy = "created_at"
    actions = ["send_again", "send_again_delivered"]
    inlines = [AttemptInline]
    fields = (
        "event",
        "event_type",
        "partnership",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_status_code",
        "last_error",
        "response_excerpt",
        "delivered_at",
        "created_at",
        "body",
    )
    readonly_fields = fields
    show_full_result_count = False  # no COUNT(*) of a large outbox on every page

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Event", ordering="event__type")
    def event_type(self, obj: Delivery) -> str:
        return obj.event.get_type_display()

    @admin.display(description="Partnership")
    def partnership(self, obj: Delivery) -> str:
        return str(
            obj.event.partnership or (obj.event.data or {}).get("partnership", {}).get("name", "—")
        )

    @admin.display(description="Last error")
    def error(self, obj: Delivery) -> str:
        return Truncator(obj.last_error).chars(80)

    @admin.display(description="Request body (every attempt sends these bytes)")
    def body(self, obj: Delivery) -> str:
        text = payloads.body_for(obj.event, obj.endpoint).decode()
        return format_html("<pre>{}</pre>", json.dumps(json.loads(text), indent=2))

    @admin.action(description="Send again (failed deliveries)")
    def send_again(self, request: HttpRequest, queryset) -> None:
        self._send_again(request, queryset, include_delivered=False)

    @admin.action(description="Send again, delivered ones too (the receiver gets them twice)")
    def send_again_delivered(self, request: HttpRequest, queryset) -> None:
        self._send_again(request, queryset, include_delivered=True)

    def _send_again(self, request: HttpRequest, queryset, *, include_delivered: bool) -> None:
        chosen = list(queryset.values_list("pk", "status"))
        delivered = sum(1 for _, status in chosen if status == Status.DELIVERED)
        count = services.deliveries_send_again(
            ids=[pk for pk, _ in chosen], include_delivered=include_delivered
        )
        if count:
            again = (
                f" ({delivered} of them delivered before: the receiver gets those again, "
                "with the same webhook-id)"
                if include_delivered and delivered
                else ""
            )
            self.message_user(request, f"{count} deliveries will be sent again{again}.")
        skipped = len(chosen) - count
        if skipped:
            why = (
                "were still being sent"
                if include_delivered
                else "had not failed (delivered ones are sent again only with "
                "“Send again, delivered ones too”), or were still being sent"
            )
            self.message_user(
                request,
                f"{skipped} selected deliveries {why}, and were left as they are.",
                messages.WARNING,
            )


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "type", "partnership", "summary")
    list_filter = ("type",)
    search_fields = ("id", "summary")
    list_select_related = ("partnership",)
    date_hierarchy = "occurred_at"
    readonly_fields = ("id", "type", "occurred_at", "partnership", "summary", "url", "data")
    fields = readonly_fields
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
