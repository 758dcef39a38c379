"""What the CLI prints: findings in the text, gnu and github formats, and build summaries."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scalpsite.findings import Finding, Level, sort_findings
from scalpsite.escapes import escape_controls, printable

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar  # what click.progressbar returns

COLOURS = {Level.ERROR: "red", Level.WARNING: "yellow", Level.INFO: "blue"}
HEADINGS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}
GITHUB = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}
LEVEL_ORDER = [Level.ERROR, Level.WARNING, Level.INFO]
QUIET, NORMAL, VERBOSE = -1, 0, 1


def json_text(data) -> str:
    """JSON for a terminal: as json.dumps writes it (UTF-8 kept), with the controls it leaves raw
    (DEL, C1, bidirectional) escaped as \\uXXXX too; the values read back unchanged."""
    return escape_controls(json.dumps(data, indent=2, ensure_ascii=False))


def plural(n: int, word: str) -> str:
    """'1 session', '2 sessions', '0 errors'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def use_color(err: bool = False) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    stream = sys.stderr if err else sys.stdout
    return stream.isatty() and not os.environ.get("NO_COLOR")


def counts(findings: list[Finding]) -> str:
    """'1 error, 2 warnings'."""
    errors = sum(f.level is Level.ERROR for f in findings)
    warnings = sum(f.level is Level.WARNING for f in findings)
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def by_level(findings: list[Finding], verbosity: int = NORMAL) -> list[Finding]:
    """Errors first, then warnings, then notes; each in file and line order. Quiet keeps errors only."""
    shown = [lvl for lvl in LEVEL_ORDER if verbosity > QUIET or lvl is Level.ERROR]
    ordered = sort_findings(findings)
    return [f for lvl in shown for f in ordered if f.level is lvl]


def text_lines(findings: list[Finding], color: bool) -> list[str]:
    """One line per finding (`path:line: message [code]`) with its fix below, under a level heading."""
    lines, level = [], None
    for f in findings:
        if f.level is not level:
            level = f.level
            n = sum(g.level is level for g in findings)
            lines.append(click.style(plural(n, HEADINGS[level]).capitalize(), fg=COLOURS[level], bold=True))
        lines.append(printable(f"  {f.location()}: {f.message} [{f.code}]"))
        if f.hint:
            lines.append(click.style(printable(f"    fix: {f.hint}"), dim=True))
    return [line if color else click.unstyle(line) for line in lines]


def shown_path(f: Finding, base: str) -> str:
    """The finding's path as seen from the current folder; absolute when that is shorter to read."""
    full = os.path.join(base, f.path)
    try:
        rel = os.path.relpath(full)
    except ValueError:  # another drive (Windows)
        return os.path.abspath(full)
    return os.path.abspath(full) if rel.startswith(os.path.join("..", "..", "..")) else rel


def gnu_lines(findings: list[Finding], base: str = ".") -> list[str]:
    """`path:line:col: level: message [code]`, the form editors and grep jump to (GNU coding standards)."""
    out = []
    for f in findings:
        where = shown_path(f, base) + "".join(f":{n}" for n in (f.line, f.column if f.line else None) if n)
        out.append(printable(f"{where}: {f.level.value}: {_one_line(f.message)} [{f.code}]"))
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _escape(text: str, prop: bool = False) -> str:
    """Workflow-command escaping (GitHub Actions): %, CR, LF, and in properties also : and ,."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def github_lines(findings: list[Finding], base: str = ".") -> list[str]:
    """GitHub Actions workflow annotations: `::error file=..,line=..,title=..::message`."""
    out = []
    for f in findings:
        props = [f"file={_escape(printable(shown_path(f, base)), True)}"]
        props += [f"line={f.line}"] if f.line else []
        props += [f"col={f.column}"] if f.line and f.column else []
        props.append(f"title={_escape(f.code, True)}")
        message = printable(f.message + (f"\nfix: {f.hint}" if f.hint else ""), keep_newlines=True)
        out.append(f"::{GITHUB[f.level]} {','.join(props)}::{_escape(message)}")
    return out


def print_findings(findings: list[Finding], fmt: str = "text", base: str = ".",
                   verbosity: int = NORMAL, err: bool = False) -> None:
    """Print findings in one of the CLI formats; text ends with a count line (not when quiet)."""
    shown = by_level(findings, verbosity)
    if fmt == "gnu":
        lines = gnu_lines(shown, base)
    elif fmt == "github":
        lines = github_lines(shown, base)
    else:
        lines = text_lines(shown, use_color(err))
    for line in lines:
        click.echo(line, err=err)


def print_check(findings: list[Finding], fmt: str, base: str, verbosity: int) -> None:
    """`scalpsite check` output: the findings, then (text format) one summary line."""
    print_findings(findings, fmt, base, verbosity)
    hidden = sum(f.level is Level.WARNING for f in findings)
    if verbosity == QUIET and fmt in ("gnu", "github") and hidden:  # a hook or CI job: say warnings exist, once
        click.echo(f"{plural(hidden, 'warning')} not shown (scalpsite check lists them)", err=True)
    if fmt != "text" or verbosity == QUIET:
        return
    if not findings:
        click.echo("No findings: the journal is complete and consistent.")
    else:
        click.echo(counts(findings))


def print_build(result, verbosity: int = NORMAL) -> None:
    """The build's findings on stderr, as `check` prints them, then the one-line summary."""
    print_findings([f for f in result.findings if verbosity >= VERBOSE or f.level is not Level.INFO],
                   "text", verbosity=verbosity, err=True)
    if verbosity == QUIET:
        return
    click.echo(printable(f"Built {plural(result.sessions, 'session')}, {plural(result.photos_rendered, 'photo')} "
                         f"processed, {result.photos_cached} from cache, {counts(result.findings)} "
                         f"-> {result.out} in {result.seconds:.1f} s"))


