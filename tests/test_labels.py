"""The page's fixed words ("Notes", "cc:", …) in each language: format/labels.py and labels.yaml."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import pytest
import yaml
from lxml import etree

from undersigned.format.labels import LABEL_KEYS, TABLE, fallback_tags, page_labels

from .test_translations import SLUG, W, invoke, right_to_left_workspace, ws  # noqa: F401

LANGUAGES = ("en", "fr", "es", "de", "ar", "zh-Hans", "zh-Hant", "ja", "ko", "ru")


def notes_heading(html: str) -> str:
    return re.search(r'<h2 id="notes-heading">([^<]*)</h2>', html).group(1)


def cc_label(html: str) -> str:
    return re.search(r'<p class="cc-label">([^<]*)</p>', html).group(1)


def backlink_labels(html: str) -> list[str]:
    return re.findall(r'class="backlink" role="doc-backlink" aria-label="([^"]*) \(\d+\)"', html)


def copy_recipients_runs(docx) -> list[str]:
    """The text of each run of the first paragraph in the Copy Recipients style (a tab "\t",
    a line break "\n")."""
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        styles = etree.fromstring(z.read("word/styles.xml"))
    style_id = next(s.get(f"{W}styleId") for s in styles.iter(f"{W}style")
                    if s.find(f"{W}name").get(f"{W}val") == "Copy Recipients")
    first = next(p for p in body.iter(f"{W}p")
                 if (ps := p.find(f"{W}pPr/{W}pStyle")) is not None
                 and ps.get(f"{W}val") == style_id)
    return ["".join("\t" if c.tag == f"{W}tab" else "\n" if c.tag == f"{W}br" else c.text or ""
                    for c in r if c.tag in (f"{W}t", f"{W}tab", f"{W}br"))
            for r in first.iter(f"{W}r")]


# --- the table ---------------------------------------------------------------------------------

def test_the_table_has_every_word_in_every_language():
    table = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    for lang in LANGUAGES:
        assert set(table[lang]) == set(LABEL_KEYS), lang
        assert all(isinstance(v, str) and v.strip() for v in table[lang].values()), lang
    assert set(table) >= set(LANGUAGES)
    # no language but English borrows the English heading by mistake
    assert len({table[lang]["back"] for lang in LANGUAGES}) == len(LANGUAGES) - 1  # zh shares


def test_a_regional_tag_falls_back_along_its_parts():
    assert fallback_tags("zh-Hant-TW") == ["zh-hant-tw", "zh-hant", "zh", "en"]
    assert page_labels("zh-Hant-TW") == page_labels("zh-Hant")
    assert page_labels("zh-hant-tw")["notes"] == "註釋"
    assert page_labels("zh-TW") == page_labels("zh-Hant")  # a Traditional region, no script
    assert page_labels("zh-CN") == page_labels("zh-Hans") == page_labels("zh")
    assert page_labels("fr-CA") == page_labels("fr")
    assert page_labels("de_AT")["notes"] == "Anmerkungen"
    assert page_labels("pt-BR") == page_labels("en")  # not in the table: English
    assert page_labels("en") == {"notes": "Notes", "back": "Back to the text", "cc": "cc:",
                                 "signatories": "Signatories", "copies": "Copies",
                                 "annex": "Annex"}


def test_a_translations_own_words_win_and_fill_in_from_the_table():
    own = {"notes": "ملاحظات", "bogus": "x", "cc": ""}
    words = page_labels("ar-EG", own)
    assert words["notes"] == "ملاحظات"
    assert words["cc"] == page_labels("ar")["cc"]  # an empty word is no word
    assert "bogus" not in words


# --- rendered ----------------------------------------------------------------------------------

def test_the_chinese_example_prints_its_labels_in_chinese_in_every_format(ws):  # noqa: F811
    result = invoke("render", SLUG, "--lang", "en", "--lang", "zh-Hant", "--out", "o")
    assert result.exit_code == 0, result.output
    html = (ws / "o" / f"{SLUG}.zh-Hant.html").read_text(encoding="utf-8")
    assert notes_heading(html) == "註釋"
    assert cc_label(html) == "副本："
    assert 'aria-label="副本"' in html
    assert set(backlink_labels(html)) == {"返回正文"}
    # the label on a line of its own: it would not fit the hanging indent of "cc:"
    assert copy_recipients_runs(ws / "o" / f"{SLUG}.zh-Hant.docx")[:2] == ["副本：", "\n"]
    text = (ws / "o" / f"{SLUG}.zh-Hant.txt").read_text(encoding="utf-8")
    assert "\n副本：\n" in text and "cc:" not in text
    # English is as it was
    english = (ws / "o" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert notes_heading(english) == "Notes" and cc_label(english) == "cc:"
    assert set(backlink_labels(english)) == {"Back to the text"}
    assert copy_recipients_runs(ws / "o" / f"{SLUG}.docx")[:2] == ["cc:", "\t"]
    assert "\ncc:\n" in (ws / "o" / f"{SLUG}.txt").read_text(encoding="utf-8")


def with_copies(root) -> None:
    """The scaffold's statement with a copy recipient, so that the cc label prints."""
    path = root / "letters" / "example-statement.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("date: 2024-03-15\n", "date: 2024-03-15\ncc:\n"
                                 "  - name: Office of the Special Rapporteur\n"), encoding="utf-8")


