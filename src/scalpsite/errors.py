"""The one exception tree of the library: every failure the user can fix.

The library never imports click: the command line (cli.py, cli_errors.py) turns these errors into its messages
and exit codes, so the library can be used, and its errors caught, without the CLI.
"""

from __future__ import annotations


class ScalpsiteError(Exception):
    """A problem the user can fix; the CLI prints it without a traceback, exit 1."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def format_message(self) -> str:
        """The message as the command line prints it (after "Error: "), control characters escaped:
        the paths in it may hold any."""
        from scalpsite.escapes import printable

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
