"""Thin tasks: one delivery per task; beat triggers the sweep every minute and the daily
pruning of the outbox."""

from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=3,
)
def deliver(pk: int, queue: str | None = None) -> str:
    # Running twice is harmless: the second finds the row claimed or delivered and skips it.
    return services.deliver(pk, queue=queue).outcome


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=3,
)
def sweep(queue: str | None = None) -> int:
    return services.sweep(queue=queue)


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=3,
)
def prune_outbox() -> int:
    return services.outbox_prune()
