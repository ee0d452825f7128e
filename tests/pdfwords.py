"""Words of a PDF with their boxes, from `pdftotext -bbox`: what consumer tests assert on.

A font with other metrics or a page break in another place moves words, wraps lines and
changes the order in which a flattened text dump lists them; the boxes still say which word
is a raised call mark, which words sit at the foot of which page and in what order a reader
meets them.  The tests therefore read positions and sizes, never a flattened dump.
"""

from __future__ import annotations

import html
import re
import statistics
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

_PAGE = re.compile(r"<page\b[^>]*>(.*?)</page>", re.S)
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" '
                   r'yMax="([-\d.]+)">(.*?)</word>', re.S)


@dataclass(frozen=True)
class Word:
    page: int  # 0-based
    x0: float
    y0: float  # top; y grows down the page
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def pdf_words(pdftotext: str, pdf: Path) -> list[list[Word]]:
    """Each page's words, as `pdftotext -bbox` finds them."""
    out = subprocess.run([pdftotext, "-bbox", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return [[Word(n, float(a), float(b), float(c), float(d), html.unescape(t))
             for a, b, c, d, t in _WORD.findall(page)]
            for n, page in enumerate(_PAGE.findall(out))]


def reading_order(words: list[Word]) -> list[Word]:
    """Words page by page, line by line, left to right.  A word belongs to a line when most
    of its height overlaps the line's, so a raised mark stays on the line it is set on."""
    ordered: list[Word] = []
    for page in sorted({w.page for w in words}):
        lines: list[tuple[float, float, list[Word]]] = []
        for w in sorted((w for w in words if w.page == page), key=lambda w: (w.y0, w.x0)):
            if lines:
                top, bottom, line = lines[-1]
                if min(bottom, w.y1) - max(top, w.y0) > 0.5 * min(w.height, bottom - top):
                    lines[-1] = (min(top, w.y0), max(bottom, w.y1), [*line, w])
                    continue
            lines.append((w.y0, w.y1, [w]))
        for _, _, line in lines:
            ordered.extend(sorted(line, key=lambda w: w.x0))
    return ordered


def body_height(pages: list[list[Word]]) -> float:
    """The height of the body text: the most common word height of the document."""
    return Counter(round(w.height, 1) for page in pages for w in page).most_common(1)[0][0]


def same_line(a: Word, b: Word) -> bool:
    """The two words' boxes overlap vertically on one page."""
    return a.page == b.page and min(a.y1, b.y1) > max(a.y0, b.y0)


def left_neighbour(word: Word, page: list[Word], gap: float = 1.5) -> Word | None:
    """The word that ends right where `word` begins, on its line."""
    near = [w for w in page if w is not word and same_line(w, word)
            and abs(w.x1 - word.x0) <= gap]
    return max(near, key=lambda w: w.x1, default=None)


def right_neighbour(word: Word, page: list[Word]) -> Word | None:
    """The next word to the right of `word` on its line."""
    after = [w for w in page if w is not word and same_line(w, word) and w.x0 >= word.x1 - 0.1]
    return min(after, key=lambda w: w.x0, default=None)


def raised_marks(pages: list[list[Word]]) -> list[tuple[Word, Word]]:
    """Every number set small and raised on a line of body text, as a note call is, with the
    word before it in reading order (on its line, or the last of the line before when the
    mark begins a line), in reading order."""
    height = body_height(pages)
    ordered = reading_order([w for page in pages for w in page])
    marks = []
    for i, w in enumerate(ordered):
        if i == 0 or not w.text.isdigit() or w.height >= 0.8 * height:
            continue
        line = [o for o in pages[w.page] if o.height >= 0.9 * height
                and min(o.y1, w.y1) - max(o.y0, w.y0) > 0.5 * w.height]
        nearest = min(line, key=lambda o: min(abs(o.x1 - w.x0), abs(w.x1 - o.x0)), default=None)
        if nearest is not None and w.y1 < nearest.y1 - 0.2 * nearest.height:
            marks.append((w, ordered[i - 1]))
    return marks


def note_starts(pages: list[list[Word]], label: str = r"\d+") -> dict[int, Word]:
    """Each note's number as printed at the foot: a word matching `label` (the number, maybe
    with a full stop) set smaller than the body, first on its line, with text after it."""
    height = body_height(pages)
    starts: dict[int, Word] = {}
    for w in reading_order([w for page in pages for w in page]):
        page = pages[w.page]
        if (re.fullmatch(label, w.text) and w.height < 0.9 * height
                and not any(o.x1 <= w.x0 for o in page if o is not w and same_line(o, w))
                and (after := right_neighbour(w, page)) is not None
                and after.height < 0.9 * height):
            starts.setdefault(int(re.match(r"\d+", w.text).group()), w)
    return starts


def squeeze(text: str) -> str:
    """Text without whitespace or hyphens: programs wrap lines differently, and pdftotext
    joins a word hyphenated at a line end ("non-" + "refoulement" -> "nonrefoulement")."""
    return re.sub(r"[\s\-]+", "", text)


def assert_notes_at_the_foot(pages: list[list[Word]], notes: dict[int, str], *,
                             label: str = r"\d+", text_of=lambda n, text: f"{n} {text}",
                             may_continue: bool = False) -> None:
    """Each note's first call is a raised number in the body; the note starts at the foot of
    the same page, below the call, with its number, and its whole text follows there (or goes
    on at the foot of the next page when `may_continue`, as Word and LibreOffice allow)."""
    first: dict[int, Word] = {}
    for mark, _ in raised_marks(pages):
        first.setdefault(int(mark.text), mark)
    missing = sorted(set(notes) - set(first))
    assert not missing, (f"no raised call mark set against the text for notes {missing} "
                         "(a mark broken onto a line of its own, or not printed)")
    assert sorted(first) == sorted(notes), f"raised marks {sorted(first)} that are no notes"
    starts = note_starts(pages, label)
    assert set(notes) <= set(starts), f"no note number printed for {set(notes) - set(starts)}"
    note_height = statistics.median(right_neighbour(w, pages[w.page]).height
                                    for w in starts.values())

    body = body_height(pages)

    def foot(page: list[Word]) -> str:
        """The page's note lines, read in order: lines with more note-sized words than
        body-sized ones (a word in another script, whose font is taller, goes with its line),
        but not the page number's line."""
        words = []
        for w in page:
            line = [o for o in page if min(o.y1, w.y1) - max(o.y0, w.y0)
                    > 0.5 * min(o.height, w.height)]
            in_notes = sum(abs(o.height - note_height) < 0.3 for o in line)
            if (in_notes > sum(o.height >= 0.9 * body for o in line)
                    and not re.fullmatch(r"[\d\s/]+", " ".join(o.text for o in line))):
                words.append(w)
        return squeeze(" ".join(w.text for w in reading_order(words)))

    feet = [foot(page) for page in pages]
    for number, text in sorted(notes.items()):
        start, call = starts[number], first[number]
        assert start.page == call.page and start.y0 > call.y1, (
            f"note {number} starts on page {start.page + 1}, its call is on {call.page + 1}")
        where = feet[start.page]
        if may_continue and start.page + 1 < len(feet):
            where += feet[start.page + 1]
        assert squeeze(text_of(number, text)) in where, (
            f"note {number} is not printed whole at the foot of page {start.page + 1}")
