"""Real programs print our HTML: headless Chromium (notes at the end), WeasyPrint (at the foot)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from undersigned.checks.validate import check_letter_file
from undersigned.format.inline import Text
from undersigned.render.html import render_html, render_pdf
from undersigned.render.prepare import Entry, Note, NoteCall, PBlock, RSection, prepare
from undersigned.render.text import inline_text

from .conftest import EXAMPLE_SLUG, REPO, TODAY
from .pdfwords import Word, assert_notes_at_the_foot, pdf_words
from .test_render_html import make_doc

pytestmark = pytest.mark.consumers

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(not PDFTOTEXT, reason="pdftotext (poppler-utils) not found")


def squeeze(text: str) -> str:
    """Text without whitespace or hyphens: lines break anywhere, even inside a URL, and
    pdftotext drops a hyphen that ends a line."""
    return re.sub(r"[\s\-]+", "", text)


def latin(text: str) -> str:
    """Text without Hangul and Han: Chromium embeds CJK fonts as Type 3 fonts whose glyphs
    render but do not extract as text (WeasyPrint's do; see test_weasyprint_shows_hangul)."""
    return re.sub(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u4e00-\u9fff]", "", text)


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    info = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, check=True,
                          text=True, timeout=60).stdout
    return info.split("\f")[:-1]  # pdftotext ends every page with a form feed


@pytest.fixture(scope="module")
def example():
    letter, roster, problems = check_letter_file(
        REPO / "letters" / f"{EXAMPLE_SLUG}.yaml", REPO, TODAY)
    assert letter is not None, problems
    return prepare(letter, roster)


def notes_at_the_foot(doc, pdf: bytes, tmp_path) -> list[list[Word]]:
    """Each note at the foot of the page of its first call, whole, read by position."""
    path = tmp_path / "notes.pdf"
    path.write_bytes(pdf)
    pages = pdf_words(PDFTOTEXT, path)
    assert_notes_at_the_foot(pages, {n.number: inline_text(n.nodes) for n in doc.notes},
                             label=r"\d+\.", text_of=lambda n, text: f"{n}. {text}")
    return pages


# --- Chromium -----------------------------------------------------------------------------

def chromium_pdf(html: str, tmp_path) -> bytes:
    page = tmp_path / "letter.html"
    page.write_text(html, encoding="utf-8")
    target = tmp_path / "chromium.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
         f"--print-to-pdf={target}", page.as_uri()],
        capture_output=True, timeout=120, check=False)
    assert target.is_file(), "Chromium wrote no PDF"
    return target.read_bytes()


@needs_pdftotext
@pytest.mark.skipif(not CHROMIUM, reason="Chromium not found")
def test_chromium_prints_the_letter_with_its_notes_at_the_end(example, tmp_path):
    pdf = chromium_pdf(render_html(example, None), tmp_path)
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf, tmp_path)
    text = latin(squeeze("".join(pages)))
    assert squeeze("Re: China’s Forcible Repatriation of North Korean Refugees") in text
    # every note, in full, once: the page-foot copies stay hidden in a browser's print
    for note in example.notes:
        assert text.count(latin(squeeze(inline_text(note.nodes)))) == 1, f"note {note.number}"
    assert squeeze("World Coalition Against the Death Penalty (WCADP)") in text
    assert "↩" not in text  # back-links are for the screen
    assert re.search(rf"1\s*/\s*{len(pages)}", pages[0]), "no page number in the margin box"


# --- WeasyPrint ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def weasy_pdf(example) -> bytes:
    """The example printed by WeasyPrint."""
    pytest.importorskip("weasyprint")
    return render_pdf(example)


@pytest.fixture(scope="module")
def weasy_pages(weasy_pdf, tmp_path_factory) -> list[str]:
    """The example printed by WeasyPrint, as the text of each page."""
    return pdf_pages(weasy_pdf, tmp_path_factory.mktemp("weasyprint"))


@needs_pdftotext
def test_weasyprint_puts_each_note_at_the_foot_of_its_page(example, weasy_pdf, tmp_path):
    pages = notes_at_the_foot(example, weasy_pdf, tmp_path)
    assert len(pages) > 1
    # no endnote list in paged media: each note's text appears once
    text = squeeze("".join(w.text for page in pages for w in page))
    for note in example.notes:
        assert text.count(squeeze(inline_text(note.nodes))) == 1, f"note {note.number}"
    for number, page in enumerate(pages, 1):
        # the margin box "n / N", centred below everything else on the page
        line = [w.text for w in page if w.y0 >= max(o.y0 for o in page) - 0.5]
        assert " ".join(line) == f"{number} / {len(pages)}", f"no page number on {number}"


@needs_pdftotext
def test_weasyprint_keeps_each_signatory_on_one_page(example, weasy_pages):
    pages = [squeeze(p) for p in weasy_pages]
    for section in example.sections:
        for entry in section.entries:
            whole = squeeze(entry.name + (entry.title or ""))
            assert any(whole in p for p in pages), f"{entry.name} is split across pages"


@needs_pdftotext
def test_weasyprint_notes_stay_with_their_calls_across_many_pages(tmp_path):
    """Long notes on every paragraph force notes to compete for the foot of each page.

    It failed (note 16 of 40 a page after its call, with DejaVu fonts only) while the note
    area had a margin, which WeasyPrint does not count when it decides whether a note fits
    (#14: letter.css's @footnote has none now)."""
    pytest.importorskip("weasyprint")
    filler = ("The coalition urges the authorities to respect the principle of "
              "non-refoulement and to grant access to the refugee agency. ") * 3
    blocks, notes = [], []
    for n in range(1, 41):
        words = f"{filler}Marker{n:02d}"
        blocks.append(PBlock("paragraph", [[Text(words), NoteCall(n, f"k{n}")]]))
        note = f"Note{n:02d} " + "Commentary citing a source at length. " * (1 + n % 6)
        notes.append(Note(n, f"k{n}", [Text(note)]))
    doc = make_doc(blocks=blocks, notes=notes,
                   sections=[RSection("Organizations", [(None, [Entry("Org")])])])
    pages = notes_at_the_foot(doc, render_pdf(doc), tmp_path)
    assert len(pages) >= 5


