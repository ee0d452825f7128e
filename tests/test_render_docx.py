"""The DOCX writer: real footnotes, named styles, reference documents, repeatable bytes."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import time
import zipfile

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from undersigned.cli import cli
from undersigned.errors import DocxError
from undersigned.format.inline import Span, Text
from undersigned.format.model import Party
from undersigned.render.docx import EPOCH, ZIP_DATE, render_docx
from undersigned.render.docxxml import clean
from undersigned.render.prepare import Entry, Note, NoteCall, PBlock, Prepared, RSection

from .conftest import EXAMPLE_SLUG

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W, "r": R, "rel": PKG_R}
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
HYPERLINK_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def make_prepared(**changes) -> Prepared:
    """A small letter with every kind of block, three notes and two signatory sections."""
    fields = dict(
        title="Letter on Testing",
        lang="en",
        slug="testing",
        kind="letter",
        date_line="Seoul, September 21, 2023",
        addressees=[Party("Jane Roe", title="Minister of Tests",
                          address="1 Test Street\nTestville")],
        cc=[Party("John Doe", title="Ambassador")],
        subject="Re: Testing",
        salutation="Dear Minister,",
        blocks=[
            PBlock("paragraph", [[Text("We write "), Span("em", [Text("urgently")]),
                                  Text(" about "),
                                  Span("link", [Text("a report")], "https://example.org/r"),
                                  Text("."), NoteCall(1, "first")]]),
            PBlock("heading", [[Text("Our requests")]]),
            PBlock("list", [[Text("Bullet one"), NoteCall(2, "second")], [Text("Bullet two")]]),
            PBlock("list", [[Text("First")], [Text("Second")]], ordered=True),
            PBlock("quote", [[Text("A quotation […] with "),
                              Span("strong", [Span("em", [Text("both")])]), Text(" marks.")]]),
            PBlock("list", [[Text("Again first")], [Text("Again second"), NoteCall(1, "first"),
                                                     NoteCall(3, "third")]], ordered=True),
        ],
        closing="Sincerely,",
        signatures_heading="Signatories (as of September 21, 2023):",
        signatures_note="Affiliations are for identification purposes only.",
        sections=[
            RSection("Individuals", [(None, [Entry("Ada Lovelace", "Analyst"),
                                             Entry("Lee Yanghee", None)])]),
            RSection("Organizations", [("Korea", [Entry("Korean Org")]),
                                       ("Mexico", [Entry("Mexican Org")])]),
        ],
        notes=[
            Note(1, "first", [Text("First source, "),
                              Span("link", [Text("https://example.org/one")],
                                   "https://example.org/one"), Text(".")]),
            Note(2, "second", [Text("Second source [in Korean] 유엔인권사무소장.")]),
            Note(3, "third", [Text("Id., para. 3.")]),
        ],
    )
    fields.update(changes)
    return Prepared(**fields)


class StyleIds(dict):
    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name) -> bool:
        return super().__contains__(name.lower())


class Package:
    """A rendered DOCX opened as its parts."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    def rels(self, name: str) -> list:
        if name not in self.zip.namelist():
            return []
        return self.xml(name).findall("rel:Relationship", NS)

    @property
    def document(self):
        return self.xml("word/document.xml")

    @property
    def footnotes(self):
        return self.xml("word/footnotes.xml")

    def style_ids(self) -> StyleIds:
        """Style name (in any case: Word writes "footnote text") → id."""
        return StyleIds({s.find("w:name", NS).get(w("val")).lower(): s.get(w("styleId"))
                         for s in self.xml("word/styles.xml").findall("w:style", NS)})

    def paragraphs(self, style_name: str) -> list:
        sid = self.style_ids()[style_name]
        return [p for p in self.document.iter(w("p"))
                if p.find("w:pPr/w:pStyle", NS) is not None
                and p.find("w:pPr/w:pStyle", NS).get(w("val")) == sid]


def text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t")))


@pytest.fixture
def pkg() -> Package:
    return Package(render_docx(make_prepared()))


