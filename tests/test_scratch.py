"""The run's temporary files: in memory when there is room (scratchroot.py), and where the
benchmark of the suite's time puts them too."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import scratchroot
from conftest import REPO, script_module


def test_memory_when_it_is_writable_with_room(monkeypatch, tmp_path):
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setattr(scratchroot, "MEMORY", tmp_path)
    monkeypatch.setattr(scratchroot, "ROOM", 1)
    assert scratchroot.scratch_root() == tmp_path


def test_the_system_folder_when_memory_lacks_room_or_is_missing_or_tmpdir_is_set(monkeypatch, tmp_path):
    monkeypatch.delenv("TMPDIR", raising=False)
    monkeypatch.setattr(scratchroot, "MEMORY", tmp_path)
    monkeypatch.setattr(scratchroot, "ROOM", 1 << 62)  # more than any disk
    assert scratchroot.scratch_root() is None
    monkeypatch.setattr(scratchroot, "ROOM", 1)
    monkeypatch.setattr(scratchroot, "MEMORY", tmp_path / "absent")
    assert scratchroot.scratch_root() is None
    monkeypatch.setattr(scratchroot, "MEMORY", tmp_path)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert scratchroot.scratch_root() is None


def test_this_run_keeps_its_folders_where_the_rule_says(request, tmp_path):
    """Every test's folder is inside the chosen root, unless the run's command line names a
    --basetemp (as benchmarks/suite.py does, in that same root)."""
    expected = named_basetemp(request.config) or scratchroot.scratch_root() or Path(tempfile.gettempdir())
    assert tmp_path.resolve().is_relative_to(expected.resolve())


def named_basetemp(config) -> Path | None:
    """The --basetemp on the run's command line: an xdist worker is handed one either way, so its
    own option does not tell; the first process's arguments do."""
    argv = list(getattr(config, "workerinput", {}).get("mainargv", sys.argv))
    for i, arg in enumerate(argv):
        if arg.startswith("--basetemp="):
            return Path(arg.split("=", 1)[1])
        if arg == "--basetemp" and i + 1 < len(argv):
            return Path(argv[i + 1])
    return None


def test_the_suite_benchmark_times_a_run_where_it_puts_its_files(tmp_path):
    suite = script_module("benchmarks/suite.py")
    assert suite.scratch_of(REPO) == (scratchroot.scratch_root() or Path(tempfile.gettempdir()))
    assert suite.scratch_of(tmp_path) == Path(tempfile.gettempdir())  # a suite without the rule
