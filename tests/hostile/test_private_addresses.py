"""A letter's addresses must not reach into the network `links` and `archive` run in (SSRF)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from undersigned.cli import cli
from undersigned.format.load import load_letter
from undersigned.sources import archive as A
from undersigned.sources import links as L
from undersigned.sources.netguard import private_reason

pytestmark = pytest.mark.usefixtures("no_proxies")


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.8.9.10", "localhost", "10.1.2.3", "172.16.0.1", "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0", "224.0.0.1", "[::1]", "::1", "[fe80::1]", "fc00::1", "::ffff:127.0.0.1",
    "[::ffff:169.254.169.254]",
    "2130706433", "0x7f.1", "127.1", "0177.0.0.1",  # 127.0.0.1 as the C resolver reads them
])
def test_inside_addresses_are_refused(host):
    reason = private_reason(host)
    assert reason and reason.startswith("not fetched:") and "--allow-private" in reason


@pytest.mark.parametrize("host", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
                                  "8.8.8.8"])
def test_public_addresses_pass(host):
    assert private_reason(host) is None


def test_a_name_is_judged_by_every_address_it_resolves_to():
    def resolver(answers):
        return lambda host: answers

    assert private_reason("example.org", resolver(["93.184.215.14"])) is None
    # one inside answer is enough: the client may connect to any of them
    reason = private_reason("evil.example", resolver(["93.184.215.14", "10.0.0.7"]))
    assert reason and "evil.example (10.0.0.7) is a private address" in reason
    assert private_reason("nowhere.invalid", resolver([])) is None  # fails on its own


def test_links_reports_an_inside_address_unchecked_without_asking_it(server, tmp_path):
    url = server.url("/ok")
    (r,) = L.check_urls([url], tmp_path / "links.json", retries=0, timeout=2).values()
    assert r.verdict == "unchecked" and "loopback" in r.detail
    assert server.hits.get(("HEAD", "/ok"), 0) == 0 and server.hits.get(("GET", "/ok"), 0) == 0
    cache = json.loads((tmp_path / "links.json").read_text(encoding="utf-8"))
    assert cache["links"] == {}  # not remembered: allowing it later checks it


def test_a_public_page_cannot_redirect_the_check_inside(server, monkeypatch):
    import httpx

    from undersigned.sources import netguard

    monkeypatch.setattr(netguard, "resolve", lambda host: ["93.184.215.14"])  # no DNS here

    def outside(request):  # a public server that redirects to the local one
        return httpx.Response(301, headers={"Location": server.url("/ok")})

    class Split(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request):
            if request.url.host == "public.example":
                return outside(request)
            return await httpx.AsyncHTTPTransport().handle_async_request(request)

    (r,) = L.check_urls(["https://public.example/a"], retries=0, timeout=2,
                        transport=Split()).values()
    assert r.verdict == "unchecked" and "loopback" in r.detail
    assert not server.hits


def test_archive_refuses_an_inside_address_and_says_how_to_allow_it(server, tmp_path):
    letters = tmp_path / "letters"
    letters.mkdir()
    path = letters / "l.yaml"
    path.write_text(
        "kind: statement\ntitle: T\nbody:\n  - Text.[^n]\nfootnotes:\n  n:\n    - cite: s\n"
        "sources:\n  s:\n    type: webpage\n    title: Page\n"
        f"    URL: {server.url('/page.html')}\n",
        encoding="utf-8")
    letter, problems = load_letter(path, "l.yaml")
    assert letter is not None, problems
    (r,) = A.archive_letter(letter)
    assert r.status == "failed" and "loopback" in r.detail and "--allow-private" in r.detail
    assert not server.hits and not (letters / "sources").exists()
    (r,) = A.archive_letter(letter, allow_private=True)
    assert r.status == "archived"


def test_the_commands_take_allow_private(workspace):
    for command in ("links", "archive"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert "--allow-private" in result.output
