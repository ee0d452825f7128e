"""The translatable texts (units) of a source letter, and the fingerprint of each."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass

from ...problems import Pos
from ..load import BLOCK_KEYS
from ..model import Letter, TextPart
from .layout import PARTIES, PARTY_FIELDS, SCALARS, K, unit_label

FINGERPRINT_CHARS = 12


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class SourceUnit:
    """One translatable text of the source letter."""

    key: str  # 'title', K('signatures', 'heading'), K('notes', key, n), …, or 'body'
    kind: str  # text | paragraph | heading | quote | list
    texts: list[str]
    label: str  # how a message names it
    pos: Pos
    ordered: bool = False
    id: str | None = None

    @property
    def fingerprint(self) -> str:
        return unit_fingerprint(self.kind, self.texts, self.ordered)

    @property
    def text(self) -> str:
        """The text as one string: a list's items one per line."""
        return "\n".join(norm(t) for t in self.texts)


def unit_fingerprint(kind: str, texts: list[str], ordered: bool = False) -> str:
    """The first 12 hex digits of a SHA-256 of the unit's text: whitespace collapsed, NFC.

    Re-wrapping a line keeps it; changing a word, a footnote call or a list item changes it.
    """
    data = json.dumps({"kind": "text" if kind not in BLOCK_KEYS else kind,
                       "texts": [norm(t) for t in texts], "ordered": ordered},
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS]


def excerpt(text: str, width: int = 40) -> str:
    text = norm(text)
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def source_units(letter: Letter) -> tuple[dict[str, SourceUnit], list[SourceUnit]]:
    """The letter's translatable texts: (named units by key, body blocks in order)."""
    named: dict[str, SourceUnit] = {}
    fp = letter.field_pos
    for key in SCALARS:
        value = getattr(letter, key)
        if value:
            named[key] = SourceUnit(key, "text", [value], f"the {key}", fp.get(key, letter.pos))
    for group in PARTIES:
        for party in getattr(letter, group):
            for name in PARTY_FIELDS:
                if value := getattr(party, name):
                    key = K(group, party.name, name)
                    named.setdefault(key, SourceUnit(key, "text", [value],
                                                     unit_label(key), party.pos))
    sig = letter.signatures
    where = fp.get("signatures", letter.pos)
    key = K("signatures", "heading")
    named[key] = SourceUnit(key, "text", [sig.heading], "the heading of the signatures", where)
    if sig.note:
        key = K("signatures", "note")
        named[key] = SourceUnit(key, "text", [sig.note], "the note of the signatures", where)
    for section in sig.sections:
        key = K("signatures", "sections", section.kind)
        named.setdefault(key, SourceUnit(key, "text", [section.heading],
                                         f"the heading of the '{section.kind}' signatures",
                                         where))
    for note in letter.footnotes.values():
        n = 0
        for part in note.parts:
            if isinstance(part, TextPart):
                key = K("notes", note.key, n)
                named[key] = SourceUnit(key, "text", [part.text],
                                        f"text {n + 1} of note '{note.key}'", part.pos)
                n += 1
    for source in letter.sources.values():
        if source.title:
            key = K("sources", source.key, "title")
            named[key] = SourceUnit(key, "text", [source.title],
                                    f"the title of source '{source.key}'",
                                    source.field_pos.get("title", source.pos))
    body = []
    for i, block in enumerate(letter.body, 1):
        first = block.texts[0] if block.texts else ""
        body.append(SourceUnit("body", block.kind, block.texts,
                               f"block {i} of the body ({block.kind} “{excerpt(first)}”)",
                               block.pos, block.ordered, block.id))
    return named, body
