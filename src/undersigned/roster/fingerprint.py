"""The fingerprint of a letter's text as its signatories read it (the letter's own text, or a
translation's): what an endorsement names."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from pathlib import Path

from ..errors import RosterError
from ..format.dates import PartialDate
from ..format.load import load_letter
from ..format.model import Citation, Letter, LinkPart

_NOTE_CALL = re.compile(r"(?<!\\)\[\^([^\]\s]+)\]")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _plain(value):
    if isinstance(value, dt.date | PartialDate):
        return value.isoformat()
    if isinstance(value, str):
        return _norm(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__
                if k not in ("pos", "field_pos", "key") and getattr(value, k) not in (None, [])}
    return value


def fingerprint(letter: Letter) -> str:
    """A fingerprint of the letter's text as signatories read it: `sha256:<hex>`.

    It covers the body, and the footnotes and sources the body calls, in a canonical form:
    footnote keys are replaced by their numbers (order of first call) and sources by their
    fields, whitespace is collapsed and Unicode normalised (NFC). So renaming a key, reordering
    `footnotes:` or re-wrapping a line keeps the fingerprint; changing a word, a citation or a
    URL changes it.
    """
    numbers: dict[str, int] = {}
    for block in letter.body:
        for text in block.texts:
            for key in _NOTE_CALL.findall(text):
                if key in letter.footnotes:
                    numbers.setdefault(key, len(numbers) + 1)

    def calls(text: str) -> str:
        return _norm(_NOTE_CALL.sub(lambda m: f"[^{numbers.get(m.group(1), m.group(1))}]", text))

    body = [{"kind": b.kind, "text": calls(b.text), "items": [calls(i) for i in b.items],
             "ordered": b.ordered} for b in letter.body]
    notes = []
    for key in numbers:
        parts = []
        for part in letter.footnotes[key].parts:
            if isinstance(part, Citation):
                cited = letter.sources.get(part.cite)
                parts.append({"cite": _plain(cited) if cited else part.cite,
                              **{k: _norm(v) for k in ("pinpoint", "quotation", "prefix",
                                                       "suffix") if (v := getattr(part, k))}})
            elif isinstance(part, LinkPart):
                parts.append({"link": part.link, **({"text": calls(part.text)} if part.text
                                                    else {})})
            else:
                parts.append({"text": calls(part.text)})
        notes.append(parts)
    data = json.dumps({"body": body, "notes": notes}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()


def current_fingerprints(letter: Letter, translations=()) -> dict[str | None, str]:
    """The fingerprint of the letter (key None) and of each translation (key: its language)."""
    from ..format.translations.align import translated_letter

    out: dict[str | None, str] = {None: fingerprint(letter)}
    for tr in translations:
        out[tr.lang] = fingerprint(translated_letter(letter, tr))
    return out


class Fingerprints:
    """The fingerprint of the text in each language, for the signatures `sign` records; the
    letter and each translation are read once, when first needed."""

    def __init__(self, letter_path: Path):
        self.path = letter_path
        self.letter: Letter | None = None
        self.known: dict[str | None, str] = {}

    def language(self, lang: str | None) -> str | None:
        """None for the letter's own language, else the tag (a translation) as its file
        spells it."""
        from ..format.translations.layout import spelled_tag

        self._load()
        if not lang or lang.lower() == self.letter.lang.lower():
            return None
        return spelled_tag(self.letter.path, lang)

    def of(self, lang: str | None = None) -> str:
        lang = self.language(lang)
        if lang not in self.known:
            if lang is None:
                self.known[None] = fingerprint(self.letter)
            else:
                self.known[lang] = _translation_fingerprint(self.letter, lang)
        return self.known[lang]

    def _load(self) -> None:
        if self.letter is None:
            letter, problems = load_letter(self.path, self.path.name)
            if letter is None:
                raise RosterError("the letter cannot be read, so the text signatories endorse "
                                  "is unknown; fix it first (`undersigned validate`):\n"
                                  + "\n".join(p.format() for p in problems))
            self.letter = letter


def _translation_fingerprint(letter: Letter, lang: str) -> str:
    from ..errors import TranslationError
    from ..format.translations.align import translated_letter
    from ..format.translations.layout import check_lang_tag, translation_path
    from ..format.translations.reading import load_translation

    try:
        check_lang_tag(lang)  # a tag, never a path: it names a file under translations/
    except TranslationError as e:
        raise RosterError(str(e)) from None
    path = translation_path(letter.path, lang)
    if not path.is_file():
        raise RosterError(f"the letter has no {lang} translation ({path.parent.parent.name}/"
                          f"{path.parent.name}/{path.name}), so the {lang} text signatories "
                          f"endorse is unknown; make it with `undersigned translate "
                          f"{letter.slug} {lang}`, or check the language tag")
    tr, problems = load_translation(path, letter.lang, path.name)
    if tr is None or any(p.severity.value == "error" for p in problems):
        raise RosterError(f"the {lang} translation cannot be read; fix it first "
                          "(`undersigned validate`):\n" + "\n".join(p.format() for p in problems))
    return fingerprint(translated_letter(letter, tr))


def letter_fingerprint(letter_path: Path, lang: str | None = None) -> str:
    """The fingerprint of a letter file (or of its translation into `lang`); refuses a letter
    that does not load."""
    return Fingerprints(letter_path).of(lang)
