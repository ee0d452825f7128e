"""Rules of the citations: footnote calls, links and {fields} in a text, markup no output
renders, each source's required fields and dates, UN symbols, the citation style."""

from __future__ import annotations

import datetime as dt
import re

from ..format import schema
from ..format.dates import first_day, last_day
from ..format.inline import FIELDS, links, note_refs
from ..format.model import Citation, Footnote, Letter, TextPart
from ..format.urls import url_problem
from ..problems import Pos, Problem

# A UN document symbol: an organ prefix, then slash-separated components such as A/77/522,
# A/HRC/25/CRP.1, CAT/C/CHN/CO/5, E/CN.4/2005/L.10/Add.1, S/RES/2231(2015), A/RES/217(III).
UN_SYMBOL = re.compile(
    r"[A-Z][A-Z0-9]*(?:\.[0-9]+)?"  # the organ: A, S, E, CAT, CEDAW, E/CN.4 …
    r"(?:/[A-Za-z0-9]+(?:[.\-][A-Za-z0-9]+)*(?:\((?:[0-9]{4}|[IVXLC]+)\))?)+\Z"  # /25/CRP.1
)


def check_citation_style(letter: Letter) -> list[Problem]:
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


def check_markup(note: Footnote, part) -> list[Problem]:
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


def suggest(key: str, known) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_inline(letter: Letter, text: str, pos: Pos, called: set[str] | None) -> list[Problem]:
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
                                 f"'footnotes:'{suggest(key, letter.footnotes)}"))
    for href in links(text):
        if problem := url_problem(href):
            out.append(pos.error("url-invalid", f"link '{href}' {problem}"))
    for name in re.findall(r"(?<!\\)\{([a-z_]+(?::[a-z]+)?)\}", text):
        if name not in FIELDS:
            out.append(pos.warning("inline-field", f"{{{name}}} is not a known field (known: "
                                   f"{', '.join(FIELDS)}); write \\{{ for a literal brace"))
    return out


def check_source(source, today: dt.date) -> list[Problem]:
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
