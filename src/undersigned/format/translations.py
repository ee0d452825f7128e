"""Translations of a letter: their files, which source text each block translates, what fell behind.

A letter `letters/<slug>.yaml` is written in one language (its `lang`). Each translation lives
in `translations/<slug>/<lang>.yaml` (beside `letters/` and `signatories/`), so a translation
can never be taken for a letter or a roster of its own and never shares the `.private`
naming. A translation gives the translated text of each *unit* of the letter — the title,
subject, salutation, closing, place, the headings of the signature list, each body block, the
free text of each note and the title of each source — and records, for each, the fingerprint
of the source text it translates. Footnote keys, sources and the roster are the letter's.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import LoadError, TranslationError
from ..problems import Pos, Problem
from .inline import note_refs
from .labels import read_labels
from .load import BLOCK_KEYS, Reader
from .locales import known_language
from .model import Block, Footnote, Letter, Section, SignatureStyle, TextPart
from .yamlio import RawList, RawMap, parse_yaml, read_text

TRANSLATIONS_DIR = "translations"
HEADER = "# yaml-language-server: $schema=../../schema/translation.schema.json\n"
FINGERPRINT_CHARS = 12
_LANG_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")
SCALARS = ("title", "subject", "salutation", "closing", "place")
PARTIES = ("addressees", "cc")
PARTY_FIELDS = ("name", "title", "organization", "address")
#: joins the parts of a unit's key ('notes', note key, index): a character no key can hold
SEP = "\x1f"


def K(*parts) -> str:  # noqa: N802 - short: it is read in every place a key is made
    """A unit's key from its parts: K('notes', 'coi.2014', 0)."""
    return SEP.join(str(p) for p in parts)


def parts_of(key: str) -> list[str]:
    return key.split(SEP)


# --- where translations live ------------------------------------------------------------------

def translations_dir(letter_path: Path) -> Path:
    """`letters/<slug>.yaml` → `translations/<slug>/` (beside `letters/`)."""
    return letter_path.parent.parent / TRANSLATIONS_DIR / _slug(letter_path)


def translation_path(letter_path: Path, lang: str) -> Path:
    return translations_dir(letter_path) / f"{lang}.yaml"


def translation_files(letter_path: Path) -> list[Path]:
    """The translation files of a letter, sorted by language tag."""
    folder = translations_dir(letter_path)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def spelled_tag(letter_path: Path, lang: str) -> str:
    """The tag as the letter's translation files spell it (tags ignore case: `zh-hant` finds
    zh-Hant.yaml), or `lang` itself when there is no such file."""
    for path in translation_files(letter_path):
        if path.stem.lower() == lang.lower():
            return path.stem
    return lang


def _slug(path: Path) -> str:
    return path.name.removesuffix(".yaml").removesuffix(".yml")


def check_lang_tag(lang: str) -> None:
    """Refuse anything but a BCP 47 tag CLDR knows: the tag names a file, so never a path."""
    if not _LANG_TAG.match(lang or "") or not known_language(lang):
        raise TranslationError(f"'{lang}' is not a language tag CLDR knows; use a BCP 47 tag "
                               "such as 'fr', 'ar', 'ko' or 'zh-Hant'")


# --- the units of a letter ----------------------------------------------------------------------

def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class SourceUnit:
    """One translatable text of the source letter."""

    key: str  # 'title', K('signatures', 'heading'), K('notes', key, n), …, or 'body'
    kind: str  # text | paragraph | heading | quote | list
    texts: list[str]
    label: str  # how a message names it
    pos: Pos
    ordered: bool = False
    id: str | None = None

    @property
    def fingerprint(self) -> str:
        return unit_fingerprint(self.kind, self.texts, self.ordered)

    @property
    def text(self) -> str:
        """The text as one string: a list's items one per line."""
        return "\n".join(_norm(t) for t in self.texts)


def unit_fingerprint(kind: str, texts: list[str], ordered: bool = False) -> str:
    """The first 12 hex digits of a SHA-256 of the unit's text: whitespace collapsed, NFC.

    Re-wrapping a line keeps it; changing a word, a footnote call or a list item changes it.
    """
    data = json.dumps({"kind": "text" if kind not in BLOCK_KEYS else kind,
                       "texts": [_norm(t) for t in texts], "ordered": ordered},
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:FINGERPRINT_CHARS]


