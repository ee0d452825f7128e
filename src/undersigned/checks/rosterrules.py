"""Rules of the roster: signing and withdrawal dates, e-mails, names that cannot print or read
as a formula, duplicates and look-alikes (the one neighbour scan of roster/matching), order."""

from __future__ import annotations

import datetime as dt

from ..format.model import Roster, Signatory
from ..problems import Problem
from ..roster.collation import acronym_of, identity_keys, numbers_differ, sort_key
from ..roster.matching import FUZZY_THRESHOLD, FUZZY_WINDOW, look_keys, neighbour_pairs
from ..textsafety import formula_like, unprintable_name, visible
from .hostile import check_text

_FORMULA_START = frozenset("=+-@ \uff1d\uff0b\uff0d\uff20")


def check_roster(roster: Roster, today: dt.date, warnings: bool = True) -> list[Problem]:
    """Roster rules: dates, e-mails, duplicates, order, the 'as of' date.

    `warnings=False` skips the checks that can only warn (see check_letter_file)."""
    out: list[Problem] = []
    latest = None
    for s in roster.signatories:
        if s.signed_on:
            if s.signed_on > today:
                out.append(s.field_pos["signed_on"].error(
                    "signed-future", f"{s.name}: signed_on {s.signed_on} is in the future; "
                    "correct the date"))
            elif roster.as_of and s.signed_on > roster.as_of:
                out.append(s.field_pos["signed_on"].error(
                    "signed-after-as-of", f"{s.name}: signed on {s.signed_on}, after as_of "
                    f"{roster.as_of}; set as_of to {s.signed_on}"))
            if s.status == "confirmed" and (latest is None or s.signed_on > latest):
                latest = s.signed_on
        if s.status == "withdrawn" and not s.withdrawn_on:
            out.append(s.field_pos.get("status", s.pos).error(
                "withdrawn-date", f"{s.name}: status is withdrawn but there is no "
                "'withdrawn_on: YYYY-MM-DD'; add the date the withdrawal arrived"))
        elif s.status == "withdrawn" and s.signed_on and s.withdrawn_on < s.signed_on:
            out.append(s.field_pos["withdrawn_on"].error(
                "withdrawn-date", f"{s.name}: withdrawn_on {s.withdrawn_on} is before "
                f"signed_on {s.signed_on}; correct one of the two dates"))
        if s.email and (problem := email_problem(s.email)):
            out.append(s.field_pos["email"].error("email-invalid", f"{s.name}: {problem}"))
        name = s.name
        if not (name.isprintable() and name.strip()) and (why := unprintable_name(name)):
            out.append(s.field_pos.get("name", s.pos).error(
                "name-unprintable", f"the name '{visible(name).replace(chr(9), '<U+0009>')}' "
                f"{why}; retype it as it "
                "should be printed"))
        if warnings and name[:1] in _FORMULA_START and formula_like(name):
            out.append(s.field_pos.get("name", s.pos).warning(
                "name-formula", f"the name '{visible(name[:40])}' reads as a spreadsheet "
                "formula; a form's answer, not a signatory's name — check it with the "
                "signatory or remove the entry"))
    if roster.as_of:
        if roster.as_of > today:
            out.append(roster.field_pos["as_of"].error(
                "as-of-future", f"as_of {roster.as_of} is in the future; set it to the latest "
                "confirmed signing date"))
        if latest and roster.as_of < latest:
            out.append(roster.field_pos["as_of"].error(
                "as-of-stale", f"as_of {roster.as_of} is earlier than the latest confirmed "
                f"signature ({latest}); set it to {latest}"))
    out += _check_duplicates(roster.signatories, fuzzy=warnings)
    if warnings:
        out += _check_order(roster.signatories)
        out += check_text(roster)
    return out


def email_problem(address: str) -> str | None:
    """Why an address is not valid (syntax only, no network), or None."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as e:
        return f"e-mail '{address}' is not valid: {e}"
    return None


def _check_duplicates(signatories: list[Signatory], fuzzy: bool = True) -> list[Problem]:
    out: list[Problem] = []
    live = [s for s in signatories if s.status != "withdrawn"]
    keys = identity_keys([s.name for s in live])
    seen: dict[str, Signatory] = {}
    for s, key in zip(live, keys, strict=True):
        if key in seen:
            first = seen[key]
            out.append(s.pos.error(
                "roster-duplicate",
                f"'{s.name}' is the same signatory as '{first.name}' (line {first.pos.line}); "
                "delete one entry",
            ))
        else:
            seen[key] = s
    if not fuzzy:
        return out
    from rapidfuzz import fuzz

    acronyms = {a: s for s in live if (a := acronym_of(s.name))}
    for s, key in zip(live, keys, strict=True):
        other = acronyms.get(key)
        if other is not None and other is not s:
            out.append(s.pos.warning(
                "roster-near-duplicate",
                f"'{s.name}' may be the same as '{other.name}' (line {other.pos.line}), whose "
                "acronym it is; delete one or keep both if they differ",
            ))
    # Compare each name with its neighbours in two orders (as written, and words reversed),
    # which finds typos anywhere in a name without comparing all pairs.
    reported: set[tuple[int, int]] = set()
    out += _check_lookalikes(live, keys, reported)
    for i, j in neighbour_pairs(keys, FUZZY_WINDOW):
        a, b = (i, j) if i < j else (j, i)
        if keys[a] == keys[b] or (a, b) in reported:
            continue
        if fuzz.ratio(keys[a], keys[b], score_cutoff=FUZZY_THRESHOLD) and \
                not numbers_differ(keys[a], keys[b]):
            reported.add((a, b))
            first, second = live[a], live[b]
            out.append(second.pos.warning(
                "roster-near-duplicate",
                f"'{second.name}' looks like '{first.name}' (line {first.pos.line}); "
                "if they are the same signatory, delete one",
            ))
    return out


def _check_order(signatories: list[Signatory]) -> list[Problem]:
    """Within each kind, entries must follow the collation order; name each slip once."""
    out: list[Problem] = []
    previous: dict[str, tuple[Signatory, tuple[str, str]]] = {}
    for s in signatories:
        key = sort_key(s)
        before, before_key = previous.get(s.kind, (None, None))
        if before is not None and key < before_key:
            out.append(s.pos.warning(
                "roster-order",
                f"'{s.name}' should come before '{before.name}' (line {before.pos.line}); "
                "run `undersigned fmt` to sort the roster",
            ))
        previous[s.kind] = (s, key)
    return out



def _check_lookalikes(live: list[Signatory], keys: list[str], reported: set[tuple[int, int]]
                      ) -> list[Problem]:
    """Names that look the same but differ in invisible characters or Cyrillic or Greek
    letters that imitate Latin ones ("Humаn Rights Watch"): a duplicate in disguise."""
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for i, (s, look) in enumerate(zip(live, look_keys([s.name for s in live], keys),
                                      strict=True)):
        j = seen.setdefault(look, i)
        if j == i or keys[j] == keys[i]:
            continue
        reported.add((j, i))
        first = live[j]
        out.append(s.pos.warning(
            "roster-near-duplicate",
            f"'{visible(s.name)}' looks like '{visible(first.name)}' (line {first.pos.line}) "
            "but differs in invisible or look-alike characters; if they are the same "
            "signatory, delete one"))
    return out
