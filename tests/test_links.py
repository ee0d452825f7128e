"""links: verdicts against a local HTTP server (never the internet), the cache, offline runs."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest
from click.testing import CliRunner

from undersigned.cli import cli
from undersigned.format.load import load_letter
from undersigned.sources import links as L

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
FAST = {"timeout": 2.0, "retries": 1, "backoff": 0.01, "allow_private": True}  # the server is local


pytestmark = pytest.mark.usefixtures("no_proxies")


def check(urls, cache=None, **kw):
    return L.check_urls(urls, cache, now=kw.pop("now", NOW), **{**FAST, **kw})


def test_ok(server):
    (r,) = check([server.url("/ok")]).values()
    assert (r.verdict, r.status, r.new_url) == ("ok", 200, None)
    assert r.checked == "2026-11-24T12:00:00+00:00"
    assert server.hits[("HEAD", "/ok")] == 1 and server.hits[("GET", "/ok")] == 0


def test_permanent_redirect_suggests_the_new_address(server):
    (r,) = check([server.url("/old")]).values()
    assert (r.verdict, r.new_url) == ("moved-permanently", server.url("/ok"))


def test_temporary_redirect_is_fine(server):
    (r,) = check([server.url("/temp")]).values()
    assert (r.verdict, r.new_url) == ("ok", None)


def test_404_is_dead_after_a_get(server):
    (r,) = check([server.url("/missing")]).values()
    assert (r.verdict, r.status, r.detail) == ("dead", 404, "HTTP 404")
    # HEAD first; a refused HEAD is tried again as GET, since many servers mishandle HEAD
    assert server.hits[("HEAD", "/missing")] == 1 and server.hits[("GET", "/missing")] == 1


def test_500_is_dead_after_retries(server):
    (r,) = check([server.url("/error")]).values()
    assert (r.verdict, r.status) == ("dead", 500)
    assert server.hits[("HEAD", "/error")] == 2 and server.hits[("GET", "/error")] == 2


def test_slow_response_times_out_and_is_dead(server):
    r = check([server.url("/slow"), server.url("/ok")], retries=0, timeout=0.3)[server.url("/slow")]
    assert r.verdict == "dead"
    assert r.detail == "no answer within 0.3 s"


def test_an_address_that_cannot_be_sent_is_dead(server):
    results = check([server.url("/ok"), "https://exa\x00mple.org/x"])
    r = results["https://exa\x00mple.org/x"]
    assert r.verdict == "dead" and r.detail.startswith("not a valid address")


def test_pdf_is_ok(server):
    (r,) = check([server.url("/doc.pdf")]).values()
    assert (r.verdict, r.status) == ("ok", 200)


def test_head_refused_falls_back_to_get(server):
    (r,) = check([server.url("/no-head")]).values()
    assert (r.verdict, r.status) == ("ok", 200)
    assert server.hits[("HEAD", "/no-head")] == 1 and server.hits[("GET", "/no-head")] == 1


def test_polite_user_agent(server):
    check([server.url("/ok")])
    (agent,) = server.agents
    assert agent.startswith("undersigned/") and agent.endswith(" (+link check)")


def test_concurrency_to_one_host_is_bounded(server):
    urls = [server.url(f"/wait?n={i}") for i in range(8)]
    results = check(urls)
    assert {r.verdict for r in results.values()} == {"ok"}
    assert server.max_inflight <= L.PER_HOST


def test_cache_prevents_a_second_request(server, tmp_path):
    cache = tmp_path / ".undersigned" / "links.json"
    urls = [server.url("/ok"), server.url("/missing")]
    first = check(urls, cache)
    hits = sum(server.hits.values())
    second = check(urls, cache, now=NOW + dt.timedelta(days=3))
    assert sum(server.hits.values()) == hits  # not one request
    assert all(r.cached for r in second.values())
    assert [(r.verdict, r.status, r.checked) for r in second.values()] == \
        [(r.verdict, r.status, r.checked) for r in first.values()]
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert data["links"][server.url("/missing")]["checked"] == "2026-11-24T12:00:00+00:00"


def test_cache_expires_and_refresh_ignores_it(server, tmp_path):
    cache = tmp_path / "links.json"
    url = server.url("/ok")
    check([url], cache)
    check([url], cache, now=NOW + dt.timedelta(days=8))  # older than the 7-day default
    assert server.hits[("HEAD", "/ok")] == 2
    (r,) = check([url], cache, now=NOW + dt.timedelta(days=8), refresh=True).values()
    assert server.hits[("HEAD", "/ok")] == 3 and not r.cached


def test_a_broken_cache_is_ignored(server, tmp_path):
    cache = tmp_path / "links.json"
    cache.write_text("{not json", encoding="utf-8")
    (r,) = check([server.url("/ok")], cache).values()
    assert r.verdict == "ok"
    assert json.loads(cache.read_text(encoding="utf-8"))["version"] == L.CACHE_VERSION


def _unreachable(request):
    raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)


def test_offline_every_link_is_unchecked_and_nothing_is_cached(tmp_path):
    cache = tmp_path / "links.json"
    urls = ["https://example.org/a", "https://example.net/b"]
    results = check(urls, cache, transport=httpx.MockTransport(_unreachable))
    assert {r.verdict for r in results.values()} == {"unchecked"}
    assert all(r.detail.startswith("could not check: DNS lookup failed") for r in results.values())
    assert json.loads(cache.read_text(encoding="utf-8"))["links"] == {}


class _LocalOnly(httpx.AsyncBaseTransport):
    """Requests to 127.0.0.1 reach the test server; any other host fails its DNS lookup."""

    def __init__(self):
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request):
        if request.url.host != "127.0.0.1":
            _unreachable(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self):
        await self.inner.aclose()


def test_dns_failure_is_dead_when_other_servers_answer(server):
    results = check([server.url("/ok"), "https://no-such-host.invalid/x"], transport=_LocalOnly())
    r = results["https://no-such-host.invalid/x"]
    assert r.verdict == "dead" and r.detail.startswith("DNS lookup failed")


def _https_twin(request):
    return httpx.Response(200, request=request)


def test_http_link_with_an_https_twin():
    (r,) = check(["http://example.org/page"], transport=httpx.MockTransport(_https_twin)).values()
    assert (r.verdict, r.new_url) == ("http-has-https", "https://example.org/page")


def test_http_link_without_https_is_ok(server):
    (r,) = check([server.url("/ok")]).values()  # the test server speaks no TLS
    assert r.verdict == "ok"


def test_letter_links_and_problems(tmp_path):
    path = tmp_path / "letters" / "l.yaml"
    path.parent.mkdir()
    path.write_text(
        "kind: statement\ntitle: T\nbody:\n  - See [this](https://example.org/a).[^n]\n"
        "footnotes:\n  n:\n    - cite: s\n    - text: Also [that](https://example.org/b).\n"
        "sources:\n  s:\n    type: report\n    title: R\n    URL: https://example.org/c\n"
        "    archived_url: https://example.org/d\n", encoding="utf-8")
    letter, _ = load_letter(path, "letters/l.yaml")
    found = L.letter_links(letter)
    assert [(x.url, x.pos.line, x.what) for x in found] == [
        ("https://example.org/c", 13, "URL of source 's'"),
        ("https://example.org/d", 14, "archived_url of source 's'"),
        ("https://example.org/a", 4, "a link in the body"),
        ("https://example.org/b", 8, "a link in footnote 'n'"),
    ]
    results = {
        "https://example.org/c": L.LinkResult("https://example.org/c", "dead", 404,
                                              detail="HTTP 404"),
        "https://example.org/d": L.LinkResult("https://example.org/d", "moved-permanently", 200,
                                              "https://example.org/e"),
        "https://example.org/a": L.LinkResult("https://example.org/a", "ok", 200),
    }
    assert [p.format() for p in L.link_problems(found, results)] == [
        "letters/l.yaml:13:5: error: link-dead: URL of source 's': https://example.org/c is dead "
        "(HTTP 404); find where the document went, or cite a web-archive copy (archived_url)",
        "letters/l.yaml:14:5: warning: link-moved: archived_url of source 's': "
        "https://example.org/d has moved permanently; cite https://example.org/e",
    ]


LETTER = """\
kind: statement
title: T
body:
  - Text.[^n]