def _excerpt(text: str, width: int = 40) -> str:
    text = _norm(text)
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def source_units(letter: Letter) -> tuple[dict[str, SourceUnit], list[SourceUnit]]:
    """The letter's translatable texts: (named units by key, body blocks in order)."""
    named: dict[str, SourceUnit] = {}
    fp = letter.field_pos
    for key in SCALARS:
        value = getattr(letter, key)
        if value:
            named[key] = SourceUnit(key, "text", [value], f"the {key}", fp.get(key, letter.pos))
    for group in PARTIES:
        for party in getattr(letter, group):
            for name in PARTY_FIELDS:
                if value := getattr(party, name):
                    key = K(group, party.name, name)
                    named.setdefault(key, SourceUnit(key, "text", [value],
                                                     _label(key), party.pos))
    sig = letter.signatures
    where = fp.get("signatures", letter.pos)
    key = K("signatures", "heading")
    named[key] = SourceUnit(key, "text", [sig.heading], "the heading of the signatures", where)
    if sig.note:
        key = K("signatures", "note")
        named[key] = SourceUnit(key, "text", [sig.note], "the note of the signatures", where)
    for section in sig.sections:
        key = K("signatures", "sections", section.kind)
        named.setdefault(key, SourceUnit(key, "text", [section.heading],
                                         f"the heading of the '{section.kind}' signatures",
                                         where))
    for note in letter.footnotes.values():
        n = 0
        for part in note.parts:
            if isinstance(part, TextPart):
                key = K("notes", note.key, n)
                named[key] = SourceUnit(key, "text", [part.text],
                                        f"text {n + 1} of note '{note.key}'", part.pos)
                n += 1
    for source in letter.sources.values():
        if source.title:
            key = K("sources", source.key, "title")
            named[key] = SourceUnit(key, "text", [source.title],
                                    f"the title of source '{source.key}'",
                                    source.field_pos.get("title", source.pos))
    body = []
    for i, block in enumerate(letter.body, 1):
        first = block.texts[0] if block.texts else ""
        body.append(SourceUnit("body", block.kind, block.texts,
                               f"block {i} of the body ({block.kind} “{_excerpt(first)}”)",
                               block.pos, block.ordered, block.id))
    return named, body


# --- a translation file ------------------------------------------------------------------------

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
    labels: dict[str, str] = field(default_factory=dict)  # the page's own words (`labels:`)


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
    r.unknown_keys(top, (*ORDER, "labels"), "the translation")
    lang = top.get("lang")
    expected = _slug(path)
    if not isinstance(lang, str) or lang != expected:
        r.error(top.value_pos.get("lang", top.pos), "bad-value",
                f"the translation needs 'lang: {expected}' (its file name says {expected})")
        lang = expected
    elif not known_language(lang):
        r.error(top.value_pos["lang"], "bad-value",
                f"'{lang}' is not a language tag CLDR knows; rename the file to a BCP 47 tag "
                "such as fr.yaml, ar.yaml or zh-Hant.yaml")
    tr = Translation(lang, path, display, pos=top.pos, text=text, top=top,
                     labels=read_labels(r, top))
    reader = _UnitReader(r, lines, source_lang)
    keys = list(top)
    bounds = _bounds(top, keys, len(lines))
    for key in SCALARS:
        if top.get(key) is not None:
            unit = reader.unit(key, top[key], top.value_pos[key], bounds[key], "text")
            if unit:
                tr.named[key] = unit
    for group in PARTIES:
        if (g := top.get(group)) is None or not (
                g := r.expect_map(g, top.value_pos[group], f"'{group}'")):
            continue
        gb = _bounds(g, list(g), bounds[group][1])
        for party, node in g.items():
            if not (fields := r.expect_map(node, g.value_pos[party], f"'{party}'")):
                continue
            r.unknown_keys(fields, PARTY_FIELDS, f"'{party}' of '{group}'")
            fb = _bounds(fields, list(fields), gb[party][1])
            for name, unit_node in fields.items():
                if name in PARTY_FIELDS:
                    unit = reader.unit(K(group, party, name), unit_node, fields.value_pos[name],
                                       fb[name], "text")
                    if unit:
                        tr.named[unit.key] = unit
    if (m := top.get("signatures")) is not None and (
            m := r.expect_map(m, top.value_pos["signatures"], "'signatures'")):
        r.unknown_keys(m, ("heading", "note", "sections"), "'signatures'")
        inner = _bounds(m, list(m), bounds["signatures"][1])
        for key in ("heading", "note"):
            if m.get(key) is not None:
                unit = reader.unit(K("signatures", key), m[key], m.value_pos[key], inner[key],
                                   "text")
                if unit:
                    tr.named[unit.key] = unit
        if (s := m.get("sections")) is not None and (
                s := r.expect_map(s, m.value_pos["sections"], "'sections'")):
            sb = _bounds(s, list(s), inner["sections"][1])
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
        nb = _bounds(n, list(n), bounds["notes"][1])
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
        sb = _bounds(s, list(s), bounds["sources"][1])
        for source_key, node in s.items():
            unit = reader.unit(K("sources", source_key, "title"), node, s.value_pos[source_key],
                               sb[source_key], "title")
            if unit:
                tr.named[unit.key] = unit
    return tr, r.problems


