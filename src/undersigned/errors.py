"""The one exception hierarchy of the library; the CLI turns these into click errors."""

from __future__ import annotations

import errno
from pathlib import Path


class UndersignedError(Exception):
    """Base class of every error the library raises on purpose.

    The message is written for the person at the keyboard: it names the file (and line, where
    there is one) and says what to do.
    """


class WorkspaceError(UndersignedError):
    """Raised when no workspace, letter or roster can be found where one was asked for."""


NO_WORKSPACE = "no workspace here (no letters/ directory in this directory or above)"


class NoWorkspaceError(WorkspaceError):
    """Raised when a command needs a workspace and there is none around the current directory.

    The one "no workspace" error: every command reports it the same way, as a usage error
    (exit status 2).
    """

    def __init__(self, message: str = "") -> None:
        super().__init__(message or f"{NO_WORKSPACE}; run inside a workspace or "
                                    "`undersigned init DIR`")


class LoadError(UndersignedError):
    """Raised when a file cannot be read as YAML at all; carries the problems found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class InvalidLetterError(UndersignedError):
    """Raised when an operation needs a valid letter and validation found errors."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class TemplateError(UndersignedError):
    """Raised when a template fails to load or render; names the template file and line."""


class RosterError(UndersignedError):
    """Raised when a roster operation is refused (duplicate, invalid input); nothing written."""


class FormatError(UndersignedError):
    """Raised when a file cannot be put in the canonical layout without changing its meaning
    or losing a comment; nothing is written."""


class GitError(UndersignedError):
    """Raised when git is missing or a git command fails for a reason we cannot name better."""


class NotARepositoryError(GitError):
    """Raised when the workspace is not inside a git repository, so there are no revisions."""


class UnknownRevisionError(GitError):
    """Raised when a revision (branch, tag, commit, `A...B`) does not name a commit here."""


class DocxError(UndersignedError):
    """Raised when the reference document cannot be read as a Word document."""


class PdfUnavailableError(UndersignedError):
    """Raised when PDF output is asked for but its engine (WeasyPrint, the `pdf` extra, or
    Chromium for `--pdf-engine chromium`) is not installed."""


class PdfEngineError(UndersignedError):
    """Raised when the PDF engine ran but printed no PDF (a crash, a time-out)."""


class SnapshotError(UndersignedError):
    """Raised when a source's text cannot be fetched, read or extracted; says what to do."""


class CitationStyleError(UndersignedError):
    """Raised when a citation style cannot be found or its file is not a valid style."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class WriteError(UndersignedError):
    """Raised when a file cannot be written (permissions, a full disk, a read-only file
    system); the old file, if any, is left as it was."""

    def __init__(self, path: Path, error: OSError):
        self.path = path
        self.error = error
        self.errno = error.errno
        if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            hint = "free some disk space and run the command again"
        elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            hint = f"check that you may write to {path.parent} (its permissions) and retry"
        else:
            hint = "check the directory and retry"
        super().__init__(f"{path}: cannot write the file: {error.strerror or error}; {hint}. "
                         "The file was not changed.")


class TranslationError(UndersignedError):
    """Raised when a translation cannot be made or updated (unknown language, unreadable file)."""


class LanguageError(UndersignedError):
    """Raised when a language tag names no locale that CLDR knows."""


class PreviewError(UndersignedError):
    """Raised when the live preview cannot serve (port taken, no page rendered yet)."""
