"""Comparing two states of a letter given as file texts (what git gives us): rosters in the
canonical layout are compared entry block by entry block."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoadError, WorkspaceError
from ..format.load import build_letter, build_roster, parse_roster_text
from ..format.model import (
    Letter,
    Roster,
    Signatory,
)
from ..format.rosterlayout import (
    FIELD_LINE,
    NotCanonical,
    read_scalar,
    roster_blocks,
    scan_canonical_roster,
)
from ..format.yamlio import decode, parse_yaml
from ..problems import Severity
from .changes import (
    Diff,
    FieldChange,
    LetterDiff,
    RosterChanges,
    TranslationChange,
)
from .diff import (
    compare_letters,
    diff_rosters,
    diff_signatories,
    letter_status,
    show_value,
)

# --- comparing texts (what git gives us) --------------------------------------------------------


@dataclass
class TextSide:
    """A letter's files as read at one revision (None: the file does not exist there)."""

    letter_text: str | None
    roster_text: str | None
    letter_display: str = "letter"
    roster_display: str = "roster"


def load_letter_text(text: str, path: str, display: str) -> Letter:
    """Build a Letter from YAML text; LoadError (with located problems) when it is unusable."""
    letter, problems = build_letter(parse_yaml(text, display), Path(path), display)
    if letter is None:
        raise LoadError([p for p in problems if p.severity is Severity.ERROR] or problems)
    return letter


def load_roster_text(text: str, path: str, display: str) -> Roster:
    """Build a Roster from YAML text, read as `load_roster` reads a file (size guard included)."""
    raw = parse_roster_text(text, display)
    roster, problems = build_roster(raw, Path(path), display)
    if roster is None:
        raise LoadError([p for p in problems if p.severity is Severity.ERROR] or problems)
    return roster


def diff_texts(slug: str, old: TextSide, new: TextSide) -> LetterDiff:
    """Compare two states given as file texts.

    The roster is compared entry block by entry block when both sides are in the canonical
    layout, so two revisions of a 50,000-entry roster that differ by a few entries cost a
    string comparison, not two full loads; any other layout is loaded in full.
    """
    letter_path = f"letters/{slug}.yaml"
    roster_path = f"signatories/{slug}.yaml"
    old_letter = (load_letter_text(old.letter_text, letter_path, old.letter_display)
                  if old.letter_text is not None else None)
    new_letter = (load_letter_text(new.letter_text, letter_path, new.letter_display)
                  if new.letter_text is not None else None)
    roster, endorsed = _diff_roster_texts(old, new, roster_path)
    status = letter_status(old.letter_text is not None or old.roster_text is not None,
                           new.letter_text is not None or new.roster_text is not None)
    return compare_letters(slug, status, old_letter, new_letter, roster, endorsed)


def _diff_roster_texts(old: TextSide, new: TextSide, path: str
                       ) -> tuple[RosterChanges, Callable[[str], int]]:
    a = roster_blocks(old.roster_text) if old.roster_text is not None else ("", [])
    b = roster_blocks(new.roster_text) if new.roster_text is not None else ("", [])
    if a is not None and b is not None:
        counts_a, counts_b = Counter(a[1]), Counter(b[1])
        gone = _leftover(a[1], counts_a - counts_b)
        came = _leftover(b[1], counts_b - counts_a)
        entries_a = _parse_blocks(gone, path, old.roster_display)
        entries_b = _parse_blocks(came, path, new.roster_display)
        if entries_a is not None and entries_b is not None:
            out = diff_signatories(entries_a, entries_b)
            as_of_a = _header_as_of(a[0], path, old.roster_display)
            as_of_b = _header_as_of(b[0], path, new.roster_display)
            if as_of_a != as_of_b:
                out.as_of = FieldChange("as_of", show_value(as_of_a), show_value(as_of_b))
            blocks_b = b[1]

            def endorsed(fp: str) -> int:
                return sum(fp in block and _block_value(block, "status") != "withdrawn"
                           for block in blocks_b)

            return out, endorsed
    old_roster = (load_roster_text(old.roster_text, path, old.roster_display)
                  if old.roster_text is not None else None)
    new_roster = (load_roster_text(new.roster_text, path, new.roster_display)
                  if new.roster_text is not None else None)

    def endorsed_full(fp: str) -> int:
        if new_roster is None:
            return 0
        return sum(s.endorsed == fp and s.status != "withdrawn" for s in new_roster.signatories)

    return diff_rosters(old_roster, new_roster), endorsed_full


