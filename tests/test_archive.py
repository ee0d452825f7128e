"""archive: snapshots of sources (HTML, PDF, hand-added files), and quotations checked on them."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys

import pytest
from click.testing import CliRunner

from undersigned.checks.validate import check_letter_file
from undersigned.cli import cli
from undersigned.format.load import load_letter
from undersigned.sources import archive as A
from undersigned.sources.htmltext import html_text

from .conftest import TODAY
from .localserver import HTML, PDF

DAY = dt.date(2026, 11, 20)


pytestmark = pytest.mark.usefixtures("no_proxies")


def write_letter(root, sources: str, body: str = "Text.[^n]", cites=("s",)) -> object:
    """A statement citing `cites` in one footnote, with the given `sources:` block."""
    letters = root / "letters"
    letters.mkdir(exist_ok=True)
    parts = "".join(f"    - cite: {key}\n" for key in cites)
    path = letters / "l.yaml"
    path.write_text(f"kind: statement\ntitle: T\nbody:\n  - {body}\nfootnotes:\n  n:\n{parts}"
                    f"sources:\n{sources}", encoding="utf-8")
    letter, problems = load_letter(path, "letters/l.yaml")
    assert letter is not None, problems
    return letter


def source(key: str, url: str | None = None, **fields) -> str:
    lines = [f"  {key}:", "    type: report", "    title: R"]
    if url:
        lines.append(f"    URL: {url}")
    lines += [f"    {k}: {v}" for k, v in fields.items()]
    return "\n".join(lines) + "\n"


# --- text extraction --------------------------------------------------------------------------

def test_html_text_drops_scripts_styles_and_navigation():
    text = html_text(HTML.decode("utf-8"))
    assert text == ("A report\n\nFindings\n\nThe State party should respect the principle of "
                    "non\u2011refoulement & protect everyone.\n\nSecond paragraph.\n")


def test_html_charset_from_the_page():
    page = "<html><head><meta charset='latin-1'></head><body><p>caf\xe9</p></body></html>"
    assert A.extract_text(page.encode("latin-1"), "text/html") == "café\n"


def test_pdf_text():
    pytest.importorskip("pypdf")
    text = A.pdf_text(PDF)
    assert "enjoy protec-\ntion from persecution" in text


def test_pdf_without_pypdf_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdf", None)  # import pypdf → ImportError
    with pytest.raises(A.SnapshotError, match=r"pip install 'undersigned\[archive\]'"):
        A.pdf_text(PDF, "sources/x.pdf")


def test_a_broken_pdf_is_a_clear_error():
    pytest.importorskip("pypdf")
    with pytest.raises(A.SnapshotError, match="the PDF cannot be read"):
        A.pdf_text(b"%PDF-1.4\nnothing else", "x.pdf")


def test_unsupported_content():
    with pytest.raises(A.SnapshotError, match="application/zip, which undersigned cannot read"):
        A.extract_text(b"PK\x03\x04", "application/zip", "x.zip")


def test_snapshot_file_round_trip():
    snap = A.Snapshot("Text\nover lines.\n", {"source": "s", "url": "", "retrieved": "2026-11-20",
                                               "sha256": "ab", "note": 'a "quoted" note'})
    data = A.format_snapshot(snap)
    assert data.startswith('---\nsource: "s"\nurl: ""\nretrieved: "2026-11-20"\nsha256: "ab"\n')
    assert A.parse_snapshot(data) == snap
    assert A.parse_snapshot("Just text.\n") == A.Snapshot("Just text.\n")


# --- archiving --------------------------------------------------------------------------------

def test_archive_html_and_pdf_from_urls(server, tmp_path):
    pytest.importorskip("pypdf")
    letter = write_letter(tmp_path, source("page", server.url("/page.html"))
                          + source("doc", server.url("/doc.pdf")), cites=("page", "doc"))
    results = A.archive_letter(letter, today=DAY, allow_private=True)
    assert [(r.key, r.status) for r in results] == [("page", "archived"), ("doc", "archived")]
    page = A.read_snapshot(tmp_path / "letters" / "sources" / "page.txt")
    assert page.meta == {"source": "page", "url": server.url("/page.html"),
                         "retrieved": "2026-11-20", "sha256": hashlib.sha256(HTML).hexdigest(),
                         "content_type": "text/html; charset=utf-8"}
    assert "Second paragraph." in page.text and "not text" not in page.text
    doc = A.read_snapshot(tmp_path / "letters" / "sources" / "doc.txt")
    assert doc.meta["content_type"] == "application/pdf"
    assert doc.meta["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert "refoulement applies to all." in doc.text


def test_archive_keeps_what_it_has_unless_refreshed(server, tmp_path):
    letter = write_letter(tmp_path, source("page", server.url("/page.html")), cites=("page",))
    A.archive_letter(letter, today=DAY, allow_private=True)
    assert [r.status for r in A.archive_letter(letter, today=DAY, allow_private=True)] == ["kept"]
    assert server.hits[("GET", "/page.html")] == 1
    again = A.archive_letter(letter, refresh=True, today=DAY, allow_private=True)
    assert [r.status for r in again] == ["archived"]
    assert server.hits[("GET", "/page.html")] == 2


def test_archive_falls_back_to_the_archived_url(server, tmp_path):
    letter = write_letter(tmp_path, source("s", server.url("/missing"),
                                           archived_url=server.url("/page.html")))
    (r,) = A.archive_letter(letter, today=DAY, allow_private=True)
    assert (r.status, r.detail) == ("archived", f"from {server.url('/page.html')}")


def test_archive_failures_and_skips(server, tmp_path):
    letter = write_letter(
        tmp_path,
        source("gone", server.url("/missing")) + source("blob", server.url("/blob"))
        + source("nourl") + source("bad.key/..", server.url("/ok")),
        cites=("gone", "blob", "nourl", "bad.key/.."))
    results = {r.key: r for r in A.archive_letter(letter, today=DAY, allow_private=True, timeout=2)}
    assert results["gone"].status == "failed"
    assert results["gone"].detail == f"{server.url('/missing')} answered HTTP 404"
    assert results["blob"].status == "failed"
    assert "application/octet-stream" in results["blob"].detail
    assert results["nourl"].status == "skipped"
    assert "snapshot: sources/nourl.pdf" in results["nourl"].detail
    assert results["bad.key/.."].status == "skipped"
    assert sorted(p.name for p in (tmp_path / "letters" / "sources").glob("*")) == []


def test_a_hand_added_snapshot_is_extracted_without_network(tmp_path):
    sources = tmp_path / "letters" / "sources"
    sources.mkdir(parents=True)
    (sources / "saved.html").write_bytes(HTML)
    letter = write_letter(tmp_path, source("s", "https://example.org/r",
                                           snapshot="sources/saved.html"))
    (r,) = A.archive_letter(letter, today=DAY, allow_private=True)
    assert (r.status, r.detail) == ("archived", "from sources/saved.html")
    snap = A.read_snapshot(sources / "s.txt")
    assert snap.meta == {"source": "s", "url": "https://example.org/r", "retrieved": "2026-11-20",
                         "sha256": hashlib.sha256(HTML).hexdigest(), "content_type": "text/html",
                         "snapshot": "sources/saved.html"}
    assert [r.status for r in A.archive_letter(letter, today=DAY, allow_private=True)] == ["kept"]


def test_a_snapshot_that_is_the_archived_text_itself(tmp_path):
    sources = tmp_path / "letters" / "sources"
    sources.mkdir(parents=True)
    (sources / "s.txt").write_text("The words.\n", encoding="utf-8")
    letter = write_letter(tmp_path, source("s", snapshot="sources/s.txt"))
    (r,) = A.archive_letter(letter, today=DAY, allow_private=True)
    assert r.status == "kept"
    assert A.source_text(letter, letter.sources["s"]) == ("letters/sources/s.txt", "The words.\n")


# --- quotations checked against the archive ---------------------------------------------------

def validate(tmp_path):
    return check_letter_file(tmp_path / "letters" / "l.yaml", tmp_path, TODAY)[2]


def test_quotations_checked_against_a_hand_added_pdf(tmp_path):
    pytest.importorskip("pypdf")
    sources = tmp_path / "letters" / "sources"
    sources.mkdir(parents=True)
    (sources / "doc.pdf").write_bytes(PDF)
    body = "States must give “protection from persecution”.[^n]"
    write_letter(tmp_path, source("s", snapshot="sources/doc.pdf"), body=body)
    assert [p.rule for p in validate(tmp_path)] == ["roster-missing"]
    write_letter(tmp_path, source("s", snapshot="sources/doc.pdf"),
                 body="States must give “protection from prosecution”.[^n]")
    problems = [p for p in validate(tmp_path) if p.rule == "quote-mismatch"]
    assert [(p.line, p.column) for p in problems] == [(4, 5)]
    assert "“protection from prosecution”" in problems[0].message
    assert "(letters/sources/doc.pdf)" in problems[0].message
    assert "reads: “protec- tion from persecution," in problems[0].message


def test_the_archived_copy_of_a_pdf_is_used_while_it_is_current(tmp_path, monkeypatch):
    pytest.importorskip("pypdf")
    sources = tmp_path / "letters" / "sources"
    sources.mkdir(parents=True)
    (sources / "doc.pdf").write_bytes(PDF)
    letter = write_letter(tmp_path, source("s", snapshot="sources/doc.pdf"),
                          body="“the principle of non-refoulement”[^n]")
    A.archive_letter(letter, today=DAY, allow_private=True)
    monkeypatch.setitem(sys.modules, "pypdf", None)  # a machine without the extra
    assert [p.rule for p in validate(tmp_path)] == ["roster-missing"]
    (sources / "doc.pdf").write_bytes(PDF + b"\n% changed\n")  # the copy is now stale
    problems = validate(tmp_path)
    assert [p.rule for p in problems] == ["roster-missing", "snapshot-missing"]
    assert "pip install 'undersigned[archive]'" in problems[1].message


def test_a_missing_snapshot_is_a_problem_on_its_line(tmp_path):
    write_letter(tmp_path, source("s", snapshot="sources/nowhere.pdf"),
                 body="“quoted”[^n]")
    problems = [p for p in validate(tmp_path) if p.rule == "snapshot-missing"]
    assert [p.format() for p in problems] == [
        "letters/l.yaml:12:5: error: snapshot-missing: snapshot 'sources/nowhere.pdf' of source "
        "'s' does not exist; paths are relative to the letter's directory (e.g. sources/s.pdf)"]


def test_a_missing_snapshot_is_reported_even_with_nothing_quoted(tmp_path):
    write_letter(tmp_path, source("s", snapshot="sources/nowhere.pdf"))
    assert [(p.rule, p.line) for p in validate(tmp_path)] == [
        ("roster-missing", 1), ("snapshot-missing", 12)]


def test_a_source_without_any_snapshot_is_not_checked(tmp_path):
    write_letter(tmp_path, source("s", "https://example.org/r"),
                 body="“words nobody can check”[^n]")
    assert [p.rule for p in validate(tmp_path)] == ["roster-missing"]


def test_a_quotation_on_a_citation(tmp_path):
    sources = tmp_path / "letters" / "sources"
    sources.mkdir(parents=True)
    (sources / "s.txt").write_text("---\nsource: \"s\"\n---\nThe State should not deport him.\n",
                                   encoding="utf-8")
    write_letter(tmp_path, source("s"), body="Text.[^n]")
    path = tmp_path / "letters" / "l.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    - cite: s\n", "    - cite: s\n      quotation: the State should deport him\n")
    path.write_text(text, encoding="utf-8")
    (p,) = [p for p in validate(tmp_path) if p.rule == "quote-mismatch"]
    assert p.format() == (
        "letters/l.yaml:8:7: error: quote-mismatch: the quotation in footnote 'n' “the State "
        "should deport him” is not in the archived text of source 's' (letters/sources/s.txt); "
        "the closest passage (92% alike) reads: “The State should not deport him.”; quote the "
        "source's words exactly, marking omissions with … and your own words with [brackets]")


# --- the command ------------------------------------------------------------------------------

def test_archive_command(server, tmp_path, monkeypatch):
    write_letter(tmp_path, source("page", server.url("/page.html")) + source("nourl"),
                 cites=("page", "nourl"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["archive", "l", "--allow-private"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"archived  page → letters/sources/page.txt (from "
                             f"{server.url('/page.html')})\n")
    assert result.stderr.startswith("skipped   nourl (no URL and no snapshot;")
    again = CliRunner().invoke(cli, ["archive", "l", "--allow-private"])
    assert again.stdout == "kept      page → letters/sources/page.txt (already archived)\n"
    assert (tmp_path / "letters" / "sources" / "page.txt").read_text(encoding="utf-8") \
        .startswith('---\nsource: "page"\n')


def test_archive_command_fails_when_a_source_cannot_be_fetched(server, tmp_path, monkeypatch):
    write_letter(tmp_path, source("gone", server.url("/missing")), cites=("gone",))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["archive", "l", "--allow-private"])
    assert result.exit_code == 1
    assert result.stderr == f"failed    gone ({server.url('/missing')} answered HTTP 404)\n"


def test_a_block_quotation_is_checked(tmp_path):
    sources = tmp_path / "letters" / "sources"
    sources.mkdir(parents=True)
    (sources / "s.txt").write_text("It said: the State should not deport him.\n",
                                   encoding="utf-8")
    write_letter(tmp_path, source("s"), body="{quote: \"The State should not deport him.[^n]\"}")
    assert [p.rule for p in validate(tmp_path)] == ["roster-missing"]
    write_letter(tmp_path, source("s"), body="{quote: \"The State should deport him.[^n]\"}")
    assert sorted(p.rule for p in validate(tmp_path)) == ["quote-mismatch", "roster-missing"]
