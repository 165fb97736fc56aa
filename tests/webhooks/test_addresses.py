"""Webhooks cannot be turned against our own network: private, loopback, link-local and other
non-public addresses are refused when an endpoint is saved and again before each request,
unless ACCORD_WEBHOOKS_ALLOW_PRIVATE allows them. Only addresses written out or resolved from
the local hosts file are used here: nothing leaves the machine."""

import ipaddress
import socket

import pytest
from django.core.exceptions import ValidationError

from webhooks import addresses, services
from webhooks.models import Delivery, Endpoint, EventType

from .conftest import make_endpoint
from .test_delivery import emit_one


@pytest.fixture
def private_refused(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "127.8.8.8",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared (carrier-grade NAT)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
        "ff02::1",
    ],
)
def test_non_public_addresses_are_refused(address, private_refused):
    assert not addresses.is_public(ipaddress.ip_address(address))
    with pytest.raises(addresses.AddressRefused, match="private, loopback"):
        addresses.target_of(f"http://{'[' + address + ']' if ':' in address else address}/hook")


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_allowed(address, private_refused):
    assert addresses.is_public(ipaddress.ip_address(address))
    host = f"[{address}]" if ":" in address else address
    target = addresses.target_of(f"https://{host}/hook")
    assert str(target.address) == address and target.port == 443


def test_a_name_that_resolves_to_loopback_is_refused(private_refused):
    with pytest.raises(addresses.AddressRefused, match=r"localhost is 127\.0\.0\.1"):
        addresses.target_of("http://localhost:8080/hook")


def test_only_http_and_https(private_refused):
    with pytest.raises(addresses.AddressRefused, match="Only http"):
        addresses.target_of("ftp://93.184.215.14/")


def test_the_setting_allows_the_internal_network(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert str(addresses.target_of("http://10.0.0.1:8080/").address) == "10.0.0.1"


def test_an_endpoint_on_a_private_address_is_refused_with_a_clear_error(db, private_refused):
    endpoint = Endpoint(name="Internal", url="http://192.168.1.20/hook", events=[])
    with pytest.raises(ValidationError) as error:
        endpoint.full_clean()
    (message,) = error.value.message_dict["url"]
    assert "192.168.1.20 is 192.168.1.20: a private, loopback, link-local" in message
    assert "ACCORD_WEBHOOKS_ALLOW_PRIVATE" in message


def test_an_endpoint_whose_name_does_not_resolve_is_refused(db, private_refused, monkeypatch):
    real = socket.getaddrinfo

    def no_such_name(host, *args, **kwargs):
        if host == "nowhere.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    # The resolver's answer for a name nobody has, without asking any DNS server.
    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    endpoint = Endpoint(name="Nowhere", url="http://nowhere.invalid/hook", events=[])
    with pytest.raises(ValidationError, match="does not resolve"):
        endpoint.full_clean()


def test_a_request_to_a_private_address_is_refused_at_delivery_time_too(
    endpoint, receiver, settings
):
    # Saved while allowed (or its name resolved elsewhere then): refused when it is sent.
    delivery = Delivery.objects.get(event=emit_one())
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    assert services.deliver(delivery.pk).outcome == "failed"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 1
    assert delivery.last_error.startswith("Refused: 127.0.0.1 is 127.0.0.1")
    assert receiver.received() == [], "no request reached the receiver"


def test_the_name_is_resolved_once_and_the_request_goes_to_the_address_checked(
    db, receiver, monkeypatch
):
    endpoint = make_endpoint(f"http://localhost:{receiver.port}/hooks")
    receiver.secret = endpoint.secret
    looked_up = []
    real = socket.getaddrinfo

    def counting(host, *args, **kwargs):
        looked_up.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counting)
    event = emit_one(endpoints=[endpoint])
    assert services.deliver(Delivery.objects.get(event=event).pk).outcome == "delivered"
    assert looked_up.count("localhost") == 1, looked_up  # the check's, and no second one
    (request,) = receiver.received()
    assert request.headers["host"] == f"localhost:{receiver.port}"
    assert request.verified


def test_the_test_event_goes_to_the_endpoint_whatever_it_subscribes_to(db, receiver):
    endpoint = make_endpoint(receiver.url, events=[])
    event = services.send_test_event(endpoints=[endpoint], by=None)
    assert event.type == EventType.TEST
    services.deliver(Delivery.objects.get(event=event).pk)
    assert receiver.received()[0].json["type"] == "webhook.test"


def test_a_host_name_that_cannot_be_written_for_dns_is_refused_before_any_lookup(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    with pytest.raises(addresses.AddressRefused, match="not a valid host name"):
        addresses.target_of("http://" + "x" * 70 + ".example/")  # a label over 63 characters
