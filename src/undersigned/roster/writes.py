"""Writing a roster: its lock, atomic writes, and the roster and its private contacts file
written together (a journal that the next command finishes after a crash)."""

from __future__ import annotations

import contextlib
import os
import sys
from glob import escape as glob_escape
from pathlib import Path

from ..errors import RosterError
from ..fileio import WriteError, write_atomic

# --- locked, atomic writes -----------------------------------------------------------------------

def lock_path(roster: Path) -> Path:
    """`signatories/<slug>.yaml` → `signatories/.<slug>.lock`."""
    return roster.parent / f".{roster.name.removesuffix('.yaml')}.lock"


@contextlib.contextmanager
def locked(roster: Path, timeout: float | None = None):
    """Hold the roster's exclusive lock: writers are serialised, readers are not blocked.

    flock is released by the kernel when the holder exits, however it dies, so a stale lock
    file is harmless and never needs deleting.
    """
    fd = _open_lock(roster)
    try:
        _lock(fd)
        try:
            _remove_stale_temporaries(roster)
            finish_interrupted_write(roster)
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _open_lock(roster: Path) -> int:
    """The lock file's descriptor; a lock file another user owns is locked read-only."""

    try:
        roster.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise RosterError(f"{roster.parent}: cannot create the directory: {e.strerror}; "
                          "check its permissions") from None
    path = lock_path(roster)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as first:
        try:  # flock needs no write access: a lock file someone else created still serves
            return os.open(path, os.O_RDONLY)
        except OSError:
            raise RosterError(
                f"{path}: cannot open the roster's lock file: {first.strerror}; check the "
                f"permissions of {roster.parent} (or delete the lock file: it holds "
                "nothing)") from None


# The lock itself: flock where there is one; on Windows, a byte-range lock on the lock file's
# first byte, which Windows also releases when the holder dies. (filelock would do both, but
# it costs a sign command some 40 ms of imports, asyncio among them, and polls while it waits.)
if sys.platform == "win32":  # pragma: no cover - not run on this project's CI
    import errno
    import msvcrt

    def _lock(fd: int) -> None:
        while True:  # LK_LOCK gives up after ten one-second tries: wait as flock does
            os.lseek(fd, 0, os.SEEK_SET)
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError as e:
                if e.errno not in (errno.EDEADLOCK, errno.EACCES):
                    raise

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _remove_stale_temporaries(roster: Path) -> None:
    """Delete the temporary files of writes that a killed process left behind.

    The roster and its private file are only written under the roster's lock, which the
    caller holds: any temporary file of theirs that exists now belongs to a dead writer.
    """
    private = roster.name.removesuffix(".yaml") + ".private.yaml"
    journal = journal_path(roster).name
    for name in (roster.name, private, journal):
        for stale in roster.parent.glob(f".{glob_escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()




# --- the roster and its private contacts file, written together -----------------------------

#: Notes about interrupted writes that a command finished (the CLI prints them).
NOTICES: list[str] = []


def journal_path(roster: Path) -> Path:
    """`signatories/<slug>.yaml` → `signatories/.<slug>.journal` (git-ignored, mode 0600)."""
    return roster.parent / f".{roster.name.removesuffix('.yaml')}.journal"


def _digest(data: str | bytes | None) -> str | None:
    import hashlib

    if data is None:
        return None
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_together(roster: Path, writes: list[tuple[Path, str, int | None]]) -> None:
    """Write several files of one roster (the roster and its private contacts file) so that
    all change or none does: the caller holds the roster's lock.

    A journal holding the old and new texts' digests and the new texts is written first
    (atomically); then each file; then the journal is deleted. A failure on the way puts back
    the files already written and deletes the journal; a kill leaves the journal, and the next
    command that takes the lock finishes the write (`finish_interrupted_write`).
    """
    import json

    if len(writes) == 1:
        path, text, mode = writes[0]
        write_atomic(path, text, mode)
        return
    journal = journal_path(roster)
    before = {path: _current(path) for path, _, _ in writes}  # under the lock: as they are
    entries = [{"file": path.name, "mode": mode, "old": _digest(before[path]),
                "new": _digest(text), "text": text} for path, text, mode in writes]
    try:
        write_atomic(journal, json.dumps({"journal": 1, "files": entries}), mode=0o600)
    except WriteError as e:  # name the file the person knows, not the journal
        raise WriteError(roster, e.error) from None
    done: list[Path] = []
    try:
        for path, text, mode in writes:
            write_atomic(path, text, mode)
            done.append(path)
    except Exception:
        try:
            for path in reversed(done):
                old = before[path]
                if old is None:
                    path.unlink()
                else:
                    write_atomic(path, old)
            journal.unlink()
        except (OSError, WriteError):
            pass  # the journal stays: the next command finishes the write and says so
        raise
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()


def finish_interrupted_write(roster: Path) -> str | None:
    """Finish a write of the roster and its private file that a killed command left half
    done (see `write_together`); the caller holds the lock. Returns (and keeps in NOTICES)
    what was done, or None when there was nothing to do."""
    import json

    journal = journal_path(roster)
    try:
        data = json.loads(journal.read_bytes())
        entries = data["files"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        # a journal is written atomically, so it is whole or absent; anything else is not ours
        note = (f"{journal.name} is not a journal undersigned can read; it was left alone — "
                f"check {roster.name} and its private contacts file, then delete it")
        NOTICES.append(note)
        return note
    names = ", ".join(e["file"] for e in entries)
    plan = []
    for e in entries:
        path = roster.parent / e["file"]
        current = _digest(_current(path))
        if current not in (e["old"], e["new"]):
            journal.unlink()
            note = (f"an interrupted write of {names} was not finished: {e['file']} changed "
                    "since; check that the two files agree (`undersigned validate`)")
            NOTICES.append(note)
            return note
        if current != e["new"]:
            plan.append((path, e["text"], e["mode"]))
    for path, text, mode in plan:
        write_atomic(path, text, mode)
    journal.unlink()
    if not plan:
        return None
    note = f"finished an interrupted write of {names} (a command was stopped while writing)"
    NOTICES.append(note)
    return note
