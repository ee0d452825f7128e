"""Hostile fixtures: a small workspace whose letter and roster are written from Python values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SLUG = "h"

#: Text that has hurt someone somewhere: markup, script URLs, template syntax, characters
#: that do not show or that reorder what follows, look-alike letters, sheer length.
HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "jinja": "{{ 7*7 }} {% if true %}x{% endif %}",
    "control": "a\x00b\x01c\x08d\x0be\x0cf\x1bg[2J\x1fh\x7fi\x85j\ufffek\uffffl",
    "bidi": "\u202eevil\u202c \u2066x\u2069 \u202a\u202b\u202d\u202e\u2067\u2068 rest",
    "zero-width": "Zero\u200bWidth\u200c\u200d\u2060\ufeff",
    "separator": "Alice Example\u2028Forged Signatory\u2029Another",
    "long": "Longname" * 1250,  # 10,000 characters
}


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's too)."""
    return json.dumps(value, ensure_ascii=True)


def signatory_yaml(name: str, kind: str = "organization", **fields) -> str:
    lines = [f"  - name: {q(name)}", f"    kind: {kind}"]
    for key, value in fields.items():
        lines.append(f"    {key}: {q(value) if isinstance(value, str) else value}")
    if "signed_on" not in fields:
        lines.append("    signed_on: 2023-09-21")
    return "\n".join(lines) + "\n"


def letter_yaml(*, title: str = "A statement", body: list[str] | None = None,
                note: str = "See the report.", source_url: str = "https://example.org/r",
                source_title: str = "A report", author: str = "An NGO",
                pinpoint: str = "para. 1", quotation: str = "We write.",
                closing: str = "Sincerely,", subject: str | None = None,
                heading: str = "Our concern") -> str:
    body = body if body is not None else ["We write.[^n1]"]
    lines = ["kind: statement", f"title: {q(title)}", "lang: en"]
    if subject:
        lines.append(f"subject: {q(subject)}")
    lines.append("body:")
    lines.append(f"  - heading: {q(heading)}")
    lines += [f"  - {q(b)}" for b in body]
    lines += [f"closing: {q(closing)}", "footnotes:", "  n1:", "    - cite: s1",
              f"      pinpoint: {q(pinpoint)}", f"      quotation: {q(quotation)}",
              f"    - text: {q(note)}", "sources:", "  s1:", "    type: report",
              f"    title: {q(source_title)}", f"    author: {q(author)}",
              f"    URL: {q(source_url)}", "    issued: 2023-09-01"]
    return "\n".join(lines) + "\n"


def roster_yaml(entries: list[str], as_of: str = "2023-09-21") -> str:
    return f"as_of: {as_of}\nsignatories:\n" + "\n".join(entries)


def write_workspace(root: Path, letter: str, roster: str | None) -> Path:
    (root / "letters").mkdir(parents=True, exist_ok=True)
    (root / "signatories").mkdir(exist_ok=True)
    (root / "letters" / f"{SLUG}.yaml").write_text(letter, encoding="utf-8")
    if roster is not None:
        (root / "signatories" / f"{SLUG}.yaml").write_text(roster, encoding="utf-8")
    return root


@pytest.fixture
def hostile_root(tmp_path, monkeypatch) -> Path:
    """An empty workspace directory that is the current directory."""
    root = tmp_path / "ws"
    (root / "letters").mkdir(parents=True)
    (root / "signatories").mkdir()
    monkeypatch.chdir(root)
    return root


def run_cli(*args: str):
    """The command line run in this process; an ordinary refusal is an `Error:` and an exit
    status, never an exception, a traceback or "internal error"."""
    from click.testing import CliRunner

    from undersigned.cli import cli

    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result
