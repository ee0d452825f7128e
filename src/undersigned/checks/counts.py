"""What the letter says of its signatories, against the roster: rules count-mismatch (numbers
in the text that claim how many signed) and signatories-unprinted (no section lists them)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..format.model import Letter, Roster
from ..problems import Pos, Problem

_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100,
}
_UNITS = {"one": 1, **{k: v for k, v in _WORDS.items() if v < 10}}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_NUMBER = (r"\d{1,3}(?:,\d{3})+|\d+"
           rf"|(?:{_TENS})[-\s](?:one|two|three|four|five|six|seven|eight|nine)"
           rf"|{'|'.join(sorted(_WORDS, key=len, reverse=True))}")
_QUALIFIER = (r"more than|over|at least|nearly|almost|about|around|approximately|some|"
              r"fewer than|less than|under")
_ORGS = r"organi[sz]ations|groups|NGOs|CSOs|associations|institutions"
_PEOPLE = r"individuals|people|persons|experts|scholars|activists"
_ALL = r"signatories|signers|co-?signatories|co-?signers|endorsers"
_CLAIM = re.compile(
    rf"\b(?:(?P<qualifier>{_QUALIFIER})\s+)?(?P<number>{_NUMBER})\s+"
    r"(?:[\w’'-]+\s+){0,2}?"  # "civil society", "human rights", "undersigned"
    rf"(?P<noun>{_ORGS}|{_PEOPLE}|{_ALL})\b"
    rf"(?P<both>\s+and\s+(?:[\w’'-]+\s+)?(?:{_ORGS}|{_PEOPLE}))?",
    re.IGNORECASE)
# Without these in the sentence, "50 individuals were detained" is not about the signatories.
_SIGNING = re.compile(
    r"\b(?:(?:co-?)?sign(?:s|ed|ing|atory|atories)?|undersigned|endors(?:e|es|ed|ing|ement)"
    r"|join(?:s|ed|ing)?|coalition|we|us|our)\b", re.IGNORECASE)
# roster fields ({count:…} are right by construction) and footnote calls are not text
_FIELD = re.compile(r"(?<!\\)\{[a-z_]+(?::[a-z]+)?\}|\[\^[^\]\s]*\]")
_SENTENCE = re.compile(r"[^.!?;:]+[.!?;:]*")


def _value(text: str) -> int:
    text = text.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    if text in _WORDS:
        return _WORDS[text]
    tens, unit = re.split(r"[-\s]+", text)
    return _WORDS[tens] + _UNITS[unit]


def _kind(noun: str, both: str | None) -> str:
    if both or re.fullmatch(_ALL, noun, re.IGNORECASE):
        return "all"
    return "organization" if re.fullmatch(_ORGS, noun, re.IGNORECASE) else "individual"


def _disagrees(qualifier: str | None, stated: int, actual: int) -> bool:
    q = (qualifier or "").lower()
    if q in ("more than", "over"):
        return actual <= stated
    if q == "at least":
        return actual < stated
    if q in ("fewer than", "less than", "under"):
        return actual >= stated
    if q in ("nearly", "almost"):
        return not (stated * 0.9 <= actual < stated)
    if q:  # about, around, approximately, some: within a tenth
        return abs(actual - stated) > max(stated * 0.1, 1)
    return actual != stated


def _texts(letter: Letter) -> Iterator[tuple[str, Pos]]:
    for block in letter.body:
        positions = block.item_pos if block.kind == "list" else [block.pos]
        yield from zip(block.texts, positions, strict=False)
    where = letter.field_pos.get("signatures", letter.pos)
    for text in (letter.signatures.heading, letter.signatures.note):
        if text:
            yield text, where
    for section in letter.signatures.sections:
        for text in (section.heading, section.note):
            if text:
                yield text, section.pos if section.pos.line else where
    if letter.annex is not None:
        for block in letter.annex.body:
            positions = block.item_pos if block.kind == "list" else [block.pos]
            yield from zip(block.texts, positions, strict=False)


def check_signatories(letter: Letter, roster: Roster) -> list[Problem]:
    """Rules count-mismatch and signatories-unprinted."""
    return check_counts(letter, roster) + check_sections(letter, roster)


def check_counts(letter: Letter, roster: Roster) -> list[Problem]:
    """A warning for each number in the text that says how many signed and is not what the
    roster says. Counts written as {count:…} are filled in from the roster, so never wrong."""
    confirmed = [s for s in roster.signatories if s.status == "confirmed"]
    counts = {"all": len(confirmed),
              "organization": sum(s.kind == "organization" for s in confirmed),
              "individual": sum(s.kind == "individual" for s in confirmed)}
    out: list[Problem] = []
    for text, pos in _texts(letter):
        for sentence in _SENTENCE.findall(_FIELD.sub(" ", text)):
            for m in _CLAIM.finditer(sentence):
                if not (_SIGNING.search(sentence) or re.fullmatch(_ALL, m["noun"], re.I)):
                    continue
                kind = _kind(m["noun"], m["both"])
                stated, actual = _value(m["number"]), counts[kind]
                if not _disagrees(m["qualifier"], stated, actual):
                    continue
                field = {"all": "all", "organization": "organizations",
                         "individual": "individuals"}[kind]
                out.append(pos.warning(
                    "count-mismatch",
                    f"the text says “{m.group(0).strip()}” but the roster has {actual} "
                    f"confirmed {field if kind != 'all' else 'signatories'}; write "
                    f"{{count:{field}}} to take the number from the roster"))
    return out


def check_sections(letter: Letter, roster: Roster) -> list[Problem]:
    """A warning when printed signatories of a kind fall in no section of the list: they
    would silently be missing from every output."""
    covered = {s.kind for s in letter.signatures.sections}
    if "all" in covered:
        return []
    missing: dict[str, int] = {}
    for s in roster.signatories:
        if s.is_printed and s.kind not in covered:
            missing[s.kind] = missing.get(s.kind, 0) + 1
    if not missing:
        return []
    plural = {"individual": "individuals", "organization": "organizations"}
    who = " and ".join(f"{n} confirmed {plural.get(kind, kind) if n > 1 else kind}"
                       for kind, n in sorted(missing.items()))
    fix = " and ".join(f"'kind: {kind}'" for kind in sorted(missing))
    where = letter.field_pos.get("signatures", letter.pos)
    return [where.warning(
        "signatories-unprinted",
        f"{who} of the roster {'is' if sum(missing.values()) == 1 else 'are'} in no section of "
        "'signatures: sections:' and would be "
        f"printed nowhere; add a section with {fix} (or one with 'kind: all')")]
