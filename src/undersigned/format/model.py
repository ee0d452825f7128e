"""The typed model of a letter and its roster; templates and renderers receive these objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Pos
from .dates import SourceDate

NOWHERE = Pos("<memory>", 0, 0)


@dataclass
class Author:
    name: str
    affiliation: str | None = None


@dataclass
class Source:
    """One cited work, with CSL-named fields."""

    key: str
    type: str
    title: str | None = None
    author: list[Author] = field(default_factory=list)
    title_short: str | None = None
    original_title: str | None = None
    language: str | None = None
    container_title: str | None = None
    publisher: str | None = None
    genre: str | None = None
    number: str | None = None
    volume: str | None = None
    page: str | None = None
    authority: str | None = None
    handle: str | None = None
    issued: SourceDate | None = None
    URL: str | None = None
    link_text: str | None = None
    archived_url: str | None = None
    snapshot: str | None = None  # a hand-saved copy, relative to the letter's directory
    accessed: SourceDate | None = None
    date_format: str | None = None
    quote_comma_inside: bool = False
    note: str | None = None
    pos: Pos = NOWHERE
    field_pos: dict[str, Pos] = field(default_factory=dict, repr=False, compare=False)

    @property
    def resolved_url(self) -> str | None:
        """The address to link to: the URL, or the UN resolver for a UN document symbol."""
        if self.URL:
            return self.URL
        if self.type == "un-document" and self.number:
            return f"https://undocs.org/{self.number}"
        return None


@dataclass
class Citation:
    """A footnote part that cites a source, optionally at a pinpoint with a quotation."""

    cite: str
    pinpoint: str | None = None
    quotation: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    full: bool = False  # the full form even where the style would write Id. or a short form
    pos: Pos = NOWHERE
    field_pos: dict[str, Pos] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class LinkPart:
    """A footnote part that is only an address (`link:`), optionally with text."""

    link: str
    text: str | None = None
    pos: Pos = NOWHERE
    field_pos: dict[str, Pos] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class TextPart:
    """A footnote part of free commentary."""

    text: str
    pos: Pos = NOWHERE


@dataclass
class Footnote:
    key: str
    parts: list[Citation | TextPart | LinkPart]
    pos: Pos = NOWHERE

    @property
    def citations(self) -> list[Citation]:
        return [p for p in self.parts if isinstance(p, Citation)]


@dataclass
class Block:
    """One body block: a paragraph, heading, quotation or list (`items`)."""

    kind: str  # paragraph | heading | quote | list
    text: str = ""
    items: list[str] = field(default_factory=list)
    ordered: bool = False
    id: str | None = None
    pos: Pos = NOWHERE
    item_pos: list[Pos] = field(default_factory=list, repr=False, compare=False)

    @property
    def texts(self) -> list[str]:
        """Every inline text of the block, in order."""
        return list(self.items) if self.kind == "list" else [self.text]


@dataclass
class Party:
    """An addressee or a cc recipient."""

    name: str
    title: str | None = None
    organization: str | None = None
    address: str | None = None
    pos: Pos = NOWHERE


@dataclass
class Section:
    """One section of the printed signatory list, and how it is laid out."""

    heading: str | None = None  # None or "": the section prints without a heading
    kind: str = "all"  # individual | organization | all
    layout: str = "stacked"  # stacked | inline | table
    columns: int | None = None  # None: two for a list of names alone, else one
    order: str = "alphabetical"  # alphabetical | as-listed (the roster's own order)
    separator: str | None = None  # inline: between name and title (default ", ")
    pattern: str | None = None  # inline: e.g. "{name}, in an individual capacity ({title})"
    note: str | None = None  # a line under the section's heading
    pos: Pos = NOWHERE


@dataclass
class Annex:
    """Text printed after the signatures: a heading and body blocks."""

    heading: str | None
    body: list[Block]
    pos: Pos = NOWHERE


@dataclass
class SignatureStyle:
    heading: str | None = "Signatories (as of {as_of}):"  # "" prints the list with none
    note: str | None = None
    sections: list[Section] = field(
        default_factory=lambda: [
            Section("Individuals", "individual"),
            Section("Organizations", "organization"),
        ]
    )
    group_by: str | None = None

    def as_listed_kinds(self) -> frozenset[str]:
        """The kinds of signatory the letter prints in the roster's own order."""
        kinds: set[str] = set()
        for section in self.sections:
            if section.order == "as-listed":
                kinds |= {"individual", "organization"} if section.kind == "all" \
                    else {section.kind}
        return frozenset(kinds)


@dataclass
class Letter:
    slug: str
    path: Path
    kind: str
    title: str
    body: list[Block]
    lang: str = "en"
    date: dt.date | None = None
    place: str | None = None
    addressees: list[Party] = field(default_factory=list)
    cc: list[Party] = field(default_factory=list)
    subject: str | None = None
    salutation: str | None = None
    closing: str | None = None
    signatures: SignatureStyle = field(default_factory=SignatureStyle)
    date_format: str = "MMMM D, YYYY"
    citation_style: str | None = None  # style.citations; None: the workspace's default
    heading: str | None = None  # printed at the top; `title` itself is metadata only
    delivery: str | None = None  # a delivery line above the addressees: "Via email"
    cc_position: str = "end"  # top: under the addressees; end: after the signatures
    addressee_layout: str = "stacked"  # style.addressees: stacked | side-by-side
    annex: Annex | None = None
    footnotes: dict[str, Footnote] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    pos: Pos = NOWHERE
    field_pos: dict[str, Pos] = field(default_factory=dict, repr=False, compare=False)


@dataclass
class Signatory:
    name: str
    kind: str
    signed_on: dt.date | None
    title: str | None = None
    sort_as: str | None = None
    country: str | None = None
    status: str = "confirmed"
    withdrawn_on: dt.date | None = None
    withdrawal_reason: str | None = None
    named: bool = True
    via: str | None = None
    lang: str | None = None  # the language of the text endorsed, when not the letter's
    endorsed: str | None = None
    email: str | None = None
    pos: Pos = NOWHERE
    field_pos: dict[str, Pos] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_printed(self) -> bool:
        """Only confirmed signatories who agreed to be named ever appear in an output."""
        return self.status == "confirmed" and self.named


@dataclass
class Roster:
    path: Path
    as_of: dt.date | None
    signatories: list[Signatory]
    pos: Pos = NOWHERE
    field_pos: dict[str, Pos] = field(default_factory=dict, repr=False, compare=False)

    def printed(self, kind: str = "all") -> list[Signatory]:
        return [s for s in self.signatories if s.is_printed and kind in ("all", s.kind)]

    def count(self, kind: str = "all") -> int:
        return len(self.printed(kind))
