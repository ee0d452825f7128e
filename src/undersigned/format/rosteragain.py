"""Loading a roster again after an edit, re-reading only the entries whose text changed.

The live preview loads the roster after every save of it; a save changes a few entries of
tens of thousands. `RosterMemo` keeps, from the last load, each entry's block of text (from
its `  - ` line to the next entry's) with the `Signatory` made from it and the line it was on.
`load_roster_again` splits the new text into the same blocks, and hands the canonical scanner
a copy of the text in which every block it already knows is blanked out (its lines kept, so
that every line number stays true): only the new and changed blocks, and the lines above the
list, are read and checked. A known block that moved gets a copy of its `Signatory` with its
positions moved by as many lines. The result is the roster `load_roster` gives for the same
text, positions and problems included (a property test holds us to it). Anything outside the
canonical layout is loaded in full.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LoadError
from ..gcpause import paused_gc
from ..problems import Pos, Problem
from .load import build_roster, parse_roster_text
from .model import Roster, Signatory
from .rosterlayout import scan_canonical_roster
from .yamlio import read_text

_ITEM = "\n  - "


@dataclass
class RosterMemo:
    """What one load lends the next: entry block → (its Signatory, the line it started on)."""

    display: str
    blocks: dict[str, tuple[Signatory, int]] = field(default_factory=dict)
    reused: int = 0  # entries the load that made this memo did not read again (for tests)


def _split(text: str) -> tuple[int, list[str]] | None:
    """(offset after the `signatories:` line, the blocks after it: the text before the first
    entry, then each entry's text after its `\\n  - `), or None outside the canonical layout."""
    from .rosterlayout import _SIGNATORIES, _TOP_LEVEL

    m = _SIGNATORIES.search(text)
    if m is None or _TOP_LEVEL.search(text, m.end()):
        return None
    return m.end(), text[m.end():].split(_ITEM)


def _moved(sig: Signatory, by: int) -> Signatory:
    """A copy of `sig` whose positions are `by` lines further down."""
    new = object.__new__(Signatory)
    new.__dict__.update(sig.__dict__)
    make = tuple.__new__
    p = sig.pos
    new.pos = make(Pos, (p[0], p[1] + by, p[2]))
    new.field_pos = {k: make(Pos, (f, line + by, col))
                     for k, (f, line, col) in sig.field_pos.items()}
    return new


def load_roster_again(path: Path, display: str, memo: RosterMemo | None,
                      text: str | None = None
                      ) -> tuple[Roster | None, list[Problem], RosterMemo | None]:
    """`load_roster(path, display)`, re-reading only what changed since the load that made
    `memo`; also returns the memo for the next load (None when the file is not canonical).
    `text`: the file's text when the caller has read it already."""
    with paused_gc():
        if text is None:
            try:
                text = read_text(path, display)
            except LoadError as e:
                return None, e.problems, None
        split = _split(text)
        if split is None or memo is None or memo.display != display:
            return _full(text, path, display, split)
        head, chunks = split
        line = text.count("\n", 0, head) + 1 + chunks[0].count("\n") + 1  # the first entry's
        known = memo.blocks
        starts: list[int] = []
        parts = [text[:head], chunks[0]]
        reused: list[tuple[Signatory, int] | None] = []
        for n, chunk in enumerate(chunks[1:]):
            starts.append(line)
            lines = chunk.count("\n")
            old = known.get(chunk) if n else None  # the first is always read: the scanner
            reused.append(old)                      # wants a list with at least one entry
            parts.append("\n" + "\n" * lines if old is not None else _ITEM + chunk)
            line += lines + 1
        raw = scan_canonical_roster("".join(parts), display)
        if raw is None:
            return _full(text, path, display, split)
        roster, problems = build_roster(raw, path, display)
        if roster is None:
            return roster, problems, None
        read = {s.pos[1]: s for s in roster.signatories}
        merged: list[Signatory] = []
        for old, start in zip(reused, starts, strict=True):
            if old is None:
                if (sig := read.get(start)) is not None:
                    merged.append(sig)
            else:
                sig, was = old
                merged.append(sig if was == start else _moved(sig, start - was))
        roster.signatories = merged
        new_memo = _memo(display, chunks, starts, merged, problems)
        new_memo.reused = sum(old is not None for old in reused)
        return roster, problems, new_memo


def _full(text: str, path: Path, display: str, split
          ) -> tuple[Roster | None, list[Problem], RosterMemo | None]:
    """The whole text read; a memo only when the canonical scanner read it all (entries read
    by the YAML parser may depend on each other, through anchors)."""
    raw = scan_canonical_roster(text, display) if split is not None else None
    canonical = raw is not None
    if not canonical:
        try:
            raw = parse_roster_text(text, display)
        except LoadError as e:
            return None, e.problems, None
    roster, problems = build_roster(raw, path, display)
    if roster is None or not canonical:
        return roster, problems, None
    head, chunks = split
    line = text.count("\n", 0, head) + 1 + chunks[0].count("\n") + 1
    starts = []
    for chunk in chunks[1:]:
        starts.append(line)
        line += chunk.count("\n") + 1
    return roster, problems, _memo(display, chunks, starts, roster.signatories, problems)


def _memo(display: str, chunks: list[str], starts: list[int], signatories: list[Signatory],
          problems: list[Problem]) -> RosterMemo:
    """The memo of a load: the blocks that made a signatory and no problem."""
    by_line = {s.pos[1]: s for s in signatories}
    bad = sorted({p.line for p in problems if p.file == display})
    memo = RosterMemo(display)
    blocks = memo.blocks
    for n, (chunk, start) in enumerate(zip(chunks[1:], starts, strict=True)):
        sig = by_line.get(start)
        if sig is None:
            continue
        end = starts[n + 1] if n + 1 < len(starts) else 1 << 60
        i = bisect.bisect_left(bad, start)
        if i < len(bad) and bad[i] < end:
            continue  # a block with a problem is read again, so that its problem is re-made
        blocks.setdefault(chunk, (sig, start))
    return memo
