"""Date patterns for letters: 'MMMM D, YYYY' → 'September 21, 2023'; partial dates of sources."""

from __future__ import annotations

import datetime as dt
import re

from . import locales

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_TOKEN = re.compile(r"YYYY|YY|MMMM|MMM|MM|M|DD|D")
_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2}))?\Z")


class PartialDate:
    """A source date known only to the year (`2017`) or the month (`2017-06`).

    Full dates stay `datetime.date`; these compare through `first_day` and `last_day`.
    """

    __slots__ = ("month", "year")

    def __init__(self, year: int, month: int | None = None) -> None:
        self.year, self.month = year, month

    def isoformat(self) -> str:
        return f"{self.year:04d}" if self.month is None else f"{self.year:04d}-{self.month:02d}"

    __str__ = isoformat

    def __repr__(self) -> str:
        return f"PartialDate({self.isoformat()!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, PartialDate) and (self.year, self.month) == (other.year,
                                                                               other.month)

    def __hash__(self) -> int:
        return hash((self.year, self.month))


SourceDate = dt.date | PartialDate


def parse_partial_date(value: str) -> SourceDate | None:
    """`YYYY-MM-DD` → a date; `YYYY` or `YYYY-MM` → a PartialDate; anything else → None."""
    if not isinstance(value, str):
        return None
    if len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    m = _PARTIAL.match(value)
    if not m:
        return None
    year, month = int(m.group(1)), m.group(2) and int(m.group(2))
    if year < 1 or (month is not None and not 1 <= month <= 12):
        return None
    return PartialDate(year, month)


def first_day(value: SourceDate) -> dt.date:
    """The earliest day a date can mean (2017-06 → 2017-06-01)."""
    if isinstance(value, PartialDate):
        return dt.date(value.year, value.month or 1, 1)
    return value


def last_day(value: SourceDate) -> dt.date:
    """The latest day a date can mean (2017-06 → 2017-06-30)."""
    if isinstance(value, PartialDate):
        if value.month is None:
            return dt.date(value.year, 12, 31)
        following = dt.date(value.year + value.month // 12, value.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return value


def format_date(day: dt.date, pattern: str, months: tuple[str, ...] | list[str] = MONTHS
                ) -> str:
    """Format a date by a pattern of tokens D DD M MM MMM MMMM YY YYYY (other text kept).

    `months` names the months for MMMM (a citation style may abbreviate them: "Sept.").
    Inside `locales.localized(lang, …)` (a letter in another language, or a translation) the
    months and the arrangement are that language's, from CLDR.
    """
    loc = locales.current()
    if loc is not None and not (locales.is_english(loc.lang) and not loc.translated):
        return locales.format_localized_date(day, pattern, loc)
    values = {
        "YYYY": f"{day.year:04d}",
        "YY": f"{day.year % 100:02d}",
        "MMMM": months[day.month - 1],
        "MMM": MONTHS[day.month - 1][:3],
        "MM": f"{day.month:02d}",
        "M": str(day.month),
        "DD": f"{day.day:02d}",
        "D": str(day.day),
    }
    return _TOKEN.sub(lambda m: values[m.group(0)], pattern)


def month_pattern(pattern: str) -> str:
    """The pattern of a day without its day: 'MMMM D, YYYY' → 'MMMM YYYY'."""
    out = re.sub(r"\bD{1,2}\b[.,]?\s*", "", pattern).strip(" ,./-")
    return out if "M" in out else "MMMM YYYY"


def is_valid_pattern(pattern: str) -> bool:
    """A pattern must show at least a year."""
    return "YY" in pattern
