"""Name matching for the roster: one name against a roster (`NameIndex`, what `sign add` and
`sign import` check at the door) and the one neighbour scan for near-duplicates that `validate`
and `sign import` share, with the thresholds both use."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .collation import acronym_of, identity_key, identity_keys, numbers_differ

FUZZY_THRESHOLD = 90  # rapidfuzz ratio of two identity keys from which names look alike
FUZZY_WINDOW = 6  # neighbours compared on each side, in each of the two sort orders


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


def look_keys(names: list[str], keys: list[str]) -> list[str]:
    """`look_key` of each name, made at once; `keys` are the names' identity keys, which an
    ASCII name's look key is."""
    from ..textsafety import skeleton

    looks = list(keys)
    foreign = [i for i, n in enumerate(names) if not n.isascii()]
    for i, look in zip(foreign, identity_keys([skeleton(names[i]) for i in foreign]),
                       strict=True):
        looks[i] = look
    return looks


def _first_places(keys: list[str]) -> dict[str, int]:
    """Each key → the index of its first occurrence (made in C: later pairs overwrite)."""
    return dict(zip(reversed(keys), range(len(keys) - 1, -1, -1), strict=True))


class NameIndex:
    """The names of a roster under the validator's matching rules, for checks at the door.

    Exact: `identity_key` (case, accents, punctuation, spacing, a parenthesised part). Acronym:
    one name is the other's acronym in parentheses (`acronym_of`). Similar: rapidfuzz ratio of
    the identity keys at the validator's threshold.
    """

    def __init__(self, names: list[str], lines: Callable[[int], int],
                 withdrawn: Callable[[int], bool] = lambda i: False,
                 keys: list[str] | None = None, looks: list[str] | None = None):
        """`keys` and `looks`, when given, are the names' identity and look keys already
        made (`identity_keys`, `look_keys`), e.g. kept between runs (indexcache.py)."""
        self.names = names
        self.keys = keys if keys is not None else identity_keys(names)
        self.exact = _first_places(self.keys)
        self.acronyms: dict[str, int] = {}
        for i, n in enumerate(names):
            if "(" in n and (a := acronym_of(n)):
                self.acronyms.setdefault(a, i)
        self._line = lines
        self._withdrawn = withdrawn
        # What each name looks like (invisible characters dropped, Cyrillic and Greek
        # look-alikes made Latin): "Humаn Rights Watch" with a Cyrillic "а" is caught.
        self.look_list = looks if looks is not None else look_keys(names, self.keys)
        self.looks = _first_places(self.look_list)

    def _match(self, i: int, how: str, score: float = 100.0) -> Match:
        return Match(self.names[i], self._line(i), how, self._withdrawn(i), score)

    def exact_match(self, name: str) -> Match | None:
        i = self.exact.get(identity_key(name))
        return None if i is None else self._match(i, "same")

    def similar(self, name: str, exclude: int | None = None) -> list[Match]:
        """Acronym and fuzzy matches of one name against every entry (one C-speed pass)."""
        from rapidfuzz import fuzz, process

        threshold = FUZZY_THRESHOLD
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


def neighbour_pairs(keys: list[str], window: int, only: Iterable[int] | None = None
                    ) -> Iterator[tuple[int, int]]:
    """The one neighbour scan: pairs (i, j) of indices whose keys stand within `window`
    places of each other when the keys are sorted as written, then sorted with each key
    reversed (so that a typo at either end of a name still leaves it near its twin).

    With `only`, just the pairs around those indices (both sides); without, every index with
    the `window` that follow it. Comparing neighbours instead of all pairs is what keeps the
    duplicate checks near-linear on 50,000 names; `validate` and `sign` share this scan.
    """
    n = len(keys)
    wanted = None if only is None else set(only)
    for order in (sorted(range(n), key=lambda i: keys[i]),
                  sorted(range(n), key=lambda i: keys[i][::-1])):
        if wanted is None:
            for p, i in enumerate(order):
                for j in order[p + 1: p + 1 + window]:
                    yield i, j
        else:
            where = {i: p for p, i in enumerate(order) if i in wanted}
            for i, p in where.items():
                for j in order[max(0, p - window): p + window + 1]:
                    if j != i:
                        yield i, j


def similar_pairs(keys: list[str], only: Iterable[int], threshold: int = FUZZY_THRESHOLD,
                  window: int = FUZZY_WINDOW) -> dict[int, tuple[int, float]]:
    """For each index in `only`, the most similar other key among its neighbours
    (`neighbour_pairs`)."""
    from rapidfuzz import fuzz

    best: dict[int, tuple[int, float]] = {}
    for i, j in neighbour_pairs(keys, window, only):
        if keys[j] == keys[i]:
            continue
        score = fuzz.ratio(keys[i], keys[j], score_cutoff=threshold)
        if score and score > best.get(i, (None, 0.0))[1] \
                and not numbers_differ(keys[i], keys[j]):
            best[i] = (j, score)
    return best
