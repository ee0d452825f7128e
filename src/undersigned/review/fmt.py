"""Canonical layout of letters and rosters: key order, quoting, indentation, comments kept."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FormatError, LoadError
from ..format import schema
from ..format.rosterlayout import plainly_laid_out, quote, unsafe_char
from ..format.yamlio import decode, parse_yaml, resolve_plain
from ..gcpause import paused_gc

INDENT = 2

# Key order of each mapping, in reading order of the letter (docs/format.md). Keys a mapping
# has that are not listed keep their relative order after the listed ones.
LETTER_ORDER = ("kind", "title", "lang", "heading", "date", "place", "delivery", "addressees",
                "cc", "cc_position", "subject", "salutation", "body", "closing", "signatures",
                "annex", "style", "footnotes", "sources")
# A block's `id` comes first: it names the block, and stays in sight above a long paragraph.
BLOCK_ORDER = ("id", "paragraph", "heading", "quote", "list", "ordered")
SIGNATURES_ORDER = ("heading", "note", "sections", "group_by")
AUTHOR_ORDER = ("name", "affiliation")
ROSTER_ORDER = ("as_of", "signatories")


def key_order(kind: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
    """The canonical key order of the mapping at `path` ('*' stands for a list item)."""
    if kind == "roster":
        if path == ():
            return ROSTER_ORDER
        if path == ("signatories", "*"):
            return tuple(schema.SIGNATORY)
        return None
    n = len(path)
    if n == 0:
        return LETTER_ORDER
    if n == 2 and path[0] in ("addressees", "cc") and path[1] == "*":
        return tuple(schema.PARTY)
    if path in (("body", "*"), ("annex", "body", "*")):
        return BLOCK_ORDER
    if path == ("annex",):
        return (*schema.ANNEX, "body")
    if path == ("signatures",):
        return SIGNATURES_ORDER
    if path == ("signatures", "sections", "*"):
        return tuple(schema.SECTION)
    if path == ("style",):
        return tuple(schema.STYLE)
    if n == 3 and path[0] == "footnotes" and path[2] == "*":
        return (*schema.CITATION, *schema.LINK_PART, *schema.TEXT_PART)
    if n == 2 and path[0] == "sources":
        return tuple(schema.SOURCE)
    if n == 4 and path[0] == "sources" and path[2] == "author" and path[3] == "*":
        return AUTHOR_ORDER
    return None


# --- scalars ------------------------------------------------------------------------------------

def _literal_ok(s: str) -> bool:
    if "\t" in s or any(unsafe_char(c) for c in s if c != "\n"):
        return False
    content = s.rstrip("\n")
    if not content.strip() or s.endswith("\n\n"):
        return False  # kept trailing blank lines would run into the blank line after a block
    lines = content.split("\n")
    first = next(line for line in lines if line)
    return not first.startswith(" ") and not any(line.endswith(" ") for line in lines)


# --- the parsed document --------------------------------------------------------------------------


@dataclass
class Scalar:
    value: str
    style: str | None  # None (plain), "'", '"', "|", ">"


@dataclass
class Container:
    kind: str  # map | seq
    slots: list[Slot] = field(default_factory=list)
    trailing: list[str] = field(default_factory=list)
    parent: Slot | None = None

    @property
    def col(self) -> int:
        return self.slots[0].col if self.slots else 0


@dataclass
class Slot:
    """A mapping entry or a sequence item: where comments are anchored."""

    line: int
    col: int
    key: Scalar | None
    value: Scalar | Container | None
    container: Container
    leading: list[str] = field(default_factory=list)
    eol: str | None = None


@dataclass
class Document:
    root: Container
    header: list[str]
    trailing: list[str]
    comments: list[str]  # every comment, as written, to prove none is lost

    def data(self):
        """What the text says, as the loader reads it (plain → YAML 1.2 core, quoted → text)."""
        return _data(self.root)


def _data(node):
    if isinstance(node, Scalar):
        return resolve_plain(node.value) if node.style is None else node.value
    if isinstance(node, Container) and node.kind == "map":
        out = {}
        for s in node.slots:
            key = _data(s.key)
            out["" if key is None else str(key)] = _data(s.value)
        return out
    if isinstance(node, Container):
        return [_data(s.value) for s in node.slots]
    return None


def _dash_position(lines: list[str], line: int, col: int) -> tuple[int, int]:
    """Where the `-` of a sequence item stands (its content may start on a later line)."""
    before = lines[line][:col].rstrip()
    if before.endswith("-"):
        return line, len(before) - 1
    for back in range(line - 1, max(line - 4, -1), -1):
        text = lines[back].split(" #")[0].rstrip()
        if text.endswith("-") and text.strip() == "-":
            return back, len(text) - 1
        if text.strip():
            break
    return line, max(col - 2, 0)


_EOL = re.compile(r"(?:^|(?<=\s))#.*")
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*[ \t]+(#.*)")
_BLOCK_INDICATORS = re.compile(r"[|>][-+0-9]*")


def parse_document(text: str, display: str, check: bool = True) -> Document:
    """Parse YAML into containers and scalars, with each comment anchored to an entry.

    With `check`, the loader reads the text first, so that anything it refuses (a syntax error,
    an alias, a tag, a duplicate key) is reported with its file, line and column.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import (
        CollectionEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceStartEvent,
    )

    if check:
        parse_yaml(text, display)
    lines = text.split("\n")
    stack: list[Container] = []
    pending: list[tuple[Scalar, object] | None] = []
    slots: list[Slot] = []
    root: Container | None = None
    interior: set[int] = set()  # lines inside multi-line scalars
    no_eol: set[int] = set()  # lines where a multi-line quoted or plain scalar starts
    ends: dict[int, int] = {}  # line → the column where the last token on it ends
    block_starts: dict[int, int] = {}  # line → column of a block scalar's indicator

    def place(node, mark) -> None:
        nonlocal root
        if not stack:
            root = node if isinstance(node, Container) else None
            return
        parent = stack[-1]
        if parent.kind == "map":
            if pending[-1] is None:
                if not isinstance(node, Scalar):
                    raise FormatError(f"{display}: a mapping key must be plain text")
                pending[-1] = (node, mark)
                return
            key, key_mark = pending[-1]
            pending[-1] = None
            slot = Slot(key_mark.line, key_mark.column, key, node, parent)
        else:
            line, col = _dash_position(lines, mark.line, mark.column)
            slot = Slot(line, col, None, node, parent)
        parent.slots.append(slot)
        slots.append(slot)
        if isinstance(node, Container):
            node.parent = slot

    try:
        for event in YAML(typ="rt", pure=True).parse(text):
            start, end = getattr(event, "start_mark", None), getattr(event, "end_mark", None)
            if isinstance(event, ScalarEvent):
                value = event.value
                if event.style == ">":
                    # ruamel's round-trip scanner marks each fold with BEL (to re-emit it); the
                    # loader drops those marks, and so do we
                    value = value.replace("\a", "")
                node = Scalar(value, event.style)
                if end.line > start.line:
                    inside = range(start.line + 1, end.line + (end.column > 0))
                    if event.style in ("|", ">"):
                        block_starts[start.line] = start.column
                        header = _BLOCK_INDICATORS.match(lines[start.line], start.column)
                        if header and "+" not in header.group(0):
                            # blank lines after clipped text separate it from the next entry
                            last = inside.stop
                            while last > inside.start and not lines[last - 1].strip():
                                last -= 1
                            inside = range(inside.start, last)
                        interior.update(inside)
                    else:
                        interior.update(range(start.line + 1, end.line))
                        no_eol.add(start.line)
                        ends[end.line] = max(ends.get(end.line, 0), end.column)
                else:
                    ends[end.line] = max(ends.get(end.line, 0), end.column)
                place(node, start)
            elif isinstance(event, MappingStartEvent | SequenceStartEvent):
                node = Container("map" if isinstance(event, MappingStartEvent) else "seq")
                place(node, start)
                stack.append(node)
                pending.append(None)
            elif isinstance(event, CollectionEndEvent):
                # a flow collection's closing bracket is content; a block one ends invisibly
                if end is not None and end.column > 0 and end.line < len(lines) and \
                        lines[end.line][end.column - 1:end.column] in ("]", "}"):
                    ends[end.line] = max(ends.get(end.line, 0), end.column)
                stack.pop()
                pending.pop()
    except YAMLError as e:  # parse_yaml above reports these with a location first
        raise FormatError(f"{display}: {e}") from None
    if root is None:
        raise FormatError(f"{display}: the file holds no mapping or list; nothing to format")

    slot_lines = [s.line for s in slots]
    doc = Document(root, [], [], [])

    def slot_before(line: int, strict: bool) -> Slot | None:
        k = bisect.bisect_left(slot_lines, line) if strict else bisect.bisect_right(
            slot_lines, line)
        return slots[k - 1] if k > 0 else None

    def slot_after(line: int) -> Slot | None:
        k = bisect.bisect_right(slot_lines, line)
        return slots[k] if k < len(slots) else None

    def ancestors(slot: Slot):
        c = slot.container
        while c is not None:
            yield c
            c = c.parent.container if c.parent is not None else None

    blank_above = False
    for n, raw in enumerate(lines):
        if n in interior:
            continue
        stripped = raw.strip()
        if not stripped:
            blank_above = True
            continue
        if not stripped.startswith("#") or n in ends or n in block_starts:
            # a line of content: a blank line above it separates it from what came before
            starting = slot_after(n - 1)
            if blank_above and starting is not None and starting.line == n:
                starting.leading.append("")
            blank_above = False
            # and a comment may follow the last token on it
            comment = None
            if n in block_starts:
                m = _BLOCK_HEADER.match(raw, block_starts[n])
                comment = m.group(1).rstrip() if m else None
            elif n not in no_eol:
                m = _EOL.search(raw, ends.get(n, 0))
                comment = m.group(0).rstrip() if m else None
            if comment:
                doc.comments.append(comment)
                owner = slot_before(n, strict=False)
                if owner is None:
                    doc.header.append(comment)
                elif owner.eol:
                    owner.leading.append(comment)
                else:
                    owner.eol = comment
            continue
        # a comment line: it belongs to the entry below it, or ends the block above it when it
        # is indented deeper than that entry
        doc.comments.append(stripped)
        col = len(raw) - len(raw.lstrip())
        after, before = slot_after(n), slot_before(n, strict=True)
        target: list[str] | None = None
        if before is not None and (after is None or col > after.col):
            for c in ancestors(before):
                if c.col <= col:
                    inside = after is not None and any(a is c for a in ancestors(after))
                    target = None if inside else c.trailing
                    break
        if target is None:
            target = after.leading if after is not None else doc.trailing
        if blank_above:
            target.append("")
        blank_above = False
        target.append(stripped)
    if slots:
        first = slots[0]
        doc.header = [*doc.header, *first.leading]
        first.leading = []
    return doc