def test_footnotes_part_is_related_with_its_content_type(pkg):
    types = pkg.xml("[Content_Types].xml")
    override = [o for o in types if o.get("PartName") == "/word/footnotes.xml"]
    assert override and override[0].get("ContentType") == FOOTNOTES_CT
    rels = [r for r in pkg.rels("word/_rels/document.xml.rels") if r.get("Type") == FOOTNOTES_RT]
    assert [r.get("Target") for r in rels] == ["footnotes.xml"]


def test_one_footnote_per_note_and_one_reference_each(pkg):
    notes = pkg.footnotes.findall("w:footnote", NS)
    separators = {n.get(w("type")): n.get(w("id")) for n in notes if n.get(w("type"))}
    assert separators == {"separator": "-1", "continuationSeparator": "0"}
    normal = [n for n in notes if not n.get(w("type"))]
    assert [n.get(w("id")) for n in normal] == ["1", "2", "3"]
    refs = [r.get(w("id")) for r in pkg.document.iter(w("footnoteReference"))]
    assert refs == ["1", "2", "3"]
    assert "Second source [in Korean] 유엔인권사무소장." in text_of(normal[1])
    # Word's settings name the separator notes
    ids = [f.get(w("id")) for f in pkg.xml("word/settings.xml").findall("w:footnotePr/w:footnote",
                                                                         NS)]
    assert ids == ["-1", "0"]


def test_footnote_paragraphs_start_with_the_footnote_mark(pkg):
    ids = pkg.style_ids()
    for note in pkg.footnotes.findall("w:footnote", NS):
        if note.get(w("type")):
            continue
        p = note.find("w:p", NS)
        assert p.find("w:pPr/w:pStyle", NS).get(w("val")) == ids["Footnote Text"]
        first_run = p.find("w:r", NS)
        assert first_run.find("w:footnoteRef", NS) is not None
        assert first_run.find("w:rPr/w:rStyle", NS).get(w("val")) == ids["Footnote Reference"]


def test_references_are_superscript_runs_in_the_reference_style(pkg):
    ids = pkg.style_ids()
    for ref in pkg.document.iter(w("footnoteReference")):
        run = ref.getparent()
        assert run.find("w:rPr/w:rStyle", NS).get(w("val")) == ids["Footnote Reference"]
    style = [s for s in pkg.xml("word/styles.xml").findall("w:style", NS)
             if s.get(w("styleId")) == ids["Footnote Reference"]][0]
    assert style.find("w:rPr/w:vertAlign", NS).get(w("val")) == "superscript"


def test_a_second_call_of_a_note_prints_its_number_without_a_new_reference(pkg):
    last_item = pkg.paragraphs("List Number")[-1]
    assert text_of(last_item) == "Again second1"
    assert [r.get(w("id")) for r in last_item.iter(w("footnoteReference"))] == ["3"]


STYLE_NAMES = [
    "Date Line", "Addressee", "Subject", "Salutation", "Body Text", "Heading 1", "Block Quote",
    "List Bullet", "List Number", "Closing", "Signatories Heading", "Signatories Note",
    "Signatory Section", "Signatory Group", "Signatory Name", "Signatory Title",
    "Signatory Entry", "Copy Recipients", "Footnote Text", "Footnote Reference", "Hyperlink",
    "Emphasis", "Strong",
]


def test_named_styles_exist_and_are_used(pkg):
    ids = pkg.style_ids()
    for name in STYLE_NAMES:
        assert name in ids, name
    assert [text_of(p) for p in pkg.paragraphs("Subject")] == ["Re: Testing"]
    assert [text_of(p) for p in pkg.paragraphs("Salutation")] == ["Dear Minister,"]
    assert [text_of(p) for p in pkg.paragraphs("Heading 1")] == ["Our requests"]
    assert [text_of(p) for p in pkg.paragraphs("Signatory Section")] == ["Individuals",
                                                                        "Organizations"]
    assert [text_of(p) for p in pkg.paragraphs("Signatory Group")] == ["Korea", "Mexico"]
    # a name above its title, and names alone in one column, are "Signatory Name"; names
    # set in two columns are "Signatory Entry"
    assert [text_of(p) for p in pkg.paragraphs("Signatory Name")] == [
        "Ada Lovelace", "Lee Yanghee"]
    assert [text_of(p) for p in pkg.paragraphs("Signatory Entry")] == [
        "Korean Org", "Mexican Org"]
    assert [text_of(p) for p in pkg.paragraphs("Signatory Title")] == ["Analyst"]
    assert len(pkg.paragraphs("Block Quote")) == 1
    # each cc recipient is a block with its title (and address) on lines of its own, the
    # label "cc:" hanging to the left of the first
    assert [text_of(p) for p in pkg.paragraphs("Copy Recipients")] == ["cc:John DoeAmbassador"]


