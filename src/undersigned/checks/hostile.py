"""Hostile text: invisible, control and bidi characters in any text of a letter or roster
(suspicious-text), and names that mix Latin with look-alike letters (mixed-script)."""

from __future__ import annotations

import datetime as dt

from ..format.model import (
    Block,
    Citation,
    Footnote,
    Letter,
    Party,
    Roster,
    Section,
    Signatory,
    SignatureStyle,
    Source,
    TextPart,
)
from ..problems import Pos, Problem
from ..textsafety import describe, mixed_script, suspicious_characters, visible

# Fields that hold no free text (identifiers, choices, fingerprints, private contacts).
_NOT_TEXT = frozenset({"pos", "field_pos", "item_pos", "path", "slug", "key", "kind", "type",
                       "status", "endorsed", "email", "date_format", "lang", "language"})
# Fields of a signatory that print on one line: a line break there makes two lines of a list.
_ONE_LINE = frozenset({"name", "title", "sort_as", "country"})
_ROSTER_TEXT = ("name", "title", "sort_as", "country", "via", "withdrawal_reason")


def check_text(model: Letter | Roster) -> list[Problem]:
    """Rules suspicious-text (every text of a letter or roster) and mixed-script (names)."""
    out: list[Problem] = []
    if isinstance(model, Roster):  # a flat loop: rosters hold tens of thousands of entries
        # positions and names are made only for the (rare) texts that are suspicious
        texts = ((value, s, key, key in _ONE_LINE)
                 for s in model.signatories for key in _ROSTER_TEXT
                 if (value := getattr(s, key)) and not (value.isascii() and value.isprintable()))
    else:
        texts = _texts(model, model.pos, None)
    for text, pos, what, one_line in texts:
        if isinstance(pos, Signatory):
            if not suspicious_characters(text, one_line):
                continue
            s, key = pos, what
            pos, what = s.field_pos.get(key, s.pos), f"{key} of '{visible(s.name)}'"
        if found := suspicious_characters(text, one_line):
            out.append(pos.warning(
                "suspicious-text",
                f"{what} holds {describe(found)}: invisible or control characters that can "
                "make a text read differently from what it contains; retype it without them"))
    if isinstance(model, Roster):
        for s in model.signatories:
            if not s.name.isascii() and (why := mixed_script(s.name)):
                out.append(s.field_pos.get("name", s.pos).warning(
                    "mixed-script",
                    f"'{visible(s.name)}': {why}; a look-alike letter can disguise a duplicate "
                    "or another name — retype the name on a Latin keyboard (or entirely in "
                    "the other script)"))
    return out


def _texts(obj, where: Pos, owner: str | None, one_line: bool = False):
    """(text, position, what it is, one-line field?) for every string of a model object."""
    import dataclasses

    if isinstance(obj, str):
        yield obj, where, owner, one_line
    elif isinstance(obj, list):
        for item in obj:
            yield from _texts(item, getattr(item, "pos", where), owner, one_line)
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _texts(value, getattr(value, "pos", where), owner, one_line)
    elif dataclasses.is_dataclass(obj):
        owner = _owner_of(obj, owner)
        field_pos = getattr(obj, "field_pos", {})
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name in _NOT_TEXT or value is None or isinstance(value, bool | dt.date):
                continue
            pos = field_pos.get(f.name) or field_pos.get(f.name.replace("_", "-")) \
                or getattr(obj, "pos", where)
            if isinstance(obj, Block) and f.name == "items":
                for item, ipos in zip(value, obj.item_pos, strict=False):
                    yield item, ipos, "an item of a list", False
                continue
            name = f.name.replace("_", "-")
            if isinstance(obj, Block | TextPart) and f.name == "text":
                what = owner
            elif owner is None:
                what = f"'{name}'"
            elif isinstance(value, str):
                what = f"{name} of {owner}"
            else:
                what = owner
            yield from _texts(value, pos, what, isinstance(obj, Signatory) and f.name in _ONE_LINE)


def _owner_of(obj, parent: str | None) -> str | None:
    """How a message names the part of a letter or roster that holds a text."""
    if isinstance(obj, Signatory | Party):
        return f"'{visible(obj.name)}'"
    if isinstance(obj, Footnote):
        return f"footnote '{obj.key}'"
    if isinstance(obj, Source):
        return f"source '{obj.key}'"
    if isinstance(obj, Block):
        return {"heading": "a heading", "quote": "a block quotation"}.get(obj.kind, "a paragraph")
    if isinstance(obj, TextPart):
        return f"the text of {parent}"
    if isinstance(obj, Citation):
        return f"a citation in {parent}"
    if isinstance(obj, SignatureStyle | Section):
        return "'signatures'"
    return parent
