"""The command line: options in, one library call per command, findings out."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from scalpsite import __version__
from scalpsite.cli_errors import Group
from scalpsite.cli_options import (  # noqa: F401 - DEBUG is named here for the preview's --debug
    CONTEXT, DEBUG, JOURNAL, common, date_option, resolve_journal, say_journal, verbosity, waiting)
from scalpsite.passwords_cli import ask_password, ask_pdf_password, encryption_options, pdf_option, show_password, warn_pdf


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="scalpsite")
@common
def main() -> None:
    """scalpsite: your hair-regrowth journal as a site and a PDF dossier for your dermatologist.

    JOURNAL is the journal folder; without it, the nearest folder upward from here that holds a
    scalpsite.yaml (like git finds its repository).

    \b
    Example:
      scalpsite init my-journal && cd my-journal && scalpsite check
    """


@main.command(short_help="Print scalpsite's version.")
def version() -> None:
    """Print scalpsite's version (as -V and --version do).

    \b
    Example:
      scalpsite version
    """
    click.echo(f"scalpsite, version {__version__}")


@main.command(short_help="Start a new journal in DIRECTORY.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@date_option("--start", help="Treatment start date (default: today).")
@click.option("--drug", default="dupilumab", show_default=True,
              help="The treatment you track: generic or brand name, any case (Dupixent is dupilumab).")
@common
def init(directory: Path, start: dt.date | None, drug: str) -> None:
    """Start a new journal in DIRECTORY (default: here): a new folder, an empty one, or one holding
    only dotfiles such as .git. A file that exists is never overwritten.

    Writes scalpsite.yaml, a first session, .gitignore, .gitattributes, a README, the editor
    schemas (.scalpsite/) and .vscode/settings.json.

    \b
    Examples:
      scalpsite init ~/hair-journal --start 2025-01-10 --drug dupilumab
      git init && scalpsite init --drug Dupixent
    """
    from scalpsite.console import print_init
    from scalpsite.journal.scaffold import init as do_init

    print_init(directory, do_init(directory, start or dt.date.today(), drug), drug, verbosity())


SITES = ("abdomen_left", "abdomen_right", "thigh_left", "thigh_right", "arm_left", "arm_right")  # models.INJECTION_SITES


@main.command(short_help="Add a session folder to fill in, or an injection to the log.")
@JOURNAL
@date_option("--date", "day", help="Session (or injection) date (default: today).")
@click.option("--suffix", metavar="NAME", help="Name the folder DATE-NAME (a second session that day).")
@click.option("--injection", is_flag=True, help="Append an injection of the tracked drug to injections.csv "
              "instead of adding a session.")
@click.option("--site", type=click.Choice(SITES), help="With --injection: where it was injected.")
@click.option("--dose", type=click.FloatRange(min=0, min_open=True, max=10_000), metavar="MG",
              help="With --injection: the dose in mg (default: the last one logged, or the drug's usual one).")
@common
def new(journal: Path, day: dt.date | None, suffix: str | None, injection: bool, site: str | None,
        dose: float | None) -> None:
    """Add a session folder with a session.yaml to fill in, or (--injection) a row to injections.csv.

    \b
    Examples:
      scalpsite new --date 2025-02-07
      scalpsite new --date 2025-02-07 --suffix dermatology
      scalpsite new --injection --site thigh_left
    """
    from scalpsite.journal.load import load

    if not injection and (site or dose is not None):
        raise click.UsageError("--site and --dose go with --injection")
    if injection and suffix:
        raise click.UsageError("--suffix names a session folder; it does not go with --injection")
    loaded = load(journal)
    if injection:
        from scalpsite.console import print_injection
        from scalpsite.journal.scaffold import new_injection

        print_injection(new_injection(loaded, day or dt.date.today(), site, dose), verbosity())
        return
    from scalpsite.journal.scaffold import new_session

    folder = new_session(loaded, day or dt.date.today(), suffix)
    if verbosity() >= 0:
        angles = ", ".join(loaded.require_config().photos.angles)
        click.echo(f"Created {folder}/session.yaml")
        click.echo(f"Photograph: {angles} (same place, light and distance as before).")


def _warning_codes(ctx, param, values: tuple[str, ...]) -> tuple[str, ...]:
    """--ignore CODE[,CODE]: warning codes only; an error or an unknown code is refused with the reason."""
    codes = tuple(c.strip() for value in values for c in value.split(",") if c.strip())
    if codes:  # the table of codes is made from the measure registry: imported only for codes to check
        from scalpsite.findingcodes import refusal

        for code in codes:
            if reason := refusal(code):
                raise click.BadParameter(reason)
    return codes


@main.command(short_help="Is the record complete and consistent?")
@JOURNAL
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "gnu", "github"]), default="text",
              show_default=True, help="gnu: path:line:col: level: message [code], one a line; "
                                      "github: workflow annotations.")
@date_option("--as-of", help="Judge overdue sessions as of this date (default: today).")
@click.option("--ignore", multiple=True, metavar="CODE", callback=_warning_codes,
              help="Do not report this warning code (repeat, or separate codes with commas; see "
                   "docs/findings.md). Errors cannot be ignored.")
@common
def check(journal: Path, strict: bool, fmt: str, as_of: dt.date | None, ignore: tuple[str, ...]) -> None:
    """Check that the journal is complete and consistent.

    Errors come first, then warnings. Exit 1 on errors (or on warnings with --strict).

    \b
    Examples:
      scalpsite check
      scalpsite check ~/hair-journal --format gnu
      scalpsite check --ignore framing-drift,camera-changed
    """
    from scalpsite.console import journal_base, json_text, print_check
    from scalpsite.findings import summary
    from scalpsite.store.uptodate import repeated_check

    say_journal(journal)
    today = as_of or dt.date.today()
    findings = repeated_check(journal, today, ignore, waiting)
    if findings is None:  # something changed since the last check
        from scalpsite.pipeline import check_journal

        findings = check_journal(journal, today=today, on_wait=waiting, ignore=ignore)
    result = summary(findings)
    if fmt == "json":
        click.echo(json_text(result))
    else:
        print_check(findings, fmt, journal_base(journal), verbosity())
    if result["errors"] or (strict and result["warnings"]):
        sys.exit(1)


@main.command(short_help="Build the site and the PDF dossier.")
@JOURNAL
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: JOURNAL/_site).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF dossier.")
@date_option("--since", help="Only sessions from this date (the baseline is always kept).")
@date_option("--until", help="Only sessions up to this date.")
@date_option("--for", "for_date", help="Make the dossier for the appointment on this date.")
@encryption_options
@click.option("--print-link", is_flag=True, help="With --encrypt: print a link that opens the site "
              "without typing the password. The link is the key: share it only privately.")
@pdf_option
@common
def build(journal: Path, out: Path | None, no_pdf: bool, since, until, for_date, encrypt: bool,
          generate_password: bool, print_link: bool, pdf_password: bool) -> None:
    """Build the site and the PDF dossier (JOURNAL/_site unless -o); encrypted with --encrypt.

    \b
    Examples:
      scalpsite build
      scalpsite build ~/hair-journal --for 2026-01-16 -o ~/dossier
      scalpsite build --encrypt --generate-password
    """
    from scalpsite.console import QUIET, Progress, print_build
    from scalpsite.console import print_link as show_link
    from scalpsite.store.uptodate import repeated_build

    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}; swap them")
    if print_link and not encrypt:
        raise click.UsageError("--print-link works with --encrypt")
    pdf_secret, pdf_made = ask_pdf_password(pdf_password, encrypt, not no_pdf)
    password = ask_password(encrypt, generate_password)
    say_journal(journal)
    result = None if password is not None else repeated_build(journal, out, not no_pdf, since, until, for_date,
                                                              waiting)
    if result is None:  # something changed since the last build: build (the pipeline loads only now)
        from scalpsite.pipeline import build as do_build

        with Progress("Photos", enabled=verbosity() > QUIET and sys.stderr.isatty()) as progress:
            result = do_build(journal, out, pdf=not no_pdf, since=since, until=until, for_date=for_date,
                              progress=progress, on_wait=waiting, password=password,
                              pdf_password=pdf_secret)
    print_build(result, verbosity())
    if password is not None:  # None only without --encrypt, which the options need
        if generate_password:
            show_password(password)
        if print_link:
            show_link(result.out, password)
    if pdf_secret is not None:
        if pdf_made:
            show_password(pdf_secret, "PDF password")
        warn_pdf(result.out)
    if result.errors:
        sys.exit(1)


@main.command(short_help="Write the site as one HTML file to send.")
@JOURNAL
@click.option("-o", "--out", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (default: JOURNAL/_bundle.html).")
@date_option("--for", "for_date", help="Make the bundle for the appointment on this date.")
@encryption_options
@click.option("--max-size", "max_mb", type=click.FloatRange(min=0, min_open=True), default=20,
              show_default=True, metavar="MB", help="Refuse a bundle larger than this (1 MB = 10^6 bytes).")
@common
def bundle(journal: Path, target: Path | None, for_date, encrypt: bool, generate_password: bool,
           max_mb: float) -> None:
    """Write the site as one self-contained HTML file, to send by e-mail or upload.

    \b
    Examples:
      scalpsite bundle --for 2026-01-16
      scalpsite bundle --encrypt -o ~/dossier.html
    """
    from scalpsite.console import QUIET, Progress, print_bundle
    from scalpsite.pipeline import bundle as do_bundle

    password = ask_password(encrypt, generate_password)
    say_journal(journal)
    with Progress("Photos", enabled=verbosity() > QUIET and sys.stderr.isatty()) as progress:
        made = do_bundle(journal, target, for_date=for_date, password=password, max_mb=max_mb,
                         progress=progress)
    print_bundle(made, max_mb)
    if generate_password and password is not None:  # a generated one is never None
        show_password(password)
    if made.errors:
        sys.exit(1)


@main.command(short_help="Print the metrics (JSON, CSV, FHIR) or the case facts.")
@JOURNAL
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "fhir", "case"]), default="json",
              show_default=True, help="fhir: a FHIR R4B Bundle for the clinic's records; case: the facts of the "
              "dossier's case page as JSON, for a form or a letter.")
@date_option("--as-of", help="The record as it stood on this date: nothing dated after it is used (default: "
             "the last session).")
@common
def export(journal: Path, fmt: str, as_of: dt.date | None) -> None:
    """Print per-session metrics as JSON, CSV or a FHIR R4B Bundle, or the case for the treatment.

    \b
    Examples:
      scalpsite export --format csv > metrics.csv
      scalpsite export ~/hair-journal --format fhir > bundle.json
      scalpsite export --format case --as-of 2026-01-20 > case.json
    """
    from scalpsite.console import print_export_errors
    from scalpsite.pipeline import export_data

    text, errors = export_data(journal, fmt, as_of, on_wait=waiting)
    click.echo(text, nl=False)
    if errors:  # the output is still written: what the errors leave out is said on stderr, as check says it
        print_export_errors(errors, verbosity())
        sys.exit(1)


def _loopback(ctx, param, value: str) -> str:
    from scalpsite.errors import ScalpsiteError
    from scalpsite.serve import loopback

    try:
        loopback(value)
    except ScalpsiteError as exc:
        raise click.BadParameter(exc.format_message()) from None
    return value


@main.command(short_help="Preview the site; rebuilds on every change.")
@JOURNAL
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--bind", default="127.0.0.1", show_default=True, metavar="ADDRESS", callback=_loopback,
              help="Loopback address to listen on: 127.0.0.1, ::1 or localhost. Loopback only: the preview "
                   "has no password, so it is never reachable from another computer.")
@click.option("--pdf", is_flag=True, help="Also rebuild the PDF dossier on every change (slower).")
@click.option("--no-reload", is_flag=True, help="Do not reload the page in the browser after a rebuild.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
@common
def serve(journal: Path, port: int, bind: str, pdf: bool, no_reload: bool, open_browser: bool) -> None:
    """Preview the site on this computer; it rebuilds and reloads on every change.

    The last build's errors are shown in a box at the top of every page. Each photo of a SALT
    view has a "Paint mask" link: paint its mask in the browser and save it beside the photo.

    \b
    Example:
      scalpsite serve --open
    """
    from scalpsite.serve import serve as do_serve

    do_serve(journal, port=port, pdf=pdf, open_browser=open_browser, bind=bind, reload=not no_reload)


@main.group(short_help="Start painted SALT masks from the previous session's.")
@common
def mask() -> None:
    """Painted SALT masks: <photo>.mask.png beside each photo (docs/photos.md).

    \b
    Example:
      scalpsite mask start 2026-01-12
    """


def _session_names(ctx, param, incomplete: str) -> list[str]:
    """Tab completion of SESSION: the session folders of the journal (-j, else found from here)."""
    from scalpsite.journal.locate import find_journal

    root = ctx.params.get("journal") or find_journal(Path.cwd())
    folder = Path(root or ".") / "sessions"
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return [n for n in names if n.startswith(incomplete)]


@mask.command("start", short_help="Begin a session's masks from the previous session's.")
@click.argument("session", shell_complete=_session_names)
@click.option("-j", "--journal", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The journal (default: found from SESSION when it is a session folder, else the "
                   "nearest folder upward holding a scalpsite.yaml).")
@common
def mask_start(session: str, journal: Path | None) -> None:
    """Begin SESSION's masks from the previous session's, moved with the photos.

    SESSION is a session folder name (2026-01-12) or its path. A mask that exists is never replaced.

    \b
    Example:
      scalpsite mask start 2026-01-12
    """
    from scalpsite.console import print_mask_start
    from scalpsite.pipeline import start_masks

    folder = Path(session)
    if journal is None and folder.is_dir() and folder.resolve().parent.name == "sessions":
        journal = folder.resolve().parent.parent
    root = resolve_journal(None, None, journal)
    say_journal(root)
    journal_, started = start_masks(root, session)  # a path's last part names the session
    print_mask_start(journal_, started, verbosity())
    if any(s.status in ("unreadable", "failed") for s in started):
        sys.exit(1)


@main.command(short_help="Print or refresh the editor schemas.")
@click.option("--kind", type=click.Choice(["session", "config", "data"]), default="session", show_default=True,
              help="session.yaml, scalpsite.yaml, or data.json (what build and export write).")
@click.option("--write", "write", is_flag=True,
              help="Refresh JOURNAL/.scalpsite/*.json instead of printing (after an upgrade).")
@click.argument("journal", type=click.Path(file_okay=False, path_type=Path), required=False)
@common
def schema(kind: str, write: bool, journal: Path | None) -> None:
    """Print the JSON Schema of session.yaml, scalpsite.yaml or data.json, or write the first two into a journal.

    \b
    Examples:
      scalpsite schema --kind config
      scalpsite schema --kind data > data.schema.json
      scalpsite schema --write ~/hair-journal
    """
    from scalpsite.pipeline import schema_text

    if not write:
        if journal is not None:
            raise click.UsageError("JOURNAL is only used with --write")
        click.echo(schema_text(kind), nl=False)
        return
    if kind == "data":
        raise click.UsageError("--write refreshes the editor schemas of the journal's files, not data.json")
    from scalpsite.pipeline import refresh_schemas

    root = resolve_journal(None, None, journal)
    written = refresh_schemas(root)
    if verbosity() >= 0:
        click.echo(f"Wrote {', '.join(written)} in {root}")
