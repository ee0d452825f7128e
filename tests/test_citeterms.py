"""A citation style's words in the output's language: format/citeterms.py and `terms:`."""

from __future__ import annotations

import re
import zipfile

import pytest

from undersigned.errors import CitationStyleError
from undersigned.format.citations.styles import BUILTIN_STYLES, load_style
from undersigned.format.citeterms import language_name, localized_words
from undersigned.format.load import load_letter
from undersigned.format.locales import localized
from undersigned.render.prepare import prepare

from .conftest import FIXTURES
from .test_citations import flat
from .test_translations import invoke, right_to_left_workspace

GALLERY = FIXTURES / "citations" / "letters" / "gallery.yaml"


def gallery(style, lang: str | None, translated: bool = True) -> dict[str, str]:
    """The gallery's notes in `lang` (None: outside any language, as `validate` formats)."""
    letter, problems = load_letter(GALLERY)
    assert letter is not None, problems
    if lang is None:
        doc = prepare(letter, None, style)
    else:
        with localized(lang, translated=translated):
            doc = prepare(letter, None, style)
    return {n.key: flat(n.nodes) for n in doc.notes}


def words(text: str, word: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", text))


# (style, language): what the notes print in it instead of the style's English words
EXPECTED = [
    ("house", "fr", {"accessed": "consulté le", "vol.": "vol."}),
    ("house", "de", {"accessed": "abgerufen am", "vol.": "Bd."}),
    ("house", "zh-Hant", {"accessed": "瀏覽日期"}),
    ("house", "ar", {"accessed": "تاريخ الاطلاع"}),
    ("bluebook", "es", {"last visited": "consultado por última vez el",
                        "adopted by": "adoptado por", "No.": "n.º"}),
    ("bluebook", "de", {"last visited": "zuletzt abgerufen am", "No.": "Nr."}),
    ("bluebook", "ja", {"last visited": "最終閲覧日"}),
    ("oscola", "ru", {"accessed": "дата обращения:", "adopted by": "принят:"}),
    ("oscola", "ko", {"accessed": "검색일"}),
]


@pytest.mark.parametrize(("name", "lang", "expected"), EXPECTED)
def test_the_styles_words_print_in_the_translations_language(name, lang, expected):
    style = load_style(name)
    english = gallery(style, None)
    translated = gallery(style, lang)
    assert english.keys() == translated.keys()
    all_english, all_translated = "\n".join(english.values()), "\n".join(translated.values())
    for word, text in expected.items():
        assert words(all_english, word) > 0, (name, word)  # the gallery prints the word
        if text != word:
            assert words(all_translated, word) < words(all_english, word), (name, lang, word)
        assert all_translated.count(text) >= words(all_english, word), (name, lang, word)
    # the Latin abbreviations of legal writing stay
    for kept in ("Id.", "ibid", "supra"):
        assert all_translated.count(kept) == all_english.count(kept)


@pytest.mark.parametrize("name", BUILTIN_STYLES)
def test_english_notes_are_untouched(name):
    style = load_style(name)
    assert gallery(style, "en", translated=False) == gallery(style, None)
    assert style.terms and not any("en" in dict(texts) for _, texts in style.terms)


def test_a_regional_tag_uses_its_language_terms():
    style = load_style("house")
    assert gallery(style, "fr-CA") == gallery(style, "fr")
    assert gallery(style, "zh-Hant-TW") == gallery(style, "zh-Hant")
    assert gallery(style, "zh-TW") == gallery(style, "zh-Hant")
    assert gallery(style, "zh-Hant") != gallery(style, "zh-Hans")


@pytest.mark.parametrize(("lang", "printed"), [
    (None, "[in Chinese]"), ("fr", "[en chinois]"), ("de", "[auf Chinesisch]"),
    ("ar", "[باللغة الصينية]"), ("zh-Hans", "[中文]"), ("ja", "[中国語]"),
    ("ru", "[язык: китайский]")])
def test_a_sources_language_is_named_in_the_translations_language(lang, printed):
    """`\\[in {language}\\]` as the house style prints it; a word left empty drops its space."""
    terms = load_style("house").terms

    def bracket() -> str:
        return "[" + localized_words(terms, "in ") + language_name("zh-Hant") + "]"

    if lang is None:
        assert bracket() == printed
    else:
        with localized(lang, translated=True):
            assert bracket() == printed


@pytest.mark.parametrize(("lang", "text"), [("fr", " (archivé à l’adresse <"),
                                            ("zh-Hant", " (存檔於 <"), ("pt", " (archived at <")])
def test_a_word_of_several_words_is_one_term(lang, text):
    style = load_style("oscola")
    with localized(lang, translated=True):
        assert localized_words(style.terms, " (archived at <") == text


def test_a_workspace_style_sets_its_own_terms(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "mine.yaml").write_text(
        "extends: house\nterms:\n  accessed:\n    de: gesehen am\n", encoding="utf-8")
    mine = "\n".join(gallery(load_style("mine.yaml", templates), "de").values())
    assert "(gesehen am " in mine and "abgerufen am" not in mine
    assert "Bd. " in mine and "vol. " not in mine  # what it does not set is the house style's


@pytest.mark.parametrize("terms", ["terms: [accessed]\n", "terms:\n  accessed: vu le\n",
                                   "terms:\n  accessed:\n    fr: [vu]\n"])
def test_a_bad_terms_setting_says_what_it_holds(tmp_path, terms):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "bad.yaml").write_text("extends: house\n" + terms, encoding="utf-8")
    with pytest.raises(CitationStyleError, match="'terms'"):
        load_style("bad.yaml", templates)


def test_the_scaffolds_arabic_notes_say_accessed_in_arabic(tmp_path, monkeypatch):
    root = right_to_left_workspace(tmp_path, monkeypatch)
    result = invoke("render", "example-statement", "--out", "o")
    assert result.exit_code == 0, result.output
    out = root / "o"
    text = (out / "example-statement.ar.txt").read_text(encoding="utf-8")
    html = (out / "example-statement.ar.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "example-statement.ar.docx") as z:
        notes = z.read("word/footnotes.xml").decode()
    for output in (text, html, notes):
        assert "(تاريخ الاطلاع " in output and "accessed" not in output
    with zipfile.ZipFile(out / "example-statement.docx") as z:
        assert "(accessed March 1, 2024)" in z.read("word/footnotes.xml").decode()
