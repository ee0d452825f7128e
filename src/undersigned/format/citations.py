"""Citation styles as data: loading a style file, and formatting the notes of a letter by it.

A style (built-ins in `citation_styles/`, or a file in the workspace's `templates/`) says, per
source type, how a first citation, a short form and an immediate repeat print, as *layouts*:
lists of pieces joined by the style's delimiter, each piece a template of literal text and
`{field}`s (see docs/citations.md). The logic that decides which form a citation takes — Id.
after the same source, a short form with the note of the first citation — is ours, here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CitationStyleError
from ..problems import Pos, Problem
from .citeterms import Terms, language_name, localized_words, read_terms
from .dates import MONTHS, PartialDate, format_date, month_pattern
from .inline import Span, Text, parse_inline
from .model import Author, Citation, LinkPart, Source, TextPart

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "citation_styles"
BUILTIN_STYLES = ("house", "bluebook", "oscola")
DEFAULT_STYLE = "house"
FORMS = ("full", "short", "immediate")

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
# the settings a style file may hold (docs/citations.md says what each means)
SETTINGS = ("extends", "description", "quotes", "nested_quotes", "punctuation_inside_quotes",
            "delimiter", "between_citations", "note_end", "stop_after_url",
            "lowercase_after_prefix", "dates", "months", "later", "immediate", "link", "types",
            "terms")


# --- templates ---------------------------------------------------------------------------------

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


def _layout(value, fields: tuple[str, ...], where: str) -> Layout:
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


# --- styles ------------------------------------------------------------------------------------

@dataclass
class CitationStyle:
    """A citation style, read from its file: settings, and a layout per source type and form."""

    name: str
    quotes: str = "“”"
    nested_quotes: str = "keep"  # keep | alternate
    punctuation_inside_quotes: str = ""  # what moves inside a closing quotation mark: ",."
    delimiter: str = ", "
    between_citations: str = "; "
    note_end: str = "."
    stop_after_url: bool = False
    lowercase_after_prefix: bool = True
    dates: dict[str, str] = field(default_factory=lambda: {"day": "letter", "month": "letter",
                                                           "year": "YYYY"})
    months: tuple[str, ...] = MONTHS
    later: str = "full"  # full | short
    immediate: Layout = ()
    link: Layout = ()
    types: dict[str, dict[str, Layout]] = field(default_factory=dict)
    description: str = ""
    terms: Terms = ()  # the layouts' words in other languages (format/citeterms.py)

    def layout(self, source_type: str, form: str) -> Layout:
        forms = self.types.get(source_type) or self.types.get("default", {})
        if form == "immediate":
            return forms.get("immediate") or self.immediate
        if form == "short":
            return forms.get("short") or forms["full"]
        return forms["full"]

    def printed_fields(self, source_type: str) -> set[str]:
        """The source fields some form of this type prints (for `style-field-unprinted`)."""
        forms = self.types.get(source_type) or self.types.get("default", {})
        names: set[str] = set()
        for layout in (*forms.values(), self.immediate):
            for piece in layout:
                names |= piece.fields()
        out: set[str] = set()
        for name in names:
            out.update(PRINTS.get(name, (name,)))
        return out

    @property
    def inner_quotes(self) -> str:
        return "‘’" if self.quotes == "“”" else "“”"


def _read_style_file(path: Path, display: str) -> dict:
    from ..format.yamlio import parse_yaml, read_text

    raw = parse_yaml(read_text(path, display), display)
    return _plain(raw)


def _plain(node):
    """Raw YAML nodes → plain dicts, lists and scalars (positions are not needed here)."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if key == "extends":
            continue
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def resolve_style_path(name: str, templates: Path | None) -> Path:
    """The file of a style named in a letter: a built-in, or a file in `templates/`."""
    if name in BUILTIN_STYLES:
        return BUILTIN_DIR / f"{name}.yaml"
    if name.endswith((".yaml", ".yml")) and "/" not in name and "\\" not in name \
            and not name.startswith("."):
        if templates is not None and (templates / name).is_file():
            return templates / name
        raise CitationStyleError(
            f"citation style '{name}' is not a file in templates/; put the style file there "
            f"or use one of: {', '.join(BUILTIN_STYLES)}")
    raise CitationStyleError(
        f"unknown citation style '{name}'; use one of: {', '.join(BUILTIN_STYLES)}, or the "
        "name of a style file in templates/ (e.g. coalition.yaml)")


_builtin_cache: dict[str, CitationStyle] = {}


