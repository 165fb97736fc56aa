"""The stored health: recomputed for every live partnership by a beat task (a handful of queries
per 500 partnerships), written as the latest score and as today's snapshot."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partnership
from webhooks import events as webhooks

from . import health
from .models import Band, HealthSettings, HealthSnapshot, PartnershipHealth

CHUNK = 500


def _live():
    return (
        Partnership.objects.filter(stage__in=health.LIVE)
        .select_related("check_in_cadence")
        .order_by("pk")
    )


@transaction.atomic
def store(healths: dict[int, health.Health], *, day: datetime.date, now: datetime.datetime) -> None:
    """The current health and the day's snapshot, both or neither; a webhook event for each
    partnership whose band changed (when an endpoint wants them)."""
    wanted = webhooks.subscribers(webhooks.EventType.HEALTH_BAND_CHANGED)
    previous: dict[int, int | None] = {}
    if wanted:
        # Locked, so two refreshes at once tell of one change once: the second reads the
        # first's score after it commits.
        previous = dict(
            PartnershipHealth.objects.select_for_update()
            .filter(partnership_id__in=list(healths))
            .order_by("pk")
            .values_list("partnership_id", "score")
        )
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
    if previous:
        _emit_band_changes(previous, healths, wanted)


def _emit_band_changes(
    previous: dict[int, int | None], healths: dict[int, health.Health], endpoints
) -> None:
    settings = HealthSettings.load()
    changed = {
        pk: (settings.band(score), settings.band(healths[pk].score))
        for pk, score in previous.items()
        if settings.band(score) != settings.band(healths[pk].score)
    }
    if not changed:
        return
    for partnership in Partnership.objects.filter(pk__in=list(changed)).only("pk", "name"):
        was, now = changed[partnership.pk]
        computed = healths[partnership.pk]
        webhooks.emit(
            webhooks.EventType.HEALTH_BAND_CHANGED,
            partnership=partnership,
            data={
                "from_band": was,
                "to_band": now,
                "from_score": previous[partnership.pk],
                "score": computed.score,
                "reason": computed.reason,
            },
            url=reverse("partnerships:tab", args=[partnership.pk, "health"]),
            summary=f"Health moved from {Band(was).label} to {Band(now).label}"
            + (f" (score {computed.score})" if computed.score is not None else ""),
            endpoints=endpoints,
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
