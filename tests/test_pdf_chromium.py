"""`render --pdf-engine chromium`: headless Chromium prints the letter, fetching nothing."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner

from undersigned.checks.validate import check_letter_file
from undersigned.cli import cli
from undersigned.errors import PdfEngineError, PdfUnavailableError
from undersigned.render import chromium
from undersigned.render.prepare import prepare
from undersigned.render.text import inline_text

from .conftest import EXAMPLE_SLUG, TODAY
from .pdfwords import note_starts, pdf_words, squeeze
from .test_consumers_html import latin

CHROMIUM = chromium.find_chromium()
PDFTOTEXT = shutil.which("pdftotext")
needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="Chromium not found")


# --- the policy that keeps Chromium off the network --------------------------------------

def test_the_policy_comes_first_after_the_doctype():
    meta = '<meta http-equiv="Content-Security-Policy"'
    html = "<!DOCTYPE html>\n<html lang=\"ko\"><head><link rel=stylesheet href=x.css>"
    out = chromium.isolated(html)
    assert out.startswith("<!DOCTYPE html>" + meta)
    assert out.endswith(html[len("<!DOCTYPE html>"):])
    assert chromium.isolated("<p>no doctype</p>").startswith(meta)
    bom = "\ufeff <!doctype html>"
    assert chromium.isolated(bom + "<p>").startswith(bom + meta)
    assert "default-src 'none'" in chromium.POLICY


def test_the_command_line_turns_off_lookups_and_background_services(tmp_path):
    cmd = chromium.command("chromium", tmp_path / "p.html", tmp_path / "p.pdf", tmp_path / "prof")
    assert "--host-resolver-rules=MAP * ~NOTFOUND" in cmd
    assert {"--headless", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={tmp_path / 'prof'}"} <= set(cmd)
    assert cmd[-1] == (tmp_path / "p.html").as_uri()  # a file, never a server
    assert [c for c in cmd if c.startswith("http")] == []


HOSTILE = """<!DOCTYPE html><html lang="en"><head><title>t</title>
<link rel="stylesheet" href="{base}/sheet.css">
<style>@import url("{base}/import.css"); body {{ background: url("{base}/bg.png") }}
@font-face {{ font-family: X; src: url("{base}/font.woff") }}</style>
<script src="{base}/script.js"></script>
</head><body><p style="font-family: X">Hello</p><img src="{base}/image.png" alt="">
<iframe src="{base}/frame.html"></iframe><object data="{base}/object.bin"></object>
<script>fetch("{base}/fetch");</script></body></html>"""


def _hits(server, html: str, tmp_path, name: str, lookups: bool) -> int:
    """Requests the server got while Chromium printed `html` (host lookups on or off)."""
    page, target = tmp_path / f"{name}.html", tmp_path / f"{name}.pdf"
    page.write_text(html, encoding="utf-8")
    cmd = chromium.command(CHROMIUM, page, target, tmp_path / f"{name}-profile")
    if lookups:
        cmd = [c for c in cmd if not c.startswith("--host-resolver-rules")]
    before = sum(server.hits.values())
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert target.read_bytes().startswith(b"%PDF")
    return sum(server.hits.values()) - before


@needs_chromium
@pytest.mark.consumers
def test_chromium_fetches_nothing_a_template_refers_to(server, no_proxies, tmp_path):
    html = HOSTILE.format(base=server.base)
    assert chromium.render_pdf_chromium(html).startswith(b"%PDF")
    assert dict(server.hits) == {}
    # each of the two guards holds alone: the policy, and host lookups turned off (which
    # covers addresses given as numbers too)
    assert _hits(server, chromium.isolated(html), tmp_path, "policy", lookups=True) == 0
    assert _hits(server, html, tmp_path, "lookups", lookups=False) == 0
    # and without either, the same page does reach the server: the test can tell
    assert _hits(server, html, tmp_path, "bare", lookups=True) >= 5


# --- the letter printed, notes at the end ------------------------------------------------

@needs_chromium
@pytest.mark.consumers
@pytest.mark.skipif(not PDFTOTEXT, reason="pdftotext (poppler-utils) not found")
def test_render_pdf_engine_chromium_prints_the_letter_with_its_notes_at_the_end(workspace):
    result = CliRunner().invoke(cli, ["render", EXAMPLE_SLUG, "--to", "pdf", "--pdf-engine",
                                      "chromium", "--out", "out"])
    assert result.exit_code == 0, result.output
    pdf = workspace / "out" / f"{EXAMPLE_SLUG}.pdf"
    assert result.output.strip() == f"out/{EXAMPLE_SLUG}.pdf"
    pages = pdf_words(PDFTOTEXT, pdf)
    assert 3 <= len(pages) <= 12  # the example is six pages long with WeasyPrint
    words = [w for page in pages for w in page]  # as pdftotext reads them, page by page
    letter, roster, problems = check_letter_file(
        workspace / "letters" / f"{EXAMPLE_SLUG}.yaml", workspace, TODAY)
    doc = prepare(letter, roster)
    # the notes are a list after everything else: the first note's number ("1.", smaller than
    # the body, first on its line) comes after the words of every signatory
    first = note_starts(pages, r"\d+\.")[1]
    cut = words.index(first)
    before, after = words[:cut], words[cut:]
    before_words = {w.text for w in before}
    for section in doc.sections:
        for entry in section.entries:
            assert set(entry.name.split()) <= before_words, entry.name
    text_before = latin(squeeze(" ".join(w.text for w in before)))
    text_after = latin(squeeze(" ".join(w.text for w in after)))
    at = 0
    for note in doc.notes:  # each note once, in order (by its opening words: the words of a
        # line of Hangul in a note are not extracted in order), and in the body not at all
        note_text = latin(squeeze(f"{note.number}. {inline_text(note.nodes)}"))[:40]
        assert text_after.count(note_text) == 1 and text_after.index(note_text) >= at, note
        at = text_after.index(note_text)
        # the copy meant for the page foot is not printed
        assert latin(squeeze(inline_text(note.nodes))) not in text_before, note.number
    # the policy put before <html> leaves the document's language as the template set it
    pypdf = pytest.importorskip("pypdf")
    assert pypdf.PdfReader(pdf).trailer["/Root"]["/Lang"] == doc.lang
    # the page numbers in the margin box, at the foot of every page
    for number, page in enumerate(pages, 1):
        line = [w.text for w in page if w.y0 >= max(o.y0 for o in page) - 0.5]
        assert " ".join(line) == f"{number} / {len(pages)}"


# --- clear errors ------------------------------------------------------------------------

def test_no_chromium_is_a_clear_error_and_nothing_is_written(workspace, monkeypatch):
    monkeypatch.setattr(chromium, "find_chromium", lambda: None)
    result = CliRunner().invoke(cli, ["render", EXAMPLE_SLUG, "--to", "pdf", "--to", "html",
                                      "--pdf-engine", "chromium", "--out", "out"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: --pdf-engine chromium needs Chromium")
    assert "apt-get install chromium" in result.output
    assert "Traceback" not in result.output
    assert not (workspace / "out").exists()


def test_a_browser_that_prints_nothing_is_a_clear_error(tmp_path):
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(PdfEngineError, match=r"wrote no PDF \(exit status 3\): cannot open"):
        chromium.render_pdf_chromium("<p>x</p>", browser=str(fake))
    with pytest.raises(PdfUnavailableError, match="could not be started"):
        chromium.render_pdf_chromium("<p>x</p>", browser=str(tmp_path / "missing"))


def test_an_unknown_engine_is_refused_by_the_command_line(workspace):
    result = CliRunner().invoke(cli, ["render", EXAMPLE_SLUG, "--to", "pdf", "--pdf-engine",
                                      "prince"])
    assert result.exit_code == 2
    assert "'prince' is not one of 'weasyprint', 'chromium'" in result.output
