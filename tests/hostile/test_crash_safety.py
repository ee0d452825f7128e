"""Crash safety: `sign add` and `fmt` killed (SIGKILL) at random points leave the roster as it
was or as the command would have left it — never truncated, never mixed — and a killed
process's lock and temporary files never block or litter the next command.

Slow (marked `slow`, run with UNDERSIGNED_SLOW=1): the random kills are bounded in time, and on
a loaded machine go on until they have landed both before and after a write."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from undersigned.format.load import load_roster
from undersigned.review.fmt import format_roster_text

from .conftest import SLUG, letter_yaml, roster_yaml, signatory_yaml, write_workspace

BUDGET = 25.0  # seconds of random killing, in each of the workers
WORKERS = 4

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")]


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "undersigned", *args]


def entries_of(path: Path) -> dict[str, str]:
    """name → status of a roster that must load without errors."""
    roster, problems = load_roster(path, path.name)
    errors = [p.format() for p in problems if p.severity.value == "error"]
    assert roster is not None and not errors, errors
    return {s.name: s.status for s in roster.signatories}


def scrambled(entries: list[tuple[str, str]]) -> str:
    """A valid roster outside the canonical layout (reverse order, every value quoted), so
    that `fmt` has a whole file to rewrite."""
    return roster_yaml([signatory_yaml(name, kind) for name, kind in reversed(entries)])


def scramble(path: Path) -> None:
    roster, _ = load_roster(path, path.name)
    path.write_text(scrambled([(s.name, s.kind) for s in roster.signatories]),
                    encoding="utf-8")


def make_workspace(root: Path, size: int) -> list[str]:
    names = [f"Organisation {n:05d}" for n in range(size)]
    write_workspace(root, letter_yaml(), scrambled([(n, "organization") for n in names]))
    subprocess.run(command("fmt", "signatories"), cwd=root, check=True, capture_output=True)
    return names


class Worker:
    """One workspace, killed over and over."""

    def __init__(self, root: Path, seed: int):
        self.root = root
        self.roster = root / "signatories" / f"{SLUG}.yaml"
        self.random = random.Random(seed)
        self.names = make_workspace(root, 400)
        self.added = 0
        self.runs = self.killed_running = self.old = self.new = 0
        self.pending: set[str] = set()  # killed adds that a later command may still finish
        # How long to wait before the kill: at most `window` seconds, adjusted as the runs go
        # so that the kills fall around the moment the command writes.
        start = time.monotonic()
        subprocess.run(command("fmt", "signatories"), cwd=self.root, capture_output=True)
        self.window = (time.monotonic() - start) * 1.5

    def run_once(self) -> None:
        if self.random.random() < 0.5:
            self.added += 1
            name = f"Added Person {self.added:04d} {self.random.randrange(10**6)}"
            args = ("sign", "add", SLUG, "--name", name, "--kind", "individual",
                    "--date", "2023-09-21", "--email", f"p{self.added}@example.org")
        else:
            name = None
            scramble(self.roster)
            args = ("fmt", f"signatories/{SLUG}.yaml")
        old = self.roster.read_bytes()
        process = subprocess.Popen(command(*args), cwd=self.root, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(self.window * self.random.uniform(0.6, 1.0))
        killed = process.poll() is None
        if killed:
            self.killed_running += 1
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        self.runs += 1
        changed = self.check(old, name, killed)
        if killed and not changed:
            self.window *= 1.1  # killed before it wrote: wait longer next time
        elif not killed:
            self.window *= 0.95  # it finished: kill sooner

    def check(self, old: bytes, added: str | None, killed: bool) -> bool:
        """Whether the roster changed; asserts it is the old or a complete new one.

        A `sign add` killed after it wrote its journal is finished by the next command that
        takes the lock (roster/writes.py): its entry may appear in a later run, and only then.
        """
        new = self.roster.read_bytes()
        if new == old:
            self.old += 1
            if added is not None and killed:
                self.pending.add(added)
            return False
        self.new += 1
        before = entries_of_text(self.root, old)
        after = entries_of(self.roster)
        finished = (set(after) - set(before)) & self.pending
        self.pending -= finished
        expected = {**before, **{name: "confirmed" for name in finished}}
        if added is None:  # fmt: the same entries, in the formatted text
            assert after == expected, set(after) ^ set(expected)
            if not finished:
                assert new.decode("utf-8") == format_roster_text(old.decode("utf-8"))
        elif added in after or not killed:  # sign add: every old entry, and the new one
            assert after == {**expected, added: "confirmed"}, set(after) ^ set(expected)
        else:  # killed, after it finished an earlier interrupted add but before its own
            assert after == expected, set(after) ^ set(expected)
            self.pending.add(added)
        return True


def entries_of_text(root: Path, data: bytes) -> dict[str, str]:
    path = root / "before.yaml"
    path.write_bytes(data)
    return entries_of(path)


def test_killed_commands_leave_the_old_or_the_new_roster(tmp_path):
    workers = [Worker(tmp_path / f"ws{n}", seed=n) for n in range(WORKERS)]
    start = time.monotonic()

    def enough() -> bool:
        """Kills that landed both before and after a write, and enough of them: on a loaded
        machine the kills take longer to find the moment of the write, so the run goes on
        past BUDGET (up to eight times as long) until they have."""
        return (sum(w.runs for w in workers) >= 8 and sum(w.killed_running for w in workers) >= 4
                and any(w.old for w in workers) and any(w.new for w in workers))

    def work(worker: Worker) -> Worker:
        while True:
            elapsed = time.monotonic() - start
            if elapsed >= 8 * BUDGET or (elapsed >= BUDGET and enough()):
                return worker
            worker.run_once()

    with ThreadPoolExecutor(WORKERS) as pool:
        done = list(pool.map(work, workers))
    runs = sum(w.runs for w in done)
    killed = sum(w.killed_running for w in done)
    stats = [(w.runs, w.killed_running, w.old, w.new, round(w.window, 3)) for w in done]
    assert runs >= 8 and killed >= 4, stats
    assert sum(w.old for w in done) and sum(w.new for w in done), ("kills all at one end", stats)
    for worker in done:
        # a killed process's lock does not block the next command, nor do its leftovers
        result = subprocess.run(command("sign", "add", SLUG, "--name", "Last Person",
                                        "--kind", "individual", "--date", "2023-09-21"),
                                cwd=worker.root, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "Last Person" in entries_of(worker.roster)
        leftovers = list((worker.root / "signatories").glob(".*.tmp"))
        assert leftovers == [], leftovers
        result = subprocess.run(command("validate"), cwd=worker.root, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr


# --- crashes at chosen points ---------------------------------------------------------------------

# Loaded by the child process (through PYTHONPATH) before the command runs: it kills the
# process with SIGKILL once it has written UNDERSIGNED_CRASH_AT bytes to files under
# signatories/ (or just before or after it renames a file over another), so that the test can
# crash a command at every stage of a write, not only where a random kill happens to land.
SITECUSTOMIZE = """
import builtins, io, os, signal

