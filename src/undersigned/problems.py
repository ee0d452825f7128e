"""Problems are data: a located finding with a rule id, a severity and a fix-it message."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of the loader or the validator."""

    file: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str

    def format(self) -> str:
        return (f"{self.file}:{self.line}:{self.column}: {self.severity.value}: {self.rule}: "
                f"{self.message}")

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


class Pos(NamedTuple):
    """A place in a source file: 1-based line and column (a tuple: cheap to make by the million)."""

    file: str
    line: int = 1
    column: int = 1

    def problem(self, severity: Severity, rule: str, message: str) -> Problem:
        return Problem(self.file, self.line, self.column, severity, rule, message)

    def error(self, rule: str, message: str) -> Problem:
        return self.problem(Severity.ERROR, rule, message)

    def warning(self, rule: str, message: str) -> Problem:
        return self.problem(Severity.WARNING, rule, message)


def has_errors(problems, strict: bool = False) -> bool:
    """True when the problems should fail a run (warnings count too under `strict`)."""
    return any(strict or p.severity is Severity.ERROR for p in problems)
