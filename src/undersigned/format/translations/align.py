"""Each source unit paired with its translation, and the letter as a translation reads."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from ..model import Block, Footnote, Letter, Section, SignatureStyle, TextPart
from .layout import PARTIES, PARTY_FIELDS, SCALARS, K
from .reading import Translation, Unit
from .units import SourceUnit, source_units


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
