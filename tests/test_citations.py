"""Citation styles as data (format/citations/): the built-in styles, style files, the gallery,
and a letter whose notes are written the way real coalition letters write them."""

from __future__ import annotations

import html as html_lib
import importlib.util
import json
import re
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from undersigned.cli import cli
from undersigned.errors import CitationStyleError
from undersigned.format.citations.styles import BUILTIN_STYLES, load_style
from undersigned.format.citations.templates import Group, Lit, parse_template
from undersigned.format.inline import Span, Text
from undersigned.format.load import load_letter
from undersigned.render.prepare import prepare
from undersigned.sources.archive import link_sources
from undersigned.sources.links import letter_links

from .conftest import FIXTURES, REPO, TODAY

CITATIONS = FIXTURES / "citations"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _script():
    spec = importlib.util.spec_from_file_location(
        "citations_gallery", REPO / "scripts" / "citations_gallery.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def flat(nodes: list) -> str:
    return "".join(n.text if isinstance(n, Text) else flat(n.children) for n in nodes)


# --- the gallery --------------------------------------------------------------------------------

def test_the_gallery_in_the_docs_is_what_the_styles_print():
    """docs/citations.md is generated; regenerate with `python scripts/citations_gallery.py`."""
    script = _script()
    current = (REPO / "docs" / "citations.md").read_text(encoding="utf-8")
    assert script.MARKER in current
    assert current == script.page_text(current), (
        "docs/citations.md is stale; run python scripts/citations_gallery.py")


def gallery_notes(style: str) -> dict[str, str]:
    path = CITATIONS / "letters" / "gallery.yaml"
    letter, problems = load_letter(path)
    assert letter is not None, problems
    doc = prepare(letter, None, load_style(style))
    return {n.key: (n.number, flat(n.nodes)) for n in doc.notes}


@pytest.mark.parametrize("style", BUILTIN_STYLES)
def test_every_type_has_a_first_an_immediate_and_a_later_form(style):
    from undersigned.format.schema import SOURCE_TYPES

    notes = gallery_notes(style)
    immediate = {"house": "Id.", "bluebook": "Id.", "oscola": "ibid"}[style]
    for source_type in SOURCE_TYPES:
        number, first = notes[f"{source_type}-first"]
        _, again = notes[f"{source_type}-again"]
        _, later = notes[f"{source_type}-later"]
        assert first and not first.startswith(immediate), source_type
        assert again.startswith(immediate), (source_type, again)
        if style == "house":  # the house style cites a source in full again
            assert later.split(", ")[:2] == first.split(", ")[:2], source_type
        elif style == "bluebook" and source_type == "legal_case":
            assert later.startswith("Hirsi Jamaa,"), later  # no supra for cases
        elif style == "bluebook":
            assert f"supra note {number}" in later, (source_type, later)
        else:
            assert f"(n {number})" in later, (source_type, later)


# --- the letter with real notes -----------------------------------------------------------------

@pytest.fixture
def real_notes(tmp_path, monkeypatch):
    """The fixture workspace, with the letter's own style line removed: the workspace's
    undersigned.yaml chooses the style, so the letter file stays byte for byte the same."""
    root = tmp_path / "ws"
    shutil.copytree(CITATIONS, root)
    letter = root / "letters" / "real-notes.yaml"
    text = letter.read_text(encoding="utf-8")
    letter.write_text(text.replace("style:\n  citations: house\n", ""), encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def render(root, style: str, *formats: str) -> dict[str, bytes]:
    (root / "undersigned.yaml").write_text(f"style:\n  citations: {style}\n", encoding="utf-8")
    before = (root / "letters" / "real-notes.yaml").read_bytes()
    out = root / "out" / style
    args = ["render", "real-notes", "--out", str(out)]
    for fmt in formats:
        args += ["--to", fmt]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert (root / "letters" / "real-notes.yaml").read_bytes() == before  # no source edited
    return {fmt: (out / f"real-notes.{fmt}").read_bytes() for fmt in formats}


def text_notes(txt: bytes) -> dict[int, str]:
    return {int(m.group(1)): m.group(2)
            for m in re.finditer(r"^\[(\d+)\] (.*)$", txt.decode("utf-8"), re.MULTILINE)}


def docx_notes(data: bytes) -> list[str]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/footnotes.xml"))
    return ["".join(t.text or "" for t in n.iter(f"{W}t")).strip()
            for n in root.iter(f"{W}footnote") if not n.get(f"{W}type")]


def test_real_notes_read_as_each_style_writes_them(real_notes):
    house, bluebook, oscola = (text_notes(render(real_notes, s, "txt")["txt"])
                               for s in BUILTIN_STYLES)
    for notes in (house, bluebook, oscola):
        assert len(notes) == 9
        assert "Press Release" not in notes[5]  # a press release without a genre
        assert "2017" in notes[2] and "January" not in notes[2]  # a year-only report
        assert "June 2019" in notes[4]  # a month-year report
        assert ", and the sources cited there." in notes[4]  # the suffix's own comma
        assert " , and" not in notes[4]
        assert "27765/09" in notes[8]  # repeated in full on purpose
    # notes that are only an address: the address, nothing invented, no full stop glued on
    assert house[1] == "https://refugee-coalition.example.org/returns"
    assert house[6] == "https://refugee-coalition.example.org/statement"
    assert bluebook[6] == "https://refugee-coalition.example.org/statement."  # as the manual
    assert oscola[1] == "<https://refugee-coalition.example.org/returns>."
    # a later citation of the report of note 2
    assert bluebook[7] == "Refugee Coalition, supra note 2, at 14."
    assert oscola[7] == "Refugee Coalition (n 2) 14."
    assert house[7].startswith("Refugee Coalition, Returned by Force, 2017, 14")
    # the source just cited, again
    assert (house[9], bluebook[9], oscola[9]) == ("Id., para. 134.", "Id. para. 134.",
                                                  "ibid para. 134.")
    # quotation marks inside a quotation alternate where the style says so
    assert "(“Officials described the returnees as ‘illegal crossers’ in every case.”)" \
        in bluebook[4]
    assert "(‘Officials described the returnees as “illegal crossers” in every case.’)" \
        in oscola[4]


def test_switching_the_style_changes_the_notes_and_nothing_else(real_notes):
    outputs = {s: render(real_notes, s, "txt", "docx", "html") for s in BUILTIN_STYLES}
    bodies = set()
    for out in outputs.values():
        txt = out["txt"].decode("utf-8")
        bodies.add(txt[: txt.index("\n[1] ")])
    assert len(bodies) == 1  # the text before the notes is the same in every style
    with zipfile.ZipFile(__import__("io").BytesIO(outputs["house"]["docx"])) as z:
        house_document = z.read("word/document.xml")
    for style in ("bluebook", "oscola"):
        with zipfile.ZipFile(__import__("io").BytesIO(outputs[style]["docx"])) as z:
            assert z.read("word/document.xml") == house_document
        assert docx_notes(outputs[style]["docx"]) != docx_notes(outputs["house"]["docx"])


def _style_words(style) -> set[str]:
    """Every word the style itself writes: the literal text of its templates, its months."""
    words: set[str] = set()

    def walk(items) -> None:
        for item in items:
            if isinstance(item, Lit):
                words.update(re.findall(r"[^\W\d_]+", item.text.lower()))
            elif isinstance(item, Group):
                walk(item.items)

    layouts = [style.immediate, style.link]
    for forms in style.types.values():
        layouts += list(forms.values())
    for layout in layouts:
        for piece in layout:
            for alternative in piece.alternatives:
                walk(alternative)
    for month in style.months:
        words.update(re.findall(r"[^\W\d_]+", month.lower()))
    return words


@pytest.mark.parametrize("style", BUILTIN_STYLES)
def test_no_word_in_the_notes_that_the_author_or_the_style_did_not_write(real_notes, style):
    out = render(real_notes, style, "txt", "docx", "html")
    authored = (real_notes / "letters" / "real-notes.yaml").read_text(encoding="utf-8")
    allowed = set(re.findall(r"[^\W\d_]+", authored.lower())) | _style_words(load_style(style))
    html = out["html"].decode("utf-8")
    html_notes = re.findall(r'<li id="fn-\d+"[^>]*>(.*?)</li>', html, re.DOTALL)
    html_notes = [re.sub(r'<a [^>]*role="doc-backlink".*?</a>', "", n) for n in html_notes]
    texts = [*text_notes(out["txt"]).values(), *docx_notes(out["docx"]),
             *(html_lib.unescape(re.sub(r"<[^>]+>", "", n)) for n in html_notes)]
    assert len(texts) == 27
    for text in texts:
        invented = set(re.findall(r"[^\W\d_]+", text.lower())) - allowed
        assert not invented, (style, text, invented)


# --- real programs read the footnotes back ------------------------------------------------------

def _need(*names: str) -> str:
    for name in names:
        if path := shutil.which(name):
            return path
    pytest.skip(f"{' / '.join(names)} not installed")


def squeeze(text: str) -> str:
    return re.sub(r"[\s\-]+", "", text)


@pytest.mark.consumers
@pytest.mark.parametrize("style", BUILTIN_STYLES)
def test_pandoc_reads_the_real_notes_as_footnotes(real_notes, style):
    pandoc = _need("pandoc")
    data = render(real_notes, style, "docx")["docx"]
    path = real_notes / "letter.docx"
    path.write_bytes(data)
    ast = json.loads(subprocess.run([pandoc, "-f", "docx", "-t", "json", str(path)],
                                    check=True, capture_output=True, text=True).stdout)
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Note":
                found.append(_pandoc_text(node["c"]))
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(ast["blocks"])
    ours = docx_notes(data)
    assert len(found) == len(ours) == 9
    assert [squeeze(t) for t in found] == [squeeze(t) for t in ours]


def _pandoc_text(node) -> str:
    if isinstance(node, dict):
        if node.get("t") == "Str":
            return node["c"]
        if node.get("t") in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if node.get("t") == "Link":
            return _pandoc_text(node["c"][1])
        if node.get("t") == "Quoted":  # pandoc folds “…” into a Quoted node
            marks = "“”" if node["c"][0]["t"] == "DoubleQuote" else "‘’"
            return marks[0] + _pandoc_text(node["c"][1]) + marks[1]
        return _pandoc_text(node.get("c", []))
    if isinstance(node, list):
        return "".join(_pandoc_text(n) for n in node)
    return ""


@pytest.mark.consumers
def test_libreoffice_reads_the_real_notes_as_footnotes(real_notes, tmp_path):
    soffice = _need("soffice", "libreoffice")
    data = render(real_notes, "bluebook", "docx")["docx"]
    source = tmp_path / "real-notes.docx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "fodt", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    root = etree.parse(str(tmp_path / "real-notes.fodt")).getroot()
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    notes = [n for n in root.iter(f"{{{text_ns}}}note")
             if n.get(f"{{{text_ns}}}note-class") == "footnote"]
    bodies = ["".join(n.find(f"{{{text_ns}}}note-body").itertext()) for n in notes]
    assert [squeeze(b) for b in bodies] == [squeeze(t) for t in docx_notes(data)]
    assert len(bodies) == 9


# --- style files ------------------------------------------------------------------------------

LETTER = """\
kind: statement
title: T
body:
  - We write.[^a] Again.[^b]
style:
  citations: {style}
footnotes:
  a:
    - cite: r
      pinpoint: "4"
  b:
    - cite: r
      prefix: "*See*"
      pinpoint: "5"
sources:
  r:
    type: report
    author: Refugee Coalition
    title: Returned by Force
    issued: 2017-06
    accessed: 2017-06-15
"""


def workspace_with(tmp_path, style: str, style_files: dict[str, str] | None = None):
    (tmp_path / "letters").mkdir()
    (tmp_path / "templates").mkdir()
    for name, text in (style_files or {}).items():
        (tmp_path / "templates" / name).write_text(text, encoding="utf-8")
    path = tmp_path / "letters" / "t.yaml"
    path.write_text(LETTER.replace("{style}", style), encoding="utf-8")
    return path


def notes_of(path) -> list[str]:
    letter, problems = load_letter(path)
    assert letter is not None, problems
    return [flat(n.nodes) for n in prepare(letter, None).notes]


def test_a_style_file_in_templates_extends_a_built_in(tmp_path):
    mine = "extends: bluebook\nimmediate: ['Ibid.[ {pinpoint}]']\nnote_end: ''\n"
    path = workspace_with(tmp_path, "coalition.yaml", {"coalition.yaml": mine})
    assert notes_of(path) == [
        "Refugee Coalition, Returned by Force 4 (June 2017) (last visited June 15, 2017)",
        "See ibid. 5"]


def test_the_workspace_default_applies_when_the_letter_names_no_style(tmp_path):
    path = workspace_with(tmp_path, "house")
    path.write_text(path.read_text(encoding="utf-8").replace("style:\n  citations: house\n",
                                                             ""), encoding="utf-8")
    assert notes_of(path)[1] == "See id., 5."
    (tmp_path / "undersigned.yaml").write_text("style:\n  citations: oscola\n", encoding="utf-8")
    assert notes_of(path) == [
        "Refugee Coalition, Returned by Force (June 2017) 4 accessed 15 June 2017.",
        "See ibid 5."]


def test_markup_in_a_prefix_is_rendered_not_printed(tmp_path):
    path = workspace_with(tmp_path, "bluebook")
    letter, _ = load_letter(path)
    nodes = prepare(letter, None).notes[1].nodes
    assert nodes[0] == Span("em", [Text("See")])
    assert "*" not in flat(nodes)


@pytest.mark.parametrize(("text", "message"), [
    ("types: {default: {full: ['{titel}']}}", "unknown field {titel}"),
    ("types: {default: {full: ['{title:bold}']}}", "unknown filter ':bold'"),
    ("types: {default: {full: ['[{title}']}}", "a '[' is never closed"),
    ("types: {report: {full: ['{title}']}}", "'types' needs a 'default:' entry"),
    ("quotes: '«'\ntypes: {default: {full: ['{title}']}}", "'quotes' is the opening"),
    ("colour: red", "unknown setting 'colour'"),
    ("extends: mine.yaml", "extends itself"),
])
def test_a_broken_style_file_is_refused_with_what_to_fix(tmp_path, text, message):
    path = workspace_with(tmp_path, "mine.yaml", {"mine.yaml": text})
    with pytest.raises(CitationStyleError, match=re.escape(message)):
        load_style("mine.yaml", tmp_path / "templates")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "citation-style" in result.output and message in result.output


def test_an_unknown_style_stops_render_with_an_error(tmp_path, monkeypatch):
    workspace_with(tmp_path, "chicago")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["render", "t", "--to", "txt"])
    assert result.exit_code == 1
    assert "unknown citation style 'chicago'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "build").exists()


def test_a_style_cannot_be_read_from_outside_templates(tmp_path):
    for name in ("../secret.yaml", "/etc/x.yaml", ".hidden.yaml"):
        with pytest.raises(CitationStyleError):
            load_style(name, tmp_path)


def test_templates_parse_groups_and_escapes():
    from undersigned.format.citations.templates import SOURCE_FIELDS, Var

    tree = parse_template(r"{title}[ ({issued})] \[x\]", SOURCE_FIELDS)
    assert tree == (Var("title"), Group((Lit(" ("), Var("issued"), Lit(")"))), Lit(" "),
                    Lit("["), Lit("x"), Lit("]"))


# --- dates, links, the check of a letter --------------------------------------------------------

def test_partial_dates_compare_by_the_days_they_can_mean(tmp_path):
    from undersigned.checks.validate import check_letter_file

    path = workspace_with(tmp_path, "house")
    assert [p.rule for p in check_letter_file(path, tmp_path, TODAY)[2]
            if p.rule != "roster-missing"] == []
    path.write_text(path.read_text(encoding="utf-8").replace("accessed: 2017-06-15",
                                                             "accessed: 2017-05-30"))
    assert "accessed-before-issued" in [p.rule for p in check_letter_file(path, tmp_path,
                                                                          TODAY)[2]]
    path.write_text(path.read_text(encoding="utf-8").replace("issued: 2017-06", "issued: 2017"))
    letter, problems = load_letter(path)
    assert str(letter.sources["r"].issued) == "2017" and not problems
    path.write_text(path.read_text(encoding="utf-8").replace("issued: 2017", "issued: 2017-13"))
    assert [p.rule for p in load_letter(path)[1]] == ["bad-date"]


def test_a_link_with_text_prints_both(tmp_path):
    path = workspace_with(tmp_path, "house")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  b:\n", "  b:\n    - link: https://example.org/s\n      text: The *statement*\n"),
        encoding="utf-8")
    letter, _ = load_letter(path)
    nodes = prepare(letter, None).notes[1].nodes
    assert flat(nodes).startswith("The statement, https://example.org/s; See Refugee")
    assert Span("em", [Text("statement")]) in nodes


