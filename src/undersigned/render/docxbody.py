"""The body of the DOCX: the letter's parts in their layouts, as WordprocessingML, and the
section properties it takes from a reference document (render/docx.py does the rest)."""

from __future__ import annotations

import copy

from lxml import etree

from ..format.locales import is_english
from ..format.model import Party
from .docxstyles import Numbering
from .docxxml import (
    NSDECLS,
    W_NS,
    Inline,
    clean,
    line_runs,
    paragraph_xml,
    party_lines,
    qn,
    xml_attr,
)
from .prepare import Prepared


def letter_section(body):
    """The page setup for the letter, from all the reference document's sections.

    The letter is one section. A reference document with several — a letterhead page, then
    the pages that follow, as Word and LibreOffice save such templates — lends it its last
    section's page setup and the headers and footers of its later pages (each inherited
    from the section before when not set, as Word does), and its first section's first-page
    header and footer (or, without a different first page, its ordinary ones, as LibreOffice
    saves a letterhead page) for page 1, with page numbering as the first section sets it.
    """
    final = body[-1] if len(body) and body[-1].tag == qn("w:sectPr") else None
    sections = list(body.iter(qn("w:sectPr")))
    if final is None or len(sections) < 2:
        return final
    first = sections[0]
    merged = copy.deepcopy(final)
    later: dict[tuple[str, str], object] = {}  # the refs in force at the last section
    for sect in sections:
        for kind in ("header", "footer"):
            for ref in sect.findall(qn(f"w:{kind}Reference")):
                later[(kind, ref.get(qn("w:type")) or "default")] = ref
    title_page = first.find(qn("w:titlePg")) is not None and \
        first.find(qn("w:titlePg")).get(qn("w:val")) not in ("0", "false", "off")
    opening: dict[str, object] = {}
    for kind in ("header", "footer"):
        for ref in first.findall(qn(f"w:{kind}Reference")):
            if (ref.get(qn("w:type")) or "default") == ("first" if title_page else "default"):
                opening[kind] = ref
    for ref in merged.findall(qn("w:headerReference")) + merged.findall(qn("w:footerReference")):
        merged.remove(ref)
    refs = [copy.deepcopy(ref) for (_, kind_type), ref in later.items() if kind_type != "first"]
    for ref in opening.values():
        new = copy.deepcopy(ref)
        new.set(qn("w:type"), "first")
        refs.append(new)
    for ref in reversed(refs):
        merged.insert(0, ref)
    # page 1 gets the first section's header and footer (empty if it has none)
    set_sect_child(merged, "titlePg", "")
    numbering = first.find(qn("w:pgNumType"))
    if numbering is not None:
        set_sect_child(merged, "pgNumType", " ".join(
            f'w:{etree.QName(k).localname}="{xml_attr(v)}"' for k, v in numbering.attrib.items()
            if etree.QName(k).namespace == W_NS))
    else:
        for old in merged.findall(qn("w:pgNumType")):
            old.attrib.pop(qn("w:start"), None)  # the letter numbers from its own first page
    set_sect_child(merged, "type", None)
    return merged


_SECT_PR_ORDER = (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
    "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
    "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange",
)


def set_sect_child(sect_pr, name: str, xml: str | None) -> None:
    """Replace (or remove, with None) the child `name` of a w:sectPr, in schema order."""
    for old in sect_pr.findall(qn(f"w:{name}")):
        sect_pr.remove(old)
    if xml is None:
        return
    new = etree.fromstring(f"<w:{name} {NSDECLS} {xml}/>")
    later = {qn(f"w:{n}") for n in _SECT_PR_ORDER[_SECT_PR_ORDER.index(name) + 1:]}
    for child in sect_pr:
        if child.tag in later:
            child.addprevious(new)
            return
    sect_pr.append(new)


class Columns:
    """Section breaks that set a list of short names (no titles) in two balanced columns.

    Word keeps a section's properties in its last paragraph. The first break ends the
    letter's own section (page setup, first-page footer); every later section starts
    "continuous", on the same page, and carries the same headers and footers.
    """

    def __init__(self, sect_pr) -> None:
        self.original = sect_pr
        self.used = False

    def _variant(self, columns: int):
        sect_pr = copy.deepcopy(self.original)
        set_sect_child(sect_pr, "titlePg", None)
        set_sect_child(sect_pr, "type", 'w:val="continuous"')
        if columns > 1:
            set_sect_child(sect_pr, "cols", f'w:num="{columns}" w:space="567"')
        return sect_pr

    def start(self) -> str:
        """The properties closing the single-column text before a two-column list."""
        sect_pr = self.original if not self.used else self._variant(columns=1)
        self.used = True
        return etree.tostring(sect_pr, encoding="unicode")

    def end(self, count: int = 2) -> str:
        """The properties closing a list set in `count` columns."""
        return etree.tostring(self._variant(columns=count), encoding="unicode")

    def final(self):
        """The body's closing section properties: continuous when a list came before."""
        return self._variant(columns=1) if self.used else self.original


