"""Finding 2 of #12: a server that sends one byte a second kept `links` and `archive` running
past 150 s with `--timeout 5`, since the timeout bounded each read, not the request. Both now
let go of the server within their --timeout plus a second, with a clear message."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import threading
import time

import pytest

from .conftest import letter_yaml, write_workspace

TIMEOUT = 2.0


class TrickleServer:
    """Answers every connection on 127.0.0.1 with one byte a second, forever: first the
    status line and headers (or, with `body`, full headers then a body that never ends).

    It notes when each connection was accepted and when the client let it go (closed it), so
    that a test can tell how long a request was kept waiting, whatever the client's start-up
    cost before it (which a busy machine multiplies)."""

    def __init__(self, body: bool = False):
        self.body = body
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.stop = threading.Event()
        self.connections = 0
        self.held: list[tuple[float, float | None]] = []  # (accepted, let go), monotonic
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/report"

    def _serve(self):
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            accepted = time.monotonic()
            with self._lock:
                self.connections += 1
                index = len(self.held)
                self.held.append((accepted, None))
            threading.Thread(target=self._trickle, args=(conn, index), daemon=True).start()

    def _trickle(self, conn, index: int):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        try:
            conn.recv(65536)
            if self.body:
                conn.sendall(head + b"Content-Length: 100000\r\n\r\n")
            payload = (b"x" * 100000) if self.body else head + b"X-Slow: " + b"y" * 100000
            for byte in payload:
                # a second between bytes, unless the client hangs up meanwhile
                readable, _, _ = select.select([conn], [], [], 1.0)
                if self.stop.is_set() or (readable and not conn.recv(65536)):
                    break
                conn.sendall(bytes([byte]))
        except OSError:
            pass
        finally:
            with self._lock:
                self.held[index] = (self.held[index][0], time.monotonic())
            conn.close()

    def waited(self) -> tuple[float, float]:
        """(first connection accepted, last one let go): how long the client kept waiting on
        this server, all its attempts together (asked once the client has ended, whose
        connections are then all closed: their threads note it within moments)."""
        for _ in range(100):
            with self._lock:
                held = list(self.held)
            if held and all(end is not None for _, end in held):
                return min(start for start, _ in held), max(end for _, end in held)
            time.sleep(0.05)
        raise AssertionError(f"connections still open after the client ended: {held}")

    def close(self):
        self.stop.set()
        self.sock.close()


@pytest.fixture(params=["headers", "body"])
def trickle(request):
    server = TrickleServer(body=request.param == "body")
    yield server
    server.close()


def run(root, *args) -> tuple[subprocess.CompletedProcess, float]:
    """The command's result and when it ended (monotonic)."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    done = subprocess.run([sys.executable, "-m", "undersigned", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60)
    return done, time.monotonic()


@pytest.mark.parametrize("command", ["links", "archive"])
def test_a_one_byte_per_second_server_is_given_up_on_time(hostile_root, trickle, command):
    """--timeout bounds how long the command waits on the server, as the server sees it: from
    the first connection to the last one let go. (The time the whole command took, less that
    of `--version`, once stood for it; but `links` imports and reads far more than
    `--version` before it connects, and on a busy machine that difference alone grew past the
    second of margin while the server was given up at 2.0 s exactly.) And once it has let go,
    nothing keeps the command running."""
    write_workspace(hostile_root, letter_yaml(source_url=trickle.url), None)
    done, ended = run(hostile_root, command, "h", "--timeout", str(TIMEOUT), "--allow-private")
    first, last = trickle.waited()
    print(f"{command}: the server kept waiting {last - first:.2f} s with --timeout {TIMEOUT}; "
          f"the command ended {ended - last:.2f} s after letting go")
    out = done.stdout + done.stderr
    assert last - first < TIMEOUT + 1.0, (last - first, out)
    assert ended - last < 5.0, (ended - last, out)  # a wide margin: only a hang exceeds it
    assert "Traceback" not in out and "internal error" not in out
    if command == "links" and trickle.body:
        assert done.returncode == 0, out  # links reads the status, never the body
        return
    assert done.returncode == 1
    assert f"no answer within {TIMEOUT:g} s" in out or \
        f"no complete answer within {TIMEOUT:g} s" in out, out
    assert trickle.connections >= 1