def load_style(name: str | None, templates: Path | None = None) -> CitationStyle:
    """Load a citation style by the name a letter gives (None: the default, house).

    Built-in styles are read once per process; a workspace's style file (and what it extends)
    is read each time, so an edit shows at once.
    """
    name = name or DEFAULT_STYLE
    if name in _builtin_cache:
        return _builtin_cache[name]
    path = resolve_style_path(name, templates)
    try:
        style = _build_style(name, path, templates, seen=())
    except OSError as e:
        raise CitationStyleError(f"cannot read citation style '{name}': {e.strerror}") from e
    if name in BUILTIN_STYLES:
        _builtin_cache[name] = style
    return style


def _build_style(name: str, path: Path, templates: Path | None, seen: tuple[str, ...]
                 ) -> CitationStyle:
    data = _load_data(name, path, templates, seen)
    where = f"citation style '{name}' ({path.name})"
    try:
        return _style_from_data(name, data)
    except (ValueError, TypeError, KeyError) as e:
        raise CitationStyleError(f"{where}: {e}") from e


def _load_data(name: str, path: Path, templates: Path | None, seen: tuple[str, ...]) -> dict:
    from ..errors import LoadError

    if name in seen:
        raise CitationStyleError(f"citation style '{name}' extends itself (through "
                                 f"{' → '.join(seen)})")
    display = path.name if path.parent == BUILTIN_DIR else f"templates/{path.name}"
    try:
        data = _read_style_file(path, display)
    except LoadError as e:
        raise CitationStyleError(f"citation style '{name}' ({path.name}) is not valid YAML",
                                 e.problems) from e
    if not isinstance(data, dict):
        raise CitationStyleError(f"citation style '{name}' ({path.name}) must be a mapping of "
                                 "settings (see docs/citations.md)")
    unknown = sorted(set(data) - set(SETTINGS))
    if unknown:
        raise CitationStyleError(f"citation style '{name}' ({path.name}): unknown setting "
                                 f"'{unknown[0]}' (known: {', '.join(SETTINGS)})")
    parent = data.get("extends")
    if parent:
        base = _load_data(parent, resolve_style_path(parent, templates), templates,
                          (*seen, name))
        data = _merge(base, data)
    return data


def _style_from_data(name: str, data: dict) -> CitationStyle:
    from ..format.schema import SOURCE_TYPES

    style = CitationStyle(name)
    for key in ("quotes", "nested_quotes", "punctuation_inside_quotes", "delimiter",
                "between_citations", "note_end", "later", "description"):
        if data.get(key) is not None:
            value = data[key]
            if not isinstance(value, str):
                raise ValueError(f"'{key}' must be text")
            setattr(style, key, value)
    for key in ("stop_after_url", "lowercase_after_prefix"):
        if data.get(key) is not None:
            if not isinstance(data[key], bool):
                raise ValueError(f"'{key}' must be true or false")
            setattr(style, key, data[key])
    if len(style.quotes) != 2:
        raise ValueError("'quotes' is the opening and the closing mark, e.g. “” or ‘’")
    if style.nested_quotes not in ("keep", "alternate"):
        raise ValueError("'nested_quotes' is keep or alternate")
    if style.later not in ("full", "short"):
        raise ValueError("'later' (what a later citation of a source becomes) is full or short")
    if data.get("dates") is not None:
        dates = data["dates"]
        if not isinstance(dates, dict) or set(dates) - {"day", "month", "year"}:
            raise ValueError("'dates' maps day, month and year to a pattern (or 'letter')")
        style.dates = {**style.dates, **{k: str(v) for k, v in dates.items()}}
    if data.get("months") is not None:
        months = data["months"]
        if not isinstance(months, list) or len(months) != 12:
            raise ValueError("'months' lists the twelve month names as the style prints them")
        style.months = tuple(str(m) for m in months)
    style.terms = read_terms(data.get("terms"))
    source_fields = (*SOURCE_FIELDS, *CITATION_FIELDS)
    style.immediate = _layout(data.get("immediate") or "Id.", source_fields, "'immediate'")
    style.link = _layout(data.get("link") or "{URL}", LINK_FIELDS, "'link'")
    types = data.get("types") or {}
    if not isinstance(types, dict) or "default" not in types:
        raise ValueError("'types' needs a 'default:' entry (the layouts of any type not "
                         "listed)")
    for type_name, forms in types.items():
        if type_name != "default" and type_name not in SOURCE_TYPES:
            raise ValueError(f"'types' names '{type_name}', which is not a source type (known: "
                             f"{', '.join(SOURCE_TYPES)})")
        if isinstance(forms, str):  # `webpage: article-newspaper`: the same layouts
            if not isinstance(types.get(forms), dict):
                raise ValueError(f"type '{type_name}' is like '{forms}', which has no layouts "
                                 "of its own in this style")
            continue
        if not isinstance(forms, dict) or "full" not in forms or set(forms) - set(FORMS):
            raise ValueError(f"type '{type_name}' needs 'full:' and may have 'short:' and "
                             "'immediate:'")
        style.types[type_name] = {
            form: _layout(value, source_fields, f"'{type_name}.{form}'")
            for form, value in forms.items()}
    for type_name, forms in types.items():
        if isinstance(forms, str):
            style.types[type_name] = style.types[forms]
    return style