def print_link(out, password: str) -> None:
    """The unlock link of an encrypted site, with the warning that it is the key."""
    from urllib.parse import quote

    click.echo("Warning: this link contains the password. Anyone who has it can read the site; "
               "send it only by a private channel, never with the site itself. A browser that opens "
               "it keeps it in its history.", err=True)
    click.echo(f"{(out / 'index.html').as_uri()}#password={quote(password, safe='')}")
    click.echo("On a web host, put #password=... after the address of the site's index.html.", err=True)


def print_bundle(made, max_mb: float) -> None:
    """Where the bundle is, its size against the limit, and whether it is encrypted."""
    for f in made.errors:
        click.echo(printable(f"error: {f.location()}: {f.message}"), err=True)
    state = "encrypted" if made.encrypted else "NOT encrypted: anyone who gets the file can read it"
    click.echo(printable(f"Bundle written: {made.path} ({made.size / 1_000_000:.1f} MB of at most {max_mb:g} MB; "
                         f"{state})"))


class Progress:
    """A progress bar on stderr for photo work; does nothing when disabled (pipes, --quiet)."""

    def __init__(self, label: str, enabled: bool):
        self.label, self.enabled = label, enabled
        self.bar: ProgressBar[int] | None = None

    def __enter__(self):
        return self

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)


def journal_base(journal: Path) -> str:
    """The journal folder that printed paths are joined to."""
    return str(Path(journal).absolute())


def print_injection(row, verbosity: int = NORMAL) -> None:
    """What `new --injection` appended, and what it could not know."""
    if verbosity < NORMAL:
        return
    site = row.site or "site not noted"
    click.echo(f"Added to injections.csv: {row.date}, {row.drug} {row.dose_mg:g} mg, {site}")
    if row.site is None:
        click.echo("Add the site in injections.csv (or use --site next time), so check can follow the rotation.")


def print_mask_start(journal, started: list, verbosity: int = NORMAL) -> None:
    """One line per angle of `mask start`: what was written, and from which mask."""
    if verbosity < NORMAL:
        return
    for s in started:
        if s.status == "written":
            how = ("moved with the photos: " + _moved(s.alignment) if s.alignment
                   else "copied at the photo's size, not moved: the photos could not be aligned reliably")
            empty = " (it replaces an empty file left by an interrupted write)" if s.replaced_empty else ""
            click.echo(printable(f"{s.angle}: {s.target} from {s.source}, {how}{empty}"))
        elif s.status == "exists":
            click.echo(printable(f"{s.angle}: {s.target} already exists; left as it is"))
        elif s.status == "unreadable":
            click.echo(printable(f"{s.angle}: cannot start from {s.source}: {s.target}"))
        elif s.status == "failed":
            click.echo(printable(f"{s.angle}: cannot write {s.target}"))
        else:
            click.echo(f"{s.angle}: no earlier mask to start from")
    if any(s.status == "written" for s in started):
        click.echo("Now correct the new masks in your editor: red bald, yellow partial regrowth, "
                   "grey excluded, any other colour haired scalp, transparent not scalp.")


def _moved(t) -> str:
    way = "clockwise" if t.rotation_deg >= 0 else "counter-clockwise"
    return (f"turned {abs(t.rotation_deg):.1f}° {way}, scaled ×{t.scale:.2f}, "
            f"moved {(t.dx_pct ** 2 + t.dy_pct ** 2) ** 0.5:.1f} % of the width")


def print_init(directory: Path, started, drug: str, verbosity: int = NORMAL) -> None:
    """Where the journal is, which drug preset it uses, which existing files it left alone."""
    if verbosity < NORMAL:
        return
    click.echo(f"Journal created in {directory}; first session: {started.first}")
    if started.preset:
        click.echo(f"Treatment: {drug}, with the {started.preset} preset (dosing schedule, usual dose and "
                   "the checklist of expected effects)")
    else:
        click.echo(f"Treatment: {drug}, with no preset (scalpsite knows none for it): add its dosing "
                   "and expected_effects in scalpsite.yaml if you want them followed")
    for name in started.kept:
        click.echo(f"Kept your {name} as it was" + (GITIGNORE_NOTE if name == ".gitignore" else ""))
    click.echo("Edit scalpsite.yaml, take the five photos, then run 'scalpsite check'.")


GITIGNORE_NOTE = "; add _site/, _bundle.html and .scalpsite-cache/ to it so the output is not committed"


def print_export_errors(errors: list[Finding], verbosity: int = NORMAL) -> None:
    """`export` with errors in the journal: they go to stderr, as `check` prints them."""
    print_findings(errors, "text", verbosity=verbosity, err=True)
    click.echo("The export leaves out what has errors (a session.yaml with errors is exported without "
               "its values); fix them and export again.", err=True)