# --- writing the canonical layout ---------------------------------------------------------------


class _Writer:
    def __init__(self, kind: str):
        self.kind = kind
        self.spaced: Container | None = None  # the list whose items are a blank line apart

    def key_text(self, key: Scalar) -> str:
        if key.style is None and not isinstance(resolve_plain(key.value), str):
            return key.value
        return quote(key.value)

    def value_text(self, s: Scalar, indent: int) -> tuple[str, list[str]]:
        """(text after `key: ` or `- `, the block lines that follow for a literal block)."""
        if s.style is None:
            resolved = resolve_plain(s.value)
            if resolved is None:
                return "", []
            if isinstance(resolved, bool):
                return ("true" if resolved else "false"), []
            if not isinstance(resolved, str):
                return s.value, []
        value = s.value
        if "\n" in value and _literal_ok(value):
            content = value.rstrip("\n")
            newlines = len(value) - len(content)
            header = "|-" if newlines == 0 else "|"
            pad = " " * (indent + INDENT)
            return header, [pad + line if line else "" for line in content.split("\n")]
        return quote(value), []

    def ordered(self, c: Container, path: tuple[str, ...]) -> list[Slot]:
        order = key_order(self.kind, path) if c.kind == "map" else None
        if not order:
            return list(c.slots)
        rank = {k: i for i, k in enumerate(order)}
        return sorted(c.slots, key=lambda s: rank.get(_key_name(s.key), len(rank)))

    def leading(self, slot: Slot, indent: int, first: bool) -> list[str]:
        out: list[str] = []
        for line in slot.leading:
            if line == "" and (not out and first or out and out[-1] == ""):
                continue
            out.append(" " * indent + line if line else "")
        if slot.container is self.spaced and not first and (not out or out[0] != ""):
            out.insert(0, "")  # the canonical roster keeps a blank line between entries
        return out

    def trailing(self, c: Container, indent: int) -> list[str]:
        out = []
        for line in c.trailing:
            if line == "" and (not out or out[-1] == ""):
                continue
            out.append(" " * indent + line if line else "")
        while out and out[-1] == "":
            out.pop()
        return out

    def container(self, c: Container, indent: int, path: tuple[str, ...],
                  inline: bool = False, eol: str | None = None) -> list[str]:
        """A block mapping or sequence at `indent`; `inline` starts it on a `- ` line."""
        out: list[str] = []
        slots = self.ordered(c, path)
        for k, slot in enumerate(slots):
            child_path = (*path, _key_name(slot.key)) if c.kind == "map" else (*path, "*")
            lead = self.leading(slot, indent - INDENT if inline and k == 0 else indent, k == 0)
            body = self.slot(slot, indent, child_path)
            if inline and k == 0:
                body[0] = " " * (indent - INDENT) + "- " + body[0][indent:]
                if eol:
                    if slot.eol is None:
                        body[0] += "  " + eol
                    else:
                        lead.append(" " * (indent - INDENT) + eol)
            out += lead + body
        out += self.trailing(c, indent)
        return out

    def slot(self, slot: Slot, indent: int, path: tuple[str, ...]) -> list[str]:
        pad = " " * indent
        head = pad + (self.key_text(slot.key) + ":" if slot.key is not None else "-")
        eol = f"  {slot.eol}" if slot.eol else ""
        v = slot.value
        if v is None:
            return [head + eol]
        if isinstance(v, Scalar):
            text, block = self.value_text(v, indent)
            return [head + (" " + text if text else "") + eol, *block]
        if not v.slots:
            return [head + (" {}" if v.kind == "map" else " []") + eol, *self.trailing(v, indent)]
        if slot.key is None:  # an item holding a mapping or list starts on the dash line
            lines = self.container(v, indent + INDENT, path, inline=True, eol=slot.eol)
            return lines
        child = indent + INDENT
        return [head + eol, *self.container(v, child, path)]

    def document(self, doc: Document) -> str:
        if self.kind == "roster" and doc.root.kind == "map":
            top = {_key_name(s.key): s.value for s in doc.root.slots}
            if isinstance(top.get("signatories"), Container):
                self.spaced = top["signatories"]
        lines = _collapse(doc.header)
        lines += self.container(doc.root, 0, ())
        lines += _collapse(doc.trailing)
        while lines and lines[0] == "":
            lines.pop(0)
        while lines and lines[-1] == "":
            lines.pop()
        return "\n".join(lines) + "\n"


