"""The live preview: the warm session, the loopback-only server, and a real browser watching it."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from undersigned.errors import PreviewError
from undersigned.render.preview import (
    PreviewServer,
    PreviewSession,
    is_loopback,
    page_with_client,
    relevant_change,
    settle,
)

from .conftest import EXAMPLE_SLUG, TODAY

THANKS = "  - Thank you.\n"


def letter_of(root: Path) -> Path:
    return root / "letters" / f"{EXAMPLE_SLUG}.yaml"


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` by `new` in the file (written in place, as an editor saves); the line."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


# --- the session ---------------------------------------------------------------------------

def test_session_keeps_the_last_good_page_under_the_problems(workspace):
    session = PreviewSession(letter_of(workspace), workspace, TODAY)
    first = session.refresh()
    assert first.ok and first.html and "Thank you." in first.html
    assert (first.generation, first.html_generation) == (1, 1)

    line = edit(letter_of(workspace), THANKS, "  - Thank you.[^no-such-note]\n")
    broken = session.refresh()
    assert not broken.ok
    assert broken.html == first.html and broken.html_generation == 1
    assert broken.generation == 2
    where = [(p.file, p.line, p.rule) for p in broken.problems]
    assert (f"letters/{EXAMPLE_SLUG}.yaml", line, "note-undefined") in where
    as_json = broken.as_dict()
    assert as_json["ok"] is False and as_json["problems"][0]["line"] >= 1

    edit(letter_of(workspace), "  - Thank you.[^no-such-note]\n", "  - Thank you, all.\n")
    fixed = session.refresh()
    assert fixed.ok and "Thank you, all." in fixed.html
    assert fixed.html_generation == fixed.generation == 3


def test_the_page_is_what_render_writes(workspace):
    from undersigned.render.run import render_letter

    session = PreviewSession(letter_of(workspace), workspace, TODAY)
    state = session.refresh()
    render_letter(letter_of(workspace), ("html",), workspace / "out", workspace, TODAY)
    written = workspace / "out" / f"{EXAMPLE_SLUG}.html"
    assert state.html.encode("utf-8") == written.read_bytes()


def test_session_pushes_nothing_when_a_save_changes_nothing(workspace):
    session = PreviewSession(letter_of(workspace), workspace, TODAY)
    first = session.refresh()
    letter_of(workspace).write_text(letter_of(workspace).read_text(encoding="utf-8"),
                                    encoding="utf-8")
    assert session.refresh() is first


def test_session_reuses_the_checked_roster_until_its_file_changes(workspace):
    session = PreviewSession(letter_of(workspace), workspace, TODAY)
    session.refresh()
    roster_before = session._rosters.roster
    edit(letter_of(workspace), THANKS, "  - Thank you again.\n")
    session.refresh()
    assert session._rosters.roster is roster_before  # the letter changed, not the roster
    roster = workspace / "signatories" / f"{EXAMPLE_SLUG}.yaml"
    roster.write_text(roster.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    session.refresh()
    assert session._rosters.roster is not roster_before


def test_a_template_error_is_shown_not_raised(workspace):
    session = PreviewSession(letter_of(workspace), workspace, TODAY)
    good = session.refresh()
    (workspace / "templates").mkdir(exist_ok=True)
    (workspace / "templates" / "letter.html.j2").write_text("{{ doc.nothing_here }}\n",
                                                            encoding="utf-8")
    state = session.refresh()
    assert not state.ok and "letter.html.j2" in state.failure
    assert state.html == good.html


def test_two_requests_for_the_pdf_print_it_once(workspace, monkeypatch):
    """The print view's frame and a second request arrive together: the second waits for
    the first print and takes its bytes (two at once doubled the time on a busy machine)."""
    from undersigned.render import html

    session = PreviewSession(letter_of(workspace), workspace, TODAY)
    session.refresh()
    printing = threading.Event()
    release = threading.Event()
    prints = []

    def render_pdf(page):
        prints.append(page)
        printing.set()
        release.wait(10)
        return b"%PDF-1.7 printed once"

    monkeypatch.setattr(html, "render_pdf", render_pdf)
    got: list[bytes] = []
    threads = [threading.Thread(target=lambda: got.append(session.pdf())) for _ in range(2)]
    threads[0].start()
    assert printing.wait(10)
    threads[1].start()
    time.sleep(0.2)  # the second request is waiting, not printing
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(prints) == 1 and got == [b"%PDF-1.7 printed once"] * 2


def test_changes_that_cannot_change_the_page_are_ignored(tmp_path):
    assert relevant_change(tmp_path, str(tmp_path / "letters" / "a.yaml"))
    assert relevant_change(tmp_path, str(tmp_path / "templates" / "letter.css"))
    assert relevant_change(tmp_path, str(tmp_path / "letters" / "sources" / "x" / "s.html"))
    assert not relevant_change(tmp_path, str(tmp_path / ".git" / "index"))
    assert not relevant_change(tmp_path, str(tmp_path / "build" / "a.html"))
    assert not relevant_change(tmp_path, str(tmp_path / ".undersigned" / "cache" / "x"))
    assert not relevant_change(tmp_path, str(tmp_path / "signatories" / ".a.yaml.lock"))
    assert not relevant_change(tmp_path, str(tmp_path / "letters" / "a.yaml~"))


def test_a_large_file_is_waited_for_until_it_is_written(tmp_path, monkeypatch):
    """A roster still being written when the watcher speaks is read once it stops growing;
    a letter (small) is not waited for."""
    from undersigned.render import preview

    roster, letter = tmp_path / "roster.yaml", tmp_path / "letter.yaml"
    roster.write_bytes(b"x" * preview.LARGE_FILE)
    letter.write_text("title: A letter\n")
    growth = iter([b"y" * 4096, b"y" * 4096, b""])
    sleeps = []

    def sleep(seconds):  # the writer goes on between two looks, twice, then stops
        sleeps.append(seconds)
        with roster.open("ab") as f:
            f.write(next(growth))

    monkeypatch.setattr(preview.time, "sleep", sleep)
    settle([str(roster), str(letter)])
    assert len(sleeps) == 3 and roster.stat().st_size == preview.LARGE_FILE + 8192
    sleeps.clear()
    settle([str(letter), str(tmp_path / "deleted.yaml")])
    assert sleeps == []


def test_the_client_is_added_before_the_end_of_the_body(workspace):
    session = PreviewSession(letter_of(workspace), workspace, TODAY)
    state = session.refresh()
    page = page_with_client(state.html, state)
    assert page.startswith(state.html[: state.html.rfind("</body>")])
    assert page.rstrip().endswith("</body>\n</html>")
    assert 'id="us-preview-script"' in page and "EventSource" in page
    state_json = page.split('type="application/json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(state_json)["generation"] == 1


# --- the server ----------------------------------------------------------------------------

def test_loopback_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("127.3.4.5") and is_loopback("::1")
    assert is_loopback("::ffff:127.0.0.1")
    assert not is_loopback("192.0.2.7") and not is_loopback("10.0.0.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("::") and not is_loopback("example")


@pytest.fixture
def served(workspace):
    session = PreviewSession(letter_of(workspace), workspace, TODAY)
    server = PreviewServer(session)
    server.publish()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stop()
    thread.join(5)
    assert not thread.is_alive()


def get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": host} if host else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_server_serves_the_page_its_state_and_the_bare_letter(served):
    status, page = get(served.port, "/")
    assert status == 200 and b"us-preview-script" in page
    status, html = get(served.port, "/letter.html")
    assert status == 200 and html.decode("utf-8") == served.session.state.html
    status, state = get(served.port, "/state.json")
    assert status == 200 and json.loads(state)["ok"] is True
    assert get(served.port, "/nothing")[0] == 404


def test_server_refuses_other_host_names(served):
    """A page elsewhere that points its own DNS name at 127.0.0.1 gets nothing."""
    assert get(served.port, "/", host="attacker.example")[0] == 403
    assert get(served.port, "/state.json", host=f"evil.example:{served.port}")[0] == 403
    assert get(served.port, "/", host=f"localhost:{served.port}")[0] == 200


def test_server_listens_on_loopback_only_and_refuses_other_peers(served):
    assert served.server_address[0] == "127.0.0.1"
    assert served.verify_request(None, ("127.0.0.1", 50000))
    assert not served.verify_request(None, ("192.0.2.7", 50000))
    assert not served.verify_request(None, ("::ffff:192.0.2.7", 50000, 0, 0))
    outside = _non_loopback_address()
    if outside is None:
        pytest.skip("this machine has no non-loopback address to try")
    with pytest.raises(OSError):
        socket.create_connection((outside, served.port), timeout=3).close()


def test_server_will_not_bind_elsewhere(workspace):
    session = PreviewSession(letter_of(workspace), workspace, TODAY)
    with pytest.raises(PreviewError, match="this machine only"):
        PreviewServer(session, host="0.0.0.0")


def test_a_taken_port_is_a_clear_error(served, workspace):
    session = PreviewSession(letter_of(workspace), workspace, TODAY)
    with pytest.raises(PreviewError, match="--port"):
        PreviewServer(session, port=served.port)


def test_events_announce_each_new_state(served, workspace):
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    conn.request("GET", "/events")
    response = conn.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    assert _next_event(response)["generation"] == 1
    edit(letter_of(workspace), THANKS, "  - Thank you.[^no-such-note]\n")
    served.publish()
    event = _next_event(response)
    assert event["generation"] == 2 and event["ok"] is False and event["html_generation"] == 1
    conn.close()


def _next_event(response) -> dict:
    data = None
    while True:
        line = response.fp.readline().decode("utf-8")
        if line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "\n" and data is not None:
            return data


def _non_loopback_address() -> str | None:
    """An address of this machine that is not loopback, as other machines would reach it."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if is_loopback(address) else address