WORKSPACE_FILE = "undersigned.yaml"


def workspace_style_name(root: Path | None) -> tuple[str | None, Pos | None]:
    """The workspace's default citation style: `style: citations:` in undersigned.yaml."""
    from ..errors import LoadError
    from ..format.yamlio import RawMap, parse_yaml, read_text

    path = root / WORKSPACE_FILE if root else None
    if path is None or not path.is_file():
        return None, None
    try:
        raw = parse_yaml(read_text(path, WORKSPACE_FILE), WORKSPACE_FILE)
    except LoadError as e:
        raise CitationStyleError(f"{WORKSPACE_FILE} is not valid YAML", e.problems) from e
    style = raw.get("style") if isinstance(raw, RawMap) else None
    if not isinstance(style, RawMap) or style.get("citations") is None:
        return None, None
    name = style["citations"]
    if not isinstance(name, str):
        raise CitationStyleError(f"{WORKSPACE_FILE}: style.citations must be the name of a "
                                 "citation style")
    return name, style.value_pos["citations"]


def templates_of(letter_path: Path) -> tuple[Path | None, Path | None]:
    """The workspace root of a letter and its templates/ directory."""
    from ..workspace import find_root

    root = find_root(letter_path.parent)
    return root, (root / "templates" if root else None)


def style_name_for(letter) -> str:
    """The style a letter uses: its own style.citations, else the workspace's, else house."""
    if letter.citation_style:
        return letter.citation_style
    root, _ = templates_of(letter.path)
    return workspace_style_name(root)[0] or DEFAULT_STYLE


def style_for_letter(letter) -> CitationStyle:
    """The citation style of a letter, loaded (CitationStyleError says what is wrong)."""
    _, templates = templates_of(letter.path)
    return load_style(style_name_for(letter), templates)


# --- formatting ------------------------------------------------------------------------------

@dataclass
class NoteContext:
    """What the formatter needs of the letter: its date pattern."""

    date_format: str = "MMMM D, YYYY"


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
            out += _join(out, joiner, style.quotes[1], inside)
        out += nodes
    return out


def _join(before: list, joiner: str, close: str, inside: str) -> list:
    """The joiner between `before` and what follows; a comma or full stop that the style puts
    inside quotation marks moves into the closing mark that ends `before`."""
    if joiner[:1] and joiner[0] in inside and _last_char(before) == close:
        if _text_before_close(before)[-1:] not in (".", ",", "!", "?"):
            _insert_before_close(before, joiner[0])
        joiner = joiner[1:]  # “Returns must stop.” is not followed by a comma or a stop
    return [Text(joiner)] if joiner else []


def _last_char(nodes: list) -> str:
    for n in reversed(nodes):
        text = _text_of(n)
        if text:
            return text[-1]
    return ""


def _text_before_close(nodes: list) -> str:
    text = "".join(_text_of(n) for n in nodes)
    return text[:-1]


def _insert_before_close(nodes: list, mark: str) -> None:
    for i in range(len(nodes) - 1, -1, -1):
        n = nodes[i]
        if isinstance(n, Text) and n.text:
            nodes[i] = Text(n.text[:-1] + mark + n.text[-1])
            return
        if isinstance(n, Span) and _text_of(n):
            _insert_before_close(n.children, mark)
            return


def _text_of(n) -> str:
    if isinstance(n, Text):
        return n.text
    if isinstance(n, Span):
        return "".join(_text_of(c) for c in n.children)
    return ""


