"""Roster operations: add, import, withdraw, update, reconfirm, list — checked at the door."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RosterError
from ..fileio import write_atomic
from ..format.dates import PartialDate
from ..format.load import load_letter, load_roster
from ..format.model import Citation, Letter, LinkPart, Signatory
from ..format.schema import SIGNATORY_KINDS, STATUSES
from ..textsafety import formula_like, from_spreadsheet, visible
from ..workspace import roster_path
from . import rosterfile
from .collation import acronym_of, fold, identity_key, identity_keys, numbers_differ
from .rosterfile import RosterText, locked

ROSTER_HEADER = "# yaml-language-server: $schema=../schema/roster.schema.json\n"
PRIVATE_HEADER = (
    "# Private contacts of the signatories of letters/{slug}.yaml: e-mail addresses and\n"
    "# consent evidence. Never commit this file (signatories/*.private.yaml is git-ignored)\n"
    "# and never render it. See docs/privacy.md.\n"
)
KIND_ALIASES = {"organisation": "organization", "org": "organization", "person": "individual"}


# --- where things are -------------------------------------------------------------------------

@dataclass(frozen=True)
class Paths:
    """The files of one letter's roster."""

    letter: Path
    roster: Path
    private: Path

    @classmethod
    def of(cls, letter: Path) -> Paths:
        roster = roster_path(letter)
        return cls(letter, roster, private_path(roster))

    @property
    def slug(self) -> str:
        return self.letter.name.removesuffix(".yaml")


def private_path(roster: Path) -> Path:
    """`signatories/<slug>.yaml` → `signatories/<slug>.private.yaml` (git-ignored)."""
    return roster.with_name(roster.name.removesuffix(".yaml") + ".private.yaml")


def _read(path: Path) -> str | None:
    from ..errors import LoadError
    from ..format.yamlio import read_text

    if not os.path.lexists(path):  # a link that loops or dangles is read, and refused
        return None
    try:
        return read_text(path, path.name)
    except LoadError as e:
        raise RosterError(str(e)) from None


# --- the text fingerprint ---------------------------------------------------------------------

_NOTE_CALL = re.compile(r"(?<!\\)\[\^([^\]\s]+)\]")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _plain(value):
    if isinstance(value, dt.date | PartialDate):
        return value.isoformat()
    if isinstance(value, str):
        return _norm(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__
                if k not in ("pos", "field_pos", "key") and getattr(value, k) not in (None, [])}
    return value


