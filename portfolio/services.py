"""The stored health: recomputed for every live partnership by a beat task (a handful of queries
per 500 partnerships), written as the latest score and as today's snapshot."""

import datetime

from django.db import transaction
from django.utils import timezone

from partnerships.models import Partnership

from . import health
from .models import HealthSettings, HealthSnapshot, PartnershipHealth

CHUNK = 500


def _live():
    return (
        Partnership.objects.filter(stage__in=health.LIVE)
        .select_related("check_in_cadence")
        .order_by("pk")
    )


@transaction.atomic
def store(healths: dict[int, health.Health], *, day: datetime.date, now: datetime.datetime) -> None:
    """The current health and the day's snapshot, both or neither."""
    PartnershipHealth.objects.bulk_create(
        [
            PartnershipHealth(
                partnership_id=pk,
                score=h.score,
                reason=h.reason,
                parts=h.as_json(),
                computed_at=now,
            )
            for pk, h in healths.items()
        ],
        update_conflicts=True,
        unique_fields=["partnership"],
        update_fields=["score", "reason", "parts", "computed_at"],
    )
    HealthSnapshot.objects.bulk_create(
        [
            HealthSnapshot(partnership_id=pk, day=day, score=h.score, parts=h.as_json())
            for pk, h in healths.items()
        ],
        update_conflicts=True,
        unique_fields=["partnership", "day"],
        update_fields=["score", "parts"],
    )


def refresh_health(*, now: datetime.datetime | None = None) -> int:
    """Recompute every live partnership's health; today's snapshot is overwritten until the day
    ends, so the last run of a day is that day's point on the trend. Safe to run at any time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    settings = HealthSettings.load()
    pks = list(_live().values_list("pk", flat=True))
    for batch in _chunks(pks):
        partnerships = list(_live().filter(pk__in=batch))
        healths = health.compute(partnerships, settings=settings, today=today, now=now)
        store(healths, day=today, now=now)
    # Only live partnerships have a latest score; their snapshots stay as history.
    PartnershipHealth.objects.exclude(partnership__stage__in=health.LIVE).delete()
    return len(pks)


def _chunks(items: list[int]):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def refresh_one(partnership: Partnership, computed: health.Health | None = None) -> health.Health:
    """Recompute (or store what was just computed for) one partnership."""
    now = timezone.now()
    computed = computed or health.compute_one(partnership)
    if partnership.stage in health.LIVE:
        store({partnership.pk: computed}, day=timezone.localdate(now), now=now)
    return computed