@needs_pdftotext
def test_weasyprint_shows_hangul(weasy_pages):
    fonts = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True,
                           check=False).stdout if shutil.which("fc-list") else ""
    if not fonts.strip():
        pytest.skip("no Korean font installed (Debian: fonts-noto-cjk)")
    assert "유엔인권사무소장" in "".join(weasy_pages)


# --- footnote calls stay with the word before them (#14) ----------------------------------

def pdf_lines(pdf: bytes, tmp_path) -> list[list[tuple[str, float, float]]]:
    """Every line pdftotext finds, as its words (text, x, height), page by page."""
    from lxml import etree

    path = tmp_path / "bbox.pdf"
    path.write_bytes(pdf)
    xhtml = subprocess.run([PDFTOTEXT, "-bbox-layout", str(path), "-"], capture_output=True,
                           check=True, timeout=60).stdout
    root = etree.fromstring(xhtml, etree.XMLParser(recover=True))
    lines = []
    for line in root.iter("{*}line"):
        words = [(w.text or "", float(w.get("xMin")), float(w.get("yMax")) - float(w.get("yMin")))
                 for w in line.iter("{*}word")]
        if words:
            lines.append(words)
    return lines


def calls_starting_a_line(pdf: bytes, tmp_path, numbers: set[int]) -> list[str]:
    """Lines that begin with a footnote call: a small number standing alone at the start."""
    lines = pdf_lines(pdf, tmp_path)
    body = sorted(h for line in lines for _, _, h in line)
    typical = body[len(body) // 2]
    found = []
    for words in lines:
        text, _, height = words[0]
        if text.isdigit() and int(text) in numbers and height < 0.85 * typical \
                and not (len(words) > 1 and words[1][0] == "/"):  # "2 / 4": a page number
            found.append(" ".join(w for w, _, _ in words[:6]))
    return found


@needs_pdftotext
def test_weasyprint_never_starts_a_line_with_a_footnote_call(example, tmp_path):
    """Measured on the page: each call sits on the line of the word before it (the example's
    notes 9 and 11 used to start lines). Several widths move every line break."""
    pytest.importorskip("weasyprint")
    html = render_html(example, None)
    numbers = {note.number for note in example.notes}
    checked = 0
    for margin in ("1.05in", "1.3in", "1.6in", "2in"):
        page = f"<style>@page {{ margin-left: {margin}; margin-right: {margin} }}</style></head>"
        pdf = render_pdf(html.replace("</head>", page, 1))
        assert calls_starting_a_line(pdf, tmp_path, numbers) == [], margin
        checked += 1
    assert checked == 4


@needs_pdftotext
@pytest.mark.skipif(not CHROMIUM, reason="Chromium not found")
def test_chromium_never_starts_a_line_with_a_footnote_call(example, tmp_path):
    html = render_html(example, None)
    numbers = {note.number for note in example.notes}
    for margin in ("0.8in", "1.7in"):
        page = f"<style>@page {{ margin-left: {margin}; margin-right: {margin} }}</style></head>"
        (tmp_path / margin).mkdir()
        pdf = chromium_pdf(html.replace("</head>", page, 1), tmp_path / margin)
        assert calls_starting_a_line(pdf, tmp_path, numbers) == [], margin


@needs_pdftotext
def test_weasyprint_leaves_no_stray_gap_above_the_notes(example, tmp_path):
    """#14: a page of the example had about six empty lines above its notes (WeasyPrint did
    not count the note area's margin, and moved a line and its note on to the next page).
    Measured: the space between the text and the first note of each page is less than two
    lines of text, at several page widths."""
    pytest.importorskip("weasyprint")
    html = render_html(example, None)
    numbers = {note.number for note in example.notes}
    for margin in ("1.05in", "1.4in"):
        page = f"<style>@page {{ margin-left: {margin}; margin-right: {margin} }}</style></head>"
        pdf = render_pdf(html.replace("</head>", page, 1))
        path = tmp_path / "gap.pdf"
        path.write_bytes(pdf)
        from lxml import etree

        xhtml = subprocess.run([PDFTOTEXT, "-bbox-layout", str(path), "-"],
                               capture_output=True, check=True, timeout=60).stdout
        root = etree.fromstring(xhtml, etree.XMLParser(recover=True))
        for number, page_el in enumerate(root.iter("{*}page"), 1):
            lines = sorted((float(line.get("yMin")), float(line.get("yMax")),
                            " ".join(w.text or "" for w in line.iter("{*}word")))
                           for line in page_el.iter("{*}line"))
            if any(text.startswith("Signature organizations") for _, _, text in lines):
                break  # the list: an entry (name and title) never splits, so it may leave room
            body = [y1 - y0 for y0, y1, text in lines if not re.match(r"\d+\. ", text)]
            height = sorted(body)[len(body) // 2]
            for (_, above, _), (top, _, text) in zip(lines, lines[1:], strict=False):
                m = re.match(r"(\d+)\. ", text)
                if m and int(m.group(1)) in numbers:  # the first note of the page
                    assert top - above < 2 * height * 1.5, (margin, number, top - above)
                    break
