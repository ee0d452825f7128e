"""Quotation verification: find each quotation in the archived text of the source it cites."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..format.inline import parse_inline, plain_text
from ..format.model import Letter, Source
from ..problems import Pos, Problem

# The validation rules this module reports (validate.RULES lists every rule of the tool).
RULES = {
    "quote-mismatch": "A quotation is not in the archived text of the source it cites.",
    "snapshot-missing": "A source's hand-added snapshot file is missing or cannot be read.",
}
# What honest quoting changes, and so what matching forgives (docs/sources.md says why):
# every quotation mark is one mark (curly or straight, single or double: nesting swaps them);
SINGLE_QUOTES = "'‘’‚‛′`´"
DOUBLE_QUOTES = '"“”„‟″«»'
QUOTE = '"'
# the hyphen characters are one hyphen; a soft hyphen and zero-width characters are nothing;
HYPHENS = "-\u2010\u2011"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# a hyphen that ends a line before a lower-case letter may be a word broken by the layout (PDF):
# it is kept as BREAK, which matches "-" or nothing; the line break after a hyphen is dropped.
BREAK = "\x00"
_LINE_END = re.compile(r"[ \t]*\r?\n[ \t]*")
# An omission: "…", "...", ". . .", bracketed or not. An insertion: any other [bracketed] text.
_GAP = re.compile(r"\s*\[\s*\.(?:\s?\.){2,}\s*\]\s*|\s*\.(?:\s?\.){2,}\s*")
_INSERTION = re.compile(r"\s*\[[^\[\]]{1,80}\]\s*")
# How far an omission may reach, and how long the words a bracketed insertion stands for may be
# (in characters of normalised text): far enough for honest quoting, short enough that a
# quotation cannot be stitched from distant places of a long report.
MAX_OMISSION = 1500
MAX_INSERTION = 60
# Punctuation that may close a quotation without being in the source ("…improves.”).
CLOSING_PUNCTUATION = ".,;:"
# Body text: a footnote call is marked by these while the passages are cut out.
_CALL_OPEN, _CALL_CLOSE = "\x01", "\x02"
_CALL = f"{_CALL_OPEN}[^{_CALL_CLOSE}]*{_CALL_CLOSE}"
_CALLS_AFTER = re.compile(rf"[{re.escape(CLOSING_PUNCTUATION)}!?)]*((?:{_CALL})+)")


@dataclass
class Normalised:
    """A text in the form quotations are matched in, with the way back to the original."""

    text: str
    origin: list[int]  # origin[i]: index in the original text of normalised character i
    original: str

    def excerpt(self, start: int, end: int) -> str:
        """The original words behind normalised [start, end), whitespace collapsed."""
        if start >= end:
            return ""
        a, b = self.origin[start], self.origin[end - 1] + 1
        return " ".join(self.original[a:b].split())


def normalise(text: str) -> Normalised:
    """Fold quotation marks, hyphens and whitespace; keep a map to the original characters."""
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    origin: list[int] = []
    space_pending = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            space_pending = bool(out)
            i += 1
            continue
        if ch == "\u00ad":  # a soft hyphen joins the word across a line break, invisibly
            m = _LINE_END.match(text, i + 1)
            i = m.end() if m else i + 1
            continue
        if ch in HYPHENS and i and not text[i - 1].isspace():
            m = _LINE_END.match(text, i + 1)
            if m and m.end() < n:
                # A line break after a hyphen is never a space; before a lower-case letter the
                # hyphen itself may be the layout's (BREAK), before anything else it is real.
                out.append(BREAK if text[m.end()].islower() else "-")
                origin.append(i)
                space_pending = False
                i = m.end()
                continue
        if ch in INVISIBLE:
            i += 1
            continue
        if space_pending:
            out.append(" ")
            origin.append(i - 1)
            space_pending = False
        if ch in SINGLE_QUOTES or ch in DOUBLE_QUOTES:
            folded = QUOTE
        elif ch in HYPHENS:
            folded = "-"
        else:
            folded = unicodedata.normalize("NFKC", ch)
        for c in folded:
            out.append(c)
            origin.append(i)
        i += 1
    return Normalised("".join(out), origin, text)


@dataclass
class Quotation:
    """A quotation compiled into the pattern that finds it in normalised source text."""

    text: str
    pattern: re.Pattern
    probe: str  # the quoted words alone, to find the closest passage when there is no match


def compile_quotation(quotation: str) -> Quotation:
    """Turn a quotation into a pattern: literal words, omissions (…) and insertions ([…])."""
    q = normalise(quotation).text.strip()
    if q and q[-1] in CLOSING_PUNCTUATION and not q.endswith("..."):
        q = q[:-1].rstrip()
    tokens: list[tuple[str, str]] = []  # (kind, text): literal | gap | insertion
    pos = 0
    for m in re.finditer(f"{_GAP.pattern}|{_INSERTION.pattern}", q):
        if m.start() > pos:
            tokens.append(("literal", q[pos:m.start()]))
        tokens.append(("gap" if _GAP.fullmatch(m.group(0)) else "insertion", m.group(0)))
        pos = m.end()
    if pos < len(q):
        tokens.append(("literal", q[pos:]))
    while tokens and tokens[0][0] == "gap":  # "… the State should": the sentence went on before
        tokens.pop(0)
    while tokens and tokens[-1][0] == "gap":
        tokens.pop()
    parts: list[str] = []
    first_letter_done = False
    for kind, text in tokens:
        if kind == "gap":
            parts.append(f".{{0,{MAX_OMISSION}}}?")
            first_letter_done = True
            continue
        if kind == "insertion":
            parts.append(f".{{0,{MAX_INSERTION}}}?")
            first_letter_done = True
            continue
        parts.append(_literal(text, first_letter_done))
        first_letter_done = True
    probe = " ".join(
        text if kind == "literal" else text.strip().strip("[]") if kind == "insertion" else ""
        for kind, text in tokens
    )
    return Quotation(quotation, re.compile("".join(parts), re.DOTALL), " ".join(probe.split()))


def _literal(text: str, first_letter_done: bool) -> str:
    out: list[str] = []
    previous = ""
    for ch in text:
        if previous.isalpha() and ch.isalpha():
            out.append(f"{BREAK}?")  # a word the source's layout broke across lines
        if ch == "-" or ch == BREAK:
            out.append(f"[-{BREAK}]")
        elif not first_letter_done and ch.isalpha():
            out.append(f"[{re.escape(ch.lower())}{re.escape(ch.upper())}]")
        else:
            out.append(re.escape(ch))
        if ch.isalnum():
            first_letter_done = True  # only the first letter may change case
        previous = ch
    return "".join(out)


@dataclass
class Verdict:
    """Whether a quotation was found in a source text; if not, the closest passage there."""

    found: bool
    passage: str = ""  # the source's own words: the match, or the closest passage
    score: float = 100.0


def verify_quotation(quotation: str | Quotation, source: str | Normalised) -> Verdict:
    """Look for a quotation in a source text with the tolerances of honest quoting."""
    q = quotation if isinstance(quotation, Quotation) else compile_quotation(quotation)
    src = source if isinstance(source, Normalised) else normalise(source)
    if not q.probe.strip():
        return Verdict(True, "")
    m = q.pattern.search(src.text)
    if m:
        return Verdict(True, src.excerpt(m.start(), m.end()))
    passage, score = closest_passage(q.probe, src)
    return Verdict(False, passage, score)


def closest_passage(words: str, source: Normalised) -> tuple[str, float]:
    """The passage of the source most like `words` (rapidfuzz partial alignment), and its score."""
    from rapidfuzz import fuzz

    haystack = source.text.replace(BREAK, "-")
    if not haystack or not words:
        return "", 0.0
    al = fuzz.partial_ratio_alignment(words, haystack)
    # The alignment is a window as long as the quotation, but the true passage may be longer
    # (the quotation dropped a word) or shorter: try the word boundaries around the window and
    # keep the passage most like the quotation.
    slack = max(12, len(words) // 4)
    lo, hi = al.dest_start, al.dest_end
    starts = [i for i in range(max(0, lo - slack), min(hi, lo + slack) + 1)
              if i == 0 or haystack[i - 1] == " "]
    ends = [j for j in range(max(lo, hi - slack), min(len(haystack), hi + slack) + 1)
            if j == len(haystack) or haystack[j] == " "]
    folded = words.lower()
    candidates = [(fuzz.ratio(folded, haystack[i:j].lower()), i, j)
                  for i in starts for j in ends if j > i]
    # the most alike; of equals, the one nearest the alignment
    score, start, end = max(candidates, default=(al.score, lo, hi),
                            key=lambda c: (c[0], -abs(c[1] - lo) - abs(c[2] - hi)))
    marks = SINGLE_QUOTES + DOUBLE_QUOTES  # the source's own quotation marks around the words
    return source.excerpt(start, end).strip(marks), score


def body_quotations(text: str) -> list[tuple[str, list[str]]]:
    """Each outermost “…” passage of an inline text that a footnote call follows, with its keys.

    A footnote call counts as following a passage when only closing punctuation stands
    between the closing quotation mark and the call (“…”.[^key] or “…”[^key]).
    """
    flat = plain_text(parse_inline(text), note_label=lambda key: f"{_CALL_OPEN}{key}{_CALL_CLOSE}")
    out: list[tuple[str, list[str]]] = []
    depth, start = 0, 0
    for i, ch in enumerate(flat):
        if ch == "“":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
            if depth == 0:
                m = _CALLS_AFTER.match(flat, i + 1)
                if m:
                    keys = re.findall(f"{_CALL_OPEN}([^{_CALL_CLOSE}]*){_CALL_CLOSE}", m.group(1))
                    passage = re.sub(_CALL, "", flat[start:i])
                    out.append((passage, keys))
    return out


def block_quotation(text: str) -> list[tuple[str, list[str]]]:
    """A block quotation (`quote:`) that ends with footnote calls quotes the sources they cite.

    Its words are the whole block less those calls; a block with no call at its end says
    nothing about where it comes from and is not checked.
    """
    flat = plain_text(parse_inline(text), note_label=lambda key: f"{_CALL_OPEN}{key}{_CALL_CLOSE}")
    m = re.search(rf"((?:{_CALL})+)\s*$", flat)
    if not m:
        return []
    keys = re.findall(f"{_CALL_OPEN}([^{_CALL_CLOSE}]*){_CALL_CLOSE}", m.group(1))
    return [(re.sub(_CALL, "", flat[:m.start()]).strip(), keys)]


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def check_quotations(letter: Letter) -> list[Problem]:
    """Verify every quotation of a letter whose cited source has an archived text.

    That is each citation's `quotation:`, and each “…” passage of the body followed by a
    footnote call, against the sources that footnote cites. Sources with no snapshot are not
    checked (run `undersigned archive`); a `snapshot:` file that is missing, or cannot be read
    when a quotation needs it, is a problem.
    """
    problems: list[Problem] = []
    texts: dict[str, tuple[str, Normalised] | None] = {}

    def text_of(source: Source) -> tuple[str, Normalised] | None:
        if source.key not in texts:
            from .archive import SnapshotError, source_text  # only when a quotation needs it

            try:
                found = source_text(letter, source)
            except SnapshotError as e:
                problems.append(source.field_pos.get("snapshot", source.pos).error(
                    "snapshot-missing", str(e)))
                found = None
            texts[source.key] = (found[0], normalise(found[1])) if found else None
        return texts[source.key]

    def check(quotation: str, keys: list[str], pos: Pos, what: str) -> None:
        sources = [letter.sources[k] for k in dict.fromkeys(keys) if k in letter.sources]
        archived = [(s, t) for s in sources if (t := text_of(s)) is not None]
        if not archived:
            return
        q = compile_quotation(quotation)
        best: tuple[Source, str, Verdict] | None = None
        for source, (where, text) in archived:
            verdict = verify_quotation(q, text)
            if verdict.found:
                return
            if best is None or verdict.score > best[2].score:
                best = (source, where, verdict)
        source, where, verdict = best
        shown = (f"the closest passage ({verdict.score:.0f}% alike) reads: “{verdict.passage}”"
                 if verdict.passage else "nothing there comes close")
        problems.append(pos.error(
            "quote-mismatch",
            f"{what} “{_short(quotation)}” is not in the archived text of source "
            f"'{source.key}' ({where}); {shown}; quote the source's words exactly, marking "
            "omissions with … and your own words with [brackets]",
        ))

    for note in letter.footnotes.values():
        for part in note.citations:
            if part.quotation:
                check(part.quotation, [part.cite], part.field_pos.get("quotation", part.pos),
                      f"the quotation in footnote '{note.key}'")
    for block in letter.body:
        positions = block.item_pos if block.kind == "list" else [block.pos]
        for text, pos in zip(block.texts, positions, strict=False):
            found = body_quotations(text)
            if block.kind == "quote":
                found += block_quotation(text)
            for passage, calls in found:
                keys = [c.cite for k in calls if k in letter.footnotes
                        for c in letter.footnotes[k].citations]
                check(passage, keys, pos, f"the quoted passage before [^{calls[0]}]")
    for source in letter.sources.values():  # a broken snapshot path, quoted from or not
        if source.snapshot and source.key not in texts and \
                not (letter.path.parent / source.snapshot).is_file():
            text_of(source)
    return problems

