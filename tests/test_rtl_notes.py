"""An English citation inside a right-to-left note keeps its own order in every format: each
run of English fields is isolated (HTML <bdi dir="ltr">, LRI … PDI in text, DOCX runs marked
left to right between isolate controls), and nothing changes in a left-to-right letter."""

from __future__ import annotations

import re
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree
from lxml import html as lxml_html

from undersigned.cli import cli

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LRI, PDI = "\u2066", "\u2069"
SLUG = "example-statement"
URL = "https://example.org/reports/2024/"

#: the runs the Arabic note 1 isolates: English fields with the punctuation between them
ENGLISH_RUNS = [
    "United Nations General Assembly",
    "A/RES/217(III), art. 19",
    "Example Aid Group Inc., “Who Decides? Press Laws in 2023”, The Example Times",
    f"p. 4, {URL}",
]


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def add_english_citation(root) -> None:
    """The scaffold's note cites a second source whose title the Arabic sample leaves
    untranslated: an author ending in a full stop, a quoted title ending in a question mark,
    an address ending in a slash: the neutral characters the bidi algorithm moves."""
    letter = root / "letters" / f"{SLUG}.yaml"
    text = letter.read_text(encoding="utf-8")
    text = text.replace("      pinpoint: art. 19\n",
                        "      pinpoint: art. 19\n    - cite: press\n      pinpoint: p. 4\n")
    text += ("  press:\n    type: article-newspaper\n    author: Example Aid Group Inc.\n"
             "    title: Who Decides? Press Laws in 2023\n"
             "    container-title: The Example Times\n    issued: 2024-01-05\n"
             f"    URL: {URL}\n")
    letter.write_text(text, encoding="utf-8")


def mixed_notes_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "w").exit_code == 0
    root = tmp_path / "w"
    monkeypatch.chdir(root)
    add_english_citation(root)
    return root


@pytest.fixture
def rendered(tmp_path, monkeypatch):
    root = mixed_notes_workspace(tmp_path, monkeypatch)
    result = invoke("render", SLUG, "--out", "o")
    assert result.exit_code == 0, result.output
    return root / "o"


def test_html_isolates_each_english_run_of_an_arabic_note(rendered):
    page = lxml_html.fromstring((rendered / f"{SLUG}.ar.html").read_bytes())
    note = page.get_element_by_id("fn-1")
    runs = note.findall(".//bdi")
    assert [b.text_content() for b in runs] == ENGLISH_RUNS
    assert all(b.get("dir") == "ltr" and b.getparent() is note for b in runs)
    assert runs[-1].find("a").get("href") == URL  # the address inside its isolate
    # the punctuation between the runs stays outside them, in the note's direction
    outside = "".join(note.xpath("text()"))
    assert outside.startswith(", الإعلان العالمي") and "; " in outside
    # the same isolates in the note that a paged-media engine floats to the page foot
    floated = page.xpath('//span[@class="fn"][@data-n="1"]')[0]
    assert [b.text_content() for b in floated.findall("bdi")] == ENGLISH_RUNS
    english = (rendered / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "<bdi" not in english


def test_text_holds_each_english_run_between_lri_and_pdi(rendered):
    text = (rendered / f"{SLUG}.ar.txt").read_text(encoding="utf-8")
    note = next(line for line in text.splitlines() if line.startswith("\u200f\u2068[1] "))
    assert re.findall(f"{LRI}(.*?){PDI}", note) == ENGLISH_RUNS
    assert LRI not in (rendered / f"{SLUG}.txt").read_text(encoding="utf-8")


def test_wrapped_text_closes_an_isolate_on_each_line(tmp_path, monkeypatch):
    mixed_notes_workspace(tmp_path, monkeypatch)
    assert invoke("render", SLUG, "--lang", "ar", "--to", "txt", "--width", "40", "--out",
                  "o").exit_code == 0
    text = (tmp_path / "w" / "o" / f"{SLUG}.ar.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    notes = lines[next(i for i, line in enumerate(lines) if line.startswith("\u200f\u2068[1] ")):]
    assert len(notes) > 4
    for line in notes:  # each line is a paragraph to the bidi algorithm
        depth = 0
        for ch in line:
            depth += ch in "\u2066\u2067\u2068"
            depth -= ch == PDI
            assert depth >= 0, line
        assert depth == 0, line
    joined = "".join(re.sub(f"[{LRI}{PDI}\u2068\u200f]", "", line).strip() for line in notes)
    assert URL in joined


def footnote_runs(docx, number: int) -> list:
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/footnotes.xml"))
    note = root.find(f"{W}footnote[@{W}id='{number}']")
    return list(note.iter(f"{W}r"))


def run_direction(run) -> str | None:
    rtl = run.find(f"{W}rPr/{W}rtl")
    if rtl is None:
        return None
    return "ltr" if rtl.get(f"{W}val") in ("0", "false", "off") else "rtl"


def test_docx_marks_the_english_runs_left_to_right_between_isolates(rendered):
    runs = footnote_runs(rendered / f"{SLUG}.ar.docx", 1)
    isolated: list[str] = []
    current: list[str] | None = None
    for run in runs:
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if text == LRI:
            current = []
        elif text == PDI:
            isolated.append("".join(current))
            current = None
        if current is not None:
            assert run_direction(run) == "ltr", text
            if text != LRI:
                current.append(text)
        else:
            assert run_direction(run) is None or text == PDI, text
    assert isolated == ENGLISH_RUNS
    english = footnote_runs(rendered / f"{SLUG}.docx", 1)
    assert all(run_direction(r) is None for r in english)
    assert not any(LRI in (t.text or "") for r in english for t in r.iter(f"{W}t"))
