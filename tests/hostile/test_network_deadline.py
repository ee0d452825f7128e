"""Finding 2 of #12: a server that sends one byte a second kept `links` and `archive` running
past 150 s with `--timeout 5`, since the timeout bounded each read, not the request. Both now
end within their --timeout plus a second, with a clear message."""

from __future__ import annotations

import os
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
    status line and headers (or, with `body`, full headers then a body that never ends)."""

    def __init__(self, body: bool = False):
        self.body = body
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.stop = threading.Event()
        self.connections = 0
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
            self.connections += 1
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        try:
            conn.recv(65536)
            if self.body:
                conn.sendall(head + b"Content-Length: 100000\r\n\r\n")
            payload = (b"x" * 100000) if self.body else head + b"X-Slow: " + b"y" * 100000
            for byte in payload:
                if self.stop.wait(1.0):
                    break
                conn.sendall(bytes([byte]))
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.stop.set()
        self.sock.close()


@pytest.fixture(params=["headers", "body"])
def trickle(request):
    server = TrickleServer(body=request.param == "body")
    yield server
    server.close()


def run(root, *args) -> tuple[subprocess.CompletedProcess, float]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "undersigned", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60)
    return done, time.monotonic() - start


def startup(root) -> float:
    """What the interpreter and the CLI cost before any request (this machine may be busy)."""
    _, took = run(root, "--version")
    return took


@pytest.mark.parametrize("command", ["links", "archive"])
def test_a_one_byte_per_second_server_is_given_up_on_time(hostile_root, trickle, command):
    write_workspace(hostile_root, letter_yaml(source_url=trickle.url), None)
    base = startup(hostile_root)
    done, took = run(hostile_root, command, "h", "--timeout", str(TIMEOUT), "--allow-private")
    print(f"{command}: {took:.2f} s with --timeout {TIMEOUT} (start-up {base:.2f} s)")
    assert took - base < TIMEOUT + 1.0, (took, base, done.stdout, done.stderr)
    out = done.stdout + done.stderr
    assert "Traceback" not in out and "internal error" not in out
    if command == "links" and trickle.body:
        assert done.returncode == 0, out  # links reads the status, never the body
        return
    assert done.returncode == 1
    assert f"no answer within {TIMEOUT:g} s" in out or \
        f"no complete answer within {TIMEOUT:g} s" in out, out
    assert "Traceback" not in out and "internal error" not in out
    assert trickle.connections >= 1
