import time

import pytest

from reminders.models import Heartbeat
from reminders.tasks import record_heartbeat


def _wait_for(predicate, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_runs_a_task_and_its_effect_lands_in_the_database(
    celery_worker_process,
):
    record_heartbeat.apply_async(args=["worker-test"], queue=celery_worker_process)
    assert _wait_for(lambda: Heartbeat.objects.filter(name="worker-test").exists())


def test_celery_is_json_only_with_time_limits_and_late_acks():
    from config.celery import app

    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert app.conf.broker_url.startswith("redis://")
