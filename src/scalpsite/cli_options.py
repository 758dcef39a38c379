"""The command line's shared options: JOURNAL found upward, dates, and -q/-v/--debug on every command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from scalpsite.errors import ScalpsiteError
from scalpsite.journal.limits import DATE_MAX, DATE_MIN

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
DEBUG, VERBOSITY = "scalpsite.debug", "scalpsite.verbosity"


def resolve_journal(ctx, param, value):
    """JOURNAL as given, or the nearest folder upward holding a scalpsite.yaml (like git)."""
    from scalpsite.journal.locate import CONFIG_FILE
    from scalpsite.journal.locate import find_journal

    ignored: list[str] = []
    if value is not None:  # a file or folder inside a journal names that journal, as in git
        inside = value if value.is_dir() or not value.exists() else value.parent
        return inside if (inside / CONFIG_FILE).exists() else find_journal(inside) or value
    found = find_journal(Path.cwd(), ignored)
    for other in ignored:  # git's safe.directory rule: never someone else's journal unasked
        waiting(f"Ignored the journal in {other}; give its folder as JOURNAL to use it anyway.")
    if found is None:
        whose = " of yours" if ignored else ""
        raise ScalpsiteError(f"no scalpsite.yaml{whose} in {Path.cwd()} or any folder above it; run "
                             "'scalpsite init DIR' to start a journal, or give the journal folder")
    return found


JOURNAL = click.argument("journal", type=click.Path(path_type=Path), required=False,
                         callback=resolve_journal)


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD") from None
    if not DATE_MIN <= day <= DATE_MAX:
        raise click.BadParameter(f"{value} is outside the dates scalpsite accepts ({DATE_MIN} to {DATE_MAX})")
    return day


def waiting(message: str) -> None:
    """Say on stderr what the command does meanwhile (waits for another build, uses a temporary cache)."""
    from scalpsite.console import printable

    click.echo(printable(message), err=True)


def date_option(*names, **kw):
    return click.option(*names, callback=_date, metavar="YYYY-MM-DD", **kw)


def _flag(key, value):
    """A callback that records a flag in ctx.meta, which the group and its command share."""
    def callback(ctx, param, given):
        if not given:
            return
        if ctx.meta.get(key, value) != value:  # -q and -v, on either side of the command
            raise click.UsageError("--quiet and --verbose cannot be used together", ctx)
        ctx.meta[key] = value
    return callback


def common(f):
    """--debug, -q/--quiet and -v/--verbose: accepted before the command and after it."""
    f = click.option("--debug", is_flag=True, expose_value=False, callback=_flag(DEBUG, True),
                     help="Show Python tracebacks for unexpected errors.")(f)
    f = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_flag(VERBOSITY, 1),
                     help="Say more: which journal is used, and notes.")(f)
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_flag(VERBOSITY, -1),
                        help="Say less: errors only, no progress or summary.")(f)


def verbosity() -> int:
    """-1 quiet, 0 normal, 1 verbose, wherever the option was given."""
    return click.get_current_context().meta.get(VERBOSITY, 0)


def say_journal(journal: Path) -> None:
    """With --verbose: which journal the command works on (it may have been found upward)."""
    if verbosity() > 0:
        waiting(f"Journal: {journal.absolute()}")
