"""Validation: every check of a letter, its roster and its translations, returning all problems
found; the rule ids (RULES), the letter's own rules and the endorsements. The other families of
rules are beside it: citations, rosterrules, hostile (text), translations, rosters (loading)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..format.load import load_letter
from ..format.model import Letter, LinkPart, Roster, Signatory
from ..format.urls import url_problem
from ..gcpause import paused_gc
from ..problems import Pos, Problem
from ..workspace import PRIVATE_SUFFIX, display_path, present, reserved_slug, roster_path
from .citations import check_citation_style, check_inline, check_markup, check_source, suggest
from .counts import check_signatories
from .hostile import check_text
from .rosters import RosterLoader, load_checked_roster

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
    "count-mismatch": "A number of signatories in the text disagrees with the roster (warning).",
    "signatories-unprinted": "Signatories of a kind that no section lists (warning).",
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

        translations, tproblems = load_translations(letter, cwd)
        problems += tproblems
        if translations:  # the checks (and the word diff they import) only when needed
            from .translations import check_translated_text, check_translation

            for translation in translations:
                problems += check_translation(letter, translation)
                problems += check_translated_text(letter, translation)
        problems += check_letter(letter, today)
        from ..sources.quotes import check_quotations  # quotations against the archived sources

        problems += check_quotations(letter)
    if roster is not None and letter is not None and (kinds := letter.signatures.as_listed_kinds()):
        # printed in the roster's own order: roster-order does not apply to those kinds
        listed = {(s.pos.file, s.pos.line) for s in roster.signatories if s.kind in kinds}
        problems = [p for p in problems
                    if p.rule != "roster-order" or (p.file, p.line) not in listed]
    if letter is not None and roster is not None:
        problems += check_endorsements(letter, roster, translations)
        if warnings:
            problems += check_signatories(letter, roster)
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
    annex = letter.annex.body if letter.annex is not None else []
    for block in [*letter.body, *annex]:
        positions = block.item_pos if block.kind == "list" else [block.pos]
        for text, pos in zip(block.texts, positions, strict=False):
            if not text.strip():
                out.append(pos.error("empty-paragraph", "this body item has no text; write "
                                     "text or delete it"))
            out += check_inline(letter, text, pos, called)

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
            out += check_markup(note, part)
            if isinstance(part, LinkPart):
                if problem := url_problem(part.link):
                    out.append(part.field_pos.get("link", part.pos).error(
                        "url-invalid", f"link in footnote '{note.key}' {problem}"))
                if part.text:
                    out += check_inline(letter, part.text, part.field_pos.get("text", part.pos),
                                         None)
                continue
            if hasattr(part, "cite"):
                cited.add(part.cite)
                if part.cite not in letter.sources:
                    out.append(part.field_pos.get("cite", part.pos).error(
                        "source-undefined",
                        f"footnote '{note.key}' cites '{part.cite}', which is not under "
                        f"'sources:'; define it or fix the key"
                        f"{suggest(part.cite, letter.sources)}",
                    ))
            else:
                out += check_inline(letter, part.text, part.pos, None)
    for key, source in letter.sources.items():
        if key not in cited:
            out.append(source.pos.warning("source-unused", f"source '{key}' is never cited; "
                                          "cite it in a footnote or delete it"))
        out += check_source(source, today)

    out += check_citation_style(letter)
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
