"""Semantic diff of two states of a letter and its roster, and its text, markdown and JSON forms."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LoadError, WorkspaceError
from ..format import schema
from ..format.inline import note_refs
from ..format.load import build_letter, build_roster
from ..format.model import (
    Author,
    Block,
    Citation,
    Footnote,
    Letter,
    LinkPart,
    Roster,
    Signatory,
    TextPart,
)
from ..format.yamlio import decode, parse_yaml, scan_canonical_roster
from ..problems import Severity
from ..roster.collation import identity_key, sort_key

RENAME_THRESHOLD = 85  # rapidfuzz ratio (0-100) above which an unmatched name is a rename
PARAGRAPH_THRESHOLD = 60  # ratio above which an unmatched paragraph is an edit, not a new one
FUZZY_LIMIT = 4_000_000  # pairs compared at most when matching renames or edited paragraphs
CONTEXT_WORDS = 8  # unchanged words shown on each side of an edit
LIST_LIMIT = 3  # numbers named in the one-line summary before it just counts
SHORT_RUN_WORDS = 2  # unchanged words between two edits that are shown as part of one edit

# --- the result ---------------------------------------------------------------------------------


@dataclass
class FieldChange:
    """One field whose value differs: `where` says whose field it is (a source, a citation)."""

    field: str
    old: str | None
    new: str | None
    where: str = ""


@dataclass
class SignatoryChange:
    """A signatory added, withdrawn, removed, reinstated or changed; `changes` lists fields."""

    name: str
    kind: str
    title: str | None = None
    status: str = "confirmed"
    old_name: str | None = None
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class RosterChanges:
    added: list[SignatoryChange] = field(default_factory=list)
    withdrawn: list[SignatoryChange] = field(default_factory=list)
    removed: list[SignatoryChange] = field(default_factory=list)
    reinstated: list[SignatoryChange] = field(default_factory=list)
    changed: list[SignatoryChange] = field(default_factory=list)
    as_of: FieldChange | None = None

    def __bool__(self) -> bool:
        return bool(self.added or self.withdrawn or self.removed or self.reinstated
                    or self.changed or self.as_of)


@dataclass
class NoteChange:
    """A footnote by key with its number before and after (None: not called on that side)."""

    key: str
    old_number: int | None = None
    new_number: int | None = None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def number(self) -> int | None:
        return self.new_number if self.new_number is not None else self.old_number


@dataclass
class FootnoteChanges:
    added: list[NoteChange] = field(default_factory=list)
    removed: list[NoteChange] = field(default_factory=list)
    renumbered: list[NoteChange] = field(default_factory=list)
    changed: list[NoteChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.renumbered or self.changed)


@dataclass
class SourceChange:
    key: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class SourceChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[SourceChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class WordOp:
    """A run of words: `equal` on both sides, `delete`d from the old or `insert`ed in the new."""

    op: str
    text: str


@dataclass
class BlockChange:
    """A body block added, removed, moved or edited; numbers are 1-based positions in the body."""

    kind: str
    id: str | None = None
    old_number: int | None = None
    new_number: int | None = None
    old_text: str | None = None
    new_text: str | None = None
    moved: bool = False
    words: list[WordOp] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def number(self) -> int | None:
        return self.new_number if self.new_number is not None else self.old_number


@dataclass
class BodyChanges:
    added: list[BlockChange] = field(default_factory=list)
    removed: list[BlockChange] = field(default_factory=list)
    moved: list[BlockChange] = field(default_factory=list)
    edited: list[BlockChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.moved or self.edited)


@dataclass
class Endorsements:
    """Whether the endorsed text changed, and how many recorded endorsements that affects.

    `method` names how texts are compared: `fingerprint`, the value `sign` stores in a
    signatory's `endorsed:` (roster.fingerprint), so the two can be matched.
    """

    text_changed: bool = False
    method: str = "fingerprint"
    old_fingerprint: str | None = None
    new_fingerprint: str | None = None
    endorsed_earlier: int = 0

    @property
    def invalidated(self) -> bool:
        return self.text_changed and self.endorsed_earlier > 0


@dataclass
class TranslationChange:
    """One translation file added, removed or changed; `changes` are its texts that changed
    (`field`: which text, `where`: what happened to it)."""

    lang: str
    status: str  # added | removed | modified
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class LetterDiff:
    slug: str
    status: str  # added | removed | modified | unchanged
    fields: list[FieldChange] = field(default_factory=list)
    roster: RosterChanges = field(default_factory=RosterChanges)
    footnotes: FootnoteChanges = field(default_factory=FootnoteChanges)
    sources: SourceChanges = field(default_factory=SourceChanges)
    body: BodyChanges = field(default_factory=BodyChanges)
    endorsements: Endorsements = field(default_factory=Endorsements)
    translations: list[TranslationChange] = field(default_factory=list)

    @property
    def letter_path(self) -> str:
        return f"letters/{self.slug}.yaml"

    @property
    def roster_path(self) -> str:
        return f"signatories/{self.slug}.yaml"

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.roster or self.footnotes or self.sources or self.body
                    or self.translations)


@dataclass
class Diff:
    """Every letter compared between two revisions."""

    base: str
    head: str
    spec: str = ""
    letters: list[LetterDiff] = field(default_factory=list)


# --- comparing models ---------------------------------------------------------------------------


def diff_letter(slug: str, old: tuple[Letter | None, Roster | None],
                new: tuple[Letter | None, Roster | None]) -> LetterDiff:
    """Compare two (Letter, Roster) states of one letter; either side may be (None, None)."""
    (old_letter, old_roster), (new_letter, new_roster) = old, new
    changes = diff_rosters(old_roster, new_roster)

    def endorsed(fp: str) -> int:
        if new_roster is None:
            return 0
        return sum(s.endorsed == fp and s.status != "withdrawn" for s in new_roster.signatories)

    status = _status(old_letter is not None or old_roster is not None,
                     new_letter is not None or new_roster is not None)
    return _compare(slug, status, old_letter, new_letter, changes, endorsed)


def _status(before: bool, after: bool) -> str:
    if before and after:
        return "modified"
    return "added" if after else "removed"


def _compare(slug: str, status: str, old: Letter | None, new: Letter | None,
             roster: RosterChanges, endorsed: Callable[[str], int]) -> LetterDiff:
    out = LetterDiff(slug, status, roster=roster)
    out.fields = _letter_fields(old, new)
    out.sources = _diff_sources(old, new)
    out.footnotes = _diff_footnotes(old, new, out.sources)
    out.body = _diff_body(old.body if old else [], new.body if new else [])
    out.endorsements = _endorsements(old, new, endorsed)
    if status == "modified" and not out.changed:
        out.status = "unchanged"
    return out


def _show(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(_show(v) or "" for v in value)
    if isinstance(value, Author):
        return f"{value.name} ({value.affiliation})" if value.affiliation else value.name
    return str(value)


def _field_changes(old, new, names: list[tuple[str, str]], where: str = "") -> list[FieldChange]:
    """Compare attributes (attribute, shown name) of two objects; None counts as absent."""
    out = []
    for attr, shown in names:
        a = _show(getattr(old, attr, None)) if old is not None else None
        b = _show(getattr(new, attr, None)) if new is not None else None
        if a != b:
            out.append(FieldChange(shown, a, b, where))
    return out


# letters

def _party(p) -> str:
    return ", ".join(x for x in (p.name, p.title, p.organization) if x) + (
        f" ({p.address.strip()})" if p.address else "")


def _letter_fields(old: Letter | None, new: Letter | None) -> list[FieldChange]:
    if old is None or new is None:
        return []
    out = _field_changes(old, new, [(k, k) for k in schema.LETTER])
    for key in ("addressees", "cc"):
        a = [_party(p) for p in getattr(old, key)]
        b = [_party(p) for p in getattr(new, key)]
        if a != b:
            out.append(FieldChange(key, "; ".join(a) or None, "; ".join(b) or None))
    sig_fields = [("heading", "signatures heading"), ("note", "signatures note"),
                  ("group_by", "signatures group_by")]
    out += _field_changes(old.signatures, new.signatures, sig_fields)
    a = "; ".join(f"{s.heading} ({s.kind})" for s in old.signatures.sections)
    b = "; ".join(f"{s.heading} ({s.kind})" for s in new.signatures.sections)
    if a != b:
        out.append(FieldChange("signatures sections", a, b))
    out += _field_changes(old, new, [("date_format", "style date_format")])
    return out


# sources

SOURCE_FIELDS = [(k.replace("-", "_"), k) for k in schema.SOURCE]
CITATION_FIELDS = [(k, k) for k in schema.CITATION]
SIGNATORY_FIELDS = [(k, k) for k in schema.SIGNATORY]
PRIVATE_FIELDS = {"email"}


def _diff_sources(old: Letter | None, new: Letter | None) -> SourceChanges:
    a = old.sources if old else {}
    b = new.sources if new else {}
    out = SourceChanges()
    out.added = [k for k in b if k not in a]
    out.removed = [k for k in a if k not in b]
    for key in b:
        if key in a:
            changes = _field_changes(a[key], b[key], SOURCE_FIELDS, f"source {key}")
            if changes:
                out.changed.append(SourceChange(key, changes))
    return out


# footnotes

def note_numbers(letter: Letter | None) -> dict[str, int]:
    """Footnote numbers as the renderer assigns them: by first call in the body."""
    numbers: dict[str, int] = {}
    for block in letter.body if letter else []:
        for text in block.texts:
            for key in note_refs(text):
                numbers.setdefault(key, len(numbers) + 1)
    return numbers


def _part_name(part: Citation | TextPart | LinkPart, index: int) -> str:
    if isinstance(part, Citation):
        return f"citation of {part.cite}"
    if isinstance(part, LinkPart):
        return f"link {index}"
    return f"text {index}"


def _diff_parts(old: Footnote, new: Footnote) -> list[FieldChange]:
    out: list[FieldChange] = []
    a_names = [_part_name(p, i) for i, p in enumerate(old.parts, 1)]
    b_names = [_part_name(p, i) for i, p in enumerate(new.parts, 1)]
    if a_names != b_names:
        out.append(FieldChange("parts", ", ".join(a_names) or None, ", ".join(b_names) or None))
    # compare parts that keep their identity: citations of a source cited once on each side,
    # and text parts at the same place
    a_cites = Counter(p.cite for p in old.parts if isinstance(p, Citation))
    b_cites = Counter(p.cite for p in new.parts if isinstance(p, Citation))
    by_cite_a = {p.cite: p for p in old.parts if isinstance(p, Citation) and a_cites[p.cite] == 1}
    for i, p in enumerate(new.parts, 1):
        if isinstance(p, Citation):
            q = by_cite_a.get(p.cite)
            if q is not None and b_cites[p.cite] == 1:
                out += _field_changes(q, p, CITATION_FIELDS[1:], f"citation of {p.cite}")
        elif isinstance(p, LinkPart):
            q = old.parts[i - 1] if i <= len(old.parts) else None
            if isinstance(q, LinkPart):
                for name in ("link", "text"):
                    if getattr(q, name) != getattr(p, name):
                        out.append(FieldChange(name, getattr(q, name), getattr(p, name),
                                               f"link {i}"))
        elif (i <= len(old.parts) and isinstance(old.parts[i - 1], TextPart)
              and old.parts[i - 1].text != p.text):
            out.append(FieldChange("text", old.parts[i - 1].text, p.text, f"text {i}"))
    return out


def _same_parts(a: Footnote, b: Footnote) -> bool:
    return _parts_data(a) == _parts_data(b)


def _parts_data(note: Footnote) -> list:
    out = []
    for p in note.parts:
        if isinstance(p, Citation):
            out.append(("cite", *(getattr(p, k) for k, _ in CITATION_FIELDS)))
        elif isinstance(p, LinkPart):
            out.append(("link", p.link, p.text))
        else:
            out.append(("text", p.text))
    return out


def _diff_footnotes(old: Letter | None, new: Letter | None, sources: SourceChanges
                    ) -> FootnoteChanges:
    a = old.footnotes if old else {}
    b = new.footnotes if new else {}
    na, nb = note_numbers(old), note_numbers(new)
    changed_sources = {c.key: c for c in sources.changed}
    out = FootnoteChanges()
    for key in b:
        if key not in a:
            out.added.append(NoteChange(key, None, nb.get(key)))
    for key in a:
        if key not in b:
            out.removed.append(NoteChange(key, na.get(key), None))
    for key in b:
        if key not in a:
            continue
        change = NoteChange(key, na.get(key), nb.get(key))
        if not _same_parts(a[key], b[key]):
            change.changes += _diff_parts(a[key], b[key])
        cited = []
        for p in b[key].parts:
            if isinstance(p, Citation) and p.cite in changed_sources and p.cite not in cited:
                cited.append(p.cite)
                change.changes += changed_sources[p.cite].changes
        if change.changes:
            out.changed.append(change)
        if change.old_number != change.new_number:
            out.renumbered.append(NoteChange(key, change.old_number, change.new_number))
    order = _number_order
    out.added.sort(key=order)
    out.removed.sort(key=order)
    out.renumbered.sort(key=order)
    out.changed.sort(key=order)
    return out


def _number_order(note: NoteChange):
    n = note.number
    return (n is None, n or 0, note.key)


# body

def _block_text(b: Block) -> str:
    return "\n".join(b.items) if b.kind == "list" else b.text


def _block_key(b: Block) -> tuple:
    return (b.kind, _block_text(b), b.ordered)


def _diff_body(old: list[Block], new: list[Block]) -> BodyChanges:
    pairs: dict[int, int] = {}
    new_taken: set[int] = set()
    # 1. blocks that carry the same id are the same block
    new_ids = {b.id: j for j, b in enumerate(new) if b.id}
    for i, b in enumerate(old):
        j = new_ids.get(b.id) if b.id else None
        if j is not None and j not in new_taken:
            pairs[i] = j
            new_taken.add(j)
    # 2. identical blocks, in order
    waiting: dict[tuple, list[int]] = {}
    for j, b in enumerate(new):
        if j not in new_taken:
            waiting.setdefault(_block_key(b), []).append(j)
    for i, b in enumerate(old):
        if i in pairs:
            continue
        candidates = waiting.get(_block_key(b))
        if candidates:
            j = candidates.pop(0)
            pairs[i] = j
            new_taken.add(j)
    # 3. the most similar remaining blocks: edits
    rest_old = [i for i in range(len(old)) if i not in pairs]
    rest_new = [j for j in range(len(new)) if j not in new_taken]
    if rest_old and rest_new and len(rest_old) * len(rest_new) <= FUZZY_LIMIT:
        from rapidfuzz import fuzz

        scored = []
        for i in rest_old:
            for j in rest_new:
                if old[i].id and new[j].id and old[i].id != new[j].id:
                    continue
                score = fuzz.ratio(_block_text(old[i]), _block_text(new[j]))
                if score >= PARAGRAPH_THRESHOLD:
                    scored.append((-score, abs(i - j), i, j))
        for _, _, i, j in sorted(scored):
            if i not in pairs and j not in new_taken:
                pairs[i] = j
                new_taken.add(j)

    out = BodyChanges()
    for j, b in enumerate(new):
        if j not in new_taken:
            out.added.append(BlockChange(b.kind, b.id, None, j + 1, None, _block_text(b)))
    for i, b in enumerate(old):
        if i not in pairs:
            out.removed.append(BlockChange(b.kind, b.id, i + 1, None, _block_text(b), None))
    in_order = _longest_increasing([pairs[i] for i in sorted(pairs)])
    for i in sorted(pairs, key=lambda i: pairs[i]):
        j = pairs[i]
        a, b = old[i], new[j]
        moved = j not in in_order
        change = BlockChange(b.kind, b.id, i + 1, j + 1, _block_text(a), _block_text(b), moved)
        if moved:
            out.moved.append(change)
        if _block_key(a) != _block_key(b) or a.id != b.id:
            change.changes = _field_changes(a, b, [("kind", "kind"), ("ordered", "ordered"),
                                                   ("id", "id")])
            if _block_text(a) != _block_text(b):
                change.words = word_diff(_block_text(a), _block_text(b))
            out.edited.append(change)
    return out


def _longest_increasing(seq: list[int]) -> set[int]:
    """The values of one longest increasing subsequence: the blocks that did not move."""
    import bisect

    tails: list[int] = []
    tail_at: list[int] = []
    parent = [-1] * len(seq)
    for k, v in enumerate(seq):
        pos = bisect.bisect_left(tails, v)
        if pos == len(tails):
            tails.append(v)
            tail_at.append(k)
        else:
            tails[pos] = v
            tail_at[pos] = k
        parent[k] = tail_at[pos - 1] if pos else -1
    keep: set[int] = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        keep.add(seq[k])
        k = parent[k]
    return keep


# words, runs of spaces, and footnote calls on their own: "returns.[^a]" → "returns.", "[^a]"
_WORDS = re.compile(r"\s+|\[\^[^\]\s]*\]|(?:(?!\[\^)\S)+")


def word_diff(old: str, new: str) -> list[WordOp]:
    """A word-level diff of two texts.

    Joining the `equal` and `delete` texts gives `old`; the `equal` and `insert` texts, `new`.
    """
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    items: list[list] = []  # ["equal", text] or ["change", deleted, inserted]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            items.append(["equal", "".join(a[i1:i2])])
        else:
            items.append(["change", "".join(a[i1:i2]), "".join(b[j1:j2])])
    # A reworded sentence reads better as one replacement than as fragments around a shared
    # "the" or "has been": fold a short unchanged run between two replacements into one.
    merged: list[list] = []
    for item in items:
        if (item[0] == "change" and len(merged) >= 2 and merged[-1][0] == "equal"
                and len(merged[-1][1].split()) <= SHORT_RUN_WORDS
                and merged[-2][0] == "change" and all(merged[-2][1:]) and all(item[1:])):
            same = merged.pop()[1]
            prev = merged[-1]
            prev[1] += same + item[1]
            prev[2] += same + item[2]
        else:
            merged.append(item)
    ops: list[WordOp] = []
    for item in merged:
        if item[0] == "equal":
            ops.append(WordOp("equal", item[1]))
        else:
            if item[1]:
                ops.append(WordOp("delete", item[1]))
            if item[2]:
                ops.append(WordOp("insert", item[2]))
    return ops


# endorsements

def _endorsements(old: Letter | None, new: Letter | None,
                  endorsed: Callable[[str], int]) -> Endorsements:
    if old is None or new is None:
        return Endorsements()
    from ..roster.operations import fingerprint

    a, b = fingerprint(old), fingerprint(new)
    out = Endorsements(a != b, "fingerprint", a, b)
    if out.text_changed:
        out.endorsed_earlier = endorsed(a)
    return out


# --- rosters ------------------------------------------------------------------------------------


def diff_rosters(old: Roster | None, new: Roster | None) -> RosterChanges:
    """Signatories added, withdrawn, removed, reinstated and changed, and the "as of" date."""
    out = _diff_signatories(old.signatories if old else [], new.signatories if new else [])
    a = old.as_of if old else None
    b = new.as_of if new else None
    if a != b:
        out.as_of = FieldChange("as_of", _show(a), _show(b))
    return out


def _entry(s: Signatory, changes: list[FieldChange] | None = None,
           old_name: str | None = None) -> SignatoryChange:
    return SignatoryChange(s.name, s.kind, s.title, s.status, old_name, changes or [])


def _signatory_changes(a: Signatory, b: Signatory) -> list[FieldChange]:
    out = []
    for change in _field_changes(a, b, SIGNATORY_FIELDS):
        if change.field in PRIVATE_FIELDS:
            change.old = "(private)" if change.old else None
            change.new = "(private)" if change.new else None
        out.append(change)
    return out


def _fields_of(s: Signatory) -> tuple:
    return tuple(getattr(s, attr) for attr, _ in SIGNATORY_FIELDS)


def _diff_signatories(old: list[Signatory], new: list[Signatory]) -> RosterChanges:
    # identical entries first (so a duplicate added next to an entry is the one added), then
    # entries with the same identity key, then close names (renames)
    pairs: list[tuple[int, int]] = []
    matched_old: set[int] = set()
    rest_new: list[int] = []
    same: dict[tuple, list[int]] = {}
    for i, s in enumerate(old):
        same.setdefault(_fields_of(s), []).append(i)
    for j, s in enumerate(new):
        candidates = same.get(_fields_of(s))
        if candidates:
            i = candidates.pop(0)
            pairs.append((i, j))
            matched_old.add(i)
        else:
            rest_new.append(j)
    by_key: dict[str, list[int]] = {}
    for i, s in enumerate(old):
        if i not in matched_old:
            by_key.setdefault(identity_key(s.name), []).append(i)
    unmatched_new: list[int] = []
    for j in rest_new:
        candidates = by_key.get(identity_key(new[j].name))
        if candidates:
            i = candidates.pop(0)
            pairs.append((i, j))
            matched_old.add(i)
        else:
            unmatched_new.append(j)
    unmatched_old = [i for i in range(len(old)) if i not in matched_old]
    # renames: the closest remaining names above a threshold
    if unmatched_old and unmatched_new and \
            len(unmatched_old) * len(unmatched_new) <= FUZZY_LIMIT:
        from rapidfuzz import fuzz  # (process.cdist would need NumPy; the pairs are bounded)

        keys_old = [identity_key(old[i].name) for i in unmatched_old]
        keys_new = [identity_key(new[j].name) for j in unmatched_new]
        scored = ((fuzz.ratio(a, b, score_cutoff=RENAME_THRESHOLD), x, y)
                  for x, a in enumerate(keys_old) for y, b in enumerate(keys_new))
        ranked = sorted((-float(score), x, y) for score, x, y in scored if score)
        used_old: set[int] = set()
        used_new: set[int] = set()
        for _, x, y in ranked:
            if x not in used_old and y not in used_new:
                used_old.add(x)
                used_new.add(y)
                pairs.append((unmatched_old[x], unmatched_new[y]))
        unmatched_old = [i for x, i in enumerate(unmatched_old) if x not in used_old]
        unmatched_new = [j for y, j in enumerate(unmatched_new) if y not in used_new]

    out = RosterChanges()
    for j in unmatched_new:
        out.added.append(_entry(new[j]))
    for i in unmatched_old:
        out.removed.append(_entry(old[i]))
    for i, j in pairs:
        a, b = old[i], new[j]
        changes = _signatory_changes(a, b)
        if not changes:
            continue
        renamed = a.name if a.name != b.name else None
        entry = _entry(b, changes, renamed)
        if a.status != "withdrawn" and b.status == "withdrawn":
            out.withdrawn.append(entry)
        elif a.status == "withdrawn" and b.status != "withdrawn":
            out.reinstated.append(entry)
        else:
            out.changed.append(entry)
    for group in (out.added, out.withdrawn, out.removed, out.reinstated, out.changed):
        group.sort(key=_signatory_order)
    return out


def _signatory_order(c: SignatoryChange):
    return (c.kind != "individual", sort_key(Signatory(c.name, c.kind, None)), c.name,
            c.status, c.title or "", [(ch.field, ch.old or "", ch.new or "") for ch in c.changes])


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
    raw = scan_canonical_roster(text, display)
    if raw is None:
        raw = parse_yaml(text, display)
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
    status = _status(old.letter_text is not None or old.roster_text is not None,
                     new.letter_text is not None or new.roster_text is not None)
    return _compare(slug, status, old_letter, new_letter, roster, endorsed)


_SIGNATORIES = re.compile(r"^signatories:[ \t]*(?:#.*)?$", re.M)
_TOP_LEVEL = re.compile(r"\n[^ \n\r#]")


def _roster_blocks(text: str) -> tuple[str, list[str]] | None:
    """(header, entry blocks) of a roster in the canonical layout, or None for any other."""
    m = _SIGNATORIES.search(text)
    if m is None:
        return None
    rest = text[m.end():]
    if _TOP_LEVEL.search(rest):
        return None
    chunks = rest.split("\n  - ")
    if chunks[0].strip() and not all(
            not line.strip() or line.lstrip().startswith("#") for line in chunks[0].split("\n")):
        return None
    return text[:m.end()], ["  - " + c.rstrip() for c in chunks[1:]]


def _diff_roster_texts(old: TextSide, new: TextSide, path: str
                       ) -> tuple[RosterChanges, Callable[[str], int]]:
    a = _roster_blocks(old.roster_text) if old.roster_text is not None else ("", [])
    b = _roster_blocks(new.roster_text) if new.roster_text is not None else ("", [])
    if a is not None and b is not None:
        counts_a, counts_b = Counter(a[1]), Counter(b[1])
        gone = _leftover(a[1], counts_a - counts_b)
        came = _leftover(b[1], counts_b - counts_a)
        entries_a = _parse_blocks(gone, path, old.roster_display)
        entries_b = _parse_blocks(came, path, new.roster_display)
        if entries_a is not None and entries_b is not None:
            out = _diff_signatories(entries_a, entries_b)
            as_of_a = _header_as_of(a[0], path, old.roster_display)
            as_of_b = _header_as_of(b[0], path, new.roster_display)
            if as_of_a != as_of_b:
                out.as_of = FieldChange("as_of", _show(as_of_a), _show(as_of_b))
            blocks_b = b[1]

            def endorsed(fp: str) -> int:
                return sum(fp in block and "\n    status: withdrawn" not in block
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
    raw = scan_canonical_roster(header + "\n", display)
    if raw is None:
        raw = parse_yaml(header + "\n", display)
    roster, _ = build_roster(raw, Path(path), display)
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
    from ..translations import build_translation, compare_translations

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
        status = _status(states[0] is not None, states[1] is not None)
        found = [FieldChange(label, old, new, where=what)
                 for label, what, old, new in compare_translations(*states)]
        if found or status != "modified":
            out.append(TranslationChange(lang, status, found))
    return out


# --- the one-line summary -----------------------------------------------------------------------


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _numbers(things: list, noun: str, verb: str, attr: str = "number") -> str:
    numbers = [getattr(t, attr) for t in things]
    named = [n for n in numbers if n is not None]
    if len(numbers) <= LIST_LIMIT and len(named) == len(numbers):
        words = noun if len(named) == 1 else noun + "s"
        return f"{words} {', '.join(map(str, named))} {verb}"
    return f"{_plural(len(numbers), noun)} {verb}"


def summary(d: LetterDiff) -> str:
    """The counts in one line: "+3 signatories, 1 withdrawn, footnote 9 changed, …"."""
    parts: list[str] = []
    r = d.roster
    if d.status in ("added", "removed"):
        parts.append(f"letter {d.status}")
    if r.added:
        parts.append("+" + _plural(len(r.added), "signatory", "signatories"))
    for name, group in (("withdrawn", r.withdrawn), ("removed", r.removed),
                        ("reinstated", r.reinstated)):
        if group:
            parts.append(f"{len(group)} {name}")
    if r.changed:
        parts.append(_plural(len(r.changed), "signatory", "signatories") + " changed")
    if r.as_of:
        parts.append(f"as of {r.as_of.old or '(none)'} → {r.as_of.new or '(none)'}")
    if d.fields:
        names = [f.field for f in d.fields]
        parts.append(", ".join(names) + " changed" if len(names) <= LIST_LIMIT
                     else f"{len(names)} letter fields changed")
    f = d.footnotes
    if f.changed:
        fields = {ch.field for n in f.changed for ch in n.changes}
        verb = f"{fields.pop()} changed" if len(fields) == 1 else "changed"
        parts.append(_numbers(f.changed, "footnote", verb))
    for group, verb in ((f.added, "added"), (f.removed, "removed")):
        if group:
            parts.append(_numbers(group, "footnote", verb))
    if f.renumbered:
        parts.append(_numbers(f.renumbered, "footnote", "renumbered", "new_number"))
    s = d.sources
    shown = {c.key for n in f.changed for c in s.changed for ch in n.changes
             if ch.where == f"source {c.key}"}
    quiet = [c for c in s.changed if c.key not in shown]
    if quiet:
        parts.append(_plural(len(quiet), "unused source") + " changed")
    b = d.body
    for group, verb in ((b.edited, "edited"), (b.added, "added"), (b.removed, "removed"),
                        (b.moved, "moved")):
        if group:
            parts.append(_numbers(group, "paragraph", verb))
    if d.endorsements.invalidated:
        parts.append(_plural(d.endorsements.endorsed_earlier, "endorsement") + " of the "
                     "earlier text")
    for t in d.translations:
        if t.status != "modified":
            parts.append(f"{t.lang} translation {t.status}")
        else:
            parts.append(f"{t.lang} translation: " + _plural(len(t.changes), "text") + " changed")
    return ", ".join(parts) if parts else "no changes"


# --- plain text ---------------------------------------------------------------------------------

Style = Callable[..., str]


def _plain(text: str, **_) -> str:
    return text


def _words(ops: list[WordOp], deleted: Callable[[str], str], inserted: Callable[[str], str],
           equal: Callable[[str], str] = lambda t: t, context: int = CONTEXT_WORDS,
           separator: str = "") -> str:
    """Render a word diff, keeping `context` unchanged words around each change."""
    out: list[str] = []
    last = len(ops) - 1
    for k, op in enumerate(ops):
        if op.op == "delete":
            out.append(deleted(op.text))
        elif op.op == "insert":
            if k and ops[k - 1].op == "delete" and separator:
                out.append(separator)
            out.append(inserted(op.text))
        else:
            out.append(equal(_elide(op.text, context, k > 0, k < last)))
    return "".join(out)


_TOKENS = re.compile(r"\S+\s*")


def _elide(text: str, context: int, before: bool, after: bool) -> str:
    """Shorten an unchanged run: keep `context` words next to the changes on either side."""
    lead = text[: len(text) - len(text.lstrip())]
    words = _TOKENS.findall(text.lstrip())
    keep_head = context if before else 0
    keep_tail = context if after else 0
    if len(words) <= keep_head + keep_tail + 2:
        return text
    head = "".join(words[:keep_head])
    tail = "".join(words[len(words) - keep_tail:]) if keep_tail else ""
    if before and after:
        return lead + head.rstrip() + " … " + tail
    if before:
        return lead + head.rstrip() + " …"
    return "… " + tail


def _change_line(c: FieldChange) -> str:
    where = f"{c.where}: " if c.where else ""
    return f"{where}{c.field}: {c.old if c.old is not None else '(none)'} → " \
           f"{c.new if c.new is not None else '(none)'}"


def _note_label(n: NoteChange) -> str:
    if n.number is None:
        return f"footnote '{n.key}' (not called)"
    return f"footnote {n.number} ({n.key})"


def _block_label(c: BlockChange) -> str:
    extra = [c.kind] if c.kind != "paragraph" else []
    if c.id:
        extra.append(f"id {c.id}")
    label = f"paragraph {c.number}"
    return label + (f" ({', '.join(extra)})" if extra else "")


def _signatory_line(c: SignatoryChange) -> str:
    text = f"{c.name} ({c.kind})"
    if c.title:
        text += f" — {c.title}"
    if c.status != "confirmed" and not any(ch.field == "status" for ch in c.changes):
        text += f" [{c.status}]"
    return text


def format_text(result: Diff, style: Style | None = None) -> str:
    """A readable report; pass `click.style` (or any compatible function) for colour."""
    st = style or _plain
    lines: list[str] = []
    if not result.letters:
        return f"No letter or roster changed ({result.base} → {result.head}).\n"
    for d in result.letters:
        if lines:
            lines.append("")
        lines.append(st(f"{d.slug}", bold=True) + f" ({result.base} → {result.head})")
        lines.append(f"  {summary(d)}")
        r = d.roster
        if r:
            lines.append(st("Signatories", bold=True))
            for c in r.added:
                lines.append(st(f"  + {_signatory_line(c)}", fg="green"))
            for c in r.withdrawn:
                reason = next((ch.new for ch in c.changes if ch.field == "withdrawal_reason"),
                              None)
                suffix = f" — reason: {reason}" if reason else ""
                lines.append(st(f"  withdrawn: {_signatory_line(c)}{suffix}", fg="yellow"))
            for c in r.removed:
                lines.append(st(f"  - removed: {_signatory_line(c)}", fg="red"))
            for c in r.reinstated:
                lines.append(st(f"  reinstated: {_signatory_line(c)}", fg="cyan"))
            for c in r.changed:
                was = f" (was {c.old_name})" if c.old_name else ""
                lines.append(f"  changed: {c.name}{was}")
                for ch in c.changes:
                    lines.append(f"      {_change_line(ch)}")
            if r.as_of:
                lines.append(f"  as of: {r.as_of.old or '(none)'} → {r.as_of.new or '(none)'}")
        if d.fields:
            lines.append(st("Letter", bold=True))
            lines += [f"  {_change_line(c)}" for c in d.fields]
        f = d.footnotes
        if f:
            lines.append(st("Footnotes", bold=True))
            for n in f.changed:
                lines.append(f"  {_note_label(n)} changed")
                for ch in n.changes:
                    lines.append("      " + _change_line(ch))
            for n in f.added:
                lines.append(st(f"  {_note_label(n)} added", fg="green"))
            for n in f.removed:
                lines.append(st(f"  {_note_label(n)} removed", fg="red"))
            for n in f.renumbered:
                lines.append(f"  footnote {n.old_number or '-'} → {n.new_number or '-'} "
                             f"({n.key}) renumbered")
        s = d.sources
        if s.added or s.removed:
            lines.append(st("Sources", bold=True))
            lines += [st(f"  + {k}", fg="green") for k in s.added]
            lines += [st(f"  - {k}", fg="red") for k in s.removed]
        b = d.body
        if b:
            lines.append(st("Paragraphs", bold=True))
            for c in b.edited:
                was = f" (was {c.old_number})" if c.moved else ""
                lines.append(f"  {_block_label(c)} edited{was}")
                for ch in c.changes:
                    lines.append(f"      {_change_line(ch)}")
                if c.words:
                    if style is None:
                        text = _words(c.words, lambda t: f"[-{t}-]", lambda t: f"{{+{t}+}}")
                    else:
                        text = _words(c.words, lambda t: st(t, fg="red", strikethrough=True),
                                      lambda t: st(t, fg="green", underline=True))
                    lines += ["      " + line for line in text.split("\n")]
            for c in b.added:
                lines.append(st(f"  {_block_label(c)} added", fg="green"))
                lines += ["      " + line for line in (c.new_text or "").split("\n")]
            for c in b.removed:
                lines.append(st(f"  {_block_label(c)} removed", fg="red"))
                lines += ["      " + line for line in (c.old_text or "").split("\n")]
            for c in b.moved:
                lines.append(f"  {_block_label(c)} moved from {c.old_number}")
        e = d.endorsements
        if e.text_changed:
            lines.append(st("Endorsements", bold=True))
            lines.append("  " + _endorsement_sentence(e))
        if d.translations:
            lines.append(st("Translations", bold=True))
            for t in d.translations:
                lines.append(f"  {t.lang}: {t.status}")
                lines += [f"      {line}" for c in t.changes for line in _translation_lines(c)]
    return "\n".join(lines) + "\n"


def _translation_lines(c: FieldChange) -> list[str]:
    from ..translations import word_diff as words

    if c.where == "edited" and c.old and c.new:
        return [f"{c.field} edited: {words(c.old, c.new)}"]
    if c.where == "marked outdated":
        return [f"{c.field} marked outdated (its source changed)"]
    shown = c.new if c.new is not None else c.old
    return [f"{c.field} {c.where}" + (f": {shown}" if shown else "")]


def _short(fingerprint: str | None) -> str:
    return (fingerprint or "")[:19] + "…"


def _endorsement_sentence(e: Endorsements) -> str:
    if e.method != "fingerprint":
        return "the endorsed text (body, footnotes or sources) changed"
    change = f"the endorsed text changed ({_short(e.old_fingerprint)} → " \
             f"{_short(e.new_fingerprint)})"
    if e.endorsed_earlier:
        return (f"{change}: {_plural(e.endorsed_earlier, 'signatory', 'signatories')} "
                "endorsed the earlier text; ask them to confirm")
    return f"{change}; no signatory has recorded an endorsement of the earlier text"


# --- markdown -----------------------------------------------------------------------------------

MARKER = "<!-- undersigned diff -->"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


# "@name" and "@org/team" notify people on GitHub; a zero-width space after the "@" (as an
# entity, so the comment's text holds no invisible character) keeps them from being pinged.
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def md_escape(text: str) -> str:
    """Text that GitHub shows as written: markdown punctuation escaped, one line, no mention."""
    text = _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")
    return _MENTION.sub("@&#8203;", text)


def md_code(text: str | None) -> str:
    if text is None:
        return "*(none)*"
    text = text.replace("\r", " ").replace("\n", " ")
    # the fence is longer than any run of backticks inside, so the span cannot end early
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _wrap(text: str, marker: str) -> str:
    """`marker`-delimited emphasis with the surrounding spaces kept outside (markdown needs it)."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}{marker}{md_escape(core)}{marker}{trail}"