def test_every_style_referred_to_is_defined_and_no_unused_table_style_is_shipped(pkg):
    """The house style keeps only the default table style (the others were nine tenths of
    the styles part, #17); every style a part or another style names is still defined."""
    styles = pkg.xml("word/styles.xml").findall("w:style", NS)
    defined = {s.get(w("styleId")) for s in styles}
    named = set()
    for part in ("word/document.xml", "word/footnotes.xml", "word/styles.xml",
                 "word/numbering.xml", *[n for n in pkg.zip.namelist()
                                         if n.startswith(("word/footer", "word/header"))]):
        for tag in ("pStyle", "rStyle", "tblStyle", "basedOn", "next", "link"):
            named |= {e.get(w("val")) for e in pkg.xml(part).iter(w(tag))}
    assert named - defined == set()
    tables = [s for s in styles if s.get(w("type")) == "table"]
    assert [s.get(w("default")) for s in tables] == ["1"]


def test_addressee_lines_are_one_paragraph_with_breaks(pkg):
    (p,) = pkg.paragraphs("Addressee")
    assert text_of(p) == "Jane RoeMinister of Tests1 Test StreetTestville"
    assert len(p.findall(".//w:br", NS)) == 3


def test_a_signatory_name_keeps_with_its_title_only(pkg):
    names = pkg.paragraphs("Signatory Name")
    assert names[0].find("w:pPr/w:keepNext", NS) is not None  # Ada Lovelace, Analyst
    assert all(p.find("w:pPr/w:keepNext", NS) is None for p in names[1:])


def test_names_without_titles_are_set_in_two_columns(pkg):
    body = pkg.document.find("w:body", NS)
    breaks = [(text_of(p), p.find("w:pPr/w:sectPr", NS)) for p in body.findall("w:p", NS)
              if p.find("w:pPr/w:sectPr", NS) is not None]
    # the letter's own section ends at the "Organizations" heading; its page setup keeps
    # the blank first-page footer
    assert [text for text, _ in breaks] == ["Organizations", "Mexican Org"]
    letter, names = breaks[0][1], breaks[1][1]
    assert letter.find("w:titlePg", NS) is not None
    assert letter.find("w:type", NS) is None
    assert names.find("w:cols", NS).get(w("num")) == "2"
    assert names.find("w:type", NS).get(w("val")) == "continuous"
    assert names.find("w:titlePg", NS) is None
    final = body[-1]
    assert final.tag == w("sectPr")
    assert final.find("w:type", NS).get(w("val")) == "continuous"
    assert final.find("w:cols", NS).get(w("num")) in (None, "1")
    for sect in (letter, names, final):
        assert sect.find("w:footerReference", NS) is not None
        assert sect.find("w:pgSz", NS) is not None
    # "cc:" follows in one column
    assert [text_of(p) for p in body.findall("w:p", NS)][-1] == "cc:John DoeAmbassador"


def test_a_letter_ending_in_two_columns_ends_with_an_empty_paragraph():
    pkg = Package(render_docx(make_prepared(cc=[])))
    body = pkg.document.find("w:body", NS)
    assert body[-2].tag == w("p") and text_of(body[-2]) == ""
    assert body[-3].find("w:pPr/w:sectPr/w:cols", NS).get(w("num")) == "2"


def test_titled_lists_stay_in_one_column():
    sections = [RSection("Individuals", [(None, [Entry("Ada Lovelace", "Analyst")])])]
    pkg = Package(render_docx(make_prepared(sections=sections)))
    assert not list(pkg.document.find("w:body", NS).iterfind("w:p/w:pPr/w:sectPr", NS))


