"""Translations: stale and missing texts, `undersigned translate`, rendering in every language,
and signatures bound to the language their signatory read."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from undersigned.cli import cli
from undersigned.format import locales
from undersigned.format.dates import format_date
from undersigned.format.translations.diff import word_diff
from undersigned.format.translations.units import unit_fingerprint

from .conftest import GOLDEN, REPO

SLUG = "hk-consulate-defector-2016"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RLM = "\u200f"


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def ws(tmp_path, monkeypatch):
    """The repository's example workspace with its translations, and a second translation
    (ja, a copy of the zh-Hant one: its text does not matter here) of the Hong Kong letter."""
    root = tmp_path / "ws"
    root.mkdir()
    for name in ("letters", "signatories", "templates", "schema", "translations"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    folder = root / "translations" / SLUG
    (folder / "ja.yaml").write_text(
        (folder / "zh-Hant.yaml").read_text(encoding="utf-8").replace("lang: zh-Hant",
                                                                      "lang: ja"),
        encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def letter_path(ws):
    return ws / "letters" / f"{SLUG}.yaml"


def edit_letter(ws, old: str, new: str) -> None:
    path = letter_path(ws)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(slug=SLUG, rules=("translation-stale", "translation-missing", "translation-notes",
                               "endorsement-stale")):
    result = invoke("validate", slug, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return [p for p in json.loads(result.stdout)["problems"] if p["rule"] in rules]


def line_of(path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(needle)


# --- the examples ----------------------------------------------------------------------------

def test_the_examples_translations_are_current(ws):
    assert problems() == []
    assert problems("china-forced-repatriation-2023") == []


def test_the_scaffold_has_a_right_to_left_sample_translation(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "w").exit_code == 0
    monkeypatch.chdir(tmp_path / "w")
    path = tmp_path / "w" / "translations" / "example-statement" / "ar.yaml"
    assert "SAMPLE TRANSLATION made for demonstration" in path.read_text(encoding="utf-8")
    result = invoke("validate", "--strict")
    assert result.exit_code == 0, result.output
    result = invoke("render", "example-statement", "--lang", "ar", "--to", "html", "--out", "o")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "w" / "o" / "example-statement.ar.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="ar" dir="rtl">', html)


# --- stale and missing ------------------------------------------------------------------------

def test_one_changed_word_makes_exactly_that_block_stale_in_each_translation(ws):
    edit_letter(ws, "Whoever this person is, the danger is real.",
                "Whoever this person is, the danger is grave.")
    found = problems()
    assert [(p["file"], p["rule"]) for p in found] == [
        (f"translations/{SLUG}/ja.yaml", "translation-stale"),
        (f"translations/{SLUG}/zh-Hant.yaml", "translation-stale"),
    ]
    for p in found:
        path = ws / p["file"]
        # reported on the translated block of paragraph 2, with the word diff of the source
        assert p["line"] == line_of(path, "paragraph: 無論此人是誰")
        assert "block 2 of the body" in p["message"]
        assert "the danger is [-real.-]{+grave.+} As one Hong Kong columnist" in p["message"]
        new = unit_fingerprint("paragraph", ["Whoever this person is, the danger is grave. As "
                                             "one Hong Kong columnist reminded readers, “North "
                                             "Korean agents are known to try to abduct or kill "
                                             "any Talbukja […] defectors fleeing the Communist "
                                             "regime”.[^agents]"])
        assert f"'source: {new}'" in p["message"]


def test_translate_marks_the_changed_block_and_nothing_else(ws):
    """Golden: the translation after one word of the English changed and `translate` ran."""
    path = ws / "translations" / SLUG / "zh-Hant.yaml"
    before = path.read_text(encoding="utf-8")
    edit_letter(ws, "Whoever this person is, the danger is real.",
                "Whoever this person is, the danger is grave.")
    result = invoke("translate", SLUG, "zh-Hant")
    assert result.exit_code == 0, result.output
    assert "1 marked outdated" in result.stdout
    after = path.read_text(encoding="utf-8")
    golden = GOLDEN / "translate" / "zh-Hant.after-one-word.yaml"
    assert after == golden.read_text(encoding="utf-8"), (
        "regenerate on purpose only: " + "".join(difflib.unified_diff(
            golden.read_text(encoding="utf-8").splitlines(True), after.splitlines(True))))
    # every changed line is in the block of paragraph 2; the translation itself is kept
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines())
               if line[:2] in ("- ", "+ ")]
    assert len(changed) == 5, changed
    assert all("f42c714e5263" in c or "outdated:" in c or "# en: Whoever" in c or
               c.startswith("+   - source:") for c in changed), changed
    assert "無論此人是誰，危險都是真實的" in after
    # idempotent
    again = invoke("translate", SLUG, "zh-Hant")
    assert "up to date" in again.stdout
    assert path.read_text(encoding="utf-8") == after
    # still stale (marked), with the diff from the `outdated:` text
    stale = [p for p in problems() if p["file"].endswith("zh-Hant.yaml")]
    assert len(stale) == 1 and "[-real.-]{+grave.+}" in stale[0]["message"]
    assert "delete the 'outdated:' line" in stale[0]["message"]
    # translating it clears the warning
    text = after.replace("無論此人是誰，危險都是真實的", "無論此人是誰，危險都是嚴重的")
    text = re.sub(r"\n +outdated: [^\n]*", "", text)
    path.write_text(text, encoding="utf-8")
    assert [p["file"] for p in problems()] == [f"translations/{SLUG}/ja.yaml"]


def test_a_new_paragraph_is_missing_until_translated(ws):
    edit_letter(ws, "  - Thank you for your urgent attention to this matter.\n",
                "  - Thank you for your urgent attention to this matter.\n"
                "  - A new closing paragraph.\n")
    found = problems()
    assert [(p["file"].split("/")[-1], p["rule"]) for p in found] == [
        ("ja.yaml", "translation-missing"), ("zh-Hant.yaml", "translation-missing")]
    assert "block 6 of the body" in found[0]["message"]
    path = ws / "translations" / SLUG / "zh-Hant.yaml"
    before = path.read_text(encoding="utf-8")
    assert invoke("translate", SLUG, "zh-Hant").exit_code == 0
    after = path.read_text(encoding="utf-8")
    added = [line[2:] for line in difflib.ndiff(before.splitlines(), after.splitlines())
             if line.startswith("+ ")]
    assert added == [f"  - source: {unit_fingerprint('paragraph', ['A new closing paragraph.'])}",
                     "    # en: A new closing paragraph.", "    paragraph:"]
    assert not [line for line in difflib.ndiff(before.splitlines(), after.splitlines())
                if line.startswith("- ")]
    # still missing (empty) until someone writes it
    assert [p["rule"] for p in problems() if "zh-Hant" in p["file"]] == ["translation-missing"]
    path.write_text(after.replace("    paragraph:\n", "    paragraph: 新的結語。\n"),
                    encoding="utf-8")
    assert [p for p in problems() if "zh-Hant" in p["file"]] == []


def test_a_deleted_paragraph_is_reported_then_removed(ws):
    edit_letter(ws, "  - Thank you for your urgent attention to this matter.\n", "")
    found = [p for p in problems() if "zh-Hant" in p["file"]]
    assert [p["rule"] for p in found] == ["translation-stale"]
    assert "no longer has" in found[0]["message"]
    result = invoke("translate", SLUG, "zh-Hant")
    assert "1 removed" in result.stdout
    assert "感謝閣下從速關注此事" not in (ws / "translations" / SLUG / "zh-Hant.yaml").read_text(
        encoding="utf-8")
    assert [p for p in problems() if "zh-Hant" in p["file"]] == []


def test_a_translation_must_call_the_same_notes(ws):
    path = ws / "translations" / SLUG / "zh-Hant.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("脫北者」。[^agents]", "脫北者」。"), encoding="utf-8")
    result = invoke("validate", SLUG)
    assert result.exit_code == 1
    assert re.search(r"zh-Hant\.yaml:\d+:\d+: error: translation-notes: .* lacks \[\^agents\]",
                     result.output)
    assert invoke("render", SLUG, "--out", "o").exit_code == 1


def test_a_broken_translation_file_is_an_error_with_its_line(ws):
    path = ws / "translations" / SLUG / "zh-Hant.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("lang: zh-Hant", "lang: [zh"),
                    encoding="utf-8")
    result = invoke("validate", SLUG)
    assert result.exit_code == 1
    assert f"translations/{SLUG}/zh-Hant.yaml:" in result.output
    assert "Traceback" not in result.output
    result = invoke("translate", SLUG, "zh-Hant")
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert result.output.startswith(f"Error: translations/{SLUG}/zh-Hant.yaml cannot be "
                                    "updated until it reads cleanly")


@pytest.mark.parametrize("lang", ["xx-nope", "en", "../x"])
def test_translate_refuses_a_bad_language(ws, lang):
    result = invoke("translate", SLUG, lang)
    assert result.exit_code == 1 and result.output.startswith("Error: "), result.output
    assert not (ws / "translations" / SLUG / f"{lang}.yaml").exists()


def test_word_diff_shows_the_change_with_context():
    old = "one two three four five six seven eight nine ten eleven twelve thirteen"
    new = "one two three four five six seven EIGHT nine ten eleven twelve thirteen"
    assert word_diff(old, new, context=3) == "… five six seven [-eight-]{+EIGHT+} nine ten eleven …"


# --- rendering --------------------------------------------------------------------------------

def footnote_numbers(docx_path):
    with zipfile.ZipFile(docx_path) as z:
        body = etree.fromstring(z.read("word/document.xml"))
        notes = etree.fromstring(z.read("word/footnotes.xml"))
    calls = [int(r.get(f"{W}id")) for r in body.iter(f"{W}footnoteReference")]
    defined = [int(n.get(f"{W}id")) for n in notes.iter(f"{W}footnote")
               if not n.get(f"{W}type")]
    return calls, defined, body


def test_every_language_renders_every_format(ws):
    result = invoke("render", SLUG, "--out", "o")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (ws / "o").iterdir())
    assert names == sorted(f"{SLUG}{lang}.{ext}" for lang in ("", ".ja", ".zh-Hant")
                           for ext in ("docx", "html", "txt"))
    english = footnote_numbers(ws / "o" / f"{SLUG}.docx")
    chinese = footnote_numbers(ws / "o" / f"{SLUG}.zh-Hant.docx")
    assert english[0] == chinese[0] and english[1] == chinese[1]  # real notes, same numbers
    assert len(chinese[1]) == 7
    text = (ws / "o" / f"{SLUG}.zh-Hant.txt").read_text(encoding="utf-8")
    assert text.startswith("2016年8月3日\n\n梁振英\n香港特別行政區行政長官\n")  # date, addressee
    assert "cc:\n中華人民共和國外交部駐香港特別行政區特派員公署\n" in text
    assert "聯署者（截至2016年8月3日）：" in text  # "as of", in Chinese
    assert "2016年7月29日" in text  # a cited source's date, in Chinese
    html = (ws / "o" / f"{SLUG}.zh-Hant.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hant">' in html
    with zipfile.ZipFile(ws / "o" / f"{SLUG}.zh-Hant.docx") as z:
        styles = z.read("word/styles.xml").decode()
    assert 'w:eastAsia="Noto Serif CJK TC"' in styles and 'w:val="zh-Hant"' in styles
    # the English outputs are what they were without translations
    alone = invoke("render", SLUG, "--lang", "en", "--out", "en-only")
    assert alone.exit_code == 0
    for ext in ("html", "txt", "docx"):
        assert (ws / "en-only" / f"{SLUG}.{ext}").read_bytes() == (
            ws / "o" / f"{SLUG}.{ext}").read_bytes()
    assert sorted(p.name for p in (ws / "en-only").iterdir()) == [
        f"{SLUG}.{ext}" for ext in ("docx", "html", "txt")]


def test_render_chooses_languages_whatever_their_case(ws):
    result = invoke("render", SLUG, "--lang", "zh-hant", "--lang", "EN", "--to", "txt",
                    "--out", "o")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (ws / "o").iterdir()) == [f"{SLUG}.txt", f"{SLUG}.zh-Hant.txt"]


def test_render_refuses_a_language_the_letter_lacks(ws):
    result = invoke("render", SLUG, "--lang", "fr", "--out", "o")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "no fr translation" in result.output
    assert not (ws / "o").exists()


def test_notes_keep_the_source_numbers_when_a_translation_swaps_two_calls(ws):
    path = ws / "translations" / SLUG / "zh-Hant.yaml"
    text = path.read_text(encoding="utf-8")
    # paragraph 4 calls [^purview] then [^responsibility]; the translation swaps them
    text = text.replace("[^purview]然而", "[^responsibility]然而").replace(
        "的安全」。[^responsibility]", "的安全」。[^purview]")
    path.write_text(text, encoding="utf-8")
    assert invoke("render", SLUG, "--lang", "zh-Hant", "--to", "txt", "--out", "o"
                  ).exit_code == 0
    out = (ws / "o" / f"{SLUG}.zh-Hant.txt").read_text(encoding="utf-8")
    assert "範圍」。[7]然而" in out and "的安全」。[6]" in out
    notes = re.findall(r"^\[(\d+)\] (.*)$", out, re.MULTILINE)
    assert [n for n, _ in notes] == ["1", "2", "3", "4", "5", "6", "7"]


def right_to_left_workspace(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("init", "w").exit_code == 0
    root = tmp_path / "w"
    monkeypatch.chdir(root)
    return root


def test_a_right_to_left_translation_in_every_format(tmp_path, monkeypatch):
    root = right_to_left_workspace(tmp_path, monkeypatch)
    assert invoke("render", "example-statement", "--out", "o").exit_code == 0
    html = (root / "o" / "example-statement.ar.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    english = (root / "o" / "example-statement.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english
    text = (root / "o" / "example-statement.ar.txt").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    # right-to-left lines, each holding its text as an isolate of its own direction
    assert all(line.startswith(RLM + "\u2068") and line.endswith("\u2069") for line in lines)
    assert f"{RLM}\u206815 مارس 2024\u2069" in lines  # the month in Arabic
    assert f"{RLM}\u2068Alex Example\u2069" in lines  # a Latin name keeps its own order
    assert RLM not in (root / "o" / "example-statement.txt").read_text(encoding="utf-8")
    with zipfile.ZipFile(root / "o" / "example-statement.ar.docx") as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        document = etree.fromstring(z.read("word/document.xml"))
    default = styles.find(f"{W}docDefaults")
    assert default.find(f"{W}pPrDefault/{W}pPr/{W}bidi") is not None
    assert default.find(f"{W}rPrDefault/{W}rPr/{W}lang").get(f"{W}bidi") == "ar"
    assert default.find(f"{W}rPrDefault/{W}rPr/{W}rFonts").get(f"{W}cs") == "Noto Naskh Arabic"
    assert document.find(f".//{W}sectPr/{W}bidi") is not None
    with zipfile.ZipFile(root / "o" / "example-statement.docx") as z:
        assert b"<w:bidi/>" not in z.read("word/styles.xml")


# --- dates, numbers, collation ----------------------------------------------------------------

DAY = dt.date(2023, 9, 21)


def test_dates_in_the_letters_own_language_and_in_translations():
    assert format_date(DAY, "MMMM D, YYYY") == "September 21, 2023"  # no locale: as before
    with locales.localized("en", translated=False):
        assert format_date(DAY, "MMMM D, YYYY") == "September 21, 2023"
    with locales.localized("fr", translated=False):  # a French letter, its own pattern
        assert format_date(DAY, "D MMMM YYYY") == "21 septembre 2023"
    with locales.localized("de", translated=True):  # a translation: the locale's arrangement
        assert format_date(DAY, "MMMM D, YYYY") == "21. September 2023"
    with locales.localized("ko", translated=True):
        assert format_date(DAY, "MMMM D, YYYY") == "2023년 9월 21일"
    with locales.localized("ar", translated=True):
        assert format_date(DAY, "MMMM D, YYYY") == "21 سبتمبر 2023"


def test_counts_are_formatted_per_language():
    assert locales.format_count(12345) == "12345"
    with locales.localized("de", translated=True):
        assert locales.format_count(12345) == "12.345"
    with locales.localized("en", translated=True):
        assert locales.format_count(12345) == "12345"


def test_token_patterns_map_to_cldr():
    assert locales.cldr_pattern("MMMM D, YYYY") == "MMMM' 'd', 'y"
    assert locales.cldr_skeleton("MMMM D, YYYY") == "yMMMMd"
    assert locales.cldr_skeleton("DD/MM/YY") == "yyMMdd"
    assert locales.direction("ar") == "rtl" and locales.direction("zh-Hant") == "ltr"


def test_signatories_follow_the_translations_collation(tmp_path, monkeypatch):
    pytest.importorskip("icu")
    root = right_to_left_workspace(tmp_path, monkeypatch)
    for name in ("Ångström Society", "Zeta Group", "Alpha Network"):
        assert invoke("sign", "add", "example-statement", "--name", name, "--kind",
                      "organization", "--date", "2024-03-14").exit_code == 0
    assert invoke("translate", "example-statement", "sv").exit_code == 0
    assert invoke("render", "example-statement", "--to", "txt", "--out", "o").exit_code == 0

    def order(name):
        text = (root / "o" / name).read_text(encoding="utf-8")
        return [n for n in re.findall(r"^\u200f?(.+)$", text, re.MULTILINE)
                if n in ("Ångström Society", "Zeta Group", "Alpha Network")]

    assert order("example-statement.txt") == ["Alpha Network", "Ångström Society", "Zeta Group"]
    assert order("example-statement.sv.txt") == ["Alpha Network", "Zeta Group",
                                                 "Ångström Society"]


# --- signatures know what they read ---------------------------------------------------------

def test_signatures_in_two_languages(ws):
    def add(name, *extra):
        result = invoke("sign", "add", SLUG, "--name", name, "--kind", "individual",
                        "--date", "2016-08-03", *extra)
        assert result.exit_code == 0, result.output

    add("Reader English", "--lang", "EN")  # the letter's own language: no lang recorded
    add("Reader Chinese", "--lang", "zh-hant")  # tags ignore case
    roster = (ws / "signatories" / f"{SLUG}.yaml").read_text(encoding="utf-8")
    assert re.search(r"name: Reader Chinese\n(?:    .*\n)*    lang: zh-Hant\n    endorsed: "
                     r"sha256:", roster)
    assert problems() == []

    def stale():
        result = invoke("sign", "list", SLUG, "--stale", "--format", "json")
        assert result.exit_code == 0, result.output
        return [(r["name"], r["lang"]) for r in json.loads(result.stdout)]

    assert stale() == []
    # a change to the Chinese text concerns only those who signed the Chinese text
    path = ws / "translations" / SLUG / "zh-Hant.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("危險都是真實的", "危險確實存在"),
                    encoding="utf-8")
    assert stale() == [("Reader Chinese", "zh-Hant")]
    warned = [p for p in problems() if p["rule"] == "endorsement-stale"]
    assert len(warned) == 1 and "the zh-Hant translation" in warned[0]["message"]
    table = invoke("sign", "list", SLUG, "--stale").stdout
    assert re.search(r"Reader Chinese \[stale\] .* zh-Hant", table)
    assert "(zh-Hant: 1)" in table
    # a change to the English concerns only those who signed the English
    assert invoke("sign", "reconfirm", SLUG, "Reader Chinese").exit_code == 0
    assert stale() == []
    edit_letter(ws, "the danger is real.", "the danger is grave.")
    assert stale() == [("Reader English", None)]


def test_translate_finds_the_file_whatever_the_case_of_the_tag(ws):
    result = invoke("translate", SLUG, "ZH-hant")
    assert result.exit_code == 0 and "up to date" in result.stdout, result.output
    assert sorted(p.name for p in (ws / "translations" / SLUG).iterdir()) == ["ja.yaml",
                                                                           "zh-Hant.yaml"]


def test_sign_add_refuses_a_language_without_a_translation(ws):
    result = invoke("sign", "add", SLUG, "--name", "X Y", "--kind", "individual",
                    "--lang", "fr")
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert "no fr translation" in result.output


def test_import_reads_the_language_column(ws):
    csv = ws / "form.csv"
    csv.write_text("Name,Type,Language,Date\nAnn Lee,individual,zh-Hant,2016-08-03\n"
                   "Bo Ek,individual,,2016-08-03\n", encoding="utf-8")
    result = invoke("sign", "import", SLUG, str(csv))
    assert result.exit_code == 0, result.output
    listed = json.loads(invoke("sign", "list", SLUG, "--format", "json").stdout)
    by_name = {r["name"]: r for r in listed}
    assert by_name["Ann Lee"]["lang"] == "zh-Hant" and by_name["Bo Ek"]["lang"] is None
    assert by_name["Ann Lee"]["endorsed"] != by_name["Bo Ek"]["endorsed"]
    bad = ws / "bad.csv"
    bad.write_text("Name,Type,Language\nCy Do,individual,fr\n", encoding="utf-8")
    result = invoke("sign", "import", SLUG, str(bad))
    assert result.exit_code == 1 and "no fr translation" in result.output


# --- diff -------------------------------------------------------------------------------------

def test_diff_shows_translation_changes_per_language(ws):
    import subprocess

    def git(*args):
        subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=T", *args],
                       cwd=ws, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "start")
    path = ws / "translations" / SLUG / "zh-Hant.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("危險都是真實的", "危險確實存在"),
                    encoding="utf-8")
    (ws / "translations" / SLUG / "ja.yaml").unlink()
    result = invoke("diff")
    assert result.exit_code == 0, result.output
    assert "ja translation removed, zh-Hant translation: 1 text changed" in result.stdout
    assert "  ja: removed" in result.stdout
    edited = "block 2 of the body edited: …人是誰，危險[-都是真-]{+確+}實[-的-]{+存在+}。"
    assert edited in result.stdout
    data = json.loads(invoke("diff", "--format", "json").stdout)
    changes = {t["lang"]: t for t in data["letters"][0]["translations"]}
    assert changes["ja"]["status"] == "removed"
    assert changes["zh-Hant"]["changes"][0]["where"] == "edited"


def test_translated_text_gets_the_inline_and_hostile_text_rules(ws):
    path = ws / "translations" / SLUG / "zh-Hant.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("感謝閣下從速關注此事。",
                        "感謝閣下從速關注此事 [連結](javascript:alert(1))。")
    text = text.replace("paragraph: 無論此人是誰", "paragraph: \u202e無論此人是誰")
    path.write_text(text, encoding="utf-8")
    found = {(p["rule"], p["line"]) for p in json.loads(
        invoke("validate", SLUG, "--format", "json").stdout)["problems"]}
    assert ("url-invalid", line_of(path, "javascript:")) in found
    assert ("suspicious-text", line_of(path, "\u202e")) in found


@pytest.mark.parametrize("lang", ["../../letters/hk-consulate-defector-2016", "zh Hant"])
def test_a_language_is_a_tag_never_a_path(ws, lang):
    result = invoke("sign", "add", SLUG, "--name", "X Y", "--kind", "individual", "--lang", lang)
    assert result.exit_code == 1 and "is not a language tag" in result.output


def test_a_moved_paragraph_keeps_its_translation(ws):
    path = letter_path(ws)
    lines = path.read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("  - Whoever"))
    lines[first], lines[first + 1] = lines[first + 1], lines[first]  # paragraphs 2 and 3
    path.write_text("\n".join(lines), encoding="utf-8")
    assert problems() == []
    tr = ws / "translations" / SLUG / "zh-Hant.yaml"
    before = tr.read_text(encoding="utf-8")
    result = invoke("translate", SLUG, "zh-Hant")
    assert "nothing" not in result.stdout  # the order follows the letter's
    after = tr.read_text(encoding="utf-8")
    assert sorted(before.splitlines()) == sorted(after.splitlines())  # only moved
    assert after.index("國際特赦組織東亞研究員") < after.index("無論此人是誰")
    assert problems() == []


SHAPES = """\
kind: statement
title: T
lang: en
body:
  - heading: Our requests
  - list:
      - Stop the returns.
      - Let UNHCR in.
    ordered: true
  - quote: A quotation.[^q.1]
    id: the-quote
  - The end.
