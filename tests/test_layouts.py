"""Letter and signatory-list layouts (#14): what prints where, alike in every format."""

from __future__ import annotations

import re
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from undersigned.cli import cli

from .conftest import EXAMPLE_SLUG

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LETTER = f"letters/{EXAMPLE_SLUG}.yaml"
SECTIONS = """signatures:
  heading: "Signature organizations and individuals (as of {as_of}):"
  sections:
    - heading: Individuals
      kind: individual
    - heading: Organizations
      kind: organization
"""


def edit_letter(root, old: str, new: str) -> None:
    path = root / LETTER
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def render(root, *formats: str) -> dict[str, object]:
    args = ["render", EXAMPLE_SLUG, "--out", "out"]
    for fmt in formats:
        args += ["--to", fmt]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    out = {}
    for fmt in formats:
        path = root / "out" / f"{EXAMPLE_SLUG}.{fmt}"
        out[fmt] = path.read_bytes() if fmt == "docx" else path.read_text(encoding="utf-8")
    return out


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style id, text) of every body paragraph of a DOCX."""
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    out = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        out.append((style.get(f"{W}val") if style is not None else "",
                    "".join(t.text or "" for t in p.iter(f"{W}t"))))
    return out


def validate(*args: str):
    return CliRunner().invoke(cli, ["validate", EXAMPLE_SLUG, "--strict", *args])


# --- bug: an empty heading hid the whole list ---------------------------------------------


@pytest.mark.parametrize("edit", [
    ('heading: "Signature organizations and individuals (as of {as_of}):"', 'heading: ""'),
    ("    - heading: Individuals\n", '    - heading: ""\n'),
    ("    - heading: Individuals\n      kind: individual\n", "    - kind: individual\n"),
])
def test_an_empty_heading_never_hides_the_list(workspace, edit):
    edit_letter(workspace, *edit)
    assert validate().exit_code == 0, validate().output
    out = render(workspace, "txt", "html", "docx")
    for name in ("Roberta Cohen", "David Alton", "ACAT UK"):
        assert name in out["txt"], name
        assert name in out["html"], name
        assert any(name in text for _, text in docx_paragraphs(out["docx"])), name
    html = out["html"]
    # no empty heading element is left behind (a stray rule under nothing)
    assert not re.search(r"<h[23][^>]*>\s*</h[23]>", html)
    assert "Signature organizations" not in out["txt"] or edit[1] != 'heading: ""'


# --- order: as-listed ---------------------------------------------------------------------


def test_as_listed_order_is_printed_kept_by_fmt_and_sign_and_not_a_roster_order_slip(workspace):
    edit_letter(workspace, "      kind: individual\n",
                "      kind: individual\n      order: as-listed\n")
    roster = workspace / "signatories" / f"{EXAMPLE_SLUG}.yaml"
    text = roster.read_text(encoding="utf-8")
    # the coalition's own order: Roberta Cohen first, then the rest as they were
    blocks = text.split("\n\n")
    first = next(i for i, b in enumerate(blocks) if "name: Roberta Cohen" in b)
    assert first > 0 and "kind: individual" in blocks[0]
    head, entry0 = blocks[0].split("signatories:\n")
    blocks = [head + "signatories:\n" + blocks[first].lstrip("\n"), entry0,
              *blocks[1:first], *blocks[first + 1:]]
    roster.write_text("\n\n".join(blocks), encoding="utf-8")
    before = roster.read_text(encoding="utf-8")
    result = validate()
    assert result.exit_code == 0, result.output  # no roster-order warning under --strict
    check = CliRunner().invoke(cli, ["fmt", "--check"])
    assert check.exit_code == 0, check.output
    out = render(workspace, "txt")["txt"]
    assert out.index("Roberta Cohen") < out.index("David Alton")
    # a new individual signs last and prints last, whatever the alphabet says
    add = CliRunner().invoke(cli, ["sign", "add", EXAMPLE_SLUG, "--name", "Aaron Aardvark",
                                   "--kind", "individual", "--date", "2023-09-21"])
    assert add.exit_code == 0, add.output
    after = roster.read_text(encoding="utf-8")
    assert after.startswith(before.split("  - name: ACAT")[0].rstrip("\n")[:200])
    names = re.findall(r"^  - name: (.*)$", after, re.M)
    kinds = re.findall(r"^    kind: (.*)$", after, re.M)
    individuals = [n for n, k in zip(names, kinds, strict=True) if k == "individual"]
    assert individuals[0] == "Roberta Cohen" and individuals[-1] == "Aaron Aardvark"
    assert CliRunner().invoke(cli, ["fmt", "--check"]).exit_code == 0
    assert validate().exit_code == 0
    out = render(workspace, "txt")["txt"]
    assert out.index("Aaron Aardvark") > out.index("Roberta Cohen")
    assert out.index("Aaron Aardvark") < out.index("Organizations")


# --- counts -------------------------------------------------------------------------------


def _counts(workspace) -> dict[str, int]:
    from undersigned.format.load import load_roster

    roster, _ = load_roster(workspace / "signatories" / f"{EXAMPLE_SLUG}.yaml")
    confirmed = [s for s in roster.signatories if s.status == "confirmed"]
    return {"organization": sum(s.kind == "organization" for s in confirmed),
            "individual": sum(s.kind == "individual" for s in confirmed)}


@pytest.mark.parametrize(("sentence", "flagged"), [
    ("We, {orgs} organisations, have signed this letter.", False),
    ("We, {orgs_wrong} organisations, have signed this letter.", True),
    ("More than {below} groups have joined the coalition.", False),
    ("More than {orgs} groups have joined the coalition.", True),
    ("The undersigned {all} organizations and individuals urge you to act.", False),
    ("The undersigned {all_wrong} organizations and individuals urge you to act.", True),
    ("Signed by {people} individuals.", False),
    ("Signed by eighty-three individuals.", True),
    ("Over 500 individuals were detained in 2023.", False),  # not about who signed
    ("We, {{count:organizations}} organisations, have signed.", False),
])
def test_count_mismatch(workspace, sentence, flagged):
    n = _counts(workspace)
    text = sentence.format(orgs=n["organization"], orgs_wrong=n["organization"] - 3,
                           below=n["organization"] - 5, all=sum(n.values()),
                           all_wrong=sum(n.values()) + 3, people=n["individual"])
    edit_letter(workspace, "  - Thank you.\n", f'  - "{text}"\n')
    result = CliRunner().invoke(cli, ["validate", EXAMPLE_SLUG, "--format", "json"])
    rules = [p["rule"] for p in __import__("json").loads(result.stdout)["problems"]]
    assert ("count-mismatch" in rules) is flagged, result.stdout


def test_count_fields_fill_headings_and_notes(workspace):
    n = _counts(workspace)
    edit_letter(workspace, SECTIONS, """signatures:
  heading: "{count:all} signatories as of {as_of}"
  note: "Of them, {count:individuals} sign in an individual capacity."
  sections:
    - heading: "Individuals ({count:individuals})"
      kind: individual
    - heading: "Organizations ({count:organizations})"
      kind: organization
      note: "{count:organizations} organisations"