def _lowercase_first(nodes: list) -> list:
    for i, n in enumerate(nodes):
        if isinstance(n, Text) and n.text:
            return [*nodes[:i], Text(n.text[:1].lower() + n.text[1:]), *nodes[i + 1:]]
        if isinstance(n, Span) and _text_of(n):
            return [*nodes[:i], Span(n.kind, _lowercase_first(n.children), n.href),
                    *nodes[i + 1:]]
    return nodes


def _affix_join(text: str) -> str:
    """No space before a suffix that starts with punctuation (", at 4", "; see also …")."""
    return "" if text[:1] in ",;:.)]!?" else " "


def cite_nodes(source: Source, cite: Citation, style: CitationStyle, ctx: NoteContext,
               form: str = "full", first_note: int | None = None) -> list:
    """One citation in a style and form (full, short or immediate), as inline nodes."""
    values = _Values(style, ctx, source, cite, first_note)
    inside = style.punctuation_inside_quotes + ("," if source.quote_comma_inside else "")
    nodes = render_layout(style.layout(source.type, form), values, inside)
    if cite.prefix:
        if form == "immediate" and style.lowercase_after_prefix:
            nodes = _lowercase_first(nodes)
        nodes = [*parse_inline(cite.prefix), Text(" "), *nodes]
    if cite.suffix:
        nodes += _join(nodes, _affix_join(cite.suffix), style.quotes[1], inside)
        nodes += parse_inline(cite.suffix)
    return nodes


def link_nodes(part: LinkPart, style: CitationStyle, ctx: NoteContext) -> list:
    """A link-only footnote part: the address (and its text) as the style prints them."""
    return render_layout(style.link, _Values(style, ctx, None, link=part))


@dataclass
class FormattedNote:
    key: str
    number: int
    nodes: list


def format_notes(footnotes: dict, sources: dict[str, Source], numbers: dict[str, int],
                 resolve, style: CitationStyle, ctx: NoteContext) -> list[FormattedNote]:
    """Format the called footnotes in number order: a full citation on first use, the style's
    immediate form (Id., ibid) for the source just cited, its later form (full, or short with
    the note of the first citation) for a source cited before."""
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
                nodes += resolve(parse_inline(part.text))
                last_was_cite = False
                continue
            if isinstance(part, LinkPart):
                if nodes:
                    nodes.append(Text(style.between_citations if last_was_cite else " "))
                nodes += link_nodes(part, style, ctx)
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
            nodes += cite_nodes(source, part, style, ctx, form, first_note.get(part.cite))
            first_note.setdefault(part.cite, number)
            sources_here.add(part.cite)
            previous_source = part.cite
            last_was_cite = True
        previous_note_sources = sources_here
        if not sources_here:
            previous_source = None
        nodes = _end_note(nodes, style)
        notes.append(FormattedNote(key, number, nodes))
    return notes


def _end_note(nodes: list, style: CitationStyle) -> list:
    if not nodes or _ends_with_stop(nodes) or not style.note_end:
        return nodes
    last = next((n for n in reversed(nodes) if _text_of(n).strip()), None)
    if isinstance(last, Span) and last.kind == "link" and not style.stop_after_url \
            and _text_of(last).strip() == (last.href or "").strip():
        return nodes  # a note that ends with an address: no full stop glued to it
    nodes = list(nodes)
    nodes += _join(nodes, style.note_end, style.quotes[1], style.punctuation_inside_quotes)
    return nodes


_CLOSERS = "”’\"'»"


def _ends_with_stop(nodes: list) -> bool:
    for n in reversed(nodes):
        text = _text_of(n)
        if text.strip():
            return text.rstrip().rstrip(_CLOSERS)[-1:] in (".", "!", "?")
    return True


def style_problems(style: CitationStyle, sources: dict[str, Source]) -> list[Problem]:
    """`style-field-unprinted`: each field of a source that the chosen style never prints."""
    from ..format.schema import NOT_PRINTED, SOURCE

    out: list[Problem] = []
    for source in sources.values():
        if not source.type:
            continue
        printed = style.printed_fields(source.type)
        for name in SOURCE:
            value = getattr(source, name.replace("-", "_"), None)
            if name in NOT_PRINTED or name in printed or value in (None, "", [], False):
                continue
            pos: Pos = source.field_pos.get(name, source.pos)
            out.append(pos.warning(
                "style-field-unprinted",
                f"citation style '{style.name}' does not print '{name}' for type "
                f"{source.type}, so it is not in the notes; move what it says into a field "
                "the style prints, or choose another style (style.citations)"))
    return out