footnotes:
  n:
    - cite: good
    - cite: gone
sources:
  good:
    type: report
    title: Good
    URL: {ok}
  gone:
    type: report
    title: Gone
    URL: {missing}
"""


def test_links_command_exit_1_on_a_dead_link_and_cached_rerun(server, tmp_path, monkeypatch):
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "l.yaml").write_text(
        LETTER.format(ok=server.url("/ok"), missing=server.url("/missing")), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["links", "l", "--timeout", "2", "--allow-private"])
    assert result.exit_code == 1, result.output
    assert result.stdout == (
        f"letters/l.yaml:17:5: error: link-dead: URL of source 'gone': {server.url('/missing')} "
        "is dead (HTTP 404); find where the document went, or cite a web-archive copy "
        "(archived_url)\n")
    assert result.stderr == "2 link(s) in 1 letter(s): 1 ok, 1 dead (0 from the cache)\n"
    assert (tmp_path / ".undersigned" / "links.json").is_file()
    hits = sum(server.hits.values())
    again = CliRunner().invoke(cli, ["links", "--format", "json", "--allow-private"])
    assert sum(server.hits.values()) == hits
    assert again.exit_code == 1
    data = json.loads(again.stdout)
    assert [(x["verdict"], x["cached"], x["places"][0]["line"]) for x in data["links"]] == [
        ("ok", True, 13), ("dead", True, 17)]


def test_links_command_clean_letter_exits_0(server, tmp_path, monkeypatch):
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "l.yaml").write_text(
        LETTER.format(ok=server.url("/ok"), missing=server.url("/old")), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["links", "--allow-private"])
    assert result.exit_code == 0, result.output
    assert "warning: link-moved" in result.stdout
    assert result.stderr == ("2 link(s) in 1 letter(s): 1 ok, 1 moved-permanently "
                             "(0 from the cache)\n")