""")
    assert validate().exit_code == 0, validate().output
    out = render(workspace, "txt", "html", "docx")
    expected = [f"{sum(n.values())} signatories as of September 21, 2023",
                f"Of them, {n['individual']} sign in an individual capacity.",
                f"Individuals ({n['individual']})", f"Organizations ({n['organization']})",
                f"{n['organization']} organisations"]
    paragraphs = [text for _, text in docx_paragraphs(out["docx"])]
    for line in expected:
        assert line in out["txt"] and line in out["html"] and line in paragraphs, line
    assert "{count" not in out["txt"] + out["html"] and "{as_of" not in out["txt"]


# --- the fixture letters of each shape ----------------------------------------------------

SHAPES = ("side-by-side", "statement", "tables")


@pytest.fixture
def shapes(tmp_path, monkeypatch):
    """The layouts fixture workspace, rendered in every format (PDF where WeasyPrint is)."""
    import importlib.util
    import shutil

    from .conftest import FIXTURES

    root = tmp_path / "ws"
    shutil.copytree(FIXTURES / "layouts", root)
    monkeypatch.chdir(root)
    formats = ["docx", "html", "txt"]
    if importlib.util.find_spec("weasyprint"):
        formats.append("pdf")
    out: dict[str, dict] = {}
    for slug in SHAPES:
        result = CliRunner().invoke(cli, ["validate", slug, "--strict"])
        assert result.exit_code == 0, result.output
        args = ["render", slug, "--out", "out"] + [x for f in formats for x in ("--to", f)]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        files = {f: root / "out" / f"{slug}.{f}" for f in formats}
        html = files["html"].read_text(encoding="utf-8")
        out[slug] = {"txt": files["txt"].read_text(encoding="utf-8"),
                     "html": html.split("<body>", 1)[1],  # the letter, not its stylesheet
                     "docx": files["docx"].read_bytes(), "files": files}
    return out


def docx_tables(data: bytes) -> list[list[list[str]]]:
    """Every table of a DOCX body: rows of cell texts (lines of a cell joined by '|')."""
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    tables = []
    for tbl in root.iter(f"{W}tbl"):
        rows = []
        for tr in tbl.iter(f"{W}tr"):
            cells = []
            for tc in tr.iter(f"{W}tc"):
                lines = []
                for p in tc.iter(f"{W}p"):
                    for node in p.iter(f"{W}t", f"{W}br"):
                        if node.tag == f"{W}br":
                            lines.append("|")
                        else:
                            lines.append(node.text or "")
                cells.append("".join(lines))
            rows.append(cells)
        tables.append(rows)
    return tables


def test_the_fixture_letters_validate_and_render_in_every_format(shapes):
    assert set(shapes) == set(SHAPES)
    for slug in SHAPES:
        for fmt, path in shapes[slug]["files"].items():
            assert path.stat().st_size > 0, (slug, fmt)


def test_side_by_side_addressees_and_cc_with_addresses_under_them(shapes):
    out = shapes["side-by-side"]
    txt, html = out["txt"], out["html"]
    # cc under the addressees, before the subject, with its postal addresses, in every format
    for text in (txt, html):
        assert text.index("John Roe") < text.index("cc:") < text.index("Ana Silva") \
            < text.index("67075 Strasbourg Cedex") < text.index("Re: Immigration")
    paragraphs = [t for _, t in docx_paragraphs(out["docx"])]
    joined = "\n".join(paragraphs)
    assert joined.index("cc:") < joined.index("Ana Silva") < joined.index("Re: Immigration")
    assert "Rue Montbrillant 941202 Geneva" in joined.replace("\n", "")
    # the two addressees share a row of a borderless table in DOCX, a flex row in HTML
    first = docx_tables(out["docx"])[0]
    assert len(first) == 1 and first[0][0].startswith("Jane Doe|Minister of the Interior")
    assert first[0][1].startswith("John Roe|Minister of Justice")
    assert re.search(r'<div class="addressees addressees-side-by-side">\s*<address', html)
    # the delivery line, above the addressees
    for text in (txt, html, joined):
        assert text.index("Via email") < text.index("Jane Doe")
    assert "To Whom It May Concern:" in txt and "Thank you," in txt


def test_inline_entries_in_as_listed_order_with_a_note(shapes):
    out = shapes["side-by-side"]
    expected = ["Maria Santos, Director, Centre for Refugee Law",
                "Kwame Mensah, Professor of International Law, University of Accra",
                "Lee Yanghee, Former UN Special Rapporteur"]
    lines = out["txt"].splitlines()
    start = lines.index("Affiliations for identification purposes only.")
    assert lines[start + 1: start + 4] == expected
    entries = [t for style, t in docx_paragraphs(out["docx"]) if style == "SignatoryEntry"]
    assert entries[:3] == expected
    items = re.findall(r'<li class="signatory">(.*?)</li>', out["html"])
    assert [re.sub(r"<[^>]+>", "", i) for i in items[:3]] == expected
    assert '<span class="name">Maria Santos</span>' in out["html"]


def test_a_three_column_table_of_organisations(shapes):
    out = shapes["side-by-side"]
    grid = docx_tables(out["docx"])[1]
    assert grid[0] == ["Advocates for Asylum", "Asia Justice Coalition", "Borderless Rights"]
    assert all(len(row) == 3 for row in grid) and len(grid) == 6  # 17 names, 3 a row
    rows = re.findall(r"<tr>(.*?)</tr>", out["html"].split("signatories-grid")[1])
    assert len(rows) == 6 and all(r.count("<td>") == 3 for r in rows)
    # the borders are drawn in DOCX (single lines) as in the HTML (a solid border)
    assert 'w:val="single"' in __import__("zipfile").ZipFile(
        __import__("io").BytesIO(out["docx"])).read("word/document.xml").decode().split(
        "Advocates for Asylum")[0].rsplit("<w:tbl>", 1)[1]
    # text: one name per line
    assert "\nAdvocates for Asylum\nAsia Justice Coalition\nBorderless Rights\n" in out["txt"]


def test_the_annex_follows_the_signatures(shapes):
    out = shapes["side-by-side"]
    for text in (out["txt"], out["html"]):
        assert text.index("Women’s Rights Platform") < \
            text.index("Annex: our recommendations in brief") < \
            text.index("End the detention of children.")
    styles = [s for s, t in docx_paragraphs(out["docx"]) if t.startswith("Annex:")]
    assert styles == ["AnnexHeading"]


def test_a_statement_with_a_two_line_heading_and_a_list_without_heading(shapes):
    out = shapes["statement"]
    assert out["txt"].startswith("Joint statement\non the right to seek asylum\n")
    assert ('<h1 id="letter-heading" class="doc-heading">Joint statement<br>on the right to '
            "seek asylum</h1>") in out["html"]
    heading = [t for s, t in docx_paragraphs(out["docx"]) if s == "LetterHeading"]
    assert heading == ["Joint statementon the right to seek asylum"]
    # the title is metadata only: printed nowhere
    for text in (out["txt"], out["html"]):
        assert "Joint statement on the right to seek asylum" not in text
    # no signatures heading, no section heading, no empty element: the list follows the text
    assert "<h2" not in out["html"].split("signatures")[1].split("</section>")[0]
    assert "Anna Becker, in an individual capacity (Senior Researcher, Institute for Human " \
        "Rights)\n" in out["txt"]
    assert "Advocates for Asylum\n" in out["txt"]  # an entry without a title: the name alone
    entries = [t for s, t in docx_paragraphs(out["docx"]) if s == "SignatoryEntry"]
    assert "John Carter, in an individual capacity (Former Ambassador)" in entries


def test_a_name_title_table_and_a_heading_with_count_all(shapes):
    out = shapes["tables"]
    assert "Signed by 25 organizations and individuals (as of May 2, 2024):" in out["txt"]
    table = docx_tables(out["docx"])[0]
    assert table[0] == ["Anna Becker", "Senior Researcher, Institute for Human Rights"]
    assert '<tr><th scope="row" class="name">Anna Becker</th><td class="role">' in out["html"]
    # text: aligned columns
    assert "\nAnna Becker   Senior Researcher, Institute for Human Rights\n" in out["txt"]
    assert "\nMaria Santos  Director, Centre for Refugee Law\n" in out["txt"]
    # cc at the end (the default), with its address
    for text in (out["txt"], out["html"]):
        assert text.index("Women’s Rights Platform") < text.index("cc:") \
            < text.index("1211 Geneva 10")


# --- the repository's own templates/ -------------------------------------------------------


def test_the_example_letter_uses_the_repository_templates(workspace):
    """templates/ holds what a coalition puts there: a reference document with a first-page
    letterhead, and custom.css (A4, the same letterhead on the first printed page)."""
    assert (workspace / "templates" / "reference.docx").is_file()
    out = render(workspace, "docx", "html")
    import io

    package = zipfile.ZipFile(io.BytesIO(out["docx"]))
    document = etree.fromstring(package.read("word/document.xml"))
    rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    page_one = next(document.iter(f"{W}sectPr"))
    assert page_one.find(f"{W}titlePg") is not None
    first = page_one.find(f"{W}headerReference[@{W}type='first']")
    rid = first.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    header = etree.fromstring(package.read("word/" + targets[rid]))
    assert "".join(t.text or "" for t in header.iter(f"{W}t")).startswith(
        "Example Coalition for Refugee Protection")
    custom = (workspace / "templates" / "custom.css").read_text(encoding="utf-8")
    assert custom.strip() in out["html"] and "size: A4" in custom


def test_a_pattern_without_name_or_with_an_unknown_field_is_refused(workspace):
    edit_letter(workspace, "      kind: individual\n",
                "      kind: individual\n      layout: inline\n"
                "      pattern: \"{full_name} ({title})\"\n")
    result = validate()
    assert result.exit_code == 1
    assert re.search(r"letters/china-forced-repatriation-2023\.yaml:\d+:\d+: error: bad-value: "
                     r"'pattern' of a section must hold \{name\}.*\{full_name\} is not a field",
                     result.output), result.output


def test_an_annex_may_call_notes(workspace):
    edit_letter(workspace, "style:\n", "annex:\n  heading: Annex\n  body:\n"
                "    - Our method is explained in the note.[^method]\nstyle:\n")
    edit_letter(workspace, "footnotes:\n", "footnotes:\n  method: We read every report.\n")
    result = validate()
    assert result.exit_code == 0, result.output  # no note-unused, no note-undefined
    out = render(workspace, "txt", "docx")
    assert "Our method is explained in the note.[14]" in out["txt"]
    assert "[14] We read every report." in out["txt"]
    import io

    notes = zipfile.ZipFile(io.BytesIO(out["docx"])).read("word/footnotes.xml").decode()
    assert "We read every report." in notes
