"""The live preview: a warm process that re-renders a letter after each save and serves it locally.

Three parts, each usable alone:

- `PreviewSession` re-checks and re-renders the letter on demand, re-using what has not changed
  (the roster is loaded and checked again only when its bytes change; the template environment
  keeps its compiled templates). When the letter stops validating, the last good page is kept
  and the problems are reported next to it.
- `PreviewServer` serves that page on 127.0.0.1 only, with a small script that listens for
  updates (Server-Sent Events) and swaps the new page in without reloading, so the reader
  keeps their place; a paged print view comes from the PDF engine (notes at the page foot).
- `watch_workspace` waits for saves under the workspace with watchfiles and calls back.

The core never prints: the command (`commands/preview.py`) says where the page is served.
"""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..checks.rosters import RosterCache
from ..checks.validate import check_letter_file
from ..errors import PreviewError, UndersignedError
from ..gcpause import paused_gc
from ..problems import Problem, Severity
from ..textsafety import visible
from ..workspace import find_root

STATIC = Path(__file__).resolve().parent.parent / "static"
# Directories of a workspace whose changes never change the page: version control, caches,
# rendered output, environments.
IGNORED_DIRS = frozenset({".git", ".hg", ".svn", ".undersigned", "build", "dist", ".venv",
                          "venv", "node_modules", "__pycache__", ".pytest_cache",
                          ".ruff_cache", ".hypothesis", ".mypy_cache"})
KEEPALIVE_SECONDS = 15.0
SETTLE_SECONDS = 0.1


@dataclass(frozen=True)
class PreviewState:
    """What the page shows: the last good render and the problems of the latest attempt."""

    generation: int = 0  # increases with every refresh that changed something
    html_generation: int = 0  # the generation whose render `html` is
    html: str | None = None  # the last good render (None before the first one)
    problems: tuple[Problem, ...] = ()  # errors stop the render; warnings of the letter too
    failure: str | None = None  # an error that is not a located problem (a template's)
    render_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.failure is None and not any(p.severity is Severity.ERROR
                                                for p in self.problems)

    def as_dict(self) -> dict:
        return {
            "generation": self.generation,
            "html_generation": self.html_generation,
            "ok": self.ok,
            "failure": visible(self.failure) if self.failure else None,
            "problems": [{**p.as_dict(), "message": visible(p.message)} for p in self.problems],
            "render_seconds": round(self.render_seconds, 4),
        }


@dataclass
class PreviewSession:
    """Checks and renders one letter again and again, re-using what did not change."""

    letter: Path
    cwd: Path
    today: dt.date | None = None
    state: PreviewState = field(default_factory=PreviewState)
    _rosters: RosterCache = field(default_factory=RosterCache)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pdf: tuple[int, bytes] | None = None
    _pdf_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def root(self) -> Path:
        return find_root(self.letter.parent) or self.letter.parent.parent

    def refresh(self) -> PreviewState:
        """Check and render the letter now; returns the new state (the old page if it fails)."""
        from .html import render_html
        from .languages import prepare_languages

        with self._lock:
            old = self.state
            start = time.perf_counter()
            html, failure = None, None
            with paused_gc():
                letter, roster, problems = check_letter_file(
                    self.letter, self.cwd, self.today or dt.date.today(), warnings=False,
                    rosters=self._rosters)
                errors = [p for p in problems if p.severity is Severity.ERROR]
                if letter is not None and not errors:
                    try:
                        # prepared as `render` prepares the letter in its own language
                        doc = prepare_languages(letter, roster, [], (letter.lang,))[0][1]
                        html = render_html(doc, self.root / "templates")
                    except UndersignedError as e:
                        failure = str(e)
            elapsed = time.perf_counter() - start
            problems_t = tuple(problems)
            same_page = html is None or html == old.html
            if same_page and problems_t == old.problems and failure == old.failure \
                    and old.generation:
                return old  # a save that changed nothing on the page: nothing to push
            generation = old.generation + 1
            self.state = PreviewState(
                generation=generation,
                html_generation=old.html_generation if same_page else generation,
                html=old.html if html is None else html,
                problems=problems_t, failure=failure, render_seconds=elapsed)
            return self.state

    def pdf(self) -> bytes:
        """The last good render printed by the paged-media engine (notes at the page foot)."""
        state = self.state
        if state.html is None:
            raise PreviewError("nothing to print yet: the letter has not rendered once")
        # One print at a time: a second request for the same page (the print view's frame
        # and a reload) waits for the first and takes its bytes instead of printing again.
        with self._pdf_lock:
            cached = self._pdf
            if cached is not None and cached[0] == state.html_generation:
                return cached[1]
            from .html import render_pdf

            data = render_pdf(state.html)
            self._pdf = (state.html_generation, data)
            return data


# --- the server ----------------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    """Whether an address is this machine's own (127.0.0.0/8, ::1, or IPv4 mapped into IPv6)."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