def test_each_numbered_list_restarts_at_one(pkg):
    numbering = pkg.xml("word/numbering.xml")
    num_ids = [p.find("w:pPr/w:numPr/w:numId", NS).get(w("val"))
               for p in pkg.paragraphs("List Number")]
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
    for num_id in (num_ids[0], num_ids[2]):
        (num,) = [n for n in numbering.findall("w:num", NS) if n.get(w("numId")) == num_id]
        assert num.find("w:lvlOverride/w:startOverride", NS).get(w("val")) == "1"
        abstract_id = num.find("w:abstractNumId", NS).get(w("val"))
        (abstract,) = [a for a in numbering.findall("w:abstractNum", NS)
                       if a.get(w("abstractNumId")) == abstract_id]
        assert abstract.find("w:lvl/w:numFmt", NS).get(w("val")) == "decimal"
    bullets = pkg.paragraphs("List Bullet")
    assert all(p.find("w:pPr/w:numPr/w:numId", NS) is not None for p in bullets)


def test_emphasis_strong_and_nested_marks(pkg):
    ids = pkg.style_ids()
    (body,) = [p for p in pkg.paragraphs("Body Text")]
    em_run = [r for r in body.iter(w("r")) if text_of(r) == "urgently"][0]
    assert em_run.find("w:rPr/w:rStyle", NS).get(w("val")) == ids["Emphasis"]
    (quote,) = pkg.paragraphs("Block Quote")
    both = [r for r in quote.iter(w("r")) if text_of(r) == "both"][0]
    assert both.find("w:rPr/w:rStyle", NS).get(w("val")) == ids["Strong"]
    assert both.find("w:rPr/w:i", NS) is not None


def test_links_are_hyperlinks_with_external_relationships(pkg):
    ids = pkg.style_ids()
    for part, url in (("document", "https://example.org/r"),
                      ("footnotes", "https://example.org/one")):
        rels = {r.get("Id"): r for r in pkg.rels(f"word/_rels/{part}.xml.rels")
                if r.get("Type") == HYPERLINK_RT}
        (link,) = list(pkg.xml(f"word/{part}.xml").iter(w("hyperlink")))
        rel = rels[link.get(f"{{{R}}}id")]
        assert rel.get("Target") == url
        assert rel.get("TargetMode") == "External"
        assert link.find("w:r/w:rPr/w:rStyle", NS).get(w("val")) == ids["Hyperlink"]


def test_only_web_addresses_become_links():
    blocks = [PBlock("paragraph", [[Span("link", [Text("js")], "javascript:alert(1)"),
                                    Span("link", [Text("file")], "file:///etc/passwd"),
                                    Span("link", [Text("web")], "HTTPS://example.org")]])]
    pkg = Package(render_docx(make_prepared(blocks=blocks, notes=[])))
    targets = [r.get("Target") for r in pkg.rels("word/_rels/document.xml.rels")
               if r.get("Type") == HYPERLINK_RT]
    assert targets == ["HTTPS://example.org"]
    assert [text_of(p) for p in pkg.paragraphs("Body Text")] == ["jsfileweb"]


def test_same_input_gives_the_same_bytes():
    first = render_docx(make_prepared())
    time.sleep(1.1)  # a clock-dependent timestamp would show up now
    assert render_docx(make_prepared()) == first
    names = [i.filename for i in zipfile.ZipFile(io.BytesIO(first)).infolist()]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names[2:] == sorted(names[2:])
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {ZIP_DATE}


def test_python_docx_reopens_it(pkg):
    document = docx.Document(io.BytesIO(pkg.data))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Subject", "Re: Testing") in styles
    assert ("Signatory Title", "Analyst") in styles
    assert styles[0] == ("Date Line", "Seoul, September 21, 2023")


