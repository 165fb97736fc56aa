"""Proof with real processes: a Celery worker on Redis, PostgreSQL, and an HTTP receiver that
verifies each signature, counts deliveries and fails on purpose."""

import os
import subprocess
import sys
import time

import pytest

from partnerships import services as partnerships
from webhooks import services
from webhooks.models import Attempt, Delivery, Event, Status
from webhooks.tasks import deliver

from ..factories import executive
from ..reminders.conftest import PROJECT_DIR, database_url_of_tests, wait_for
from ..reminders.smtp import free_port
from .conftest import make_endpoint
from .receiver import Plan, Receiver

pytestmark = pytest.mark.django_db(transaction=True)

FAST_RETRIES = {"ACCORD_WEBHOOK_RETRY_DELAYS": "1,1,1,1", "ACCORD_WEBHOOK_MAX_ATTEMPTS": "5"}


def create_partnerships(count: int, by) -> list[str]:
    """Real changes, each committed by its service: each emits partnership.created."""
    for index in range(count):
        partnerships.partnership_create(
            by=by, name=f"Partnership {index}", type="technology", tier=2, executive_sponsor=by
        )
    return [str(pk) for pk in Event.objects.order_by("occurred_at").values_list("pk", flat=True)]


def delivered_count() -> int:
    return Delivery.objects.filter(status=Status.DELIVERED).count()


def test_a_real_worker_delivers_once_after_failing_twice_on_purpose(start_worker, webhooks_queue):
    start_worker(webhooks_queue, env=FAST_RETRIES)
    with Receiver(plan=Plan(fail_first=2)) as receiver:
        endpoint = make_endpoint(receiver.url)
        receiver.secret = endpoint.secret
        (event_id,) = create_partnerships(1, executive())
        assert wait_for(lambda: delivered_count() == 1, 30)
        time.sleep(2)  # time for anything doubled to arrive
        received = receiver.received()
    assert [r.answered for r in received] == [500, 500, 200]
    assert all(r.verified for r in received), "every attempt is signed"
    assert {r.id for r in received} == {event_id}
    assert len({r.body for r in received}) == 1, "the same body on every attempt"
    assert receiver.completed_ids() == [event_id], "delivered once"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    codes = list(Attempt.objects.order_by("number").values_list("status_code", flat=True))
    assert codes == [500, 500, 200]


def test_a_delivery_task_sent_twice_to_a_real_worker_delivers_once(start_worker, webhooks_queue):
    start_worker(webhooks_queue)
    with Receiver() as receiver:
        endpoint = make_endpoint(receiver.url)
        receiver.secret = endpoint.secret
        ids = create_partnerships(5, executive())  # each enqueued once on commit ...
        for pk in Delivery.objects.values_list("pk", flat=True):  # ... and twice more
            deliver.apply_async(args=[pk], kwargs={"queue": webhooks_queue}, queue=webhooks_queue)
            deliver.apply_async(args=[pk], kwargs={"queue": webhooks_queue}, queue=webhooks_queue)
        assert wait_for(lambda: delivered_count() == 5, 30)
        time.sleep(2)
        assert sorted(receiver.completed_ids()) == sorted(ids)
        assert sorted(r.id for r in receiver.received()) == sorted(ids), "never doubled"
        assert all(r.verified for r in receiver.received())


def test_a_worker_killed_mid_flight_delivers_the_rest_after_a_restart_and_none_twice(
    start_worker, webhooks_queue, settings
):
    settings.WEBHOOKS_CLAIM_TIMEOUT = 5
    env = {"ACCORD_WEBHOOK_CLAIM_TIMEOUT": "5"}
    with Receiver(plan=Plan(hold=0.3)) as receiver:
        endpoint = make_endpoint(receiver.url)
        receiver.secret = endpoint.secret
        first = start_worker(webhooks_queue, env=env, faults=True)
        ids = create_partnerships(10, executive())

        def mid_flight() -> bool:
            # Three or more delivered and recorded, and the next one in the receiver's hands,
            # not answered yet: the worker is waiting on it.
            received = receiver.received()
            return (
                len(received) >= 3
                and received[-1].answered is None
                and delivered_count() == len(received) - 1
            )

        assert wait_for(mid_flight, 30, 0.01)
        first.kill()
        in_flight = receiver.received()[-1]
        assert delivered_count() < 10

        start_worker(webhooks_queue, env=env, faults=True)

        def caught_up() -> bool:
            services.sweep(queue=webhooks_queue)  # what beat does every minute
            return delivered_count() == 10

        assert wait_for(caught_up, 90, 1), first.output()
        time.sleep(2)
        completed = receiver.completed_ids()
        attempts = receiver.attempts_by_id()
        resent = [r for r in receiver.received() if r.id == in_flight.id]
    assert sorted(completed) == sorted(ids), "each event delivered exactly once"
    assert not in_flight.completed, "the attempt killed mid-flight was never acknowledged"
    assert attempts[in_flight.id] == 2, "sent again after its claim went stale"
    assert len({r.body for r in resent}) == 1, "with the same body and id"
    assert all(r.verified for r in receiver.received())


def test_a_real_worker_refuses_a_url_on_a_private_address(start_worker, webhooks_queue):
    start_worker(webhooks_queue, env={"ACCORD_WEBHOOKS_ALLOW_PRIVATE": "0"})
    with Receiver() as receiver:
        make_endpoint(receiver.url)  # saved where the setting allows it (the test process)
        create_partnerships(1, executive())
        failed = Delivery.objects.filter(status=Status.FAILED)
        assert wait_for(failed.exists, 30)
        time.sleep(1)
        assert receiver.received() == [], "no request reached the loopback receiver"
    delivery = failed.get()
    assert delivery.last_error.startswith("Refused: 127.0.0.1 is 127.0.0.1: a private, loopback")
    assert delivery.attempts == 1 and delivery.last_status_code is None


def test_a_broker_down_does_not_break_the_change_and_the_sweep_delivers_it_later(
    start_worker, webhooks_queue
):
    executive(email="alice@example.com")
    with Receiver() as receiver:
        make_endpoint(receiver.url)
        code = (
            "from accounts.models import User; from partnerships import services; "
            "a = User.objects.get(email='alice@example.com'); "
            "services.partnership_create(by=a, name='Contoso', type='technology', tier=2, "
            "executive_sponsor=a)"
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=PROJECT_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings_test",
                "DATABASE_URL": database_url_of_tests(),
                "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",  # nobody there
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "The broker refused 1 webhook deliveries" in result.stderr
        delivery = Delivery.objects.get()  # the change and its event committed together
        assert delivery.event.data["partnership"]["name"] == "Contoso"
        assert delivery.queued_at is None, "released for the next sweep"

        start_worker(webhooks_queue)
        assert services.sweep(queue=webhooks_queue) == 1
        assert wait_for(lambda: delivered_count() == 1, 30)
        time.sleep(1)
        assert receiver.completed_ids() == [str(delivery.event_id)]
