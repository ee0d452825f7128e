"""Finding 3 of #12: a page that names a codec which is not a character set
(`<meta charset="idna">`, punycode, `charset=idna` in a Content-Type) made `validate` and
`archive` stop with "internal error (UnicodeError …)" and no problem list. The page is read as
UTF-8 instead, and everything else is reported as usual."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from undersigned.cli import cli
from undersigned.sources.archive import extract_text

from .conftest import SLUG, letter_yaml, write_workspace

CODECS = ["idna", "punycode", "undefined", "unicode_escape", "rot13", "base64", "no-such",
          "utf-8", "latin-1"]
PAGE = ("<html><head><meta charset=\"{c}\"></head><body><p>We write to you about the "
        "refugees.</p></body></html>")


@pytest.mark.parametrize("codec", CODECS)
def test_any_declared_charset_gives_text(codec):
    data = (PAGE.format(c=codec) + "é".encode().decode("latin-1")).encode("latin-1")
    assert "refugees" in extract_text(data, "text/html")
    assert "refugees" in extract_text(data, f"text/html; charset={codec}")
    assert "refugees" in extract_text(b"We write about refugees.", f"text/plain; charset={codec}")


@pytest.mark.parametrize("codec", ["idna", "punycode"])
def test_validate_checks_a_quotation_against_such_a_snapshot(hostile_root, codec):
    letter = letter_yaml(quotation="about the refugees").replace(
        '    URL: "https://example.org/r"', '    URL: "https://example.org/r"\n'
        '    snapshot: sources/s1.html')
    write_workspace(hostile_root, letter, None)
    (hostile_root / "letters" / "sources").mkdir()
    (hostile_root / "letters" / "sources" / "s1.html").write_text(PAGE.format(c=codec))
    result = CliRunner().invoke(cli, ["validate", "--format", "github"])
    assert "internal error" not in result.output and "UnicodeError" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "quote-mismatch" not in result.output, result.output
    assert f"file=letters/{SLUG}.yaml" in result.output  # the usual problem list is there


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = PAGE.format(c="idna").encode()
        self.send_response(200)
        self.send_header("Content-Type", self.server.ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize("ctype", ["text/html; charset=idna", "text/plain; charset=punycode"])
def test_archive_reads_a_page_served_with_such_a_charset(hostile_root, ctype, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.ctype = ctype
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/page"
        write_workspace(hostile_root, letter_yaml(source_url=url), None)
        result = CliRunner().invoke(cli, ["archive", SLUG, "--allow-private"])
    finally:
        server.shutdown()
        server.server_close()
    assert "internal error" not in result.output, result.output
    assert result.exit_code == 0, result.output
    archived = (hostile_root / "letters" / "sources" / "s1.txt").read_text()
    assert "refugees" in archived
