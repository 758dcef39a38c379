"""Issue 18 items 7 and 8: output tools can read, and the command-line conventions of other tools."""

import errno
import os

import pytest
from conftest import COMPLETE, CONFIG, write_journal

from scalpsite.cli import main
from scalpsite.console import github_lines, gnu_lines, plural
from scalpsite.findings import Finding, Level


@pytest.fixture
def broken(tmp_path):
    """A journal whose scalpsite.yaml has an unknown key (so the sessions are not checked)."""
    return write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True, config=CONFIG + "titel: x\n")


def test_check_gnu_format_lists_one_finding_a_line_with_column(runner, broken, monkeypatch):
    """Item 7: `path:line:col: level: message [code]`, paths as seen from here, errors first."""
    monkeypatch.chdir(broken)
    result = runner.invoke(main, ["check", "--format", "gnu", "--as-of", "2025-01-07"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "scalpsite.yaml:8:1: error: unknown key 'titel' (did you mean 'title'?) [unknown-key]",
    ]


def test_check_gnu_format_of_a_session_from_a_subfolder(runner, tmp_path, monkeypatch):
    """Items 7 and 8: the journal is found upward; paths are relative to the current folder."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE + "densty: 1\n", "2025-02-03": COMPLETE},
                         photos=True)
    (root / "sessions/2025-02-03/left.jpg").unlink()
    monkeypatch.chdir(root / "sessions/2025-01-06")
    result = runner.invoke(main, ["check", "--format", "gnu", "--as-of", "2025-02-07"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "session.yaml:6:1: error: unknown key 'densty' (did you mean 'density'?) [unknown-key]",
        "../2025-02-03: warning: no left photo [missing-photo]",
    ]


def test_check_text_lists_errors_before_warnings(runner, tmp_path):
    """Item 7: errors first, though the warning's path sorts first."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE + "date: 2025-01-07\n"}, photos=True)
    (root / "sessions/2025-01-06/left.jpg").unlink()
    result = runner.invoke(main, ["check", str(root), "--as-of", "2025-01-07"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "1 error",
        ("  sessions/2025-01-06/session.yaml:6: date: 2025-01-07 disagrees with the folder name (2025-01-06) "
         "[date-mismatch]"),
        "    fix: remove the date: line or make it match the folder",
        "1 warning",
        "  sessions/2025-01-06: no left photo [missing-photo]",
        "    fix: add left.jpg (or .heic, .png) to the session folder",
        "1 error, 1 warning",
    ]


def test_check_text_names_scalpsite_yaml(runner, tmp_path):
    """Item 7: a scalpsite.yaml finding shows its file name, not '.:6:'."""
    root = write_journal(tmp_path / "j", {}, config=CONFIG.replace("schedule: dupilumab", "schedule: dupilumb"))
    result = runner.invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert result.output.splitlines()[1] == (
        "  scalpsite.yaml:6: treatments[0].schedule: the text 'dupilumb' is not one of dupilumab, default "
        "(did you mean 'dupilumab'?) [invalid-value]")


def test_github_annotations_escape_and_locate():
    """Item 7: workflow commands with file, line, col and title; newlines and % escaped."""
    findings = [Finding("sessions/a/session.yaml", 3, Level.ERROR, "invalid-value", "50% off\nnow", "fix, it", 5),
                Finding("sessions/a", None, Level.WARNING, "missing-photo", "no left photo"),
                Finding(".scalpsite/x.json", None, Level.INFO, "stale-schema", "old")]
    assert github_lines(findings, "journal") == [
        "::error file=journal/sessions/a/session.yaml,line=3,col=5,title=invalid-value::50%25 off%0Anow%0Afix: fix, it",
        "::warning file=journal/sessions/a,title=missing-photo::no left photo",
        "::notice file=journal/.scalpsite/x.json,title=stale-schema::old",
    ]
    assert gnu_lines(findings[:1]) == ["sessions/a/session.yaml:3:5: error: 50% off now [invalid-value]"]


def test_build_prints_findings_as_check_does(runner, tmp_path):
    """Item 7: build and check print a finding the same way (build on stderr)."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    (root / "sessions/2025-01-06/left.jpg").unlink()
    built = runner.invoke(main, ["build", str(root), "--no-pdf"])
    checked = runner.invoke(main, ["check", str(root), "--as-of", "2025-01-07"])
    assert built.exit_code == 0 and checked.exit_code == 0
    line = "  sessions/2025-01-06: no left photo [missing-photo]"
    assert line in built.stderr.splitlines() and line in checked.output.splitlines()
    assert "Built 1 session, 4 photos processed" in built.stdout


@pytest.mark.parametrize("args", [["-h"], ["check", "-h"], ["build", "-h"], ["new", "-h"], ["schema", "-h"],
                                  ["export", "-h"], ["init", "-h"], ["serve", "-h"]])
def test_dash_h_everywhere(runner, args):
    """Item 8: -h is --help for the group and every command."""
    result = runner.invoke(main, args)
    assert result.exit_code == 0 and "Show this message and exit." in result.output


def test_every_command_has_an_example_and_uncut_short_help(runner):
    """Item 8: an example in every command's help; the command list cuts no help short."""
    for name, command in main.commands.items():
        assert "Example" in command.help, name
        assert not command.get_short_help_str(limit=45).endswith("..."), name
    listing = runner.invoke(main, ["-h"]).output.split("Commands:")[1]
    assert "..." not in listing and len(listing.strip().splitlines()) == len(main.commands)


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.warm_photos
def test_global_options_before_or_after_the_command(runner, journal, where, monkeypatch):
    """Item 8: --debug, -q and -v are accepted on either side of the command."""
    import scalpsite.pipeline

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setattr(scalpsite.pipeline, "analyze", boom)
    args = ["--debug", "build", str(journal), "--no-pdf"] if where == "before" else \
        ["build", str(journal), "--no-pdf", "--debug"]
    assert isinstance(runner.invoke(main, args).exception, RuntimeError)
    monkeypatch.undo()
    quiet = ["-q", "check", str(journal)] if where == "before" else ["check", str(journal), "-q"]
    result = runner.invoke(main, quiet + ["--as-of", "2025-03-10"])
    assert result.exit_code == 0 and result.output == ""
    verbose = ["-v", "check", str(journal)] if where == "before" else ["check", str(journal), "--verbose"]
    result = runner.invoke(main, verbose + ["--as-of", "2025-03-10"])
    assert f"Journal: {journal}" in result.stderr


def test_quiet_and_verbose_together_is_a_usage_error(runner, journal):
    """Item 8: contradictory verbosity is refused."""
    result = runner.invoke(main, ["-q", "check", str(journal), "-v"])
    assert result.exit_code == 2 and "--quiet and --verbose cannot be used together" in result.output


def test_no_color_is_respected(runner, tmp_path, monkeypatch):
    """Item 8: NO_COLOR turns colour off even on a terminal."""
    from scalpsite import console

    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE + "densty: 1\n"})
    monkeypatch.setattr(console.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(console, "use_color", lambda err=False: not os.environ.get("NO_COLOR"))
    coloured = runner.invoke(main, ["check", str(root)], color=True, env={"NO_COLOR": ""})
    plain = runner.invoke(main, ["check", str(root)], color=True, env={"NO_COLOR": "1"})
    assert "\x1b[" in coloured.output and "\x1b[" not in plain.output


def test_use_color_reads_no_color(monkeypatch):
    """Item 8: the colour decision itself: a terminal, and NO_COLOR unset or empty."""
    from scalpsite import console

    class Tty:
        def isatty(self):
            return True

    monkeypatch.setattr(console.sys, "stdout", Tty())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert console.use_color() is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert console.use_color() is False


@pytest.mark.parametrize("n, word, text", [(0, "error", "0 errors"), (1, "session", "1 session"),
                                           (2, "warning", "2 warnings"), (1, "photo", "1 photo")])
def test_plurals(n, word, text):
    """Item 8: '1 session', never '1 sessions' or 'session(s)'."""
    assert plural(n, word) == text


def test_new_with_suffix_and_a_bad_suffix(runner, journal):
    """Item 8: `new --suffix NAME` makes DATE-NAME; a suffix that is no folder name is refused."""
    result = runner.invoke(main, ["new", str(journal), "--date", "2025-03-03", "--suffix", "dermatology"])
    assert result.exit_code == 0, result.output
    assert (journal / "sessions/2025-03-03-dermatology/session.yaml").is_file()
    result = runner.invoke(main, ["new", str(journal), "--date", "2025-03-04", "--suffix", "../x"])
    assert result.exit_code == 1 and "--suffix '../x' cannot be part of a folder name" in result.output
    assert not (journal / "sessions/2025-03-04-../x").exists() and not (journal / "x").exists()
    result = runner.invoke(main, ["new", str(journal), "--date", "2025-03-03"])
    assert result.exit_code == 1 and "or add --suffix NAME" in result.output


def test_journal_is_found_upward_or_named_clearly(runner, journal, tmp_path, monkeypatch):
    """Item 8: without JOURNAL, the nearest scalpsite.yaml upward; none found is a clear error."""
    monkeypatch.chdir(journal / "sessions/2025-03-03")
    result = runner.invoke(main, ["new", "--date", "2025-04-01"])
    assert result.exit_code == 0 and (journal / "sessions/2025-04-01/session.yaml").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 1
    assert f"Error: no scalpsite.yaml in {elsewhere} or any folder above it; run 'scalpsite init DIR'" in result.output


def test_since_after_until_and_for_before_the_first_session_are_usage_errors(runner, journal):
    """Item 8: contradictory dates are usage errors (exit 2), before any work is done."""
    result = runner.invoke(main, ["build", str(journal), "--since", "2025-06-01", "--until", "2025-03-01"])
    assert result.exit_code == 2 and "--since 2025-06-01 is after --until 2025-03-01; swap them" in result.output
    result = runner.invoke(main, ["build", str(journal), "--for", "2024-12-01", "--no-pdf"])
    assert result.exit_code == 2
    assert ("--for 2024-12-01 is before the first session (2025-01-06); give the date of an appointment "
            "on or after it") in result.output
    assert not (journal / "_site").exists()


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "no space left on device"),
                                         (errno.EDQUOT, "disk quota exceeded"),
                                         (errno.EROFS, "read-only file system")])
@pytest.mark.warm_photos
def test_a_full_disk_is_named_not_an_internal_error(runner, journal, monkeypatch, code, words):
    """Item 8: a full disk says so, with the file, instead of 'internal error'."""
    import scalpsite.pipeline

    def full(*a, **k):
        raise OSError(code, os.strerror(code), "/out/_site/data.json")

    monkeypatch.setattr(scalpsite.pipeline, "render_outputs", full)
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert result.exit_code == 1
    assert f"Error: {words} while writing /out/_site/data.json; nothing was published" in result.output
    assert "internal error" not in result.output
