"""Test helpers: a local HTTP server on 127.0.0.1 that counts its hits, and a tiny PDF maker."""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                   "all_proxy")

HTML = (b"<!doctype html><html><head><title>A report</title><style>p{color:red}</style>"
        b"<script>var x = 'not text';</script></head><body><nav><a href='/'>Home</a></nav>"
        b"<h1>Findings</h1><p>The State party should respect the principle of "
        b"non&#8209;refoulement &amp; protect\n   everyone.</p><p>Second paragraph.</p>"
        b"</body></html>")


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text is `lines`, one per line (Helvetica, no compression)."""
    def escape(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " T* ".join(f"({escape(line)}) Tj" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td 14 TL {text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


PDF = make_pdf(["Everyone has the right to seek asylum and to enjoy protec-",
                "tion from persecution, and the principle of non-",
                "refoulement applies to all."])


class Handler(BaseHTTPRequestHandler):
    """Routes: /ok /old (301) /temp (302) /missing (404) /error (500) /slow /doc.pdf
    /no-head (HEAD refused) /page.html /blob (binary) /wait (a short delay, for concurrency)."""

    server: LocalServer

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def do_HEAD(self):
        self._answer(head=True)

    def do_GET(self):
        self._answer(head=False)

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/plain", head=False,
              **headers):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _answer(self, head: bool):
        path = self.path.split("?")[0]
        srv = self.server
        with srv.lock:
            srv.hits[(self.command, path)] += 1
            srv.agents.add(self.headers.get("User-Agent", ""))
            srv.inflight += 1
            srv.max_inflight = max(srv.max_inflight, srv.inflight)
        try:
            if path == "/ok":
                self._send(200, b"<p>ok</p>", "text/html", head)
            elif path == "/old":
                self._send(301, head=head, Location="/ok")
            elif path == "/temp":
                self._send(302, head=head, Location="/ok")
            elif path == "/missing":
                self._send(404, b"not found", head=head)
            elif path == "/error":
                self._send(500, b"oops", head=head)
            elif path == "/slow":
                srv.release.wait(5)  # far beyond the client's timeout; released at teardown
                self._send(200, b"late", head=head)
            elif path == "/doc.pdf":
                self._send(200, PDF, "application/pdf", head)
            elif path == "/page.html":
                self._send(200, HTML, "text/html; charset=utf-8", head)
            elif path == "/blob":
                self._send(200, b"\x00\x01\x02", "application/octet-stream", head)
            elif path == "/no-head":
                if head:
                    self._send(405, head=True)
                else:
                    self._send(200, b"fine", head=False)
            elif path == "/wait":
                time.sleep(0.05)
                self._send(200, b"waited", head=head)
            else:
                self._send(404, b"no route", head=head)
        except OSError:
            pass  # the client gave up (the slow route): nothing to tell it
        finally:
            with srv.lock:
                srv.inflight -= 1


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.hits: Counter = Counter()
        self.agents: set[str] = set()
        self.inflight = 0
        self.max_inflight = 0
        self.release = threading.Event()
        self.thread = threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def handle_error(self, request, client_address):
        pass  # a client that hung up is not a test failure

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.shutdown()
        self.server_close()
        self.thread.join()
