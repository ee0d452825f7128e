"""The DOCX package without python-docx (#17): what a reference document lends is read once,
kept by the file's hash, and a render imports python-docx only to read a new reference."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from undersigned.render import docxpackage
from undersigned.render.docx import render_docx

from .conftest import EXAMPLE_SLUG
from .test_render_docx import make_prepared

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reference"


def test_the_shipped_house_skeleton_is_what_python_docx_builds_today():
    """The data file is made by scripts/make_house_skeleton.py; run it when this fails."""
    fresh = docxpackage.skeleton_bytes(docxpackage.build_skeleton(None), "house")
    assert docxpackage.HOUSE_SKELETON.read_bytes() == fresh


@pytest.mark.parametrize("reference", [None, "word-sections.docx", "libreoffice-sections.docx",
                                       "libreoffice-first-page.docx"])
def test_a_stored_skeleton_gives_the_bytes_of_a_fresh_one(tmp_path, reference):
    ref = FIXTURES / reference if reference else None
    built = docxpackage.build_skeleton(ref)
    stored = docxpackage.load_skeleton(docxpackage.skeleton_bytes(built, "k"), "k")
    assert stored == built
    prepared = make_prepared()
    fresh = render_docx(prepared, ref)  # no cache: built from the reference every time
    cache = tmp_path / "cache"
    assert render_docx(prepared, ref, cache_dir=cache) == fresh  # cold: builds and stores
    assert render_docx(prepared, ref, cache_dir=cache) == fresh  # warm: from the cache
    if ref is not None:
        key = hashlib.sha256(ref.read_bytes()).hexdigest()
        assert [p.name for p in cache.iterdir()] == [f"{key}.zip"]


def _cached(tmp_path) -> tuple[Path, Path, Path]:
    ref = tmp_path / "reference.docx"
    shutil.copy(FIXTURES / "word-sections.docx", ref)
    cache = tmp_path / "cache"
    render_docx(make_prepared(), ref, cache_dir=cache)
    (stored,) = cache.iterdir()
    return ref, cache, stored


def _rewrite_manifest(stored: Path, change) -> None:
    with zipfile.ZipFile(stored) as src:
        members = {n: src.read(n) for n in src.namelist()}
    manifest = json.loads(members["manifest.json"])
    change(manifest)
    members["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in members.items():
            dst.writestr(name, data)
    stored.write_bytes(out.getvalue())


def _tamper_part(stored: Path) -> None:
    with zipfile.ZipFile(stored) as src:
        members = {n: src.read(n) for n in src.namelist()}
    members["part0"] += b"<!-- not what was stored -->"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in members.items():
            dst.writestr(name, data)
    stored.write_bytes(out.getvalue())


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "version", "key",
                                    "part", "manifest"])
def test_a_stale_or_corrupt_cache_is_ignored_and_rebuilt(tmp_path, damage):
    ref, cache, stored = _cached(tmp_path)
    good = stored.read_bytes()
    expected = render_docx(make_prepared(), ref)
    if damage == "garbage":
        stored.write_bytes(b"not a zip at all")
    elif damage == "empty":
        stored.write_bytes(b"")
    elif damage == "truncated":
        stored.write_bytes(good[: len(good) // 2])
    elif damage == "version":
        _rewrite_manifest(stored, lambda m: m.update(version=m["version"] + 100))
    elif damage == "key":
        _rewrite_manifest(stored, lambda m: m.update(key="0" * 64))
    elif damage == "manifest":
        _rewrite_manifest(stored, lambda m: m.pop("parts"))
    else:
        _tamper_part(stored)
    assert render_docx(make_prepared(), ref, cache_dir=cache) == expected
    assert stored.read_bytes() == good  # rebuilt in place


def test_an_edited_reference_is_read_again(tmp_path):
    ref, cache, stored = _cached(tmp_path)
    shutil.copy(FIXTURES / "libreoffice-sections.docx", ref)
    out = render_docx(make_prepared(), ref, cache_dir=cache)
    assert out == render_docx(make_prepared(), FIXTURES / "libreoffice-sections.docx")
    assert len(list(cache.iterdir())) == 2


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_a_cache_that_cannot_be_written_does_not_stop_the_render(tmp_path):
    ref = FIXTURES / "word-sections.docx"
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        out = render_docx(make_prepared(), ref, cache_dir=locked / "docx")
    finally:
        locked.chmod(0o700)
    assert out == render_docx(make_prepared(), ref)


PROBE = """
import sys
from undersigned.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit as e:
    if e.code:
        raise
print("DOCX-IMPORTED" if "docx" in sys.modules else "DOCX-NOT-IMPORTED")
"""


def _render(workspace: Path, *args: str) -> str:
    env = dict(os.environ, UNDERSIGNED_PARALLEL="0")  # one process: what it imports is seen
    result = subprocess.run([sys.executable, "-c", PROBE, "render", EXAMPLE_SLUG, "--out",
                             "out", *args], cwd=workspace, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_render_imports_python_docx_only_to_read_a_new_reference(workspace):
    assert (workspace / "templates" / "reference.docx").is_file()
    assert _render(workspace, "--to", "html", "--to", "txt") == "DOCX-NOT-IMPORTED"
    assert not (workspace / ".undersigned" / "docx").exists()
    assert _render(workspace) == "DOCX-IMPORTED"  # the reference is read once
    assert len(list((workspace / ".undersigned" / "docx").iterdir())) == 1
    first = (workspace / "out" / f"{EXAMPLE_SLUG}.docx").read_bytes()
    assert _render(workspace) == "DOCX-NOT-IMPORTED"
    assert (workspace / "out" / f"{EXAMPLE_SLUG}.docx").read_bytes() == first
    (workspace / "templates" / "reference.docx").unlink()  # the built-in house style
    assert _render(workspace, "--to", "docx") == "DOCX-NOT-IMPORTED"


def test_a_reference_without_numbering_is_a_clear_error_for_a_letter_with_lists(tmp_path):
    """python-docx cannot make a numbering part; it used to fail with a traceback."""
    import re

    from undersigned.errors import DocxError

    src = zipfile.ZipFile(FIXTURES / "word-sections.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/numbering.xml":
                continue
            if name == "word/_rels/document.xml.rels":
                data = re.sub(rb'<Relationship [^>]*numbering\.xml"/>', b"", data)
            dst.writestr(name, data)
    ref = tmp_path / "reference.docx"
    ref.write_bytes(out.getvalue())
    with pytest.raises(DocxError, match=r"reference\.docx: .*no numbering part.*bulleted list"):
        render_docx(make_prepared(), ref, cache_dir=tmp_path / "cache")
    assert render_docx(make_prepared(blocks=[]), ref)  # a letter without lists renders


def test_a_cache_built_by_other_code_is_not_used(tmp_path, monkeypatch):
    ref, cache, stored = _cached(tmp_path)
    good = stored.read_bytes()
    monkeypatch.setattr(docxpackage, "builder_fingerprint", lambda: "an older version")
    built = []
    real_build = docxpackage.build_skeleton
    monkeypatch.setattr(docxpackage, "build_skeleton",
                        lambda r, data=None: built.append(r) or real_build(r, data))
    render_docx(make_prepared(), ref, cache_dir=cache)
    assert built == [ref]  # read again
    assert stored.read_bytes() != good
    render_docx(make_prepared(), ref, cache_dir=cache)
    assert built == [ref]  # and kept
