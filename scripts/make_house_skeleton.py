"""Write src/undersigned/render/data/house-skeleton.zip: the package parts of the built-in
house style (python-docx's default template, prepared as render/docxpackage.py prepares a
reference document), so that a render without a reference document does not import
python-docx. Run it after upgrading python-docx or changing what a skeleton holds;
tests/test_docx_package.py fails while the shipped file differs from a fresh build."""

from pathlib import Path

from undersigned.render import docxpackage

if __name__ == "__main__":
    data = docxpackage.skeleton_bytes(docxpackage.build_skeleton(None), "house")
    target = Path(docxpackage.__file__).parent / "data" / "house-skeleton.zip"
    target.write_bytes(data)
    print(f"wrote {target.name}, {len(data):,} bytes")
