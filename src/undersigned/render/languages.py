"""The letter prepared in each of its languages: translated text, local dates, numbers and order.

`prepare` does the work for every language; this module chooses the text (the letter or a
translation), the locale that dates and counts are formatted in, the order of signatories
by the language's collation, the writing direction, and keeps the footnote numbers of the
source in every language.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import WorkspaceError
from ..format.inline import Span
from ..format.labels import page_labels
from ..format.locales import collation_key, direction, localized
from ..format.model import Letter, Roster
from .prepare import Note, NoteCall, Prepared, RSection, prepare

if TYPE_CHECKING:
    from ..format.translations.reading import Translation

RLM = "\u200f"  # RIGHT-TO-LEFT MARK
FSI, PDI = "\u2068", "\u2069"  # FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE


def prepare_languages(letter: Letter, roster: Roster | None, translations: list[Translation],
                      langs: tuple[str, ...] | None = None) -> list[tuple[str | None, Prepared]]:
    """[(None for the letter's own language or the translation's tag, prepared letter)] for
    the languages asked (default: the letter's and every translation's), in that order."""
    by_lang = {t.lang: t for t in translations}
    known = [letter.lang, *by_lang]
    spelled = {lang.lower(): lang for lang in known}  # language tags ignore case: zh-hant
    wanted = list(dict.fromkeys(spelled.get(lang.lower(), lang) for lang in langs)) if langs \
        else known
    unknown = [lang for lang in wanted if lang not in known]
    if unknown:
        raise WorkspaceError(
            f"{letter.slug} has no {', '.join(unknown)} translation; its languages: "
            f"{', '.join(known)} (make one with `undersigned translate {letter.slug} "
            f"{unknown[0]}`)")
    source_numbers = None
    out: list[tuple[str | None, Prepared]] = []
    for lang in wanted:
        tr = by_lang.get(lang)
        if tr is None:
            with localized(letter.lang, translated=False):
                doc = prepare(letter, roster)
            out.append((None, _directed(doc)))
            continue
        if source_numbers is None:
            from ..format.translations.align import translated_letter  # only for a translation

            source_numbers = note_numbers(letter)
        with localized(lang, translated=True):
            doc = prepare(translated_letter(letter, tr), roster)
        doc = _numbered_like(doc, source_numbers)
        if tr.labels:
            doc.labels = page_labels(lang, tr.labels)
        if roster is not None:
            doc = _collated(doc, roster, lang)
        out.append((lang, _directed(doc)))
    return out


def _directed(doc: Prepared) -> Prepared:
    doc.dir = direction(doc.lang)
    return doc


def note_numbers(letter: Letter) -> dict[str, int]:
    """The footnote numbers of the letter: its order of first call, as `prepare` numbers."""
    from ..format.inline import note_refs

    numbers: dict[str, int] = {}
    for block in letter.body:
        for text in block.texts:
            for key in note_refs(text):
                numbers.setdefault(key, len(numbers) + 1)
    return numbers


def _numbered_like(doc: Prepared, numbers: dict[str, int]) -> Prepared:
    """The notes numbered as in the source letter, even where a translation calls two notes
    of one sentence in the other order."""
    mapping = {n.number: numbers.get(n.key, n.number) for n in doc.notes}
    if all(old == new for old, new in mapping.items()):
        return doc

    def renumber(nodes: list) -> list:
        out = []
        for n in nodes:
            if isinstance(n, NoteCall):
                out.append(NoteCall(mapping.get(n.number, n.number), n.key))
            elif isinstance(n, Span):
                out.append(Span(n.kind, renumber(n.children), n.href))
            else:
                out.append(n)
        return out

    doc.blocks = [replace(b, items=[renumber(item) for item in b.items]) for b in doc.blocks]
    doc.notes = sorted((Note(mapping[n.number], n.key, renumber(n.nodes)) for n in doc.notes),
                       key=lambda n: n.number)
    return doc


def _collated(doc: Prepared, roster: Roster, lang: str) -> Prepared:
    """Signatories in the order of the translation's language (CLDR collation through PyICU,
    when it is installed; otherwise the letter's order, see docs/dependencies.md)."""
    key = collation_key(lang)
    if key is None:
        return doc
    from ..textsafety import one_line

    sort_text = {}
    for s in roster.signatories:
        if s.is_printed:
            words = s.name.split() or [""]
            text = s.sort_as or (" ".join([words[-1], *words[:-1]]) if s.kind == "individual"
                                 else s.name)
            sort_text[(one_line(s.name), one_line(s.title) if s.title else None)] = text
    sections = []
    for section in doc.sections:
        groups = []
        for heading, entries in section.groups:
            groups.append((heading, sorted(entries, key=lambda e: (
                key(sort_text.get((e.name, e.title), e.name)), e.name))))
        sections.append(RSection(section.heading, groups))
    doc.sections = sections
    return doc


def mark_rtl_lines(text: str) -> str:
    """Plain text of a right-to-left letter: each line is a right-to-left paragraph (it starts
    with a RIGHT-TO-LEFT MARK: the Unicode bidi algorithm otherwise takes a line's direction
    from its first strong letter, and a line that starts with a number or a Latin name would
    be set left to right), holding its text as one isolate (FSI … PDI) that takes its own
    direction from its first letter — so an Arabic sentence reads right to left, and a
    signatory "Example Aid Group Inc." keeps its full stop at its end."""
    out = []
    for line in text.splitlines(True):
        body = line.rstrip("\n")
        out.append(f"{RLM}{FSI}{body}{PDI}{line[len(body):]}" if body.strip() else line)
    return "".join(out)
