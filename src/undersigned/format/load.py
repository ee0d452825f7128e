"""Loading: YAML files → the typed model, collecting located problems instead of failing early."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

from ..errors import LoadError
from ..gcpause import paused_gc
from ..problems import Pos, Problem, Severity
from ..textsafety import excerpt
from . import schema
from .dates import parse_partial_date
from .model import (
    Annex,
    Author,
    Block,
    Citation,
    Footnote,
    Letter,
    LinkPart,
    Party,
    Roster,
    Section,
    Signatory,
    SignatureStyle,
    Source,
    TextPart,
)
from .rosterlayout import scan_canonical_roster
from .yamlio import (
    MAX_SLOW_BYTES,
    RawList,
    RawMap,
    parse_yaml,
    read_text,
)

BLOCK_KEYS = ("paragraph", "heading", "quote", "list")


def _type_name(value) -> str:
    if isinstance(value, RawMap):
        return "a mapping"
    if isinstance(value, RawList):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (yes/no)"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"'{excerpt(value)}'"


def parse_date(value: str) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) or None when it is not a real date."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


class Reader:
    """Turns raw nodes into checked values, recording a Problem for everything wrong."""

    def __init__(self, display: str):
        self.display = display
        self.problems: list[Problem] = []

    def error(self, pos: Pos, rule: str, message: str) -> None:
        self.problems.append(pos.error(rule, message))

    def warning(self, pos: Pos, rule: str, message: str) -> None:
        self.problems.append(pos.warning(rule, message))

    def expect_map(self, node, pos: Pos, what: str) -> RawMap | None:
        if isinstance(node, RawMap):
            return node
        self.error(pos, "wrong-type", f"{what} must be a mapping of 'key: value' lines, "
                   f"not {_type_name(node)}")
        return None

    def expect_list(self, node, pos: Pos, what: str) -> RawList | None:
        if isinstance(node, RawList):
            return node
        self.error(pos, "wrong-type", f"{what} must be a list ('- ' items), not {_type_name(node)}")
        return None

    def text(self, node, pos: Pos, what: str) -> str | None:
        if isinstance(node, str):
            return node
        hint = "; put it in quotes" if isinstance(node, int | float | bool) else ""
        self.error(pos, "wrong-type", f"{what} must be text, not {_type_name(node)}{hint}")
        return None

    def unknown_keys(self, node: RawMap, known, what: str) -> None:
        for key in node:
            if key not in known:
                close = difflib.get_close_matches(key, list(known), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(known)}"
                self.warning(node.key_pos[key], "unknown-key",
                             f"unknown key '{excerpt(key)}' in {what} is ignored; {hint}")

    def fields(self, node: RawMap, spec: dict[str, schema.Field], what: str,
               extra: tuple[str, ...] = ()) -> tuple[dict, dict[str, Pos]]:
        """Check a flat mapping against a spec; returns (values, positions of the keys).

        Walks the keys present (a roster entry has a handful of its thirteen fields), then
        checks the required ones: this runs once per signatory, 50,000 times on a big roster.
        """
        values: dict = {}
        positions: dict[str, Pos] = {}
        unknown = False
        for name, value in node.items():
            field = spec.get(name)
            if field is None:
                unknown = unknown or name not in extra
                continue
            if value is None:
                continue
            positions[name] = node.key_pos[name]
            # the common, valid cases first: no position or message is made for them
            kind = field.type
            if (kind == "str" and isinstance(value, str)) or (kind == "enum"
                                                              and value in field.choices):
                values[name] = value
            elif kind == "date" and isinstance(value, str) and (day := parse_date(value)):
                values[name] = day
            else:
                values[name] = self.convert(value, node.value_pos[name], field,
                                            f"'{name}' of {what}")
        if unknown:
            self.unknown_keys(node, (*spec, *extra), what)
        for name, field in spec.items():
            if field.required and node.get(name) is None:
                self.error(node.pos, "missing-field",
                           f"{what} needs '{name}:' ({field.doc.rstrip('.')})")
        return values, positions

    def convert(self, value, pos: Pos, field: schema.Field, what: str):
        if field.type == "date":
            if isinstance(value, str) and (d := parse_date(value)):
                return d
            self.error(pos, "bad-date",
                       f"{what} is {_type_name(value)}, not a real date; write YYYY-MM-DD")
            return None
        if field.type == "partial-date":
            # `issued: 2017` reaches us as a number (YAML), `issued: 2017-06` as text
            text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
            if d := parse_partial_date(text):
                return d
            self.error(pos, "bad-date",
                       f"{what} is {_type_name(value)}, not a real date; write YYYY-MM-DD, or "
                       "YYYY-MM or YYYY when only the month or the year is known")
            return None
        if field.type == "bool":
            if isinstance(value, bool):
                return value
            self.error(pos, "wrong-type", f"{what} must be true or false, not {_type_name(value)}")
            return None
        if field.type == "int":
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
            if isinstance(value, str) and value.strip().isdigit():
                number = int(value)
            if number is not None and 1 <= number <= 4:
                return number
            self.error(pos, "bad-value", f"{what} is {_type_name(value)}; write a whole number "
                       "from 1 to 4")
            return None
        if field.type == "enum":
            if value in field.choices:
                return value
            self.error(pos, "bad-value",
                       f"{what} is {_type_name(value)}; use one of: {', '.join(field.choices)}")
            return None
        if field.type == "authors":
            return self.authors(value, pos, what)
        return self.text(value, pos, what)

    def authors(self, value, pos: Pos, what: str) -> list[Author]:
        if isinstance(value, str):
            return [Author(value)]
        items = self.expect_list(value, pos, what)
        out = []
        for item, ipos in zip(items or [], getattr(items, "item_pos", []), strict=False):
            if isinstance(item, str):
                out.append(Author(item))
            elif m := self.expect_map(item, ipos, f"an author in {what}"):
                self.unknown_keys(m, ("name", "affiliation"), "an author")
                name = self.text(m.get("name"), m.value_pos.get("name", m.pos), "author name")
                aff = m.get("affiliation")
                if aff is not None:
                    aff = self.text(aff, m.value_pos["affiliation"], "author affiliation")
                if name:
                    out.append(Author(name, aff))
        return out


def _slug_of(path: Path) -> str:
    return path.name.removesuffix(".yaml").removesuffix(".yml")


def load_letter(path: Path, display: str | None = None) -> tuple[Letter | None, list[Problem]]:
    """Load a letter file. Returns the model (None if unusable) and every problem found."""
    display = display or str(path)
    try:
        raw = parse_yaml(read_text(path, display), display)
    except LoadError as e:
        return None, e.problems
    return build_letter(raw, path, display)


def build_letter(raw, path: Path, display: str) -> tuple[Letter | None, list[Problem]]:
    r = Reader(display)
    top = r.expect_map(raw, Pos(display, 1, 1), "a letter file")
    if top is None:
        return None, r.problems
    nested = ("addressees", "cc", "body", "signatures", "annex", "style", "footnotes", "sources")
    values, positions = r.fields(top, schema.LETTER, "the letter", nested)

    def value_pos(key: str) -> Pos:
        return top.value_pos.get(key, top.pos)

    parties: dict[str, list[Party]] = {"addressees": [], "cc": []}
    for key in parties:
        if top.get(key) is None:
            continue
        items = r.expect_list(top[key], value_pos(key), f"'{key}'")
        for item, ipos in zip(items or [], getattr(items, "item_pos", []), strict=False):
            if isinstance(item, str):
                parties[key].append(Party(item, pos=ipos))
            elif m := r.expect_map(item, ipos, f"an entry of '{key}'"):
                v, _ = r.fields(m, schema.PARTY, f"an entry of '{key}'")
                if v.get("name"):
                    parties[key].append(Party(pos=m.pos, **v))

    body: list[Block] = []
    if "body" in top:
        items = r.expect_list(top["body"], value_pos("body"), "'body'")
        for item, ipos in zip(items or [], getattr(items, "item_pos", []), strict=False):
            block = _block(r, item, ipos)
            if block:
                body.append(block)
    else:
        r.error(top.pos, "missing-field", "the letter needs 'body:' (its paragraphs, as a list)")

    signatures = SignatureStyle()
    if top.get("signatures") is not None and (
        m := r.expect_map(top["signatures"], value_pos("signatures"), "'signatures'")
    ):
        v, _ = r.fields(m, schema.SIGNATURES, "'signatures'", ("sections",))
        for k, val in v.items():
            if val is not None:
                setattr(signatures, k, val)
        if m.get("sections") is not None:
            secs = r.expect_list(m["sections"], m.value_pos["sections"], "'sections'")
            signatures.sections = []
            for item, ipos in zip(secs or [], getattr(secs, "item_pos", []), strict=False):
                if s := r.expect_map(item, ipos, "a section"):
                    sv, _ = r.fields(s, schema.SECTION, "a section")
                    pattern = sv.get("pattern")
                    unknown = set(re.findall(r"\{([^{}]*)\}", pattern or "")) - {"name", "title"}
                    if pattern is not None and ("{name}" not in pattern or unknown):
                        r.error(s.value_pos["pattern"], "bad-value",
                                "'pattern' of a section must hold {name} (and may hold "
                                "{title}), e.g. '{name}, in an individual capacity ({title})'"
                                + (f"; {{{sorted(unknown)[0]}}} is not a field" if unknown
                                   else ""))
                    # a section without a heading is printed without one, never dropped
                    if sv.get("kind"):
                        signatures.sections.append(Section(
                            pos=s.pos, **{k: v for k, v in sv.items() if v is not None}))

    annex = None
    if top.get("annex") is not None and (
        m := r.expect_map(top["annex"], value_pos("annex"), "'annex'")
    ):
        v, _ = r.fields(m, schema.ANNEX, "'annex'", ("body",))
        blocks: list[Block] = []
        if m.get("body") is not None:
            items = r.expect_list(m["body"], m.value_pos["body"], "'body' of the annex")
            for item, ipos in zip(items or [], getattr(items, "item_pos", []), strict=False):
                if block := _block(r, item, ipos):
                    blocks.append(block)
        else:
            r.error(m.pos, "missing-field", "'annex' needs 'body:' (its paragraphs, as a list)")
        annex = Annex(v.get("heading"), blocks, pos=m.pos)

    date_format = "MMMM D, YYYY"
    addressee_layout = "stacked"
    citation_style = None
    style_pos: dict[str, Pos] = {}
    if top.get("style") is not None and (
        m := r.expect_map(top["style"], value_pos("style"), "'style'")
    ):
        v, _ = r.fields(m, schema.STYLE, "'style'")
        date_format = v.get("date_format") or date_format
        addressee_layout = v.get("addressees") or addressee_layout
        citation_style = v.get("citations")
        for name in ("date_format", "citations"):  # rules point at the value itself
            if name in m.value_pos:
                style_pos[name] = m.value_pos[name]

    sources: dict[str, Source] = {}
    if top.get("sources") is not None and (
        m := r.expect_map(top["sources"], value_pos("sources"), "'sources'")
    ):
        for key, node in m.items():
            if s := r.expect_map(node, m.value_pos[key], f"source '{key}'"):
                v, fpos = r.fields(s, schema.SOURCE, f"source '{key}'")
                kwargs = {k.replace("-", "_"): val for k, val in v.items() if val is not None}
                # A source whose type is missing or unknown is kept (type "") so that its
                # citations are not also reported as citing an undefined source.
                kwargs.setdefault("type", "")
                sources[key] = Source(key=key, pos=m.key_pos[key], field_pos=fpos, **kwargs)

    footnotes: dict[str, Footnote] = {}
    if top.get("footnotes") is not None and (
        m := r.expect_map(top["footnotes"], value_pos("footnotes"), "'footnotes'")
    ):
        for key, node in m.items():
            footnotes[key] = _footnote(r, key, node, m.key_pos[key], m.value_pos[key])

    if not values.get("kind") or not values.get("title"):
        return None, r.problems
    letter = Letter(
        slug=_slug_of(path), path=path, body=body, signatures=signatures, annex=annex,
        date_format=date_format, addressee_layout=addressee_layout,
        citation_style=citation_style, footnotes=footnotes,
        sources=sources,
        addressees=parties["addressees"], cc=parties["cc"], pos=top.pos,
        field_pos={**positions, **{k: top.key_pos[k] for k in nested if k in top}, **style_pos},
        **{k: v for k, v in values.items() if v is not None},
    )
    return letter, r.problems


def _block(r: Reader, item, pos: Pos) -> Block | None:
    if isinstance(item, str):
        return Block("paragraph", item, pos=pos)
    if item is None:
        r.error(pos, "empty-paragraph", "this body item is empty; delete the line or write text")
        return None
    m = r.expect_map(item, pos, "a body item")
    if m is None:
        return None
    kinds = [k for k in BLOCK_KEYS if k in m]
    if len(kinds) != 1:
        r.error(m.pos, "bad-block", "a body item needs exactly one of: " + ", ".join(BLOCK_KEYS))
        return None
    kind = kinds[0]
    r.unknown_keys(m, (kind, "id", *(("ordered",) if kind == "list" else ())), "a body item")
    block_id = m.get("id")
    if block_id is not None:
        block_id = r.text(block_id, m.value_pos["id"], "'id'")
    vpos = m.value_pos[kind]
    if kind == "list":
        items = r.expect_list(m[kind], vpos, "'list'")
        texts, tpos = [], []
        for it, ipos in zip(items or [], getattr(items, "item_pos", []), strict=False):
            t = r.text(it, ipos, "a list item")
            if t is not None:
                texts.append(t)
                tpos.append(ipos)
        ordered = m.get("ordered", False)
        if not isinstance(ordered, bool):
            r.error(m.value_pos["ordered"], "wrong-type", "'ordered' must be true or false")
            ordered = False
        return Block("list", items=texts, ordered=ordered, id=block_id, pos=vpos, item_pos=tpos)
    if m[kind] is None:
        r.error(vpos, "empty-paragraph", f"this {kind} is empty; write text or delete it")
        return None
    text = r.text(m[kind], vpos, f"a {kind}")
    if text is None:
        return None
    return Block("paragraph" if kind == "paragraph" else kind, text, id=block_id, pos=vpos)


def _footnote(r: Reader, key: str, node, kpos: Pos, vpos: Pos) -> Footnote:
    if isinstance(node, str):
        return Footnote(key, [TextPart(node, vpos)], kpos)
    if node is None:  # `key:` with nothing after it: rule note-empty says what to do
        return Footnote(key, [], kpos)
    parts: list[Citation | TextPart | LinkPart] = []
    items = r.expect_list(node, vpos, f"footnote '{key}'")
    for item, ipos in zip(items or [], getattr(items, "item_pos", []), strict=False):
        if isinstance(item, str):
            parts.append(TextPart(item, ipos))
            continue
        m = r.expect_map(item, ipos, f"a part of footnote '{key}'")
        if m is None:
            continue
        if "link" in m and "cite" not in m:
            v, fpos = r.fields(m, schema.LINK_PART, f"a link in footnote '{key}'")
            if v.get("link"):
                parts.append(LinkPart(pos=m.pos, field_pos=fpos, **v))
            continue
        if "text" in m and "cite" not in m:
            v, _ = r.fields(m, schema.TEXT_PART, f"a part of footnote '{key}'")
            if v.get("text"):
                parts.append(TextPart(v["text"], m.value_pos["text"]))
            continue
        v, fpos = r.fields(m, schema.CITATION, f"a citation in footnote '{key}'")
        if v.get("cite"):
            parts.append(Citation(pos=m.pos, field_pos=fpos, **v))
    return Footnote(key, parts, kpos)


def as_listed_kinds(letter_path: Path, letter: Letter | None = None) -> frozenset[str]:
    """The kinds of signatory a letter prints in its roster's own order (`order: as-listed`),
    which `fmt` and `sign` then keep as they are; none if the letter is missing or broken.
    `letter`: the letter at that path when the caller has loaded it already."""
    if letter is not None:
        return letter.signatures.as_listed_kinds()
    if not letter_path.is_file():
        return frozenset()
    letter, _ = load_letter(letter_path)
    return letter.signatures.as_listed_kinds() if letter is not None else frozenset()


def load_roster(path: Path, display: str | None = None) -> tuple[Roster | None, list[Problem]]:
    """Load a roster: the fast canonical reader first, the full YAML parser as fallback."""
    display = display or str(path)
    with paused_gc():
        return _load_roster(path, display)


def _load_roster(path: Path, display: str) -> tuple[Roster | None, list[Problem]]:
    try:
        raw = parse_roster_text(read_text(path, display), display)
    except LoadError as e:
        return None, e.problems
    return build_roster(raw, path, display)


def parse_roster_text(text: str, display: str):
    """A roster's text as raw nodes: the canonical layout's line scanner, else the YAML parser
    (which is slow, so a file beyond MAX_SLOW_BYTES must be in the canonical layout)."""
    raw = scan_canonical_roster(text, display)
    if raw is None:
        if len(text) > MAX_SLOW_BYTES:
            raise LoadError([Pos(display, 1, 1).error(
                "yaml-too-large",
                f"this roster is {len(text) // (1024 * 1024)} MB and not in the canonical "
                "layout, which only smaller files may leave; see 'Why the roster looks "
                "like this' in docs/format.md",
            )])
        raw = parse_yaml(text, display)
    return raw


def build_roster(raw, path: Path, display: str) -> tuple[Roster | None, list[Problem]]:
    r = Reader(display)
    top = r.expect_map(raw, Pos(display, 1, 1), "a roster file")
    if top is None:
        return None, r.problems
    values, positions = r.fields(top, schema.ROSTER, "the roster", ("signatories",))
    signatories: list[Signatory] = []
    if top.get("signatories") is None:
        if "signatories" not in top:
            r.error(top.pos, "missing-field", "the roster needs 'signatories:' (a list)")
    else:
        items = r.expect_list(top["signatories"], top.value_pos["signatories"], "'signatories'")
        for item, ipos in zip(items or [], getattr(items, "item_pos", []), strict=False):
            sig = build_signatory(r, item, ipos)
            if sig is not None:
                signatories.append(sig)
    roster = Roster(path, values.get("as_of"), signatories, pos=top.pos, field_pos=positions)
    return roster, r.problems


def build_signatory(r: Reader, item, ipos: Pos) -> Signatory | None:
    """One roster entry as a Signatory, its problems reported to `r`; None when it names no
    one (no name or no kind) or is not a mapping."""
    m = r.expect_map(item, ipos, "a signatory")
    if m is None:
        return None
    v, fpos = r.fields(m, schema.SIGNATORY, "a signatory")
    if v.get("name") and v.get("kind"):
        v = {k: val for k, val in v.items() if val is not None}
        v.setdefault("signed_on", None)
        return Signatory(pos=m.pos, field_pos=fpos, **v)
    return None


def severity_counts(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return errors, len(problems) - errors