def _bounds(m: RawMap, keys: list[str], end: int) -> dict[str, tuple[int, int]]:
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


# --- alignment, staleness --------------------------------------------------------------------

@dataclass
class Pair:
    """A source unit and its translation (either may be missing)."""

    source: SourceUnit | None
    unit: Unit | None

    @property
    def state(self) -> str:
        """'ok', 'stale', 'missing' (no text yet) or 'orphan' (its source is gone)."""
        if self.source is None:
            return "orphan"
        if self.unit is None or not self.unit.texts or not any(t.strip()
                                                                for t in self.unit.texts):
            return "missing"
        if self.unit.outdated is not None or self.unit.source != self.source.fingerprint:
            return "stale"
        return "ok"

    @property
    def earlier(self) -> str | None:
        """The source text the translation was made from, when the file records it."""
        if self.unit is None:
            return None
        if self.unit.outdated is not None:
            return self.unit.outdated
        return self.unit.recorded


def align(letter: Letter, tr: Translation) -> tuple[list[Pair], list[Pair]]:
    """Pair each source unit with its translation: (named units, body blocks in source order).

    Named units pair by key. Body blocks pair by `id:` where they have one, else by the
    fingerprint each translated block recorded: unchanged blocks match exactly, and between
    them a changed block pairs, in order, with the translation of what it was.
    """
    named_src, body_src = source_units(letter)
    named = [Pair(u, tr.named.get(k)) for k, u in named_src.items()]
    named += [Pair(None, u) for k, u in tr.named.items() if k not in named_src]

    def key(unit) -> str:
        if unit.id:
            return "id:" + unit.id
        return "fp:" + (unit.fingerprint if isinstance(unit, SourceUnit) else unit.source or "")

    matcher = difflib.SequenceMatcher(None, [key(u) for u in tr.body],
                                      [key(s) for s in body_src], autojunk=False)
    body: list[Pair] = []
    for op, t1, t2, s1, s2 in matcher.get_opcodes():
        if op == "equal":
            body += [Pair(body_src[s], tr.body[t]) for t, s in zip(range(t1, t2), range(s1, s2),
                                                                    strict=True)]
            continue
        old, new = tr.body[t1:t2], body_src[s1:s2]
        for i in range(max(len(old), len(new))):
            body.append(Pair(new[i] if i < len(new) else None, old[i] if i < len(old) else None))
    # A block moved in the letter shows above as one removed and one added: give the added
    # one the translation of the removed one when it is the same text (or the same id).
    gone = {key(p.unit): p for p in body if p.source is None}
    for pair in body:
        if pair.unit is None and (moved := gone.pop(key(pair.source), None)) is not None:
            pair.unit = moved.unit
            body.remove(moved)
    return named, body


#: a word: a run of letters and marks between spaces, but each Han, kana or Hangul character
#: on its own (those scripts write no spaces between words)
_WORD = re.compile(r"(\s*)([\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
                   r"\u3000-\u303f]|[^\s\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
                   r"\uff00-\uffef\u3000-\u303f]+)")


