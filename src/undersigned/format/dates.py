"""Date patterns for letters: 'MMMM D, YYYY' → 'September 21, 2023'."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_TOKEN = re.compile(r"YYYY|YY|MMMM|MMM|MM|M|DD|D")


def format_date(day: dt.date, pattern: str) -> str:
    """Format a date by a pattern of tokens D DD M MM MMM MMMM YY YYYY (other text kept)."""
    values = {
        "YYYY": f"{day.year:04d}",
        "YY": f"{day.year % 100:02d}",
        "MMMM": MONTHS[day.month - 1],
        "MMM": MONTHS[day.month - 1][:3],
        "MM": f"{day.month:02d}",
        "M": str(day.month),
        "DD": f"{day.day:02d}",
        "D": str(day.day),
    }
    return _TOKEN.sub(lambda m: values[m.group(0)], pattern)


def is_valid_pattern(pattern: str) -> bool:
    """A pattern must show at least a year."""
    return "YY" in pattern