footnotes:
  q.1:  # a key with a dot
    - text: A note of commentary.
"""


def test_headings_lists_quotes_and_notes_translate(tmp_path, monkeypatch):
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "s.yaml").write_text(SHAPES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert invoke("translate", "s", "fr").exit_code == 0
    path = tmp_path / "translations" / "s" / "fr.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    ordered: true\n    list:\n" in text and "    id: the-quote\n" in text
    assert "    # en: Stop the returns.\n    # en: Let UNHCR in.\n" in text
    filled = (text.replace("    heading:\n", "    heading: Nos demandes\n", 1)
              .replace("    list:\n", "    list:\n      - Arrêter les retours.\n"
                                     "      - Laisser entrer le HCR.\n", 1)
              .replace("    quote:\n", "    # a comment of the translator, kept\n"
                                      "    quote: Une citation.[^q.1]\n", 1)
              .replace("    paragraph:\n", "    paragraph: La fin.\n", 1)
              .replace("commentary.\n      text:\n",
                       "commentary.\n      text: Une note de commentaire.\n", 1))
    filled = re.sub(r"^( +)text:$", r"\1text: Traduit", filled, flags=re.MULTILINE)
    path.write_text(filled, encoding="utf-8")
    assert problems("s", ("translation-stale", "translation-missing")) == []
    result = invoke("render", "s", "--lang", "fr", "--to", "txt", "--out", "o")
    assert result.exit_code == 0, result.output
    out = (tmp_path / "o" / "s.fr.txt").read_text(encoding="utf-8")
    for expected in ("Nos demandes", "1. Arrêter les retours.", "Une citation.[1]",
                     "[1] Une note de commentaire."):
        assert expected in out, out
    # the letter changes a list item and its quotation
    letter = tmp_path / "letters" / "s.yaml"
    letter.write_text(SHAPES.replace("Let UNHCR in.", "Let UNHCR in now.").replace(
        "A quotation.", "A longer quotation."), encoding="utf-8")
    found = problems("s", ("translation-stale",))
    assert len(found) == 2
    assert "Let UNHCR [-in.-]{+in now.+}" in found[0]["message"]
    assert "A {+longer+} quotation.[^q.1]" in found[1]["message"]
    assert invoke("translate", "s", "fr").exit_code == 0
    marked = path.read_text(encoding="utf-8")
    assert "# a comment of the translator, kept" in marked
    assert "Laisser entrer le HCR." in marked and "Une citation.[^q.1]" in marked
    assert marked.count("outdated:") == 2
    assert invoke("translate", "s", "fr").stdout.endswith("nothing changed.\n")


def test_a_fingerprint_that_reads_as_a_number_is_quoted(tmp_path, monkeypatch):
    """Some fingerprints are all digits, or digits around an 'e' (a float to YAML): found by
    searching texts whose fingerprint is one, then written, read back and matched."""
    number = re.compile(r"[0-9]+(?:e[0-9]+)?\Z")
    text = next(t for i in range(100_000)
                if number.match(unit_fingerprint("paragraph", [t := f"Paragraph {i}."])))
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "n.yaml").write_text(
        f"kind: statement\ntitle: T\nbody:\n  - {text}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert invoke("translate", "n", "fr").exit_code == 0
    path = tmp_path / "translations" / "n" / "fr.yaml"
    fingerprint = unit_fingerprint("paragraph", [text])
    assert f'  - source: "{fingerprint}"\n' in path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^( +)(paragraph|text):$", r"\1\2: Traduit", path.read_text(
        encoding="utf-8"), flags=re.MULTILINE), encoding="utf-8")
    assert problems("n") == []


def test_every_language_prints_to_pdf(ws):
    pytest.importorskip("weasyprint")
    result = invoke("render", SLUG, "--to", "pdf", "--out", "o")
    assert result.exit_code == 0, result.output
    for lang in ("", ".ja", ".zh-Hant"):
        assert (ws / "o" / f"{SLUG}{lang}.pdf").read_bytes().startswith(b"%PDF")
