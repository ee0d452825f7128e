"""Hostile text in names, titles and citations: escaped in HTML, valid in DOCX, harmless in
text and in the terminal, and flagged by `validate` where it is suspicious."""

from __future__ import annotations

import datetime as dt
import html.parser
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from undersigned.cli import cli
from undersigned.format.load import load_letter, load_roster
from undersigned.format.model import Letter, Roster, Signatory
from undersigned.render.docx import render_docx
from undersigned.render.html import render_html
from undersigned.render.prepare import prepare
from undersigned.render.text import render_text
from undersigned.textsafety import close_bidi, mixed_script, scrub, skeleton, visible

from .conftest import (
    HOSTILE,
    SLUG,
    letter_yaml,
    roster_yaml,
    signatory_yaml,
    write_workspace,
)

# Characters no output may carry: XML 1.0 cannot, HTML calls them parse errors, and in a
# terminal they are escape sequences.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")


def hostile_workspace(root: Path) -> Path:
    """A letter and roster with every hostile text in every kind of field (valid URLs only,
    so that `render` accepts it and the outputs can be checked)."""
    body = [f"{name}: {text}[^n1]" for name, text in HOSTILE.items()]
    body.append("A [safe link](https://example.org/?a=1&b=\"'<>) and [^n1].")
    everything = " ".join(HOSTILE.values())
    letter = letter_yaml(title=HOSTILE["script"] + HOSTILE["img"], body=body,
                         note=everything, source_title=everything, author=HOSTILE["img"],
                         pinpoint=HOSTILE["jinja"], quotation=HOSTILE["script"],
                         closing=HOSTILE["bidi"], subject=HOSTILE["jinja"],
                         heading=HOSTILE["img"])
    entries = [signatory_yaml(f"{name.title()} {text}", "individual", title=text,
                              country=HOSTILE["bidi"] if name == "bidi" else "FR")
               for name, text in HOSTILE.items()]
    return write_workspace(root, letter, roster_yaml(entries))


def render(root: Path, fmt: str) -> bytes:
    """The renderer's own defence, validation bypassed: `validate` (and so `render`) now
    refuses names with control characters or hidden line breaks (rule name-unprintable, see
    test_render_refuses_unprintable_names), but a renderer must stay safe whatever it is
    given."""
    from undersigned.format.load import load_letter, load_roster
    from undersigned.render.prepare import prepare
    from undersigned.render.run import render_bytes

    letter, _ = load_letter(root / "letters" / f"{SLUG}.yaml")
    roster, _ = load_roster(root / "signatories" / f"{SLUG}.yaml")
    data = render_bytes(prepare(letter, roster), fmt, None)
    (root / "out").mkdir(exist_ok=True)
    (root / "out" / f"{SLUG}.{fmt}").write_bytes(data)
    return data


def test_render_refuses_unprintable_names(hostile_root):
    hostile_workspace(hostile_root)
    result = CliRunner().invoke(cli, ["render", SLUG, "--to", "txt", "--out", "out"])
    assert result.exit_code == 1
    assert "name-unprintable" in result.output and "\x1b" not in result.output
    assert not (hostile_root / "out").exists()


