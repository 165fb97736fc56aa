from celery import shared_task
from django.db import DatabaseError

from . import throttle


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=3,
)
def prune_sign_in_failures() -> int:
    # Idempotent: failures outside every throttling window count for nothing any more.
    return throttle.prune_failure_log()
