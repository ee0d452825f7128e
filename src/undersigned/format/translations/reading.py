"""A translation file read into its units, with the line span of each (the writer copies them)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import LoadError
from ...problems import Pos, Problem
from ..load import BLOCK_KEYS, Reader
from ..locales import known_language
from ..model import Letter
from ..yamlio import RawList, RawMap, parse_yaml, read_text
from .layout import PARTIES, PARTY_FIELDS, SCALARS, K, file_slug, translation_files


@dataclass
class Unit:
    """One translated text, and which source text it translates."""

    key: str
    kind: str
    texts: list[str] | None  # None: not translated yet
    source: str | None  # the fingerprint of the source text translated
    pos: Pos
    lines: tuple[int, int] = (0, 0)  # 0-based [first, end) lines of the unit in its file
    ordered: bool = False
    id: str | None = None
    outdated: str | None = None  # the earlier source text, when `translate` marked the unit
    recorded: str | None = None  # the source text written beside it (a `# <lang>:` comment)
    source_line: int = 0  # 0-based line of `source:`


@dataclass
class Translation:
    lang: str
    path: Path
    display: str
    named: dict[str, Unit] = field(default_factory=dict)
    body: list[Unit] = field(default_factory=list)
    pos: Pos = Pos("<memory>", 0, 0)
    text: str = ""
    top: RawMap | None = None


def load_translation(path: Path, source_lang: str, display: str | None = None
                     ) -> tuple[Translation | None, list[Problem]]:
    """Load a translation file; returns the model (None if unusable) and every problem found."""
    display = display or str(path)
    try:
        text = read_text(path, display)
    except LoadError as e:
        return None, e.problems
    return build_translation(text, path, source_lang, display)


def build_translation(text: str, path: Path, source_lang: str, display: str
                      ) -> tuple[Translation | None, list[Problem]]:
    """A translation from its file's text (see `load_translation`)."""
    try:
        raw = parse_yaml(text, display)
    except LoadError as e:
        return None, e.problems
    r = Reader(display)
    top = r.expect_map(raw, Pos(display, 1, 1), "a translation file")
    if top is None:
        return None, r.problems
    lines = text.splitlines()
    r.unknown_keys(top, ("lang", *SCALARS, *PARTIES, "signatures", "body", "notes", "sources"),
                   "the translation")
    lang = top.get("lang")
    expected = file_slug(path)
    if not isinstance(lang, str) or lang != expected:
        r.error(top.value_pos.get("lang", top.pos), "bad-value",
                f"the translation needs 'lang: {expected}' (its file name says {expected})")
        lang = expected
    elif not known_language(lang):
        r.error(top.value_pos["lang"], "bad-value",
                f"'{lang}' is not a language tag CLDR knows; rename the file to a BCP 47 tag "
                "such as fr.yaml, ar.yaml or zh-Hant.yaml")
    tr = Translation(lang, path, display, pos=top.pos, text=text, top=top)
    reader = _UnitReader(r, lines, source_lang)
    keys = list(top)
    bounds = key_spans(top, keys, len(lines))
    for key in SCALARS:
        if top.get(key) is not None:
            unit = reader.unit(key, top[key], top.value_pos[key], bounds[key], "text")
            if unit:
                tr.named[key] = unit
    for group in PARTIES:
        if (g := top.get(group)) is None or not (
                g := r.expect_map(g, top.value_pos[group], f"'{group}'")):
            continue
        gb = key_spans(g, list(g), bounds[group][1])
        for party, node in g.items():
            if not (fields := r.expect_map(node, g.value_pos[party], f"'{party}'")):
                continue
            r.unknown_keys(fields, PARTY_FIELDS, f"'{party}' of '{group}'")
            fb = key_spans(fields, list(fields), gb[party][1])
            for name, unit_node in fields.items():
                if name in PARTY_FIELDS:
                    unit = reader.unit(K(group, party, name), unit_node, fields.value_pos[name],
                                       fb[name], "text")
                    if unit:
                        tr.named[unit.key] = unit
    if (m := top.get("signatures")) is not None and (
            m := r.expect_map(m, top.value_pos["signatures"], "'signatures'")):
        r.unknown_keys(m, ("heading", "note", "sections"), "'signatures'")
        inner = key_spans(m, list(m), bounds["signatures"][1])
        for key in ("heading", "note"):
            if m.get(key) is not None:
                unit = reader.unit(K("signatures", key), m[key], m.value_pos[key], inner[key],
                                   "text")
                if unit:
                    tr.named[unit.key] = unit
        if (s := m.get("sections")) is not None and (
                s := r.expect_map(s, m.value_pos["sections"], "'sections'")):
            sb = key_spans(s, list(s), inner["sections"][1])
            for kind, node in s.items():
                unit = reader.unit(K("signatures", "sections", kind), node, s.value_pos[kind],
                                   sb[kind], "text")
                if unit:
                    tr.named[unit.key] = unit
    if (b := top.get("body")) is not None and (
            items := r.expect_list(b, top.value_pos["body"], "'body'")):
        ends = [p.line - 1 for p in items.item_pos[1:]] + [bounds["body"][1]]
        for node, ipos, end in zip(items, items.item_pos, ends, strict=False):
            unit = reader.unit("body", node, ipos, (ipos.line - 1, end), "block")
            if unit:
                tr.body.append(unit)
    if (n := top.get("notes")) is not None and (
            n := r.expect_map(n, top.value_pos["notes"], "'notes'")):
        nb = key_spans(n, list(n), bounds["notes"][1])
        for note_key, node in n.items():
            parts = r.expect_list(node, n.value_pos[note_key], f"note '{note_key}'")
            if parts is None:
                continue
            ends = [p.line - 1 for p in parts.item_pos[1:]] + [nb[note_key][1]]
            for i, (part, ipos, end) in enumerate(zip(parts, parts.item_pos, ends,
                                                       strict=False)):
                unit = reader.unit(K("notes", note_key, i), part, ipos, (ipos.line - 1, end),
                                   "text")
                if unit:
                    tr.named[unit.key] = unit
    if (s := top.get("sources")) is not None and (
            s := r.expect_map(s, top.value_pos["sources"], "'sources'")):
        sb = key_spans(s, list(s), bounds["sources"][1])
        for source_key, node in s.items():
            unit = reader.unit(K("sources", source_key, "title"), node, s.value_pos[source_key],
                               sb[source_key], "title")
            if unit:
                tr.named[unit.key] = unit
    return tr, r.problems


