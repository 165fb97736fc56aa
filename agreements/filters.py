import django_filters
from django import forms
from django.db.models import F, Q

from .models import Agreement, Status

# Without a status filter the list shows what matters now: versions in force or in progress.
CURRENT_STATUSES = [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.SIGNED]
ANY = "any"


class AgreementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(
        choices=[*Status.choices, (ANY, "Any status")],
        method="by_status",
        empty_label="In force or in progress",
        label="Status",
    )

    class Meta:
        model = Agreement
        fields = ["q", "status"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.form.fields["q"].widget = forms.TextInput(
            attrs={"placeholder": "Partnership, partner or title", "type": "search"}
        )

    @property
    def qs(self):
        qs = super().qs
        status = self.form.cleaned_data.get("status") if self.is_bound else ""
        if not status:
            qs = qs.filter(status__in=CURRENT_STATUSES)
        # Soonest notice deadline first; agreements without an end date last.
        return qs.order_by(F("notice_deadline").asc(nulls_last=True), "partnership__name")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(partnership__name__icontains=value)
            | Q(partnership__organization__name__icontains=value)
            | Q(title__icontains=value)
        )

    def by_status(self, queryset, name, value):
        return queryset if value == ANY else queryset.filter(status=value)
