"""Link checking: every address a letter cites, fetched politely and concurrently, with a cache."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import __version__
from ..fileio import write_atomic
from ..format.inline import links as inline_links
from ..format.model import Letter, LinkPart
from ..problems import Pos, Problem
from .netguard import PrivateAddressError, check_request_async

USER_AGENT = f"undersigned/{__version__} (+link check)"
CACHE_FILE = Path(".undersigned") / "links.json"
CACHE_VERSION = 1
DEFAULT_MAX_AGE = dt.timedelta(days=7)
DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 2  # after the first try
DEFAULT_BACKOFF = 0.5  # seconds before the first retry; doubled before each next one
DEFAULT_CONCURRENCY = 8
PER_HOST = 2  # never more than this many requests at once to one server
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PERMANENT = frozenset({301, 308})

OK, DEAD, MOVED, HTTPS, UNCHECKED = "ok", "dead", "moved-permanently", "http-has-https", "unchecked"
VERDICTS = (OK, DEAD, MOVED, HTTPS, UNCHECKED)
# How each verdict is reported: (rule id, severity). Only a dead link fails the run.
LINK_RULES = {
    DEAD: ("link-dead", "error"),
    MOVED: ("link-moved", "warning"),
    HTTPS: ("link-https", "warning"),
    UNCHECKED: ("link-unchecked", "warning"),
}


@dataclass(frozen=True)
class Link:
    """One place where a letter cites an address."""

    url: str
    pos: Pos
    what: str  # "URL of source 'kyodo-2023'", "a link in the body"


@dataclass
class LinkResult:
    """The verdict on one address, and when it was reached."""

    url: str
    verdict: str
    status: int | None = None
    new_url: str | None = None  # the address to cite instead (moved, http-has-https)
    detail: str = ""
    checked: str | None = None  # ISO date-time (UTC) of the check
    cached: bool = field(default=False, compare=False)
    reached: bool = field(default=False, compare=False, repr=False)  # a server answered

    def as_dict(self) -> dict:
        data = asdict(self)
        del data["reached"]
        return data


def letter_links(letter: Letter) -> list[Link]:
    """Every address a letter cites: sources' URL and archived_url, links in body and notes."""
    out: list[Link] = []
    for key, source in letter.sources.items():
        for name in ("URL", "archived_url"):
            url = getattr(source, name)
            if url:
                out.append(Link(url, source.field_pos.get(name, source.pos),
                                f"{name} of source '{key}'"))
    for block in letter.body:
        positions = block.item_pos if block.kind == "list" else [block.pos]
        for text, pos in zip(block.texts, positions, strict=False):
            out += [Link(url, pos, "a link in the body") for url in inline_links(text)]
    for note in letter.footnotes.values():
        for part in note.parts:
            if isinstance(part, LinkPart):  # a note that is only an address: cited like a URL
                out.append(Link(part.link, part.field_pos.get("link", part.pos),
                                f"link of footnote '{note.key}'"))
                text_pos = part.field_pos.get("text", part.pos)
            else:
                text_pos = part.pos
            if getattr(part, "text", None):
                out += [Link(url, text_pos, f"a link in footnote '{note.key}'")
                        for url in inline_links(part.text)]
    return [link for link in out
            if link.url.strip().lower().startswith(("http://", "https://"))]


def _scheme(url: str) -> str:
    """The URL's scheme as the HTTP client reads it ('' when it cannot read the URL)."""
    import httpx

    try:
        return httpx.URL(url).scheme
    except (httpx.InvalidURL, TypeError):
        return ""


def _host_key(url: str) -> str:
    """Host and port as the HTTP client connects to them (IDNA-encoded), one queue each; the
    address itself when the client cannot read it (it is still checked, and reported as not
    valid)."""
    import httpx

    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return url
    return f"{parsed.raw_host.decode('ascii', 'replace')}:{parsed.port or ''}"


# --- the cache -------------------------------------------------------------------------------

