"""A right-to-left translation is laid out right to left by real programs: Chromium for the
HTML, LibreOffice for the DOCX (read back by position with pdftotext -bbox-layout)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata

import pytest
from click.testing import CliRunner
from lxml import etree

from undersigned.cli import cli

pytestmark = pytest.mark.consumers

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), None)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

#: appended to a copy of the letter: records, once laid out, each text element's computed
#: direction, its box and the box of its text
PROBE = """<script>
addEventListener("load", () => {
  const out = [];
  for (const el of document.querySelectorAll("main p, main h1, main h2")) {
    if (!el.textContent.trim()) continue;
    const box = el.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = range.getBoundingClientRect();
    out.push({tag: el.tagName, text: el.textContent.trim(),
              direction: getComputedStyle(el).direction,
              left: box.left, right: box.right, textLeft: text.left, textRight: text.right});
  }
  const pre = document.createElement("pre");
  pre.id = "probe";
  const names = [];
  for (const el of document.querySelectorAll(".signatory .name")) {
    const text = el.firstChild, last = text.length - 1, range = document.createRange();
    range.setStart(text, 0); range.setEnd(text, 1);
    const first = range.getBoundingClientRect().left;
    range.setStart(text, last); range.setEnd(text, last + 1);
    names.push({name: text.data, first: first, last: range.getBoundingClientRect().left});
  }
  pre.textContent = JSON.stringify({elements: out, names: names});
  document.body.appendChild(pre);
});
</script>"""


@pytest.fixture
def rendered(tmp_path, monkeypatch):
    """The scaffold's example and its Arabic sample translation, rendered, with a signatory
    whose name ends in a full stop (a neutral character, which bidi places by context)."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "w"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "w")
    assert CliRunner().invoke(cli, ["sign", "add", "example-statement", "--name",
                                    "Example Aid Group Inc.", "--kind", "organization",
                                    "--date", "2024-03-14"]).exit_code == 0
    result = CliRunner().invoke(cli, ["render", "example-statement", "--to", "html", "--to",
                                      "docx", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


def chromium_layout(html_path, tmp_path) -> dict:
    page = tmp_path / f"probe-{html_path.name}"
    page.write_text(html_path.read_text(encoding="utf-8").replace("</head>", PROBE + "</head>"),
                    encoding="utf-8")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000",
         "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert found, f"Chromium laid out nothing: {result.stderr[-500:]}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.skipif(not CHROMIUM, reason="Chromium not found")
def test_chromium_lays_the_arabic_translation_out_right_to_left(rendered, tmp_path):
    layout = chromium_layout(rendered / "example-statement.ar.html", tmp_path)
    arabic = layout["elements"]
    assert arabic and all(el["direction"] == "rtl" for el in arabic)
    for el in arabic:  # every text ends at the right edge of its box
        assert abs(el["textRight"] - el["right"]) < 1, el
    short = [el for el in arabic if el["tag"] == "H2" or el["text"] == "15 مارس 2024"]
    assert short
    for el in short:  # and a short line starts far from the left edge
        assert el["textLeft"] - el["left"] > (el["right"] - el["left"]) / 2, el
    # a Latin name reads left to right inside the right-to-left list: its full stop stays last
    inc = next(n for n in layout["names"] if n["name"] == "Example Aid Group Inc.")
    assert inc["first"] < inc["last"], inc
    english = chromium_layout(rendered / "example-statement.html", tmp_path)["elements"]
    assert all(el["direction"] == "ltr" for el in english)
    for el in english:
        assert abs(el["textLeft"] - el["left"]) < 1, el


def pdf_lines(pdf, tmp_path) -> tuple[float, list[tuple[float, float, str]]]:
    """The page width and each text line of page 1 as (xMin, xMax, text), top to bottom.

    Words are grouped by their baseline: pdftotext may cut one line of Arabic in two."""
    out = subprocess.run([PDFTOTEXT, "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         check=True, capture_output=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    page = root.find(".//x:page", ns)
    rows: dict[float, list] = {}
    for word in root.iterfind(".//x:word", ns):
        if all(unicodedata.combining(c) for c in word.text or ""):
            continue  # a lone shadda, which pdftotext may place on a baseline of its own
        # a word with a mark below a letter (a kasra under a shadda) reaches a point or so
        # lower than its neighbours: the same line within 2 points
        y = float(word.get("yMax"))
        row = next((key for key in rows if abs(key - y) < 2), y)
        rows.setdefault(row, []).append(word)
    lines = []
    for _, words in sorted(rows.items()):
        words.sort(key=lambda w: float(w.get("xMin")))  # left to right, as laid out
        lines.append((min(float(w.get("xMin")) for w in words),
                      max(float(w.get("xMax")) for w in words),
                      " ".join(w.text or "" for w in words)))
    return float(page.get("width")), lines


@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice or pdftotext not found")
def test_libreoffice_lays_the_arabic_docx_out_right_to_left(rendered, tmp_path):
    profile = tmp_path / "lo-profile"
    for name in ("example-statement.ar.docx", "example-statement.docx"):
        subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(rendered / name)],
                       check=True, capture_output=True, timeout=180)
    width, arabic = pdf_lines(tmp_path / "example-statement.ar.pdf", tmp_path)
    _, english = pdf_lines(tmp_path / "example-statement.pdf", tmp_path)
    # the date line, first on the page: at the right margin in Arabic, the left in English
    a_left, a_right, _ = arabic[0]
    e_left, e_right, _ = english[0]
    assert a_left > width / 2 and e_right < width / 2
    right_margin = max(x for _, x, _ in arabic)
    left_margin = min(x for x, _, _ in english)
    assert abs(a_right - right_margin) < 2 and abs(e_left - left_margin) < 2
    # every line of the Arabic page ends at the right margin (a note's text, after its
    # number, a little before it) or runs across the page; but the page number, centred
    short = 0
    for x_min, x_max, text in arabic:
        if text.isdigit():
            continue
        assert abs(x_max - right_margin) < 12 or x_min - left_margin < 12, text
        short += x_min - left_margin > width / 4
    assert short >= 4  # the date, the headings of the list, names: lines that show it
    # a Latin name reads left to right (in its column): its full stop stays at its end
    inc = next(line for line in arabic if "Inc" in line[2])
    assert "Example Aid Group Inc." in inc[2], inc


#: appended to a copy of the letter: the box of each character of note 1, in text order
NOTE_PROBE = """<script>
addEventListener("load", () => {
  const note = document.getElementById("fn-1"), chars = [];
  const walker = document.createTreeWalker(note, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      chars.push([node.data[i], box.left, box.right, box.top]);
    }
  }
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify({chars: chars});
  document.body.appendChild(pre);
});
</script>"""


@pytest.fixture
def mixed_notes(tmp_path, monkeypatch):
    """The scaffold with a second, English citation in its note (tests/test_rtl_notes.py)."""
    from .test_rtl_notes import SLUG, mixed_notes_workspace

    mixed_notes_workspace(tmp_path, monkeypatch)
    result = CliRunner().invoke(cli, ["render", SLUG, "--lang", "ar", "--to", "html", "--to",
                                      "docx", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    return tmp_path / "out"


@pytest.mark.skipif(not CHROMIUM, reason="Chromium not found")
@pytest.mark.parametrize("width", [800, 560])
def test_chromium_keeps_each_english_run_of_an_arabic_note_in_its_order(mixed_notes, tmp_path,
                                                                        width):
    from .test_rtl_notes import ENGLISH_RUNS, SLUG

    html = (mixed_notes / f"{SLUG}.ar.html").read_text(encoding="utf-8")
    page = tmp_path / "note-probe.html"
    page.write_text(html.replace("</head>", NOTE_PROBE + "</head>"), encoding="utf-8")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=3000",
         f"--window-size={width},2000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert found, f"Chromium laid out nothing: {result.stderr[-500:]}"
    chars = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))["chars"]
    text = "".join(c[0] for c in chars)
    for run in ENGLISH_RUNS:
        start = text.index(run)
        boxes = [c for c in chars[start:start + len(run)] if c[0] != " "]
        # within each line the run takes, its characters read left to right, so the final
        # full stop, slash or quotation mark stays after the word it follows
        lines: dict[float, list] = {}
        for ch, left, right, top in boxes:
            lines.setdefault(round(top), []).append((left, right, ch))
        for line in lines.values():
            pairs = zip(line, line[1:], strict=False)
            assert all(a[1] <= b[0] + 0.5 for a, b in pairs), (run, line)
        # and the lines follow each other top to bottom (a run broken across lines)
        assert list(lines) == sorted(lines), run


@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice or pdftotext not found")
def test_libreoffice_keeps_the_address_of_an_arabic_note_whole(mixed_notes, tmp_path):
    from .test_rtl_notes import SLUG, URL

    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(mixed_notes / f"{SLUG}.ar.docx")],
                   check=True, capture_output=True, timeout=180)
    out = subprocess.run([PDFTOTEXT, "-bbox", "-f", "1", "-l", "1",
                          str(tmp_path / f"{SLUG}.ar.pdf"), "-"],
                         check=True, capture_output=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True))
    words = [w.text or "" for w in root.iterfind(".//{http://www.w3.org/1999/xhtml}word")]
    assert URL in words, [w for w in words if "example" in w]  # its final slash at its end
    assert not any(w.startswith("/") for w in words)
