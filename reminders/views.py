from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import Heartbeat


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and for whoever wonders whether beat is running."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = Heartbeat.objects.filter(name="beat").first()
    age = (timezone.now() - beat.last_seen).total_seconds() if beat else None
    return JsonResponse(
        {"database": "ok", "beat_seconds_ago": round(age) if age is not None else None}
    )
