"""Reading YAML safely into raw nodes that keep positions (the canonical roster layout has its
own fast reader, in rosterlayout.py)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import LoadError
from ..problems import Pos

MAX_SLOW_BYTES = 8 * 1024 * 1024  # beyond this, only the fast canonical roster reader is used
MAX_DEPTH = 32  # our format nests 5 deep; deeper input is hostile and slow to scan


class RawMap(dict):
    """A YAML mapping: a dict that remembers where it and each of its keys and values start.

    `derived_values`: value positions follow from key positions (`key: value` on one line),
    made only when asked for — the canonical roster reader's entries, 50,000 at a time.
    """

    __slots__ = ("pos", "key_pos", "value_pos")

    def __init__(self, pos: Pos, derived_values: bool = False):
        self.pos = pos
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = (_ValuePosFromKeys(self.key_pos) if derived_values
                                          else {})


class _ValuePosFromKeys(dict):
    """Value positions of a one-line `key: value`: two columns after the key's end."""

    __slots__ = ("key_pos",)

    def __init__(self, key_pos: dict[str, Pos]):
        self.key_pos = key_pos

    def __missing__(self, key: str) -> Pos:
        kp = self.key_pos[key]
        return Pos(kp.file, kp.line, kp.column + len(key) + 2)

    def get(self, key, default=None):
        return self[key] if key in self.key_pos else default


class RawList(list):
    """A YAML sequence that remembers where it and each item start."""

    __slots__ = ("pos", "item_pos")

    def __init__(self, pos: Pos):
        self.pos = pos
        self.item_pos: list[Pos] = []


def read_text(path: Path, display: str, inside: Path | None | bool = True) -> str:
    """Read a YAML file as text: UTF-8 (a BOM is accepted), size-capped, located errors.

    `inside`: where the file must really be (see `fileio.read_file`); by default the
    workspace the path is in, so a committed symbolic link to `~/.ssh/…` is never read.
    """
    from ..fileio import FileAccessError, read_file, workspace_of

    if inside is True:
        inside = workspace_of(path)
    try:
        data = read_file(path, inside=inside or None)  # fileio.MAX_BYTES: the one limit
    except FileAccessError as e:
        rule = "yaml-too-large" if e.rule == "file-too-large" else e.rule
        raise LoadError([Pos(display, 1, 1).error(rule, e.message)]) from None
    return decode(data, display)


