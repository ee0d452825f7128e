"""`sign import`: a sign-on form's CSV export into the roster, every row checked at the door."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RosterError
from ..format.model import Signatory
from ..textsafety import formula_like, from_spreadsheet, visible
from . import rosterfile
from .collation import acronym_of, fold, identity_key
from .fingerprint import Fingerprints
from .matching import Match, look_key, similar_pairs
from .operations import (
    OpenRoster,
    Paths,
    change_private_contacts,
    check_signatory,
    normalise_email,
    private_contacts,
    raise_as_of,
)
from .rosterfile import RosterText
from .writes import locked

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
        roster = OpenRoster(paths, letter=endorsed.letter)
        index = roster.names()
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
        near = similar_pairs(keys, range(base, len(keys)))
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
        text = rosterfile.insert_entries(doc, sigs, as_listed=roster.as_listed) if sigs \
            else doc.text
        text = raise_as_of(doc, text, [s.signed_on for s in sigs])
        private.update({c.signatory.name: {"email": c.email, "consent": c.consent}
                        for c in report.new if c.email or c.consent})
        roster.write(text, change_private_contacts(paths, private))
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
