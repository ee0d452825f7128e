"""Write templates/reference.docx: the house styles with the example coalition's letterhead.

The reference document a coalition would make in Word or LibreOffice (File > Save as .docx),
made here from the built-in styles so that the example letter keeps the house look: a
letterhead in the header of the first page, page numbers at the foot of the others.

    python scripts/make_reference_docx.py [OUT]   (default: templates/reference.docx)
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from undersigned.format.inline import Text
from undersigned.render.docx import render_docx
from undersigned.render.docxxml import NSDECLS
from undersigned.render.prepare import PBlock, Prepared

ROOT = Path(__file__).resolve().parent.parent
NAME = "Example Coalition for Refugee Protection"
ADDRESS = "Rue de l’Exemple 1 · 1202 Geneva · coalition@example.org"


def main(out: Path) -> None:
    note = ("This document only lends its styles, page setup, headers and footers to the "
            "letters rendered with it; its text is never used.")
    blank = Prepared(title="Reference document", lang="en", slug="reference", kind="statement",
                     date_line=None, addressees=[], cc=[], subject=None, salutation=None,
                     blocks=[PBlock("paragraph", [[Text(note)]])], closing=None,
                     signatures_heading=None, signatures_note=None, sections=[])
    document = docx.Document(io.BytesIO(render_docx(blank)))
    section = document.sections[0]
    header = section.first_page_header
    header.is_linked_to_previous = False
    name, address = header.paragraphs[0], header.add_paragraph()
    run = name.add_run(NAME)
    run.bold = True
    run.font.size = Pt(14)
    run.font.color.rgb = RGBColor(0x1D, 0x4F, 0x91)
    small = address.add_run(ADDRESS)
    small.font.size = Pt(8.5)
    small.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    for paragraph in (name, address):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    # a rule under the letterhead, as the HTML's custom.css draws it
    address._p.get_or_add_pPr().append(parse_xml(
        f'<w:pBdr {NSDECLS}><w:bottom w:val="single" w:sz="6" w:space="4" '
        'w:color="1D4F91"/></w:pBdr>'))
    # name no East Asian font: each letter then gets the one for its language (docs/docx.md)
    fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(
        qn("w:rPr")).find(qn("w:rFonts"))
    fonts.attrib.pop(qn("w:eastAsia"), None)
    document.core_properties.title = "Reference document"
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "templates" / "reference.docx")
