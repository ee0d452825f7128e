"""The templates and layouts of a citation style: `{field}`s, `[…]` groups, pieces."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The fields a template may name: a source's fields (CSL names), the citation's own, and
# what the formatter knows (the note of the first citation, the language's name).
SOURCE_FIELDS = ("author", "title", "title-short", "original-title", "language",
                 "container-title", "publisher", "genre", "number", "volume", "page",
                 "authority", "handle", "issued", "accessed", "URL", "link", "archived_url")
CITATION_FIELDS = ("pinpoint", "quotation", "first-note")
LINK_FIELDS = ("URL", "text")
FILTERS = ("quoted", "italic", "at", "year")
# `{link}` prints `link_text` linked to the URL, or the URL itself: it prints both fields.
PRINTS = {"link": ("URL", "link_text")}


@dataclass(frozen=True)
class Lit:
    text: str


@dataclass(frozen=True)
class Var:
    name: str
    filter: str | None = None
    absent: bool = False  # `{!name}`: prints nothing, and only when the field is empty


@dataclass(frozen=True)
class Group:
    """`[…]`: printed only when every field inside it has a value."""

    items: tuple


_TEMPLATE_TOKEN = re.compile(
    r"\\(.)|\{(!?[A-Za-z_-]+)(?::([a-z]+))?\}|(\[)|(\])|([^\\{}\[\]]+)|(.)")


def parse_template(text: str, fields: tuple[str, ...]) -> tuple:
    """A template → a tree of Lit, Var and Group; ValueError says what is wrong with it."""
    stack: list[list] = [[]]
    for m in _TEMPLATE_TOKEN.finditer(text):
        escaped, name, filt, opening, closing, plain, stray = m.groups()
        if escaped is not None:
            stack[-1].append(Lit(escaped))
        elif name is not None:
            absent = name.startswith("!")
            name = name.lstrip("!")
            if name not in fields:
                raise ValueError(f"unknown field {{{name}}} (known: {', '.join(fields)})")
            if filt is not None and filt not in FILTERS:
                raise ValueError(f"unknown filter ':{filt}' (known: {', '.join(FILTERS)})")
            stack[-1].append(Var(name, filt, absent))
        elif opening:
            stack.append([])
        elif closing:
            if len(stack) == 1:
                raise ValueError("a ']' closes no '['; write \\] for a literal bracket")
            items = stack.pop()
            stack[-1].append(Group(tuple(items)))
        elif plain is not None:
            stack[-1].append(Lit(plain))
        else:
            raise ValueError(f"a stray '{stray}'; write \\{stray} for a literal one")
    if len(stack) != 1:
        raise ValueError("a '[' is never closed; write \\[ for a literal bracket")
    return tuple(stack[0])


def _template_fields(items) -> set[str]:
    out: set[str] = set()
    for item in items:
        if isinstance(item, Var) and not item.absent:
            out.add(item.name)
        elif isinstance(item, Group):
            out |= _template_fields(item.items)
    return out


@dataclass(frozen=True)
class Piece:
    """One piece of a layout: the first of its alternatives whose fields all have values."""

    alternatives: tuple[tuple, ...]
    attach: bool = False  # joined to the piece before without the delimiter
    quoted: bool = False
    italic: bool = False

    def fields(self) -> set[str]:
        return set().union(*(_template_fields(a) for a in self.alternatives))


Layout = tuple[Piece, ...]


def parse_layout(value, fields: tuple[str, ...], where: str) -> Layout:
    if not isinstance(value, list):
        value = [value]
    pieces = []
    for item in value:
        attach = quoted = italic = False
        if isinstance(item, dict):
            unknown = set(item) - {"text", "attach", "quoted", "italic"}
            if unknown or "text" not in item:
                raise ValueError(f"a piece of {where} is a mapping with 'text:' and optionally "
                                 "'attach', 'quoted', 'italic' (true/false)")
            attach, quoted, italic = (bool(item.get(k)) for k in ("attach", "quoted", "italic"))
            item = item["text"]
        alternatives = item if isinstance(item, list) else [item]
        if not alternatives or not all(isinstance(a, str) for a in alternatives):
            raise ValueError(f"a piece of {where} must be text, a list of alternative texts, "
                             "or a mapping with 'text:'")
        try:
            parsed = tuple(parse_template(a, fields) for a in alternatives)
        except ValueError as e:
            raise ValueError(f"in {where}: {e}") from e
        pieces.append(Piece(parsed, attach, quoted, italic))
    return tuple(pieces)
