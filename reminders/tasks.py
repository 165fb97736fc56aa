from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(acks_late=True, ignore_result=True)
def record_heartbeat(name: str = "beat") -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
