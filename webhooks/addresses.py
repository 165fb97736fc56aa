"""Where a webhook may go: never to our own network, unless the installation allows it.

A URL's host is resolved, and every address it resolves to must be public (not private,
loopback, link-local, shared, reserved, multicast or unspecified; IPv4 written as IPv6 is
judged as IPv4). The check runs when an endpoint is saved and again before each request (DNS
can change in between), and the request then goes to the address that was checked, so a name
that resolves to a public address for the check and to 127.0.0.1 a moment later (DNS
rebinding) cannot redirect it. ``WEBHOOKS_ALLOW_PRIVATE`` lifts the rule, for tests and for
on-premise installs whose receivers are on the internal network.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The URL cannot be used: why, in words for an administrator."""


class NotResolved(Exception):
    """The host name did not resolve now; it may later (a temporary DNS failure)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written in the URL, for the Host header and TLS (SNI, certificate)
    port: int
    address: Address  # where to connect


def private_allowed() -> bool:
    return getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False)


def is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise NotResolved(f"{host} does not resolve ({exc})") from exc
    found: list[Address] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in found:
            found.append(address)
    if not found:
        raise NotResolved(f"{host} does not resolve")
    return found


def target_of(url: str) -> Target:
    """Resolve the URL's host and pick the address to connect to. Raises AddressRefused if any
    address it resolves to is not public (a name with one private address among public ones
    could be made to use it), NotResolved if it does not resolve now."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https"):
        raise AddressRefused("Only http:// and https:// URLs can receive webhooks.")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise AddressRefused(f"The URL's port is not valid ({exc}).") from exc
    if not host:
        raise AddressRefused("The URL has no host.")
    try:
        host = host.encode("idna").decode("ascii")  # what DNS, Host and TLS see
    except UnicodeError as exc:
        raise AddressRefused(f"{host} is not a valid host name.") from exc
    port = port or (443 if scheme == "https" else 80)
    addresses = _resolve(host, port)
    if not private_allowed():
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            shown = ", ".join(str(a) for a in refused)
            raise AddressRefused(
                f"{host} is {shown}: a private, loopback, link-local or reserved address. "
                "Webhooks go to public addresses only (an installation may allow its own "
                "network with ACCORD_WEBHOOKS_ALLOW_PRIVATE)."
            )
    return Target(scheme=scheme, host=host, port=port, address=addresses[0])


def check_url(url: str) -> None:
    """For the endpoint form: refuse a URL that delivery would refuse, or that does not
    resolve at all."""
    try:
        target_of(url)
    except NotResolved as exc:
        raise AddressRefused(f"The host name does not resolve: {exc}.") from exc