def load_cache(path: Path) -> dict[str, dict]:
    """The cached results by URL; an unreadable or foreign cache is simply empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    links = data.get("links")
    return links if isinstance(links, dict) else {}


def save_cache(path: Path, entries: dict[str, dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": CACHE_VERSION, "links": dict(sorted(entries.items()))},
                      indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, text)


def _fresh(entry: dict, now: dt.datetime, max_age: dt.timedelta) -> bool:
    try:
        checked = dt.datetime.fromisoformat(entry["checked"])
    except (KeyError, TypeError, ValueError):
        return False
    if checked.tzinfo is None:
        checked = checked.replace(tzinfo=dt.UTC)
    return entry.get("verdict") in VERDICTS and now - checked <= max_age


# --- checking ----------------------------------------------------------------------------------

@dataclass
class Options:
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    concurrency: int = DEFAULT_CONCURRENCY
    transport: object = None  # an httpx transport, for tests
    allow_private: bool = False  # fetch addresses inside this network too (see netguard)


def check_urls(urls: Iterable[str], cache_path: Path | None = None, *, refresh: bool = False,
               max_age: dt.timedelta = DEFAULT_MAX_AGE, now: dt.datetime | None = None,
               timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES,
               backoff: float = DEFAULT_BACKOFF, concurrency: int = DEFAULT_CONCURRENCY,
               transport=None, progress: Callable[[int, int], None] | None = None,
               allow_private: bool = False) -> dict[str, LinkResult]:
    """Check each address once; results younger than `max_age` come from the cache.

    Addresses inside the network this runs in (loopback, private, link-local…) are not
    fetched but reported "unchecked", unless `allow_private` (see netguard).

    Results that say something about the link are cached with their date; "unchecked" ones
    (no server answered at all: we are probably offline) are not, so the next run tries again.
    """
    now = now or dt.datetime.now(dt.UTC)
    urls = list(dict.fromkeys(urls))
    cache = load_cache(cache_path) if cache_path else {}
    results: dict[str, LinkResult] = {}
    todo: list[str] = []
    for url in urls:
        entry = cache.get(url)
        if entry and not refresh and _fresh(entry, now, max_age):
            known = {k: entry.get(k) for k in ("verdict", "status", "new_url", "checked")}
            results[url] = LinkResult(url, detail=entry.get("detail") or "", cached=True, **known)
        else:
            todo.append(url)
    if todo:
        opts = Options(timeout, retries, backoff, concurrency, transport, allow_private)
        checked = asyncio.run(_check_all(todo, opts, progress))
        stamp = now.replace(microsecond=0).isoformat()
        if not any(r.reached for r in checked):  # not one server answered: offline, not dead
            for r in checked:
                if r.verdict == DEAD:
                    r.verdict, r.detail = UNCHECKED, f"could not check: {r.detail}"
        for r in checked:
            r.checked = stamp
            results[r.url] = r
            if cache_path and r.verdict != UNCHECKED:
                cache[r.url] = {k: v for k, v in r.as_dict().items() if k not in ("url", "cached")}
        if cache_path:
            save_cache(cache_path, cache)
    return {url: results[url] for url in urls}


async def _check_all(urls: list[str], opts: Options, progress) -> list[LinkResult]:
    import httpx

    overall = asyncio.Semaphore(opts.concurrency)
    per_host: dict[str, asyncio.Semaphore] = {}
    done = 0
    limits = httpx.Limits(max_connections=opts.concurrency)
    hooks = {} if opts.allow_private else {"request": [check_request_async]}
    async with httpx.AsyncClient(headers={"User-Agent": USER_AGENT}, follow_redirects=True,
                                 timeout=opts.timeout, limits=limits, event_hooks=hooks,
                                 transport=opts.transport) as client:

        async def one(url: str) -> LinkResult:
            nonlocal done
            host = per_host.setdefault(_host_key(url), asyncio.Semaphore(PER_HOST))
            async with overall, host:
                try:  # --timeout bounds the whole check of an address, retries included
                    result = await asyncio.wait_for(_check_one(client, url, opts), opts.timeout)
                except TimeoutError:
                    result = LinkResult(url, DEAD, detail=f"no answer within {opts.timeout:g} s",
                                        reached=True)
            done += 1
            if progress:
                progress(done, len(urls))
            return result

        return list(await asyncio.gather(*(one(u) for u in urls)))


async def _request(client, method: str, url: str, opts: Options):
    """One request with retries and backoff: (response, None) or (None, (kind, detail))."""
    import httpx

    failure = None
    for attempt in range(opts.retries + 1):
        if attempt:
            await asyncio.sleep(opts.backoff * 2 ** (attempt - 1))
        try:
            if method == "HEAD":
                response = await client.head(url)
            else:
                async with client.stream("GET", url) as response:
                    pass  # the status is the answer; the body is never downloaded
        except PrivateAddressError as e:  # not a failure of the link: we chose not to look
            return None, ("private", str(e), False)
        except httpx.TimeoutException as e:
            reached = not isinstance(e, httpx.ConnectTimeout | httpx.PoolTimeout)
            failure = ("timeout", f"no answer within {opts.timeout:g} s", reached)
            continue
        except httpx.TransportError as e:
            failure = ("network", _network_detail(e), False)
            continue
        except httpx.HTTPError as e:  # e.g. a redirect loop
            return None, ("http", str(e) or type(e).__name__, True)
        except (httpx.InvalidURL, ValueError) as e:  # an address httpx cannot even send
            return None, ("url", f"not a valid address ({e})", True)
        if response.status_code in RETRY_STATUSES and attempt < opts.retries:
            continue
        return response, None
    return None, failure


def _network_detail(error) -> str:
    text = str(error) or type(error).__name__
    lowered = text.lower()
    if "name or service not known" in lowered or "nodename nor servname" in lowered or \
            "getaddrinfo" in lowered or "name resolution" in lowered:
        return f"DNS lookup failed ({text})"
    return text


async def _check_one(client, url: str, opts: Options) -> LinkResult:
    response, failure = await _request(client, "HEAD", url, opts)
    if response is not None and response.status_code >= 400:
        # Many servers refuse or mishandle HEAD; the GET answer is the one that counts.
        got, got_failure = await _request(client, "GET", url, opts)
        response, failure = (got, None) if got is not None else (response, got_failure)
    if response is None:
        kind, detail, reached = failure
        return LinkResult(url, UNCHECKED if kind == "private" else DEAD, detail=detail,
                          reached=reached)
    status = response.status_code
    if status >= 400:
        return LinkResult(url, DEAD, status, detail=f"HTTP {status}", reached=True)
    chain = [*response.history, response]
    new_url = None
    for hop, following in zip(chain, chain[1:], strict=False):
        if hop.status_code not in PERMANENT:
            break  # a temporary redirect after it: the address before it is the one to cite
        new_url = str(following.request.url)
    if new_url and new_url != url:
        return LinkResult(url, MOVED, status, new_url, f"moved permanently to {new_url}",
                          reached=True)
    scheme = _scheme(url)
    if not scheme:
        return LinkResult(url, DEAD, detail="not a valid address", reached=True)
    if scheme == "http":
        secure = "https" + url.strip()[len("http"):]
        got, _ = await _request(client, "HEAD", secure,
                                Options(opts.timeout, 0, 0, opts.concurrency, opts.transport,
                                        opts.allow_private))
        if got is not None and got.status_code < 400:
            return LinkResult(url, HTTPS, status, secure, f"also served at {secure}",
                              reached=True)
    return LinkResult(url, OK, status, reached=True)


def link_problems(links: list[Link], results: dict[str, LinkResult]) -> list[Problem]:
    """The results that need attention, as located problems (rules link-dead, link-moved, …)."""
    out: list[Problem] = []
    for link in links:
        r = results.get(link.url)
        if r is None or r.verdict not in LINK_RULES:
            continue
        rule, severity = LINK_RULES[r.verdict]
        when = f" (checked {r.checked[:10]})" if r.cached and r.checked else ""
        if r.verdict == DEAD:
            msg = (f"{link.what}: {link.url} is dead ({r.detail}){when}; find where the "
                   "document went, or cite a web-archive copy (archived_url)")
        elif r.verdict == MOVED:
            msg = f"{link.what}: {link.url} has moved permanently{when}; cite {r.new_url}"
        elif r.verdict == HTTPS:
            msg = f"{link.what}: {link.url} is also served over https{when}; cite {r.new_url}"
        else:
            msg = f"{link.what}: {link.url}: {r.detail}; run `undersigned links` again when online"
        out.append(link.pos.error(rule, msg) if severity == "error"
                   else link.pos.warning(rule, msg))
    return out
