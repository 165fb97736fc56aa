"""Thin tasks: beat closes the checks whose closing date has ended."""

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
def close_due() -> int:
    return services.close_due()
