"""Semantic diff of two states of a letter and its roster: the result, and comparing models.

Comparing file texts (what git gives us) is in difftexts.py; the text, markdown and JSON forms
of the result in diffreport.py."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from collections.abc import Callable

from ..format import schema
from ..format.inline import note_refs
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
from ..roster.collation import identity_key, sort_key
from .changes import (
    BlockChange,
    BodyChanges,
    Diff,
    Endorsements,
    FieldChange,
    FootnoteChanges,
    LetterDiff,
    NoteChange,
    RosterChanges,
    SignatoryChange,
    SourceChange,
    SourceChanges,
    TranslationChange,
    WordOp,
)

RENAME_THRESHOLD = 85  # rapidfuzz ratio (0-100) above which an unmatched name is a rename
PARAGRAPH_THRESHOLD = 60  # ratio above which an unmatched paragraph is an edit, not a new one
FUZZY_LIMIT = 4_000_000  # pairs compared at most when matching renames or edited paragraphs
SHORT_RUN_WORDS = 2  # unchanged words between two edits that are shown as part of one edit

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

    status = letter_status(old_letter is not None or old_roster is not None,
                           new_letter is not None or new_roster is not None)
    return compare_letters(slug, status, old_letter, new_letter, changes, endorsed)


def letter_status(before: bool, after: bool) -> str:
    if before and after:
        return "modified"
    return "added" if after else "removed"


def compare_letters(slug: str, status: str, old: Letter | None, new: Letter | None,
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


def show_value(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(show_value(v) or "" for v in value)
    if isinstance(value, Author):
        return f"{value.name} ({value.affiliation})" if value.affiliation else value.name
    return str(value)


def _field_changes(old, new, names: list[tuple[str, str]], where: str = "") -> list[FieldChange]:
    """Compare attributes (attribute, shown name) of two objects; None counts as absent."""
    out = []
    for attr, shown in names:
        a = show_value(getattr(old, attr, None)) if old is not None else None
        b = show_value(getattr(new, attr, None)) if new is not None else None
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
    from ..roster.fingerprint import fingerprint

    a, b = fingerprint(old), fingerprint(new)
    out = Endorsements(a != b, "fingerprint", a, b)
    if out.text_changed:
        out.endorsed_earlier = endorsed(a)
    return out


# --- rosters ------------------------------------------------------------------------------------


def diff_rosters(old: Roster | None, new: Roster | None) -> RosterChanges:
    """Signatories added, withdrawn, removed, reinstated and changed, and the "as of" date."""
    out = diff_signatories(old.signatories if old else [], new.signatories if new else [])
    a = old.as_of if old else None
    b = new.as_of if new else None
    if a != b:
        out.as_of = FieldChange("as_of", show_value(a), show_value(b))
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


def _pair_by(key, old: list[Signatory], new: list[Signatory], new_left: list[int],
             matched_old: set[int], pairs: list[tuple[int, int]]) -> list[int]:
    """Pair each new entry left with the first old entry not yet matched that has the same
    `key`, in order; records the pairs and returns the new entries still unmatched."""
    by_key: dict = {}
    for i, s in enumerate(old):
        if i not in matched_old:
            by_key.setdefault(key(s), []).append(i)
    still: list[int] = []
    for j in new_left:
        candidates = by_key.get(key(new[j]))
        if candidates:
            i = candidates.pop(0)
            pairs.append((i, j))
            matched_old.add(i)
        else:
            still.append(j)
    return still


def diff_signatories(old: list[Signatory], new: list[Signatory]) -> RosterChanges:
    # identical entries first (so a duplicate added next to an entry is the one added), then
    # entries with the same identity key, then close names (renames)
    pairs: list[tuple[int, int]] = []
    matched_old: set[int] = set()
    unmatched_new = list(range(len(new)))
    for key in (_fields_of, lambda s: identity_key(s.name)):
        unmatched_new = _pair_by(key, old, new, unmatched_new, matched_old, pairs)
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


__all__ = [
    "BlockChange", "BodyChanges", "Diff", "Endorsements", "FieldChange", "FootnoteChanges",
    "LetterDiff", "NoteChange", "RosterChanges", "SignatoryChange", "SourceChange",
    "SourceChanges", "TranslationChange", "WordOp", "diff_letter", "diff_rosters", "word_diff",
]
