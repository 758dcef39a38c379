"""The library does not depend on the command line: it raises its own errors, and only the CLI
layer imports click and turns them into messages and exit codes."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from scalpsite.cli import main
from scalpsite.errors import BuildError, JournalError, OptionError, ScalpsiteError

SRC = REPO / "src/scalpsite"
# The command line: the commands, their options and errors, their printing, the preview server, the
# password options.
CLI_LAYER = {"cli.py", "cli_options.py", "cli_errors.py", "console.py", "serve.py", "previewhttp.py", "previewloop.py",
             "passwords_cli.py"}


def imports_click(path: Path) -> bool:
    """Whether a source file imports click or a part of it, at module level or in a function."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
        if any(n == "click" or n.startswith("click.") for n in names):
            return True
    return False


@pytest.mark.parametrize("source, expected", [
    ("import click", True), ("import click.testing as t", True), ("from click import echo", True),
    ("def f():\n    from click.exceptions import Exit", True), ("import clickhouse", False),
    ("from . import click", False), ("x = 'import click'", False),
])
def test_imports_click_reads_every_form_of_import(tmp_path, source, expected):
    """The rule below sees an import however it is written, and nothing else."""
    path = tmp_path / "m.py"
    path.write_text(source + "\n")
    assert imports_click(path) is expected


def test_only_the_command_line_imports_click():
    """No module of the library (journal, photos, analysis, render, output, pipeline...) imports click."""
    modules = sorted(SRC.rglob("*.py"))
    assert len(modules) > 50
    offenders = [str(p.relative_to(SRC)) for p in modules
                 if imports_click(p) and str(p.relative_to(SRC)) not in CLI_LAYER]
    assert offenders == []


def test_the_library_loads_without_click():
    """Loading, checking, analysing and building, imported together, do not load click at all."""
    probe = ("import sys; import scalpsite.pipeline, scalpsite.journal.load, scalpsite.analysis.analyze, "
             "scalpsite.output.export, scalpsite.photos.images, scalpsite.render.site; "
             "print('click' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


@pytest.mark.parametrize("error", [ScalpsiteError("x"), JournalError("x", "a.yaml", 3), BuildError("x"),
                                   OptionError("x")])
def test_library_errors_are_plain_exceptions(error):
    """A program using the library catches ScalpsiteError; no click class is in the tree."""
    assert isinstance(error, Exception)
    assert all(not c.__module__.startswith("click") for c in type(error).__mro__)


def test_journal_error_keeps_its_location_and_message():
    """Path, line, detail and hint stay on the error; the message names the place."""
    error = JournalError("salt.top: 160 is more than 100", "sessions/x/session.yaml", 4, hint="use 0-100")
    assert str(error) == error.format_message() == "sessions/x/session.yaml:4: salt.top: 160 is more than 100"
    assert (error.path, error.line, error.detail, error.hint, error.exit_code) == (
        "sessions/x/session.yaml", 4, "salt.top: 160 is more than 100", "use 0-100", 1)


@pytest.mark.parametrize("error, code", [(ScalpsiteError("the journal is locked"), 1),
                                         (BuildError("the dossier could not be typeset"), 1),
                                         (OptionError("--for 2020-01-01 is before the first session"), 2)])
@pytest.mark.parametrize("debug", [[], ["--debug"]])
def test_the_cli_prints_a_library_error_with_its_exit_code(runner, journal, monkeypatch, error, code, debug):
    """The CLI turns a library error into "Error: message" and its exit code, even with --debug."""
    import scalpsite.pipeline

    def failing(*args, **kwargs):
        raise error

    monkeypatch.setattr(scalpsite.pipeline, "export_data", failing)
    result = runner.invoke(main, [*debug, "export", str(journal)])
    assert (result.exit_code, result.output) == (code, f"Error: {error.message}\n")
    assert isinstance(result.exception, SystemExit)


def test_a_disk_error_is_still_told_as_the_machine_s(runner, journal, monkeypatch):
    """An OSError of the machine (disk full) becomes a message with a fix, exit 1."""
    import errno

    import scalpsite.pipeline

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "/x/out")

    monkeypatch.setattr(scalpsite.pipeline, "export_data", full)
    result = runner.invoke(main, ["export", str(journal)])
    assert (result.exit_code, result.output) == (
        1, "Error: no space left on device (/x/out); free some space and run the command again\n")
