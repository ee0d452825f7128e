"""Real programs open the DOCX we write: LibreOffice prints it to PDF, pandoc reads it back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from undersigned.cli import cli

from .conftest import EXAMPLE_SLUG
from .pdfwords import assert_notes_at_the_foot, pdf_words, raised_marks

pytestmark = pytest.mark.consumers

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def need(*names: str) -> str:
    """The first of `names` on PATH, or skip the test saying what to install."""
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip(f"{' / '.join(names)} not installed (Debian: apt-get install "
                "libreoffice-writer-nogui pandoc poppler-utils fonts-noto-cjk)")


def squeeze(text: str) -> str:
    """Text without whitespace or hyphens: programs wrap lines differently, and pdftotext
    joins a word hyphenated at a line end ("non-" + "refoulement" → "nonrefoulement")."""
    return re.sub(r"[\s\-]+", "", text)


@pytest.fixture
def example_docx(workspace):
    result = CliRunner().invoke(cli, ["render", EXAMPLE_SLUG, "--to", "docx", "--out", "out"])
    assert result.exit_code == 0, result.output
    return workspace / "out" / f"{EXAMPLE_SLUG}.docx"


def notes_and_calls(path):
    """Each footnote's text, and the word just before each footnote reference."""
    with zipfile.ZipFile(path) as z:
        notes_xml = etree.fromstring(z.read("word/footnotes.xml"))
        body_xml = etree.fromstring(z.read("word/document.xml"))
    notes = ["".join(t.text or "" for t in n.iter(f"{W}t")).strip()
             for n in notes_xml.iter(f"{W}footnote") if not n.get(f"{W}type")]
    calls = []
    for p in body_xml.iter(f"{W}p"):
        text = ""
        for el in p.iter(f"{W}t", f"{W}footnoteReference"):
            if el.tag == f"{W}t":
                text += el.text or ""
            else:
                # the word before the call: a page break may fall anywhere before it
                calls.append(squeeze(text.split()[-1]) if text.split() else "")
    return notes, calls


def test_libreoffice_prints_the_footnotes_with_their_references(example_docx, tmp_path):
    """Read by position (pdftotext -bbox), so that fonts and page breaks cannot fail it: each
    reference is a raised number right after the words that call it, in order 1-13, and each
    note starts at the foot of its reference's page with its number, then its whole text."""
    soffice = need("soffice", "libreoffice")
    pdftotext = need("pdftotext")
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(example_docx)],
        check=True, capture_output=True, timeout=180,
    )
    pages = pdf_words(pdftotext, tmp_path / f"{EXAMPLE_SLUG}.pdf")
    notes, calls = notes_and_calls(example_docx)
    assert len(notes) == 13

    marks = raised_marks(pages)
    assert [mark.text for mark, _ in marks] == [str(n) for n in range(1, 14)]
    for (mark, word), before in zip(marks, calls, strict=True):
        printed = squeeze(word.text)  # the word the mark is set against, maybe half a hyphenation
        assert printed.endswith(before) or before.endswith(printed), (mark.text, word, before)

    assert_notes_at_the_foot(pages, dict(enumerate(notes, 1)), may_continue=True)
    words = "".join(w.text for page in pages for w in page)
    assert "유엔인권사무소장" in words  # the Korean-language source keeps its Hangul


def test_pandoc_reads_thirteen_footnotes(example_docx):
    pandoc = need("pandoc")
    text = subprocess.run([pandoc, "-f", "docx", "-t", "plain", "--wrap=none",
                           str(example_docx)], check=True, capture_output=True,
                          text=True).stdout
    notes, calls = notes_and_calls(example_docx)
    body, _, endnotes = text.partition("\n[1] ")
    assert sorted(set(re.findall(r"\[(\d+)\]", body)), key=int) == [str(n) for n in range(1, 14)]
    found = re.findall(r"^\[(\d+)\] (.*)$", "[1] " + endnotes, flags=re.MULTILINE)
    assert [int(n) for n, _ in found] == list(range(1, 14))
    for (_, ours), theirs in zip(found, notes, strict=True):
        assert squeeze(ours) == squeeze(theirs)
    assert text.startswith("September 21, 2023")  # the date line stays in the text
    assert "Signature organizations and individuals (as of September 21, 2023):" in text


def test_pandoc_keeps_headings_lists_and_quotes(tmp_path):
    pandoc = need("pandoc")
    from undersigned.render.docx import render_docx

    from .test_render_docx import make_prepared

    path = tmp_path / "letter.docx"
    path.write_bytes(render_docx(make_prepared()))
    markdown = subprocess.run([pandoc, "-f", "docx", "-t", "markdown", "--wrap=none",
                               str(path)], check=True, capture_output=True, text=True).stdout
    assert "# Our requests" in markdown
    assert re.search(r"^-\s+Bullet one\[\^2\]", markdown, flags=re.MULTILINE)
    assert re.search(r"^1\.\s+First$", markdown, flags=re.MULTILINE)
    assert re.search(r"^1\.\s+Again first$", markdown, flags=re.MULTILINE)
    assert "[a report](https://example.org/r)" in markdown
    assert "*urgently*" in markdown
    assert io.StringIO(markdown).read().count("[^") >= 6  # three calls, three notes


@pytest.mark.parametrize("name", ["word-sections.docx", "libreoffice-sections.docx"])
def test_libreoffice_prints_the_reference_letterhead_on_page_one_only(workspace, tmp_path,
                                                                      name):
    """#14: a reference document's first-page letterhead prints on page 1 of the letter, its
    later pages' header (and page number) on the others — for a reference saved by Word and
    one saved by LibreOffice, each with several sections."""
    from .conftest import FIXTURES

    soffice = need("soffice", "libreoffice")
    pdftotext = need("pdftotext")
    (workspace / "templates").mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "reference" / name, workspace / "templates" / "reference.docx")
    result = CliRunner().invoke(cli, ["render", EXAMPLE_SLUG, "--to", "docx", "--out", "out"])
    assert result.exit_code == 0, result.output
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(workspace / "out" / f"{EXAMPLE_SLUG}.docx")],
        check=True, capture_output=True, timeout=180,
    )
    text = subprocess.run([pdftotext, "-layout", str(tmp_path / f"{EXAMPLE_SLUG}.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) > 2
    assert pages[0].lstrip().startswith("ACME COALITION LETTERHEAD")
    assert "Acme Coalition, 1 Example Street, Geneva" in pages[0]
    for number, page in enumerate(pages[1:], 2):
        assert page.lstrip().startswith("Acme Coalition (continued)"), number
        assert "LETTERHEAD" not in page
        assert re.search(rf"^\s*{number}\s*$", page, re.M), f"no page number on {number}"