def word_diff(old: str, new: str, context: int = 6) -> str:
    """The change from `old` to `new` word by word, as `git diff --word-diff` writes it:
    `… our [-concern-]{+worry+} about …`, with a few words of context around each change.
    Chinese, Japanese and Korean text is compared character by character."""
    a = [(m.group(1), m.group(2)) for m in _WORD.finditer(_norm(old))]
    b = [(m.group(1), m.group(2)) for m in _WORD.finditer(_norm(new))]
    out: list[str] = []

    def text(tokens) -> str:
        return "".join(space + word for space, word in tokens)

    ops = difflib.SequenceMatcher(None, [w for _, w in a], [w for _, w in b],
                                  autojunk=False).get_opcodes()
    for n, (op, a1, a2, b1, b2) in enumerate(ops):
        if op == "equal":
            words = a[a1:a2]
            first, last = n == 0, n == len(ops) - 1
            if len(words) > 2 * context or (first and len(words) > context) or (
                    last and len(words) > context):
                head = "" if first else text(words[:context])
                tail = "" if last else text(words[-context:])
                out.append(head + (" …" if head or first else "…") + tail)
            else:
                out.append(text(words))
            continue
        lead = (a[a1][0] if a1 < a2 else b[b1][0]) if (a1 < a2 or b1 < b2) else ""
        change = lead and " "
        if a1 < a2:
            change += "[-" + text(a[a1:a2]).strip() + "-]"
        if b1 < b2:
            change += "{+" + text(b[b1:b2]).strip() + "+}"
        out.append(change)
    return "".join(out).strip()


def check_translation(letter: Letter, tr: Translation) -> list[Problem]:
    """`translation-stale`, `translation-missing` and `translation-notes` of one translation."""
    from .locales import base_language

    named, body = align(letter, tr)
    src_lang = base_language(letter.lang) or letter.lang
    out: list[Problem] = []
    body_pos = tr.top.value_pos.get("body", tr.pos) if tr.top is not None else tr.pos
    for pair in [*named, *body]:
        state = pair.state
        if state == "ok":
            out += _check_calls(letter, pair, tr)
            continue
        if state == "orphan":
            out.append(pair.unit.pos.warning(
                "translation-stale",
                f"this translates a text the letter no longer has ({_label(pair.unit.key)}); "
                f"`undersigned translate {letter.slug} {tr.lang}` removes it"))
            continue
        src = pair.source
        if state == "missing":
            where = pair.unit.pos if pair.unit else (body_pos if src.key == "body" else tr.pos)
            out.append(where.warning(
                "translation-missing",
                f"{src.label} has no {tr.lang} translation yet; "
                + ("write it under the comment that shows the text" if pair.unit else
                   f"`undersigned translate {letter.slug} {tr.lang}` adds it to translate")))
            continue
        earlier = pair.earlier
        change = (f": {word_diff(earlier, src.text)}" if earlier is not None else
                  " (the text it was made from is not recorded in the file)")
        new = _yaml(src.fingerprint)
        how = ("update the translation, then delete the 'outdated:' line" if pair.unit.outdated
               is not None else f"update the translation, then set 'source: {new}' "
               f"(or run `undersigned translate {letter.slug} {tr.lang}` to mark it)")
        out.append(pair.unit.pos.warning(
            "translation-stale",
            f"{src.label} changed in the {src_lang} text since it was translated{change}; {how}"))
        out += _check_calls(letter, pair, tr)
    return out


def _yaml(value: str) -> str:
    """A fingerprint as it must be written in YAML: quoted when it would read as a number
    (`123e45678901` is a float to YAML)."""
    from .rosterlayout import quote

    return quote(value)


def _check_calls(letter: Letter, pair: Pair, tr: Translation) -> list[Problem]:
    """A translated text calls the same footnotes as its source text, so every language has
    the same notes with the same numbers."""
    if pair.unit is None or not pair.unit.texts or pair.source is None:
        return []
    want = sorted({k for t in pair.source.texts for k in note_refs(t)})
    have = sorted({k for t in pair.unit.texts for k in note_refs(t)})
    if want == have:
        return []
    missing = [k for k in want if k not in have]
    extra = [k for k in have if k not in want]
    said = []
    if missing:
        said.append("lacks " + ", ".join(f"[^{k}]" for k in missing))
    if extra:
        said.append("calls " + ", ".join(f"[^{k}]" for k in extra) + " which the source "
                    "does not")
    return [pair.unit.pos.error(
        "translation-notes",
        f"the {tr.lang} translation of {pair.source.label} {' and '.join(said)}; call the same "
        "footnotes as the source text, so that every language has the same notes")]


# --- the letter in a language -----------------------------------------------------------------