def _block_value(block: str, key: str):
    """The value of one field of an entry block in the canonical layout (None if absent)."""
    for line in block.split("\n"):
        m = FIELD_LINE.match(line)
        if m and m.group(2) == key:
            try:
                return read_scalar(m.group(3))
            except NotCanonical:
                return None
    return None


def _leftover(blocks: list[str], extra: Counter) -> list[str]:
    """The blocks without an identical partner, in file order: of identical blocks, the last
    ones (as pairing the identical entries in order leaves them)."""
    out = []
    for block in reversed(blocks):
        if extra[block] > 0:
            extra[block] -= 1
            out.append(block)
    out.reverse()
    return out


def _parse_blocks(blocks: list[str], path: str, display: str) -> list[Signatory] | None:
    if not blocks:
        return []
    raw = scan_canonical_roster("signatories:\n" + "\n\n".join(blocks) + "\n", display)
    if raw is None:
        return None
    roster, _ = build_roster(raw, Path(path), display)
    if roster is None or len(roster.signatories) != len(blocks):
        return None
    return roster.signatories


def _header_as_of(header: str, path: str, display: str) -> dt.date | None:
    if not header:
        return None
    roster, _ = build_roster(parse_roster_text(header + "\n", display), Path(path), display)
    return roster.as_of if roster else None


def diff_revisions(repo, changes, slugs: list[str] | None = None) -> Diff:
    """Compare letters between two revisions of a gitio.Repository (all changed ones by default)."""
    if slugs is None:
        slugs = repo.changed_slugs(changes)
    out = Diff(changes.base.label, changes.head.label, changes.spec)
    for slug in slugs:
        sides = []
        for rev in (changes.base, changes.head):
            texts = []
            for path in (f"letters/{slug}.yaml", f"signatories/{slug}.yaml"):
                display = path if rev.is_working_tree else f"{rev.label}:{path}"
                data = repo.read(rev, path)
                texts.append((decode(data, display) if data is not None else None, display))
            sides.append(TextSide(texts[0][0], texts[1][0], texts[0][1], texts[1][1]))
        if all(t is None for s in sides for t in (s.letter_text, s.roster_text)):
            raise WorkspaceError(f"no letter '{slug}' (letters/{slug}.yaml or "
                                 f"signatories/{slug}.yaml) at {changes.base.label} or at "
                                 f"{changes.head.label}; check the slug")
        result = diff_texts(slug, sides[0], sides[1])
        result.translations = _diff_translations(repo, changes, slug, sides)
        if result.translations and result.status == "unchanged":
            result.status = "modified"
        out.letters.append(result)
    return out


def _diff_translations(repo, changes, slug: str, sides: list[TextSide]
                       ) -> list[TranslationChange]:
    """Each translation of the letter that changed between the revisions, text by text."""
    from ..format.translations.diff import compare_translations
    from ..format.translations.reading import build_translation

    out = []
    source_lang = "en"
    for side in reversed(sides):
        if side.letter_text is not None:
            found = re.search(r"^lang:[ \t]*([A-Za-z0-9-]+)", side.letter_text, re.M)
            source_lang = found.group(1) if found else source_lang
            break
    for path in repo.changed_files(changes, (f"translations/{slug}",)):
        parts = path.split("/")
        if len(parts) != 3 or not parts[2].endswith(".yaml"):
            continue
        lang = parts[2].removesuffix(".yaml")
        states = []
        for rev in (changes.base, changes.head):
            display = path if rev.is_working_tree else f"{rev.label}:{path}"
            data = repo.read(rev, path)
            if data is None:
                states.append(None)
                continue
            tr, problems = build_translation(decode(data, display), Path(path), source_lang,
                                             display)
            if tr is None:
                raise LoadError(problems)
            states.append(tr)
        status = letter_status(states[0] is not None, states[1] is not None)
        found = [FieldChange(label, old, new, where=what)
                 for label, what, old, new in compare_translations(*states)]
        if found or status != "modified":
            out.append(TranslationChange(lang, status, found))
    return out


__all__ = ["TextSide", "diff_revisions", "diff_texts", "load_letter_text", "load_roster_text"]