_AT = os.environ.get("UNDERSIGNED_CRASH_AT", "")


def _die():
    os.kill(os.getpid(), signal.SIGKILL)


if _AT.startswith("write:"):
    _limit = int(_AT[6:])
    _written = [0]

    class _Writer:
        def __init__(self, f):
            self._f = f

        def write(self, data):
            if _written[0] + len(data) >= _limit:
                self._f.write(data[: _limit - _written[0]])
                self._f.flush()
                _die()
            _written[0] += len(data)
            return self._f.write(data)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self._f.__exit__(*exc)

        def __getattr__(self, name):
            return getattr(self._f, name)

    def _watched(f, where):
        return _Writer(f) if "signatories" in str(where) else f

    _fdopen, _open = os.fdopen, io.open

    def fdopen(fd, mode="r", *args, **kwargs):
        f = _fdopen(fd, mode, *args, **kwargs)
        writing = any(c in mode for c in "wax+")
        return _watched(f, os.readlink(f"/proc/self/fd/{fd}")) if writing else f

    def open_(file, mode="r", *args, **kwargs):
        f = _open(file, mode, *args, **kwargs)
        return _watched(f, file) if any(c in mode for c in "wax+") else f

    os.fdopen = fdopen
    builtins.open = io.open = open_
elif _AT.startswith("replace:"):
    _replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if "signatories" in str(dst):
            if _AT == "replace:before":
                _die()
            _replace(src, dst, *args, **kwargs)
            _die()
        return _replace(src, dst, *args, **kwargs)

    os.replace = replace
"""



def crash_points(size: int) -> list[str]:
    """Where to crash a command that writes a roster of about `size` bytes (and, for `sign
    add`, a private contacts file of a few hundred bytes first)."""
    offsets = [1, 64, 256, 1024, size // 4, size // 2, size - 2, size + 200,
               *range(2, size + 400, max(size // 16, 1))]
    return [f"write:{n}" for n in offsets] + ["replace:before", "replace:after"]


@pytest.fixture(scope="module")
def crash_hook(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash-hook")
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE)
    return folder


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("op", ["sign add", "fmt"])
def test_a_crash_at_any_stage_of_a_write_leaves_the_old_or_the_new_roster(tmp_path, crash_hook,
                                                                          op):
    root = tmp_path / "ws"
    make_workspace(root, 400)
    roster = root / "signatories" / f"{SLUG}.yaml"
    name = "Added Person"
    args = (("sign", "add", SLUG, "--name", name, "--kind", "individual", "--date",
             "2023-09-21", "--email", "added@example.org") if op == "sign add"
            else ("fmt", f"signatories/{SLUG}.yaml"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(crash_hook), *filter(None, [os.environ.get("PYTHONPATH")])])}
    original = roster.read_bytes()
    points = crash_points(len(original))
    died = 0
    for point in points:
        if op == "fmt":
            scramble(roster)
        old = roster.read_bytes()
        before = entries_of(roster)
        result = subprocess.run(command(*args), cwd=root, capture_output=True, timeout=60,
                                env={**env, "UNDERSIGNED_CRASH_AT": point})
        died += result.returncode == -signal.SIGKILL
        new = roster.read_bytes()
        if new != old:
            after = entries_of(roster)
            if op == "fmt":
                assert new.decode() == format_roster_text(old.decode()), point
                assert after == before, point
            else:
                assert after == {**before, name: "confirmed"}, point
        # the next command runs: neither the dead process's lock nor its files get in the way
        result = subprocess.run(command(*args), cwd=root, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0 or "nothing added" in result.stderr, result.stderr
        assert list((root / "signatories").glob(".*.tmp")) == []
        if op == "sign add":
            assert entries_of(roster).get(name) == "confirmed", point
            roster.write_bytes(original)  # the next crash point starts from the same roster
            (root / "signatories" / f"{SLUG}.private.yaml").unlink(missing_ok=True)
    assert died >= len(points) - 1, (died, len(points))  # the crash points were reached
