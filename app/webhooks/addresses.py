"""Where a webhook may be sent: no server-side request forgery.

A receiver's host must resolve only to public addresses (not loopback, private,
link-local, cloud metadata, shared, reserved or multicast ones), unless the operator
lists the host in RETRAINER_WEBHOOK_ALLOWED_HOSTS; only such hosts may use plain http.
The check runs at creation and again before every attempt, and the sender connects to
the very address checked (`Target.address`), so a DNS answer that changes between the
check and the connection (rebinding) cannot reach a private address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

Resolver = Callable[[str, int], list[str]]


class Refused(Exception):
    """The URL may not be reached; the message says why and is safe to show."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as in the URL (a name, or an address without brackets)
    port: int
    path: str  # path and query, as sent in the request line
    address: str  # the checked address to connect to

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(f"the host {host!r} does not resolve") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def why_private(address: str) -> str | None:
    """Why a receiver may not be at `address`, or None when it is a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for test, what in ((ip.is_loopback, "a loopback"), (ip.is_unspecified, "an unspecified"),
                       (ip.is_link_local, "a link-local (cloud metadata)"), (ip.is_multicast, "a multicast"),
                       (ip.is_private, "a private"), (ip.is_reserved, "a reserved"),
                       (not ip.is_global, "a non-public")):
        if test:
            return f"{address} is {what} address"
    return None


def scheme_problem(url: str, allowed_hosts: frozenset[str]) -> str | None:
    parts = urlsplit(url)
    if parts.scheme == "http" and (parts.hostname or "").lower() not in allowed_hosts:
        return "plain http is accepted only for hosts in RETRAINER_WEBHOOK_ALLOWED_HOSTS; use https"
    return None


def target(url: str, allowed_hosts: frozenset[str], resolve: Resolver = system_resolver) -> Target:
    """The checked target of `url`: Refused when it may not be reached."""
    problem = scheme_problem(url, allowed_hosts)
    if problem:
        raise Refused(problem)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise Refused(f"the host {host!r} does not resolve")
    if host not in allowed_hosts:
        # Every address must be public: a name with one private answer among public ones
        # could be reached at the private one by another resolver.
        for address in addresses:
            why = why_private(address)
            if why:
                shown = "" if address == host else f"{host!r} resolves to "
                raise Refused(f"{shown}{why}; webhooks reach public addresses only "
                              "(an operator may allow a host with RETRAINER_WEBHOOK_ALLOWED_HOSTS)")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])
