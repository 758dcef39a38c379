"""Errors as the command line shows them: a library error's message and exit code, a machine's
error said plainly, and a traceback only with --debug."""

from __future__ import annotations

import errno
import io
import os
import sys

import click

from scalpsite.cli_options import DEBUG
from scalpsite.errors import ScalpsiteError


DISK_ERRORS = {  # errors of the machine, not of scalpsite: say what happened and what to do
    errno.ENOSPC: ("no space left on device", "free some space and run the command again"),
    errno.EDQUOT: ("disk quota exceeded", "free some space and run the command again"),
    errno.EROFS: ("read-only file system", "write the output to a folder you can change (-o)"),
    errno.EACCES: ("permission denied", "check the folder's permissions"),
}


def _disk_error(exc: OSError) -> ScalpsiteError | None:
    if exc.errno not in DISK_ERRORS:
        return None
    what, fix = DISK_ERRORS[exc.errno]
    where = f" ({exc.filename})" if exc.filename else ""
    return ScalpsiteError(f"{what}{where}; {fix}")


class Failure(click.ClickException):
    """A library error as the command line shows it: "Error: message", exit 1."""


class UsageFailure(Failure):
    """A library error about the options given (OptionError): exit 2, as click's usage errors."""

    exit_code = 2


def failure(error: ScalpsiteError) -> Failure:
    """The click exception that prints a library error with its exit code."""
    kind = UsageFailure if error.exit_code == UsageFailure.exit_code else Failure
    return kind(error.format_message())


def _quiet_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit raises no second broken pipe."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # not a real file (a test's runner): nothing will be flushed to a pipe


class Group(click.Group):
    """Shows a traceback only with --debug; everything else is a clean message."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ScalpsiteError as exc:  # the library's own errors: the user can fix them, even with --debug
            raise failure(exc) from exc
        except BrokenPipeError:  # `scalpsite check | head`: the reader has gone, so say nothing more
            _quiet_stdout()
            raise click.exceptions.Exit(1) from None
        except Exception as exc:
            if ctx.meta.get(DEBUG):
                raise
            machine = _disk_error(exc) if isinstance(exc, OSError) else None
            raise (failure(machine) if machine else click.ClickException(  # a bug, not the user's fault
                f"internal error: {exc!r} (run with --debug for details, and please report it)")) from exc
