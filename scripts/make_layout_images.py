"""Write the page images of docs/layouts.md: one page per layout, printed by WeasyPrint.

Renders the example letter and the fixture letters of tests/fixtures/layouts to PDF with
`undersigned render --to pdf`, finds the page that shows each layout (by a text on it), and
writes that page as a PNG with pdftoppm (poppler-utils).

    python scripts/make_layout_images.py [OUT_DIR]   (default: docs/layouts)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "layouts"
EXAMPLE = "china-forced-repatriation-2023"

#: image name → (workspace, letter, a text on the page to show)
PAGES = {
    "stacked": ("example", EXAMPLE, "Signature organizations and individuals"),
    "side-by-side": ("layouts", "side-by-side", "To Whom It May Concern:"),
    "inline-and-grid": ("layouts", "side-by-side", "Affiliations for identification"),
    "table-and-columns": ("layouts", "tables", "Signed by"),
    "statement": ("layouts", "statement", "Joint statement"),
}


def workspace(kind: str, into: Path) -> Path:
    root = into / kind
    if root.exists():
        return root
    if kind == "example":
        for name in ("letters", "signatories", "templates"):
            shutil.copytree(ROOT / name, root / name)
    else:
        shutil.copytree(FIXTURES, root)
    return root


def page_holding(pdf: Path, text: str) -> int:
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    for number, page in enumerate(pages, 1):
        if text in " ".join(page.split()):
            return number
    raise SystemExit(f"{pdf.name}: no page shows {text!r}")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (kind, slug, text) in PAGES.items():
            root = workspace(kind, Path(tmp))
            pdf = root / "out" / f"{slug}.pdf"
            if not pdf.is_file():
                subprocess.run([sys.executable, "-m", "undersigned", "render", slug, "--to",
                                "pdf", "--out", "out"], cwd=root, check=True,
                               capture_output=True)
            page = str(page_holding(pdf, text))
            subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", page, "-l", page,
                            "-singlefile", str(pdf), str(out / name)], check=True)
            print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "layouts")
