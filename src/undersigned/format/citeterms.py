"""A citation style's words in the language of the output ("accessed" → "consulté le").

A style's layouts are written with its words in English. Its `terms:` setting gives each
word in other languages; while notes are formatted in a language (`locales.localized`),
every such word in the layouts' literal text is replaced, looked up along the tag as the
page's labels are (zh-Hant-TW → zh-Hant → zh). English output is never touched. The name
of a source's language (`[in Chinese]`) is given in the output's language from CLDR.
"""

from __future__ import annotations

import re
from functools import cache

from ..errors import LanguageError
from .labels import fallback_tags
from .locales import babel_locale, base_language, current, is_english

#: the names of languages in English notes (kept as they were before CLDR names)
LANGUAGE_NAMES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fr": "French",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "my": "Burmese",
    "pt": "Portuguese", "ru": "Russian", "th": "Thai", "vi": "Vietnamese", "zh": "Chinese",
}

Terms = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # hashable: (word, ((lang, text)…))


def read_terms(value) -> Terms:
    """A style's `terms:` (word → {language tag: text}) checked; ValueError says what is wrong."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise ValueError("'terms' maps each word the layouts print to its text per language, "
                         "e.g. accessed: {fr: consulté le, de: abgerufen am}")
    out = []
    for word, texts in value.items():
        if not isinstance(word, str) or not word.strip() or not isinstance(texts, dict) or \
                not all(isinstance(k, str) and isinstance(v, str) for k, v in texts.items()):
            raise ValueError(f"'terms': '{word}' must map language tags to texts "
                             "(fr: consulté le)")
        out.append((word, tuple((k.replace("_", "-").lower(), v) for k, v in texts.items())))
    return tuple(out)


@cache
def _replacer(terms: Terms, lang: str):
    """(pattern, {word: text}) for `lang`, or None when no word has a text in it."""
    tags = fallback_tags(lang)[:-1]  # English is the layouts' own text
    chosen: dict[str, str] = {}
    for word, texts in terms:
        by_tag = dict(texts)
        found = next((by_tag[t] for t in tags if t in by_tag), None)
        if found is not None:
            chosen[word] = found
    if not chosen:
        return None
    words = sorted(chosen, key=len, reverse=True)  # "archived at" before "at"
    alternation = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)({alternation})(?!\w)( ?)"), chosen


def localized_words(terms: Terms, text: str) -> str:
    """`text` (literal text of a layout) with the style's words in the output's language."""
    loc = current()
    if not terms or loc is None or is_english(loc.lang):
        return text
    found = _replacer(terms, loc.lang)
    if found is None:
        return text
    pattern, chosen = found
    # a word that a language leaves out ("[in Chinese]" → "[中文]") takes its space with it
    return pattern.sub(lambda m: chosen[m.group(1)] + m.group(2) if chosen[m.group(1)] else "",
                       text)


def language_name(tag: str) -> str:
    """The name of a source's language, in the output's language (English by default)."""
    base = base_language(tag)
    loc = current()
    if loc is not None and not is_english(loc.lang):
        try:
            name = babel_locale(loc.lang).languages.get(base)
        except LanguageError:  # a tag CLDR does not know: the English name
            name = None
        if name:
            return name
    return LANGUAGE_NAMES.get(base, tag)
