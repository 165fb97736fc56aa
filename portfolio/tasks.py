"""Thin tasks: beat recomputes the stored health of every live partnership (and today's
snapshot) so the dashboard reads scores instead of computing them."""

from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=3,
)
def refresh_health() -> int:
    return services.refresh_health()
