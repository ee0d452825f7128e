"""`undersigned translate`: create or update a translation file, copying what is unchanged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import TranslationError
from ..model import Letter
from ..yamlio import RawMap
from .align import Pair, align
from .layout import (
    HEADER,
    PARTIES,
    PARTY_FIELDS,
    SCALARS,
    K,
    check_lang_tag,
    parts_of,
    spelled_tag,
    translation_path,
    unit_label,
)
from .reading import Translation, key_spans, load_translation
from .units import SourceUnit, excerpt, norm

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
    from ...fileio import write_atomic

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
        from ...workspace import display_path

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
        from ..rosterlayout import quote

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
        bounds = key_spans(top, keys, len(self.lines)) if keys else {}
        for key in _in_order(keys):
            out += self.section(key, bounds.get(key))
        for pair in self.named:
            if pair.state == "orphan":
                self.result.removed.append(unit_label(pair.unit.key))
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
                text = excerpt(" ".join(pair.unit.texts or [""])) or "empty"
                self.result.removed.append(f"a body block (“{text}”)")
                continue
            out += self.unit_lines(pair, indent, None, pair.unit.lines if pair.unit else None)
        return out

    def signature_items(self, node, span) -> list[str]:
        out: list[str] = []
        inner = key_spans(node, list(node), span[1]) if node else {}
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
        inner = key_spans(node, list(node), span[1]) if node and span else {}
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
        inner = key_spans(node, list(node), span[1]) if node else {}
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
        inner = key_spans(node, list(node), span[1]) if node else {}
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
            fb = key_spans(fields, list(fields), inner[party][1]) if fields else {}
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
        inner = key_spans(node, list(node), span[1]) if node else {}
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
        return [f"{inner}# {self.letter.lang}: {norm(t)}" for t in src.texts]

    def verbatim(self, span) -> list[str]:
        return self.lines[span[0]:span[1]] if span else []

    def indent_of(self, line_numbers: list[int], default: int) -> int:
        for n in line_numbers:
            line = self.lines[n]
            return len(line) - len(line.lstrip(" "))
        return default
