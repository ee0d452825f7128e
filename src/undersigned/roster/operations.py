"""Roster edits: add, withdraw, erase, update, reconfirm — checked at the door.

The CSV import is in csvimport.py, the letter's fingerprint in fingerprint.py, name matching
in matching.py, the listing in listing.py."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RosterError
from ..fileio import write_atomic
from ..format.load import as_listed_kinds
from ..format.model import Letter, Signatory
from ..format.rosterlayout import write_scalar
from ..format.schema import SIGNATORY_KINDS, STATUSES
from ..textsafety import visible
from ..workspace import roster_path
from . import rosterfile
from .collation import identity_key
from .fingerprint import Fingerprints
from .indexcache import RosterIndex, keep_inserted, keys_reusing
from .matching import NameIndex
from .rosterfile import RosterText
from .writes import locked, write_together

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


# --- opening a roster for an edit --------------------------------------------------------------

class OpenRoster:
    """A roster read for an edit: its text, its index and the letter's fingerprint."""

    def __init__(self, paths: Paths, fields: tuple[str, ...] = (), cached: bool = False,
                 letter: Letter | None = None):
        """`cached`: the index kept between runs (indexcache.py); `letter`: already loaded."""
        self.paths = paths
        text = _read(paths.roster)
        self.exists = text is not None
        self.text = text if text is not None else ROSTER_HEADER + "signatories:\n"
        self.digest, self.kept, self._known = RosterIndex.open(paths.roster, self.text) \
            if cached and self.exists else (None, None, {})
        self.doc = self.kept.doc(self.text, paths.roster.name) if self.kept is not None \
            else RosterText(self.text, paths.roster.name)
        self.as_listed = as_listed_kinds(paths.letter, letter)  # new entries go last of these
        if fields:
            _extra_values(self.doc, fields)

    def names(self) -> NameIndex:
        entries = self.doc.entries
        kept = self.kept  # keys made before: for this very text, or for some of its names
        names = list(map(str, kept.names)) if kept else [str(e.name) for e in entries]
        keys, looks = (kept.keys, kept.looks) if kept else keys_reusing(names, self._known)
        index = NameIndex(names, lambda i: self.doc.line_of(entries[i].item),
                          lambda i: _entry_value(self.doc, i, "status") == "withdrawn",
                          keys=keys, looks=looks)
        if self.digest is not None and self.kept is None:  # kept once the command is done
            self.kept = self._unsaved = RosterIndex.of(self.doc, self.digest, index.keys,
                                                       index.look_list)
        return index

    def keep_index(self) -> None:
        """Keep the index made by `names` for the roster as read (when it was not kept)."""
        if getattr(self, "_unsaved", None) is not None:
            self._unsaved.write(self.paths.roster)

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
        change or neither does (writes.write_together)."""
        if self.doc.parsed:
            rosterfile.check_parses(text, self.paths.roster.name)
        writes = [(self.paths.roster, text, None)]
        if private is not None:
            writes.insert(0, (self.paths.private, private, 0o600))
        write_together(self.paths.roster, writes)


def _extra_values(doc: RosterText, fields: tuple[str, ...]) -> None:
    """Fill `entry.values` with more fields (signed_on, status…) in one regex pass."""
    if doc.parsed:
        for e in doc.entries:
            e.values.update({k: e.raw[k] for k in fields if k in e.raw})
        return
    items = [e.item for e in doc.entries]
    import bisect

    from ..format.rosterlayout import field_lines, read_scalar
    for m in field_lines(fields).finditer(doc.text, items[0] if items else len(doc.text)):
        i = bisect.bisect_right(items, m.start()) - 1
        doc.entries[i].values.setdefault(m.group(2), read_scalar(m.group(3)))


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

def change_private_contacts(paths: Paths, changes: dict[str, dict | None],
                            renames: dict[str, str] | None = None, text: str | None = None
                     ) -> str | None:
    """The private contacts file (or `text`) with per-name changes applied (None removes a
    person), to be written with the roster (`OpenRoster.write`); None when nothing changes."""
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
        roster = OpenRoster(paths, cached=True, letter=prints.letter)
        index = roster.names()
        same = index.exact_match(sig.name)
        similar = index.similar(sig.name) if not (same and not force) else []
        if (same or similar) and not force:  # refused: the next try reads the index
            roster.keep_index()
        if same and same.withdrawn and not force:
            raise RosterError(f"'{sig.name}' {same.describe()}; to record that they signed "
                              "again use `undersigned sign update LETTER NAME --status "
                              "confirmed`, or add with --force")
        if same and not force:
            raise RosterError(f"'{sig.name}' {same.describe()}; nothing added (use --force "
                              "to add it anyway)")
        if similar and not force:
            raise RosterError(f"'{sig.name}' " + "; ".join(m.describe() for m in similar)
                              + "; nothing added (use --force if it is a different signatory)")
        if same or similar:
            warnings = [f"added despite: {m.describe()}" for m in [same, *similar] if m]
        text = rosterfile.insert_entries(roster.doc, [sig], as_listed=roster.as_listed)
        days = [sig.signed_on] if sig.status == "confirmed" else []
        if _current_as_of(roster.doc) is None and not days:
            days = [today]
        text = raise_as_of(roster.doc, text, days)
        as_of = max([d for d in (_current_as_of(roster.doc), *days) if d], default=None)
        private = None
        if sig.name in private_contacts(paths) and \
                not any(e.name == sig.name for e in roster.doc.entries):
            # contacts left by a write that an older version did not finish: they are not
            # this signatory's, so they go rather than be picked up silently
            private = change_private_contacts(paths, {sig.name: None})
            warnings.append(f"removed private contacts of '{sig.name}' that no roster entry "
                            "had (left by an interrupted command)")
        if email:
            private = change_private_contacts(paths, {sig.name: {"email": email}}, text=private)
        position = roster.doc.position_for(sig, roster.as_listed)
        roster.write(text, private)
        if roster.digest is not None:
            keep_inserted(roster.kept, roster.paths.roster, roster.text, text, position, sig)
    line = _line_of_name(text, sig.name)
    return AddResult(sig, line, as_of, paths.roster, warnings)


def _line_of_name(text: str, name: str) -> int:
    needle = f"  - name: {write_scalar(name)}"
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
        roster = OpenRoster(paths, ("signed_on", "status"))
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
    private file change together (`OpenRoster.write`). Private contacts that no roster entry has
    (left by an interrupted command of an older version) are erased too.
    """
    paths = Paths.of(letter)
    with locked(paths.roster):
        roster = OpenRoster(paths)
        contacts = private_contacts(paths)
        if name in contacts and roster.exists and \
                not any(e.name == name for e in roster.doc.entries):
            write_atomic(paths.private, change_private_contacts(paths, {name: None}), mode=0o600)
            return Erased(name, 0, paths.private, True, _named_elsewhere(paths, name))
        i = roster.find(name)
        entry = roster.doc.entries[i]
        found = str(entry.name)
        line = roster.doc.line_of(entry.item)
        text = rosterfile.remove_entry(roster.doc, i)
        private = found in contacts
        roster.write(text, change_private_contacts(paths, {found: None}) if private else None)
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