def _collapse(lines: list[str]) -> list[str]:
    """Comment lines with runs of blank lines shortened to one."""
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return out


def _key_name(key: Scalar | None) -> str:
    if key is None:
        return "*"
    return key.value


# --- the public functions -------------------------------------------------------------------------


def _meaning(raw, kind: str):
    """What a file says, for comparison: roster entries are compared in any order."""
    if kind == "roster" and isinstance(raw, dict) and isinstance(raw.get("signatories"), list):
        import json

        entries = sorted(json.dumps(e, sort_keys=True, default=str) for e in raw["signatories"])
        return {**raw, "signatories": entries}
    return raw


def _check_same(before: Document, after: str, display: str, kind: str) -> None:
    """Refuse a result that reads differently or lost a comment: formatting changes layout only."""
    try:
        result = parse_document(after, display, check=False)
    except (LoadError, FormatError) as e:
        raise FormatError(f"{display}: the canonical layout of this {kind} does not parse "
                          f"({e}); please report this, nothing was written") from None
    if _meaning(before.data(), kind) != _meaning(result.data(), kind):
        raise FormatError(f"{display}: formatting would change what this {kind} says; please "
                          "report this, nothing was written")
    if sorted(before.comments) != sorted(result.comments):
        raise FormatError(f"{display}: formatting would lose or alter a comment; please report "
                          "this, nothing was written")