def fingerprint(letter: Letter) -> str:
    """A fingerprint of the letter's text as signatories read it: `sha256:<hex>`.

    It covers the body, and the footnotes and sources the body calls, in a canonical form:
    footnote keys are replaced by their numbers (order of first call) and sources by their
    fields, whitespace is collapsed and Unicode normalised (NFC). So renaming a key, reordering
    `footnotes:` or re-wrapping a line keeps the fingerprint; changing a word, a citation or a
    URL changes it.
    """
    numbers: dict[str, int] = {}
    for block in letter.body:
        for text in block.texts:
            for key in _NOTE_CALL.findall(text):
                if key in letter.footnotes:
                    numbers.setdefault(key, len(numbers) + 1)

    def calls(text: str) -> str:
        return _norm(_NOTE_CALL.sub(lambda m: f"[^{numbers.get(m.group(1), m.group(1))}]", text))

    body = [{"kind": b.kind, "text": calls(b.text), "items": [calls(i) for i in b.items],
             "ordered": b.ordered} for b in letter.body]
    notes = []
    for key in numbers:
        parts = []
        for part in letter.footnotes[key].parts:
            if isinstance(part, Citation):
                cited = letter.sources.get(part.cite)
                parts.append({"cite": _plain(cited) if cited else part.cite,
                              **{k: _norm(v) for k in ("pinpoint", "quotation", "prefix",
                                                       "suffix") if (v := getattr(part, k))}})
            elif isinstance(part, LinkPart):
                parts.append({"link": part.link, **({"text": calls(part.text)} if part.text
                                                    else {})})
            else:
                parts.append({"text": calls(part.text)})
        notes.append(parts)
    data = json.dumps({"body": body, "notes": notes}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()


def current_fingerprints(letter: Letter, translations=()) -> dict[str | None, str]:
    """The fingerprint of the letter (key None) and of each translation (key: its language)."""
    from ..translations import translated_letter

    out: dict[str | None, str] = {None: fingerprint(letter)}
    for tr in translations:
        out[tr.lang] = fingerprint(translated_letter(letter, tr))
    return out


class Fingerprints:
    """The fingerprint of the text in each language, for the signatures `sign` records; the
    letter and each translation are read once, when first needed."""

    def __init__(self, letter_path: Path):
        self.path = letter_path
        self.letter: Letter | None = None
        self.known: dict[str | None, str] = {}

    def language(self, lang: str | None) -> str | None:
        """None for the letter's own language, else the tag (a translation) as its file
        spells it."""
        from ..translations import spelled_tag

        self._load()
        if not lang or lang.lower() == self.letter.lang.lower():
            return None
        return spelled_tag(self.letter.path, lang)

    def of(self, lang: str | None = None) -> str:
        lang = self.language(lang)
        if lang not in self.known:
            if lang is None:
                self.known[None] = fingerprint(self.letter)
            else:
                self.known[lang] = _translation_fingerprint(self.letter, lang)
        return self.known[lang]

    def _load(self) -> None:
        if self.letter is None:
            letter, problems = load_letter(self.path, self.path.name)
            if letter is None:
                raise RosterError("the letter cannot be read, so the text signatories endorse "
                                  "is unknown; fix it first (`undersigned validate`):\n"
                                  + "\n".join(p.format() for p in problems))
            self.letter = letter


def _translation_fingerprint(letter: Letter, lang: str) -> str:
    from ..translations import (
        TranslationError,
        check_lang_tag,
        load_translation,
        translated_letter,
        translation_path,
    )

    try:
        check_lang_tag(lang)  # a tag, never a path: it names a file under translations/
    except TranslationError as e:
        raise RosterError(str(e)) from None
    path = translation_path(letter.path, lang)
    if not path.is_file():
        raise RosterError(f"the letter has no {lang} translation ({path.parent.parent.name}/"
                          f"{path.parent.name}/{path.name}), so the {lang} text signatories "
                          f"endorse is unknown; make it with `undersigned translate "
                          f"{letter.slug} {lang}`, or check the language tag")
    tr, problems = load_translation(path, letter.lang, path.name)
    if tr is None or any(p.severity.value == "error" for p in problems):
        raise RosterError(f"the {lang} translation cannot be read; fix it first "
                          "(`undersigned validate`):\n" + "\n".join(p.format() for p in problems))
    return fingerprint(translated_letter(letter, tr))


def letter_fingerprint(letter_path: Path, lang: str | None = None) -> str:
    """The fingerprint of a letter file (or of its translation into `lang`); refuses a letter
    that does not load."""
    return Fingerprints(letter_path).of(lang)


# --- checks at the door ------------------------------------------------------------------------

def normalise_email(address: str, check_deliverability: bool = False) -> str:
    """The normalised form of an e-mail address; RosterError says what is wrong with a bad one."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(address.strip(), check_deliverability=check_deliverability
                              ).normalized
    except EmailNotValidError as e:
        raise RosterError(f"e-mail '{address}' is not valid: {e}") from None


def parse_day(value: str | dt.date, today: dt.date, what: str = "date") -> dt.date:
    """An ISO date that is not in the future."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise RosterError(f"{what} '{value}' is not a date; write YYYY-MM-DD") from None
    if value > today:
        raise RosterError(f"{what} {value} is in the future (today is {today}); give the day "
                          "the signature arrived")
    return value


def check_signatory(sig: Signatory) -> None:
    """Refuse a signatory the roster cannot hold: empty name, unknown kind, multi-line text."""
    from ..textsafety import unprintable_name

    if not sig.name or not sig.name.strip():
        raise RosterError("name is empty; give the name as it should be printed")
    if why := unprintable_name(sig.name):
        raise RosterError(f"name '{visible(sig.name)}' {why}; retype it as it should be "
                          "printed")
    if sig.kind not in SIGNATORY_KINDS:
        raise RosterError(f"kind '{sig.kind}' is not one of: {', '.join(SIGNATORY_KINDS)}")
    if sig.status not in STATUSES:
        raise RosterError(f"status '{sig.status}' is not one of: {', '.join(STATUSES)}")
    for name in ("name", "title", "sort_as", "country", "via", "withdrawal_reason"):
        value = getattr(sig, name)
        if value is not None and ("\n" in value or "\r" in value):
            raise RosterError(f"{name} '{value.splitlines()[0]}…' spans several lines; "
                              "write it on one line")
        if value is not None and (bad := _control_characters(value)):
            raise RosterError(f"{name} '{value}' holds {bad}; retype it without them")
        if value is not None and "\t" in value:
            raise RosterError(f"{name} '{visible(value)}' holds a tab; retype it with spaces")


def _control_characters(value: str) -> str | None:
    """The control characters and hidden line breaks of a one-line field, described."""
    from ..textsafety import describe, suspicious_characters

    found = [(ch, kind) for ch, kind in suspicious_characters(value)
             if kind in ("control character", "hidden line break")]
    return describe(found) if found else None


def kind_of(value: str) -> str:
    """'individual' or 'organization' (British 'organisation' accepted)."""
    kind = value.strip().lower()
    kind = KIND_ALIASES.get(kind, kind)
    if kind not in SIGNATORY_KINDS:
        raise RosterError(f"kind '{value}' is not one of: {', '.join(SIGNATORY_KINDS)}")
    return kind


@dataclass
class Match:
    """An existing entry that a new name may duplicate."""

    name: str
    line: int
    how: str  # same | acronym | similar
    withdrawn: bool = False
    score: float = 100.0
    in_csv: bool = False  # the match is an earlier row of the file being imported

    def describe(self) -> str:
        what = {"same": "is the same signatory as",
                "acronym": "may be the same as (acronym)",
                "similar": f"looks like ({self.score:.0f}% similar)",
                "lookalike": "looks the same, but for invisible or look-alike letters, as"
                }[self.how]
        status = ", withdrawn" if self.withdrawn else ""
        where = "CSV line" if self.in_csv else "line"
        return f"{what} '{self.name}' ({where} {self.line}{status})"


def look_key(name: str) -> str:
    """The identity key of what a name looks like (see `textsafety.skeleton`)."""
    from ..textsafety import skeleton

    return identity_key(skeleton(name))


def _thresholds() -> tuple[int, int]:
    from ..checks.validate import FUZZY_THRESHOLD, FUZZY_WINDOW

    return FUZZY_THRESHOLD, FUZZY_WINDOW


class NameIndex:
    """The names of a roster under the validator's matching rules, for checks at the door.

    Exact: `identity_key` (case, accents, punctuation, spacing, a parenthesised part). Acronym:
    one name is the other's acronym in parentheses (`acronym_of`). Similar: rapidfuzz ratio of
    the identity keys at the validator's threshold.
    """

    def __init__(self, names: list[str], lines: Callable[[int], int],
                 withdrawn: Callable[[int], bool] = lambda i: False):
        self.names = names
        self.keys = identity_keys(names)
        self.exact: dict[str, int] = {}
        for i, k in enumerate(self.keys):
            self.exact.setdefault(k, i)
        self.acronyms: dict[str, int] = {}
        for i, n in enumerate(names):
            if "(" in n and (a := acronym_of(n)):
                self.acronyms.setdefault(a, i)
        self._line = lines
        self._withdrawn = withdrawn
        # What each name looks like (invisible characters dropped, Cyrillic and Greek
        # look-alikes made Latin): "Humаn Rights Watch" with a Cyrillic "а" is caught.
        from ..textsafety import skeleton

        foreign = [i for i, n in enumerate(names) if not n.isascii()]
        looks = dict(zip(foreign, identity_keys([skeleton(names[i]) for i in foreign]),
                         strict=True))  # look_key of each, at once
        self.looks: dict[str, int] = {}
        for i in range(len(names)):
            self.looks.setdefault(looks.get(i, self.keys[i]), i)

    def _match(self, i: int, how: str, score: float = 100.0) -> Match:
        return Match(self.names[i], self._line(i), how, self._withdrawn(i), score)

    def exact_match(self, name: str) -> Match | None:
        i = self.exact.get(identity_key(name))
        return None if i is None else self._match(i, "same")

    def similar(self, name: str, exclude: int | None = None) -> list[Match]:
        """Acronym and fuzzy matches of one name against every entry (one C-speed pass)."""
        from rapidfuzz import fuzz, process

        threshold, _ = _thresholds()
        key = identity_key(name)
        found: dict[int, Match] = {}
        if (i := self.acronyms.get(key)) is not None and i != exclude:
            found[i] = self._match(i, "acronym")
        if (a := acronym_of(name)) and (i := self.exact.get(a)) is not None and i != exclude:
            found[i] = self._match(i, "acronym")
        look = key if name.isascii() else look_key(name)
        if (i := self.looks.get(look)) is not None and i != exclude and self.keys[i] != key:
            found[i] = self._match(i, "lookalike")
        for _, score, i in process.extract(key, self.keys, scorer=fuzz.ratio, limit=5,
                                           score_cutoff=threshold):
            if i not in found and i != exclude and self.keys[i] != key \
                    and not numbers_differ(key, self.keys[i]):
                found[i] = self._match(i, "similar", score)
        return list(found.values())


def similar_pairs(keys: list[str], only: Iterable[int], threshold: int, window: int
                  ) -> dict[int, tuple[int, float]]:
    """For each index in `only`, the most similar other key among its neighbours.

    Like the validator's scan: keys are sorted as written and reversed, and each is compared
    with `window` neighbours on each side — typos anywhere in a name are found without
    comparing all pairs.
    """
    from rapidfuzz import fuzz

    wanted = set(only)
    best: dict[int, tuple[int, float]] = {}
    for order in (sorted(range(len(keys)), key=lambda i: keys[i]),
                  sorted(range(len(keys)), key=lambda i: keys[i][::-1])):
        where = {i: p for p, i in enumerate(order) if i in wanted}
        for i, p in where.items():
            for j in order[max(0, p - window): p + window + 1]:
                if j == i or keys[j] == keys[i]:
                    continue
                score = fuzz.ratio(keys[i], keys[j], score_cutoff=threshold)
                if score and score > best.get(i, (None, 0.0))[1] \
                        and not numbers_differ(keys[i], keys[j]):
                    best[i] = (j, score)
    return best


# --- opening a roster for an edit --------------------------------------------------------------

class _Open:
    """A roster read for an edit: its text, its index and the letter's fingerprint."""

    def __init__(self, paths: Paths, fields: tuple[str, ...] = ()):
        self.paths = paths
        text = _read(paths.roster)
        self.exists = text is not None
        self.text = text if text is not None else ROSTER_HEADER + "signatories:\n"
        self.doc = RosterText(self.text, paths.roster.name)
        if fields:
            _extra_values(self.doc, fields)

    def names(self) -> NameIndex:
        entries = self.doc.entries
        return NameIndex([str(e.name) for e in entries],
                         lambda i: self.doc.line_of(entries[i].item),
                         lambda i: _entry_value(self.doc, i, "status") == "withdrawn")

    def find(self, name: str) -> int:
        """The index of the entry called `name` (exactly, else by identity); else an error."""
        if not self.exists:
            raise RosterError(f"{self.paths.roster.name} does not exist yet; nobody has signed")
        entries = self.doc.entries
        for i, e in enumerate(entries):
            if e.name == name:
                return i
        key = identity_key(name)
        hits = [i for i, e in enumerate(entries) if identity_key(str(e.name)) == key]
        if len(hits) == 1:
            return hits[0]
        index = self.names()
        close = index.similar(name)
        hint = "; did you mean " + " or ".join(
            f"'{m.name}' (line {m.line})" for m in close[:3]) + "?" if close else ""
        raise RosterError(f"no signatory '{name}' in {self.paths.roster.name}{hint}")

    def write(self, text: str, private: str | None = None) -> None:
        """Write the roster, and the private contacts file when `private` is given: both
        change or neither does (rosterfile.write_together)."""
        if self.doc.parsed:
            rosterfile.check_parses(text, self.paths.roster.name)
        writes = [(self.paths.roster, text, None)]
        if private is not None:
            writes.insert(0, (self.paths.private, private, 0o600))
        rosterfile.write_together(self.paths.roster, writes)


def _extra_values(doc: RosterText, fields: tuple[str, ...]) -> None:
    """Fill `entry.values` with more fields (signed_on, status…) in one regex pass."""
    if doc.parsed:
        for e in doc.entries:
            e.values.update({k: e.raw[k] for k in fields if k in e.raw})
        return
    pattern = re.compile(r"^(  - |    )(" + "|".join(map(re.escape, fields))
                         + r"):(?: (.*?))? *(?=\r?$)", re.M)
    items = [e.item for e in doc.entries]
    import bisect

    from ..format.yamlio import _scalar
    for m in pattern.finditer(doc.text, items[0] if items else len(doc.text)):
        i = bisect.bisect_right(items, m.start()) - 1
        doc.entries[i].values.setdefault(m.group(2), _scalar(m.group(3)))


def _entry_value(doc: RosterText, i: int, key: str):
    values = doc.entries[i].values
    if key not in values:
        values[key] = doc.values_of(i).get(key)
    return values[key]


def _current_as_of(doc: RosterText) -> dt.date | None:
    raw = doc.top.get("as_of", (0, 0, None))[2]
    try:
        return dt.date.fromisoformat(raw.split(" #")[0].strip()) if raw else None
    except ValueError:
        return None


# --- private contacts --------------------------------------------------------------------------

def _private_changes(paths: Paths, changes: dict[str, dict | None],
                     renames: dict[str, str] | None = None, text: str | None = None
                     ) -> str | None:
    """The private contacts file (or `text`) with per-name changes applied (None removes a
    person), to be written with the roster (`_Open.write`); None when nothing changes."""
    if not changes and not renames:
        return text
    text = text if text is not None else _read(paths.private)
    if text is None:
        if not any(changes.values()):
            return None
        text = PRIVATE_HEADER.format(slug=paths.slug) + "signatories:\n"
    doc = RosterText(text, paths.private.name)
    for old, new in (renames or {}).items():
        for i, e in enumerate(doc.entries):
            if e.name == old:
                text = rosterfile.update_entry(doc, i, {"name": new})
                doc = RosterText(text, paths.private.name)
                break
    appended: list[dict] = []
    for name, fields_ in changes.items():
        index = next((i for i, e in enumerate(doc.entries) if e.name == name), None)
        if index is None:
            if fields_:
                appended.append({"name": name, **{k: v for k, v in fields_.items() if v}})
            continue
        if fields_ is None:
            text = rosterfile.remove_entry(doc, index)
        else:
            text = rosterfile.update_entry(doc, index, fields_)
        doc = RosterText(text, paths.private.name)
    if appended:
        blocks = "\n".join(rosterfile.format_entry(a) for a in appended)
        if doc.entries:
            end = doc.end_of(len(doc.entries) - 1)
            text = text[:end] + "\n" + blocks + text[end:]
        else:
            text = text if text.endswith("\n") else text + "\n"
            text += blocks
    return text


def private_contacts(paths: Paths) -> dict[str, dict]:
    """Name → private fields (email, consent) from the private contacts file."""
    text = _read(paths.private)
    if text is None:
        return {}
    doc = RosterText(text, paths.private.name)
    return {str(e.name): doc.values_of(i) for i, e in enumerate(doc.entries)}


# --- add ---------------------------------------------------------------------------------------

@dataclass
class AddResult:
    signatory: Signatory
    line: int
    as_of: dt.date | None
    roster: Path
    warnings: list[str] = field(default_factory=list)


def add_signatory(letter: Path, sig: Signatory, *, email: str | None = None,
                  force: bool = False, today: dt.date,
                  check_deliverability: bool = False) -> AddResult:
    """Add one signatory at its sorted place, keep `as_of` true, record the endorsed text.

    Refuses (RosterError, nothing written) a bad e-mail, a future date, an invalid field, and
    a likely duplicate unless `force`. The e-mail goes to the private contacts file.
    """
    paths = Paths.of(letter)
    sig.kind = kind_of(sig.kind)
    sig.signed_on = parse_day(sig.signed_on or today, today, "signed_on")
    check_signatory(sig)
    if email:
        email = normalise_email(email, check_deliverability)
    prints = Fingerprints(letter)
    sig.lang = prints.language(sig.lang)
    sig.endorsed = sig.endorsed or prints.of(sig.lang)
    warnings = []
    with locked(paths.roster):
        roster = _Open(paths)
        index = roster.names()
        same = index.exact_match(sig.name)
        if same and same.withdrawn and not force:
            raise RosterError(f"'{sig.name}' {same.describe()}; to record that they signed "
                              "again use `undersigned sign update LETTER NAME --status "
                              "confirmed`, or add with --force")
        if same and not force:
            raise RosterError(f"'{sig.name}' {same.describe()}; nothing added (use --force "
                              "to add it anyway)")
        similar = index.similar(sig.name)
        if similar and not force:
            raise RosterError(f"'{sig.name}' " + "; ".join(m.describe() for m in similar)
                              + "; nothing added (use --force if it is a different signatory)")
        if same or similar:
            warnings = [f"added despite: {m.describe()}" for m in [same, *similar] if m]
        text = rosterfile.insert_entries(roster.doc, [sig])
        days = [sig.signed_on] if sig.status == "confirmed" else []
        if _current_as_of(roster.doc) is None and not days:
            days = [today]
        text = _raise_as_of(roster.doc, text, days)
        as_of = max([d for d in (_current_as_of(roster.doc), *days) if d], default=None)
        private = None
        if sig.name in private_contacts(paths) and \
                not any(e.name == sig.name for e in roster.doc.entries):
            # contacts left by a write that an older version did not finish: they are not
            # this signatory's, so they go rather than be picked up silently
            private = _private_changes(paths, {sig.name: None})
            warnings.append(f"removed private contacts of '{sig.name}' that no roster entry "
                            "had (left by an interrupted command)")
        if email:
            private = _private_changes(paths, {sig.name: {"email": email}}, text=private)
        roster.write(text, private)
    line = _line_of_name(text, sig.name)
    return AddResult(sig, line, as_of, paths.roster, warnings)


def _line_of_name(text: str, name: str) -> int:
    needle = f"  - name: {rosterfile.format_scalar(name)}"
    at = text.find(needle + "\n")
    if at < 0:
        at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


# --- withdraw, update, reconfirm ---------------------------------------------------------------

def withdraw_signatory(letter: Path, name: str, *, on: dt.date | str | None = None,
                       reason: str | None = None, today: dt.date) -> Signatory:
    """Mark a signatory withdrawn (kept, never printed) with the date and an optional reason."""
    paths = Paths.of(letter)
    day = parse_day(on or today, today, "withdrawal date")
    if reason and ("\n" in reason or "\r" in reason):
        raise RosterError("the reason spans several lines; write it on one line")
    if reason and (bad := _control_characters(reason)):  # as `add` refuses them in any field
        raise RosterError(f"the reason '{visible(reason)}' holds {bad}; retype it without them")
    with locked(paths.roster):
        roster = _Open(paths, ("signed_on", "status"))
        i = roster.find(name)
        entry = roster.doc.entries[i]
        if entry.values.get("status") == "withdrawn":
            raise RosterError(f"'{entry.name}' is already withdrawn")
        signed = entry.values.get("signed_on")
        if isinstance(signed, str) and signed > day.isoformat():
            raise RosterError(f"'{entry.name}' signed on {signed}, after the withdrawal date "
                              f"{day}; check the date")
        text = rosterfile.update_entry(roster.doc, i, {
            "status": "withdrawn", "withdrawn_on": day, "withdrawal_reason": reason or None})
        # as_of stays: the withdrawn entry's signing date still counts for the validator.
        roster.write(text)
    return Signatory(name=str(entry.name), kind=str(entry.kind), signed_on=None,
                     status="withdrawn", withdrawn_on=day, withdrawal_reason=reason)


@dataclass
class Erased:
    """What `erase_signatory` removed, and where else the workspace names the same signatory."""

    name: str
    line: int  # where the entry was
    roster: Path
    private: bool  # an entry of the private contacts file went too
    elsewhere: list[tuple[Path, int, str]] = field(default_factory=list)  # (file, line, name)


def erase_signatory(letter: Path, name: str) -> Erased:
    """Remove a signatory completely: the entry with the comment lines above it, and their
    private contacts. Unlike `withdraw_signatory`, nothing of them stays in the current files
    (git history still has them: docs/privacy.md says what to do about that).

    `as_of` stays: it may now be later than needed, which is allowed. The roster and the
    private file change together (`_Open.write`). Private contacts that no roster entry has
    (left by an interrupted command of an older version) are erased too.
    """
    paths = Paths.of(letter)
    with locked(paths.roster):
        roster = _Open(paths)
        contacts = private_contacts(paths)
        if name in contacts and roster.exists and \
                not any(e.name == name for e in roster.doc.entries):
            write_atomic(paths.private, _private_changes(paths, {name: None}), mode=0o600)
            return Erased(name, 0, paths.private, True, _named_elsewhere(paths, name))
        i = roster.find(name)
        entry = roster.doc.entries[i]
        found = str(entry.name)
        line = roster.doc.line_of(entry.item)
        text = rosterfile.remove_entry(roster.doc, i)
        private = found in contacts
        roster.write(text, _private_changes(paths, {found: None}) if private else None)
    return Erased(found, line, paths.roster, private, _named_elsewhere(paths, found))


def _named_elsewhere(paths: Paths, name: str) -> list[tuple[Path, int, str]]:
    """Entries of the workspace's other rosters and private files for the same signatory."""
    key = identity_key(name)
    out = []
    for other in sorted(paths.roster.parent.glob("*.yaml")):
        if other == paths.roster or other == paths.private:
            continue
        text = _read(other)
        if text is None:
            continue
        try:
            doc = RosterText(text, other.name)
            entries = doc.entries
        except RosterError:  # a file that is not a roster names nobody
            continue
        out += [(other, doc.line_of(e.item), str(e.name)) for e in entries
                if identity_key(str(e.name)) == key]
    return out


def _raise_as_of(doc: RosterText, text: str, days: Iterable[dt.date]) -> str:
    """Move as_of forward to the latest of `days` (new confirmed signing dates), never back.

    Never moving it back keeps it valid after a withdrawal or a corrected date: the validator
    wants it no earlier than any signing date and no later than today.
    """
    current = _current_as_of(doc)
    latest = max(days, default=None)
    if latest is None or (current is not None and latest <= current):
        return text
    return rosterfile.set_top(text, "as_of", latest, doc.newline)


UPDATABLE = ("name", "kind", "title", "sort_as", "country", "signed_on", "status", "named",
             "via")


def update_signatory(letter: Path, name: str, changes: dict, *, email: str | None = None,
                     force: bool = False, today: dt.date,
                     check_deliverability: bool = False) -> Signatory:
    """Change fields of one signatory; a value of "" removes an optional field.

    A new name is checked for duplicates like `add`; a change of name, kind or sort key moves
    the entry to its sorted place.
    """
    paths = Paths.of(letter)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise RosterError(f"cannot update {', '.join(sorted(unknown))}; fields: "
                          + ", ".join(UPDATABLE))
    changes = {k: (None if v == "" else v) for k, v in changes.items()}
    if "kind" in changes:
        changes["kind"] = kind_of(changes["kind"] or "")
    if changes.get("signed_on") is not None:
        changes["signed_on"] = parse_day(changes["signed_on"], today, "signed_on")
    if changes.get("status") is not None and changes["status"] not in STATUSES:
        raise RosterError(f"status '{changes['status']}' is not one of: {', '.join(STATUSES)}")
    if changes.get("status") in ("confirmed", "pending"):
        changes.setdefault("withdrawn_on", None)
        changes.setdefault("withdrawal_reason", None)
    if changes.get("status") == "withdrawn":
        changes.setdefault("withdrawn_on", today)
    if email:
        email = normalise_email(email, check_deliverability)
    with locked(paths.roster):
        roster = _Open(paths, ("signed_on", "status"))
        i = roster.find(name)
        doc = roster.doc
        old = doc.values_of(i)
        new_values = {**old, **{k: v for k, v in changes.items()}}
        new_values = {k: v for k, v in new_values.items() if v is not None}
        probe = Signatory(name=str(new_values.get("name")), kind=str(new_values.get("kind")),
                          signed_on=None, status=str(new_values.get("status", "confirmed")))
        for k in ("title", "sort_as", "country", "via"):
            if isinstance(new_values.get(k), str):
                setattr(probe, k, new_values[k])
        check_signatory(probe)
        if "name" in changes and changes["name"] != old.get("name") and not force:
            index = roster.names()
            hit = index.exact_match(changes["name"])
            if hit and index.exact.get(identity_key(changes["name"])) != i:
                raise RosterError(f"'{changes['name']}' {hit.describe()}; not renamed "
                                  "(use --force)")
            close = index.similar(changes["name"], exclude=i)
            if close:
                raise RosterError(f"'{changes['name']}' " + "; ".join(m.describe() for m in
                                  close) + "; not renamed (use --force)")
        moves = any(k in changes and changes[k] != old.get(k) for k in ("name", "kind",
                                                                         "sort_as"))
        text = rosterfile.update_entry(doc, i, changes)
        if moves:  # carry the entry, its comments included, to its new sorted place
            edited = RosterText(text, paths.roster.name)
            chunk = text[edited.start_of(i):edited.end_of(i)]
            rest = RosterText(rosterfile.remove_entry(edited, i), paths.roster.name)
            sig = Signatory(name=str(new_values["name"]), kind=str(new_values["kind"]),
                            signed_on=None, sort_as=new_values.get("sort_as"))
            text = rosterfile.insert_entries(rest, [sig], [chunk.rstrip("\r\n") + "\n"])
        day = new_values.get("signed_on")
        if isinstance(day, str):
            day = dt.date.fromisoformat(day) if re.fullmatch(r"\d{4}-\d\d-\d\d", day) else None
        if new_values.get("status", "confirmed") == "confirmed" and day:
            text = _raise_as_of(doc, text, [day])
        renames = {old["name"]: changes["name"]} if "name" in changes else None
        private = None
        if email or renames:
            private = _private_changes(
                paths, {new_values["name"]: {"email": email}} if email else {}, renames)
        roster.write(text, private)
    return probe


def reconfirm(letter: Path, names: list[str], *, all_stale: bool = False,
              today: dt.date) -> list[str]:
    """Record that signatories endorsed the current text (after they confirmed it)."""
    paths = Paths.of(letter)
    prints = Fingerprints(letter)
    done: list[str] = []
    with locked(paths.roster):
        roster = _Open(paths, ("endorsed", "status", "lang"))
        doc = roster.doc

        def current(i: int) -> str:  # the text in the language this signatory read
            return prints.of(doc.entries[i].values.get("lang"))

        targets = [roster.find(n) for n in names]
        if all_stale:
            targets += [i for i, e in enumerate(doc.entries)
                        if e.values.get("endorsed") not in (None, current(i))
                        and e.values.get("status") != "withdrawn"]
        text = doc.text
        for i in sorted(set(targets), reverse=True):  # from the end: offsets stay valid
            doc.text = text
            text = rosterfile.update_entry(doc, i, {"endorsed": current(i)})
            done.append(str(doc.entries[i].name))
        if done:
            roster.write(text)
    return sorted(done)


# --- list --------------------------------------------------------------------------------------

@dataclass
class Listing:
    signatories: list[Signatory]
    stale: set[int]  # ids of the signatories who endorsed an earlier text
    counts: dict[str, int]
    lang: str = ""  # the letter's language
    stale_by_lang: dict[str, int] = field(default_factory=dict)  # stale signatories per language


def list_signatories(letter: Path, *, status: str | None = None, kind: str | None = None,
                     stale: bool = False) -> Listing:
    """The roster's entries (filtered), who endorsed an earlier text, and counts."""
    paths = Paths.of(letter)
    if not paths.roster.exists():
        return Listing([], set(), _counts([]))
    roster, problems = load_roster(paths.roster, paths.roster.name)
    errors = [p for p in problems if p.severity.value == "error"]
    if roster is None:
        raise RosterError("\n".join(p.format() for p in errors))
    prints = Fingerprints(letter)
    stale_ids = {id(s) for s in roster.signatories
                 if s.endorsed and s.status != "withdrawn" and _stale(prints, s)}
    chosen = [s for s in roster.signatories
              if (status is None or s.status == status)
              and (kind is None or s.kind == kind_of(kind))
              and (not stale or id(s) in stale_ids)]
    by_lang: dict[str, int] = {}
    for s in roster.signatories:
        if id(s) in stale_ids:
            lang = s.lang or (prints.letter.lang if prints.letter else "")
            by_lang[lang] = by_lang.get(lang, 0) + 1
    return Listing(chosen, stale_ids, _counts(chosen),
                   prints.letter.lang if prints.letter else "", dict(sorted(by_lang.items())))


def _stale(prints: Fingerprints, s: Signatory) -> bool:
    try:
        return s.endorsed != prints.of(s.lang)
    except RosterError:  # a language the letter has no (readable) translation for
        return True


def _counts(sigs: list[Signatory]) -> dict[str, int]:
    counts = {"total": len(sigs)}
    for st in STATUSES:
        counts[st] = sum(s.status == st for s in sigs)
    for k in SIGNATORY_KINDS:
        counts[k] = sum(s.kind == k for s in sigs)
    live = [s for s in sigs if s.status == "confirmed"]
    counts["named"] = sum(s.named for s in live)
    counts["unnamed"] = sum(not s.named for s in live)
    return counts


def signatory_record(s: Signatory, stale: bool = False) -> dict:
    """A signatory as a JSON/CSV record (public fields only: never the e-mail)."""
    return {
        "name": s.name, "kind": s.kind, "status": s.status,
        "signed_on": s.signed_on.isoformat() if s.signed_on else None,
        "title": s.title, "sort_as": s.sort_as, "country": s.country, "named": s.named,
        "withdrawn_on": s.withdrawn_on.isoformat() if s.withdrawn_on else None,
        "withdrawal_reason": s.withdrawal_reason, "via": s.via, "lang": s.lang,
        "endorsed": s.endorsed,
        "stale": stale, "line": s.pos.line,
    }


# --- CSV import ---------------------------------------------------------------------------------

# Column headers of common sign-on forms (folded: lower case, no punctuation) → our fields.
HEADER_FIELDS = {
    "name": ("name", "full name", "your name", "your full name", "signatory", "signatory name",
             "name of signatory", "individual name", "name as it should appear"),
    "first_name": ("first name", "given name", "firstname"),
    "last_name": ("last name", "surname", "family name", "lastname"),
    "organization": ("organization", "organisation", "organization name", "organisation name",
                     "name of organization", "name of organisation", "org name", "group name"),
    "kind": ("kind", "type", "signatory type", "signing as", "i am signing as"),
    "title": ("title", "affiliation", "title affiliation", "title and affiliation", "position",
              "job title", "role", "title organization", "title organisation"),
    "country": ("country", "country region", "country of residence", "country code"),
    "email": ("email", "email address", "e mail", "e mail address", "your email",
              "your email address"),
    "signed_on": ("timestamp", "completion time", "date", "signed on", "date signed",
                  "submitted at", "submission date", "created at"),
    "sort_as": ("sort as", "sort key"),
    "lang": ("lang", "language", "language read", "language of the text", "version read",
             "which version did you read"),
}
TARGETS = (*HEADER_FIELDS, "named", "anonymous", "ignore")
_ALIAS = {alias: target for target, aliases in HEADER_FIELDS.items() for alias in aliases}
_YES = {"yes", "y", "true", "1", "agree", "i agree", "ok", "x"}
_NO = {"no", "n", "false", "0", "disagree", "do not", "dont", "don t"}


def guess_target(header: str) -> str | None:
    """The field a form's column header most likely holds, or None."""
    key = fold(header)
    if key in _ALIAS:
        return _ALIAS[key]
    if "anonym" in key:
        return "anonymous"
    if "publish" in key or ("name" in key and re.search(r"\b(public|display|listed|appear|"
                                                        r"show|include)\b", key)):
        return "named"
    if "individual" in key and ("organization" in key or "organisation" in key):
        return "kind"
    if key.startswith(("organization", "organisation", "name of your organ")):
        return "organization"
    if key.startswith(("title", "affiliation", "position", "role")):
        return "title"
    if "email" in key or "e mail" in key:
        return "email"
    return None


def parse_map_specs(specs: Iterable[str], base: Path) -> tuple[dict[str, str], bool]:
    """`--map` values: "Column=field" (field '' or 'ignore' skips it), or a mapping file.

    A mapping file is YAML: `Column: field` lines (and `dayfirst: true`).
    """
    from ..errors import LoadError
    from ..format.yamlio import parse_yaml, read_text

    out: dict[str, str] = {}
    dayfirst = False
    for spec in specs:
        if "=" not in spec:
            path = Path(spec) if Path(spec).is_absolute() else base / spec
            if not path.is_file():
                raise RosterError(f"--map '{spec}': write 'Column=field', or give a mapping "
                                  "file (YAML lines 'Column: field')")
            try:
                data = parse_yaml(read_text(path, spec, inside=False), spec)
            except LoadError as e:
                raise RosterError(str(e)) from None
            if not isinstance(data, dict):
                raise RosterError(f"{spec}: a mapping file holds 'Column: field' lines")
            for column, target in data.items():
                if column == "dayfirst":
                    dayfirst = target is True
                    continue
                out[str(column)] = _target(str(target) if target is not None else "", spec)
            continue
        column, _, target = spec.rpartition("=")
        target = target.strip()
        if target.lower() == "signed_on:dmy":
            dayfirst, target = True, "signed_on"
        out[column.strip()] = _target(target, f"--map '{spec}'")
    return out, dayfirst


def _target(target: str, where: str) -> str:
    target = target.strip() or "ignore"
    if target == "organisation":
        target = "organization"
    if target not in TARGETS:
        raise RosterError(f"{where}: '{target}' is not a field; use one of: {', '.join(TARGETS)}")
    return target


def read_csv(path: Path, display: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and rows (with the line each starts on) of a form export.

    UTF-8 (with or without the BOM Excel writes) and UTF-16 with a BOM (Excel's "Unicode
    text", tab-separated) are read; any other encoding is refused, naming the line.
    """
    from ..fileio import FileAccessError, read_file

    try:  # the one read path: a FIFO or /dev/zero is refused, the size is capped
        data = read_file(path)
    except FileAccessError as e:
        raise RosterError(f"{display}: {e.message}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise RosterError(
                f"{display}: the file is marked as UTF-16 but byte {e.start} is not ({e.reason}): "
                "it is cut short or damaged; export it again, as 'CSV UTF-8'") from None
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if (nul := data.find(b"\x00")) >= 0:
            line = data.count(b"\n", 0, nul) + 1
            raise RosterError(
                f"{display}:{line}: the file holds NUL bytes: it is "
                "UTF-16 without a byte-order mark, or not a CSV file at all; export the sheet "
                "as 'CSV UTF-8' (Excel: Save As → CSV UTF-8) and retry")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data.count(b"\n", 0, e.start) + 1
            raise RosterError(
                f"{display}:{line}: byte 0x{data[e.start]:02x} is not UTF-8; export the "
                "sheet as 'CSV UTF-8' (Excel: Save As → CSV UTF-8) and retry") from None
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max(("\t", ",", ";"), key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if header is None:
                header = [h.strip() for h in row]
                continue
            if row:  # a blank line is no row; a row of empty cells is (it is reported)
                rows.append((start, row))
    except csv.Error as e:
        raise RosterError(f"{display}:{reader.line_num}: {e}") from None
    if not header or not any(header):
        raise RosterError(f"{display}: the file is empty; export the form's responses with "
                          "their header row")
    return header, rows


@dataclass
class Candidate:
    line: int
    signatory: Signatory
    email: str | None = None
    consent: str | None = None


@dataclass
class RowProblem:
    line: int
    column: str | None
    message: str

    def format(self, display: str) -> str:
        where = f" column '{self.column}':" if self.column else ""
        return f"{display}:{self.line}:{where} {self.message}"


@dataclass
class ImportReport:
    csv: str
    mapping: dict[str, str]
    new: list[Candidate] = field(default_factory=list)
    present: list[tuple[Candidate, Match]] = field(default_factory=list)
    suspected: list[tuple[Candidate, Match]] = field(default_factory=list)
    invalid: list[RowProblem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    written: bool = False
    # rows that repeat an earlier row of the same file (the earlier one is imported)
    repeated: list[tuple[Candidate, Match]] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)  # lines of rows whose cells are all empty
    dates: dict[str, str] = field(default_factory=dict)  # date column → 'dmy' or 'mdy'

    @property
    def unpublished(self) -> list[Candidate]:
        """New rows whose signatory did not agree to be named: counted, never printed."""
        return [c for c in self.new if not c.signatory.named]
    # with `update`: present rows whose answers changed, and the changes (field: (old, new))
    updated: list[tuple[Candidate, Match, dict[str, tuple]]] = field(default_factory=list)


def _resolve_mapping(header: list[str], given: dict[str, str], display: str) -> dict[str, str]:
    """Column → field for every column used; checks that named columns exist."""
    missing = [c for c in given if c not in header]
    if missing:
        raise RosterError(f"{display}: no column {', '.join(repr(c) for c in missing)}; the "
                          f"columns are: {', '.join(repr(h) for h in header)}")
    mapping: dict[str, str] = {}
    chosen = {t for t in given.values() if t != "ignore"}
    for column in header:
        if column in given:
            target = given[column]
        else:
            target = guess_target(column)
            if target in chosen:
                continue  # --map chose another column for this field
        if target and target != "ignore":
            mapping[column] = target
    targets = set(mapping.values())
    if not ({"name", "organization"} & targets or {"first_name", "last_name"} <= targets
            or "first_name" in targets):
        raise RosterError(
            f"{display}: no column holds the signatory's name (columns: "
            f"{', '.join(repr(h) for h in header)}); map one with --map 'Column=name'")
    return mapping


_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\b")
DATE_ORDERS = ("dmy", "mdy")


def _parse_form_date(value: str, order: str) -> dt.date:
    """A form's date: ISO (YYYY-MM-DD, with a time or not), or day and month in `order`."""
    value = value.strip()
    m = re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", value)
    if m:
        y, mo, d = map(int, m.groups())
        return dt.date(y, mo, d)
    m = _NUMERIC_DATE.match(value)
    if m:
        a, b, y = map(int, m.groups())
        y = y + 2000 if y < 100 else y
        return dt.date(y, b, a) if order == "dmy" else dt.date(y, a, b)
    raise ValueError


def date_orders(header: list[str], rows: list[tuple[int, list[str]]],
                mapping: dict[str, str], given: str | None, display: str) -> dict[str, str]:
    """The order of day and month in each date column, decided once for the whole column.

    A row such as 13/03/2024 decides day first, 03/13/2024 month first. A column with rows
    of both kinds, or with only rows that read both ways (03/04/2024), is refused — unless
    `given` ('dmy' or 'mdy', the --dates option) says: reading row by row would put some
    signatures in the wrong month without a word.
    """
    orders: dict[str, str] = {}
    for i, column in enumerate(header):
        if mapping.get(column) != "signed_on":
            continue
        if given:
            orders[column] = given
            continue
        seen: dict[str, tuple[int, str]] = {}  # order → (line, value) of the first row deciding
        ambiguous: tuple[int, str] | None = None
        for line, row in rows:
            m = _NUMERIC_DATE.match(row[i].strip()) if i < len(row) else None
            if not m:
                continue
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12 >= b:
                seen.setdefault("dmy", (line, m.group()))
            elif b > 12 >= a:
                seen.setdefault("mdy", (line, m.group()))
            elif a != b and a <= 12 and b <= 12:
                ambiguous = ambiguous or (line, m.group())
        if len(seen) == 2:
            (dl, dv), (ml, mv) = seen["dmy"], seen["mdy"]
            raise RosterError(
                f"{display}: column '{column}' has dates day first ({dv}, line {dl}) and month "
                f"first ({mv}, line {ml}); correct the rows, or say how to read the column "
                "with --dates dmy (day first) or --dates mdy (month first)")
        if seen:
            orders[column] = next(iter(seen))
        elif ambiguous:
            line, value = ambiguous
            raise RosterError(
                f"{display}: column '{column}': dates such as {value} (line {line}) read both "
                "as day first and as month first, and no row decides; give --dates dmy (day "
                "first) or --dates mdy (month first)")
        else:
            orders[column] = "mdy"  # no date with a day and a month that could be swapped
    return orders


def _consent(value: str, inverted: bool) -> bool | None:
    key = fold(value)
    words = key.split(" ")
    if key in _YES or words[0] in _YES:
        answer = True
    elif key in _NO or words[0] in _NO or key.startswith(("do not", "don t", "please do not")):
        answer = False
    else:
        return None
    return not answer if inverted else answer


def _row_candidate(line: int, row: list[str], header: list[str], mapping: dict[str, str],
                   orders: dict[str, str], today: dt.date, via: str, endorsed: Fingerprints,
                   check_deliverability: bool) -> tuple[Candidate | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    if len(row) < len(header):
        missing = header[len(row):]
        return None, [RowProblem(line, missing[0], f"the row has {len(row)} cells but the header "
                                 f"has {len(header)}; the row is cut short")]
    if any(c.strip() for c in row[len(header):]):
        return None, [RowProblem(line, None, f"the row has {len(row)} cells but the header has "
                                 f"{len(header)}; a value probably holds an unquoted comma or "
                                 "semicolon, so the cells are shifted — quote it, or export "
                                 "again")]
    # Several columns may feed one field (Microsoft Forms' account "Name" and a "Full name"
    # question): the first that is filled in wins.
    value: dict[str, str] = {}
    column: dict[str, str] = {}
    for i, h in enumerate(header):
        if h in mapping and (cell := from_spreadsheet(row[i].strip())) and mapping[h] not in value:
            value[mapping[h]], column[mapping[h]] = cell, h
    for h, t in mapping.items():
        column.setdefault(t, h)
        if t in ("named", "anonymous"):
            value.setdefault(t, "")
    person = value.get("name") or " ".join(
        p for p in (value.get("first_name"), value.get("last_name")) if p)
    org = value.get("organization") or ""
    if value.get("kind"):
        k = fold(value["kind"])
        if "organi" in k or k in ("org", "group"):
            kind = "organization"
        elif "individ" in k or "person" in k or "myself" in k or k == "me":
            kind = "individual"
        else:
            problems.append(RowProblem(line, column["kind"], f"'{value['kind']}' is neither "
                                       "an individual nor an organization"))
            kind = "individual"
    else:
        kind = "organization" if org and not person else "individual"
    title = value.get("title") or None
    if kind == "organization":
        name = org or person
    else:
        name = person
        if org and not title:
            title = org
    where = column.get("name") or column.get("organization") or column.get("first_name")
    if not name:
        problems.append(RowProblem(line, where, "the name is empty"))
    elif formula_like(name):
        problems.append(RowProblem(line, where, f"the name '{visible(name[:40])}' is a "
                                   "spreadsheet formula, not a name; check the row"))
    signed_on = today
    if value.get("signed_on"):
        try:
            signed_on = _parse_form_date(value["signed_on"],
                                         orders.get(column["signed_on"], "mdy"))
        except ValueError:
            problems.append(RowProblem(line, column["signed_on"], f"'{value['signed_on']}' is "
                                       "not a date (write YYYY-MM-DD)"))
        else:
            if signed_on > today:
                problems.append(RowProblem(line, column["signed_on"], f"{signed_on} is in the "
                                           "future"))
    email = value.get("email") or None
    if email and email.lower() in ("anonymous", "anonyme"):
        email = None  # Microsoft Forms' answer for anonymous responses
    if email:
        try:
            email = normalise_email(email, check_deliverability)
        except RosterError as e:
            problems.append(RowProblem(line, column["email"], str(e)))
    named = True
    consent = None
    for target in ("named", "anonymous"):
        if target in value:
            answer = _consent(value[target], target == "anonymous") if value[target] else False
            if answer is None:
                problems.append(RowProblem(line, column[target], f"'{value[target]}' is not a "
                                           "yes or no answer"))
            else:
                named = answer
                consent = f"{column[target]}: {value[target] or '(no answer)'} ({via})"
    lang, fingerprint_read = None, None
    try:
        lang = endorsed.language(value.get("lang"))
        fingerprint_read = endorsed.of(lang)
    except RosterError as e:
        problems.append(RowProblem(line, column.get("lang"), str(e)))
    sig = Signatory(name=name, kind=kind, signed_on=signed_on, title=title,
                    sort_as=value.get("sort_as") or None, country=value.get("country") or None,
                    named=named, via=via, lang=lang, endorsed=fingerprint_read)
    if not problems:
        try:
            check_signatory(sig)
        except RosterError as e:
            problems.append(RowProblem(line, None, str(e)))
    return (None if problems else Candidate(line, sig, email, consent)), problems


def import_csv(letter: Path, csv_path: Path, *, maps: Iterable[str] = (), dry_run: bool = False,
               force: bool = False, today: dt.date, cwd: Path | None = None,
               check_deliverability: bool = False,
               progress: Callable[[int], None] | None = None,
               update: bool = False, skip_invalid: bool = False,
               dates: str | None = None) -> ImportReport:
    """Import a sign-on form's CSV export: new rows are added, the rest reported.

    Rows already in the roster (same name after normalisation) are skipped, so importing the
    same file twice adds nothing — unless `update`: then the answers a present row gives
    (title, country, consent to be named, e-mail) replace the roster's where they differ, a
    later row of the same person winning; an empty answer changes nothing, and the name,
    kind, sort key, signing date and status are never touched. Suspected duplicates are skipped
    unless `force`. Any invalid row refuses the whole import (RosterError, nothing written) —
    except in a dry run, which only reports, and with `skip_invalid`, which imports the valid
    rows and reports the others. Rows of empty cells are reported, not imported.

    `dates` ('dmy' or 'mdy') says how to read dates such as 03/04/2024; without it, each date
    column's order is decided from its unambiguous rows (see `date_orders`).
    """
    paths = Paths.of(letter)
    display = csv_path.name
    if dates is not None and dates not in DATE_ORDERS:
        raise RosterError(f"--dates '{dates}': use dmy (day first) or mdy (month first)")
    given, dayfirst = parse_map_specs(maps, cwd or Path.cwd())
    header, all_rows = read_csv(csv_path, display)
    mapping = _resolve_mapping(header, given, display)
    report = ImportReport(display, mapping,
                          ignored=[h for h in header if h not in mapping and h])
    rows = []
    for line, row in all_rows:
        if any(c.strip() for c in row):
            rows.append((line, row))
        else:
            report.empty.append(line)
    report.dates = date_orders(header, rows, mapping, dates or ("dmy" if dayfirst else None),
                               display)
    endorsed = Fingerprints(letter)
    endorsed.of()  # an unreadable letter refuses the import before any row is read
    candidates: list[Candidate] = []
    for n, (line, row) in enumerate(rows, 1):
        cand, problems = _row_candidate(line, row, header, mapping, report.dates, today,
                                        f"form:{display}:{line}", endorsed, check_deliverability)
        report.invalid += problems
        if cand:
            candidates.append(cand)
        if progress:
            progress(n)
    if report.invalid and not dry_run and not skip_invalid:
        raise RosterError("nothing imported; fix these rows (or --map the columns) and "
                          "retry, or import the other rows with --skip-invalid:\n"
                          + "\n".join(p.format(display) for p in report.invalid))
    with locked(paths.roster):
        roster = _Open(paths)
        index = roster.names()
        threshold, window = _thresholds()
        seen: dict[str, Candidate] = {}
        fresh: list[Candidate] = []
        answers: dict[int, dict] = {}  # with `update`: each present entry's latest answers
        rows_of: dict[int, list[tuple[Candidate, Match]]] = {}
        for cand in candidates:
            key = identity_key(cand.signatory.name)
            if (hit := index.exact_match(cand.signatory.name)) is not None:
                if update:
                    i = index.exact[key]
                    rows_of.setdefault(i, []).append((cand, hit))
                    answers[i] = {**answers.get(i, {}), **_answers(cand)}
                else:
                    report.present.append((cand, hit))
            elif key in seen:
                first = seen[key]
                report.repeated.append((cand, Match(first.signatory.name, first.line,
                                                    "same", in_csv=True)))
            else:
                seen[key] = cand
                fresh.append(cand)
        # Acronyms and near matches, against the roster and within the file, without
        # comparing all pairs.
        keys = index.keys + [identity_key(c.signatory.name) for c in fresh]
        base = len(index.keys)
        near = similar_pairs(keys, range(base, len(keys)), threshold, window)
        for n, cand in enumerate(fresh):
            match = None
            name = cand.signatory.name
            k = keys[base + n]
            if (i := index.acronyms.get(k)) is not None or (
                    (a := acronym_of(name)) and (i := index.exact.get(a)) is not None):
                match = index._match(i, "acronym")
            elif (i := index.looks.get(k if name.isascii() else look_key(name))) is not None \
                    and index.keys[i] != k:
                match = index._match(i, "lookalike")
            elif base + n in near:
                j, score = near[base + n]
                if j < base:
                    match = index._match(j, "similar", score)
                elif j < base + n:
                    other = fresh[j - base]
                    match = Match(other.signatory.name, other.line, "similar", score=score,
                                  in_csv=True)
            if match and not force:
                report.suspected.append((cand, match))
            else:
                report.new.append(cand)
        changes: dict[int, dict] = {}
        if rows_of:
            contacts = private_contacts(paths)
            for i, rows in rows_of.items():
                found = _changed(roster.doc, i, answers[i], contacts)
                if found:  # the entry's last row carries the change; earlier ones are present
                    report.present += rows[:-1]
                    report.updated.append((*rows[-1], found))
                    changes[i] = {k: new for k, (_, new) in found.items()}
                    if "consent" in answers[i]:
                        changes[i]["consent"] = answers[i]["consent"]
                else:
                    report.present += rows
            report.present.sort(key=lambda row: row[0].line)
        if dry_run or not (report.new or report.updated):
            return report
        private: dict[str, dict | None] = {}
        doc = roster.doc
        if changes:
            roster_changes = {i: {k: v for k, v in c.items() if k not in PRIVATE_FIELDS}
                              for i, c in changes.items()}
            doc = RosterText(rosterfile.update_entries(doc, roster_changes), doc.display)
            for i, c in changes.items():
                if private_part := {k: c[k] for k in PRIVATE_FIELDS if k in c}:
                    private[str(roster.doc.entries[i].name)] = private_part
        sigs = [c.signatory for c in report.new]
        text = rosterfile.insert_entries(doc, sigs) if sigs else doc.text
        text = _raise_as_of(doc, text, [s.signed_on for s in sigs])
        private.update({c.signatory.name: {"email": c.email, "consent": c.consent}
                        for c in report.new if c.email or c.consent})
        roster.write(text, _private_changes(paths, private))
        report.written = True
    return report


PRIVATE_FIELDS = ("email", "consent")


def _answers(cand: Candidate) -> dict:
    """The answers of a form row that `import --update` may apply: empty ones are left out."""
    sig = cand.signatory
    out = {k: v for k, v in (("title", sig.title), ("country", sig.country),
                             ("email", cand.email)) if v}
    if cand.consent is not None:  # the form asked; `named: true` is the default, not written
        out.update(named=None if sig.named else False, consent=cand.consent)
    return out


def _changed(doc: RosterText, i: int, answers: dict, contacts: dict[str, dict]
             ) -> dict[str, tuple]:
    """Which answers differ from entry i and its private contacts: field → (old, new). The
    consent text (it names the CSV row) is recorded with a change, never a change itself."""
    current = {**doc.values_of(i), **contacts.get(str(doc.entries[i].name), {})}
    current["named"] = False if current.get("named") is False else None
    return {k: (current.get(k), new) for k, new in answers.items()
            if k != "consent" and current.get(k) != new}
