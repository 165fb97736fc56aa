from celery import shared_task
from django.db import DatabaseError

from . import services


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    max_retries=3,
)
def prune_audit() -> int:
    # Idempotent: what is past the retention goes, whenever the task runs.
    return services.prune()
