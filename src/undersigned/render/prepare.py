"""Turns a Letter and its Roster into one render-ready object shared by DOCX, HTML and text."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..format.dates import format_date
from ..format.inline import Field, NoteRef, Span, Text, parse_inline
from ..format.model import Author, Citation, Letter, Party, Roster, Source, TextPart
from ..roster.collation import fold, sort_key
from ..textsafety import one_line, scrub_tree

LANGUAGE_NAMES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fr": "French",
    "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean", "my": "Burmese",
    "pt": "Portuguese", "ru": "Russian", "th": "Thai", "vi": "Vietnamese", "zh": "Chinese",
}


OTHER_COUNTRIES = "Other"


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
class Entry:
    name: str
    title: str | None = None


@dataclass
class RSection:
    heading: str
    groups: list[tuple[str | None, list[Entry]]]

    @property
    def entries(self) -> list[Entry]:
        return [e for _, entries in self.groups for e in entries]


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


def prepare(letter: Letter, roster: Roster | None) -> Prepared:
    """Number the notes, format every citation, and select and order the printed signatories."""
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
        return str(counts[name])

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
    notes = _format_notes(letter, numbers, resolve)

    date_line = None
    if letter.date:
        date_line = format_date(letter.date, letter.date_format)
        if letter.place:
            date_line = f"{letter.place}, {date_line}"
    elif letter.place:
        date_line = letter.place

    sections = []
    printed = [s for s in confirmed if s.named]
    for section in letter.signatures.sections:
        chosen = sorted((s for s in printed if section.kind in ("all", s.kind)), key=sort_key)
        if not chosen:
            continue
        if letter.signatures.group_by == "country":
            groups: dict[str | None, list] = {}
            for s in chosen:
                groups.setdefault(s.country and one_line(s.country), []).append(_entry(s))
            ordered = sorted(groups.items(), key=lambda kv: (kv[0] is None, fold(kv[0] or "")))
            # signatories without a country come last, under a heading of their own, so they
            # never read as part of the country listed before them
            ordered = [(country or OTHER_COUNTRIES, entries) for country, entries in ordered]
            sections.append(RSection(section.heading, ordered))
        else:
            sections.append(RSection(section.heading, [(None, [_entry(s) for s in chosen])]))
    heading = None
    if roster is not None:
        heading = letter.signatures.heading.replace("{as_of}", as_of or "")
    return Prepared(
        title=letter.title, lang=letter.lang, slug=letter.slug, kind=letter.kind,
        date_line=date_line, addressees=letter.addressees, cc=letter.cc,
        subject=letter.subject, salutation=letter.salutation, blocks=blocks,
        closing=letter.closing, signatures_heading=heading,
        signatures_note=letter.signatures.note, sections=sections, notes=notes,
    )


def _entry(s) -> Entry:
    """A printed signatory: name and title each on one line, so that no name can print as two
    entries of the list."""
    return Entry(one_line(s.name), one_line(s.title) if s.title else None)


def _merge(nodes: list) -> list:
    out: list = []
    for n in nodes:
        if isinstance(n, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + n.text)
        elif not (isinstance(n, Text) and not n.text):
            out.append(n)
    return out


def _format_notes(letter: Letter, numbers: dict[str, int], resolve) -> list[Note]:
    """Format the called footnotes in number order, writing "Id." where the rules allow."""
    notes: list[Note] = []
    previous_source: str | None = None  # source of the citation just before
    previous_note_sources: set[str] = set()
    for key, number in sorted(numbers.items(), key=lambda kv: kv[1]):
        footnote = letter.footnotes.get(key)
        if footnote is None:
            continue  # the validator reports it; rendering refuses invalid letters anyway
        nodes: list = []
        sources_here: set[str] = set()
        last_was_cite = False
        for part in footnote.parts:
            if isinstance(part, TextPart):
                if nodes:
                    nodes.append(Text(" " if _ends_with_stop(nodes) else ". "))
                nodes += resolve(parse_inline(part.text))
                last_was_cite = False
                continue
            source = letter.sources.get(part.cite)
            if source is None:
                continue
            same_note = bool(sources_here)
            ibid = previous_source == part.cite and (
                same_note or len(previous_note_sources) == 1
            )
            if nodes:
                nodes.append(Text("; " if last_was_cite else " "))
            nodes += cite_nodes(source, part, letter.date_format, ibid)
            sources_here.add(part.cite)
            previous_source = part.cite
            last_was_cite = True
        previous_note_sources = sources_here
        if not sources_here:
            previous_source = None
        if not _ends_with_stop(nodes):
            nodes.append(Text("."))
        notes.append(Note(number, key, _merge(nodes)))
    return notes


def _ends_with_stop(nodes: list) -> bool:
    for n in reversed(nodes):
        text = n.text if isinstance(n, Text) else _span_text(n)
        if text.strip():
            return text.rstrip()[-1] in ".!?"
    return True


def _span_text(n) -> str:
    if isinstance(n, Text):
        return n.text
    return "".join(_span_text(c) for c in n.children)


def _authors(authors: list[Author]) -> str:
    names = [f"{a.name}, {a.affiliation}" if a.affiliation else a.name for a in authors]
    if len(names) <= 1:
        return "".join(names)
    sep = "; " if any(a.affiliation for a in authors) else ", "
    last = "; and " if sep == "; " else " and "
    return sep.join(names[:-1]) + last + names[-1]


class _Pieces:
    """Comma-joined pieces of a citation, where a quoted title may swallow the next comma."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.comma_swallowed = False

    def add(self, *nodes, comma_inside: bool = False) -> None:
        if self.nodes:
            self.nodes.append(Text(" " if self.comma_swallowed else ", "))
        self.nodes += nodes
        self.comma_swallowed = comma_inside

    def tail(self, text: str) -> None:
        self.nodes.append(Text(text))