def translated_letter(letter: Letter, tr: Translation) -> Letter:
    """The letter as its translation reads: translated texts where there are any, the source
    text where a unit is not translated yet (`validate` warns about those)."""
    named, body = align(letter, tr)
    by_key = {p.source.key: p.unit.texts[0] for p in named
              if p.source and p.unit and p.unit.texts and p.state != "missing"}

    def text(key: str, default):
        return by_key.get(key, default)

    blocks = []
    for block, pair in zip(letter.body, [p for p in body if p.source is not None], strict=True):
        if pair.state == "missing":
            blocks.append(block)
            continue
        u = pair.unit
        if u.kind == "list":
            blocks.append(Block("list", items=list(u.texts), ordered=u.ordered or block.ordered,
                                id=block.id, pos=u.pos))
        else:
            blocks.append(Block(u.kind, " ".join(u.texts), id=block.id, pos=u.pos))
    footnotes = {}
    for key, note in letter.footnotes.items():
        parts, n = [], 0
        for part in note.parts:
            if isinstance(part, TextPart):
                parts.append(TextPart(text(K("notes", key, n), part.text), part.pos))
                n += 1
            else:
                parts.append(part)
        footnotes[key] = Footnote(key, parts, note.pos)
    sources = {k: replace(s, title=text(K("sources", k, "title"), s.title))
               for k, s in letter.sources.items()}
    parties = {group: [replace(p, **{f: text(K(group, p.name, f), getattr(p, f))
                                      for f in PARTY_FIELDS if getattr(p, f)})
                       for p in getattr(letter, group)] for group in PARTIES}
    sig = letter.signatures
    signatures = SignatureStyle(
        heading=text(K("signatures", "heading"), sig.heading),
        note=text(K("signatures", "note"), sig.note) if sig.note else None,
        sections=[Section(text(K("signatures", "sections", s.kind), s.heading), s.kind)
                  for s in sig.sections],
        group_by=sig.group_by)
    return replace(letter, lang=tr.lang, body=blocks, footnotes=footnotes, sources=sources,
                   signatures=signatures, addressees=parties["addressees"], cc=parties["cc"],
                   **{k: text(k, getattr(letter, k)) for k in SCALARS})


def load_translations(letter: Letter, cwd: Path | None = None
                      ) -> tuple[list[Translation], list[Problem]]:
    """Every translation of a letter, and the problems of loading and checking them."""
    from ..workspace import display_path

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


# --- `undersigned diff`: what changed in a translation -----------------------------------------

def _units_by_label(tr: Translation | None) -> dict[str, Unit]:
    if tr is None:
        return {}
    out = {_label(key): u for key, u in tr.named.items()}
    out.update({f"block {i} of the body": u for i, u in enumerate(tr.body, 1)})
    return out


def _label(key: str) -> str:
    parts = parts_of(key)
    if parts[0] in PARTIES:
        who = "addressee" if parts[0] == "addressees" else "cc"
        return f"the {parts[2]} of {who} '{parts[1]}'"
    if parts[0] == "notes":
        return f"text {int(parts[2]) + 1} of note '{parts[1]}'"
    if parts[0] == "sources":
        return f"the title of source '{parts[1]}'"
    if parts[0] == "signatures":
        return ("the heading of the signatures" if parts[1] == "heading" else
                "the note of the signatures" if parts[1] == "note" else
                f"the heading of the '{parts[2]}' signatures")
    return f"the {key}"


def compare_translations(old: Translation | None, new: Translation | None
                         ) -> list[tuple[str, str, str | None, str | None]]:
    """What changed between two states of one translation file, text by text:
    [(label, what, old text, new text)], `what` one of translated, edited, emptied, added
    (a text to translate), removed, marked outdated, updated (its outdated mark cleared)."""
    before, after = _units_by_label(old), _units_by_label(new)
    out = []

    def text(u: Unit | None) -> str | None:
        return "\n".join(u.texts) if u is not None and u.texts else None

    for label in [*before, *[k for k in after if k not in before]]:
        a, b = before.get(label), after.get(label)
        ta, tb = text(a), text(b)
        if a is None:
            out.append((label, "translated" if tb else "added", None, tb))
        elif b is None:
            out.append((label, "removed", ta, None))
        elif ta != tb:
            what = "translated" if ta is None else "emptied" if tb is None else "edited"
            out.append((label, what, ta, tb))
        elif a.outdated is None and b.outdated is not None:
            out.append((label, "marked outdated", b.outdated, b.recorded))
        elif a.outdated is not None and b.outdated is None:
            out.append((label, "updated", ta, tb))
    return out


# --- `undersigned translate`: create or update a translation file ------------------------------

ORDER = ("lang", *SCALARS, *PARTIES, "signatures", "body", "notes", "sources")