class PreviewServer(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that serves one session's page and its updates.

    It listens on the loopback interface only, refuses any connection that does not come from
    it, and answers only requests addressed to it by a loopback name (a page elsewhere cannot
    reach it through a DNS name pointed at 127.0.0.1).
    """

    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, session: PreviewSession, port: int = 0, host: str = "127.0.0.1"):
        if not is_loopback(host):
            raise PreviewError(f"the preview serves on this machine only, not on {host}")
        self.session = session
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        try:
            super().__init__((host, port), _Handler)
        except OSError as e:
            raise PreviewError(f"cannot serve on {host}:{port} ({e.strerror or e}); choose "
                               "another port with --port, or leave it out for a free one") from e

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def verify_request(self, request, client_address) -> bool:
        return is_loopback(str(client_address[0]))

    def publish(self) -> PreviewState:
        """Refresh the session and wake every page that listens for updates."""
        state = self.session.refresh()
        if not state.ok and not self.stopping.is_set():
            # An editor that writes a file in place can be caught halfway (a 10 MB roster
            # takes a moment): look again before showing problems that may not be there.
            time.sleep(SETTLE_SECONDS)
            state = self.session.refresh()
        with self.changed:
            self.changed.notify_all()
        return state

    def stop(self) -> None:
        """Stop serving: listening pages are let go and the socket is closed."""
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()
        self.shutdown()
        self.server_close()


def _asset(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def page_with_client(html: str | None, state: PreviewState) -> str:
    """The letter's HTML with the preview's toolbar, overlay and update script added."""
    client = (f'<style id="us-preview-style">{_asset("preview.css")}</style>\n'
              f'<div id="us-preview" data-generation="{state.generation}"></div>\n'
              f'<script id="us-preview-state" type="application/json">'
              f'{_json_for_script(state.as_dict())}</script>\n'
              f'<script id="us-preview-script">{_asset("preview.js")}</script>\n')
    if html is None:
        html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>undersigned "
                "preview</title></head><body><main></main></body></html>")
    at = html.rfind("</body>")
    if at == -1:
        return html + client
    return html[:at] + client + html[at:]


def _json_for_script(data) -> str:
    # "</script" must not end the element early; "<\/" is the same to a JSON parser.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


class _Handler(http.server.BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass  # the terminal is the user's: no request log

    def _allowed_host(self) -> bool:
        host = self.headers.get("Host", "")
        name = urlsplit(f"//{host}").hostname or ""
        return name in ("127.0.0.1", "localhost", "::1") or is_loopback(name)

    def do_GET(self):  # noqa: N802 - the base class's name
        if not self._allowed_host():
            return self._send(403, "text/plain; charset=utf-8",
                              b"The preview answers only to 127.0.0.1 or localhost.\n")
        path = urlsplit(self.path).path
        session = self.server.session
        state = session.state
        if path == "/":
            page = page_with_client(state.html, state)
            return self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))
        if path == "/letter.html":
            if state.html is None:
                return self._send(404, "text/plain; charset=utf-8", b"not rendered yet\n")
            return self._send(200, "text/html; charset=utf-8", state.html.encode("utf-8"))
        if path == "/state.json":
            return self._send(200, "application/json", json.dumps(state.as_dict()).encode())
        if path == "/letter.pdf":
            try:
                data = session.pdf()
            except UndersignedError as e:
                return self._send(503, "text/plain; charset=utf-8",
                                  f"{visible(str(e))}\n".encode())
            return self._send(200, "application/pdf", data)
        if path == "/events":
            return self._events()
        return self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: the state now, then again after every change, until stopped."""
        server = self.server
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        sent = -1
        try:
            while not server.stopping.is_set():
                state = server.session.state
                if state.generation != sent:
                    sent = state.generation
                    data = json.dumps(state.as_dict())
                    self.wfile.write(f"event: update\ndata: {data}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
                with server.changed:
                    if server.session.state.generation == sent and not server.stopping.is_set():
                        server.changed.wait(KEEPALIVE_SECONDS)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the page was closed or reloaded


# --- watching the workspace ----------------------------------------------------------------

def relevant_change(root: Path, path: str) -> bool:
    """Whether a change at `path` may change the page: not in caches, output or hidden files."""
    try:
        parts = Path(path).resolve().relative_to(root.resolve()).parts
    except ValueError:
        return True
    if any(p in IGNORED_DIRS for p in parts[:-1]):
        return False
    name = parts[-1] if parts else ""
    # hidden files are the roster's lock and temporary files and editors' swap files
    return not (name.startswith(".") or name.endswith(("~", ".swp", ".swx", ".tmp")))


def watch_workspace(root: Path, on_change, stop: threading.Event, on_ready=None) -> None:
    """Call `on_change()` after each burst of saves under `root`, until `stop` is set.

    `on_ready()` is called once, as soon as the watcher is in place: a save from then on is
    seen. Ctrl-C raises KeyboardInterrupt here, for the caller to stop as it sees fit.

    watchfiles groups the events of one save (editors write a temporary file and rename it)
    and returns as soon as the file system is quiet for a moment.
    """
    from watchfiles import watch

    def keep(_change, path: str) -> bool:
        return relevant_change(root, path)

    ready = on_ready
    # A short timeout makes the watcher yield nothing once it is running: the sign it is ready.
    for changes in watch(root, watch_filter=keep, stop_event=stop, debounce=400, step=5,
                         rust_timeout=100, yield_on_timeout=True, raise_interrupt=True):
        if ready is not None:
            ready, call = None, ready
            call()
        if changes:
            settle(path for _, path in changes)
            on_change()


def settle(paths, interval: float = 0.005, limit: float = 2.0) -> None:
    """Return once none of the large files among `paths` has changed size or modification
    time for `interval` seconds (at most `limit` seconds after the call).

    The watcher speaks when the file system has been quiet for a few milliseconds, but a
    program writing a 10 MB roster in place (truncate, then write) can still be writing
    then: read at that moment, the roster is cut in the middle of an entry, and its check
    reports a problem that is not there and costs a full load. A small file (a letter) is
    written in one go, and is not waited for: its page is wanted at once.
    """
    paths = [p for p in dict.fromkeys(paths) if (_signature(p) or (0,))[0] >= LARGE_FILE]
    if not paths:
        return
    before = [_signature(p) for p in paths]
    deadline = time.monotonic() + limit
    while True:
        time.sleep(interval)
        now = [_signature(p) for p in paths]
        if now == before or time.monotonic() > deadline:
            return
        before = now


LARGE_FILE = 256 * 1024  # bytes: more than a letter, less than a roster of a few thousand


def _signature(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns
