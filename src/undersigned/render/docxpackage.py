"""The DOCX package around the letter: what is taken from the reference document, read once.

Everything of the package that depends on the reference document alone (its parts, page
setup, headers and footers, footnote separators, settings, the house footer) is a
*skeleton*, built once with python-docx and kept:

- without a reference document, shipped with the package (`data/house-skeleton.zip`, made
  by `scripts/make_house_skeleton.py` from python-docx's default template; a test holds it
  to what python-docx builds today);
- with one, under the workspace's `.undersigned/docx/`, keyed by the reference file's
  sha256. A cache that does not read back completely, or names another hash, or was built
  by other code (`builder_fingerprint`), is ignored and built again; it is never trusted.

A render then starts from the skeleton's part bytes, parses only the parts it edits
(document, styles, footnotes, numbering, core properties) with lxml, and writes the zip:
python-docx is imported only to build a skeleton.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import DocxError

#: bump when what a skeleton holds changes: older caches are then built again
SKELETON_VERSION = 1
HOUSE_SKELETON = Path(__file__).parent / "data" / "house-skeleton.zip"
CACHE_SUBDIR = Path(".undersigned") / "docx"

#: zip member timestamp: the earliest a zip file can express, the same on every run
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_HYPERLINK = _RT + "hyperlink"
RT_IMAGE = _RT + "image"
RT_FOOTNOTES = _RT + "footnotes"
RT_NUMBERING = _RT + "numbering"
RT_STYLES = _RT + "styles"
RT_OFFICE_DOCUMENT = _RT + "officeDocument"
RT_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
RT_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
CT_XML = "application/xml"
CT_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

#: stand-ins written into the skeleton's core properties, replaced by the letter's values
TITLE_MARK = "\ue000undersigned:title\ue000"
LANG_MARK = "\ue000undersigned:language\ue000"
DATE_MARK = dt.datetime(1901, 2, 3, 4, 5, 6)
DATE_MARK_TEXT = "1901-02-03T04:05:06Z"

APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    b' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>undersigned</Application></Properties>"
)

_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False)


def serialize(element) -> bytes:
    """A part's XML as python-docx writes it: UTF-8, standalone, nothing added."""
    return etree.tostring(element, encoding="UTF-8", standalone=True)


@dataclass
class Rel:
    rid: str
    reltype: str
    target_ref: str
    external: bool = False
    target: str | None = None  # the target part's name, for an internal relationship


@dataclass
class Part:
    """One part: its name (`/word/document.xml`), content type, bytes and relationships."""

    name: str
    content_type: str
    blob: bytes
    rels: list[Rel] = field(default_factory=list)
    #: rIds of relationships dropped as stale (`_drop_stale_parts`), which were still taken
    #: when the letter's links were numbered before; they stay taken, for the same numbers
    reserved: list[str] = field(default_factory=list)

    def relate_to(self, target_ref: str, reltype: str, is_external: bool = True) -> str:
        """The rId of an external relationship, added unless one with the same type and
        target exists (numbered as python-docx numbers: the first free rIdN from 1)."""
        for rel in self.rels:
            if rel.reltype == reltype and rel.external and rel.target_ref == target_ref:
                return rel.rid
        taken = {rel.rid for rel in self.rels} | set(self.reserved)
        rid = next(f"rId{n}" for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
        self.rels.append(Rel(rid, reltype, target_ref, True))
        return rid

    def related(self, reltype: str) -> str | None:
        return next((r.target for r in self.rels if r.reltype == reltype and not r.external),
                    None)


@dataclass
class Skeleton:
    parts: list[Part]
    package_rels: list[Rel]
    kept_notes: list[int]  # the reference's separator footnotes, kept

    def part(self, name: str | None) -> Part | None:
        return next((p for p in self.parts if p.name == name), None)

    def main_part(self) -> Part:
        return self.part(next(r.target for r in self.package_rels
                              if r.reltype == RT_OFFICE_DOCUMENT and not r.external))

    def core_part(self) -> Part | None:
        return self.part(next((r.target for r in self.package_rels if r.reltype == RT_CORE),
                              None))


# --- building a skeleton with python-docx -------------------------------------------------


def build_skeleton(reference_doc: Path | None, data: bytes | None = None) -> Skeleton:
    """Open the reference document (or python-docx's default) and do to it everything that
    does not depend on the letter. This is the only place python-docx is imported. `data`:
    the file's bytes when the caller has read them already."""
    import copy

    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.part import PartFactory, XmlPart

    from .docxbody import letter_section
    from .docxstyles import STYLES, Styles

    # python-docx has no class for the footnotes part; loading it as an XmlPart (its
    # documented extension point) lets a reference document's footnotes be edited in place.
    PartFactory.part_type_for.setdefault(CT.WML_FOOTNOTES, XmlPart)
    if reference_doc is None:
        document = docx.Document()
    else:
        try:
            document = docx.Document(io.BytesIO(data) if data is not None
                                     else str(reference_doc))
        except Exception as e:  # python-docx raises several types for a file not a docx
            raise DocxError(
                f"{reference_doc}: cannot be read as a Word document ({e}); save it from Word "
                "or LibreOffice as .docx, or remove it to use the built-in styles"
            ) from e
    house = reference_doc is None
    # first, as the letter's styles are written: a reference without a styles part gets
    # python-docx's default one, related before any part added below
    styles_element = document.styles.element
    if house:
        _drop_table_styles(styles_element)

    body = document.element.body
    sect_pr = letter_section(body)
    del body[:]
    if sect_pr is not None:
        body.append(sect_pr)  # python-docx reads the page setup from here
    _drop_unused_rels(document.part, (RT_HYPERLINK, RT_IMAGE))
    if house:
        styles = Styles(copy.deepcopy(styles_element))
        footer_id = {s.name: styles.ensure(s, replace=True) for s in STYLES}["Footer"]
        _page_numbers(document, footer_id)
    footnotes = _footnotes_part(document, XmlPart, CT.WML_FOOTNOTES)
    kept = [int(n.get(_w("id"))) for n in footnotes.element.iterchildren(_w("footnote"))]
    _settings(document, [str(i) for i in kept])
    _core_properties(document)
    stale = _drop_stale_parts(document)
    package = document.part.package
    parts = []
    for part in package.parts:
        part.before_marshal()
        member = part.partname.membername
        parts.append(Part(str(part.partname), part.content_type,
                          APP_XML if member == "docProps/app.xml" else part.blob,
                          _rels_of(part.rels), stale if part is document.part else []))
    return Skeleton(parts, _rels_of(package.rels), kept)


def _drop_table_styles(styles_element) -> None:
    """Remove the house style's table styles but the default one.

    python-docx's default template defines a hundred table styles ("Light Shading Accent 1"
    and the like): nine tenths of its styles part, which every render would parse, write and
    compress again. A letter uses none of them (its tables are formatted directly), and Word
    still offers each one: the latent styles list them, and Word defines one when it is
    chosen. A reference document's own styles are never touched.
    """
    for style in styles_element.findall(_w("style")):
        if style.get(_w("type")) == "table" and style.get(_w("default")) not in ("1", "true"):
            styles_element.remove(style)


def _w(name: str) -> str:
    return f"{{http://schemas.openxmlformats.org/wordprocessingml/2006/main}}{name}"


def _rels_of(rels) -> list[Rel]:
    return [Rel(rid, rel.reltype, rel.target_ref, rel.is_external,
                None if rel.is_external else str(rel.target_part.partname))
            for rid, rel in rels.items()]


def _drop_unused_rels(part, reltypes: tuple[str, ...]) -> None:
    used = {v for el in part.element.iter() for v in el.attrib.values()}
    for rid, rel in list(part.rels.items()):
        if rel.reltype in reltypes and rid not in used:
            del part.rels[rid]


def _footnotes_part(document, xml_part, content_type):
    """The footnotes part: the reference document's (separators kept) or a new one."""
    from docx.opc.packuri import PackURI

    from .docxxml import NSDECLS, parse_xml

    doc_part = document.part
    for rel in doc_part.rels.values():
        if rel.reltype == RT_FOOTNOTES and not rel.is_external:
            part = rel.target_part
            if isinstance(part, xml_part):
                root = part.element
                for note in list(root.iterchildren(_w("footnote"))):
                    if note.get(_w("type")) in (None, "normal"):
                        root.remove(note)
                _drop_unused_rels(part, (RT_HYPERLINK,))
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
    part = xml_part(PackURI(name), content_type, parse_xml(xml), doc_part.package)
    doc_part.relate_to(part, RT_FOOTNOTES)
    return part


# children of w:settings that come after w:footnotePr in the schema's sequence
_AFTER_FOOTNOTE_PR = ("endnotePr", "compat", "docVars", "rsids", "attachedSchema",
                      "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                      "doNotAutoCompressPictures", "forceUpgrade", "captions",
                      "readModeInkLockDown", "smartTagType", "shapeDefaults",
                      "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def _settings(document, separator_ids: list[str]) -> None:
    from .docxxml import NSDECLS, parse_xml

    settings = document.settings.element
    for child in settings.findall(_w("savePreviewPicture")):
        settings.remove(child)
    if settings.find(_w("footnotePr")) is not None or not separator_ids:
        return
    pr = parse_xml(f"<w:footnotePr {NSDECLS}>"
                   + "".join(f'<w:footnote w:id="{i}"/>' for i in separator_ids)
                   + "</w:footnotePr>")
    after = {_w(name) for name in _AFTER_FOOTNOTE_PR}
    after.add("{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr")
    after.add("{http://schemas.openxmlformats.org/schemaLibrary/2006/main}schemaLibrary")
    for child in settings:
        if child.tag in after:
            child.addprevious(pr)
            return
    settings.append(pr)


def _page_numbers(document, style_id: str) -> None:
    """Page numbers at the foot of every page but the first, as letters have them."""
    from .docxxml import NSDECLS, parse_xml, xml_attr

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


def _core_properties(document) -> None:
    """Clear what describes the template; the title, language and dates become marks that
    `fill_core` replaces with the letter's."""
    props = document.core_properties
    props.title = TITLE_MARK
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.content_status = ""
    props.identifier = ""
    props.version = ""
    props.language = LANG_MARK
    props.created = DATE_MARK
    props.modified = DATE_MARK
    if props.last_printed is not None:
        props.last_printed = DATE_MARK
    props.revision = 1


def _drop_stale_parts(document) -> list[str]:
    """Drop parts that would describe some other document than this letter.

    The template's preview picture shows another document; Word 2010's copy of the styles
    (stylesWithEffects.xml) lacks the styles added here, and later versions ignore it.
    Returns the rIds dropped from the main document part.
    """
    dropped = []
    for rels, reltype in ((document.part.package.rels, RT_THUMBNAIL),
                          (document.part.rels, STYLES_WITH_EFFECTS)):
        for rid, rel in list(rels.items()):
            if rel.reltype == reltype:
                del rels[rid]
                if rels is document.part.rels:
                    dropped.append(rid)
    return dropped


def fill_core(part: Part, title: str, lang: str, when: str) -> None:
    """The letter's title, language and date in place of the skeleton's marks.

    The marks are replaced in the part's bytes: parsing and writing it again would turn the
    empty elements python-docx writes as `<dc:subject></dc:subject>` into `<dc:subject/>`.
    """
    blob = part.blob
    for mark, value in ((TITLE_MARK, title), (LANG_MARK, lang)):
        holder = etree.Element("v")
        holder.text = value
        text = etree.tostring(holder, encoding="UTF-8")[3:-4]  # escaped as lxml escapes it
        blob = blob.replace(f">{mark}<".encode(), b">" + text + b"<")
    part.blob = blob.replace(f">{DATE_MARK_TEXT}<".encode(), f">{when}<".encode())


# --- storing and loading skeletons -------------------------------------------------------


def skeleton_bytes(skeleton: Skeleton, key: str) -> bytes:
    def rels(items: list[Rel]) -> list:
        return [[r.rid, r.reltype, r.target_ref, r.external, r.target] for r in items]

    manifest = {"version": SKELETON_VERSION, "key": key, "kept_notes": skeleton.kept_notes,
                "package_rels": rels(skeleton.package_rels),
                "parts": [{"name": p.name, "type": p.content_type, "rels": rels(p.rels),
                           "reserved": p.reserved,
                           "sha256": hashlib.sha256(p.blob).hexdigest()}
                          for p in skeleton.parts]}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for i, part in enumerate(skeleton.parts):
            info = zipfile.ZipInfo(f"part{i}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, part.blob)
        info = zipfile.ZipInfo("manifest.json", date_time=ZIP_DATE)
        dst.writestr(info, json.dumps(manifest, sort_keys=True, indent=1))
    return out.getvalue()


def load_skeleton(data: bytes, key: str) -> Skeleton:
    """Read a stored skeleton; raise ValueError if it is not complete and for `key`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            manifest = json.loads(src.read("manifest.json"))
            if manifest.get("version") != SKELETON_VERSION or manifest.get("key") != key:
                raise ValueError("another version or reference")
            parts = []
            for i, entry in enumerate(manifest["parts"]):
                blob = src.read(f"part{i}")
                if hashlib.sha256(blob).hexdigest() != entry["sha256"]:
                    raise ValueError("a part does not match its hash")
                parts.append(Part(str(entry["name"]), str(entry["type"]), blob,
                                  [_rel(r) for r in entry["rels"]],
                                  [str(r) for r in entry["reserved"]]))
            return Skeleton(parts, [_rel(r) for r in manifest["package_rels"]],
                            [int(n) for n in manifest["kept_notes"]])
    except (KeyError, TypeError, IndexError, zipfile.BadZipFile, json.JSONDecodeError,
            EOFError, OSError) as e:
        raise ValueError(str(e)) from e


def _rel(item: list) -> Rel:
    rid, reltype, target_ref, external, target = item
    return Rel(str(rid), str(reltype), str(target_ref), bool(external),
               None if target is None else str(target))


def builder_fingerprint() -> str:
    """What a cached skeleton was built by: this code and the installed python-docx. A
    skeleton built by other code (an upgrade, a change to what is taken from a reference)
    is not used, so a cache never outlives the code that made it."""
    import importlib.util

    here = Path(__file__).parent
    digest = hashlib.sha256(str(SKELETON_VERSION).encode())
    for name in ("docxpackage.py", "docxbody.py", "docxstyles.py", "docxxml.py", "docx.py"):
        digest.update((here / name).read_bytes())
    spec = importlib.util.find_spec("docx")  # found, not imported
    if spec is not None and spec.origin:
        info = os.stat(spec.origin)
        digest.update(f"{spec.origin}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def skeleton_for(reference_doc: Path | None, cache_dir: Path | None) -> Skeleton:
    """The skeleton for a reference document (None: the house style), from the cache when it
    holds a good one for the file's bytes, else built and stored."""
    if reference_doc is None:
        try:
            return load_skeleton(HOUSE_SKELETON.read_bytes(), "house")
        except (OSError, ValueError):
            return build_skeleton(None)  # an installation without the data file
    from ..fileio import FileAccessError, read_file, workspace_of

    try:  # as every workspace file is read: never through a link out of the workspace
        data = read_file(reference_doc, inside=workspace_of(reference_doc))
    except FileAccessError as e:
        raise DocxError(f"{reference_doc}: {e.message}; or remove it to use the built-in "
                        "styles") from None
    digest = hashlib.sha256(data).hexdigest()
    cached = cache_dir / f"{digest}.zip" if cache_dir is not None else None
    key = f"{digest} {builder_fingerprint()}" if cached is not None else digest
    if cached is not None:
        try:
            return load_skeleton(cached.read_bytes(), key)
        except (OSError, ValueError):
            pass  # missing, stale or corrupt: build it again
    skeleton = build_skeleton(reference_doc, data)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            tmp.write_bytes(skeleton_bytes(skeleton, key))
            os.replace(tmp, cached)
        except OSError:
            pass  # a read-only workspace renders all the same, only not faster next time
    return skeleton


# --- writing the package -----------------------------------------------------------------


def rels_xml(rels: list[Rel]) -> bytes:
    """A .rels part as python-docx writes it."""
    root = etree.fromstring(f'<Relationships xmlns="{PR_NS}"/>')
    for rel in rels:
        el = etree.fromstring(f'<Relationship xmlns="{PR_NS}"/>')
        el.set("Id", rel.rid)
        el.set("Type", rel.reltype)
        el.set("Target", rel.target_ref)
        if rel.external:
            el.set("TargetMode", "External")
        root.append(el)
    return serialize(root)


def _rels_member(name: str) -> str:
    folder, _, base = name.rpartition("/")
    return f"{folder}/_rels/{base}.rels".lstrip("/")


def zip_package(skeleton: Skeleton) -> bytes:
    """Write the package as a zip with fixed timestamps, attributes and member order, so
    that the same input gives the same bytes."""
    from .docxxml import xml_attr as _attr

    members: dict[str, bytes] = {"_rels/.rels": rels_xml(skeleton.package_rels)}
    defaults = {"rels": CT_RELS, "xml": CT_XML}
    overrides: dict[str, str] = {}
    for part in skeleton.parts:
        ext = part.name.rpartition(".")[2].lower() if "." in part.name.rpartition("/")[2] \
            else ""
        if defaults.get(ext) != part.content_type:
            if ext in defaults or ext in ("xml", "rels"):
                overrides[part.name] = part.content_type
            else:
                defaults[ext] = part.content_type
        members[part.name.lstrip("/")] = part.blob
        if part.rels:
            members[_rels_member(part.name)] = rels_xml(part.rels)
    types = [f'<Default Extension="{_attr(ext)}" ContentType="{_attr(ct)}"/>'
             for ext, ct in sorted(defaults.items())]
    types += [f'<Override PartName="{_attr(name)}" ContentType="{_attr(ct)}"/>'
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
