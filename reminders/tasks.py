"""Thin tasks: beat triggers the sweep and the daily pruning of the outbox; delivery tasks
carry a batch of reminder ids."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import services
from .models import Heartbeat


@shared_task(acks_late=True, ignore_result=True)
def record_heartbeat(name: str = "beat") -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=3,
)
def sweep(queue: str | None = None) -> dict:
    result = services.sweep(queue=queue)
    return {"created": result.created, "queued": result.queued}


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=5,
)
def deliver(ids: list[int]) -> dict:
    # A retry after a database error is safe: rows already sent are skipped by their claim.
    result = services.deliver(ids)
    return result.__dict__


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=3,
)
def prune_outbox() -> int:
    # Idempotent: a second run (a second beat, a retry) finds nothing more to delete.
    return services.outbox_prune()