def test_link_only_notes_are_checked_and_archived_like_cited_addresses():
    letter, _ = load_letter(CITATIONS / "letters" / "real-notes.yaml")
    urls = [link.url for link in letter_links(letter)]
    assert "https://refugee-coalition.example.org/returns" in urls
    assert "https://refugee-coalition.example.org/statement" in urls
    archived = {s.key: s.URL for s in link_sources(letter)}
    assert archived == {
        "returns-page-link": "https://refugee-coalition.example.org/returns",
        "statement-page-link": "https://refugee-coalition.example.org/statement"}


def test_an_unclosed_asterisk_in_a_pinpoint_is_reported(tmp_path):
    from undersigned.checks.validate import check_letter_file

    path = workspace_with(tmp_path, "house")
    path.write_text(path.read_text(encoding="utf-8").replace('pinpoint: "4"',
                                                             "pinpoint: '*supra 4'"))
    problems = [p for p in check_letter_file(path, tmp_path, TODAY)[2]
                if p.rule == "markup-unrendered"]
    assert len(problems) == 1 and "never closed" in problems[0].message


def test_a_changed_link_changes_the_fingerprint_and_shows_in_the_diff(tmp_path):
    from undersigned.review.diff import diff_letter
    from undersigned.roster.fingerprint import fingerprint

    path = CITATIONS / "letters" / "real-notes.yaml"
    old, _ = load_letter(path)
    moved = tmp_path / "letters" / "real-notes.yaml"
    moved.parent.mkdir()
    moved.write_text(path.read_text(encoding="utf-8").replace(
        "example.org/returns", "example.org/returns-2020"), encoding="utf-8")
    new, _ = load_letter(moved)
    assert fingerprint(old) != fingerprint(new)
    assert fingerprint(old) == fingerprint(load_letter(path)[0])  # partial dates included
    changed = diff_letter("real-notes", (old, None), (new, None)).footnotes.changed
    assert [(c.key, [(f.field, f.new) for f in c.changes]) for c in changed] == [
        ("returns-page", [("link", "https://refugee-coalition.example.org/returns-2020")])]


def test_a_full_stop_inside_closing_quotation_marks_ends_the_note(tmp_path):
    path = workspace_with(tmp_path, "house")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  b:\n", "  b:\n    - text: The report says “returns continue.”\n"), encoding="utf-8")
    assert notes_of(path)[1].startswith("The report says “returns continue.” See id.")
