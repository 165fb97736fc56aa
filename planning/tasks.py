"""Thin tasks: beat moves partnerships whose agreement reached its notice deadline to renewing."""

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
def open_renewals() -> int:
    return len(services.open_renewals())
