"""DOCX output: real Word footnotes, named styles, a reference document, repeatable bytes.

This module assembles the package; the runs and paragraphs are written by `docxxml`, the
styles, defaults and numbering by `docxstyles`, the body in its layouts by `docxbody`.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import PartFactory, XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from ..errors import DocxError
from .docxbody import Columns, body_xml, letter_section, set_sect_child, text_width
from .docxstyles import (
    STYLES,
    Numbering,
    Styles,
    doc_defaults,
    latin_paragraphs_left_to_right,
    set_direction,
)
from .docxxml import NSDECLS, Inline, clean, xml_attr
from .prepare import Prepared

# python-docx has no class for the footnotes part; loading it as an XmlPart (its documented
# extension point) lets a reference document's own footnotes part be edited in place.
PartFactory.part_type_for.setdefault(CT.WML_FOOTNOTES, XmlPart)

#: the date written into the core properties when the caller gives none
EPOCH = dt.datetime(2000, 1, 1)
#: zip member timestamp: the earliest a zip file can express, the same on every run
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_PARSER = etree.XMLParser(huge_tree=True)  # a 50,000-signatory body is one large text


# --- the document -----------------------------------------------------------------------


def _open_reference(reference_doc: Path | None):
    if reference_doc is None:
        return docx.Document()
    try:
        return docx.Document(str(reference_doc))
    except Exception as e:  # python-docx raises several types for a file that is not a docx
        raise DocxError(
            f"{reference_doc}: cannot be read as a Word document ({e}); save it from Word or "
            "LibreOffice as .docx, or remove it to use the built-in styles"
        ) from e


def _clear_body(document):
    """Empty the reference document's body; return it and the letter's section properties
    (see `_letter_section`)."""
    body = document.element.body
    sect_pr = letter_section(body)
    del body[:]
    if sect_pr is not None:
        body.append(sect_pr)  # python-docx reads the page setup from here until the swap
    _drop_unused_rels(document.part, (RT.HYPERLINK, RT.IMAGE))
    return body, sect_pr


def _drop_unused_rels(part, reltypes: tuple[str, ...]) -> None:
    used = {v for el in part.element.iter() for v in el.attrib.values()}
    for rid, rel in list(part.rels.items()):
        if rel.reltype in reltypes and rid not in used:
            del part.rels[rid]


def _footnotes_part(document):
    """The footnotes part: the reference document's (separators kept) or a new one."""
    doc_part = document.part
    for rel in doc_part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            part = rel.target_part
            if isinstance(part, XmlPart):
                root = part.element
                for note in list(root.iterchildren(qn("w:footnote"))):
                    if note.get(qn("w:type")) in (None, "normal"):
                        root.remove(note)
                _drop_unused_rels(part, (RT.HYPERLINK,))
                return part
    names = {str(p.partname) for p in doc_part.package.iter_parts()}
    name, n = "/word/footnotes.xml", 1
    while name in names:
        n += 1
        name = f"/word/footnotes{n}.xml"
    separator = ('<w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
                 "<w:r><w:{0}/></w:r></w:p>")
    xml = (f"<w:footnotes {NSDECLS}>"
           f'<w:footnote w:type="separator" w:id="-1">{separator.format("separator")}'
           "</w:footnote>"
           f'<w:footnote w:type="continuationSeparator" w:id="0">'
           f'{separator.format("continuationSeparator")}</w:footnote></w:footnotes>')
    part = XmlPart(PackURI(name), CT.WML_FOOTNOTES, parse_xml(xml), doc_part.package)
    doc_part.relate_to(part, RT.FOOTNOTES)
    return part


