"""Turns a Letter and its Roster into one render-ready object shared by DOCX, HTML and text."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..format.citations.cite import NoteContext
from ..format.citations.notes import format_notes
from ..format.citations.styles import CitationStyle, style_for_letter
from ..format.dates import format_date
from ..format.inline import Field, NoteRef, Span, Text, parse_inline
from ..format.labels import page_labels
from ..format.locales import direction, format_count
from ..format.model import Letter, Party, Roster
from ..textsafety import scrub_tree
from .layout import OTHER_COUNTRIES, Entry, RSection, fill_fields, signatory_sections  # noqa: F401


@dataclass
class NoteCall:
    """A footnote call in the body, numbered in order of first call."""

    number: int
    key: str


@dataclass
class Note:
    number: int
    key: str
    nodes: list  # inline nodes: Text and Span(link)


@dataclass
class PBlock:
    kind: str  # paragraph | heading | quote | list
    items: list[list]  # one item (inline nodes) except for lists
    ordered: bool = False
    id: str | None = None


@dataclass
class Prepared:
    title: str
    lang: str
    slug: str
    kind: str
    date_line: str | None
    addressees: list[Party]
    cc: list[Party]
    subject: str | None
    salutation: str | None
    blocks: list[PBlock]
    closing: str | None
    signatures_heading: str | None
    signatures_note: str | None
    sections: list[RSection]
    notes: list[Note] = field(default_factory=list)
    dir: str = "ltr"  # writing direction: rtl for a right-to-left language
    # the page layout (render/layout.py): where the letter puts what
    heading_lines: list[str] = field(default_factory=list)
    delivery: str | None = None
    cc_position: str = "end"
    addressee_layout: str = "stacked"
    annex: PAnnex | None = None
    # the page's fixed words ("Notes", "cc:", …) in its language (format/labels.py)
    labels: dict[str, str] = field(default_factory=lambda: page_labels("en"))


def prepare(letter: Letter, roster: Roster | None, citations: CitationStyle | None = None
            ) -> Prepared:
    """Number the notes, format every citation, and select and order the printed signatories.

    `citations`: the citation style (default: the one the letter or its workspace names)."""
    # Whatever the files hold, no output gets a control character or a bidi control that
    # stays open past its own text (the validator warns about both: suspicious-text).
    letter = scrub_tree(letter)
    as_of = format_date(roster.as_of, letter.date_format) if roster and roster.as_of else None
    confirmed = [s for s in roster.signatories if s.status == "confirmed"] if roster else []
    counts = {
        "count:all": len(confirmed),
        "count:organizations": sum(s.kind == "organization" for s in confirmed),
        "count:individuals": sum(s.kind == "individual" for s in confirmed),
    }

    def field_value(name: str) -> str:
        if name == "as_of":
            return as_of or ""
        return format_count(counts[name])

    numbers: dict[str, int] = {}

    def resolve(nodes: list) -> list:
        out: list = []
        for n in nodes:
            if isinstance(n, NoteRef):
                if n.key not in numbers:
                    numbers[n.key] = len(numbers) + 1
                out.append(NoteCall(numbers[n.key], n.key))
            elif isinstance(n, Field):
                out.append(Text(field_value(n.name)))
            elif isinstance(n, Span):
                out.append(Span(n.kind, resolve(n.children), n.href))
            else:
                out.append(n)
        return _merge(out)

    blocks = [
        PBlock(b.kind, [resolve(parse_inline(t)) for t in b.texts], b.ordered, b.id)
        for b in letter.body
    ]
    layout = page_layout(letter, resolve)  # the annex may call notes too: before the notes
    notes = _format_notes(letter, numbers, resolve, citations)

    date_line = None
    if letter.date:
        date_line = format_date(letter.date, letter.date_format)
        if letter.place:
            date_line = f"{letter.place}, {date_line}"
    elif letter.place:
        date_line = letter.place

    printed = [s for s in confirmed if s.named]
    sections = signatory_sections(letter, printed, field_value)
    heading = None
    if roster is not None:
        heading = fill_fields(letter.signatures.heading, field_value)
    return Prepared(
        title=letter.title, lang=letter.lang, slug=letter.slug, kind=letter.kind,
        date_line=date_line, addressees=letter.addressees, cc=letter.cc,
        subject=letter.subject, salutation=letter.salutation, blocks=blocks,
        closing=letter.closing, signatures_heading=heading,
        signatures_note=fill_fields(letter.signatures.note, field_value), sections=sections,
        notes=notes, labels=page_labels(letter.lang), **layout,
    )


@dataclass
class PAnnex:
    heading: str | None
    blocks: list[PBlock]


def page_layout(letter: Letter, resolve) -> dict:
    """The Prepared fields that say where the letter puts its parts (see docs/format.md)."""
    annex = None
    if letter.annex is not None:
        annex = PAnnex(letter.annex.heading, [
            PBlock(b.kind, [resolve(parse_inline(t)) for t in b.texts], b.ordered, b.id)
            for b in letter.annex.body])
    lines = [line.strip() for line in (letter.heading or "").splitlines() if line.strip()]
    return {"heading_lines": lines, "delivery": letter.delivery,
            "cc_position": letter.cc_position, "addressee_layout": letter.addressee_layout,
            "annex": annex}


def _merge(nodes: list) -> list:
    out: list = []
    for n in nodes:
        if isinstance(n, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + n.text)
        elif not (isinstance(n, Text) and not n.text):
            out.append(n)
    return out


def _format_notes(letter: Letter, numbers: dict[str, int], resolve,
                  style: CitationStyle | None) -> list[Note]:
    """Format the called footnotes in number order, in the letter's citation style."""
    style = style or style_for_letter(letter)
    formatted = format_notes(letter.footnotes, letter.sources, numbers, resolve, style,
                             NoteContext(letter.date_format, direction(letter.lang)))
    return [Note(n.number, n.key, _merge(n.nodes)) for n in formatted]
