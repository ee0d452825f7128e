"""A letter of another shape than the example validates clean and renders in every format."""

from __future__ import annotations

import shutil
import zipfile

from click.testing import CliRunner

from undersigned.cli import cli

from .conftest import FIXTURES

SLUG = "joint-submission"


def test_the_shapes_letter_validates_and_renders(tmp_path, monkeypatch):
    root = tmp_path / "ws"
    shutil.copytree(FIXTURES / "shapes", root)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["validate", SLUG, "--strict"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["render", SLUG, "--out", "out"])
    assert result.exit_code == 0, result.output
    text = (root / "out" / f"{SLUG}.txt").read_text(encoding="utf-8")
    for expected in (
        "Geneva, March 4, 2024",
        "Rue de l'Exemple 1\n1202 Geneva",
        "To Whom It May Concern:",
        "We, 4 signatories (2 organizations and 2 individuals), write as of March 3, 2024.[1]",
        "1. Release all detained defenders.",
        "- See the UN page.",
        "    Defenders must be protected […] without [any] discrimination.[2]",
        "Respectfully,",
        "Affiliations are for identification purposes only.",
        "Chile\nExample Watch\nAna Pérez\nProfessor of Law (in an individual capacity)\n\n"
        "Taiwan\nBo Chen\n\nOther\nFreedom Forum",
        "cc:",
        "[1] The pattern is documented at length by the United Nations and by civil society. "
        "Declaration on Human Rights Defenders (March 8, 1999), A/RES/53/144, art. 12; See also "
        "Example Watch, Defenders under pressure, November 30, 2023, "
        "https://example.org/reports/defenders (accessed March 1, 2024).",
        # [1] ends with another source, so [2] is cited in full, not "Id."
        "[2] Declaration on Human Rights Defenders (March 8, 1999), A/RES/53/144, art. 12.",
    ):
        assert expected in text, expected
    html = (root / "out" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "<ol" in html and "<blockquote" in html and "<em>all</em>" in html
    assert 'href="https://www.ohchr.org/en/special-procedures"' in html
    with zipfile.ZipFile(root / "out" / f"{SLUG}.docx") as docx:
        assert "w:footnoteReference" in docx.read("word/document.xml").decode()