# --- the command, in a real browser --------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture
def preview_process(workspace):
    """`undersigned preview` running on the workspace; yields (process, url)."""
    env = {**os.environ, "UNDERSIGNED_DEBUG": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "undersigned", "preview", EXAMPLE_SLUG],
                            cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    url = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.poll() else url
    yield proc, url
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=20)  # and close the pipes


def test_ctrl_c_stops_the_preview_cleanly(preview_process):
    proc, url = preview_process
    port = int(url.rsplit(":", 1)[1].strip("/"))
    assert get(port, "/state.json")[0] == 200
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and err.rstrip().endswith("Stopped.")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=3).close()


@pytest.fixture
def browser(tmp_path):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("Chromium and chromedriver are not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--window-size=1000,700",
                f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(arg)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, script: str, timeout: float = 30.0):
    """Poll a JavaScript expression until it is truthy; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(f"return ({script});")
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {script}")
        time.sleep(0.1)


@pytest.mark.consumers
def test_the_page_updates_in_place_after_a_save(preview_process, browser, workspace):
    proc, url = preview_process
    browser.get(url)
    wait_for(browser, "document.getElementById('us-preview-status').textContent"
                      ".indexOf('up to date') >= 0")
    assert browser.execute_script("return document.querySelector('h1').textContent") \
        .startswith("Re: China")
    # a marker that a reload would lose, and a place in the page that it should keep
    browser.execute_script("window.__notReloaded = 42; window.scrollTo(0, 900);")
    scrolled = browser.execute_script("return window.scrollY")
    assert scrolled > 0

    edit(letter_of(workspace), THANKS, "  - Thank you for reading the live preview.\n")
    wait_for(browser, "document.body.textContent.indexOf("
                      "'Thank you for reading the live preview.') >= 0")
    assert browser.execute_script("return window.__notReloaded") == 42
    assert abs(browser.execute_script("return window.scrollY") - scrolled) < 5
    assert browser.execute_script(
        "return document.getElementById('us-preview-overlay').hidden") is True

    # a broken edit: the overlay names the file and the line; the last good page stays
    line = edit(letter_of(workspace), "  - Thank you for reading the live preview.\n",
                "  - Thank you.[^no-such-note]\n")
    wait_for(browser, "!document.getElementById('us-preview-overlay').hidden")
    where = browser.execute_script(
        "return Array.from(document.querySelectorAll('#us-preview-overlay .us-preview-where'))"
        ".map(e => e.textContent)")
    assert any(w.startswith(f"letters/{EXAMPLE_SLUG}.yaml:{line}:") for w in where), where
    assert browser.execute_script(
        "return document.body.textContent.indexOf('Thank you for reading the live preview.')"
        " >= 0")
    assert browser.execute_script("return window.__notReloaded") == 42

    # fixed again: the overlay goes, the new text comes
    edit(letter_of(workspace), "  - Thank you.[^no-such-note]\n", "  - With thanks.\n")
    wait_for(browser, "document.getElementById('us-preview-overlay').hidden && "
                      "document.body.textContent.indexOf('With thanks.') >= 0")
    assert browser.execute_script("return window.__notReloaded") == 42


@pytest.mark.consumers
def test_the_print_view_shows_the_paged_pdf(preview_process, browser):
    pytest.importorskip("weasyprint")
    proc, url = preview_process
    browser.get(url)
    wait_for(browser, "document.getElementById('us-preview-status').textContent"
                      ".indexOf('up to date') >= 0")
    browser.execute_script("document.getElementById('us-preview-print').click()")
    src = wait_for(browser, "!document.getElementById('us-preview-paged').hidden && "
                            "document.getElementById('us-preview-paged').getAttribute('src')")
    assert src.startswith("/letter.pdf")
    port = int(url.rsplit(":", 1)[1].strip("/"))
    status, pdf = get(port, src)
    assert status == 200 and pdf.startswith(b"%PDF")
    browser.execute_script("document.getElementById('us-preview-screen').click()")
    assert browser.execute_script(
        "return document.getElementById('us-preview-paged').hidden") is True
