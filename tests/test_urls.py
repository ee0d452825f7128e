"""Cited addresses: `validate` accepts exactly the addresses the HTTP client can connect to."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from undersigned.format.urls import NO_HOST, url_host, url_problem

GOOD = ["https://undocs.org/A/77/522", "http://example.org", "HTTPS://EXAMPLE.ORG/Path",
        "https://bücher.de/x", "https://xn--bcher-kva.de/", "https://例え.テスト/x",
        "https://user:secret@example.org:8080/x?q=1#f", "https://1.2.3.4/", "http://[::1]:80/",
        "https://a_b.example.org/", "https://example.org./"]
BAD_HOST = ["https://localhost/x", "https://exa mple.org", "https://example..org",
            "https://-bad-.org", "https://example.org:99999/", "https://999.2.3.4/",
            "https:example.org", "https://", "https://[::1", "https://ex%61mple.org",
            "https://example.org/a b", "https://example.org/\x00", "https://a.b\u200b.org"]


@pytest.mark.parametrize("url", GOOD)
def test_an_address_we_accept_is_one_httpx_connects_to_the_same_host(url):
    assert url_problem(url) is None
    parsed = httpx.URL(url)
    assert parsed.scheme in ("http", "https")
    assert parsed.raw_host.decode("ascii") == url_host(url).strip("[]")


@pytest.mark.parametrize("url", BAD_HOST)
def test_an_address_without_a_host_to_connect_to_is_refused(url):
    assert url_problem(url) == NO_HOST


@pytest.mark.parametrize("url", ["ftp://example.org/x", "javascript:alert(1)", "example.org",
                                 "mailto:a@example.org", "//example.org"])
def test_other_schemes_are_refused(url):
    assert url_problem(url) == "must start with https:// (or http://)"


def test_checking_addresses_does_not_load_the_http_client():
    code = ("import sys; from undersigned.format.urls import url_problem; "
            "url_problem('https://bücher.de/x'); print('httpx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