def format_letter_text(text: str, display: str = "<letter>") -> str:
    """The letter in the canonical layout.

    Keys in the order of docs/format.md, two-space indentation with lists indented under their
    key, one line per value (multi-line text as a `|` block), the fewest quotes that keep every
    value as it is, comments kept where they were.
    """
    doc = parse_document(text, display)
    out = _Writer("letter").document(doc)
    if out != text:
        _check_same(doc, out, display, "letter")
    return out


def format_roster_text(text: str, display: str = "<roster>",
                       as_listed: frozenset[str] = frozenset()) -> str:
    """The roster in its canonical layout (docs/format.md).

    One flat entry per block, a blank line between entries, sorted by collation key within
    each kind (but the kinds in `as_listed`, which its letter prints in the roster's order),
    comments kept. The roster module's fast writer does this when it is available.
    """
    canonical = _roster_writer()
    if canonical is not None:
        out = canonical(text, display, as_listed)
        if out != text and not plainly_laid_out(text):
            # a hand-formatted roster takes the writer's slower path: prove it kept everything
            # (cheap next to reading such a file at all)
            _check_same(parse_document(text, display), out, display, "roster")
        return out
    doc = parse_document(text, display)
    _sort_entries(doc, as_listed)
    out = _Writer("roster").document(doc)
    if out != text:
        _check_same(doc, out, display, "roster")
    return out


