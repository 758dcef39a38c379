"""The command line: exit codes and the exact message of each error path."""

import json

import pytest
from conftest import COMPLETE, write_journal

from scalpsite.cli import main


def test_check_misspelled_key_prints_file_line_and_hint(runner, tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE.replace("density:", "densty:")}, photos=True)
    result = runner.invoke(main, ["check", str(root), "--as-of", "2025-01-07"])
    assert result.exit_code == 1
    assert "session.yaml:2: unknown key 'densty' (did you mean 'density'?) [unknown-key]" in result.output
    assert "sessions/2025-01-06" in result.output
    assert "Traceback" not in result.output


def test_check_clean_journal_exits_0(runner, journal):
    result = runner.invoke(main, ["check", str(journal), "--as-of", "2025-03-10"])
    assert result.exit_code == 0, result.output
    assert "No findings" in result.output


def test_check_strict_fails_on_warnings(runner, journal):
    (journal / "sessions/2025-03-03/left.jpg").unlink()
    args = ["check", str(journal), "--as-of", "2025-03-10"]
    assert runner.invoke(main, args).exit_code == 0
    result = runner.invoke(main, args + ["--strict"])
    assert result.exit_code == 1
    assert "no left photo [missing-photo]" in result.output


def test_check_json_contract(runner, journal):
    (journal / "sessions/2025-03-03/session.yaml").write_text(COMPLETE + "densty: 1\n")
    result = runner.invoke(main, ["check", str(journal), "--format", "json", "--as-of", "2025-03-10"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["errors"] == 1 and data["warnings"] == 0
    assert data["findings"][0] == {
        "level": "error", "code": "unknown-key", "path": "sessions/2025-03-03/session.yaml", "line": 6,
        "message": "unknown key 'densty' (did you mean 'density'?)",
        "hint": data["findings"][0]["hint"]}


def test_not_a_journal(runner, tmp_path):
    result = runner.invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"Error: {tmp_path}: no scalpsite.yaml here; run 'scalpsite init {tmp_path}'" in result.output


def test_bad_date_option_is_a_usage_error(runner, journal):
    result = runner.invoke(main, ["build", str(journal), "--since", "last week"])
    assert result.exit_code == 2
    assert "'last week' is not a date; use YYYY-MM-DD" in result.output


def test_build_with_broken_config_lists_problems(runner, tmp_path):
    root = write_journal(tmp_path / "j", {}, config="treatments: [{drug: x}]\ntitel: y\n")
    result = runner.invoke(main, ["build", str(root)])
    assert result.exit_code == 1
    assert "scalpsite.yaml has errors" in result.output
    assert "scalpsite.yaml:1: missing key 'start'" in result.output
    assert "scalpsite.yaml:2: unknown key 'titel' (did you mean 'title'?)" in result.output


def test_build_refuses_foreign_output_folder(runner, journal, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.txt").write_text("precious")
    result = runner.invoke(main, ["build", str(journal), "-o", str(out), "--no-pdf"])
    assert result.exit_code == 1
    assert "is not empty and was not made by scalpsite" in result.output
    assert (out / "thesis.txt").read_text() == "precious"


def test_build_refuses_journal_as_output(runner, journal):
    result = runner.invoke(main, ["build", str(journal), "-o", str(journal)])
    assert result.exit_code == 1
    assert "is the journal or contains it" in result.output


@pytest.mark.warm_photos
def test_unexpected_error_has_no_traceback_without_debug(runner, journal, monkeypatch):
    import scalpsite.pipeline

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setattr(scalpsite.pipeline, "analyze", boom)
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert result.exit_code == 1
    assert "internal error: RuntimeError('kaput')" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["--debug", "build", str(journal), "--no-pdf"])
    assert isinstance(result.exception, RuntimeError)


def test_init_then_new(runner, tmp_path):
    root = tmp_path / "journal"
    result = runner.invoke(main, ["init", str(root), "--start", "2025-01-10"])
    assert result.exit_code == 0, result.output
    for name in ("scalpsite.yaml", ".gitignore", ".gitattributes", "README.md",
                 ".scalpsite/session.schema.json", "sessions/2025-01-10/session.yaml"):
        assert (root / name).is_file(), name
    assert (root / "scalpsite.yaml").read_text().startswith("# yaml-language-server: $schema=")
    result = runner.invoke(main, ["new", str(root), "--date", "2025-02-07"])
    assert result.exit_code == 0, result.output
    assert "Photograph: overhead, front, back, left, right" in result.output
    check = runner.invoke(main, ["check", str(root), "--format", "json", "--as-of", "2025-02-07"])
    data = json.loads(check.output)
    assert data["errors"] == 0, data  # the templates validate; what is missing is a warning
    assert {"missing-salt", "missing-photo"} <= {f["code"] for f in data["findings"]}


def test_new_refuses_existing_session_and_init_refuses_non_empty(runner, journal):
    result = runner.invoke(main, ["new", str(journal), "--date", "2025-01-06"])
    assert result.exit_code == 1 and "already exists" in result.output
    result = runner.invoke(main, ["init", str(journal)])
    assert result.exit_code == 1 and "is not empty" in result.output


def test_every_command_has_help_and_is_in_the_readme():
    from conftest import REPO

    readme = (REPO / "README.md").read_text()
    for name, command in main.commands.items():
        assert command.help, name
        assert f"scalpsite {name}" in readme, name


def test_export_with_broken_config_lists_the_problems(runner, tmp_path):
    root = write_journal(tmp_path / "j", {}, config="treatments: [{drug: x}]\ntitel: y\n")
    result = runner.invoke(main, ["export", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "scalpsite.yaml:1: missing key 'start' in 'treatments[0]'" in result.output
    assert "scalpsite.yaml:2: unknown key 'titel' (did you mean 'title'?)" in result.output


@pytest.mark.parametrize("args, message", [
    (["export", "--format", "xml"], "'xml' is not one of 'json', 'csv', 'fhir'"),
    (["schema", "--kind", "photos"], "'photos' is not one of 'session', 'config'"),
    (["export", "--as-of", "soon"], "'soon' is not a date; use YYYY-MM-DD"),
])
def test_export_and_schema_usage_errors(runner, journal, args, message):
    result = runner.invoke(main, args[:1] + ([str(journal)] if args[0] == "export" else []) + args[1:])
    assert result.exit_code == 2 and message in result.output
