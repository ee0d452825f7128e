"""Signatory sections and the letter's page layout as render-ready data for every format."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..format.model import Letter, Section, Signatory
from ..roster.collation import fold, sort_key
from ..textsafety import one_line

OTHER_COUNTRIES = "Other"
DEFAULT_SEPARATOR = ", "

_FIELD = re.compile(r"(?<!\\)\{(count:(?:all|organizations|individuals)|as_of)\}")
_PATTERN_FIELD = re.compile(r"\{(name|title)\}")


def fill_fields(text: str | None, value: Callable[[str], str]) -> str | None:
    """A heading or note with its {count:…} and {as_of} fields filled in."""
    if not text:
        return text
    return _FIELD.sub(lambda m: value(m.group(1)), text)


@dataclass
class Entry:
    """A printed signatory: name and title each on one line, so that no name can print as
    two entries of the list. `parts` is the entry as one line, for inline layouts: pieces
    ("name" | "title" | "text", text) that a format styles alike."""

    name: str
    title: str | None = None
    parts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def line(self) -> str:
        """The entry as one line of plain text."""
        if self.parts:
            return "".join(text for _, text in self.parts)
        return f"{self.name}, {self.title}" if self.title else self.name


@dataclass
class RSection:
    heading: str | None
    groups: list[tuple[str | None, list[Entry]]]
    layout: str = "stacked"  # stacked | inline | table
    columns: int | None = None  # None: see `cols`
    note: str | None = None

    @property
    def cols(self) -> int:
        """How many columns the entries are set in: as the letter says, else two for names
        alone (they are short) and one for a table or a list with titles."""
        if self.columns:
            return self.columns
        return 1 if self.layout == "table" or self.titled else 2

    @property
    def entries(self) -> list[Entry]:
        return [e for _, entries in self.groups for e in entries]

    @property
    def titled(self) -> bool:
        """Whether any entry has a title (a table then has a title column)."""
        return any(e.title for e in self.entries)


def inline_parts(name: str, title: str | None, section: Section) -> list[tuple[str, str]]:
    """The pieces of an entry set on one line: by `pattern`, or name, separator, title."""
    if not title:
        return [("name", name)]
    if section.pattern:
        parts: list[tuple[str, str]] = []
        pos = 0
        for m in _PATTERN_FIELD.finditer(section.pattern):
            if m.start() > pos:
                parts.append(("text", section.pattern[pos:m.start()]))
            parts.append((m.group(1), name if m.group(1) == "name" else title))
            pos = m.end()
        if pos < len(section.pattern):
            parts.append(("text", section.pattern[pos:]))
        return parts
    return [("name", name), ("text", section.separator if section.separator is not None
                             else DEFAULT_SEPARATOR), ("title", title)]


def _entry(s: Signatory, section: Section) -> Entry:
    name = one_line(s.name)
    title = one_line(s.title) if s.title else None
    title = title if title and title.strip() else None
    parts = inline_parts(name, title, section) if section.layout == "inline" else []
    return Entry(name, title, parts)


def signatory_sections(letter: Letter, printed: list[Signatory],
                       value: Callable[[str], str]) -> list[RSection]:
    """The sections of the list as printed: each section's entries in its order and layout.

    `printed` are the roster's printed signatories in the roster's own order; `value` fills
    the {count:…} and {as_of} fields of headings and notes.
    """
    sections = []
    for section in letter.signatures.sections:
        chosen = [s for s in printed if section.kind in ("all", s.kind)]
        if section.order != "as-listed":
            chosen.sort(key=sort_key)
        if not chosen:
            continue
        if letter.signatures.group_by == "country":
            groups: dict[str | None, list] = {}
            for s in chosen:
                groups.setdefault(s.country and one_line(s.country), []).append(
                    _entry(s, section))
            ordered = sorted(groups.items(), key=lambda kv: (kv[0] is None, fold(kv[0] or "")))
            # signatories without a country come last, under a heading of their own, so they
            # never read as part of the country listed before them
            pairs = [(country or OTHER_COUNTRIES, entries) for country, entries in ordered]
        else:
            pairs = [(None, [_entry(s, section) for s in chosen])]
        heading = fill_fields(section.heading, value)
        sections.append(RSection(heading.strip() if heading else None, pairs, section.layout,
                                 section.columns, fill_fields(section.note, value)))
    return sections
