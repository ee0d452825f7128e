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
