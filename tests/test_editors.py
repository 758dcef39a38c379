"""Issue 18 items 2, 3, 4 and 11: pre-commit, Git LFS attributes, editor schemas and VS Code settings."""

import json
import re
import shutil
import subprocess

import pytest
import yaml
from conftest import COMPLETE, REPO, write_journal

import scalpsite
from scalpsite.cli import main
from scalpsite.journal.editors import (
    SCHEMA_FILES,
    case_blind,
    gitattributes,
    schema_text,
)

GIT = shutil.which("git")


def test_pre_commit_hook_is_verbose_and_version_is_one():
    """Item 2: the hook is verbose (the count of warnings shows on a passing commit); one version number
    (the README's hook itself is run in test_precommit.py)."""
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "scalpsite-check" and hook["verbose"] is True
    assert hook["entry"] == "scalpsite check --format gnu --quiet" and hook["pass_filenames"] is False
    assert f'version = "{scalpsite.__version__}"' in (REPO / "pyproject.toml").read_text()


@pytest.mark.parametrize("ext, pattern", [(".jpg", "*.[jJ][pP][gG]"), (".heic", "*.[hH][eE][iI][cC]")])
def test_case_blind_patterns(ext, pattern):
    """Item 3: one pattern matches an extension in any case."""
    assert case_blind(ext) == pattern


def test_gitattributes_has_one_pattern_per_line():
    """Item 3: git reads one pattern per line; several on a line make the others attribute names."""
    for line in gitattributes().splitlines():
        if "filter=lfs" in line:
            assert re.fullmatch(r"# \*\.\S+ filter=lfs diff=lfs merge=lfs -text", line), line


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_git_check_attr_puts_photos_of_any_case_in_lfs(runner, tmp_path):
    """Item 3: `git check-attr` gives filter=lfs for .JPG, .jpeg, .HEIC ... once the lines are enabled."""
    root = tmp_path / "j"
    assert runner.invoke(main, ["init", str(root), "--start", "2025-01-10"]).exit_code == 0
    written = (root / ".gitattributes").read_text()
    subprocess.run([GIT, "init", "-q", str(root)], check=True)
    names = ["sessions/a/IMG_1.JPG", "sessions/a/front.jpeg", "sessions/a/back.HEIC", "b.Png", "notes.md"]

    def filters() -> dict:
        out = subprocess.run([GIT, "-C", str(root), "check-attr", "filter", "--", *names],
                             capture_output=True, text=True, check=True).stdout
        return dict(line.rsplit(": filter: ", 1) for line in out.splitlines())

    assert set(filters().values()) == {"unspecified"}  # commented out: opt-in, as the README says
    (root / ".gitattributes").write_text(re.sub(r"(?m)^# (\*\.)", r"\1", written))  # what the user does
    assert filters() == {**{n: "lfs" for n in names[:4]}, "notes.md": "unspecified"}


def test_init_writes_vscode_settings_for_files_without_the_modeline(runner, tmp_path):
    """Item 11: .vscode/settings.json maps the schemas to scalpsite.yaml and sessions/*/session.yaml."""
    root = tmp_path / "j"
    assert runner.invoke(main, ["init", str(root), "--start", "2025-01-10"]).exit_code == 0
    settings = json.loads((root / ".vscode/settings.json").read_text())
    assert settings == {"yaml.schemas": {"./.scalpsite/config.schema.json": ["scalpsite.yaml"],
                                         "./.scalpsite/session.schema.json": ["sessions/*/session.yaml"]}}
    for target in settings["yaml.schemas"]:
        assert (root / target).is_file()


def test_schema_write_refreshes_and_check_notes_stale_schemas(runner, tmp_path):
    """Item 4: `check` notes a schema from another version; `schema --write JOURNAL` refreshes both."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    (root / ".scalpsite").mkdir()
    (root / ".scalpsite/session.schema.json").write_text('{"old": true}\n')
    result = runner.invoke(main, ["check", str(root), "--format", "json", "--as-of", "2025-01-07"])
    stale = [f for f in json.loads(result.output)["findings"] if f["code"] == "stale-schema"]
    assert stale == [{"level": "info", "code": "stale-schema", "path": ".scalpsite/session.schema.json",
                      "line": None, "message": "the editor schema was written by another scalpsite version",
                      "hint": "run 'scalpsite schema --write' to refresh it"}]
    assert result.exit_code == 0
    result = runner.invoke(main, ["schema", "--write", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote .scalpsite/config.schema.json, .scalpsite/session.schema.json in {root}\n"
    for kind, name in SCHEMA_FILES.items():
        assert (root / ".scalpsite" / name).read_text() == schema_text(kind)
    result = runner.invoke(main, ["check", str(root), "--format", "json", "--as-of", "2025-01-07"])
    assert "stale-schema" not in result.output


def test_schema_write_needs_a_journal_and_print_refuses_one(runner, tmp_path):
    """Item 4: the error paths of `schema`."""
    result = runner.invoke(main, ["schema", "--write", str(tmp_path)])
    assert result.exit_code == 1 and "no scalpsite.yaml here; give the journal folder" in result.output
    assert not (tmp_path / ".scalpsite").exists()
    result = runner.invoke(main, ["schema", str(tmp_path)])
    assert result.exit_code == 2 and "JOURNAL is only used with --write" in result.output