def test_core_properties_name_nobody(pkg):
    props = docx.Document(io.BytesIO(pkg.data)).core_properties
    assert props.title == "Letter on Testing"
    assert props.author == ""
    assert props.last_modified_by == ""
    assert props.comments == ""
    assert props.revision == 1
    assert props.created == props.modified == EPOCH.replace(tzinfo=props.created.tzinfo)
    assert b"python-docx" not in pkg.zip.read("docProps/core.xml")
    assert b"Microsoft" not in pkg.zip.read("docProps/app.xml")
    assert "docProps/thumbnail.jpeg" not in pkg.zip.namelist()
    assert "word/stylesWithEffects.xml" not in pkg.zip.namelist()


def test_the_letter_date_dates_the_document():
    data = render_docx(make_prepared(), date=dt.date(2023, 9, 21))
    props = docx.Document(io.BytesIO(data)).core_properties
    assert (props.created.date(), props.modified.date()) == (dt.date(2023, 9, 21),) * 2


def test_east_asian_font_and_language_are_named(pkg):
    defaults = pkg.xml("word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(w("eastAsia")) == "Noto Serif CJK KR"
    assert defaults.find("w:lang", NS).get(w("val")) == "en"
    japanese = Package(render_docx(make_prepared(lang="ja")))
    defaults = japanese.xml("word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert defaults.find("w:rFonts", NS).get(w("eastAsia")) == "Noto Serif CJK JP"


HOSTILE = "bad\x00\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff\ud800\udfff text\twith\nbreaks & <tags>"


def test_control_characters_are_dropped_not_fatal():
    prepared = make_prepared(
        title=HOSTILE, subject=HOSTILE, salutation=HOSTILE, date_line=HOSTILE, closing=HOSTILE,
        addressees=[Party(HOSTILE, title=HOSTILE, address=HOSTILE)],
        cc=[Party(HOSTILE, title=HOSTILE)],
        blocks=[PBlock("paragraph", [[Text(HOSTILE), Span("link", [Text(HOSTILE)], HOSTILE),
                                      NoteCall(1, "a")]])],
        signatures_heading=HOSTILE, signatures_note=HOSTILE,
        sections=[RSection(HOSTILE, [(HOSTILE, [Entry(HOSTILE, HOSTILE)])])],
        notes=[Note(1, "a", [Text(HOSTILE), Span("link", [Text("x")], "https://e.org/\x00")])],
    )
    data = render_docx(prepared)
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.title == "bad text\twith\nbreaks & <tags>"
    subject = [p for p in document.paragraphs if p.style.name == "Subject"][0]
    # a tab stays a tab and a newline a line break
    assert subject.text == "bad text\twith\nbreaks & <tags>"
    assert clean(HOSTILE) == "bad text\twith\nbreaks & <tags>"


def test_empty_letter_renders():
    prepared = make_prepared(date_line=None, addressees=[], cc=[], subject=None, salutation=None,
                             blocks=[], closing=None, signatures_heading=None,
                             signatures_note=None, sections=[], notes=[])
    document = docx.Document(io.BytesIO(render_docx(prepared)))
    assert document.paragraphs == [] or all(not p.text for p in document.paragraphs)


def test_fifty_thousand_signatories_stay_fast():
    entries = [Entry(f"Signatory {i}", f"Title {i}" if i % 2 else None) for i in range(50_000)]
    prepared = make_prepared(sections=[RSection("Everyone", [(None, entries)])])
    start = time.perf_counter()
    data = render_docx(prepared)
    elapsed = time.perf_counter() - start
    assert elapsed < 10, elapsed  # about 0.6 s here; quadratic insertion took minutes
    names = Package(data).paragraphs("Signatory Name")
    assert len(names) == 50_000
    assert text_of(names[-1]) == "Signatory 49999"


# --- reference documents ----------------------------------------------------------------


@pytest.fixture
def reference(tmp_path):
    """A reference document with a letterhead, A4 paper, its own Body Text and old content."""
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = Mm(30)
    section.header.paragraphs[0].text = "COALITION LETTERHEAD"
    body_text = document.styles["Body Text"]
    body_text.font.name = "Garamond"
    body_text.font.size = Pt(13)
    document.add_paragraph("Old content that must not survive", style="Body Text")
    document.add_paragraph().add_run().add_break()
    document.core_properties.author = "Template Author"
    path = tmp_path / "reference.docx"
    document.save(path)
    return path


def test_reference_document_keeps_letterhead_page_and_styles(reference):
    pkg = Package(render_docx(make_prepared(), reference))
    text = text_of(pkg.document)
    assert "Old content" not in text
    assert "We write urgently" in text
    body = pkg.document.find("w:body", NS)
    sect = body[-1]
    assert sect.tag == w("sectPr")
    size = sect.find("w:pgSz", NS)
    assert (int(size.get(w("w"))), int(size.get(w("h")))) == (11906, 16838)  # A4 in twips
    headers = [n for n in pkg.zip.namelist() if n.startswith("word/header")]
    assert any(b"COALITION LETTERHEAD" in pkg.zip.read(n) for n in headers)
    styles = pkg.xml("word/styles.xml")
    ids = pkg.style_ids()
    (body_text,) = [s for s in styles.findall("w:style", NS)
                    if s.get(w("styleId")) == ids["Body Text"]]
    assert body_text.find("w:rPr/w:rFonts", NS).get(w("ascii")) == "Garamond"
    for name in STYLE_NAMES:
        assert name in ids, name
    props = docx.Document(io.BytesIO(pkg.data)).core_properties
    assert props.author == ""


def test_a_reference_made_by_us_reuses_its_footnotes_part(tmp_path):
    reference = tmp_path / "reference.docx"
    reference.write_bytes(render_docx(make_prepared()))
    two_notes = make_prepared(
        blocks=[PBlock("paragraph", [[Text("One"), NoteCall(1, "x"), Text(" two"),
                                      NoteCall(2, "y")]])],
        notes=[Note(1, "x", [Text("Only X.")]), Note(2, "y", [Text("Only Y.")])],
    )
    pkg = Package(render_docx(two_notes, reference))
    notes = pkg.footnotes.findall("w:footnote", NS)
    assert [n.get(w("id")) for n in notes] == ["-1", "0", "1", "2"]
    assert [text_of(n).strip() for n in notes[2:]] == ["Only X.", "Only Y."]
    assert [r.get(w("id")) for r in pkg.document.iter(w("footnoteReference"))] == ["1", "2"]
    assert not [r for r in pkg.rels("word/_rels/footnotes.xml.rels")
                if r.get("Type") == HYPERLINK_RT]
    assert [n for n in pkg.zip.namelist() if "footnotes" in n and n.endswith(".xml")] == [
        "word/footnotes.xml"]


def test_a_reference_that_is_not_a_word_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "reference.docx"
    bad.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DocxError, match="cannot be read as a Word document"):
        render_docx(make_prepared(), bad)


# --- the example letter -----------------------------------------------------------------


def render_example(workspace) -> Package:
    result = CliRunner().invoke(cli, ["render", EXAMPLE_SLUG, "--to", "docx", "--out", "out"])
    assert result.exit_code == 0, result.output
    return Package((workspace / "out" / f"{EXAMPLE_SLUG}.docx").read_bytes())


def test_example_has_thirteen_real_footnotes(workspace):
    pkg = render_example(workspace)
    notes = [n for n in pkg.footnotes.findall("w:footnote", NS) if not n.get(w("type"))]
    assert len(notes) == 13
    refs = [r.get(w("id")) for r in pkg.document.iter(w("footnoteReference"))]
    assert refs == [n.get(w("id")) for n in notes]
    assert "유엔인권사무소장" in text_of(notes[8])


def pretty(xml: bytes) -> str:
    tree = etree.fromstring(xml, etree.XMLParser(remove_blank_text=True))
    return etree.tostring(tree, pretty_print=True, encoding="unicode")


def our_styles(xml: bytes) -> bytes:
    """The styles part cut to its defaults and the styles we define (the template's other
    hundred-odd table and list styles are python-docx's, not ours to pin)."""
    from undersigned.render.docxstyles import STYLES, WORD_NAMES

    root = etree.fromstring(xml)
    names = {WORD_NAMES.get(spec.name, spec.name) for spec in STYLES}
    for child in list(root):
        name = child.find("w:name", NS)
        if child.tag == w("latentStyles") or (
            child.tag == w("style") and (name is None or name.get(w("val")) not in names)
        ):
            root.remove(child)
    return etree.tostring(root)


@pytest.mark.parametrize("part", ["document", "footnotes", "styles"])
def test_example_golden(workspace, golden, part):
    pkg = render_example(workspace)
    xml = pkg.zip.read(f"word/{part}.xml")
    golden(f"{EXAMPLE_SLUG}.docx.{part}.xml", pretty(our_styles(xml) if part == "styles" else xml))


def test_commands_that_do_not_render_do_not_import_python_docx():
    code = ("import sys, undersigned.cli, undersigned.render.run, undersigned.render.prepare; "
            "print('docx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# --- reference documents with a first-page letterhead (#14) -------------------------------

REFERENCES = ["word-sections.docx", "libreoffice-sections.docx", "libreoffice-first-page.docx"]


def header_texts(package: Package, sect_pr) -> dict[str, str]:
    """'header:first' → the text of that header part, for each reference of a w:sectPr."""
    targets = {r.get("Id"): r.get("Target")
               for r in package.rels("word/_rels/document.xml.rels")}
    out = {}
    for ref in sect_pr:
        kind = etree.QName(ref).localname.removesuffix("Reference")
        if kind in ("header", "footer"):
            part = "word/" + targets[ref.get(f"{{{NS['r']}}}id")]
            out[f"{kind}:{ref.get(w('type'))}"] = text_of(package.xml(part))
    return out


@pytest.mark.parametrize("name", REFERENCES)
def test_the_first_page_letterhead_of_any_reference_is_kept(name):
    """#14: only the reference's last section was used, so a letterhead on its first page
    was lost (and page 1 gained the later pages' number). Word-style and LibreOffice-saved
    references, with one section or several."""
    from .conftest import FIXTURES

    package = Package(render_docx(make_prepared(), FIXTURES / "reference" / name))
    body = package.document.find("w:body", NS)
    letter = next(body.iter(w("sectPr")))  # the section holding page 1
    assert letter.find("w:titlePg", NS) is not None
    headers = header_texts(package, letter)
    assert headers["header:first"] == "ACME COALITION LETTERHEAD"
    assert headers["header:default"] == "Acme Coalition (continued)"
    if name != "libreoffice-first-page.docx":
        assert headers["footer:first"] == "Acme Coalition, 1 Example Street, Geneva"
        # the later pages keep the reference's page number field
        assert "PAGE" in etree.tostring(package.xml("word/" + {
            r.get("Id"): r.get("Target") for r in package.rels("word/_rels/document.xml.rels")
        }[letter.find("w:footerReference[@w:type='default']", NS).get(f"{{{NS['r']}}}id")]
        )).decode()
    # every section of the output carries the reference's headers
    for sect in body.iter(w("sectPr")):
        assert "header:default" in header_texts(package, sect)


def test_the_closing_keeps_with_the_last_paragraph_and_the_body_is_left_aligned(pkg):
    """#14: "Sincerely," ended alone at the top of a page; the DOCX body was justified
    without hyphenation while the HTML is left-aligned."""
    closing_id = pkg.style_ids()["Closing"]
    body = list(pkg.document.iter(w("p")))
    at = next(i for i, p in enumerate(body)
              if p.find("w:pPr/w:pStyle", NS).get(w("val")) == closing_id)
    before = body[at - 1]
    assert text_of(before) == "Again second1"  # the last list item (then note 3's mark)
    assert before.find("w:pPr/w:keepNext", NS) is not None
    styles = pkg.xml("word/styles.xml")
    ids = pkg.style_ids()
    body_text = styles.find(f"w:style[@w:styleId='{ids['Body Text']}']", NS)
    assert body_text.find("w:pPr/w:jc", NS) is None  # left, as the HTML
    name = styles.find(f"w:style[@w:styleId='{ids['Signatory Name']}']", NS)
    entry = styles.find(f"w:style[@w:styleId='{ids['Signatory Entry']}']", NS)
    # names bold above their titles, in the text's weight in columns: as the HTML sets them
    assert name.find("w:rPr/w:b", NS) is not None and entry.find("w:rPr/w:b", NS) is None
