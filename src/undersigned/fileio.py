"""Writing files so that a reader, or a crash, sees the old file or the new one, never a mix."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import WriteError


def write_atomic(path: Path, data: str | bytes, mode: int | None = None) -> None:
    """Replace `path` with `data` (text is written as UTF-8, line endings as given).

    A temporary file in the same directory is written, flushed to disk, given the mode the
    old file had (or `mode`, or what the umask allows a new file), renamed over the target,
    and the directory is synced so the rename itself survives a crash.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise WriteError(path, e) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise WriteError(path, e) from None
        raise
    with contextlib.suppress(OSError):  # not every file system lets a directory be opened
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# --- the one read path of workspace files -------------------------------------------------------

#: One size limit for every file a command reads from a workspace (letters, rosters, private
#: contacts, mapping files, form exports): a roster of 50,000 entries is about 6 MB.
MAX_BYTES = 48 * 1024 * 1024


class FileAccessError(Exception):
    """Raised when a file may not or cannot be read; `rule` and `message` say why.

    Not an `UndersignedError` on its own: each reader turns it into its own located error
    (a `LoadError` problem, a `RosterError`…), so the message names no file itself.
    """

    def __init__(self, rule: str, message: str):
        self.rule = rule
        self.message = message
        super().__init__(message)


def workspace_of(path: Path) -> Path:
    """The workspace a file belongs to: the nearest directory above it that holds `letters/`,
    judged by the path as written (a symbolic link is not followed to find it); else the
    file's own directory."""
    parent = Path(os.path.abspath(path)).parent
    for candidate in (parent, *parent.parents):
        if (candidate / "letters").is_dir():
            return candidate
    return parent


def read_file(path: Path, *, inside: Path | None = None, limit: int | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (default MAX_BYTES, the one limit
    of every workspace file), read without ever blocking.

    `inside`: the directory the file must really be in, symbolic links followed; a link
    that points outside it (a pull request adding `letters/x.yaml -> ~/.ssh/id_ed25519`) is
    refused before the file is opened. A FIFO, a device or a socket is refused too (reading
    a FIFO blocks forever, `/dev/zero` never ends). Raises FileAccessError.
    """
    try:
        real = os.path.realpath(path, strict=True)
    except FileNotFoundError:
        if os.path.islink(path):
            raise FileAccessError("file-missing", "a symbolic link to a file that does not "
                                  "exist; replace the link with the file itself") from None
        raise FileAccessError("file-missing", "no such file; check the path or slug") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise FileAccessError("file-unreadable", "a loop of symbolic links; replace the "
                                  "link with the file itself") from None
        raise FileAccessError("file-unreadable", f"cannot read the file: {e.strerror}") from None
    if inside is not None:
        root = os.path.realpath(inside)
        if os.path.commonpath([root, real]) != root:
            raise FileAccessError(
                "file-outside-workspace",
                "a symbolic link to a file outside the workspace, which undersigned never "
                "reads (it could be a key or a token); replace the link with the file itself")
    limit = MAX_BYTES if limit is None else limit
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = _open(real, flags)
    except IsADirectoryError:
        raise FileAccessError("file-missing", "this is a directory, not a file") from None
    except OSError as e:
        raise FileAccessError("file-unreadable", f"cannot read the file: {e.strerror}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise FileAccessError("file-missing", "this is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise FileAccessError("file-unreadable", "not a regular file (a pipe, a device or a "
                                  "socket); give the path of a saved file")
        if st.st_size > limit:
            raise FileAccessError("file-too-large", f"the file is {_megabytes(st.st_size)}; "
                                  f"undersigned reads files of up to {_megabytes(limit)} — "
                                  "check that this is the right file")
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:  # the file grew while it was read
                raise FileAccessError("file-too-large", f"the file is over {_megabytes(limit)}"
                                      "; check that this is the right file")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as e:
        raise FileAccessError("file-unreadable", f"cannot read the file: {e.strerror}") from None
    finally:
        os.close(fd)


_open = os.open  # one name for tests to make a file unreadable (as root, chmod cannot)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} bytes"
