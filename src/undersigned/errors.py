"""The one exception hierarchy of the library; the CLI turns these into click errors."""

from __future__ import annotations


class UndersignedError(Exception):
    """Base class of every error the library raises on purpose.

    The message is written for the person at the keyboard: it names the file (and line, where
    there is one) and says what to do.
    """


class WorkspaceError(UndersignedError):
    """Raised when no workspace, letter or roster can be found where one was asked for."""


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


class PreviewError(UndersignedError):
    """Raised when the live preview cannot serve (port taken, no page rendered yet)."""