# children of w:settings that come after w:footnotePr in the schema's sequence
_AFTER_FOOTNOTE_PR = ("endnotePr", "compat", "docVars", "rsids", "attachedSchema",
                      "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                      "doNotAutoCompressPictures", "forceUpgrade", "captions",
                      "readModeInkLockDown", "smartTagType", "shapeDefaults",
                      "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def _settings(document, separator_ids: list[str]) -> None:
    settings = document.settings.element
    for child in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(child)
    if settings.find(qn("w:footnotePr")) is not None or not separator_ids:
        return
    pr = parse_xml(f"<w:footnotePr {NSDECLS}>"
                   + "".join(f'<w:footnote w:id="{i}"/>' for i in separator_ids)
                   + "</w:footnotePr>")
    after = {qn(f"w:{name}") for name in _AFTER_FOOTNOTE_PR}
    after.add("{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr")
    after.add("{http://schemas.openxmlformats.org/schemaLibrary/2006/main}schemaLibrary")
    for child in settings:
        if child.tag in after:
            child.addprevious(pr)
            return
    settings.append(pr)


def _page_numbers(document, style_id: str) -> None:
    """Page numbers at the foot of every page but the first, as letters have them."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_footer.is_linked_to_previous = False
    footer = section.footer
    footer.is_linked_to_previous = False
    container = footer.part.element  # python-docx has no API for fields: write the XML
    for child in list(container):
        container.remove(child)
    container.append(parse_xml(
        f'<w:p {NSDECLS}><w:pPr><w:pStyle w:val="{xml_attr(style_id)}"/></w:pPr>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>2</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'))


def _core_properties(document, prepared: Prepared, date: dt.date | None) -> None:
    when = dt.datetime(date.year, date.month, date.day) if date else EPOCH
    props = document.core_properties
    props.title = clean(prepared.title)
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.content_status = ""
    props.identifier = ""
    props.version = ""
    props.language = clean(prepared.lang)
    props.created = when
    props.modified = when
    if props.last_printed is not None:
        props.last_printed = when
    props.revision = 1


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _drop_stale_parts(document) -> None:
    """Drop parts that would describe some other document than this letter.

    The template's preview picture shows another document; Word 2010's copy of the styles
    (stylesWithEffects.xml) lacks the styles added here, and later versions ignore it.
    """
    for rels, reltype in ((document.part.package.rels, RT.THUMBNAIL),
                          (document.part.rels, STYLES_WITH_EFFECTS)):
        for rid, rel in list(rels.items()):
            if rel.reltype == reltype:
                del rels[rid]


APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>undersigned</Application></Properties>"
)


def _zip_package(package) -> bytes:
    """Write the package as a zip with fixed timestamps, attributes and member order.

    python-docx's own writer stamps the current time on every member; this one writes the
    same parts (through the public part and relationship API) so that the same input gives
    the same bytes. The extended properties (docProps/app.xml) are replaced: a reference
    document's carry its editing time, company and statistics, none of which describe
    this letter.
    """
    parts = package.parts
    for part in parts:
        part.before_marshal()
    members: dict[str, bytes] = {"_rels/.rels": package.rels.xml}
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}
    overrides: dict[str, str] = {}
    for part in parts:
        name = part.partname
        ext = name.ext.lower()
        if defaults.get(ext) != part.content_type:
            if ext in defaults or ext in ("xml", "rels"):
                overrides[str(name)] = part.content_type
            else:
                defaults[ext] = part.content_type
        members[name.membername] = APP_XML if name.membername == "docProps/app.xml" \
            else part.blob
        if len(part.rels):
            members[name.rels_uri.membername] = part.rels.xml
    types = [f'<Default Extension="{xml_attr(ext)}" ContentType="{xml_attr(ct)}"/>'
             for ext, ct in sorted(defaults.items())]
    types += [f'<Override PartName="{xml_attr(name)}" ContentType="{xml_attr(ct)}"/>'
              for name, ct in sorted(overrides.items())]
    members["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + "".join(types) + "</Types>").encode()
    first = ["[Content_Types].xml", "_rels/.rels"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in first + sorted(n for n in members if n not in first):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            dst.writestr(info, members[name], compresslevel=6)
    return out.getvalue()


def render_docx(prepared: Prepared, reference_doc: Path | None = None, *,
                date: dt.date | None = None) -> bytes:
    """Render the letter as a Word document, with real footnotes, and return its bytes.

    `reference_doc` supplies styles, page size, margins, headers and footers (its body is
    discarded); styles it lacks are added. Without one, the house style is used. `date`
    (the letter's date) becomes the document's created and modified time; the same input
    always gives the same bytes.
    """
    document = _open_reference(reference_doc)
    house = reference_doc is None
    styles = Styles(document.styles.element)
    doc_defaults(styles.element, prepared.lang, house)
    set_direction(styles.element, prepared)
    ids = {spec.name: styles.ensure(spec, replace=house) for spec in STYLES}
    numbering = Numbering(document, styles, house)

    body, sect_pr = _clear_body(document)
    if sect_pr is not None and prepared.dir == "rtl":
        set_sect_child(sect_pr, "bidi", "")  # columns and gutter right to left too
    if house:  # before the body fills up: python-docx finds sections by searching it
        _page_numbers(document, ids["Footer"])
    footnotes = _footnotes_part(document)
    kept = [int(n.get(qn("w:id"))) for n in footnotes.element.iterchildren(qn("w:footnote"))]
    first_id = max([0, *kept]) + 1
    note_ids = {note.number: first_id + i for i, note in enumerate(prepared.notes)}

    # The body is written as text and parsed once, then swapped in whole: appending
    # paragraphs one by one through python-docx searches for the section properties on
    # every call, which makes 50,000 signatories quadratic.
    inline = Inline(document.part, ids, note_ids)
    columns = Columns(sect_pr) if sect_pr is not None else None
    xml = body_xml(prepared, inline, ids, numbering, columns, text_width(sect_pr))
    new_body = etree.fromstring(f"<w:body {NSDECLS}>{xml}</w:body>".encode(), _PARSER)
    if columns is not None:
        new_body.append(columns.final())
    body.getparent().replace(body, new_body)

    note_inline = Inline(footnotes, ids, {})
    notes_xml = "".join(_footnote_xml(note, note_ids[note.number], note_inline, ids)
                        for note in prepared.notes)
    if notes_xml:
        footnotes.element.extend(
            etree.fromstring(f"<w:footnotes {NSDECLS}>{notes_xml}</w:footnotes>".encode(),
                             _PARSER))

    if prepared.dir == "rtl":
        latin_paragraphs_left_to_right(new_body, footnotes.element)
    _settings(document, [str(i) for i in kept])
    _core_properties(document, prepared, date)
    _drop_stale_parts(document)
    return _zip_package(document.part.package)


def _footnote_xml(note, note_id: int, inline: Inline, ids: dict[str, str]) -> str:
    ref_style = xml_attr(ids["Footnote Reference"])
    return (f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val='
            f'"{xml_attr(ids["Footnote Text"])}"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="{ref_style}"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{inline.runs(note.nodes)}'
            "</w:p></w:footnote>")
