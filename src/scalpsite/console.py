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


def print_mask_start(journal, started: list) -> None:
    """One line per angle of `mask start`: what was written, and from which mask."""
    for s in started:
        if s.status == "written":
            how = ("moved with the photos: " + _moved(s.alignment) if s.alignment
                   else "copied at the photo's size, not moved: the photos could not be aligned reliably")
            click.echo(f"{s.angle}: {s.target} from {s.source}, {how}")
        elif s.status == "exists":
            click.echo(f"{s.angle}: {s.target} already exists; left as it is")
        elif s.status == "unreadable":
            click.echo(f"{s.angle}: cannot start from {s.source}: {s.target}")
        else:
            click.echo(f"{s.angle}: no earlier mask to start from")
    if any(s.status == "written" for s in started):
        click.echo("Now correct the new masks in your editor: red bald, yellow partial regrowth, "
                   "grey excluded, any other colour haired scalp, transparent not scalp.")


def _moved(t) -> str:
    way = "clockwise" if t.rotation_deg >= 0 else "counter-clockwise"
    return (f"turned {abs(t.rotation_deg):.1f}° {way}, scaled ×{t.scale:.2f}, "
            f"moved {(t.dx_pct ** 2 + t.dy_pct ** 2) ** 0.5:.1f} % of the width")
