"""Reads shared by the communication pages, each in a fixed number of queries."""

import statistics

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from partnerships.models import Partnership

from .models import (
    ActionComment,
    ActionItem,
    CheckIn,
    Concern,
    DueDateProposal,
    Escalation,
    ProposalStatus,
    Reply,
    Thread,
    Vote,
)


def check_ins_for_list(partnership: Partnership) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(partnership=partnership)
        .select_related("logged_by")
        .prefetch_related("attendees", "partner_attendees")
        .annotate(action_count=Count("action_items", distinct=True))
        .order_by("-held_on", "-pk")
    )


def actions_for_list(queryset: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    pending = DueDateProposal.objects.filter(action=OuterRef("pk"), status=ProposalStatus.PENDING)
    return queryset.select_related("owner", "owner_contact", "partnership", "check_in").annotate(
        date_proposed=Exists(pending)
    )


def action_history(action: ActionItem) -> dict:
    """An action item's comments (oldest first) and due-date proposals (newest first), each
    with its people and their organisation: two queries."""
    people = ("author__partner_contact__organization",)
    return {
        "comments": list(
            ActionComment.objects.filter(action=action)
            .select_related(*people)
            .order_by("created_at", "pk")
        ),
        "proposals": list(
            DueDateProposal.objects.filter(action=action)
            .select_related("proposed_by__partner_contact__organization", "decided_by")
            .order_by("-proposed_at", "-pk")
        ),
    }


def open_actions_of_last_check_in(partnership: Partnership) -> list[ActionItem]:
    last = CheckIn.objects.filter(partnership=partnership).order_by("-held_on", "-pk")[:1]
    return list(
        ActionItem.objects.filter(partnership=partnership, check_in__in=Subquery(last.values("pk")))
        .open()
        .select_related("owner", "owner_contact")
        .in_order()
    )


def concerns_for_list(queryset: QuerySet[Concern]) -> QuerySet[Concern]:
    return queryset.select_related("owner", "partnership")


def open_concerns(partnership: Partnership) -> list[Concern]:
    """Open concerns, the one whose clock runs out first on top."""
    rows = list(concerns_for_list(Concern.objects.filter(partnership=partnership).open()))
    return sorted(rows, key=lambda c: c.target)


def response_times(partnership: Partnership) -> dict:
    """Median time to first response and to resolution, over every concern that got one."""
    rows = Concern.objects.filter(
        partnership=partnership, acknowledged_at__isnull=False
    ).values_list("raised_at", "acknowledged_at", "resolved_at")
    first, resolution = [], []
    for raised, acknowledged, resolved in rows:
        first.append(acknowledged - raised)
        if resolved:
            resolution.append(resolved - raised)
    return {
        "median_first_response": statistics.median(first) if first else None,
        "median_resolution": statistics.median(resolution) if resolution else None,
        "answered_count": len(first),
        "resolved_count": len(resolution),
    }


def threads_for_list(partnership: Partnership) -> QuerySet[Thread]:
    replies = (
        Reply.objects.filter(thread=OuterRef("pk"))
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    votes = (
        Vote.objects.filter(thread=OuterRef("pk"))
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Thread.objects.filter(partnership=partnership)
        .select_related("author")
        .annotate(
            reply_count=Coalesce(Subquery(replies), 0), vote_count=Coalesce(Subquery(votes), 0)
        )
        .order_by("-last_activity_at", "-pk")
    )


def concern_with_history(partnership: Partnership, pk: int) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(partnership=partnership, pk=pk)
        .select_related("owner", "created_by", "check_in", "partnership")
        .prefetch_related(
            Prefetch(
                "escalations",
                queryset=Escalation.objects.select_related("by", "notify", "step").order_by(
                    "level"
                ),
            )
        )
    )


def my_open_actions(user) -> QuerySet[ActionItem]:
    from partnerships.access import visible_partnerships

    visible = visible_partnerships(user).exclude(stage="ended").values("pk")
    return actions_for_list(
        ActionItem.objects.open().filter(owner=user, partnership__in=visible)
    ).in_order()
