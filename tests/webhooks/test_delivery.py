"""Delivery, in-process, to a real HTTP receiver on a loopback port: signature, envelope,
retries, permanent failures, the claim, and the formats for Slack and Teams."""

import base64
import datetime
import hashlib
import hmac
import time

import pytest
from django.utils import timezone

from webhooks import events, services
from webhooks.models import Attempt, Delivery, Event, EventType, Format, Status

from ..factories import PartnershipFactory
from .conftest import make_endpoint
from .receiver import Plan, Receiver, verify

pytestmark = pytest.mark.django_db


def emit_one(partnership=None, **kwargs) -> Event:
    partnership = partnership or PartnershipFactory()
    return events.emit(
        EventType.PARTNERSHIP_STAGE_CHANGED,
        partnership=partnership,
        data={"from_stage": "agreeing", "to_stage": "active"},
        url=partnership.get_absolute_url(),
        summary="Moved from Agreeing to Active",
        **kwargs,
    )


def the_delivery(event: Event) -> Delivery:
    return Delivery.objects.get(event=event)


def due_now(delivery: Delivery) -> None:
    """Time passes: the retry is due."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_delivery_is_signed_so_the_receiver_can_verify_it(endpoint, receiver):
    event = emit_one()
    result = services.deliver(the_delivery(event).pk)
    assert result.outcome == "delivered"
    (request,) = receiver.received()
    assert request.verified
    assert request.headers["webhook-id"] == str(event.id)
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 30
    assert request.headers["webhook-signature"].startswith("v1,")
    assert request.headers["content-type"] == "application/json"
    # By hand, as the README shows it.
    key = base64.b64decode(endpoint.secret.removeprefix("whsec_"))
    signed = f"{event.id}.{request.headers['webhook-timestamp']}.".encode() + request.body
    digest = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert request.headers["webhook-signature"] == f"v1,{digest}"


def test_a_signature_made_with_another_secret_does_not_verify(endpoint, receiver):
    services.deliver(the_delivery(emit_one()).pk)
    (request,) = receiver.received()
    other = "whsec_" + base64.b64encode(b"x" * 24).decode()
    assert not verify(other, request.headers, request.body)
    assert not verify(endpoint.secret, request.headers, request.body + b" ")


def test_the_envelope_is_stable_with_the_event_its_partnership_and_a_link(endpoint, receiver):
    partnership = PartnershipFactory(name="Northwind supply")
    event = emit_one(partnership)
    services.deliver(the_delivery(event).pk)
    body = receiver.received()[0].json
    assert set(body) == {"id", "type", "occurred_at", "summary", "url", "data"}
    assert body["id"] == str(event.id)
    assert body["type"] == "partnership.stage_changed"
    assert body["occurred_at"].endswith("Z")
    assert body["url"] == f"https://accord.example.com/partnerships/{partnership.pk}/"
    assert body["data"]["partnership"] == {"id": partnership.pk, "name": "Northwind supply"}
    assert body["data"]["to_stage"] == "active"


def test_delivered_records_the_response_code_and_an_attempt(endpoint, receiver):
    delivery = the_delivery(emit_one())
    services.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED
    assert delivery.last_status_code == 200
    assert delivery.attempts == 1
    assert delivery.delivered_at is not None
    assert delivery.claimed_at is None
    assert '"ok"' in delivery.response_excerpt
    (attempt,) = Attempt.objects.filter(delivery=delivery)
    assert attempt.status_code == 200


def test_a_delivery_run_twice_is_sent_once(endpoint, receiver):
    delivery = the_delivery(emit_one())
    assert services.deliver(delivery.pk).outcome == "delivered"
    assert services.deliver(delivery.pk).outcome == "skipped"
    assert len(receiver.received()) == 1


def test_a_delivery_another_worker_holds_is_left_alone(endpoint, receiver):
    delivery = the_delivery(emit_one())
    Delivery.objects.filter(pk=delivery.pk).update(status=Status.CLAIMED, claimed_at=timezone.now())
    assert services.deliver(delivery.pk).outcome == "skipped"
    assert receiver.received() == []


def test_a_dead_workers_claim_is_taken_over_once_it_is_stale(endpoint, receiver, settings):
    settings.WEBHOOKS_CLAIM_TIMEOUT = 60
    delivery = the_delivery(emit_one())
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Status.CLAIMED, claimed_at=timezone.now() - datetime.timedelta(seconds=61)
    )
    assert services.deliver(delivery.pk).outcome == "delivered"
    assert len(receiver.received()) == 1


def test_an_outcome_is_not_recorded_over_a_claim_that_was_taken_over(endpoint, receiver):
    delivery = the_delivery(emit_one())
    claimed = services.claim(delivery.pk)
    # Another worker took it over meanwhile (our claim had gone stale) and delivered it.
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    outcome = services.Outcome(status_code=500, error="HTTP 500", retry=True)
    assert services._record(claimed, 1, outcome, queue=None).outcome == "skipped"
    delivery.refresh_from_db()
    assert delivery.status == Status.CLAIMED
    assert not Attempt.objects.filter(delivery=delivery).exists()


def test_5xx_is_retried_with_growing_delays_then_fails_after_the_last_attempt(db, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 4
    settings.WEBHOOKS_RETRY_DELAYS = [60, 300, 1800]
    with Receiver(plan=Plan(status=503)) as receiver:
        delivery = the_delivery(emit_one(endpoints=[make_endpoint(receiver.url)]))
        waits = []
        for _ in range(3):
            before = timezone.now()
            result = services.deliver(delivery.pk)
            assert result.outcome == "retrying"
            waits.append(round((result.next_attempt_at - before).total_seconds()))
            delivery.refresh_from_db()
            assert delivery.status == Status.PENDING
            assert delivery.last_status_code == 503
            assert services.deliver(delivery.pk).outcome == "skipped"  # not due yet
            due_now(delivery)
        assert services.deliver(delivery.pk).outcome == "failed"
        bodies = {r.body for r in receiver.received()}
        ids = {r.id for r in receiver.received()}
    assert waits == [60, 300, 1800]
    delivery.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == 4
    assert Attempt.objects.filter(delivery=delivery).count() == 4
    assert len(bodies) == 1 and len(ids) == 1, "the same body and id on every attempt"


def test_a_client_error_fails_at_once(db):
    with Receiver(plan=Plan(status=410)) as receiver:
        delivery = the_delivery(emit_one(endpoints=[make_endpoint(receiver.url)]))
        assert services.deliver(delivery.pk).outcome == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code, delivery.attempts) == ("failed", 410, 1)


@pytest.mark.parametrize("code", [408, 429])
def test_request_timeout_and_too_many_requests_are_retried(db, code):
    with Receiver(plan=Plan(status=code)) as receiver:
        delivery = the_delivery(emit_one(endpoints=[make_endpoint(receiver.url)]))
        assert services.deliver(delivery.pk).outcome == "retrying"


def test_retry_after_from_the_receiver_is_respected_when_longer(db, settings):
    settings.WEBHOOKS_RETRY_DELAYS = [60]
    with Receiver(plan=Plan(status=429, headers={"Retry-After": "900"})) as receiver:
        delivery = the_delivery(emit_one(endpoints=[make_endpoint(receiver.url)]))
        before = timezone.now()
        result = services.deliver(delivery.pk)
    assert round((result.next_attempt_at - before).total_seconds()) == 900


def test_a_redirect_is_not_followed(db):
    with Receiver(plan=Plan(status=301, headers={"Location": "http://127.0.0.1:9/x"})) as receiver:
        delivery = the_delivery(emit_one(endpoints=[make_endpoint(receiver.url)]))
        assert services.deliver(delivery.pk).outcome == "failed"
        assert len(receiver.received()) == 1
    delivery.refresh_from_db()
    assert "redirects are not followed" in delivery.last_error
    assert "http://127.0.0.1:9/x" in delivery.last_error


def test_a_timeout_is_retried_and_the_retry_goes_through(db, settings):
    settings.WEBHOOKS_TIMEOUT = 1
    with Receiver(plan=Plan(hang_first=1, hang=3)) as receiver:
        endpoint = make_endpoint(receiver.url)
        receiver.secret = endpoint.secret
        delivery = the_delivery(emit_one(endpoints=[endpoint]))
        assert services.deliver(delivery.pk).outcome == "retrying"
        delivery.refresh_from_db()
        assert delivery.last_error.startswith("Timed out")
        due_now(delivery)
        assert services.deliver(delivery.pk).outcome == "delivered"
        assert receiver.completed_ids() == [str(delivery.event_id)]
        assert all(r.verified for r in receiver.received())


def test_nobody_listening_is_retried(db):
    with Receiver() as receiver:
        url = receiver.url
        endpoint = make_endpoint(url)
    delivery = the_delivery(emit_one(endpoints=[endpoint]))  # the receiver has gone
    assert services.deliver(delivery.pk).outcome == "retrying"
    delivery.refresh_from_db()
    assert "ConnectError" in delivery.last_error


def test_a_switched_off_endpoint_gets_nothing(endpoint, receiver):
    delivery = the_delivery(emit_one())
    endpoint.active = False
    endpoint.save()
    assert services.deliver(delivery.pk).outcome == "failed"
    assert receiver.received() == []


def test_slack_gets_a_readable_message_with_the_link(db):
    with Receiver() as receiver:
        endpoint = make_endpoint(receiver.url, format=Format.SLACK)
        partnership = PartnershipFactory(name="Northwind <supply> & co")
        services.deliver(the_delivery(emit_one(partnership, endpoints=[endpoint])).pk)
        message = receiver.received()[0].json
    link = f"https://accord.example.com/partnerships/{partnership.pk}/"
    assert message["text"] == "Northwind <supply> & co: Moved from Agreeing to Active"
    section = message["blocks"][0]["text"]["text"]
    assert section.startswith(f"*<{link}|Northwind &lt;supply&gt; &amp; co>*")
    assert "Moved from Agreeing to Active" in section
    assert message["blocks"][2]["elements"][0]["url"] == link


def test_teams_gets_an_adaptive_card_with_a_link_button(db):
    with Receiver() as receiver:
        endpoint = make_endpoint(receiver.url, format=Format.TEAMS)
        partnership = PartnershipFactory(name="Northwind supply")
        services.deliver(the_delivery(emit_one(partnership, endpoints=[endpoint])).pk)
        message = receiver.received()[0].json
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"] == "Northwind supply"
    assert card["body"][1]["text"] == "Moved from Agreeing to Active"
    assert card["actions"][0] == {
        "type": "Action.OpenUrl",
        "title": "Open in Accord",
        "url": f"https://accord.example.com/partnerships/{partnership.pk}/",
    }


def test_send_again_puts_a_failed_delivery_back_with_its_attempts_reset(db, settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    with Receiver(plan=Plan(fail_first=1)) as receiver:
        delivery = the_delivery(emit_one(endpoints=[make_endpoint(receiver.url)]))
        assert services.deliver(delivery.pk).outcome == "failed"
        assert services.deliveries_send_again(ids=[delivery.pk]) == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Status.PENDING, 0)
        assert services.deliver(delivery.pk).outcome == "delivered"
    assert Attempt.objects.filter(delivery=delivery).count() == 2


def test_send_again_leaves_a_delivered_one_unless_asked(endpoint, receiver):
    delivery = the_delivery(emit_one())
    services.deliver(delivery.pk)
    assert services.deliveries_send_again(ids=[delivery.pk]) == 0
    assert services.deliveries_send_again(ids=[delivery.pk], include_delivered=True) == 1
    assert services.deliver(delivery.pk).outcome == "delivered"
    assert receiver.attempts_by_id()[str(delivery.event_id)] == 2


def test_the_sweep_enqueues_what_is_due_and_not_what_a_live_task_holds(endpoint, settings):
    settings.WEBHOOKS_CLAIM_TIMEOUT = 600
    never_queued = the_delivery(emit_one())
    Delivery.objects.filter(pk=never_queued.pk).update(queued_at=None)
    queued_just_now = the_delivery(emit_one())
    later = the_delivery(emit_one())
    Delivery.objects.filter(pk=later.pk).update(
        queued_at=None, next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    dead = the_delivery(emit_one())
    Delivery.objects.filter(pk=dead.pk).update(
        status=Status.CLAIMED, claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert services.sweep() == 2
    queued = set(Delivery.objects.filter(queued_at__isnull=False).values_list("pk", flat=True))
    assert {never_queued.pk, dead.pk, queued_just_now.pk} <= queued
    assert later.pk not in queued


def test_the_readme_s_example_verifies_a_real_delivery(endpoint, receiver):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Webhooks", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(code, namespace)
    services.deliver(the_delivery(emit_one()).pk)
    (request,) = receiver.received()
    assert namespace["verify"](endpoint.secret, request.headers, request.body)
    assert not namespace["verify"](endpoint.secret, request.headers, request.body + b"x")
    stale = {**request.headers, "webhook-timestamp": str(int(time.time()) - 600)}
    assert not namespace["verify"](endpoint.secret, stale, request.body)
