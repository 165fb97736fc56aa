"""Who may see which partnership. Every view that shows or changes a partnership, or anything
that belongs to one, goes through this module: there is no second rule anywhere."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Partnership


def visible_partnerships(user, queryset: QuerySet | None = None) -> QuerySet[Partnership]:
    """Executives see every partnership; a partner manager sees those they manage.

    ``queryset`` narrows a queryset of partnerships the caller built (joins, prefetches) to the
    user's, instead of starting from all of them.
    """
    qs = queryset if queryset is not None else Partnership.objects.all()
    if not user.is_authenticated or not user.is_active or user.is_partner_contact:
        # Partner contacts never see an internal page: theirs is portal_partnerships below.
        return qs.none()
    if user.is_executive:
        return qs
    if user.is_partner_manager:
        # One row per partnership still: the filter joins the managers table on its unique
        # (partnership, user) pair.
        return qs.filter(managers=user)
    return qs.none()


def portal_partnerships(user, queryset: QuerySet | None = None) -> QuerySet[Partnership]:
    """The partner's side of the rule: a partner contact sees the partnerships they were invited
    to, and not revoked from, and nothing else; everyone else sees none through the portal."""
    qs = queryset if queryset is not None else Partnership.objects.all()
    if not user.is_authenticated or not user.is_active or not user.is_partner_contact:
        return qs.none()
    return qs.filter(portal_accesses__contact__user=user, portal_accesses__revoked_at__isnull=True)


def get_portal_partnership_or_404(user, pk: int, queryset: QuerySet | None = None) -> Partnership:
    try:
        return portal_partnerships(user, queryset).get(pk=pk)
    except Partnership.DoesNotExist:
        raise Http404("No such partnership.") from None


def get_partnership_or_404(user, pk: int, queryset: QuerySet | None = None) -> Partnership:
    # A plain filter, not `pk__in` a subquery, and no ORDER BY: every workspace page runs this.
    try:
        return visible_partnerships(user, queryset).get(pk=pk)
    except Partnership.DoesNotExist:
        raise Http404("No such partnership.") from None


def people_who_see(partnership: Partnership) -> QuerySet:
    """The people who may see ``partnership`` (the rule above, from its side): every active
    executive and its active partner managers; for owner and attendee choices."""
    from accounts import roles
    from accounts.models import User

    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__name=roles.EXECUTIVE)
            | Q(groups__name=roles.PARTNER_MANAGER, managed_partnerships=partnership)
        )
        .distinct()
        .order_by("full_name", "email")
    )


def can_see(user, partnership: Partnership) -> bool:
    """Whether ``user`` may see, and so work on, ``partnership``."""
    return user is not None and visible_partnerships(user).filter(pk=partnership.pk).exists()


def require_visible(
    user, partnership: Partnership, message: str = "You cannot change this partnership."
) -> None:
    """A service's guard: ``PermissionDenied(message)`` unless ``user`` may see ``partnership``."""
    if not can_see(user, partnership):
        raise PermissionDenied(message)


def can_use_partnerships(user) -> bool:
    return user.is_authenticated and (user.is_executive or user.is_partner_manager)


def can_approve(user) -> bool:
    """Executives approve the moves that commit the organisation: going active, and ending."""
    return user.is_authenticated and user.is_executive
