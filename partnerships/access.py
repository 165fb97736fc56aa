"""Who may see which partnership. Every view that shows or changes a partnership, or anything
that belongs to one, goes through this module: there is no second rule anywhere."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Partnership


def visible_partnerships(user) -> QuerySet[Partnership]:
    """Executives see every partnership; a partner manager sees those they manage."""
    if not user.is_authenticated or not user.is_active:
        return Partnership.objects.none()
    if user.is_executive:
        return Partnership.objects.all()
    if user.is_partner_manager:
        return Partnership.objects.filter(managers=user)
    return Partnership.objects.none()


def get_partnership_or_404(user, pk: int, queryset: QuerySet | None = None) -> Partnership:
    qs = queryset if queryset is not None else Partnership.objects.all()
    partnership = qs.filter(pk=pk, pk__in=visible_partnerships(user).values("pk")).first()
    if partnership is None:
        raise Http404("No such partnership.")
    return partnership


def can_use_partnerships(user) -> bool:
    return user.is_authenticated and (user.is_executive or user.is_partner_manager)


def can_approve(user) -> bool:
    """Executives approve the moves that commit the organisation: going active, and ending."""
    return user.is_authenticated and user.is_executive