def test_the_scaffolds_arabic_translation_prints_its_labels_in_arabic(tmp_path, monkeypatch):
    root = right_to_left_workspace(tmp_path, monkeypatch)
    with_copies(root)
    result = invoke("render", "example-statement", "--out", "o")
    assert result.exit_code == 0, result.output
    html = (root / "o" / "example-statement.ar.html").read_text(encoding="utf-8")
    assert notes_heading(html) == "الحواشي"
    assert cc_label(html) == "نسخة إلى:"
    assert set(backlink_labels(html)) == {"العودة إلى النص"}
    assert copy_recipients_runs(root / "o" / "example-statement.ar.docx")[0] == "نسخة إلى:"
    text = (root / "o" / "example-statement.ar.txt").read_text(encoding="utf-8")
    assert "\u200f\u2068نسخة إلى:\u2069" in text.splitlines()  # a right-to-left line
    assert notes_heading((root / "o" / "example-statement.html").read_text(
        encoding="utf-8")) == "Notes"


def test_a_translation_file_sets_its_own_labels(tmp_path, monkeypatch):
    root = right_to_left_workspace(tmp_path, monkeypatch)
    with_copies(root)
    path = root / "translations" / "example-statement" / "ar.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("lang: ar\n", "lang: ar\nlabels:\n  notes: ملاحظات\n"
                                 "  cc: \"نسخة:\"\n"), encoding="utf-8")
    result = invoke("render", "example-statement", "--lang", "ar", "--out", "o")
    assert result.exit_code == 0, result.output
    html = (root / "o" / "example-statement.ar.html").read_text(encoding="utf-8")
    assert notes_heading(html) == "ملاحظات" and cc_label(html) == "نسخة:"
    assert set(backlink_labels(html)) == {"العودة إلى النص"}  # the table's, not set here
    assert copy_recipients_runs(root / "o" / "example-statement.ar.docx")[0] == "نسخة:"
    assert "\u200f\u2068نسخة:\u2069" in (root / "o" / "example-statement.ar.txt").read_text(
        encoding="utf-8").splitlines()
    # `translate` keeps the labels as they are
    assert invoke("translate", "example-statement", "ar").exit_code == 0
    assert "labels:\n  notes: ملاحظات\n" in path.read_text(encoding="utf-8")


def test_an_unknown_label_is_a_located_warning(tmp_path, monkeypatch):
    root = right_to_left_workspace(tmp_path, monkeypatch)
    path = root / "translations" / "example-statement" / "ar.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("lang: ar\n", "lang: ar\nlabels:\n  note: ملاحظات\n"),
                    encoding="utf-8")
    result = invoke("validate", "example-statement", "--format", "json")
    assert result.exit_code == 0, result.output  # a warning only
    found = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "unknown-key"]
    assert len(found) == 1
    line = path.read_text(encoding="utf-8").splitlines().index("  note: ملاحظات") + 1
    assert found[0]["line"] == line and found[0]["severity"] == "warning"
    assert found[0]["file"].endswith("ar.yaml")
    assert "did you mean 'notes'" in found[0]["message"]
    assert invoke("validate", "example-statement", "--strict").exit_code == 1


@pytest.mark.parametrize("value", ["[a, b]", "{x: y}"])
def test_a_label_that_is_not_text_is_an_error(tmp_path, monkeypatch, value):
    root = right_to_left_workspace(tmp_path, monkeypatch)
    path = root / "translations" / "example-statement" / "ar.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("lang: ar\n", f"lang: ar\nlabels:\n  notes: {value}\n"),
                    encoding="utf-8")
    result = invoke("validate", "example-statement", "--format", "json")
    assert result.exit_code == 1
    found = [p for p in json.loads(result.stdout)["problems"] if p["rule"] == "wrong-type"]
    assert found and "labels.notes" in found[0]["message"]


def test_the_pdf_prints_the_label_whole_above_the_copy_recipients(ws):  # noqa: F811
    pytest.importorskip("weasyprint")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = invoke("render", SLUG, "--lang", "zh-Hant", "--to", "pdf", "--out", "o")
    assert result.exit_code == 0, result.output
    words = pdf_words(ws / "o" / f"{SLUG}.zh-Hant.pdf")
    label = [w for w in words if w[4] == "副本："]
    party = [w for w in words if w[4] == "中華人民共和國外交部駐香港特別行政區特派員公署"]
    assert len(label) == 1 and len(party) == 1  # the label is not broken across lines
    assert label[0][3] <= party[0][1] + 1  # above the first copy recipient
    assert abs(label[0][0] - party[0][0]) < 1  # and at the same left edge


def pdf_words(path) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of each word pdftotext -bbox finds."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    root = etree.fromstring(out.encode(), etree.XMLParser(recover=True))
    return [(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")),
             float(w.get("yMax")), w.text or "") for w in root.iter("{*}word")]
