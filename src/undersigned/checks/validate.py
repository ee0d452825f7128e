"""Validation rules: every check of a letter and its roster, returning all problems found."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..format import schema
from ..format.dates import first_day, last_day
from ..format.inline import FIELDS, links, note_refs
from ..format.load import load_letter
from ..format.model import (
    Block,
    Citation,
    Footnote,
    Letter,
    LinkPart,
    Party,
    Roster,
    Section,
    Signatory,
    SignatureStyle,
    Source,
    TextPart,
)
from ..format.urls import url_problem
from ..gcpause import paused_gc
from ..problems import Pos, Problem
from ..roster.collation import acronym_of, identity_keys, numbers_differ, sort_key
from ..roster.matching import FUZZY_THRESHOLD, FUZZY_WINDOW, look_keys, neighbour_pairs
from ..textsafety import (
    describe,
    formula_like,
    mixed_script,
    suspicious_characters,
    unprintable_name,
    visible,
)
from ..workspace import PRIVATE_SUFFIX, display_path, present, reserved_slug, roster_path
from .rosters import RosterLoader, load_checked_roster

_FORMULA_START = frozenset("=+-@ \uff1d\uff0b\uff0d\uff20")

# A UN document symbol: an organ prefix, then slash-separated components such as A/77/522,
# A/HRC/25/CRP.1, CAT/C/CHN/CO/5, E/CN.4/2005/L.10/Add.1, S/RES/2231(2015), A/RES/217(III).
UN_SYMBOL = re.compile(
    r"[A-Z][A-Z0-9]*(?:\.[0-9]+)?"  # the organ: A, S, E, CAT, CEDAW, E/CN.4 …
    r"(?:/[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*(?:\((?:[0-9]{4}|[IVXLC]+)\))?)+\Z"  # /25/CRP.1
)

RULES = {
    # loader
    "yaml-syntax": "The file is not valid YAML.",
    "yaml-encoding": "The file is not UTF-8.",
    "yaml-alias": "Anchors and aliases are not allowed.",
    "yaml-tag": "Tags are not allowed.",
    "yaml-too-large": "The file is implausibly large.",
    "file-missing": "A letter or roster file named on the command line does not exist.",
    "file-unreadable": "A file exists but cannot be read (permissions, I/O error).",
    "file-outside-workspace": "A file is a symbolic link to a file outside the workspace.",
    "slug-reserved": "A letter's file name ends in '.private', which names private contacts.",
    "duplicate-key": "A key appears twice in one mapping.",
    "wrong-type": "A value has the wrong type.",
    "missing-field": "A required field is missing.",
    "unknown-key": "A key the format does not know (warning).",
    "bad-date": "A date is not a real YYYY-MM-DD date.",
    "bad-value": "A value is not one of the allowed choices.",
    "bad-block": "A body item is not a paragraph, heading, quote or list.",
    "empty-paragraph": "A body item has no text.",
    # citations
    "note-undefined": "The body calls a footnote that is not defined.",
    "note-unused": "A footnote is defined but never called (warning).",
    "note-empty": "A footnote has no content.",
    "source-undefined": "A citation names a source that is not defined.",
    "source-unused": "A source is defined but never cited (warning).",
    "source-required": "A source lacks a field its type requires.",
    "date-future": "A date lies in the future.",
    "accessed-before-issued": "A source was accessed before it was issued.",
    "url-invalid": "A URL is not a well-formed http(s) address.",
    "un-symbol": "A UN document symbol is malformed.",
    "date-format": "A date pattern shows no year.",
    "inline-field": "An unknown {field} in the text (warning).",
    "citation-style": "The citation style the letter names cannot be found or read.",
    "style-field-unprinted": "A source field the chosen citation style does not print (warning).",
    "markup-unrendered": "Markup in a note that no output can render (warning).",
    # letter
    "letter-addressee": "A letter has no addressee.",
    "letter-date": "A letter has no date.",
    "letter-salutation": "A letter has no salutation.",
    # roster
    "roster-missing": "The letter has no roster file (warning).",
    "roster-duplicate": "Two signatories are the same after normalisation.",
    "roster-near-duplicate": "Two signatories look alike (warning).",
    "roster-order": "The roster is not in the order the renderer prints (warning).",
    "email-invalid": "An e-mail address is not valid.",
    "signed-future": "A signing date lies in the future.",
    "signed-after-as-of": "A signature is dated after the 'as of' date.",
    "as-of-stale": "The 'as of' date is earlier than the latest confirmed signature.",
    "as-of-future": "The 'as of' date lies in the future.",
    "withdrawn-date": "A withdrawal date is missing or before the signing date.",
    "endorsement-stale": "Signatories endorsed an earlier text of the letter (warning).",
    # translations
    "translation-stale": "A translated text's source changed since it was translated (warning).",
    "translation-missing": "A text of the letter has no translation yet (warning).",
    "translation-notes": "A translated text calls other footnotes than its source text.",
    # hostile text
    "suspicious-text": "Invisible, control or bidi characters in a text (warning).",
    "mixed-script": "A signatory's name mixes Latin with letters that imitate Latin ones "
                    "(warning).",
    "name-unprintable": "A signatory's name is invisible, or holds a control character, a tab "
                        "or a line break.",
    "name-formula": "A signatory's name reads as a spreadsheet formula (warning).",
    # cited sources (defined with their checks in quotes.py)
    "quote-mismatch": "A quotation is not in the archived text of the source it cites.",
    "snapshot-missing": "A source's hand-added snapshot file is missing or cannot be read.",
}


def check_letter_file(path: Path, cwd: Path, today: dt.date | None = None,
                      warnings: bool = True, rosters: RosterLoader | None = None
                      ) -> tuple[Letter | None, Roster | None, list[Problem]]:
    """Load a letter and its roster and run every rule; returns the models and all problems.

    `warnings=False` skips the roster checks that can only warn (near duplicates, order,
    suspicious text) — what `render` needs, since only errors stop it — which is most of
    the time on a roster of tens of thousands. `rosters` loads and checks the roster (see
    `checks.rosters`: the live preview's keeps it while its file is unchanged).
    """
    with paused_gc():
        return _check_letter_file(path, cwd, today or dt.date.today(), warnings, rosters)


def _check_letter_file(path: Path, cwd: Path, today: dt.date, warnings: bool, rosters=None
                       ) -> tuple[Letter | None, Roster | None, list[Problem]]:
    if reserved_slug(path):  # its "roster" would be another letter's private contacts
        return None, None, [Pos(display_path(path, cwd), 1, 1).error(
            "slug-reserved", f"a letter's file name may not end in '{PRIVATE_SUFFIX}.yaml': "
            f"signatories/{path.name} is the private contacts file of the letter "
            f"'{path.name.removesuffix(PRIVATE_SUFFIX + '.yaml')}'; rename this letter")]
    letter, problems = load_letter(path, display_path(path, cwd))
    rpath = roster_path(path)
    roster = None
    if present(rpath):
        roster, rproblems = (rosters or load_checked_roster)(rpath, cwd, today, warnings)
        problems += rproblems
    elif letter is not None:
        problems.append(letter.pos.warning(
            "roster-missing",
            f"no roster at {display_path(rpath, cwd)}; add signatories with `undersigned sign add`",
        ))
    translations = []
    if letter is not None:
        from ..format.translations.reading import load_translations
        from .translations import check_translation

        translations, tproblems = load_translations(letter, cwd)
        problems += tproblems
        for translation in translations:
            problems += check_translation(letter, translation)
            problems += check_translated_text(letter, translation)
        problems += check_letter(letter, today)
        from ..sources.quotes import check_quotations  # quotations against the archived sources

        problems += check_quotations(letter)
    if letter is not None and roster is not None:
        problems += check_endorsements(letter, roster, translations)
    return letter, roster, sorted(set(problems), key=_order)


def check_endorsements(letter: Letter, roster: Roster, translations=()) -> list[Problem]:
    """One warning per earlier text that live signatories endorsed (not one per signatory).

    A signatory who read a translation (`lang:`) is compared with that language's text.
    """
    endorsing = [s for s in roster.signatories if s.endorsed and s.status != "withdrawn"]
    if not endorsing:
        return []  # nothing to compare: the roster module need not even be imported
    from ..roster.fingerprint import current_fingerprints

    current = current_fingerprints(letter, translations)
    stale: dict[tuple[str | None, str], list[Signatory]] = {}
    unknown: dict[str, list[Signatory]] = {}
    for s in endorsing:
        lang = None if s.lang in (None, letter.lang) else s.lang
        if lang not in current:
            unknown.setdefault(lang, []).append(s)
        elif s.endorsed != current[lang]:
            stale.setdefault((lang, s.endorsed), []).append(s)
    out = []
    for (lang, old), sigs in stale.items():
        first = sigs[0]
        who = f"{len(sigs)} signatories" if len(sigs) > 1 else "1 signatory"
        text = "the letter" if lang is None else f"the {lang} translation"
        out.append(first.field_pos.get("endorsed", first.pos).warning(
            "endorsement-stale",
            f"{who} (first: '{first.name}') endorsed an earlier text of {text} "
            f"({old[:15]}…); `undersigned sign list {letter.slug} --stale` lists them — ask "
            f"them to confirm the current text, then `undersigned sign reconfirm`"))
    for lang, sigs in unknown.items():
        first = sigs[0]
        out.append(first.field_pos.get("lang", first.pos).warning(
            "endorsement-stale",
            f"'{first.name}' (and {len(sigs) - 1} more) signed the {lang} text, which the letter "
            f"has no translation for (translations/{letter.slug}/{lang}.yaml); add it with "
            f"`undersigned translate {letter.slug} {lang}` or correct 'lang:'"))
    return out


def _order(p: Problem):
    return (p.file, p.line, p.column, p.rule, p.message)


def check_letter(letter: Letter, today: dt.date) -> list[Problem]:
    """Citation, text and letter-shape rules."""
    out: list[Problem] = []
    called: set[str] = set()
    for block in letter.body:
        positions = block.item_pos if block.kind == "list" else [block.pos]
        for text, pos in zip(block.texts, positions, strict=False):
            if not text.strip():
                out.append(pos.error("empty-paragraph", "this body item has no text; write "
                                     "text or delete it"))
            out += _check_inline(letter, text, pos, called)

    for key, note in letter.footnotes.items():
        if key not in called:
            out.append(note.pos.warning("note-unused", f"footnote '{key}' is never called; add "
                                        f"[^{key}] to the body or delete the footnote"))
        if not note.parts:
            out.append(note.pos.error("note-empty", f"footnote '{key}' says nothing; add a "
                                      "citation (- cite: KEY) or text"))
    cited: set[str] = set()
    for note in letter.footnotes.values():
        for part in note.parts:
            out += _check_markup(note, part)
            if isinstance(part, LinkPart):
                if problem := url_problem(part.link):
                    out.append(part.field_pos.get("link", part.pos).error(
                        "url-invalid", f"link in footnote '{note.key}' {problem}"))
                if part.text:
                    out += _check_inline(letter, part.text, part.field_pos.get("text", part.pos),
                                         None)
                continue
            if hasattr(part, "cite"):
                cited.add(part.cite)
                if part.cite not in letter.sources:
                    out.append(part.field_pos.get("cite", part.pos).error(
                        "source-undefined",
                        f"footnote '{note.key}' cites '{part.cite}', which is not under "
                        f"'sources:'; define it or fix the key"
                        f"{_suggest(part.cite, letter.sources)}",
                    ))
            else:
                out += _check_inline(letter, part.text, part.pos, None)
    for key, source in letter.sources.items():
        if key not in cited:
            out.append(source.pos.warning("source-unused", f"source '{key}' is never cited; "
                                          "cite it in a footnote or delete it"))
        out += _check_source(source, today)

    out += _check_citation_style(letter)
    if not any(t in letter.date_format for t in ("YY",)):
        out.append(letter.field_pos.get("date_format", letter.pos).error(
            "date-format", f"date_format '{letter.date_format}' shows no year; use e.g. "
            "'MMMM D, YYYY'"))
    if letter.date and letter.date > today:
        out.append(letter.field_pos["date"].error("date-future", "the letter's date is in the "
                                                  "future; fix it or leave the date out"))
    if letter.kind == "letter":
        if not letter.addressees:
            out.append(letter.pos.error("letter-addressee", "a letter needs 'addressees:' (or "
                                        "set 'kind: statement' for a document without one)"))
        if not letter.date:
            out.append(letter.pos.error("letter-date", "a letter needs 'date: YYYY-MM-DD'"))
        if not letter.salutation:
            out.append(letter.pos.error("letter-salutation", "a letter needs 'salutation:' such "
                                        "as 'Dear …,' or 'To Whom It May Concern:'"))
    out += check_text(letter)
    return out


def _check_citation_style(letter: Letter) -> list[Problem]:
    """Rules citation-style (the style cannot be loaded) and style-field-unprinted."""
    from ..format.citations.styles import CitationStyleError, style_for_letter, style_problems

    try:
        style = style_for_letter(letter)
    except CitationStyleError as e:
        if e.problems:
            return e.problems
        pos = letter.field_pos.get("citations", letter.pos)
        where = "" if letter.citation_style else " (the workspace default, in undersigned.yaml)"
        return [pos.error("citation-style", f"{e}{where}")]
    return style_problems(style, letter.sources)


# Markup that looks meant but that no output renders: HTML tags, _underscores_, and a `*`
# that never closes (printed as an asterisk).
_HTML_TAG = re.compile(r"</?(?:i|em|b|strong|u|sup|sub|span|a)\b[^>]*>", re.IGNORECASE)
_UNDERSCORES = re.compile(r"(?<![\w\\])_[^_\s][^_]*_(?!\w)")


def _check_markup(note: Footnote, part) -> list[Problem]:
    """Rule markup-unrendered: prefix, suffix, pinpoint of a citation; text of a part."""
    from ..format.inline import Text as TextNode
    from ..format.inline import parse_inline

    fields = ("prefix", "suffix", "pinpoint") if isinstance(part, Citation) else ("text",)
    out: list[Problem] = []
    for name in fields:
        value = getattr(part, name, None)
        if not value:
            continue
        pos = part.pos if isinstance(part, TextPart) else part.field_pos.get(name, part.pos)
        found = None
        if m := _HTML_TAG.search(value):
            found = f"the HTML tag {m.group(0)}, which prints as it is; write *text* for italics"
        elif m := _UNDERSCORES.search(value):
            found = f"{m.group(0)}, whose underscores print as they are; write *text* for italics"
        else:
            def stray(nodes) -> bool:
                return any(isinstance(n, TextNode) and "*" in n.text
                           or stray(getattr(n, "children", [])) for n in nodes)

            if stray(parse_inline(value)):
                found = ("a '*' that is never closed and prints as an asterisk; close the "
                         "emphasis (*supra*) or write \\* for an asterisk")
        if found:
            what = "the text" if name == "text" else f"the {name}"
            out.append(pos.warning("markup-unrendered",
                                   f"{what} in footnote '{note.key}' has {found}"))
    return out


def _suggest(key: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_inline(letter: Letter, text: str, pos: Pos, called: set[str] | None) -> list[Problem]:
    out: list[Problem] = []
    refs = note_refs(text)
    if refs and called is None:
        out.append(pos.error("note-undefined", "footnote calls ([^key]) belong in the body, "
                             "not inside a footnote"))
    for key in refs:
        if called is not None:
            called.add(key)
        if key not in letter.footnotes:
            out.append(pos.error("note-undefined", f"[^{key}] calls a footnote that is not under "
                                 f"'footnotes:'{_suggest(key, letter.footnotes)}"))
    for href in links(text):
        if problem := url_problem(href):
            out.append(pos.error("url-invalid", f"link '{href}' {problem}"))
    for name in re.findall(r"(?<!\\)\{([a-z_]+(?::[a-z]+)?)\}", text):
        if name not in FIELDS:
            out.append(pos.warning("inline-field", f"{{{name}}} is not a known field (known: "
                                   f"{', '.join(FIELDS)}); write \\{{ for a literal brace"))
    return out


def check_translated_text(letter: Letter, translation) -> list[Problem]:
    """The inline rules of the body and notes (footnote calls, links, {fields}) and
    suspicious-text, on each text of a translation."""
    out: list[Problem] = []
    units = [*translation.named.values(), *translation.body]
    for unit in units:
        for text in unit.texts or ():
            if unit.key == "body":
                out += _check_inline(letter, text, unit.pos, set())
            elif unit.key.startswith("notes\x1f"):  # a note's text (translations.K)
                out += _check_inline(letter, text, unit.pos, None)
            if found := suspicious_characters(text, False):
                out.append(unit.pos.warning(
                    "suspicious-text",
                    f"this translated text holds {describe(found)}: invisible or control "
                    "characters that can make a text read differently from what it contains; "
                    "retype it without them"))
    return out


def _check_source(source, today: dt.date) -> list[Problem]:
    out: list[Problem] = []
    where = f"source '{source.key}'"
    for need in schema.REQUIRED_BY_TYPE.get(source.type, ()):
        options = need.split("|")
        if not any(getattr(source, o.replace("-", "_"), None) for o in options):
            out.append(source.pos.error(
                "source-required",
                f"{where} ({source.type}) needs " + " or ".join(f"'{o}:'" for o in options)))
    for name in ("URL", "archived_url"):
        url = getattr(source, name)
        if url and (problem := url_problem(url)):
            out.append(source.field_pos[name].error("url-invalid", f"{name} of {where} {problem}"))
    if source.type == "un-document" and source.number and not UN_SYMBOL.match(source.number):
        out.append(source.field_pos["number"].error(
            "un-symbol", f"'{source.number}' is not a UN document symbol (like A/77/522 or "
            "A/HRC/25/CRP.1); check it at https://undocs.org"))
    for name in ("issued", "accessed"):
        value = getattr(source, name)
        if value and first_day(value) > today:
            out.append(source.field_pos[name].error(
                "date-future", f"{name} of {where} is in the future; correct the date"))
    if source.issued and source.accessed and last_day(source.accessed) < first_day(source.issued):
        out.append(source.field_pos["accessed"].error(
            "accessed-before-issued",
            f"{where} was accessed ({source.accessed}) before it was issued ({source.issued}); "
            "correct one of the two dates"))
    if source.date_format and "YY" not in source.date_format:
        out.append(source.field_pos["date_format"].error(
            "date-format", f"date_format of {where} shows no year; add YYYY"))
    return out


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


# --- hostile text -------------------------------------------------------------------------------

# Fields that hold no free text (identifiers, choices, fingerprints, private contacts).
_NOT_TEXT = frozenset({"pos", "field_pos", "item_pos", "path", "slug", "key", "kind", "type",
                       "status", "endorsed", "email", "date_format", "lang", "language"})
# Fields of a signatory that print on one line: a line break there makes two lines of a list.
_ONE_LINE = frozenset({"name", "title", "sort_as", "country"})
_ROSTER_TEXT = ("name", "title", "sort_as", "country", "via", "withdrawal_reason")


def check_text(model: Letter | Roster) -> list[Problem]:
    """Rules suspicious-text (every text of a letter or roster) and mixed-script (names)."""
    out: list[Problem] = []
    if isinstance(model, Roster):  # a flat loop: rosters hold tens of thousands of entries
        # positions and names are made only for the (rare) texts that are suspicious
        texts = ((value, s, key, key in _ONE_LINE)
                 for s in model.signatories for key in _ROSTER_TEXT
                 if (value := getattr(s, key)) and not (value.isascii() and value.isprintable()))
    else:
        texts = _texts(model, model.pos, None)
    for text, pos, what, one_line in texts:
        if isinstance(pos, Signatory):
            if not suspicious_characters(text, one_line):
                continue
            s, key = pos, what
            pos, what = s.field_pos.get(key, s.pos), f"{key} of '{visible(s.name)}'"
        if found := suspicious_characters(text, one_line):
            out.append(pos.warning(
                "suspicious-text",
                f"{what} holds {describe(found)}: invisible or control characters that can "
                "make a text read differently from what it contains; retype it without them"))
    if isinstance(model, Roster):
        for s in model.signatories:
            if not s.name.isascii() and (why := mixed_script(s.name)):
                out.append(s.field_pos.get("name", s.pos).warning(
                    "mixed-script",
                    f"'{visible(s.name)}': {why}; a look-alike letter can disguise a duplicate "
                    "or another name — retype the name on a Latin keyboard (or entirely in "
                    "the other script)"))
    return out


def _texts(obj, where: Pos, owner: str | None, one_line: bool = False):
    """(text, position, what it is, one-line field?) for every string of a model object."""
    import dataclasses

    if isinstance(obj, str):
        yield obj, where, owner, one_line
    elif isinstance(obj, list):
        for item in obj:
            yield from _texts(item, getattr(item, "pos", where), owner, one_line)
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _texts(value, getattr(value, "pos", where), owner, one_line)
    elif dataclasses.is_dataclass(obj):
        owner = _owner_of(obj, owner)
        field_pos = getattr(obj, "field_pos", {})
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name in _NOT_TEXT or value is None or isinstance(value, bool | dt.date):
                continue
            pos = field_pos.get(f.name) or field_pos.get(f.name.replace("_", "-")) \
                or getattr(obj, "pos", where)
            if isinstance(obj, Block) and f.name == "items":
                for item, ipos in zip(value, obj.item_pos, strict=False):
                    yield item, ipos, "an item of a list", False
                continue
            name = f.name.replace("_", "-")
            if isinstance(obj, Block | TextPart) and f.name == "text":
                what = owner
            elif owner is None:
                what = f"'{name}'"
            elif isinstance(value, str):
                what = f"{name} of {owner}"
            else:
                what = owner
            yield from _texts(value, pos, what, isinstance(obj, Signatory) and f.name in _ONE_LINE)


def _owner_of(obj, parent: str | None) -> str | None:
    """How a message names the part of a letter or roster that holds a text."""
    if isinstance(obj, Signatory | Party):
        return f"'{visible(obj.name)}'"
    if isinstance(obj, Footnote):
        return f"footnote '{obj.key}'"
    if isinstance(obj, Source):
        return f"source '{obj.key}'"
    if isinstance(obj, Block):
        return {"heading": "a heading", "quote": "a block quotation"}.get(obj.kind, "a paragraph")
    if isinstance(obj, TextPart):
        return f"the text of {parent}"
    if isinstance(obj, Citation):
        return f"a citation in {parent}"
    if isinstance(obj, SignatureStyle | Section):
        return "'signatures'"
    return parent


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
