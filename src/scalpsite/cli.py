"""The command line: options in, one library call per command, findings out."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from scalpsite import __version__

JOURNAL = click.argument("journal", type=click.Path(file_okay=False, path_type=Path), default=".")


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD") from None


def date_option(*names, **kw):
    return click.option(*names, callback=_date, metavar="YYYY-MM-DD", **kw)


class Group(click.Group):
    """Shows a traceback only with --debug; everything else is a clean message."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # a bug, not the user's fault: say so briefly
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(f"internal error: {exc!r} (run with --debug for details, "
                                       "and please report it)") from exc


@click.group(cls=Group)
@click.version_option(__version__, prog_name="scalpsite")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for unexpected errors.")
def main(debug: bool) -> None:
    """scalpsite: your hair-regrowth journal as a site and a PDF dossier for your dermatologist."""


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@date_option("--start", help="Treatment start date (default: today).")
@click.option("--drug", default="dupilumab", show_default=True, help="The treatment you track.")
def init(directory: Path, start: dt.date | None, drug: str) -> None:
    """Start a new journal in DIRECTORY."""
    from scalpsite.journal.scaffold import init as do_init

    first = do_init(directory, start or dt.date.today(), drug)
    click.echo(f"Journal created in {directory}; first session: {first}")
    click.echo("Edit scalpsite.yaml, take the five photos, then run 'scalpsite check'.")


@main.command()
@JOURNAL
@date_option("--date", "day", help="Session date (default: today).")
def new(journal: Path, day: dt.date | None) -> None:
    """Add a session folder with a session.yaml to fill in."""
    from scalpsite.journal.load import load
    from scalpsite.journal.scaffold import new_session

    loaded = load(journal)
    folder = new_session(loaded, day or dt.date.today())
    angles = ", ".join(loaded.config.photos.angles)
    click.echo(f"Created {folder}/session.yaml")
    click.echo(f"Photograph: {angles} (same place, light and distance as before).")


@main.command()
@JOURNAL
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@date_option("--as-of", help="Judge overdue sessions as of this date (default: today).")
def check(journal: Path, strict: bool, fmt: str, as_of: dt.date | None) -> None:
    """Validate the journal: completeness and consistency."""
    from scalpsite.console import print_text
    from scalpsite.findings import summary
    from scalpsite.pipeline import check_journal

    findings = check_journal(journal, today=as_of or dt.date.today())
    result = summary(findings)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_text(findings, color=sys.stdout.isatty())
    if result["errors"] or (strict and result["warnings"]):
        sys.exit(1)


@main.command()
@JOURNAL
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: JOURNAL/_site).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF dossier.")
@date_option("--since", help="Only sessions from this date (the baseline is always kept).")
@date_option("--until", help="Only sessions up to this date.")
@date_option("--for", "for_date", help="Make the dossier for the appointment on this date.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary; errors only.")
def build(journal: Path, out: Path | None, no_pdf: bool, since, until, for_date, quiet: bool) -> None:
    """Build the site and the PDF dossier."""
    from scalpsite.console import Progress, print_build
    from scalpsite.pipeline import build as do_build

    with Progress("Photos", enabled=not quiet and sys.stderr.isatty()) as progress:
        result = do_build(journal, out, pdf=not no_pdf, since=since, until=until, for_date=for_date,
                          progress=progress)
    print_build(result, quiet)
    if result.errors:
        sys.exit(1)


@main.command()
@JOURNAL
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@date_option("--as-of", help="Judge the schedule as of this date (default: the last session).")
def export(journal: Path, fmt: str, as_of: dt.date | None) -> None:
    """Print per-session metrics as JSON or CSV."""
    from scalpsite.pipeline import export_data

    click.echo(export_data(journal, fmt, as_of), nl=False)


@main.command()
@JOURNAL
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--pdf", is_flag=True, help="Also rebuild the PDF dossier on every change (slower).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
def serve(journal: Path, port: int, pdf: bool, open_browser: bool) -> None:
    """Preview the site on 127.0.0.1; it rebuilds and reloads on every change."""
    from scalpsite.serve import serve as do_serve

    do_serve(journal, port=port, pdf=pdf, open_browser=open_browser)


@main.group()
def mask() -> None:
    """Painted SALT masks (<photo>.mask.png beside each photo)."""


@mask.command("start")
@click.argument("session")
@click.option("-j", "--journal", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The journal (found from SESSION when that is a path to it).")
def mask_start(session: str, journal: Path) -> None:
    """Begin SESSION's masks from the previous session's, moved with the photos."""
    from scalpsite.console import print_mask_start
    from scalpsite.pipeline import start_masks

    folder = Path(session)
    if folder.is_dir() and folder.resolve().parent.name == "sessions":
        journal = folder.resolve().parent.parent
    print_mask_start(*start_masks(journal, session))


@main.command()
@click.option("--kind", type=click.Choice(["session", "config"]), default="session", show_default=True,
              help="session.yaml or scalpsite.yaml.")
def schema(kind: str) -> None:
    """Print the JSON Schema of session.yaml or scalpsite.yaml, for editors."""
    from scalpsite.journal.scaffold import schema as make_schema

    click.echo(json.dumps(make_schema(kind), indent=2, ensure_ascii=False))
