import django_filters
from django.db.models import Q

from accounts.models import User

from .models import Organization, Partnership, PartnershipType, Stage, Tier

SORTS = {
    "name": ("Name", ("name",)),
    "-updated": ("Recently changed", ("-updated_at", "name")),
    "stage": ("Stage", ("stage", "name")),
    "tier": ("Tier", ("tier", "name")),
    "next_check_in": ("Next check-in", ("next_check_in_due", "name")),
    "organization": ("Partner", ("organization__name", "name")),
}


class PartnershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, empty_label="Any stage")
    type = django_filters.ChoiceFilter(choices=PartnershipType.choices, empty_label="Any type")
    tier = django_filters.ChoiceFilter(choices=Tier.choices, empty_label="Any tier")
    manager = django_filters.ModelChoiceFilter(
        field_name="managers",
        queryset=User.objects.partner_managers().only("full_name", "email"),
        empty_label="Any manager",
        label="Manager",
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        method="order",
        empty_label="Sort: name",
        label="Sort",
    )

    class Meta:
        model = Partnership
        fields = ["q", "stage", "type", "tier", "manager", "sort"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(organization__name__icontains=value))

    def order(self, queryset, name, value):
        return queryset.order_by(*SORTS.get(value, SORTS["name"])[1])


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Organization
        fields = ["q", "size"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(industry__icontains=value) | Q(region__icontains=value)
        )