@dataclass
class UpdateResult:
    path: Path
    created: bool
    added: list[str] = field(default_factory=list)  # labels of units added to translate
    marked: list[str] = field(default_factory=list)  # labels of units marked outdated
    removed: list[str] = field(default_factory=list)  # keys of units whose source is gone
    changed: bool = False  # the file's text changes (also when texts only move)
    written: bool = False


def update_translation(letter: Letter, lang: str, *, dry_run: bool = False,
                       cwd: Path | None = None) -> UpdateResult:
    """Create or update `translations/<slug>/<lang>.yaml` for the letter as it is now.

    New units get the source text as a comment and an empty translation; a unit whose source
    changed keeps its translation, gets the new fingerprint and source text, and is marked
    `outdated:` with the text it was made from; units unchanged are copied byte for byte
    (comments included); units whose source is gone are removed. Running it twice changes
    nothing the second time.
    """
    from ..fileio import write_atomic

    check_lang_tag(lang)
    lang = spelled_tag(letter.path, lang)
    if lang.lower() == letter.lang.lower():
        raise TranslationError(f"the letter is written in {lang}; name another language to "
                               "translate it into")
    path = translation_path(letter.path, lang)
    result = UpdateResult(path, created=not path.is_file())
    if result.created:
        tr = Translation(lang, path, str(path))
        old_text = ""
    else:
        from ..workspace import display_path

        display = display_path(path, cwd) if cwd else str(path)
        tr, problems = load_translation(path, letter.lang, display)
        errors = [p for p in problems if p.severity.value == "error"]
        if tr is None or errors:
            raise TranslationError(
                f"{display} cannot be updated until it reads cleanly; fix these first:\n"
                + "\n".join(p.format() for p in errors or problems))
        old_text = tr.text
    new_text = _Writer(letter, tr, result).document()
    result.changed = new_text != old_text
    if result.changed and not dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, new_text)
        result.written = True
    return result


def _in_order(keys: list[str]) -> list[str]:
    """The file's top-level keys in their order, and the missing ones of ORDER each placed
    before the first present key that ORDER puts after it."""
    out = list(keys)
    for key in ORDER:
        if key in out:
            continue
        later = [i for i, k in enumerate(out) if k in ORDER and ORDER.index(k) > ORDER.index(key)]
        out.insert(later[0] if later else len(out), key)
    return out


