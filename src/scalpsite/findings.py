"""Findings: what `check` reports, and what load and build collect on the way."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem or gap, located in the journal; path is journal-relative."""

    path: str
    line: int | None
    level: Level
    code: str
    message: str
    hint: str = ""
    column: int | None = None  # 1-based, when the finding is about one key (for editors; not in JSON)

    def as_dict(self) -> dict:
        """The form `check --format json` prints (a contract other tools read), plus the fix hint."""
        return {"level": self.level.value, "code": self.code, "path": self.path, "line": self.line,
                "message": self.message, "hint": self.hint}  # `column` stays out of that contract

    def location(self) -> str:
        """`path:line`, or just the path."""
        return f"{self.path}:{self.line}" if self.line else self.path


def error(code: str, path: str, message: str, line: int | None = None, hint: str = "",
          column: int | None = None) -> Finding:
    """Shorthand for an error finding."""
    return Finding(path, line, Level.ERROR, code, message, hint, column)


def warning(code: str, path: str, message: str, line: int | None = None, hint: str = "") -> Finding:
    """Shorthand for a warning finding."""
    return Finding(path, line, Level.WARNING, code, message, hint)


def sort_findings(findings) -> list[Finding]:
    """Stable order: by file, then line, then code."""
    return sorted(set(findings), key=lambda f: (f.path, f.line or 0, f.code, f.message))


def summary(findings) -> dict:
    """The JSON contract of `check --format json`."""
    fs = sort_findings(findings)
    return {
        "errors": sum(f.level is Level.ERROR for f in fs),
        "warnings": sum(f.level is Level.WARNING for f in fs),
        "findings": [f.as_dict() for f in fs],
    }