def decode(data: bytes, display: str) -> str:
    """Decode file bytes as UTF-8 (with or without BOM); name the line of a bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError([Pos(display, 1, 1).error(
            "yaml-encoding", "the file is UTF-16; save it as UTF-8 (your editor's encoding menu)")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        start = data.rfind(b"\n", 0, e.start) + 1
        col = len(data[start:e.start].decode("utf-8", "replace")) + 1  # in characters
        raise LoadError([Pos(display, line, col).error(
            "yaml-encoding",
            f"byte 0x{data[e.start]:02x} is not UTF-8; save the file as UTF-8",
        )]) from None


_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUES = {"true", "True", "TRUE"}
_FALSES = {"false", "False", "FALSE"}
_NUMBER_START = frozenset("0123456789+-.")
_KEYWORDS = _NULLS | _TRUES | _FALSES
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")


def resolve_plain(value: str):
    """Resolve an unquoted scalar by the YAML 1.2 core schema; dates stay text (checked later)."""
    if value in _NULLS:
        return None
    if value in _TRUES:
        return True
    if value in _FALSES:
        return False
    if value[:1] not in _NUMBER_START or (len(value) == 10 and value[4] == value[7] == "-"):
        return value  # text, or a date (kept as text, checked later)
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def parse_yaml(text: str, display: str):
    """Parse YAML text into RawMap/RawList/scalars with positions.

    Only a parser's events are used, never a constructor: no tag can create an object,
    aliases are refused (no alias bombs), duplicate keys are located. The events come from
    libyaml (PyYAML's C parser) when it is available — twenty times faster than a pure-Python
    parser, which matters for start-up and for hand-formatted rosters — else from
    ruamel.yaml's parser. Both give the same events, marks and errors for our purposes.

    Text over MAX_SLOW_BYTES is refused: every command that parses a file comes here, so a
    45 MB roster in flow style costs a clear error, not a minute and gigabytes of memory.
    """
    if len(text) > MAX_SLOW_BYTES:
        raise LoadError([Pos(display, 1, 1).error(
            "yaml-too-large",
            f"this file is {len(text) // (1024 * 1024)} MB and not in the canonical roster "
            f"layout, which only files under {MAX_SLOW_BYTES // (1024 * 1024)} MB may leave; "
            "see 'Why the roster looks like this' in docs/format.md",
        )])
    events, MarkedYAMLError, YAMLError = _event_source(text)
    AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent = (
        "AliasEvent", "DocumentStartEvent", "MappingEndEvent", "MappingStartEvent")
    ScalarEvent, SequenceEndEvent, SequenceStartEvent = (
        "ScalarEvent", "SequenceEndEvent", "SequenceStartEvent")

    if "\t" in text:
        for n, line in enumerate(text.splitlines(), 1):
            indent = len(line) - len(line.lstrip(" \t"))
            if "\t" in line[:indent]:
                raise LoadError([Pos(display, n, line.index("\t") + 1).error(
                    "yaml-syntax", "a tab is used for indentation; YAML needs spaces")])

    def pos_of(mark) -> Pos:
        return Pos(display, mark.line + 1, mark.column + 1)

    stack: list = []  # containers being built; for a map, the pending key is kept alongside
    pending_key: list = []
    root = None
    documents = 0
    try:
        for event in events:
            kind = type(event).__name__
            if kind == DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise LoadError([pos_of(event.start_mark).error(
                        "yaml-syntax", "more than one YAML document ('---'); keep one per file")])
                continue
            if kind == AliasEvent:
                raise LoadError([pos_of(event.start_mark).error(
                    "yaml-alias",
                    f"alias *{event.anchor} is not allowed; write the value out in full")])
            tag = getattr(event, "tag", None)
            if tag is not None and kind in (ScalarEvent, MappingStartEvent, SequenceStartEvent):
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                raise LoadError([pos_of(event.start_mark).error(
                    "yaml-tag", f"tag {shown} is not allowed; remove it")])
            if kind in (ScalarEvent, MappingStartEvent, SequenceStartEvent):
                pos = pos_of(event.start_mark)
                if kind == ScalarEvent:
                    # plain style is None in ruamel's events and "" in libyaml's
                    node = event.value if event.style else resolve_plain(event.value)
                    if event.style == ">":
                        # ruamel's round-trip scanner marks each fold with BEL (to re-emit it);
                        # the reader refuses BEL in a file, so every one here is such a mark.
                        node = node.replace("\a", "")
                    if isinstance(node, str) and _SURROGATE.search(node):
                        node = _join_surrogates(node, pos)
                elif kind == MappingStartEvent:
                    node = RawMap(pos)
                else:
                    node = RawList(pos)
                if not stack:
                    root = node
                else:
                    parent = stack[-1]
                    if isinstance(parent, RawList):
                        parent.append(node)
                        parent.item_pos.append(pos)
                    elif pending_key[-1] is None:
                        if not isinstance(node, str | int | float | bool) and node is not None:
                            raise LoadError([pos.error(
                                "yaml-syntax", "a mapping key must be plain text")])
                        key = str(node) if node is not None else ""
                        if key in parent:
                            first = parent.key_pos[key]
                            raise LoadError([pos.error(
                                "duplicate-key",
                                f"key '{key}' appears twice in this mapping (first on line "
                                f"{first.line}); keep one",
                            )])
                        parent.key_pos[key] = pos
                        pending_key[-1] = key
                    else:
                        key = pending_key[-1]
                        # `key:` alone is null; the parser marks it at the next line's start
                        if node is None and kind == ScalarEvent and not event.value:
                            pos = parent.key_pos[key]
                        parent[key] = node
                        parent.value_pos[key] = pos
                        pending_key[-1] = None
                if isinstance(node, RawMap | RawList):
                    if len(stack) >= MAX_DEPTH:
                        raise LoadError([pos.error(
                            "yaml-syntax", f"nesting deeper than {MAX_DEPTH} levels; the format "
                            "never needs this — check the brackets and indentation")])
                    stack.append(node)
                    pending_key.append(None)
            elif kind in (MappingEndEvent, SequenceEndEvent):
                stack.pop()
                pending_key.pop()
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        pos = pos_of(mark) if mark else Pos(display, 1, 1)
        what = " ".join(x for x in (e.problem, e.context) if x)
        if e.context_mark and mark and e.context_mark.line != mark.line:
            what += f" (it started on line {e.context_mark.line + 1})"
        raise LoadError([pos.error("yaml-syntax", f"{what}; check quoting and indentation")]
                        ) from None
    except YAMLError as e:
        offset = getattr(e, "position", None)
        pos = Pos(display, 1, 1)
        if isinstance(offset, int):
            line = text.count("\n", 0, offset) + 1
            pos = Pos(display, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)
        char = getattr(e, "character", None)
        if isinstance(char, str) and len(char) == 1:
            char = ord(char)
        what = (f"character U+{char:04X} is not allowed in YAML"
                if isinstance(char, int) else "the file cannot be read as YAML")
        raise LoadError([pos.error(
            "yaml-syntax", f"{what}; is this a binary file? Remove the character or re-save "
            "the file as UTF-8 text")]) from None
    return root


_SURROGATE = re.compile("[\ud800-\udfff]")


def _join_surrogates(value: str, pos: Pos) -> str:
    """Join escaped UTF-16 pairs ("\\ud83d\\udc69", as JSON writes them) into the character
    they encode; a lone half is refused, since no file and no output can hold it."""
    try:
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        raise LoadError([pos.error(
            "yaml-syntax", "an escape between \\ud800 and \\udfff is half of a character; "
            "write the character itself (or \\U and eight hex digits)")]) from None


def _event_source(text: str):
    """(events, marked-error class, base error class) from libyaml if present, else ruamel."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - pyyaml is a dependency; stay usable without it
        yaml = None
    if yaml is not None and getattr(yaml, "__with_libyaml__", False):
        return yaml.parse(text, Loader=yaml.CSafeLoader), yaml.MarkedYAMLError, yaml.YAMLError
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    return YAML(typ="rt", pure=True).parse(text), MarkedYAMLError, YAMLError
