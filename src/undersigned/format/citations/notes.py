"""The notes of a letter in number order, each citation in the form its place asks for: the
first in full, a repeat of the source just cited as Id. or ibid, a later one full or short."""

from __future__ import annotations

from dataclasses import dataclass

from ..bidi import ATOM, atom, isolate_runs
from ..inline import Span, Text, parse_inline
from ..model import LinkPart, Source, TextPart
from .cite import NoteContext, cite_nodes, join_punctuation, link_nodes, text_of
from .styles import CitationStyle


@dataclass
class FormattedNote:
    key: str
    number: int
    nodes: list


def format_notes(footnotes: dict, sources: dict[str, Source], numbers: dict[str, int],
                 resolve, style: CitationStyle, ctx: NoteContext) -> list[FormattedNote]:
    """Format the called footnotes in number order: a full citation on first use, the style's
    immediate form (Id., ibid) for the source just cited, its later form (full, or short with
    the note of the first citation) for a source cited before. In a note of one writing
    direction, each run of the other is isolated (format/bidi.py)."""
    notes: list[FormattedNote] = []
    previous_source: str | None = None  # source of the citation just before
    previous_note_sources: set[str] = set()
    first_note: dict[str, int] = {}
    for key, number in sorted(numbers.items(), key=lambda kv: kv[1]):
        footnote = footnotes.get(key)
        if footnote is None:
            continue  # the validator reports it; rendering refuses invalid letters anyway
        nodes: list = []
        sources_here: set[str] = set()
        last_was_cite = False
        for part in footnote.parts:
            if isinstance(part, TextPart):
                if nodes:
                    nodes.append(Text(" " if _ends_with_stop(nodes) else ". "))
                nodes += atom(resolve(parse_inline(part.text)))
                last_was_cite = False
                continue
            if isinstance(part, LinkPart):
                if nodes:
                    nodes.append(Text(style.between_citations if last_was_cite else " "))
                nodes += link_nodes(part, style, ctx, marked=True)
                sources_here.add("\x00" + part.link)  # a link between two citations: no Id.
                previous_source = None
                last_was_cite = True
                continue
            source = sources.get(part.cite)
            if source is None:
                continue
            same_note = bool(sources_here)
            immediate = previous_source == part.cite and (
                same_note or len(previous_note_sources) == 1)
            if part.full:
                form = "full"
            elif immediate:
                form = "immediate"
            elif part.cite in first_note:
                form = style.later
            else:
                form = "full"
            if nodes:
                nodes.append(Text(style.between_citations if last_was_cite else " "))
            nodes += cite_nodes(source, part, style, ctx, form, first_note.get(part.cite),
                                marked=True)
            first_note.setdefault(part.cite, number)
            sources_here.add(part.cite)
            previous_source = part.cite
            last_was_cite = True
        previous_note_sources = sources_here
        if not sources_here:
            previous_source = None
        nodes = isolate_runs(_end_note(nodes, style), ctx.direction)
        notes.append(FormattedNote(key, number, nodes))
    return notes


def _end_note(nodes: list, style: CitationStyle) -> list:
    if not nodes or _ends_with_stop(nodes) or not style.note_end:
        return nodes
    last = next((n for n in reversed(nodes) if text_of(n).strip()), None)
    while isinstance(last, Span) and last.kind == ATOM:  # a field: what it ends with
        last = next((n for n in reversed(last.children) if text_of(n).strip()), None)
    if isinstance(last, Span) and last.kind == "link" and not style.stop_after_url \
            and text_of(last).strip() == (last.href or "").strip():
        return nodes  # a note that ends with an address: no full stop glued to it
    nodes = list(nodes)
    nodes += join_punctuation(nodes, style.note_end, style.quotes[1],
                              style.punctuation_inside_quotes)
    return nodes


_CLOSERS = "”’\"'»"


def _ends_with_stop(nodes: list) -> bool:
    for n in reversed(nodes):
        text = text_of(n)
        if text.strip():
            return text.rstrip().rstrip(_CLOSERS)[-1:] in (".", "!", "?")
    return True