def text_width(sect_pr) -> int:
    """The width between the margins, in twentieths of a point (Letter, 1in margins if the
    section does not say)."""
    width, left, right = 12240, 1440, 1440
    if sect_pr is not None:
        size, margins = sect_pr.find(qn("w:pgSz")), sect_pr.find(qn("w:pgMar"))
        try:
            if size is not None and size.get(qn("w:w")):
                width = int(size.get(qn("w:w")))
            if margins is not None:
                left = int(margins.get(qn("w:left")) or left)
                right = int(margins.get(qn("w:right")) or right)
        except ValueError:
            pass
    return max(width - left - right, 2880)


def _table(cells: list[list[str]], widths: list[int], borders: bool, header: bool = False
           ) -> str:
    """A table of paragraphs (each cell: the XML of its paragraphs), fixed column widths."""
    edge = ('<w:{0} w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>' if borders
            else '<w:{0} w:val="nil"/>')
    border_xml = "".join(edge.format(e) for e in
                         ("top", "left", "bottom", "right", "insideH", "insideV"))
    margins = ('<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
               '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="100" w:type="dxa"/>'
               "</w:tblCellMar>") if borders else (
               '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="284" w:type="dxa"/>'
               "</w:tblCellMar>")
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
           f"<w:tblBorders>{border_xml}</w:tblBorders>"
           f'<w:tblLayout w:type="fixed"/>{margins}'
           '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
           'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    for n, row in enumerate(cells):
        # a row never breaks across pages; a header row repeats on every page
        row_pr = "<w:cantSplit/>" + ("<w:tblHeader/>" if header and n == 0 else "")
        out.append(f"<w:tr><w:trPr>{row_pr}</w:trPr>")
        for width, cell in zip(widths, row, strict=True):
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                       f"{cell or '<w:p/>'}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _entry_runs(inline: Inline, entry) -> str:
    """An entry set on one line: its parts (name, title, pattern text) or name and title."""
    if entry.parts:
        return "".join(inline.text_run(text) for _, text in entry.parts)
    return inline.text_run(entry.line)


def _party_xml(inline: Inline, style_id: str, party: Party) -> str:
    return paragraph_xml(style_id, line_runs(inline, party_lines(party)))


