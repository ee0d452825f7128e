"""Rules of a translation against its letter: translation-stale, translation-missing and
translation-notes, and the inline and suspicious-text rules on each translated text."""

from __future__ import annotations

from ..format.inline import note_refs
from ..format.model import Letter
from ..format.translations.align import Pair, align
from ..format.translations.diff import word_diff
from ..format.translations.layout import unit_label
from ..format.translations.reading import Translation
from ..problems import Problem
from ..textsafety import describe, suspicious_characters
from .citations import check_inline


def check_translation(letter: Letter, tr: Translation) -> list[Problem]:
    """`translation-stale`, `translation-missing` and `translation-notes` of one translation."""
    from ..format.locales import base_language

    named, body = align(letter, tr)
    src_lang = base_language(letter.lang) or letter.lang
    out: list[Problem] = []
    body_pos = tr.top.value_pos.get("body", tr.pos) if tr.top is not None else tr.pos
    for pair in [*named, *body]:
        state = pair.state
        if state == "ok":
            out += _check_calls(letter, pair, tr)
            continue
        if state == "orphan":
            out.append(pair.unit.pos.warning(
                "translation-stale",
                f"this translates a text the letter no longer has ({unit_label(pair.unit.key)}); "
                f"`undersigned translate {letter.slug} {tr.lang}` removes it"))
            continue
        src = pair.source
        if state == "missing":
            where = pair.unit.pos if pair.unit else (body_pos if src.key == "body" else tr.pos)
            out.append(where.warning(
                "translation-missing",
                f"{src.label} has no {tr.lang} translation yet; "
                + ("write it under the comment that shows the text" if pair.unit else
                   f"`undersigned translate {letter.slug} {tr.lang}` adds it to translate")))
            continue
        earlier = pair.earlier
        change = (f": {word_diff(earlier, src.text)}" if earlier is not None else
                  " (the text it was made from is not recorded in the file)")
        new = _yaml(src.fingerprint)
        how = ("update the translation, then delete the 'outdated:' line" if pair.unit.outdated
               is not None else f"update the translation, then set 'source: {new}' "
               f"(or run `undersigned translate {letter.slug} {tr.lang}` to mark it)")
        out.append(pair.unit.pos.warning(
            "translation-stale",
            f"{src.label} changed in the {src_lang} text since it was translated{change}; {how}"))
        out += _check_calls(letter, pair, tr)
    return out


def _yaml(value: str) -> str:
    """A fingerprint as it must be written in YAML: quoted when it would read as a number
    (`123e45678901` is a float to YAML)."""
    from ..format.rosterlayout import quote

    return quote(value)


def _check_calls(letter: Letter, pair: Pair, tr: Translation) -> list[Problem]:
    """A translated text calls the same footnotes as its source text, so every language has
    the same notes with the same numbers."""
    if pair.unit is None or not pair.unit.texts or pair.source is None:
        return []
    want = sorted({k for t in pair.source.texts for k in note_refs(t)})
    have = sorted({k for t in pair.unit.texts for k in note_refs(t)})
    if want == have:
        return []
    missing = [k for k in want if k not in have]
    extra = [k for k in have if k not in want]
    said = []
    if missing:
        said.append("lacks " + ", ".join(f"[^{k}]" for k in missing))
    if extra:
        said.append("calls " + ", ".join(f"[^{k}]" for k in extra) + " which the source "
                    "does not")
    return [pair.unit.pos.error(
        "translation-notes",
        f"the {tr.lang} translation of {pair.source.label} {' and '.join(said)}; call the same "
        "footnotes as the source text, so that every language has the same notes")]


def check_translated_text(letter: Letter, translation) -> list[Problem]:
    """The inline rules of the body and notes (footnote calls, links, {fields}) and
    suspicious-text, on each text of a translation."""
    out: list[Problem] = []
    units = [*translation.named.values(), *translation.body]
    for unit in units:
        for text in unit.texts or ():
            if unit.key == "body":
                out += check_inline(letter, text, unit.pos, set())
            elif unit.key.startswith("notes\x1f"):  # a note's text (translations.K)
                out += check_inline(letter, text, unit.pos, None)
            if found := suspicious_characters(text, False):
                out.append(unit.pos.warning(
                    "suspicious-text",
                    f"this translated text holds {describe(found)}: invisible or control "
                    "characters that can make a text read differently from what it contains; "
                    "retype it without them"))
    return out
