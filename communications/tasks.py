"""Thin tasks. The reminder sweep already escalates overdue concerns before it asks what is due;
this task lets beat (or an operator) do it on its own schedule too. Safe to run at any time."""

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
def escalate_overdue_concerns() -> int:
    return len(services.escalate_overdue_concerns())