def _md_change(c: FieldChange) -> str:
    where = f"{md_escape(c.where)}: " if c.where else ""
    return f"{where}{md_escape(c.field)}: {md_code(c.old)} → {md_code(c.new)}"


def _md_signatory(c: SignatoryChange) -> str:
    text = f"**{md_escape(c.name)}** ({c.kind})"
    if c.title:
        text += f" — {md_escape(c.title)}"
    if c.status != "confirmed" and not any(ch.field == "status" for ch in c.changes):
        text += f" *{c.status}*"
    return text


def _details(summary_line: str, body: list[str]) -> list[str]:
    return ["<details><summary>" + summary_line + "</summary>", "", *body, "", "</details>", ""]


def format_markdown(result: Diff) -> str:
    """A pull-request comment: one line of counts per letter, details folded below."""
    lines = [MARKER]
    if not result.letters:
        lines.append(f"No letter or roster changed ({md_escape(result.base)} → "
                     f"{md_escape(result.head)}).")
    for d in result.letters:
        lines += ["", f"**{md_escape(d.slug)}**: {md_escape(summary(d))}", ""]
        r = d.roster
        if r:
            counts = []
            if r.added:
                counts.append(f"+{len(r.added)}")
            for name, group in (("withdrawn", r.withdrawn), ("removed", r.removed),
                                ("reinstated", r.reinstated), ("changed", r.changed)):
                if group:
                    counts.append(f"{len(group)} {name}")
            if r.as_of:
                counts.append("as of " + (r.as_of.new or "(none)"))
            body = []
            body += [f"- ➕ added: {_md_signatory(c)}" for c in r.added]
            for c in r.withdrawn:
                reason = next((ch.new for ch in c.changes if ch.field == "withdrawal_reason"),
                              None)
                body.append(f"- ⏸ withdrawn: {_md_signatory(c)}"
                            + (f" — reason: {md_escape(reason)}" if reason else ""))
            body += [f"- ➖ removed: {_md_signatory(c)}" for c in r.removed]
            body += [f"- ↩ reinstated: {_md_signatory(c)}" for c in r.reinstated]
            for c in r.changed:
                was = f" (was {md_escape(c.old_name)})" if c.old_name else ""
                body.append(f"- ✎ changed: **{md_escape(c.name)}**{was}")
                body += [f"  - {_md_change(ch)}" for ch in c.changes]
            if r.as_of:
                body.append(f"- as of: {md_code(r.as_of.old)} → {md_code(r.as_of.new)}")
            lines += _details("Signatories: " + ", ".join(counts), body)
        if d.fields:
            lines += _details(_plural(len(d.fields), "letter field") + " changed",
                              [f"- {_md_change(c)}" for c in d.fields])
        f, s = d.footnotes, d.sources
        if f or s.added or s.removed:
            body = []
            for n in f.changed:
                body.append(f"- **{md_escape(_note_label(n))}** changed")
                body += [f"  - {_md_change(ch)}" for ch in n.changes]
            body += [f"- **{md_escape(_note_label(n))}** added" for n in f.added]
            body += [f"- **{md_escape(_note_label(n))}** removed" for n in f.removed]
            if f.renumbered:
                moved = ", ".join(f"{n.old_number or '–'} → {n.new_number or '–'} "
                                  f"({md_escape(n.key)})" for n in f.renumbered)
                body.append(f"- renumbered: {moved}")
            body += [f"- source {md_code(k)} added" for k in s.added]
            body += [f"- source {md_code(k)} removed" for k in s.removed]
            heads = []
            for group, verb in ((f.changed, "changed"), (f.added, "added"),
                                (f.removed, "removed"), (f.renumbered, "renumbered")):
                if group:
                    heads.append(f"{len(group)} {verb}")
            if s.added or s.removed:
                heads.append(f"sources +{len(s.added)} −{len(s.removed)}")
            lines += _details("Footnotes: " + ", ".join(heads), body)
        b = d.body
        if b:
            body = []
            for c in b.edited:
                was = f" (was {c.old_number})" if c.moved else ""
                body.append(f"- **{md_escape(_block_label(c))}** edited{was}")
                body += [f"  - {_md_change(ch)}" for ch in c.changes]
                if c.words:
                    text = _words(c.words, lambda t: _wrap(t, "~~"), lambda t: _wrap(t, "**"),
                                  md_escape, separator=" ")
                    body += ["", f"  > {text}", ""]
            for c in b.added:
                body += [f"- **{md_escape(_block_label(c))}** added", "",
                         f"  > {md_escape(c.new_text or '')}", ""]
            for c in b.removed:
                body += [f"- **{md_escape(_block_label(c))}** removed", "",
                         f"  > {md_escape(c.old_text or '')}", ""]
            for c in b.moved:
                body.append(f"- **{md_escape(_block_label(c))}** moved from {c.old_number}")
            heads = [f"{len(g)} {v}" for g, v in ((b.edited, "edited"), (b.added, "added"),
                                                  (b.removed, "removed"), (b.moved, "moved"))
                     if g]
            while body and body[-1] == "":
                body.pop()
            lines += _details("Paragraphs: " + ", ".join(heads), body)
        e = d.endorsements
        if e.text_changed:
            sentence = _endorsement_sentence(e)
            mark = "⚠️" if e.invalidated else "ℹ️"
            lines.append(f"{mark} {md_escape(sentence[0].upper() + sentence[1:])}")
            lines.append("")
        if d.translations:
            body = []
            for t in d.translations:
                body.append(f"- **{md_escape(t.lang)}** ({t.status})")
                body += [f"  - {md_escape(line)}" for c in t.changes
                         for line in _translation_lines(c)]
            lines += _details("Translations: " + ", ".join(t.lang for t in d.translations),
                              body)
    spec = result.spec or f"{result.base} {result.head}"
    while lines and lines[-1] == "":
        lines.pop()
    lines += ["", f"<sub>undersigned diff {md_code(spec)}: {md_escape(result.base)} → "
              f"{md_escape(result.head)}</sub>"]
    return "\n".join(lines) + "\n"