def key_spans(m: RawMap, keys: list[str], end: int) -> dict[str, tuple[int, int]]:
    """0-based line spans [key line, next key line) of a mapping's keys; the last ends at `end`."""
    starts = [m.key_pos[k].line - 1 for k in keys]
    return {k: (s, e) for k, s, e in zip(keys, starts, [*starts[1:], end], strict=True)}


class _UnitReader:
    def __init__(self, r: Reader, lines: list[str], source_lang: str):
        self.r, self.lines = r, lines
        self.prefix = re.compile(r"\s*#\s?" + re.escape(source_lang) + r":\s?(.*)\Z")

    def unit(self, key: str, node, pos: Pos, span: tuple[int, int], shape: str) -> Unit | None:
        r = self.r
        what = "a block of the translated body" if shape == "block" else f"'{key}'"
        m = r.expect_map(node, pos, what)
        if m is None:
            return None
        content = [k for k in (BLOCK_KEYS if shape == "block" else (shape,)) if k in m]
        extra = ("id", "ordered") if shape == "block" else ()
        r.unknown_keys(m, ("source", "outdated", *extra, *(content or ())), what)
        if len(content) > 1:
            r.error(m.pos, "bad-block", f"{what} needs exactly one of: {', '.join(BLOCK_KEYS)}")
            return None
        kind = content[0] if content else ("paragraph" if shape == "block" else "text")
        texts: list[str] | None = None
        cpos = m.value_pos.get(kind, m.pos) if content else m.pos
        value = m.get(kind) if content else None
        if isinstance(value, RawList):
            texts = [t for t, ip in zip(value, value.item_pos, strict=False)
                     if r.text(t, ip, "a list item") is not None]
        elif value is not None:
            t = r.text(value, cpos, what)
            texts = [t] if t is not None else None
        source = m.get("source")
        if source is not None and not isinstance(source, str):
            source = str(source)  # a fingerprint of digits only reads as a number
        if source is None:
            r.error(m.pos, "missing-field", f"{what} needs 'source:' (the fingerprint of the "
                    "text it translates; `undersigned translate` writes it)")
        outdated = m.get("outdated")
        if outdated is not None and not isinstance(outdated, str):
            outdated = str(outdated)
        recorded = [g.group(1) for line in self.lines[span[0]:span[1]]
                    if (g := self.prefix.match(line))]
        ordered = m.get("ordered") is True
        block_id = m.get("id") if isinstance(m.get("id"), str) else None
        source_line = m.key_pos["source"].line - 1 if "source" in m else span[0]
        return Unit(key, kind, texts, source, cpos, span, ordered, block_id, outdated,
                    "\n".join(recorded) if recorded else None, source_line)


def load_translations(letter: Letter, cwd: Path | None = None
                      ) -> tuple[list[Translation], list[Problem]]:
    """Every translation of a letter, and the problems of loading and checking them."""
    from ...workspace import display_path

    out, problems = [], []
    for path in translation_files(letter.path):
        display = display_path(path, cwd) if cwd else str(path)
        tr, found = load_translation(path, letter.lang, display)
        problems += found
        if tr is not None:
            if tr.lang == letter.lang:
                problems.append(tr.pos.error(
                    "bad-value", f"this translates the letter into its own language "
                    f"({letter.lang}); delete the file or change the letter's 'lang:'"))
                continue
            out.append(tr)
    return out, problems
