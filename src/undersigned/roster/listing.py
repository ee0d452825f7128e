"""`sign list`: a roster's signatories filtered, who endorsed an earlier text, and counts,
read one entry at a time where the roster's layout allows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LoadError, RosterError
from ..format.load import Reader, build_signatory, load_roster
from ..format.model import Signatory
from ..format.rosterlayout import NotCanonical, iter_canonical_roster
from ..format.schema import SIGNATORY_KINDS, STATUSES
from ..format.yamlio import RawList, RawMap, read_text
from ..gcpause import paused_gc
from ..problems import Pos
from .fingerprint import Fingerprints
from .operations import Paths, kind_of


@dataclass
class Listing:
    signatories: list[Signatory]
    stale: set[int]  # ids of the signatories who endorsed an earlier text
    counts: dict[str, int]
    lang: str = ""  # the letter's language
    stale_by_lang: dict[str, int] = field(default_factory=dict)  # stale signatories per language


def list_signatories(letter: Path, *, status: str | None = None, kind: str | None = None,
                     stale: bool = False) -> Listing:
    """The roster's entries (filtered), who endorsed an earlier text, and counts: the whole
    roster loaded at once (`stream_signatories` reads it one entry at a time)."""
    paths = Paths.of(letter)
    if not paths.roster.exists():
        return Listing([], set(), _counts([]))
    roster, problems = load_roster(paths.roster, paths.roster.name)
    errors = [p for p in problems if p.severity.value == "error"]
    if roster is None:
        raise RosterError("\n".join(p.format() for p in errors))
    prints = Fingerprints(letter)
    stale_ids = {id(s) for s in roster.signatories if _is_stale(prints, s)}
    chosen = [s for s in roster.signatories if _chosen(s, status, kind, stale, id(s) in stale_ids)]
    by_lang: dict[str, int] = {}
    for s in roster.signatories:
        if id(s) in stale_ids:
            _count_language(by_lang, prints, s)
    return Listing(chosen, stale_ids, _counts(chosen),
                   prints.letter.lang if prints.letter else "", dict(sorted(by_lang.items())))


class SignatoryStream:
    """The signatories `sign list` shows, as (signatory, stale) pairs in the roster's order.

    A roster in the canonical layout is read one entry at a time: once through first, keeping
    nothing, so that a line outside the layout found near the end sends the listing to the
    whole-file reader before anything has been shown; then again as the caller iterates, each
    entry dropped once it is handed on. Any other roster is loaded whole (`list_signatories`),
    with the same results and errors as before. `counts`, `stale_count`, `stale_by_lang` and
    `lang` are complete once the iteration has ended.
    """

    def __init__(self, letter: Path, *, status: str | None = None, kind: str | None = None,
                 stale: bool = False):
        self.letter, self.status, self.kind, self.stale = letter, status, kind, stale
        self.counts = _counts([])
        self.stale_count = 0
        self.stale_by_lang: dict[str, int] = {}
        self.lang = ""
        self._listing: Listing | None = None
        self._text: str | None = None
        self._display = ""
        roster_file = Paths.of(letter).roster
        if not roster_file.exists():
            self._listing = Listing([], set(), _counts([]))
            return
        try:
            text = read_text(roster_file, roster_file.name)
            with paused_gc():
                if _canonical_with_entries(text, roster_file.name):
                    self._text, self._display = text, roster_file.name
        except LoadError:  # the whole-file reader reports it, as it always has
            pass
        if self._text is None:
            self._listing = list_signatories(letter, status=status, kind=kind, stale=stale)

    def __iter__(self) -> Iterator[tuple[Signatory, bool]]:
        if self._listing is not None:
            listing = self._listing
            self.counts, self.stale_count = listing.counts, len(listing.stale)
            self.stale_by_lang, self.lang = listing.stale_by_lang, listing.lang
            for s in listing.signatories:
                yield s, id(s) in listing.stale
            return
        counts, by_lang = _counts([]), {}
        self.counts, self.stale_count, self.stale_by_lang = counts, 0, {}
        prints = Fingerprints(self.letter)
        for s in _signatories(self._text, self._display):
            is_stale = _is_stale(prints, s)
            if is_stale:
                self.stale_count += 1
                _count_language(by_lang, prints, s)
            if _chosen(s, self.status, self.kind, self.stale, is_stale):
                _count(counts, s)
                yield s, is_stale
        self.stale_by_lang = dict(sorted(by_lang.items()))
        self.lang = prints.letter.lang if prints.letter else ""


def stream_signatories(letter: Path, *, status: str | None = None, kind: str | None = None,
                       stale: bool = False) -> SignatoryStream:
    """The signatories `sign list` shows, read one at a time (see SignatoryStream)."""
    return SignatoryStream(letter, status=status, kind=kind, stale=stale)


def _canonical_with_entries(text: str, display: str) -> bool:
    """Whether the canonical scanner reads the whole roster (one pass, nothing kept): then
    `_signatories` cannot stop half-way through."""
    root = RawMap(Pos(display, 1, 1))
    try:
        seen = sum(1 for _ in iter_canonical_roster(text, display, root))
    except NotCanonical:
        return False
    # `signatories:` with no entry is null to YAML: the whole-file reader says so
    return seen > 0 or not isinstance(root.get("signatories"), RawList)


def _signatories(text: str, display: str) -> Iterator[Signatory]:
    """The entries of a canonical roster as `build_roster` makes them, one at a time (the
    problems it reports are not kept: a listing does not show them)."""
    reader = Reader(display)
    for entry in iter_canonical_roster(text, display, RawMap(Pos(display, 1, 1))):
        s = build_signatory(reader, entry, entry.pos)
        reader.problems.clear()
        if s is not None:
            yield s


def _is_stale(prints: Fingerprints, s: Signatory) -> bool:
    """Whether `s` endorsed an earlier text than the letter's (or its translation's) now."""
    if not s.endorsed or s.status == "withdrawn":
        return False
    try:
        return s.endorsed != prints.of(s.lang)
    except RosterError:  # a language the letter has no (readable) translation for
        return True


def _chosen(s: Signatory, status: str | None, kind: str | None, stale_only: bool,
            is_stale: bool) -> bool:
    return (status is None or s.status == status) and \
        (kind is None or s.kind == kind_of(kind)) and (not stale_only or is_stale)


def _count_language(by_lang: dict[str, int], prints: Fingerprints, s: Signatory) -> None:
    lang = s.lang or (prints.letter.lang if prints.letter else "")
    by_lang[lang] = by_lang.get(lang, 0) + 1


def _counts(sigs: list[Signatory]) -> dict[str, int]:
    counts = {"total": 0, **dict.fromkeys(STATUSES, 0), **dict.fromkeys(SIGNATORY_KINDS, 0),
              "named": 0, "unnamed": 0}
    for s in sigs:
        _count(counts, s)
    return counts


def _count(counts: dict[str, int], s: Signatory) -> None:
    """Count one more listed signatory."""
    counts["total"] += 1
    if s.status in STATUSES:
        counts[s.status] += 1
    if s.kind in SIGNATORY_KINDS:
        counts[s.kind] += 1
    if s.status == "confirmed":
        counts["named" if s.named else "unnamed"] += 1


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
