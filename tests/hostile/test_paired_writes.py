"""Finding 4 of #12: `sign add --email` writes two files, the private contacts file and the
roster. A full disk made it say "Nothing was changed" while the contacts file had gained the
entry, and a kill left the same orphan twice in 200 runs: an e-mail without a roster entry,
which `sign erase` could not find and a later `sign add` of that name silently picked up.

Now both files change or neither does: a journal is written first, a failure puts back what
was written, and after a kill the next command that takes the roster's lock finishes the
write and says so."""

from __future__ import annotations

import errno
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from undersigned import fileio
from undersigned.cli import cli
from undersigned.format.load import load_roster
from undersigned.roster import writes
from undersigned.roster.operations import Paths, private_contacts

from .conftest import SLUG, letter_yaml, roster_yaml, signatory_yaml, write_workspace

KILLS = 200  # SIGKILLs in all, across the workers (a slow test: UNDERSIGNED_SLOW=1)
WORKERS = 4

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def workspace(root: Path, size: int = 1500) -> Path:
    entries = [signatory_yaml(f"Organisation {n:05d}") for n in range(size)]
    write_workspace(root, letter_yaml(), roster_yaml(entries))
    subprocess.run([sys.executable, "-m", "undersigned", "fmt", "signatories"], cwd=root,
                   check=True, capture_output=True)
    return root


def state(root: Path) -> tuple[set[str], dict[str, dict]]:
    """The roster's names (it must load without errors) and the private contacts."""
    path = root / "signatories" / f"{SLUG}.yaml"
    roster, problems = load_roster(path, path.name)
    errors = [p.format() for p in problems if p.severity.value == "error"]
    assert roster is not None and not errors, errors
    return ({s.name for s in roster.signatories},
            private_contacts(Paths.of(root / "letters" / f"{SLUG}.yaml")))


def consistent(root: Path, emails: dict[str, str]) -> None:
    """No orphan (a contact without an entry), no lost e-mail (an entry without its contact)."""
    names, contacts = state(root)
    orphans = set(contacts) - names
    assert not orphans, f"private contacts without a roster entry: {orphans}"
    for name, email in emails.items():
        if name in names:
            assert contacts.get(name, {}).get("email") == email, f"e-mail of {name} lost"


class Worker:
    def __init__(self, root: Path, seed: int):
        self.root = workspace(root)
        self.random = random.Random(seed)
        self.emails: dict[str, str] = {}
        self.runs = self.kills = self.unchanged = self.added = self.finished = 0
        start = time.monotonic()
        self.add("Warm Up", "warm@example.org").wait()
        self.window = time.monotonic() - start  # about when a run writes: at its end

    def add(self, name: str, email: str) -> subprocess.Popen:
        self.emails[name] = email
        return subprocess.Popen(
            [sys.executable, "-m", "undersigned", "sign", "add", SLUG, "--name", name,
             "--kind", "individual", "--date", "2023-09-21", "--email", email],
            cwd=self.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def run_once(self) -> bool:
        n = self.runs = self.runs + 1
        name = f"Person {n:04d} {self.random.randrange(10**6)}"
        process = self.add(name, f"p{n}.{self.random.randrange(10**6)}@example.org")
        time.sleep(self.window * self.random.uniform(0.6, 1.2))
        killed = process.poll() is None
        if killed:
            process.send_signal(signal.SIGKILL)
            self.kills += 1
        process.wait(timeout=60)
        journal = writes.journal_path(self.root / "signatories" / f"{SLUG}.yaml")
        # what the next command does first, under the lock: finish an interrupted write
        with writes.locked(self.root / "signatories" / f"{SLUG}.yaml"):
            pass
        assert not journal.exists()
        consistent(self.root, self.emails)
        names, _ = state(self.root)
        if name in names:
            self.added += 1
            self.window *= 0.9 if not killed else 1.0  # finished: kill sooner next time
        else:
            self.unchanged += 1
            self.window *= 1.2  # killed before writing: wait longer
        return killed


@pytest.mark.slow
def test_killed_sign_add_leaves_roster_and_contacts_consistent(tmp_path, capsys,
                                                                 monkeypatch):
    finished: list[str] = []
    real = writes.finish_interrupted_write

    def counting(roster):
        note = real(roster)
        if note and note.startswith("finished"):
            finished.append(note)
        return note

    monkeypatch.setattr(writes, "finish_interrupted_write", counting)
    workers = [Worker(tmp_path / f"ws{n}", seed=n) for n in range(WORKERS)]

    def work(worker: Worker) -> Worker:
        # until KILLS kills, and some runs got to write (the window adapts towards the write;
        # on a busy machine that takes a few more runs)
        while (sum(w.kills for w in workers) < KILLS or not sum(w.added for w in workers)) \
                and sum(w.runs for w in workers) < 4 * KILLS:
            worker.run_once()
        return worker

    with ThreadPoolExecutor(WORKERS) as pool:
        done = list(pool.map(work, workers))
    kills = sum(w.kills for w in done)
    counts = (f"{sum(w.runs for w in done)} runs of `sign add --email`, {kills} SIGKILLs: "
              f"{sum(w.added for w in done)} added (both files), "
              f"{sum(w.unchanged for w in done)} unchanged (neither file), "
              f"{len(finished)} interrupted writes finished by the next command; "
              "0 orphans, 0 lost e-mails")
    with capsys.disabled():
        print(f"\n{counts}")
    assert kills >= KILLS
    assert sum(w.added for w in done) and sum(w.unchanged for w in done), counts
    for worker in done:  # the workspace is as good as new: validate passes, nothing is left
        result = subprocess.run([sys.executable, "-m", "undersigned", "validate"],
                                cwd=worker.root, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        assert not list((worker.root / "signatories").glob(".*.tmp"))


@pytest.fixture
def small(hostile_root):
    write_workspace(hostile_root, letter_yaml(),
                    roster_yaml([signatory_yaml("Amnesty International")]))
    return hostile_root


def files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "signatories").iterdir()
            if not p.name.endswith(".lock")}


