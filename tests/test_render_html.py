"""The HTML output: semantic structure, linked notes both ways, escaping, self-containment."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from undersigned.checks.validate import check_letter_file
from undersigned.cli import cli
from undersigned.errors import UndersignedError
from undersigned.format.inline import Span, Text
from undersigned.format.model import Party
from undersigned.render.html import PdfUnavailableError, render_html, render_pdf, safe_href
from undersigned.render.prepare import Entry, Note, NoteCall, PBlock, Prepared, RSection, prepare

from .conftest import EXAMPLE_SLUG, REPO, TODAY


class Tree(HTMLParser):
    """Every start tag with its attributes, the text inside each tag name, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br"):
            self.stack.append(tag)
            self.text.setdefault(tag, []).append("")

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        for tag in set(self.stack):
            self.text[tag][-1] += data

    def find(self, tag: str | None = None, **attrs) -> list[dict]:
        return [a for t, a in self.tags if (tag is None or t == tag)
                and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def example():
    letter, roster, problems = check_letter_file(
        REPO / "letters" / f"{EXAMPLE_SLUG}.yaml", REPO, TODAY)
    assert letter is not None, problems
    return prepare(letter, roster)


@pytest.fixture(scope="module")
def example_html(example) -> str:
    return render_html(example, None)


def make_doc(**fields) -> Prepared:
    """A small letter built directly, for what the example does not show."""
    base = dict(
        title="A title", lang="en", slug="small", kind="letter", date_line="May 1, 2024",
        addressees=[Party("Ada Lovelace", "Countess")], cc=[], subject="Re: A subject",
        salutation="Dear Ada,", closing="Sincerely,",
        blocks=[PBlock("paragraph", [[Text("One."), NoteCall(1, "a")]])],
        signatures_heading="Signatories (as of May 1, 2024):", signatures_note=None,
        sections=[RSection("Organizations", [(None, [Entry("Org One")])])],
        notes=[Note(1, "a", [Text("A note.")])],
    )
    base.update(fields)
    return Prepared(**base)


def test_document_skeleton(example_html):
    tree = Tree(example_html)
    assert example_html.startswith("<!DOCTYPE html>\n")
    assert tree.find("html") == [{"lang": "en"}]
    assert tree.find("meta", charset="utf-8")
    assert tree.text["title"] == ["China’s Forcible Repatriation of North Korean Refugees"]
    assert len(tree.find("main")) == 1 and len(tree.find("article")) == 1
    assert len(tree.find("h1")) == 1
    assert tree.text["h1"] == ["Re: China’s Forcible Repatriation of North Korean Refugees"]
    assert tree.find("p", class_="dateline") and tree.find("p", class_="salutation")
    assert tree.find("p", class_="closing")
    assert len(tree.find("address", class_="addressee")) == 1
    assert "Xi Jinping" in tree.text["address"][0]


def test_every_id_is_unique(example_html):
    ids = [a["id"] for _, a in Tree(example_html).tags if "id" in a]
    assert len(ids) == len(set(ids))


def test_notes_are_linked_both_ways(example, example_html):
    tree = Tree(example_html)
    ids = {a["id"] for _, a in tree.tags if "id" in a}
    endnotes = tree.find("section", role="doc-endnotes")
    assert len(endnotes) == 1
    items = [a for a in tree.find("li") if a.get("id", "").startswith("fn-")]
    assert [a["id"] for a in items] == [f"fn-{n}" for n in range(1, 14)]
    calls = tree.find("a", role="doc-noteref")
    first_calls = [a for a in calls if "id" in a]
    assert [a["id"] for a in first_calls] == [f"fnref-{n}" for n in range(1, 14)]
    for a in calls:
        assert a["href"][1:] in ids
    backlinks = tree.find("a", role="doc-backlink")
    assert [a["href"] for a in backlinks] == [f"#fnref-{n}" for n in range(1, 14)]
    # the call's visible number is the note's number
    assert re.findall(r'role="doc-noteref">(\d+)</a>', example_html) == [
        str(n) for n in range(1, 14)]


def test_each_note_also_sits_at_its_call_for_paged_media(example, example_html):
    spans = re.findall(r'<span class="fn" data-n="(\d+)" aria-hidden="true">(.*?)</span>',
                       example_html)
    assert [int(n) for n, _ in spans] == list(range(1, 14))
    for _, text in spans:
        assert "\n" not in text  # a newline in a footnote is a hard break in WeasyPrint
    assert "유엔인권사무소장" in spans[8][1]


def test_signatories(example_html):
    tree = Tree(example_html)
    assert len(tree.find("li", class_="signatory")) == 7 + 48
    rosters = [a["class"] for a in tree.find("section") if "roster" in a.get("class", "")]
    # individuals carry titles and stay in one column; organisations' names take two
    assert rosters == ["roster", "roster roster-columns"]
    assert tree.text["h2"][0].startswith("Signature organizations and individuals (as of")
    assert tree.text["h3"] == ["Individuals", "Organizations"]


def test_stylesheet_is_inline_and_nothing_is_fetched(example_html):
    lowered = example_html.lower()
    assert "<link" not in lowered
    assert "<script" not in lowered
    assert "@import" not in lowered
    assert "url(" not in lowered
    assert " src=" not in lowered
    assert lowered.count("<style>") == 1
    for rule in ("@page", "counter(pages)", "float: footnote", "break-inside: avoid",
                 "Noto Serif CJK KR"):
        assert rule in example_html


def test_same_input_same_bytes(example_html):
    letter, roster, _ = check_letter_file(REPO / "letters" / f"{EXAMPLE_SLUG}.yaml", REPO, TODAY)
    assert render_html(prepare(letter, roster), None) == example_html


def test_html_golden(workspace, golden):
    """The example through `undersigned render --to html`; `--update-goldens` rewrites it."""
    result = CliRunner().invoke(cli, ["render", EXAMPLE_SLUG, "--to", "html", "--out", "out"])
    assert result.exit_code == 0, result.output
    golden(f"{EXAMPLE_SLUG}.html", (workspace / "out" / f"{EXAMPLE_SLUG}.html").read_text(
        encoding="utf-8"))


def test_hostile_text_is_escaped():
    evil = "<script>alert(1)</script>"
    doc = make_doc(
        title=evil, subject=f"Re: {evil}", salutation=evil, closing=evil, date_line=evil,
        addressees=[Party(evil, evil, evil, f"{evil}\nline 2")],
        cc=[Party(evil, evil)],
        blocks=[
            PBlock("paragraph", [[Text(evil), Span("em", [Text(evil)]), NoteCall(1, "a")]]),
            PBlock("heading", [[Text(evil)]]),
            PBlock("quote", [[Text(evil)]]),
            PBlock("list", [[Text(evil)], [Text('"quoted" & <b>')]]),
        ],
        signatures_heading=evil, signatures_note=evil,
        sections=[RSection(evil, [(evil, [Entry(evil, evil)])])],
        notes=[Note(1, "a", [Text(evil)])],
    )
    html = render_html(doc, None)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;quoted&#34; &amp; &lt;b&gt;" in html
    assert "<br>line 2" in html


def test_links_only_for_http_and_https():
    doc = make_doc(blocks=[PBlock("paragraph", [[
        Span("link", [Text("web")], "https://example.org/a?b=1&c=\"2\""),
        Text(" "),
        Span("link", [Text("plain")], "http://example.org"),
        Text(" "),
        Span("link", [Text("bad")], "javascript:alert(1)"),
        Text(" "),
        Span("link", [Text("local")], "file:///etc/passwd"),
        NoteCall(1, "a"),
    ]])])
    html = render_html(doc, None)
    assert '<a href="https://example.org/a?b=1&amp;c=&#34;2&#34;">web</a>' in html
    assert '<a href="http://example.org">plain</a>' in html
    assert "javascript:" not in html and "file:///" not in html
    assert " bad " in html and "local&#x2060;<sup" in html
    assert safe_href("HTTPS://x.org") == "HTTPS://x.org"
    assert safe_href("mailto:a@b.org") is None


def test_body_blocks_take_their_elements():
    doc = make_doc(blocks=[
        PBlock("heading", [[Text("Our recommendations")]]),
        PBlock("list", [[Text("End returns."), NoteCall(1, "a")], [Text("Grant access.")]]),
        PBlock("list", [[Text("First")], [Text("Second")]], ordered=True),
        PBlock("quote", [[Text("A quotation […] with an omission.")]]),
        PBlock("paragraph", [[Span("strong", [Text("Bold")]), Text(" and "),
                              Span("em", [Text("italic")])]]),
    ])
    html = render_html(doc, None)
    assert "<h2>Our recommendations</h2>" in html
    assert re.search(r"<ul>\n<li>End returns\.&#x2060;<sup", html)
    assert "<ol>\n<li>First</li>\n<li>Second</li>\n</ol>" in html
    assert "<blockquote><p>A quotation […] with an omission.</p></blockquote>" in html
    assert "<p><strong>Bold</strong> and <em>italic</em></p>" in html


def test_no_line_breaks_between_a_word_and_its_call(example_html):
    """A word joiner before every call mark: WeasyPrint would set a call that ends a full line
    alone at the start of the next (the consumer test reads the marks' positions)."""
    calls = re.findall(r"(.{9})<sup class=\"fn-ref", example_html)
    assert calls and all(before.endswith("&#x2060;") for before in calls)


def test_a_call_inside_a_link_follows_it():
    doc = make_doc(blocks=[PBlock("paragraph", [[
        Span("link", [Text("the report"), NoteCall(1, "a")], "https://example.org"),
    ]])])
    html = render_html(doc, None)
    assert '<a href="https://example.org">the report</a>&#x2060;<sup class="fn-ref">' in html


def test_a_note_called_twice_has_one_anchor_and_one_footnote():
    doc = make_doc(blocks=[
        PBlock("paragraph", [[Text("First"), NoteCall(1, "a")]]),
        PBlock("paragraph", [[Text("Again"), NoteCall(1, "a")]]),
    ])
    html = render_html(doc, None)
    assert html.count('id="fnref-1"') == 1
    assert html.count('<span class="fn"') == 1
    assert html.count('href="#fn-1"') == 2
    assert 'class="fn-ref fn-again"' in html


def test_newlines_in_a_note_never_reach_the_footnote_element():
    doc = make_doc(notes=[Note(1, "a", [Text("line one\nline two\n\n  three")])])
    html = render_html(doc, None)
    assert '<span class="fn" data-n="1" aria-hidden="true">line one line two three</span>' in html
    # the endnote list keeps the text as written; HTML collapses it anyway
    assert "line one\nline two" in html


def test_the_title_is_metadata_and_the_heading_prints_where_asked():
    """#14: the title printed as an H1 in HTML (not in DOCX) when there was no subject; now
    it names the document only, and `heading` prints in every format."""
    doc = make_doc(kind="statement", subject=None, addressees=[], salutation=None,
                   closing=None, date_line=None)
    html = render_html(doc, None)
    tree = Tree(html)
    assert "h1" not in tree.text
    assert '<article class="letter kind-statement" aria-label="A title">' in html
    assert not tree.find("address") and not tree.find("p", class_="salutation")
    doc.heading_lines = ["Joint statement", "on the protection of defenders"]
    tree = Tree(render_html(doc, None))
    assert tree.text["h1"] == ["Joint statementon the protection of defenders"]


def test_no_notes_no_endnote_section():
    doc = make_doc(blocks=[PBlock("paragraph", [[Text("No notes.")]])], notes=[])
    html = render_html(doc, None)
    assert "doc-endnotes" not in html and 'class="fn"' not in html


def test_grouped_roster_has_group_headings():
    doc = make_doc(sections=[RSection("Organizations", [("France", [Entry("A")]),
                                                        ("Japan", [Entry("B")])])])
    assert Tree(render_html(doc, None)).text["h4"] == ["France", "Japan"]


def test_workspace_templates_add_to_and_replace_the_stylesheet(tmp_path):
    doc = make_doc()
    (tmp_path / "custom.css").write_text("@page { size: A4 }\n/* </style><script> */\n")
    html = render_html(doc, tmp_path)
    assert "@page { size: A4 }" in html
    assert "</style><script>" not in html
    assert html.count("</style>") == 1
    (tmp_path / "letter.css").write_text("body { color: red }\n")
    html = render_html(doc, tmp_path)
    assert "body { color: red }" in html and "float: footnote" not in html


def test_a_workspace_template_replaces_the_built_in(tmp_path):
    (tmp_path / "letter.html.j2").write_text("<p>{{ doc.title }}</p>\n")
    assert render_html(make_doc(title="<b>"), tmp_path) == "<p>&lt;b&gt;</p>\n"


def test_pdf_without_weasyprint_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(PdfUnavailableError) as e:
        render_pdf("<p>x</p>")
    assert str(e.value) == "PDF output needs the optional extra: pip install 'undersigned[pdf]'"
    assert isinstance(e.value, UndersignedError)


def test_pdf_without_pango_says_so(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    with pytest.raises(PdfUnavailableError, match=r"system libraries \(Pango\).*libpango"):
        render_pdf("<p>x</p>")


def test_the_weasyprint_pdf_is_tagged():
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    import io

    pdf = pypdf.PdfReader(io.BytesIO(render_pdf(make_doc())))
    root = pdf.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"


def test_weasyprint_lays_out_with_a_sparse_collector_and_leaves_it_as_it_was(monkeypatch):
    """The cycle collector runs seldom while WeasyPrint works (a quarter of a 5,000-signatory
    PDF's time otherwise), and its thresholds are back as they were after, even on error."""
    weasyprint = pytest.importorskip("weasyprint")
    import gc

    from undersigned.gcpause import SPARSE_THRESHOLDS

    before = gc.get_threshold()
    seen = []
    real_write = weasyprint.HTML.write_pdf

    def write_pdf(self, *args, **kwargs):
        seen.append(gc.get_threshold())
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", write_pdf)
    assert render_pdf(make_doc()).startswith(b"%PDF")
    assert seen and all(t == SPARSE_THRESHOLDS for t in seen)
    assert gc.get_threshold() == before != SPARSE_THRESHOLDS

    def failing(self, *args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", failing)
    with pytest.raises(RuntimeError):
        render_pdf(make_doc())
    assert gc.get_threshold() == before


def test_consecutive_calls_are_bound_to_the_word_before_them_once():
    doc = make_doc(blocks=[PBlock("paragraph", [[Text("Two notes here."), NoteCall(1, "a"),
                                                 NoteCall(2, "b"), Text(" More.")]])],
                   notes=[Note(1, "a", [Text("One.")]), Note(2, "b", [Text("Two.")])])
    html = render_html(doc, None)
    body = html.split('<div class="letter-body">')[1].split("</div>")[0]
    assert body.count('id="fnref-1"') == 1 and body.count('id="fnref-2"') == 1
    assert body.count('href="#fn-2"') == 1
    # each call joined to what comes before it (U+2060 WORD JOINER): no line starts with one
    assert re.search(r'Two notes here\.&#x2060;<sup class="fn-ref">.*&#x2060;<sup '
                     r'class="fn-ref">.*href="#fn-2".* More\.</p>', body)