class _Writer:
    def __init__(self, letter: Letter, tr: Translation, result: UpdateResult):
        from .rosterlayout import quote

        self.letter, self.tr, self.result, self.quote = letter, tr, result, quote
        self.lines = tr.text.splitlines()
        self.named, self.body = align(letter, tr)
        self.by_key = {p.source.key: p for p in self.named if p.source}
        self.prefix = re.compile(r"\s*#\s?" + re.escape(letter.lang) + r":")

    def document(self) -> str:
        top = self.tr.top
        out: list[str] = []
        if top is None or not top:
            out += [HEADER.rstrip("\n"),
                    f"# The {self.tr.lang} translation of letters/{self.letter.slug}.yaml.",
                    "# Each text records the fingerprint of the source text it translates "
                    "(`source:`);",
                    "# `undersigned validate` says when that text changed. Write each "
                    "translation under",
                    "# the comment that shows the source text."]
            keys: list[str] = []
        else:
            keys = list(top)
            first = top.key_pos[keys[0]].line - 1
            out += self.lines[:first]
        bounds = _bounds(top, keys, len(self.lines)) if keys else {}
        for key in _in_order(keys):
            out += self.section(key, bounds.get(key))
        for pair in self.named:
            if pair.state == "orphan":
                self.result.removed.append(_label(pair.unit.key))
        return "\n".join(out).rstrip("\n") + "\n"

    # sections -------------------------------------------------------------------------------

    def section(self, key: str, span: tuple[int, int] | None) -> list[str]:
        if key == "lang":
            return self.verbatim(span) if span else [f"lang: {self.quote(self.tr.lang)}"]
        if key in SCALARS:
            pair = self.by_key.get(key)
            if pair is None:  # the letter no longer has it: drop it
                return []
            return self.unit_lines(pair, 0, f"{key}:", span)
        if key in PARTIES:
            return self.mapping(key, span, lambda node, span: self.party_items(key, node, span))
        if key == "body":
            return self.container("body", span, self.body_items)
        if key == "signatures":
            return self.mapping("signatures", span, self.signature_items)
        if key == "notes":
            return self.mapping("notes", span, self.note_items)
        if key == "sources":
            return self.mapping("sources", span, self.source_items)
        return self.verbatim(span) if span else []  # a key of the user's: left as it is

    def container(self, key: str, span, items) -> list[str]:
        node = self.tr.top.get(key) if self.tr.top is not None else None
        entries = items(node, span)
        if not entries:
            return self.verbatim(span) if span and node else []
        head = [f"{key}:"]
        if span:
            first_child = min((u.lines[0] for u in self.tr.body), default=span[1])
            head = self.lines[span[0]:min(first_child, span[1])]
        return head + entries

    def mapping(self, key: str, span, items) -> list[str]:
        node = self.tr.top.get(key) if self.tr.top is not None else None
        node = node if isinstance(node, RawMap) else None
        entries = items(node, span)
        if not entries:
            return []
        head = [f"{key}:"]
        if node and span:
            first = min((node.key_pos[k].line - 1 for k in node), default=span[1])
            head = self.lines[span[0]:first]
        return head + entries

    def body_items(self, node, span) -> list[str]:
        out: list[str] = []
        indent = self.indent_of([u.lines[0] for u in self.tr.body], 2)
        for pair in self.body:
            if pair.state == "orphan":
                text = _excerpt(" ".join(pair.unit.texts or [""])) or "empty"
                self.result.removed.append(f"a body block (“{text}”)")
                continue
            out += self.unit_lines(pair, indent, None, pair.unit.lines if pair.unit else None)
        return out

    def signature_items(self, node, span) -> list[str]:
        out: list[str] = []
        inner = _bounds(node, list(node), span[1]) if node else {}
        indent = self.indent_of([v[0] for v in inner.values()], 2)
        keys = list(node) if node else []
        for k in keys + [k for k in ("heading", "note", "sections") if k not in keys]:
            if k == "sections":
                out += self.sections_items(node.get("sections") if node else None,
                                           inner.get("sections"), indent)
                continue
            if k not in ("heading", "note"):
                out += self.verbatim(inner.get(k))
                continue
            pair = self.by_key.get(K("signatures", k))
            if pair is None:
                continue
            out += self.unit_lines(pair, indent, f"{k}:", inner.get(k))
        return out

    def sections_items(self, node, span, indent: int) -> list[str]:
        node = node if isinstance(node, RawMap) else None
        inner = _bounds(node, list(node), span[1]) if node and span else {}
        wanted = [parts_of(k)[-1] for k in self.by_key
                  if parts_of(k)[:2] == ["signatures", "sections"]]
        keys = list(node) if node else []
        body: list[str] = []
        child = self.indent_of([v[0] for v in inner.values()], indent + 2)
        for kind in keys + [k for k in wanted if k not in keys]:
            pair = self.by_key.get(K("signatures", "sections", kind))
            if pair is None:
                continue
            body += self.unit_lines(pair, child, f"{kind}:", inner.get(kind))
        if not body:
            return []
        head = [" " * indent + "sections:"]
        if node and span:
            head = self.lines[span[0]:min(v[0] for v in inner.values())] if inner else \
                self.lines[span[0]:span[1]]
        return head + body

    def note_items(self, node, span) -> list[str]:
        inner = _bounds(node, list(node), span[1]) if node else {}
        indent = self.indent_of([v[0] for v in inner.values()], 2)
        wanted: dict[str, list[Pair]] = {}
        for k, pair in self.by_key.items():
            if parts_of(k)[0] == "notes":
                wanted.setdefault(parts_of(k)[1], []).append(pair)
        keys = list(node) if node else []
        out: list[str] = []
        for note in keys + [k for k in wanted if k not in keys]:
            pairs = wanted.get(note, [])
            if not pairs:
                continue
            units = [p.unit for p in pairs if p.unit]
            head = [" " * indent + f"{self.quote(note)}:"]
            if units and inner.get(note):
                head = self.lines[inner[note][0]:min(u.lines[0] for u in units)]
            item_indent = self.indent_of([u.lines[0] for u in units], indent + 2)
            out += head
            for pair in pairs:
                out += self.unit_lines(pair, item_indent, None,
                                       pair.unit.lines if pair.unit else None)
        return out

    def party_items(self, group: str, node, span) -> list[str]:
        inner = _bounds(node, list(node), span[1]) if node else {}
        indent = self.indent_of([v[0] for v in inner.values()], 2)
        wanted: dict[str, dict[str, Pair]] = {}
        for k, pair in self.by_key.items():
            parts = parts_of(k)
            if parts[0] == group:
                wanted.setdefault(parts[1], {})[parts[2]] = pair
        keys = list(node) if node else []
        out: list[str] = []
        for party in keys + [k for k in wanted if k not in keys]:
            pairs = wanted.get(party)
            if not pairs:
                continue
            fields = node.get(party) if node else None
            fields = fields if isinstance(fields, RawMap) else None
            fb = _bounds(fields, list(fields), inner[party][1]) if fields else {}
            head = [" " * indent + f"{self.quote(party)}:"]
            if fb:
                head = self.lines[inner[party][0]:min(v[0] for v in fb.values())]
            child = self.indent_of([v[0] for v in fb.values()], indent + 2)
            names = [n for n in fields if n in pairs] if fields else []
            out += head
            for name in names + [n for n in PARTY_FIELDS if n in pairs and n not in names]:
                out += self.unit_lines(pairs[name], child, f"{name}:", fb.get(name))
        return out

    def source_items(self, node, span) -> list[str]:
        inner = _bounds(node, list(node), span[1]) if node else {}
        indent = self.indent_of([v[0] for v in inner.values()], 2)
        wanted = {parts_of(k)[1]: p for k, p in self.by_key.items()
                  if parts_of(k)[0] == "sources"}
        keys = list(node) if node else []
        out: list[str] = []
        for source in keys + [k for k in wanted if k not in keys]:
            pair = wanted.get(source)
            if pair is None:
                continue
            out += self.unit_lines(pair, indent, f"{self.quote(source)}:", inner.get(source),
                                   content="title")
        return out

    # one unit ------------------------------------------------------------------------------

    def unit_lines(self, pair: Pair, indent: int, key: str | None, span,
                   content: str = "text") -> list[str]:
        """The lines of one unit: copied, marked, or new. `key` None: a list item."""
        src, unit = pair.source, pair.unit
        state = pair.state
        if unit is not None and span and (
                state == "ok" or (unit.source == src.fingerprint and (
                    state == "stale" or unit.texts is None))):
            return self.verbatim(span)
        if unit is None or state == "missing":
            self.result.added.append(src.label)
            return self.new_unit(src, indent, key, content)
        # changed since translated: keep the translation, record the new source, mark it
        self.result.marked.append(src.label)
        lines = self.lines[span[0]:span[1]]
        at = unit.source_line - span[0]
        inner = " " * (len(lines[at]) - len(lines[at].lstrip(" -")))
        start = lines[at][:len(lines[at]) - len(lines[at].lstrip())]
        if lines[at].lstrip().startswith("- "):
            start += "- "
        kept = [line for i, line in enumerate(lines) if i != at and not self.prefix.match(line)]
        earlier = pair.earlier
        marks = [f"{start}source: {self.quote(src.fingerprint)}"]
        if unit.outdated is None:
            marks.append(f"{inner}outdated: {self.quote(earlier if earlier is not None else '')}")
        marks += self.comment(src, inner)
        # an `outdated:` line of an earlier mark stays where it is
        return kept[:at] + marks + kept[at:]

    def new_unit(self, src: SourceUnit, indent: int, key: str | None, content: str
                 ) -> list[str]:
        pad = " " * indent
        if key is None:
            first, inner = f"{pad}- ", pad + "  "
        else:
            first, inner = None, pad + "  "
        out = [f"{pad}{key}"] if key is not None else []
        out.append((first or inner) + f"source: {self.quote(src.fingerprint)}")
        if src.id:
            out.append(f"{inner}id: {self.quote(src.id)}")
        out += self.comment(src, inner)
        if src.key == "body":
            if src.kind == "list":
                if src.ordered:
                    out.append(f"{inner}ordered: true")
                out.append(f"{inner}list:")
            else:
                out.append(f"{inner}{src.kind}:")
        else:
            out.append(f"{inner}{content}:")
        return out

    def comment(self, src: SourceUnit, inner: str) -> list[str]:
        return [f"{inner}# {self.letter.lang}: {_norm(t)}" for t in src.texts]

    def verbatim(self, span) -> list[str]:
        return self.lines[span[0]:span[1]] if span else []

    def indent_of(self, line_numbers: list[int], default: int) -> int:
        for n in line_numbers:
            line = self.lines[n]
            return len(line) - len(line.lstrip(" "))
        return default