def _roster_writer():
    """roster.canonical.write_canonical_roster (the roster's fast writer), when present."""
    try:
        from ..roster.canonical import write_canonical_roster
    except ImportError:
        return None
    return write_canonical_roster


def _sort_entries(doc: Document, as_listed: frozenset[str] = frozenset()) -> None:
    """Sort signatories by collation key within each kind, each kind keeping its places (the
    kinds in `as_listed` keep their order)."""
    from ..format.model import Signatory
    from ..roster.collation import sort_key

    top = {_key_name(s.key): s for s in doc.root.slots} if doc.root.kind == "map" else {}
    entries = top.get("signatories")
    if entries is None or not isinstance(entries.value, Container) or \
            entries.value.kind != "seq":
        return
    items = entries.value.slots
    keyed = []
    for item in items:
        v = item.value
        if not isinstance(v, Container) or v.kind != "map":
            return
        fields = {_key_name(s.key): s.value for s in v.slots}
        name, kind, sort_as = (fields.get(k) for k in ("name", "kind", "sort_as"))
        if not isinstance(name, Scalar) or not isinstance(kind, Scalar):
            return
        sig = Signatory(name.value, kind.value, None,
                        sort_as=sort_as.value if isinstance(sort_as, Scalar) else None)
        keyed.append((kind.value, sort_key(sig)))
    slots_by_kind: dict[str, list[int]] = {}
    for i, (kind, _) in enumerate(keyed):
        slots_by_kind.setdefault(kind, []).append(i)
    result = list(items)
    for kind, places in slots_by_kind.items():
        if kind in as_listed:
            continue
        chosen = sorted(places, key=lambda i: keyed[i][1])
        for place, i in zip(places, chosen, strict=True):
            result[place] = items[i]
    entries.value.slots = result


def file_kind(path: Path, text: str | None = None) -> str:
    """'roster' for files under signatories/ (or holding a `signatories:` list), else 'letter'."""
    if path.parent.name == "signatories":
        return "roster"
    if path.parent.name == "letters":
        return "letter"
    if text is not None and re.search(r"^signatories:", text, re.M):
        return "roster"
    return "letter"


def _as_listed_of(roster: Path) -> frozenset[str]:
    """The kinds the roster's letter (letters/<slug>.yaml beside signatories/) prints as
    listed: `fmt` keeps their order."""
    from ..format.load import as_listed_kinds

    return as_listed_kinds(roster.parent.parent / "letters" / roster.name)


@dataclass
class Formatted:
    path: Path
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def format_file(path: Path, display: str | None = None) -> Formatted:
    """Read a letter or roster and compute its canonical text (nothing is written)."""
    display = display or str(path)
    from ..fileio import FileAccessError, read_file, workspace_of

    try:  # the reader every command shares: size limit, no link out of the workspace
        data = read_file(path, inside=workspace_of(path))
    except FileAccessError as e:
        raise FormatError(f"{display}: {e.message}") from None
    text = decode(data, display)
    # the file as it was, byte for byte: the text itself unless a BOM was dropped (a second
    # copy of a 200,000-entry roster is some 80 MB)
    before = data.decode("utf-8") if data.startswith(b"\xef\xbb\xbf") else text
    del data
    kind = file_kind(path, text)
    with paused_gc():  # a roster is tens of thousands of entries; see gcpause
        if kind == "roster":
            after = format_roster_text(text, display, _as_listed_of(path))
        else:
            after = format_letter_text(text, display)
    return Formatted(path, before, after)


def reformat(path: Path, display: str | None = None, write: bool = True) -> Formatted:
    """Format a file and, when `write` and its text changes, write it back atomically.

    A roster is formatted under its lock, from reading to writing: `sign` commands edit
    rosters under it, and an entry they add meanwhile would otherwise be lost.
    """
    import contextlib

    from ..fileio import write_atomic
    from ..roster.writes import locked

    lock = (locked(path.with_name(path.name.replace(".private.yaml", ".yaml")))
            if write and path.parent.name == "signatories" else contextlib.nullcontext())
    with lock:
        result = format_file(path, display)
        if write and result.changed:
            write_atomic(path, result.after)
    return result
