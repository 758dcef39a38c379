"""Human-readable output of findings and build summaries (the CLI's printing)."""

from __future__ import annotations

from itertools import groupby

import click

from scalpsite.findings import Finding, Level

COLOURS = {Level.ERROR: "red", Level.WARNING: "yellow", Level.INFO: "blue"}


def _group(f: Finding) -> str:
    parts = f.path.split("/")
    return "/".join(parts[:2]) if parts[0] == "sessions" and len(parts) > 1 else parts[0]


def print_text(findings: list[Finding], color: bool) -> None:
    """Findings grouped by session (or file), then a count line."""
    if not findings:
        click.echo("No findings: the journal is complete and consistent.")
        return
    for group, items in groupby(findings, key=_group):
        click.secho(group, bold=True, color=color)
        for f in items:
            tag = click.style(f"{f.level.value:7}", fg=COLOURS[f.level])
            where = f":{f.line}" if f.line else ""
            rel = f.path[len(group):].lstrip("/") or "."
            click.echo(f"  {tag} {rel}{where}: {f.message} [{f.code}]", color=color)
            if f.hint:
                click.echo(f"          fix: {f.hint}", color=color)
    errors = sum(f.level is Level.ERROR for f in findings)
    warnings = sum(f.level is Level.WARNING for f in findings)
    click.echo(f"{errors} error(s), {warnings} warning(s)")


def print_build(result, quiet: bool = False) -> None:
    """One line per error found, then the one-line summary."""
    for f in result.findings:
        if f.level is Level.ERROR:
            click.echo(f"error: {f.location()}: {f.message}", err=True)
    if quiet:
        return
    warnings = sum(f.level is Level.WARNING for f in result.findings)
    click.echo(f"Built {result.sessions} sessions, {result.photos_rendered} photos processed, "
               f"{result.photos_cached} from cache, {result.errors} error(s), {warnings} warning(s) "
               f"-> {result.out} in {result.seconds:.1f} s")


def print_link(out, password: str) -> None:
    """The unlock link of an encrypted site, with the warning that it is the key."""
    from urllib.parse import quote

    click.echo("Warning: this link contains the password. Anyone who has it can read the site; "
               "send it only by a private channel, never with the site itself.", err=True)
    click.echo(f"{(out / 'index.html').as_uri()}#password={quote(password, safe='')}")
    click.echo("On a web host, put #password=... after the address of the site's index.html.", err=True)


def print_bundle(made, max_mb: float) -> None:
    """Where the bundle is, its size against the limit, and whether it is encrypted."""
    for f in made.errors:
        click.echo(f"error: {f.location()}: {f.message}", err=True)
    state = "encrypted" if made.encrypted else "NOT encrypted: anyone who gets the file can read it"
    click.echo(f"Bundle written: {made.path} ({made.size / 1_000_000:.1f} MB of at most {max_mb:g} MB; {state})")


class Progress:
    """A progress bar on stderr for photo work; does nothing when disabled (pipes, --quiet)."""

    def __init__(self, label: str, enabled: bool):
        self.label, self.enabled, self.bar = label, enabled, None

    def __enter__(self):
        return self

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=click.get_text_stream("stderr"))
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
