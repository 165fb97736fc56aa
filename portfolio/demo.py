"""Demo health: every live demo partnership's score now, and a plausible history of daily
snapshots behind it (the trend chart and "what moved since the last review" need a past).

The history is made up: each part drifts, day by day, from an earlier value towards today's. It is
written once (a partnership with more than one snapshot is left alone)."""

import datetime
import random

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from healthcheck.models import HealthCheck
from partnerships.models import Partnership

from . import health, services
from .models import HealthSettings, HealthSnapshot

HISTORY_DAYS = 120


def seed(stdout) -> None:
    count = services.refresh_health()
    if not count:
        return
    settings = HealthSettings.load()
    weights = settings.weights()
    today = timezone.localdate()
    bare = (
        Partnership.objects.filter(stage__in=health.LIVE)
        .annotate(n=Count("health_snapshots"))
        .filter(n__lte=1)
        .select_related("health")
    )
    # The partner's view has a past only since the health check that gives it closed.
    checks = {c.partnership_id: c.closed_on for c in HealthCheck.objects.filter(latest=True)}
    rows = []
    for partnership in bare:
        since = {"partner_view": checks.get(partnership.pk, today)}
        rows += history(partnership.pk, partnership.health.parts, weights, today, since=since)
    with transaction.atomic():
        HealthSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    stdout.write(f"Demo health: {count} live partnerships scored, {len(rows)} past snapshots.")


def history(
    pk: int,
    parts: list[dict],
    weights: dict[str, int],
    today: datetime.date,
    length: int = HISTORY_DAYS,
    since: dict[str, datetime.date] | None = None,
) -> list[HealthSnapshot]:
    """``since``: the first day a part has data, by its key (none before)."""
    since = since or {}
    rng = random.Random(pk)
    start = {
        p["key"]: None if p["value"] is None else health.clamp(p["value"] + rng.randint(-25, 20))
        for p in parts
    }
    snapshots = []
    for back in range(length, 0, -1):
        share = back / length  # 1 long ago, towards 0 today
        day = today - datetime.timedelta(days=back)
        day_parts = []
        for p in parts:
            missing = p["key"] in since and day < since[p["key"]]
            if p["value"] is None or missing or (p["key"] == "kpi" and back > length * 0.8):
                value = None
            else:
                value = health.clamp(
                    p["value"] + (start[p["key"]] - p["value"]) * share + rng.uniform(-3, 3)
                )
            day_parts.append(health.Part(p["key"], p["label"], weights[p["key"]], value, ""))
        combined = health.combine(day_parts)
        snapshots.append(
            HealthSnapshot(
                partnership_id=pk,
                day=day,
                score=combined.score,
                parts=combined.as_json(),
            )
        )
    return snapshots