# --- JSON ---------------------------------------------------------------------------------------


def as_dict(result: Diff) -> dict:
    """Plain data for `--format json`: every added, withdrawn and removed signatory by name,
    every changed footnote and paragraph."""

    def plain(obj):
        if dataclasses.is_dataclass(obj):
            return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if isinstance(obj, list):
            return [plain(x) for x in obj]
        return obj

    letters = []
    for d in result.letters:
        item = {
            "slug": d.slug,
            "letter": d.letter_path,
            "roster": d.roster_path,
            "status": d.status,
            "summary": summary(d),
            "as_of": ({"old": d.roster.as_of.old, "new": d.roster.as_of.new}
                      if d.roster.as_of else None),
            "fields": plain(d.fields),
            "signatories": {k: plain(getattr(d.roster, k)) for k in
                            ("added", "withdrawn", "removed", "reinstated", "changed")},
            "footnotes": plain(d.footnotes),
            "sources": plain(d.sources),
            "paragraphs": plain(d.body),
            "endorsements": {**plain(d.endorsements),
                             "invalidated": d.endorsements.invalidated},
        }
        if d.translations:  # only where a translation changed: other reports stay as they were
            item["translations"] = plain(d.translations)
        letters.append(item)
    return {"base": result.base, "head": result.head, "range": result.spec,
            "letters": letters}


def format_json(result: Diff) -> str:
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"


__all__ = [
    "BlockChange", "BodyChanges", "Diff", "Endorsements", "FieldChange", "FootnoteChanges",
    "LetterDiff", "NoteChange", "RosterChanges", "SignatoryChange", "SourceChange",
    "SourceChanges", "TextSide", "WordOp", "as_dict", "diff_letter", "diff_revisions",
    "diff_rosters", "diff_texts", "format_json", "format_markdown", "format_text", "summary",
    "word_diff",
]
