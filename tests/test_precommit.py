"""The README's pre-commit hook, verbatim, in a git repository: no network, the installed scalpsite."""

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import COMPLETE, REPO, write_journal

from scalpsite.journal.scaffold import GITIGNORE

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


def readme_hook_config() -> str:
    """The `.pre-commit-config.yaml` the README asks the user to write, as written there."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## Editors, git and pre-commit"):]
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", section, re.S) if "repo: local" in b]
    return textwrap.dedent(block)


def offline_env(home: Path) -> dict:
    """git and pre-commit with a fresh home, no user config, and every way out to the network shut."""
    dead = "http://127.0.0.1:9"  # nothing listens there: any download attempt fails at once
    return {"HOME": str(home), "PRE_COMMIT_HOME": str(home / "pre-commit"), "XDG_CACHE_HOME": str(home / "cache"),
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "GIT_ALLOW_PROTOCOL": "file",
            "http_proxy": dead, "https_proxy": dead, "HTTP_PROXY": dead, "HTTPS_PROXY": dead,
            "PIP_NO_INDEX": "1", "NO_COLOR": "1", "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",  # the hook runs scalpsite from this checkout: write nothing into it
            "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
            "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}


class Repo:
    """A git repository with the README's hook installed."""

    def __init__(self, root: Path, env: dict):
        self.root, self.env = root, env

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), cwd=self.root, env=self.env, capture_output=True, text=True,
                              timeout=300, check=False)

    def commit(self, message: str) -> tuple[int, str]:
        """Stage everything and commit: git's exit status and what the hook printed."""
        assert self.run(GIT, "add", "-A").returncode == 0
        done = self.run(GIT, "commit", "-q", "-m", message)
        return done.returncode, done.stdout + done.stderr


def make_repo(tmp_path: Path, journal: str, args: str = "") -> Repo:
    root = tmp_path / "repo"
    write_journal(root / journal, {"2025-01-06": COMPLETE, "2025-02-03": COMPLETE}, photos=True)
    (root / journal / "sessions/2025-02-03/left.jpg").unlink()  # a warning that must not stop a commit
    (root / journal / ".gitignore").write_text(GITIGNORE)  # as `scalpsite init` writes it: the cache stays out
    config = readme_hook_config()
    if args:  # what the README says to add for a journal in a subfolder
        config = config.replace("verbose: true\n", f"verbose: true\n        args: [{args}]\n")
    (root / ".pre-commit-config.yaml").write_text(config)
    repo = Repo(root, offline_env(tmp_path / "home"))
    assert repo.run(GIT, "init", "-q").returncode == 0
    installed = repo.run(sys.executable, "-m", "pre_commit", "install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return repo


@pytest.mark.parametrize("journal, args", [(".", ""), ("health/hair", "health/hair")])
def test_the_readme_hook_passes_harmless_commits_and_stops_broken_files(tmp_path, journal, args):
    """A clean commit passes (warnings counted in one line); a broken session.yaml or injections.csv
    is stopped and named, with its line."""
    repo = make_repo(tmp_path, journal, args)
    prefix = "" if journal == "." else journal + "/"
    status, out = repo.commit("journal")
    assert status == 0, out
    assert re.search(r"(?m)^\d+ warnings? not shown \(scalpsite check lists them\)$", out), out
    assert "error" not in out and "no left photo" not in out

    session = repo.root / journal / "sessions/2025-02-03/session.yaml"
    session.write_text(session.read_text() + "itch: 6\n")
    status, out = repo.commit("itch")
    assert status == 1
    assert f"{prefix}sessions/2025-02-03/session.yaml:6:1: error: unknown key 'itch'" in out
    assert repo.run(GIT, "reset", "-q", "--hard").returncode == 0 and "itch: 6" not in session.read_text()

    log = repo.root / journal / "injections.csv"
    log.write_text("date,drug,dose_mg,site,reaction,note\n2025-01-10,dupilumab,300,thigh_left,,\n"
                   "2025-13-24,dupilumab,300,,,\n")
    status, out = repo.commit("broken log")
    assert status == 1
    assert re.search(rf"(?m)^{re.escape(prefix)}injections\.csv:3(:\d+)?: error: ", out), out

    log.write_text("date,drug,dose_mg,site,reaction,note\n2025-01-10,dupilumab,300,thigh_left,,\n")
    status, out = repo.commit("log")
    assert status == 0, out
    assert repo.run(GIT, "log", "--format=%s").stdout.splitlines() == ["log", "journal"]


def test_the_published_hook_is_the_readme_hook():
    """`.pre-commit-hooks.yaml` (for `repo: <url>`) runs and matches exactly what the README's local hook does."""
    [local] = yaml.safe_load(readme_hook_config())["repos"][0]["hooks"]
    [published] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    same = ("id", "name", "entry", "pass_filenames", "verbose", "files")
    assert {k: local[k] for k in same} == {k: published[k] for k in same}
    assert (local["language"], published["language"]) == ("system", "python")


@pytest.mark.parametrize("path, runs", [
    ("scalpsite.yaml", True), ("sessions/2025-01-06/session.yaml", True), ("sessions/2025-01-06/front.JPG", True),
    ("injections.csv", True), ("appointments/2025-03-14.md", True), ("journal/sub/injections.csv", True),
    ("health/sessions/2025-01-06/notes.md", True), ("README.md", False), ("src/app.py", False),
])
def test_the_hook_runs_when_a_journal_file_changes_anywhere(path, runs):
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert bool(re.search(hook["files"], path)) is runs
