"""DOCX output: real Word footnotes, named styles, a reference document, repeatable bytes.

This module assembles the package; the runs and paragraphs are written by `docxxml`, the
styles, defaults and numbering by `docxstyles`, the body in its layouts by `docxbody`, the
package around it from the parts a reference document lends by `docxpackage` (the only
module that imports python-docx, to read a reference once).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree

from ..errors import DocxError  # noqa: F401 (part of this module's interface)
from . import docxpackage as pkg
from .docxbody import Columns, body_xml, set_sect_child, text_width
from .docxpackage import ZIP_DATE  # noqa: F401 (part of this module's interface)
from .docxstyles import (
    STYLES,
    Numbering,
    Styles,
    doc_defaults,
    latin_paragraphs_left_to_right,
    set_direction,
)
from .docxxml import NSDECLS, Inline, clean, parse_xml, qn, xml_attr
from .prepare import Prepared

#: the date written into the core properties when the caller gives none
EPOCH = dt.datetime(2000, 1, 1)

# a 50,000-signatory body is one large text
_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False)


def render_docx(prepared: Prepared, reference_doc: Path | None = None, *,
                date: dt.date | None = None, cache_dir: Path | None = None) -> bytes:
    """Render the letter as a Word document, with real footnotes, and return its bytes.

    `reference_doc` supplies styles, page size, margins, headers and footers (its body is
    discarded); styles it lacks are added. Without one, the house style is used. What is
    taken from the reference can be kept in `cache_dir` (render keeps it in the workspace's
    `.undersigned/docx/`), keyed by the file's hash, so that later renders do not read it
    with python-docx again. `date` (the letter's date) becomes the document's created and
    modified time; the same input always gives the same bytes.
    """
    skeleton = pkg.skeleton_for(reference_doc, cache_dir)
    house = reference_doc is None
    doc_part = skeleton.main_part()
    styles_part = skeleton.part(doc_part.related(pkg.RT_STYLES))
    styles = Styles(parse_xml(styles_part.blob))
    doc_defaults(styles.element, prepared.lang, house)
    set_direction(styles.element, prepared)
    ids = {spec.name: styles.ensure(spec, replace=house) for spec in STYLES}
    numbering = Numbering(skeleton.part(doc_part.related(pkg.RT_NUMBERING)), styles, house,
                          reference_doc)

    document = parse_xml(doc_part.blob)
    body = document.find(qn("w:body"))
    sect_pr = body[-1] if len(body) and body[-1].tag == qn("w:sectPr") else None
    if sect_pr is not None and prepared.dir == "rtl":
        set_sect_child(sect_pr, "bidi", "")  # columns and gutter right to left too
    footnotes_part = skeleton.part(doc_part.related(pkg.RT_FOOTNOTES))
    footnotes = parse_xml(footnotes_part.blob)
    first_id = max([0, *skeleton.kept_notes]) + 1
    note_ids = {note.number: first_id + i for i, note in enumerate(prepared.notes)}

    # The body is written as text and parsed once, then swapped in whole.
    inline = Inline(doc_part, ids, note_ids)
    columns = Columns(sect_pr) if sect_pr is not None else None
    xml = body_xml(prepared, inline, ids, numbering, columns, text_width(sect_pr))
    new_body = etree.fromstring(f"<w:body {NSDECLS}>{xml}</w:body>".encode(), _PARSER)
    if columns is not None:
        new_body.append(columns.final())
    document.replace(body, new_body)

    note_inline = Inline(footnotes_part, ids, {})
    notes_xml = "".join(_footnote_xml(note, note_ids[note.number], note_inline, ids)
                        for note in prepared.notes)
    if notes_xml:
        footnotes.extend(
            etree.fromstring(f"<w:footnotes {NSDECLS}>{notes_xml}</w:footnotes>".encode(),
                             _PARSER))

    if prepared.dir == "rtl":
        latin_paragraphs_left_to_right(new_body, footnotes)
    doc_part.blob = pkg.serialize(document)
    styles_part.blob = pkg.serialize(styles.element)
    footnotes_part.blob = pkg.serialize(footnotes)
    if numbering._element is not None:
        numbering.part.blob = pkg.serialize(numbering._element)
    core = skeleton.core_part()
    if core is not None:
        when = dt.datetime(date.year, date.month, date.day) if date else EPOCH
        pkg.fill_core(core, clean(prepared.title), clean(prepared.lang),
                      when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return pkg.zip_package(skeleton)


def _footnote_xml(note, note_id: int, inline: Inline, ids: dict[str, str]) -> str:
    ref_style = xml_attr(ids["Footnote Reference"])
    return (f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val='
            f'"{xml_attr(ids["Footnote Text"])}"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="{ref_style}"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{inline.runs(note.nodes)}'
            "</w:p></w:footnote>")