def _parties_xml(doc: Prepared, parties: list[Party], style_id: str, inline: Inline,
                 width: int) -> str:
    """Addressee (or cc) blocks: one paragraph each, or side by side in a borderless table."""
    if doc.addressee_layout == "side-by-side" and len(parties) > 1:
        per_row = min(len(parties), 3)
        widths = [width // per_row] * per_row
        rows = [[_party_xml(inline, style_id, p) for p in parties[i:i + per_row]]
                for i in range(0, len(parties), per_row)]
        rows = [row + [""] * (per_row - len(row)) for row in rows]
        # a paragraph must follow a table in Word; the spacing of the blocks does the rest
        return _table(rows, widths, borders=False)
    return "".join(_party_xml(inline, style_id, p) for p in parties)


def _cc_xml(doc: Prepared, inline: Inline, s: dict[str, str]) -> str:
    """The cc recipients, a block (paragraph) each: "cc:" and a tab before the first, a tab
    before the others, so that every block starts at the hanging indent (in another language
    than English the label stands on a line of its own above the first)."""
    out = []
    last = len(doc.cc) - 1
    for n, party in enumerate(doc.cc):
        spacing = f'<w:spacing w:after="{240 if n == last else 160}"/>'
        keep = "" if n == last else "<w:keepNext/>"
        label = inline.text_run(doc.labels["cc"]) if n == 0 else ""
        # another language's label ("Copie à :", "副本：") may not fit the hanging indent
        own_line = n == 0 and not is_english(doc.lang)
        gap = "<w:r><w:br/></w:r>" if own_line else "<w:r><w:tab/></w:r>"
        out.append(paragraph_xml(s["Copy Recipients"], label + gap
                                 + line_runs(inline, party_lines(party)), keep + spacing))
    return "".join(out)


def _blocks_xml(blocks, inline: Inline, s: dict[str, str], numbering: Numbering,
                keep_last: bool = False) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if block.kind == "list":
            style = "List Number" if block.ordered else "List Bullet"
            num_id = numbering.new_list(style, block.ordered)
            num_pr = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
            for item in block.items:
                out.append(paragraph_xml(s[style], inline.runs(item), num_pr))
        else:
            style = {"heading": "Heading 1", "quote": "Block Quote"}.get(block.kind, "Body Text")
            for item in block.items:
                out.append(paragraph_xml(s[style], inline.runs(item)))
    if keep_last and out:
        # the closing never starts a page alone: the last paragraph keeps with it
        out[-1] = out[-1].replace("</w:pPr>", "<w:keepNext/></w:pPr>", 1) \
            if "<w:numPr>" not in out[-1] else out[-1].replace(
                "<w:numPr>", "<w:keepNext/><w:numPr>", 1)
    return out


def _section_xml(section, inline: Inline, s: dict[str, str], columns: Columns | None,
                 width: int) -> list[str]:
    """One section of the signatory list in its layout."""
    out: list[str] = []
    add = out.append
    cols = section.cols
    in_columns = columns is not None and cols > 1 and section.layout != "table"
    heading_ppr = columns.start() if in_columns else ""
    if section.heading:
        add(paragraph_xml(s["Signatory Section"], inline.text_run(section.heading), heading_ppr))
        heading_ppr = ""
    if section.note:
        add(paragraph_xml(s["Signatories Note"], inline.text_run(section.note), heading_ppr))
        heading_ppr = ""
    if heading_ppr:
        # no heading to end the section before the columns: a paragraph one point high does
        add('<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
            f'{heading_ppr}<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>')
    name_style, title_style = s["Signatory Name"], s["Signatory Title"]
    entry_style, cell_style = s["Signatory Entry"], s["Signatory Cell"]
    for group, entries in section.groups:
        if group:
            add(paragraph_xml(s["Signatory Group"], inline.text_run(group)))
        if section.layout == "table":
            if cols > 1:
                rows = []
                for i in range(0, len(entries), cols):
                    row = [paragraph_xml(cell_style, line_runs(inline, [e.name, e.title or ""]))
                           for e in entries[i:i + cols]]
                    rows.append(row + [""] * (cols - len(row)))
                add(_table(rows, [width // cols] * cols, borders=True))
            else:
                titled = section.titled
                widths = [width * 2 // 5, width - width * 2 // 5] if titled else [width]
                rows = [[paragraph_xml(cell_style, inline.text_run(e.name))]
                        + ([paragraph_xml(cell_style, inline.text_run(e.title or ""))]
                           if titled else []) for e in entries]
                add(_table(rows, widths, borders=True))
            add(paragraph_xml(entry_style, ""))  # Word needs a paragraph after a table
            continue
        for entry in entries:
            title = clean(entry.title).strip() if entry.title else ""
            if section.layout == "inline" or (not title and cols > 1):
                add(paragraph_xml(entry_style, _entry_runs(inline, entry)))
                continue
            # the name stays on the page of its title: an entry never splits
            add(paragraph_xml(name_style, inline.text_run(entry.name),
                           "<w:keepNext/>" if title else ""))
            if title:
                add(paragraph_xml(title_style, inline.text_run(title)))
    if in_columns:
        last = out.pop()
        out.append(last.replace("</w:pPr>", columns.end(cols) + "</w:pPr>", 1))
    return out


def body_xml(doc: Prepared, inline: Inline, s: dict[str, str], numbering: Numbering,
              columns: Columns | None = None, width: int = 9360) -> str:
    out: list[str] = []
    add = out.append
    if doc.heading_lines:
        add(paragraph_xml(s["Letter Heading"], line_runs(inline, doc.heading_lines)))
    if doc.date_line:
        add(paragraph_xml(s["Date Line"], inline.text_run(doc.date_line)))
    if doc.delivery:
        add(paragraph_xml(s["Delivery Line"], inline.text_run(doc.delivery)))
    if doc.addressees:
        add(_parties_xml(doc, doc.addressees, s["Addressee"], inline, width))
    if doc.cc and doc.cc_position == "top":
        add(_cc_xml(doc, inline, s))
    if doc.subject:
        add(paragraph_xml(s["Subject"], inline.text_run(doc.subject)))
    if doc.salutation:
        add(paragraph_xml(s["Salutation"], inline.text_run(doc.salutation)))
    out += _blocks_xml(doc.blocks, inline, s, numbering, keep_last=bool(doc.closing))
    if doc.closing:
        add(paragraph_xml(s["Closing"], inline.text_run(doc.closing)))
    if doc.sections:
        if doc.signatures_heading:
            add(paragraph_xml(s["Signatories Heading"], inline.text_run(doc.signatures_heading)))
        if doc.signatures_note:
            add(paragraph_xml(s["Signatories Note"], inline.text_run(doc.signatures_note)))
        for n, section in enumerate(doc.sections):
            xml = _section_xml(section, inline, s, columns, width)
            first = xml[0] if xml else ""
            if n == 0 and not doc.signatures_heading and first.startswith("<w:p>") and \
                    "<w:spacing" not in first.split("</w:pPr>")[0]:
                # no heading to set the list off from the text: space it as a heading would
                # (w:spacing goes before w:sectPr, in the schema's order)
                at = "<w:sectPr" if "<w:sectPr" in first.split("</w:pPr>")[0] else "</w:pPr>"
                xml[0] = first.replace(at, '<w:spacing w:before="360"/>' + at, 1)
            out += xml
        if columns is not None and columns.used and not (
                doc.cc and doc.cc_position != "top") and not doc.annex:
            # the last section needs a paragraph of its own; keep it one point high
            add('<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" '
                'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>')
    if doc.cc and doc.cc_position != "top":
        add(_cc_xml(doc, inline, s))
    if doc.annex:
        if doc.annex.heading:
            add(paragraph_xml(s["Annex Heading"], inline.text_run(doc.annex.heading)))
        out += _blocks_xml(doc.annex.blocks, inline, s, numbering)
    return "".join(out)
