"""A second process that gets WeasyPrint ready while the letter is read, then prints the PDF.

Importing WeasyPrint (its CSS machinery, and cffi reading the declarations of Pango, HarfBuzz
and fontconfig) takes about a third of a second, as long as reading, checking and rendering
the example letter. `render --to pdf` on a machine with a second core forks a child before
the letter is read: the child imports WeasyPrint meanwhile, then receives the letter's HTML
through a pipe and sends the PDF back. Like the DOCX child (see run.py), it inherits nothing
it must not share, leaves with os._exit, and if anything goes wrong the parent prints the PDF
itself, so that the bytes and any error read exactly as without it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import struct

_LENGTH = struct.Struct("<Q")


def _read_exactly(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _child(html_fd: int, pdf_fd: int) -> None:
    """The child's whole life: import, wait for the HTML, print it, send the bytes, exit."""
    code = 1
    try:
        import weasyprint  # noqa: F401 - the point: imported while the parent reads the letter

        from .html import render_pdf

        size = _LENGTH.unpack(_read_exactly(html_fd, _LENGTH.size))[0]
        html = _read_exactly(html_fd, size).decode("utf-8")
        data = render_pdf(html)
        _write_all(pdf_fd, b"ok\n" + data)
        code = 0
    except BaseException:  # noqa: BLE001 - the parent prints the PDF itself and reports
        pass
    finally:
        os._exit(code)


class PdfWorker:
    """A forked child ready to print one PDF; `pdf(html)` hands it the HTML, `stop()` ends it.

    The HTML goes with its length first, so the child never waits for the end of the pipe
    (a DOCX child forked later holds a copy of the pipe's writing end until it exits).
    """

    def __init__(self, pid: int, html_fd: int, pdf_fd: int) -> None:
        self.pid, self.html_fd, self.pdf_fd = pid, html_fd, pdf_fd
        self.done = False

    @classmethod
    def start(cls) -> PdfWorker | None:
        """Fork the child; None if no process could be started (the caller does the work)."""
        fds: list[int] = []
        try:
            fds += os.pipe()
            fds += os.pipe()
            pid = os.fork()
        except OSError:
            for fd in fds:
                os.close(fd)
            return None
        html_read, html_write, pdf_read, pdf_write = fds
        if pid == 0:
            os.close(html_write)
            os.close(pdf_read)
            _child(html_read, pdf_write)  # never returns
        os.close(html_read)
        os.close(pdf_write)
        return cls(pid, html_write, pdf_read)

    def pdf(self, html: str) -> bytes | None:
        """The PDF of `html` printed by the child, or None if it failed in any way."""
        if self.done:
            return None
        data = b""
        try:
            payload = html.encode("utf-8")
            _write_all(self.html_fd, _LENGTH.pack(len(payload)) + payload)
            chunks = []
            while chunk := os.read(self.pdf_fd, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
        except OSError:
            data = b""
        ok = self._reap(kill=False) == 0 and data.startswith(b"ok\n")
        return data[3:] if ok else None

    def stop(self) -> None:
        """End the child if it is still waiting (the letter did not validate, an error)."""
        if not self.done:
            self._reap(kill=True)

    def _reap(self, kill: bool) -> int | None:
        self.done = True
        for fd in (self.html_fd, self.pdf_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            if kill:
                os.kill(self.pid, signal.SIGKILL)
            _, status = os.waitpid(self.pid, 0)
        except (ChildProcessError, ProcessLookupError, OSError):
            return None
        return os.waitstatus_to_exitcode(status)
