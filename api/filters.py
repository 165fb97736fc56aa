"""Filters that refuse what they cannot read: django-filter's boolean filter takes ``?shared=yes``
or ``?unread=null`` as "no filter" and answers with everything, so a client's typo looks like an
empty filter. Here such a value is a 400 naming the parameter."""

import django_filters
from django import forms
from django.db import models
from django_filters import rest_framework as filters

TRUE, FALSE = ("true", "True", "1"), ("false", "False", "0")


class BooleanText(forms.TextInput):
    """The text as sent: Django's and django-filter's yes/no widgets turn what they cannot read
    into None before the field sees it."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictNullBooleanField(forms.NullBooleanField):
    widget = BooleanText
    default_error_messages = {"invalid": "Use true or false."}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


# django-filter's own, not its DRF flavour, which would swap in its lenient widget.
class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField


class FilterSet(filters.FilterSet):
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": BooleanFilter},
    }


class FilterBackend(filters.DjangoFilterBackend):
    filterset_base = FilterSet