@pytest.mark.parametrize("fail_at", [1, 2])
def test_a_full_disk_changes_neither_file(small, monkeypatch, fail_at):
    """The second write (the roster) fails with ENOSPC: the private file written first is
    put back, and the message says nothing changed — which is now true."""
    before = files(small)
    real = fileio.os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if str(dst).endswith((f"{SLUG}.yaml", f"{SLUG}.private.yaml")) and \
                len([c for c in calls if not str(c).endswith(".journal")]) == fail_at:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(fileio.os, "replace", replace)
    result = CliRunner().invoke(cli, ["sign", "add", SLUG, "--name", "Jane Doe", "--kind",
                                      "individual", "--email", "jane@example.org"])
    assert result.exit_code == 1
    assert "Error: " in result.output and "No space left on device" in result.output
    assert "free some disk space" in result.output and "internal error" not in result.output
    monkeypatch.undo()
    assert files(small) == before


def test_an_orphan_left_by_an_older_version_is_erasable_and_never_picked_up(small):
    private = small / "signatories" / f"{SLUG}.private.yaml"
    private.write_text("signatories:\n  - name: Jane Doe\n    email: old@example.org\n")
    result = CliRunner().invoke(cli, ["sign", "erase", SLUG, "Jane Doe", "--yes"])
    assert result.exit_code == 0, result.output
    assert "old@example.org" not in private.read_text()
    private.write_text("signatories:\n  - name: Jane Doe\n    email: old@example.org\n")
    result = CliRunner().invoke(cli, ["sign", "add", SLUG, "--name", "Jane Doe", "--kind",
                                      "individual"])
    assert result.exit_code == 0, result.output
    assert "old@example.org" not in private.read_text()
    assert "removed private contacts" in result.output


def test_the_next_command_finishes_an_interrupted_write_and_says_so(small):
    """A journal as a kill leaves it: the private file written, the roster not yet."""
    import json

    roster = small / "signatories" / f"{SLUG}.yaml"
    private = small / "signatories" / f"{SLUG}.private.yaml"
    new_roster = roster.read_text().replace("signatories:\n", "signatories:\n" + signatory_yaml(
        "Jane Doe", "individual"), 1)
    new_private = "signatories:\n  - name: Jane Doe\n    email: jane@example.org\n"
    entries = [{"file": private.name, "mode": 0o600, "old": None,
                "new": writes._digest(new_private), "text": new_private},
               {"file": roster.name, "mode": None, "old": writes._digest(roster.read_bytes()),
                "new": writes._digest(new_roster), "text": new_roster}]
    writes.journal_path(roster).write_text(json.dumps({"journal": 1, "files": entries}))
    private.write_text(new_private)
    result = CliRunner().invoke(cli, ["sign", "add", SLUG, "--name", "John Roe", "--kind",
                                      "individual"])
    assert result.exit_code == 0, result.output
    assert "Note: finished an interrupted write" in result.output
    names, contacts = state(small)
    assert {"Jane Doe", "John Roe"} <= names and contacts["Jane Doe"]["email"] == \
        "jane@example.org"
    assert not writes.journal_path(roster).exists()
