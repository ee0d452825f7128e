"""Finding 5 of #12: ordinary situations — a read-only directory, a lock file someone else
owns, an unwritable --out, a symbolic-link loop, a FIFO as roster (it blocked forever),
/dev/zero as a CSV (MemoryError after 2.9 GB), `kind: {a: b}` in a roster (TypeError), an
address httpx cannot send (`http://0177.0.0.1/x`) — ended in "internal error … This is a
bug". Each is now an `Error:` naming the file and what to do, with exit 1."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from undersigned import fileio
from undersigned.cli import cli
from undersigned.roster import writes

from .conftest import SLUG, letter_yaml, roster_yaml, signatory_yaml, write_workspace

ADD = ["sign", "add", SLUG, "--name", "Jane Doe", "--kind", "individual",
       "--email", "jane@example.org"]


@pytest.fixture
def ws(hostile_root):
    write_workspace(hostile_root, letter_yaml(),
                    roster_yaml([signatory_yaml("Amnesty International")]))
    return hostile_root


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def cli_process(root, *args, stdin=None):
    """The real entry point (`main`, which turns a bug into "internal error"), bounded."""
    return subprocess.run([sys.executable, "-m", "undersigned", *args], cwd=root,
                          capture_output=True, text=True, timeout=60, stdin=stdin)


def assert_located_error(result, *words):
    out = result.output if hasattr(result, "output") else result.stdout + result.stderr
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert code == 1, out
    assert "Error: " in out or ":1:1: error: " in out, out  # an error, or a located problem
    assert "internal error" not in out and "Traceback" not in out, out
    if hasattr(result, "exception") and result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    for word in words:
        assert word in out, (word, out)


def test_a_read_only_directory(ws, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(fileio.tempfile, "mkstemp", refuse)
    before = (ws / "signatories" / f"{SLUG}.yaml").read_bytes()
    assert_located_error(invoke(*ADD), f"{SLUG}.yaml: cannot write the file: Permission denied",
                         "check that you may write to")
    assert_located_error(invoke("fmt"), "cannot write the file: Permission denied")
    assert (ws / "signatories" / f"{SLUG}.yaml").read_bytes() == before


def test_a_lock_file_someone_else_owns(ws, monkeypatch):
    real = os.open
    lock = str(writes.lock_path(ws / "signatories" / f"{SLUG}.yaml"))
    (ws / "signatories" / f".{SLUG}.lock").write_text("")

    def no_write(path, flags, *args):
        if str(path) == lock and flags & (os.O_RDWR | os.O_WRONLY):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real(path, flags, *args)

    monkeypatch.setattr(writes.os, "open", no_write)
    result = invoke(*ADD)  # flock needs no write access: the command works
    assert result.exit_code == 0, result.output

    def no_access(path, flags, *args):
        if str(path) == lock:
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real(path, flags, *args)

    monkeypatch.setattr(writes.os, "open", no_access)
    assert_located_error(invoke("sign", "withdraw", SLUG, "Jane Doe"),
                         f".{SLUG}.lock: cannot open the roster's lock file")


def test_an_unwritable_out(ws):
    (ws / "afile").write_text("")
    assert_located_error(invoke("render", SLUG, "--to", "txt", "--out", "afile/x.txt"),
                         "afile", "cannot write")


def test_a_symbolic_link_loop(ws):
    (ws / "letters" / "loop.yaml").symlink_to("loop.yaml")
    result = invoke("validate", "--format", "github")
    assert "file=letters/loop.yaml,line=1,col=1,title=file-unreadable::a loop of symbolic " \
        "links" in result.output
    assert_located_error(invoke("validate", "loop"), "a loop of symbolic links")
    roster = ws / "signatories" / f"{SLUG}.yaml"
    roster.unlink()
    roster.symlink_to(roster.name)
    assert_located_error(invoke(*ADD), "a loop of symbolic links")
    assert_located_error(invoke("fmt"), "a loop of symbolic links")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_roster_never_blocks(ws):
    roster = ws / "signatories" / f"{SLUG}.yaml"
    roster.unlink()
    os.mkfifo(roster)
    for args in (["validate"], ADD, ["sign", "list", SLUG], ["fmt"], ["fmt", "--check"],
                 ["render", SLUG, "--to", "txt"]):
        assert_located_error(cli_process(ws, *args), "not a regular file")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_as_a_csv(ws):
    assert_located_error(cli_process(ws, "sign", "import", SLUG, "/dev/zero"),
                         "not a regular file")


@pytest.mark.parametrize("value", ["{a: b}", "[x, y]"])
@pytest.mark.parametrize("field", ["kind", "name", "sort_as"])
def test_a_mapping_where_a_roster_wants_one_value(ws, field, value):
    roster = ws / "signatories" / f"{SLUG}.yaml"
    text = roster.read_text()
    line = {"kind": "    kind: organization", "name": '  - name: "Amnesty International"',
            "sort_as": "    kind: organization"}[field]
    new = {"kind": f"    kind: {value}", "name": f"  - name: {value}",
           "sort_as": f"    kind: organization\n    sort_as: {value}"}[field]
    roster.write_text(text.replace(line, new))
    for args in (ADD, ["sign", "withdraw", SLUG, "Amnesty International"],
                 ["sign", "update", SLUG, "Amnesty International", "--title", "x"],
                 ["sign", "erase", SLUG, "Amnesty International", "--yes"],
                 ["sign", "reconfirm", SLUG, "--all-stale"]):
        result = cli_process(ws, *args)
        out = result.stdout + result.stderr
        assert "internal error" not in out and "Traceback" not in out, (args, out)
        assert result.returncode == 1, (args, out)


@pytest.mark.parametrize("url", ["http://0177.0.0.1/x", "http://[::1/x", "http://a b/x"])
def test_an_address_httpx_cannot_send(hostile_root, url):
    write_workspace(hostile_root, letter_yaml(source_url=url), None)
    for args in (["archive", SLUG], ["archive", SLUG, "--allow-private"],
                 ["links", SLUG, "--allow-private", "--timeout", "2"]):
        result = cli_process(hostile_root, *args)
        out = result.stdout + result.stderr
        assert "internal error" not in out and "Traceback" not in out, (args, out)