def raise_as_of(doc: RosterText, text: str, days: Iterable[dt.date]) -> str:
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
        roster = OpenRoster(paths, ("signed_on", "status"))
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
        if old.get("kind") in roster.as_listed and new_values.get("kind") == old.get("kind"):
            moves = False  # printed as listed: a renamed entry keeps its place
        text = rosterfile.update_entry(doc, i, changes)
        if moves:  # carry the entry, its comments included, to its new sorted place
            edited = RosterText(text, paths.roster.name)
            chunk = text[edited.start_of(i):edited.end_of(i)]
            rest = RosterText(rosterfile.remove_entry(edited, i), paths.roster.name)
            sig = Signatory(name=str(new_values["name"]), kind=str(new_values["kind"]),
                            signed_on=None, sort_as=new_values.get("sort_as"))
            text = rosterfile.insert_entries(rest, [sig], [chunk.rstrip("\r\n") + "\n"],
                                             as_listed=roster.as_listed)
        day = new_values.get("signed_on")
        if isinstance(day, str):
            day = dt.date.fromisoformat(day) if re.fullmatch(r"\d{4}-\d\d-\d\d", day) else None
        if new_values.get("status", "confirmed") == "confirmed" and day:
            text = raise_as_of(doc, text, [day])
        renames = {old["name"]: changes["name"]} if "name" in changes else None
        private = None
        if email or renames:
            private = change_private_contacts(
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
        roster = OpenRoster(paths, ("endorsed", "status", "lang"), letter=prints.letter)
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
