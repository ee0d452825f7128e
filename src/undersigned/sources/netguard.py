"""Keeping `links` and `archive` out of the network they run in (server-side request forgery).

A letter comes from anyone's pull request, and every address it cites is fetched. Without a
guard, `http://169.254.169.254/latest/meta-data/` (a cloud machine's credentials) or an
intranet page would be fetched from inside the job, and what came back would show in the
verdict, the archived text, or a quotation check. So, unless the user allows it, a request is
refused when its host is, or resolves to, an address that is not globally routable: loopback,
private, link-local, carrier-grade NAT, multicast, reserved or unspecified (IPv4-mapped IPv6
addresses are judged as the IPv4 address they carry). Every hop of a redirect is checked, as
httpx calls the request hook for each.

Left open: a name whose DNS answer changes between this check and the connection (DNS
rebinding). docs/security.md says so.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

ALLOW_HINT = "pass --allow-private to check addresses inside your own network"

Resolver = Callable[[str], list[str]]


class PrivateAddressError(Exception):
    """A request would reach an address inside the network this process runs in."""


def resolve(host: str) -> list[str]:
    """Every address `host` resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []  # the request itself will fail and say why
    return [info[4][0] for info in infos]


def _kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    for attribute, name in (("is_loopback", "a loopback"), ("is_link_local", "a link-local"),
                            ("is_multicast", "a multicast"), ("is_unspecified", "an unspecified"),
                            ("is_private", "a private")):
        if getattr(address, attribute):
            return name
    return "a non-public"


def private_reason(host: str, resolver: Resolver | None = None) -> str | None:
    """Why a request to `host` would reach into a private network, or None if it would not."""
    bare = host.strip("[]")
    try:
        ipaddress.ip_address(bare)
        candidates = [bare]
    except ValueError:
        candidates = (resolver or resolve)(bare)
    for text in candidates:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            shown = host if host == str(address) else f"{host} ({address})"
            return f"not fetched: {shown} is {_kind(address)} address; {ALLOW_HINT}"
    return None


def check_request(request) -> None:
    """httpx request hook: refuse a request whose host is not public."""
    reason = private_reason(request.url.host)
    if reason:
        raise PrivateAddressError(reason)


async def check_request_async(request) -> None:
    """The same hook for an async client; name resolution runs off the event loop."""
    import asyncio

    host = request.url.host
    reason = await asyncio.get_running_loop().run_in_executor(None, private_reason, host)
    if reason:
        raise PrivateAddressError(reason)


class Deadline:
    """A total deadline for one synchronous httpx request, redirects and body included.

    httpx's timeouts bound each connect and each read, so a server that sends one byte a
    second keeps a request alive forever. Passed as the request's `trace` extension, this
    notes every socket the request connects; when the time is up a timer shuts them down,
    which ends the blocked read at once. `expired` then tells the caller why it failed.
    """

    def __init__(self, seconds: float):
        import threading

        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict) -> None:
        if event != "connection.connect_tcp.complete":
            return
        sock = info.get("return_value").get_extra_info("socket")
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    import contextlib

    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)