class _Elements(html.parser.HTMLParser):
    """Every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_safe_html(page: str) -> None:
    assert "<script" not in page.lower()
    assert not CONTROL.search(page)
    parser = _Elements()
    parser.feed(page)
    tags = {tag for tag, _ in parser.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "svg", "form", "base"}
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                target = (value or "").strip().lower()
                assert target.startswith(("http://", "https://", "#")), (tag, name, value)


# --- HTML ----------------------------------------------------------------------------------------

def test_html_escapes_every_hostile_text(hostile_root):
    hostile_workspace(hostile_root)
    page = render(hostile_root, "html").decode("utf-8")
    assert_safe_html(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown as text, not an element
    assert not re.search(r"<[^>]*onerror=", page)  # in no tag: only in escaped text
    assert 'href="javascript' not in page.lower() and 'href="data' not in page.lower()
    assert "{{ 7*7 }}" in page and "49" not in page  # data is never a template
    assert 'href="https://example.org/?a=1&amp;b=&#34;&#39;&lt;&gt;"' in page
    assert HOSTILE["long"] in page


def test_html_never_links_a_script_url(hostile_root):
    """Even when validation is bypassed (the library called directly), no script or data URL
    becomes a link in HTML or DOCX."""
    urls = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "vbscript:msgbox(1)", "file:///etc/passwd", "//evil.example/x"]
    body = [f"[click {i}]({u.replace(chr(9), '%09')})" for i, u in enumerate(urls)]
    body.append("Called.[^n1]")
    letters, rosters = [], []
    for url in urls:
        write_workspace(hostile_root, letter_yaml(body=body, source_url=url), roster_yaml([
            signatory_yaml("Amnesty International")]))
        letter, _ = load_letter(hostile_root / "letters" / f"{SLUG}.yaml")
        roster, _ = load_roster(hostile_root / "signatories" / f"{SLUG}.yaml")
        letters.append(letter)
        rosters.append(roster)
    for letter, roster in zip(letters, rosters, strict=True):
        doc = prepare(letter, roster)
        assert_safe_html(render_html(doc))
        for target in _docx_link_targets(render_docx(doc)):
            assert target.startswith(("http://", "https://")), target
        render_text(doc)


def _docx_link_targets(data: bytes) -> list[str]:
    targets = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".rels"):
                rels = etree.fromstring(z.read(name))
                targets += [r.get("Target") for r in rels
                            if r.get("TargetMode") == "External"]
    return targets


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)",
                                 "data:text/html,<script>alert(1)</script>",
                                 "vbscript:msgbox(1)", "file:///etc/passwd", "//evil.example/x"])
def test_validate_rejects_script_and_data_urls(hostile_root, url):
    link = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    write_workspace(hostile_root, letter_yaml(source_url=url, body=[f"[x]({link}) Hi.[^n1]"]),
                    roster_yaml([signatory_yaml("Amnesty International")]))
    result = CliRunner().invoke(cli, ["validate", "--format", "json"])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    invalid = [p for p in problems if p["rule"] == "url-invalid"]
    assert len(invalid) == 2, problems  # the source's URL and the link in the body
    assert {p["line"] for p in invalid} == {6, 19}


# --- DOCX ----------------------------------------------------------------------------------------

def test_docx_is_valid_xml_that_python_docx_reads_back(hostile_root):
    hostile_workspace(hostile_root)
    data = render(hostile_root, "docx")
    strict = etree.XMLParser(recover=False, huge_tree=True, resolve_entities=False)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name), strict)  # raises on invalid XML
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Script <script>alert(1)</script>" in text
    assert 'Img "><img src=x onerror=alert(1)>' in text
    assert "Jinja {{ 7*7 }} {% if true %}x{% endif %}" in text
    assert HOSTILE["long"] in text
    assert not CONTROL.search(text)


@pytest.mark.consumers
def test_libreoffice_opens_the_hostile_docx(hostile_root, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    hostile_workspace(hostile_root)
    path = hostile_root / "out" / f"{SLUG}.docx"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(render(hostile_root, "docx"))
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=120)
    pdf = tmp_path / f"{SLUG}.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout
        assert "<script>alert(1)</script>" in text


# --- text ----------------------------------------------------------------------------------------

def test_text_output_carries_no_control_character_and_no_forged_line(hostile_root):
    hostile_workspace(hostile_root)
    text = render(hostile_root, "txt").decode("utf-8")
    assert not CONTROL.search(text)
    assert "\u2028" not in text and "\u2029" not in text
    lines = text.split("\n")
    # the name with hidden line separators prints as one line: no "Forged Signatory" entry
    assert "Separator Alice Example Forged Signatory Another" in lines
    assert "Forged Signatory" not in lines
    assert "Jinja {{ 7*7 }} {% if true %}x{% endif %}" in lines


def test_a_line_break_in_a_name_never_makes_two_entries(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([
        signatory_yaml("Alice Example\nForged Signatory", "individual",
                       title="Director\r\nAnother Forged Line")]))
    for fmt in ("txt", "html"):
        out = render(hostile_root, fmt).decode("utf-8")
        assert "Alice Example Forged Signatory" in out
        assert "Director Another Forged Line" in out
    document = docx.Document(io.BytesIO(render(hostile_root, "docx")))
    assert "Alice Example Forged Signatory" in [p.text for p in document.paragraphs]


def test_an_unclosed_bidi_override_ends_with_its_field(hostile_root):
    """A name that opens a right-to-left override without closing it would reverse what
    follows it (the next name, in a list); every output closes it at the end of the name."""
    write_workspace(hostile_root, letter_yaml(), roster_yaml([
        signatory_yaml("Alice \u202eEvil", "individual", title="Director \u2067x"),
        signatory_yaml("Bob Next", "individual")]))
    text = render(hostile_root, "txt").decode("utf-8")
    assert "Alice \u202eEvil\u202c\n" in text
    assert "Director \u2067x\u2069\n" in text
    page = render(hostile_root, "html").decode("utf-8")
    assert "Alice \u202eEvil\u202c</span>" in page
    document = docx.Document(io.BytesIO(render(hostile_root, "docx")))
    assert "Alice \u202eEvil\u202c" in [p.text for p in document.paragraphs]


def test_wrapped_text_output_handles_a_10000_character_name(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([
        signatory_yaml(HOSTILE["long"], "individual", title=HOSTILE["long"])]))
    result = CliRunner().invoke(cli, ["render", SLUG, "--to", "txt", "--out", "out",
                                      "--width", "72"])
    assert result.exit_code == 0, result.output
    assert HOSTILE["long"] in (hostile_root / "out" / f"{SLUG}.txt").read_text()


# --- validate ------------------------------------------------------------------------------------

def validate_json(root: Path) -> list[dict]:
    result = CliRunner().invoke(cli, ["validate", "--format", "json"])
    assert "Traceback" not in result.output
    return json.loads(result.stdout)["problems"]


def test_validate_flags_bidi_zero_width_and_control_characters(hostile_root):
    hostile_workspace(hostile_root)
    problems = validate_json(hostile_root)
    flagged = {(p["file"], p["line"]) for p in problems if p["rule"] == "suspicious-text"}
    roster = (hostile_root / "signatories" / f"{SLUG}.yaml").read_text().splitlines()
    for kind in ("control", "bidi", "zero-width", "separator"):
        line = next(n for n, text in enumerate(roster, 1) if f"name: \"{kind.title()} " in text)
        assert ("signatories/h.yaml", line) in flagged, kind  # the name
        assert ("signatories/h.yaml", line + 2) in flagged, kind  # its title
    for kind in ("script", "img", "jinja", "long"):
        line = next(n for n, text in enumerate(roster, 1) if f"name: \"{kind.title()} " in text)
        assert ("signatories/h.yaml", line) not in flagged, kind  # odd, but not invisible
    letter_lines = {p["line"] for p in problems
                    if p["rule"] == "suspicious-text" and p["file"] == "letters/h.yaml"}
    assert len(letter_lines) >= 6  # body paragraphs, the note, the source title, the closing


def test_validate_messages_show_invisible_characters_as_code_points(hostile_root):
    hostile_workspace(hostile_root)
    for fmt in ("human", "github"):
        result = CliRunner().invoke(cli, ["validate", "--format", fmt])
        assert not CONTROL.search(result.output.replace("\n", ""))
        assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b\u2028]", result.output)
        assert "<U+202E>" in result.output and "<U+001B>" in result.output


def test_an_error_message_never_sends_an_escape_sequence_to_the_terminal(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    result = CliRunner().invoke(cli, ["sign", "withdraw", SLUG, "X\x1b]0;pwned\x07\x1b[2J"])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "<U+001B>" in result.output


@pytest.mark.parametrize("name", ["Hum\u0430n Rights Watch", "Human Rights W\u0430tch",
                                  "\u0410CAT UK", "\u0410\u0421\u0410\u0422 UK",
                                  "Hu\u200bman Rights Watch", "Human Ri\u2060ghts Watch"])
def test_a_disguised_duplicate_is_a_near_duplicate(hostile_root, name):
    """Look-alike letters and invisible characters make a duplicate that the folding of case
    and accents misses; validate reports it, and `sign add` refuses it at the door."""
    original = "ACAT UK" if "UK" in name else "Human Rights Watch"
    write_workspace(hostile_root, letter_yaml(), roster_yaml([
        signatory_yaml(original), signatory_yaml(name)]))
    rules = [(p["rule"], p["line"]) for p in validate_json(hostile_root)]
    assert ("roster-near-duplicate", 7) in rules, rules
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml(original)]))
    result = CliRunner().invoke(cli, ["sign", "add", SLUG, "--name", name, "--kind",
                                      "organization", "--date", "2023-09-21"])
    assert result.exit_code == 1, result.output
    assert original in result.output and "nothing added" in result.output


@pytest.mark.parametrize(("name", "flagged"), [
    ("Hum\u0430n Rights Watch", True),  # Cyrillic а inside a Latin word
    ("\u0410\u0421\u0410\u0422 UK", True),  # a whole word of Cyrillic look-alikes
    ("\u0391mnesty International", True),  # Greek capital alpha
    ("OOO \u0420\u043e\u043c\u0430\u0448\u043a\u0430", True),  # Latin OOO in a Cyrillic name
    ("\u041c\u0435\u043c\u043e\u0440\u0438\u0430\u043b (Memorial)", False),  # two scripts
    ("\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ae \u0388\u03bd\u03c9\u03c3\u03b7", False),
    ("Tom\u00e1s Ojea-Quintana", False),  # accents are Latin
    ("\uc720\uc5d4 Human Rights", False),  # Hangul beside Latin is not a disguise
])
def test_mixed_script_names(hostile_root, name, flagged):
    assert bool(mixed_script(name)) is flagged
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml(name)]))
    rules = [p["rule"] for p in validate_json(hostile_root)]
    assert ("mixed-script" in rules) is flagged, rules


@pytest.mark.parametrize("text", [
    "\u0627\u0644\u0639\u0641\u0648 \u200f(Amnesty)",  # an RLM in Arabic text is legitimate
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # ZWNJ in Persian
    "\u0915\u094d\u200d\u0937",  # ZWJ in Devanagari
    "\U0001f469\u200d\U0001f4bb Coders",  # an emoji ZWJ sequence
    "Caf\u00e9 \u2014 \u201cquoted\u201d \u00a0non-breaking",
])
def test_legitimate_text_is_not_suspicious(hostile_root, text):
    write_workspace(hostile_root, letter_yaml(body=[f"{text}[^n1]"]), roster_yaml([
        signatory_yaml(text)]))
    rules = [p["rule"] for p in validate_json(hostile_root)]
    assert "suspicious-text" not in rules and "mixed-script" not in rules, rules


def test_sign_add_refuses_control_characters_in_a_name(hostile_root):
    write_workspace(hostile_root, letter_yaml(), roster_yaml([signatory_yaml("Amnesty")]))
    before = (hostile_root / "signatories" / f"{SLUG}.yaml").read_bytes()
    for name in ("Evil\x1b[2J Org", "Evil\x00 Org", "Evil\u2028Forged Org"):
        result = CliRunner().invoke(cli, ["sign", "add", SLUG, "--name", name, "--kind",
                                          "organization", "--date", "2023-09-21"])
        assert result.exit_code == 1, result.output
        assert "retype it" in result.output
    assert (hostile_root / "signatories" / f"{SLUG}.yaml").read_bytes() == before


# --- the helpers, and any text at all ------------------------------------------------------------

def test_helpers():
    assert skeleton("Hu\u200bm\u0430n") == "Human"
    assert visible("a\x1b[2J\u202eb") == "a<U+001B>[2J<U+202E>b"
    assert close_bidi("\u202ea\u2067b\u202bc") == "\u202ea\u2067b\u202bc\u202c\u2069\u202c"
    assert close_bidi("\u2067a\u202eb\u2069c") == "\u2067a\u202eb\u2069c"  # PDI closes all
    assert scrub("plain text") == "plain text"
    assert scrub("x\x01\u2028y\u202e") == "x y\u202e\u202c"


any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.tuples(any_text.filter(str.strip), any_text), min_size=1, max_size=4),
       paragraph=any_text, title=any_text.filter(str.strip))
def test_any_text_renders_safely_in_every_format(tmp_path, names, paragraph, title):
    from undersigned.format.model import Block

    letter = Letter(slug="h", path=tmp_path / "h.yaml", kind="statement", title=title,
                    body=[Block("paragraph", paragraph or "x")], subject=title)
    roster = Roster(tmp_path / "r.yaml", None, [
        Signatory(name=n, kind="individual", signed_on=None, title=t or None)
        for n, t in names])
    doc = prepare(letter, roster)
    page = render_html(doc)
    assert_safe_html(page)
    text = render_text(doc)
    assert not CONTROL.search(text)
    data = render_docx(doc)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        etree.fromstring(z.read("word/document.xml"))
    docx.Document(io.BytesIO(data))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=30).filter(str.strip), title=st.text(max_size=30))
def test_any_name_in_a_roster_file_validates_and_renders(tmp_path_factory, name, title):
    """Every string a YAML escape can spell (surrogate pairs as JSON writes them, lone halves,
    controls) gives problems or a letter, never a crash."""
    from undersigned.checks.validate import check_letter_file

    root = write_workspace(tmp_path_factory.mktemp("ws"), letter_yaml(), roster_yaml([
        signatory_yaml(name, "individual", title=title)]))
    letter, roster, problems = check_letter_file(root / "letters" / f"{SLUG}.yaml", root,
                                                 dt.date(2026, 1, 1))
    if letter is not None and roster is not None:
        doc = prepare(letter, roster)
        assert not CONTROL.search(render_text(doc))
        assert_safe_html(render_html(doc))
