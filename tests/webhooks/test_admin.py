"""Administrators register endpoints and read the delivery log in admin."""

import pytest
from django.utils import timezone

from webhooks.models import Attempt, Delivery, Endpoint, Event, EventType, Status

from ..factories import PartnershipFactory
from ..helpers import assert_constant_queries
from .conftest import make_endpoint

pytestmark = pytest.mark.django_db


def delivery(endpoint, *, status=Status.DELIVERED, code=200, partnership=None, **fields):
    event = Event.objects.create(
        type=EventType.CONCERN_RAISED,
        partnership=partnership,
        summary="High issue raised by the partner: late deliveries",
        data={"concern": {"id": 1}},
        url="https://accord.example.com/x/",
    )
    return Delivery.objects.create(
        event=event,
        endpoint=endpoint,
        status=status,
        attempts=fields.pop("attempts", 1),
        last_status_code=code,
        delivered_at=timezone.now() if status == Status.DELIVERED else None,
        **fields,
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_registering_an_endpoint_with_its_events_makes_a_secret_shown_in_admin(admin_client):
    page = admin_client.get("/admin/webhooks/endpoint/add/").content.decode()
    assert 'type="checkbox" name="events" value="concern.raised"' in page
    assert "Health band changed" in page
    response = admin_client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "name": "Ops hub",
            "url": "http://127.0.0.1:8025/hooks",
            "format": "raw",
            "events": ["concern.raised", "concern.escalated"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["concern.raised", "concern.escalated"]
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 30
    change = admin_client.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/").content.decode()
    assert endpoint.secret in change


def test_an_endpoint_on_a_private_address_is_refused_in_the_form(admin_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = admin_client.post(
        "/admin/webhooks/endpoint/add/",
        {"name": "Metadata", "url": "http://169.254.169.254/latest/", "format": "raw"},
    )
    assert response.status_code == 200
    assert "a private, loopback, link-local or reserved address" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_the_endpoint_list_shows_the_last_delivery_in_constant_queries(admin_client):
    first = make_endpoint("http://127.0.0.1:9/a", name="First")
    delivery(first, status=Status.FAILED, code=503)
    html = admin_client.get("/admin/webhooks/endpoint/").content.decode()
    assert "Failed (503)" in html
    assert "12 of 12" in html

    def more() -> None:
        for index in range(5):
            endpoint = make_endpoint(f"http://127.0.0.1:9/{index}", name=f"More {index}")
            delivery(endpoint)
            delivery(endpoint, status=Status.PENDING, code=None)

    assert_constant_queries(admin_client, "/admin/webhooks/endpoint/", more)


def test_send_a_test_event_from_the_endpoint_list(admin_client, django_capture_on_commit_callbacks):
    on = make_endpoint("http://127.0.0.1:9/a", name="On", events=[])
    off = make_endpoint("http://127.0.0.1:9/b", name="Off", active=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(
            "/admin/webhooks/endpoint/",
            {"action": "send_test_event", "_selected_action": [on.pk, off.pk]},
            follow=True,
        )
    html = response.content.decode()
    assert "A test event is on its way to 1 endpoint(s)" in html
    assert "Switched off, so sent nothing: Off." in html
    (sent,) = Delivery.objects.all()
    assert (sent.endpoint, sent.event.type) == (on, "webhook.test")
    assert len(callbacks) == 1


def test_the_delivery_log_filters_and_shows_the_response_code_in_constant_queries(admin_client):
    endpoint = make_endpoint("http://127.0.0.1:9/a", name="Hub")
    delivery(
        endpoint,
        status=Status.FAILED,
        code=410,
        last_error="HTTP 410",
        partnership=PartnershipFactory(name="Northwind supply"),
    )
    delivery(endpoint, status=Status.DELIVERED, code=200)
    html = admin_client.get("/admin/webhooks/delivery/?status__exact=failed").content.decode()
    assert "HTTP 410" in html and "410" in html and "Northwind supply" in html
    assert "Send again (failed deliveries)" in html
    by_type = admin_client.get("/admin/webhooks/delivery/?event__type=concern.raised")
    assert by_type.status_code == 200
    by_endpoint = admin_client.get(f"/admin/webhooks/delivery/?endpoint__id__exact={endpoint.pk}")
    assert by_endpoint.status_code == 200

    def more() -> None:
        for index in range(10):
            other = make_endpoint(f"http://127.0.0.1:9/{index}", name=f"E{index}")
            delivery(other, partnership=PartnershipFactory())

    assert_constant_queries(admin_client, "/admin/webhooks/delivery/", more)


def test_a_delivery_shows_its_body_and_every_attempt_and_cannot_be_edited(admin_client):
    endpoint = make_endpoint("http://127.0.0.1:9/a")
    row = delivery(endpoint, status=Status.FAILED, code=500, attempts=2)
    for number in (1, 2):
        Attempt.objects.create(delivery=row, number=number, status_code=500, error="HTTP 500")
    html = admin_client.get(f"/admin/webhooks/delivery/{row.pk}/change/").content.decode()
    assert "&quot;type&quot;: &quot;concern.raised&quot;" in html
    assert html.count("HTTP 500") >= 2
    admin_client.post(f"/admin/webhooks/delivery/{row.pk}/change/", {"status": "delivered"})
    assert Delivery.objects.get(pk=row.pk).status == Status.FAILED


def test_send_again_requeues_failed_deliveries_and_delivered_ones_only_when_asked(
    admin_client, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint("http://127.0.0.1:9/a")
    failed = delivery(endpoint, status=Status.FAILED, code=500, attempts=6)
    done = delivery(endpoint)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        html = admin_client.post(
            "/admin/webhooks/delivery/",
            {"action": "send_again", "_selected_action": [failed.pk, done.pk]},
            follow=True,
        ).content.decode()
    assert "1 deliveries will be sent again." in html
    assert "1 selected deliveries had not failed" in html
    assert len(callbacks) == 1
    failed.refresh_from_db()
    done.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.PENDING, 0)
    assert done.status == Status.DELIVERED

    html = admin_client.post(
        "/admin/webhooks/delivery/",
        {"action": "send_again_delivered", "_selected_action": [done.pk]},
        follow=True,
    ).content.decode()
    assert "1 deliveries will be sent again (1 of them delivered before" in html
    assert "with the same webhook-id" in html
    done.refresh_from_db()
    assert (done.status, done.attempts, done.delivered_at) == (Status.PENDING, 0, None)


def test_the_delivery_log_is_searched_by_event_id_summary_or_endpoint(admin_client):
    row = delivery(make_endpoint("http://127.0.0.1:9/a", name="Ops hub"))
    for query in (str(row.event_id)[:8], "late deliveries", "Ops hub"):
        response = admin_client.get("/admin/webhooks/delivery/", {"q": query})
        assert response.status_code == 200
        assert "Ops hub" in response.content.decode()
