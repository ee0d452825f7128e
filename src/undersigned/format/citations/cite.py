"""One citation (or link) in a style and form, as inline nodes; the punctuation around it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..bidi import atom, unmark
from ..citeterms import language_name, localized_words
from ..dates import PartialDate, format_date, month_pattern
from ..inline import Span, Text, parse_inline
from ..inline import node_text as text_of
from ..model import Author, Citation, LinkPart, Source
from .styles import CitationStyle
from .templates import Layout, Lit, Var


@dataclass
class NoteContext:
    """What the formatter needs of the letter: its date pattern and writing direction."""

    date_format: str = "MMMM D, YYYY"
    direction: str = "ltr"  # the notes' direction: runs of the other one are isolated


def _authors(authors: list[Author]) -> str:
    names = [f"{a.name}, {a.affiliation}" if a.affiliation else a.name for a in authors]
    if len(names) <= 1:
        return "".join(names)
    sep = "; " if any(a.affiliation for a in authors) else ", "
    last = "; and " if sep == "; " else " and "
    return sep.join(names[:-1]) + last + names[-1]


class _Values:
    """The values a template's fields take for one citation (None: the field is empty)."""

    def __init__(self, style: CitationStyle, ctx: NoteContext, source: Source | None,
                 cite: Citation | None = None, first_note: int | None = None,
                 link: LinkPart | None = None) -> None:
        self.style, self.ctx, self.source, self.cite = style, ctx, source, cite
        self.first_note, self.link = first_note, link

    def date(self, value, own_format: str | None) -> str:
        patterns = self.style.dates
        if isinstance(value, PartialDate):
            if value.month is None:
                return str(value.year) if patterns["year"] == "letter" else format_date(
                    _day_of(value), patterns["year"], self.style.months)
            pattern = patterns["month"]
            if pattern == "letter":
                pattern = month_pattern(own_format or self.ctx.date_format)
            return format_date(_day_of(value), pattern, self.style.months)
        pattern = patterns["day"]
        if pattern == "letter":
            pattern = own_format or self.ctx.date_format
        return format_date(value, pattern, self.style.months)

    def nodes(self, name: str, filt: str | None) -> list | None:
        s, c = self.source, self.cite
        if self.link is not None:
            if name == "URL":
                return [Span("link", [Text(self.link.link)], self.link.link)]
            return parse_inline(self.link.text) if self.link.text else None
        if name in ("pinpoint", "quotation"):
            text = getattr(c, name) if c else None
            if not text:
                return None
            if name == "pinpoint" and filt == "at" and text[:1].isdigit():
                text = localized_words(self.style.terms, "at ") + text
            return parse_inline(text) if name == "pinpoint" else [Text(text)]
        if name == "first-note":
            return [Text(str(self.first_note))] if self.first_note else None
        if name == "link":
            return _link(s)
        if name in ("URL", "archived_url"):
            url = getattr(s, name)
            return [Span("link", [Text(url)], url)] if url else None
        if name in ("issued", "accessed"):
            value = getattr(s, name)
            if value is None:
                return None
            if filt == "year":
                return [Text(str(value.year))]
            own = s.date_format if name == "issued" else None
            return [Text(self.date(value, own))]
        if name == "author":
            text = _authors(s.author)
        elif name == "language":
            text = None
            if s.language and not s.language.startswith("en"):
                text = language_name(s.language)
        else:
            text = getattr(s, name.replace("-", "_"))
        return [Text(text)] if text else None


def _day_of(value: PartialDate) -> dt.date:
    return dt.date(value.year, value.month or 1, 1)


def _link(source: Source) -> list | None:
    href = source.resolved_url
    if source.link_text:
        return [Span("link", [Text(source.link_text)], href) if href else Text(source.link_text)]
    if source.URL:
        return [Span("link", [Text(source.URL)], source.URL)]
    return None


def _render(items, values: _Values) -> list | None:
    out: list = []
    for item in items:
        if isinstance(item, Lit):
            text = localized_words(values.style.terms, item.text)
            out += parse_inline(text) if ("*" in text) else [Text(text)]
        elif isinstance(item, Var):
            nodes = values.nodes(item.name, item.filter)
            if item.absent:
                if nodes is not None:
                    return None
                continue
            if nodes is None:
                return None
            nodes = atom(nodes)  # one field, one direction (format/bidi.py)
            if item.filter == "quoted":
                nodes = _quote(nodes, values.style)
            elif item.filter == "italic":
                nodes = [Span("em", nodes)]
            out += nodes
        else:
            inner = _render(item.items, values)
            if inner is not None:
                out += inner
    return out


def _quote(nodes: list, style: CitationStyle) -> list:
    """Nodes in the style's quotation marks; marks inside alternate if the style says so."""
    if style.nested_quotes == "alternate":
        nodes = _nest_quotes(nodes, style.quotes, style.inner_quotes)
    return [Text(style.quotes[0]), *nodes, Text(style.quotes[1])]


