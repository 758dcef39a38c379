"""A build or check with nothing changed repeats the last answer without doing the work
(store/uptodate.py), and anything that could change the answer makes it run in full."""

from __future__ import annotations

import os
import shutil

import pytest
from conftest import COMPLETE, add_photo_work, imported_by, write_journal

from scalpsite import pipeline
from scalpsite.cli import main


@pytest.fixture
def journal(tmp_path, request):
    """The `journal` fixture's photos with other notes; marked `warm_photos`, with their photo work."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE + "notes: dry scalp\n"},
                         photos=True)
    if request.node.get_closest_marker("warm_photos"):
        add_photo_work(root, request.getfixturevalue("warm_cache"))
    return root


def summary(output: str) -> str:
    """The build's summary line without its time."""
    line = next(line for line in output.splitlines() if line.startswith("Built "))
    return line.rsplit(" in ", 1)[0]


def no_work(monkeypatch):
    for name in ("build", "check_journal"):
        monkeypatch.setattr(pipeline, name, lambda *a, n=name, **k: pytest.fail(f"{n} ran"))


def test_a_repeated_build_answers_from_the_record(runner, journal, monkeypatch):
    first = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert first.exit_code == 0, first.output
    no_work(monkeypatch)
    again = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert again.exit_code == 0, again.output
    assert summary(again.output) == summary(first.output).replace("10 photos processed, 0 from cache",
                                                                    "0 photos processed, 10 from cache")
    assert [line for line in again.output.splitlines() if not line.startswith("Built ")] == \
        [line for line in first.output.splitlines() if not line.startswith("Built ")]  # the same findings


@pytest.mark.warm_photos
def test_check_and_build_in_turn_keep_each_others_record(runner, journal, monkeypatch):
    """A check between two builds (a pre-commit hook, then a build) leaves the cache as it was,
    so the build after it still answers from its record, and the check after that from its own."""
    assert runner.invoke(main, ["build", str(journal), "--no-pdf"]).exit_code == 0
    assert runner.invoke(main, ["check", str(journal)]).exit_code == 0
    assert runner.invoke(main, ["build", str(journal), "--no-pdf"]).exit_code == 0  # settles the first check's key
    no_work(monkeypatch)
    for args in (["check", str(journal)], ["build", str(journal), "--no-pdf"], ["check", str(journal)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output


@pytest.mark.warm_photos
@pytest.mark.parametrize("change", ["touch", "edit-out", "option", "cache"])
def test_anything_that_could_change_the_output_builds_again(runner, journal, change):
    assert runner.invoke(main, ["build", str(journal), "--no-pdf"]).exit_code == 0
    args = ["build", str(journal), "--no-pdf"]
    if change == "touch":  # the same bytes, another modification time: it is read again
        st = (journal / "sessions/2025-03-03/session.yaml").stat()
        os.utime(journal / "sessions/2025-03-03/session.yaml", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    elif change == "edit-out":  # OUT is not as the last build left it
        (journal / "_site/index.html").unlink()
    elif change == "option":
        args = ["build", str(journal)]
    else:
        shutil.rmtree(journal / ".scalpsite-cache/renditions")
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Built 2 sessions" in result.output
    assert (journal / "_site/index.html").is_file()
    if change == "cache":
        assert "10 photos processed, 0 from cache" in result.output


@pytest.mark.warm_photos
def test_a_photo_edited_with_its_mtime_kept_is_not_a_repeat(runner, journal, monkeypatch):
    assert runner.invoke(main, ["build", str(journal), "--no-pdf"]).exit_code == 0
    photo = journal / "sessions/2025-03-03/front.jpg"
    st = photo.stat()
    photo.write_bytes(photo.read_bytes())
    os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns))
    called = []
    real = pipeline.build
    monkeypatch.setattr(pipeline, "build", lambda *a, **k: called.append(1) or real(*a, **k))
    assert runner.invoke(main, ["build", str(journal), "--no-pdf"]).exit_code == 0
    assert called == [1]


@pytest.mark.warm_photos
def test_a_repeated_check_answers_from_the_record(runner, journal, monkeypatch):
    first = runner.invoke(main, ["check", str(journal), "--as-of", "2025-03-10", "--format", "json"])
    no_work(monkeypatch)
    again = runner.invoke(main, ["check", str(journal), "--as-of", "2025-03-10", "--format", "json"])
    assert (again.exit_code, again.output) == (first.exit_code, first.output)
    monkeypatch.undo()
    later = runner.invoke(main, ["check", str(journal), "--as-of", "2025-09-10", "--format", "json"])
    assert "session-overdue" in later.output and "session-overdue" not in first.output  # another day: checked again


def test_a_repeated_check_imports_no_journal_model(runner, journal):
    """A repeated check (the pre-commit hook on a journal nothing changed in) answers from the record
    without importing pydantic, the measure registry or the loader: start-up is its cost. (An
    --ignore code is still checked against the table of codes: test_findingcodes.py.)"""
    assert runner.invoke(main, ["check", str(journal), "--as-of", "2025-03-10"]).exit_code == 0
    modules = ("pydantic", "scalpsite.measures.registry", "scalpsite.journal.load")
    assert imported_by(["check", "-q", str(journal), "--as-of", "2025-03-10"], modules) == []


def test_another_library_version_is_another_key(tmp_path, monkeypatch):
    """The libraries' versions are read once per process (the code it runs is the one it imported)
    and are part of the key: the same journal under another matplotlib is not a repeat."""
    from scalpsite.store import uptodate

    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    assert uptodate._versions() is uptodate._versions()
    assert any(v.startswith("matplotlib=") for v in uptodate._versions())
    key = uptodate.inputs_key(root, "build", {})
    monkeypatch.setattr(uptodate, "_versions", lambda: ("matplotlib=0.0",))
    assert uptodate.inputs_key(root, "build", {}) != key
