"""Whether a cited address is one the HTTP client can fetch: scheme, host name, port.

`validate` checks every address without a network request and without loading the HTTP
client (httpx costs a tenth of a second to import, more than validating the example). It
applies the rules the client applies when it connects: the host is an IP address or a DNS
name, a name in another script is encoded with IDNA (the `idna` package httpx itself uses,
loaded only for such a name), each label is 1-63 letters, digits or hyphens, and the port is
below 65536. tests/test_urls.py holds the two to agreeing with each other: every address
accepted here parses in httpx to the same ASCII host.
"""

from __future__ import annotations

import ipaddress
import re

NO_HOST = "has no valid host name; copy the address from the browser"
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)\Z")
_IPV4ISH = re.compile(r"[0-9.]+\Z")


def url_host(url: str) -> str | None:
    """The ASCII host name (IDNA-encoded, lower case) or IP address of an http(s) URL, or
    None when the URL has no such host."""
    m = _SCHEME.match(url)
    if not m or m.group(1).lower() not in ("http", "https") or not url[m.end():].startswith("//"):
        return None
    authority = re.split(r"[/?#]", url[m.end() + 2:], maxsplit=1)[0]
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        host, bracket, port = hostport[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            return None
        port = port[1:]
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return None
    else:
        host, _, port = hostport.partition(":")
        host = host.lower()
        if _IPV4ISH.match(host):
            try:
                ipaddress.IPv4Address(host)
            except ValueError:
                return None
        else:
            if not host.isascii():
                import idna  # httpx's own IDNA encoder; loaded for a name in another script

                try:
                    host = idna.encode(host).decode("ascii")  # as httpx does
                except (idna.IDNAError, UnicodeError, ValueError):
                    return None
            labels = host.removesuffix(".").split(".")
            if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
                return None
    if port and not (port.isdigit() and int(port) <= 65535):
        return None
    return host


def url_problem(url: str) -> str | None:
    """What is wrong with a cited address, as the end of a sentence; None when nothing is."""
    m = _SCHEME.match(url)
    if not m or m.group(1).lower() not in ("http", "https"):
        return "must start with https:// (or http://)"
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url) or url_host(url) is None:
        return NO_HOST
    return None
