"""The one exception tree: every user-facing failure is a ClickException."""

from __future__ import annotations

import click


class ScalpsiteError(click.ClickException):
    """A problem the user can fix; printed without a traceback, exit 1."""

    exit_code = 1

    def format_message(self) -> str:
        """The message with control characters escaped: the paths in it may hold any."""
        from scalpsite.console import printable

        return printable(self.message, keep_newlines=True)


class JournalError(ScalpsiteError):
    """A problem in one of the journal's files, located by path and line."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None, hint: str = ""):
        self.path = path
        self.line = line
        self.detail = message
        self.hint = hint
        where = path or ""
        if path and line:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class BuildError(ScalpsiteError):
    """The build could not complete (output folder refused, renderer failed)."""


class OptionError(ScalpsiteError):
    """Options that contradict the journal (a usage error, exit 2), e.g. --for before the first session."""

    exit_code = 2
