"""The command line: options in, one library call per command, findings out."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click

from scalpsite import __version__

PASSWORD_ENV = "SCALPSITE_PASSWORD"
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


ENCRYPT_HELP = ("Encrypt everything with a password from SCALPSITE_PASSWORD or asked twice (hidden). "
                "It must have at least 12 characters, at most 32 bytes, and be rated 4 of 4 by the "
                "zxcvbn estimator; see docs/encryption.md.")
GENERATE_HELP = ("With --encrypt: make a six-word passphrase (at most 32 characters) from the EFF word "
                 "list and print it once.")


def encryption_options(command):
    """--encrypt and --generate-password, shared by build and bundle."""
    command = click.option("--generate-password", is_flag=True, help=GENERATE_HELP)(command)
    return click.option("--encrypt", is_flag=True, help=ENCRYPT_HELP)(command)


def ask_password(encrypt: bool, generate: bool) -> str | None:
    """The password for --encrypt: generated, from SCALPSITE_PASSWORD, or typed twice, hidden."""
    if not encrypt:
        if generate:
            raise click.UsageError("--generate-password works with --encrypt")
        return None
    from_env = os.environ.get(PASSWORD_ENV)
    if generate:
        if from_env is not None:
            raise click.UsageError(f"--generate-password makes a new password, but {PASSWORD_ENV} is set; "
                                   "unset it or leave out --generate-password")
        from scalpsite.output.passwords import generate as make

        return make()
    if from_env is not None:
        return from_env
    try:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    except click.Abort:  # end of input (no terminal) or Ctrl-C
        raise click.ClickException(f"no password given: type it twice at the prompt, or set {PASSWORD_ENV}; "
                                   "nothing was built") from None


def show_password(password: str) -> None:
    """Print a generated password, the one time it is shown."""
    click.echo(f"Password (shown only this once; keep it in a password manager): {password}")


@main.command()
@JOURNAL
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: JOURNAL/_site).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF dossier.")
@date_option("--since", help="Only sessions from this date (the baseline is always kept).")
@date_option("--until", help="Only sessions up to this date.")
@date_option("--for", "for_date", help="Make the dossier for the appointment on this date.")
@encryption_options
@click.option("--print-link", is_flag=True, help="With --encrypt: print a link that opens the site "
              "without typing the password. The link is the key: share it only privately.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary; errors only.")
def build(journal: Path, out: Path | None, no_pdf: bool, since, until, for_date, encrypt: bool,
          generate_password: bool, print_link: bool, quiet: bool) -> None:
    """Build the site and the PDF dossier (encrypted with --encrypt)."""
    from scalpsite.console import Progress, print_build
    from scalpsite.console import print_link as show_link
    from scalpsite.pipeline import build as do_build

    if print_link and not encrypt:
        raise click.UsageError("--print-link works with --encrypt")
    password = ask_password(encrypt, generate_password)
    with Progress("Photos", enabled=not quiet and sys.stderr.isatty()) as progress:
        result = do_build(journal, out, pdf=not no_pdf, since=since, until=until, for_date=for_date,
                          progress=progress, password=password)
    print_build(result, quiet)
    if generate_password:
        show_password(password)
    if print_link:
        show_link(result.out, password)
    if result.errors:
        sys.exit(1)


@main.command()
@JOURNAL
@click.option("-o", "--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (default: JOURNAL/_bundle.html).")
@date_option("--for", "for_date", help="Make the bundle for the appointment on this date.")
@encryption_options
@click.option("--max-size", "max_mb", type=click.FloatRange(min=0, min_open=True), default=20,
              show_default=True, metavar="MB", help="Refuse a bundle larger than this (1 MB = 10^6 bytes).")
def bundle(journal: Path, target: Path | None, for_date, encrypt: bool, generate_password: bool,
           max_mb: float) -> None:
    """Write the site as one self-contained HTML file, to send by e-mail or upload."""
    from scalpsite.console import Progress, print_bundle
    from scalpsite.pipeline import bundle as do_bundle

    password = ask_password(encrypt, generate_password)
    with Progress("Photos", enabled=sys.stderr.isatty()) as progress:
        made = do_bundle(journal, target, for_date=for_date, password=password, max_mb=max_mb,
                         progress=progress)
    print_bundle(made, max_mb)
    if generate_password:
        show_password(password)
    if made.errors:
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


@main.command()
@click.option("--kind", type=click.Choice(["session", "config"]), default="session", show_default=True,
              help="session.yaml or scalpsite.yaml.")
def schema(kind: str) -> None:
    """Print the JSON Schema of session.yaml or scalpsite.yaml, for editors."""
    from scalpsite.journal.scaffold import schema as make_schema

    click.echo(json.dumps(make_schema(kind), indent=2, ensure_ascii=False))
