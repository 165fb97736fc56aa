"""Thin tasks: beat recomputes the stored health of every live partnership (and today's
snapshot) so the dashboard reads scores instead of computing them."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, transaction

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=3,
)
def refresh_health() -> int:
    return services.refresh_health()


def refresh_health_after_commit() -> None:
    """Recompute every score in a worker once the caller's transaction commits (new weights
    saved in admin), not inside the request. Safe to run beside beat's own refresh."""

    def enqueue() -> None:
        queue = getattr(settings, "PORTFOLIO_QUEUE", None)
        try:
            refresh_health.apply_async(**({"queue": queue} if queue else {}))
        except Exception:
            # The broker is down: the next half-hourly refresh applies the new weights.
            logger.warning("Could not enqueue the health recomputation", exc_info=True)

    transaction.on_commit(enqueue)
