"""A roster loaded and checked by the roster rules, once, or again only when its file changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from ..errors import LoadError
from ..format.load import load_roster
from ..format.model import Roster
from ..format.rosteragain import RosterMemo, load_roster_again
from ..format.yamlio import read_text
from ..problems import Problem
from ..workspace import display_path

# (roster file, current directory, today, warnings too?) → (roster, problems)
RosterLoader = Callable[[Path, Path, dt.date, bool], tuple[Roster | None, list[Problem]]]


def load_checked_roster(path: Path, cwd: Path, today: dt.date, warnings: bool
                        ) -> tuple[Roster | None, list[Problem]]:
    """Load a roster and run the roster rules on it (`warnings=False`: those that can fail)."""
    from .rosterrules import check_roster

    roster, problems = load_roster(path, display_path(path, cwd))
    if roster is not None:
        problems += check_roster(roster, today, warnings)
    return roster, problems


class RosterCache:
    """A `RosterLoader` that keeps the last roster it checked and re-uses it while the file's
    bytes (and the day, and the rules asked) stay the same: the live preview re-checks after
    every save, and most saves are of the letter."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._value: tuple[Roster | None, list[Problem]] = (None, [])
        self._memo: RosterMemo | None = None  # what the next load can take from the last

    def __call__(self, path: Path, cwd: Path, today: dt.date, warnings: bool
                 ) -> tuple[Roster | None, list[Problem]]:
        display = display_path(path, cwd)
        try:  # read once, as every workspace file is; the text is the key and what is loaded
            text = read_text(path, display)
        except LoadError as e:
            self._key = None
            return None, list(e.problems)
        key = (path, cwd, today, warnings, text)
        if key != self._key:
            self._value = self._load_checked(path, display, today, warnings, text)
            self._key = key
        roster, problems = self._value
        return roster, list(problems)

    def _load_checked(self, path: Path, display: str, today: dt.date, warnings: bool,
                      text: str) -> tuple[Roster | None, list[Problem]]:
        """`load_checked_roster`, re-reading only the entries whose text changed since the
        last load (format/rosteragain.py); the roster rules run on the whole roster."""
        from .rosterrules import check_roster

        roster, problems, memo = load_roster_again(path, display, self._memo, text)
        # A load that could not make a memo (a roster broken for a moment, or read half
        # written) keeps the last one: its entries are found again by their text, so the
        # next good save is read as a few changed entries, not as a new roster.
        self._memo = memo or self._memo
        if roster is not None:
            problems += check_roster(roster, today, warnings)
        return roster, problems

    @property
    def roster(self) -> Roster | None:
        """The roster kept (None before the first call)."""
        return self._value[0]