# A pair of single marks around words; a ’ between letters or after an s ("States’ duty") is
# an apostrophe, not a closing mark, when no opening mark comes before it.
_SINGLE_PAIR = re.compile(r"‘([^‘’]*(?:’\w[^‘’]*)*)’(?!\w)")


def _nest_quotes(nodes: list, outer: str, inner: str) -> list:
    """Quotation marks inside a quotation: the text's own double marks (its first level) take
    the style's inner marks, its single marks the outer ones — “a ‘b’” inside a quotation is
    ‘a “b”’ in a US style and stays “a ‘b’” in a UK one."""
    out = []
    for n in nodes:
        if isinstance(n, Text):
            text = n.text.replace("“", "\x01").replace("”", "\x02")
            text = _SINGLE_PAIR.sub(lambda m: outer[0] + m.group(1) + outer[1], text)
            out.append(Text(text.replace("\x01", inner[0]).replace("\x02", inner[1])))
        elif isinstance(n, Span):
            out.append(Span(n.kind, _nest_quotes(n.children, outer, inner), n.href))
        else:
            out.append(n)
    return out


def render_layout(layout: Layout, values: _Values, inside: str = "") -> list:
    """A layout's pieces joined by the style's delimiter, with punctuation moved inside a
    closing quotation mark where the style (or the source) says so."""
    style = values.style
    out: list = []
    for piece in layout:
        nodes = None
        for alternative in piece.alternatives:
            nodes = _render(alternative, values)
            if nodes is not None:
                break
        if not nodes:
            continue
        if piece.italic:
            nodes = [Span("em", nodes)]
        if piece.quoted:
            nodes = _quote(nodes, style)
        if out:
            joiner = "" if piece.attach else style.delimiter
            out += join_punctuation(out, joiner, style.quotes[1], inside)
        out += nodes
    return out


def join_punctuation(before: list, joiner: str, close: str, inside: str) -> list:
    """The joiner between `before` and what follows; a comma or full stop that the style puts
    inside quotation marks moves into the closing mark that ends `before`."""
    if joiner[:1] and joiner[0] in inside and _last_char(before) == close:
        if _text_before_close(before)[-1:] not in (".", ",", "!", "?"):
            _insert_before_close(before, joiner[0])
        joiner = joiner[1:]  # “Returns must stop.” is not followed by a comma or a stop
    return [Text(joiner)] if joiner else []


def _last_char(nodes: list) -> str:
    for n in reversed(nodes):
        text = text_of(n)
        if text:
            return text[-1]
    return ""


def _text_before_close(nodes: list) -> str:
    text = "".join(text_of(n) for n in nodes)
    return text[:-1]


def _insert_before_close(nodes: list, mark: str) -> None:
    for i in range(len(nodes) - 1, -1, -1):
        n = nodes[i]
        if isinstance(n, Text) and n.text:
            nodes[i] = Text(n.text[:-1] + mark + n.text[-1])
            return
        if isinstance(n, Span) and text_of(n):
            _insert_before_close(n.children, mark)
            return


def _lowercase_first(nodes: list) -> list:
    for i, n in enumerate(nodes):
        if isinstance(n, Text) and n.text:
            return [*nodes[:i], Text(n.text[:1].lower() + n.text[1:]), *nodes[i + 1:]]
        if isinstance(n, Span) and text_of(n):
            return [*nodes[:i], Span(n.kind, _lowercase_first(n.children), n.href),
                    *nodes[i + 1:]]
    return nodes


def _affix_join(text: str) -> str:
    """No space before a suffix that starts with punctuation (", at 4", "; see also …")."""
    return "" if text[:1] in ",;:.)]!?" else " "


def cite_nodes(source: Source, cite: Citation, style: CitationStyle, ctx: NoteContext,
               form: str = "full", first_note: int | None = None, marked: bool = False
               ) -> list:
    """One citation in a style and form (full, short or immediate), as inline nodes.

    `marked`: each field's value (and the prefix and suffix) comes as an atom of
    `format/bidi.py`, for `format_notes` to isolate the runs of the other direction."""
    values = _Values(style, ctx, source, cite, first_note)
    inside = style.punctuation_inside_quotes + ("," if source.quote_comma_inside else "")
    nodes = render_layout(style.layout(source.type, form), values, inside)
    if cite.prefix:
        if form == "immediate" and style.lowercase_after_prefix:
            nodes = _lowercase_first(nodes)
        nodes = [*atom(parse_inline(cite.prefix)), Text(" "), *nodes]
    if cite.suffix:
        nodes += join_punctuation(nodes, _affix_join(cite.suffix), style.quotes[1], inside)
        nodes += atom(parse_inline(cite.suffix))
    return nodes if marked else unmark(nodes)


def link_nodes(part: LinkPart, style: CitationStyle, ctx: NoteContext, marked: bool = False
               ) -> list:
    """A link-only footnote part: the address (and its text) as the style prints them
    (`marked`: as in `cite_nodes`)."""
    nodes = render_layout(style.link, _Values(style, ctx, None, link=part))
    return nodes if marked else unmark(nodes)