def cite_nodes(source: Source, cite: Citation, date_format: str, ibid: bool = False) -> list:
    """One citation in the house style of the example letter, as inline nodes."""
    p = _Pieces()
    fmt = source.date_format or date_format
    issued = format_date(source.issued, fmt) if source.issued else None
    if ibid:
        p.add(Text(f"{cite.prefix} id." if cite.prefix else "Id."))
        _pinpoint(p, cite)
    else:
        if cite.prefix:
            p.nodes.append(Text(cite.prefix))
            p.comma_swallowed = True
        _body(p, source, issued)
        _pinpoint(p, cite)
        link = _link(source)
        if link is not None:
            p.add(link)
        if source.archived_url:
            p.add(Text("archived at "), Span("link", [Text(source.archived_url)],
                                             source.archived_url))
        if source.accessed:
            p.tail(f" (accessed {format_date(source.accessed, date_format)})")
    if cite.suffix:
        p.tail(" " + cite.suffix)
    return p.nodes


def _pinpoint(p: _Pieces, cite: Citation) -> None:
    if cite.pinpoint:
        p.add(Text(cite.pinpoint))
    if cite.quotation:
        p.tail(f" (“{cite.quotation}”)")


def _quoted_title(source: Source) -> tuple[Text, bool]:
    title = source.title or ""
    if source.original_title:
        title = f"{title} [{source.original_title}]"
    if source.quote_comma_inside:
        return Text(f"“{title},”"), True
    return Text(f"“{title}”"), False


def _body(p: _Pieces, source: Source, issued: str | None) -> None:
    kind = source.type
    authors = _authors(source.author)
    language = None
    if source.language and not source.language.startswith("en"):
        language = LANGUAGE_NAMES.get(source.language.split("-")[0], source.language)
    if kind == "un-document":
        if authors:
            p.add(Text(authors))
        p.add(Text(source.title + (f" ({issued})" if issued else "")))
        if source.number:
            p.add(Text(source.number))
    elif kind == "legislation":
        detail = ""
        if source.authority and issued:
            detail = f" (Adopted at {source.authority} on {issued})"
        elif source.authority:
            detail = f" (Adopted at {source.authority})"
        elif issued:
            detail = f" ({issued})"
        p.add(Text(source.title + detail))
        if source.number:
            p.add(Text(source.number))
    elif kind == "press-release":
        if authors:
            p.add(Text(authors))
        p.add(Text(source.genre or "Press Release"))
        p.add(Text(source.title))
        if issued:
            p.add(Text(issued))
    elif kind == "letter":
        p.add(Text(source.title + (f" by {authors}" if authors else "")))
        if source.number:
            p.add(Text(source.number))
        if issued:
            p.add(Text(issued))
    else:
        if authors:
            p.add(Text(authors))
        if kind in ("article-newspaper", "webpage", "article-journal"):
            node, inside = _quoted_title(source)
            p.add(node, comma_inside=inside)
        else:
            p.add(Text(source.title + (f" [{source.original_title}]"
                                       if source.original_title else "")))
        if source.genre and kind not in ("article-newspaper",):
            p.add(Text(source.genre))
        for extra in (source.container_title, source.publisher, source.number):
            if extra:
                p.add(Text(extra))
        if issued:
            p.add(Text(issued))
    if language:
        p.tail(f" [in {language}]")


def _link(source: Source):
    href = source.resolved_url
    if source.link_text:
        return Span("link", [Text(source.link_text)], href) if href else Text(source.link_text)
    if source.URL:
        return Span("link", [Text(source.URL)], source.URL)
    return None
