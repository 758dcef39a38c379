"""Writing safely (issue 12 items 3, 6, 9, 10, 11): the checked cache, copies in OUT, the swap, failures."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scalpsite.cli import main
from scalpsite.errors import BuildError
from scalpsite.store import carry, guard, memo, publish

REPO = Path(__file__).resolve().parents[1]


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def beside(out: Path) -> list[str]:
    """Staging folders and old copies left next to OUT."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def build(runner, journal: Path, *args: str):
    return runner.invoke(main, ["build", str(journal), *args])


def dead_pid() -> int:
    """The id of a process that has exited."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# --- item 3: the cache must be a real folder inside the journal --------------------------------

@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A folder outside the journal holding what a link-following cleanup would delete."""
    folder = tmp_path / "elsewhere"
    for name in ("site", "charts", "dossier", "renditions", "jinja"):
        (folder / name).mkdir(parents=True)
        (folder / name / "keep.txt").write_text(f"user file in {name}\n")
    (folder / "build.lock").write_text("not a lock\n")
    return folder


@pytest.mark.parametrize("command", [["build", "--no-pdf"], ["build"], ["check"]])
def test_cache_link_is_refused_before_anything_is_written(runner, journal, elsewhere, command):
    """issue 12 item 3: a `.scalpsite-cache` link is refused, naming it; the folder it points to is untouched."""
    before = tree(elsewhere)
    (journal / ".scalpsite-cache").symlink_to(elsewhere)
    result = runner.invoke(main, [command[0], str(journal), *command[1:]])
    assert result.exit_code == 1
    assert f"Error: {journal / '.scalpsite-cache'} is a link to {elsewhere}; scalpsite writes and deletes " \
           "inside its cache, so it must be a real folder inside the journal." in result.output
    assert tree(elsewhere) == before
    assert not (journal / "_site").exists()


def test_cache_that_is_a_file_is_refused(runner, journal):
    """issue 12 item 3: a file where the cache folder belongs is refused, not replaced."""
    (journal / ".scalpsite-cache").write_text("mine\n")
    result = build(runner, journal, "--no-pdf")
    assert result.exit_code == 1
    assert f"{journal / '.scalpsite-cache'} is a file, not a folder; remove it" in result.output
    assert (journal / ".scalpsite-cache").read_text() == "mine\n"


@pytest.mark.parametrize("step", ["chart-salt", "site", "dossier", "renditions"])
@pytest.mark.warm_cache
def test_link_inside_the_cache_is_refused(runner, journal, elsewhere, step):
    """issue 12 item 3: a step folder of the cache that links elsewhere is never emptied or written."""
    assert build(runner, journal).exit_code == 0
    published = tree(journal / "_site")
    (journal / "sessions/2025-03-03/notes.md").write_text("New note: every step renders again.\n")
    shutil.rmtree(journal / ".scalpsite-cache" / step)
    (journal / ".scalpsite-cache" / step).symlink_to(elsewhere / step)
    before = tree(elsewhere)
    result = build(runner, journal)
    assert result.exit_code == 1
    assert f"refusing to write to {journal.resolve() / '.scalpsite-cache' / step}" in result.output
    assert tree(elsewhere) == before
    assert tree(journal / "_site") == published


@pytest.mark.parametrize("rel", [".scalpsite-cache", ".scalpsite-cache/site", ".scalpsite-cache/x/y"])
def test_output_inside_the_cache_is_refused(runner, journal, rel):
    """issue 12 item 3: OUT inside the cache would be emptied by the cache's own cleanup."""
    result = build(runner, journal, "--no-pdf", "-o", str(journal / rel))
    assert result.exit_code == 1
    assert f"Error: output folder {journal / rel} is inside the cache, which scalpsite empties" in result.output


def test_lock_file_link_is_not_followed(runner, journal, elsewhere):
    """issue 12 item 3: the lock file is opened without following a link planted in its place."""
    (journal / ".scalpsite-cache").mkdir()
    (journal / ".scalpsite-cache/build.lock").symlink_to(elsewhere / "build.lock")
    result = build(runner, journal, "--no-pdf")
    assert result.exit_code == 1
    assert f"cannot open the build lock {journal.resolve() / '.scalpsite-cache/build.lock'}" in result.output
    assert (elsewhere / "build.lock").read_text() == "not a lock\n"


def touch(path):
    """A later modification time, the content unchanged."""
    import os

    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_tampered_rendition_index_never_deletes_outside_the_cache(runner, journal, tmp_path):
    """issue 12 item 3: the rendition cache's cleanup deletes only files named by content keys, in the cache."""
    import json

    assert build(runner, journal, "--no-pdf").exit_code == 0
    victim = tmp_path / "victim-web.jpg"
    victim.write_text("user file")
    index_path = journal / ".scalpsite-cache/renditions/index.json"
    index = json.loads(index_path.read_text())
    index["renditions"][f"../../../{victim.stem.removesuffix('-web')}"] = {"width": 1, "height": 1, "error": None}
    index_path.write_text(json.dumps(index))
    touch(journal / "scalpsite.yaml")  # an input changed: the build runs (the cache is read), not repeated
    assert build(runner, journal, "--no-pdf").exit_code == 0
    assert victim.read_text() == "user file"


@pytest.mark.warm_cache
def test_tampered_cache_manifest_cannot_write_outside_the_output(runner, journal, tmp_path):
    """issue 12 item 3: a cached entry naming a path outside OUT is refused, nothing written there."""
    import json

    assert build(runner, journal, "--no-pdf").exit_code == 0
    published = tree(journal / "_site")
    manifest = next((journal / ".scalpsite-cache/site").glob("*/manifest.json"))
    made = json.loads(manifest.read_text())
    made["index.html"] = "../../escaped.html"
    manifest.write_text(json.dumps(made))
    (journal / ".scalpsite-cache/escaped.html").write_text("from the cache")
    touch(journal / "scalpsite.yaml")  # same content (same site key), but the build runs, not repeated
    result = build(runner, journal, "--no-pdf")
    assert result.exit_code == 1 and "refusing to write to" in result.output
    assert not (journal / "escaped.html").exists() and not (tmp_path / "escaped.html").exists()
    assert tree(journal / "_site") == published


@pytest.mark.parametrize("rel, ok", [
    ("charts", True), ("charts/x/y.svg", True), (".", True), ("..", False), ("../other", False),
    ("charts/../../other", False),
])
def test_inside(tmp_path, rel, ok):
    """issue 12 item 3: the one rule for writes: a path must resolve inside an allowed root."""
    root = tmp_path / "cache"
    root.mkdir()
    if ok:
        assert guard.inside(root / rel, root) == (root / rel).resolve()
    else:
        with pytest.raises(BuildError, match="refusing to write to"):
            guard.inside(root / rel, root)


def test_inside_refuses_a_link_even_back_inside(tmp_path):
    """issue 12 item 3: a link in a write root is not scalpsite's, wherever it points."""
    root = tmp_path / "cache"
    (root / "site").mkdir(parents=True)
    (root / "charts").symlink_to(root / "site")
    with pytest.raises(BuildError, match="refusing to write to"):
        guard.inside(root / "charts", root)


def test_emptying_a_step_folder_removes_links_not_their_targets(tmp_path, elsewhere):
    """issue 12 item 3: memo's cleanup deletes only inside the real cache."""
    step = tmp_path / "cache" / "charts"
    step.mkdir(parents=True)
    (step / "old").mkdir()
    (step / "old" / "a.svg").write_text("x")
    (step / "away").symlink_to(elsewhere / "site")
    before = tree(elsewhere)
    memo._empty(step)
    assert list(step.iterdir()) == [] and tree(elsewhere) == before


# --- item 9: OUT holds copies, never links into the cache ------------------------------------

@pytest.mark.warm_cache
def test_editing_the_output_never_changes_the_cache(runner, journal):
    """issue 12 item 9: edit _site, delete it, rebuild: the edit is gone (no hard links into the cache)."""
    assert build(runner, journal).exit_code == 0
    site = journal / "_site"
    assert all(p.stat().st_nlink == 1 for p in site.rglob("*") if p.is_file())
    original = (site / "index.html").read_bytes()
    photo = next(site.rglob("photos/**/*.jpg"))
    photo_bytes = photo.read_bytes()
    for p in (site / "index.html", photo, site / "dossier.pdf", next(site.rglob("charts/*.svg"))):
        with open(p, "ab") as f:  # in place, as an editor that does not replace the file would
            f.write(b"edited by hand")
    shutil.rmtree(site)
    assert build(runner, journal).exit_code == 0
    assert (site / "index.html").read_bytes() == original
    assert photo.read_bytes() == photo_bytes
    assert not [p for p in site.rglob("*") if p.is_file() and p.read_bytes().endswith(b"edited by hand")]


def overwrite_keeping_stamps(path: Path) -> None:
    """Change a file in place, same size, and put its modification time back (as `touch -r` would)."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[-3:] = b"XYZ"
    with open(path, "r+b") as f:
        f.write(data)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@pytest.mark.warm_cache
def test_edits_in_the_output_never_survive_a_rebuild(runner, journal):
    """issue 12 item 9: a file edited in OUT, even with its size and time kept, is replaced on rebuild."""
    assert build(runner, journal).exit_code == 0
    site = journal / "_site"
    first = tree(site)
    photo = next(site.rglob("photos/**/*.jpg"))
    for p in (site / "index.html", photo, site / "dossier.pdf"):
        overwrite_keeping_stamps(p)
    assert build(runner, journal).exit_code == 0
    assert tree(site) == first


@pytest.mark.warm_cache
def test_noop_rebuild_reuses_the_previous_outputs_files(runner, journal):
    """issue 12 item 9: unchanged files move on from the previous output (no copy); OUT shares nothing."""
    assert build(runner, journal).exit_code == 0
    site = journal / "_site"
    inodes = {p: p.stat().st_ino for p in site.rglob("*.jpg")}
    assert build(runner, journal).exit_code == 0
    assert {p: p.stat().st_ino for p in site.rglob("*.jpg")} == inodes
    assert all(p.stat().st_nlink == 1 for p in site.rglob("*") if p.is_file())
    cache_inodes = {p.stat().st_ino for p in (journal / ".scalpsite-cache").rglob("*") if p.is_file()}
    assert not cache_inodes & {p.stat().st_ino for p in site.rglob("*") if p.is_file()}


@pytest.mark.warm_cache
def test_a_file_shared_with_a_leftover_is_copied_again(runner, journal):
    """issue 12 item 9: a previous-output file that is linked elsewhere is not reused."""
    assert build(runner, journal, "--no-pdf").exit_code == 0
    site = journal / "_site"
    photo = next(site.rglob("photos/**/*.jpg"))
    (journal / "elsewhere.jpg").hardlink_to(photo)
    assert build(runner, journal, "--no-pdf").exit_code == 0
    assert photo.stat().st_nlink == 1 and not photo.samefile(journal / "elsewhere.jpg")


def test_placer_record_is_per_output_folder(tmp_path):
    """issue 12 item 9: what was placed in one OUT is never taken for another OUT's file."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    (cache / "r").mkdir(parents=True)
    (cache / "r" / "a.jpg").write_bytes(b"cached")
    out.mkdir()
    (out / "a.jpg").write_bytes(b"cached")
    placer = carry.Placer(cache, out, tmp_path / "staging")
    placer.placed["a.jpg"] = "r/a.jpg"
    placer.save()
    other = tmp_path / "other"
    assert carry.Placer.start(cache, other, tmp_path / "s2").known == {}
    again = carry.Placer.start(cache, out, tmp_path / "s3")
    assert again._unchanged("a.jpg", "r/a.jpg") and not again._unchanged("a.jpg", "r/b.jpg")
    (cache / carry.RECORD).write_text("{broken")
    assert carry.Placer.start(cache, out, tmp_path / "s4").known == {}


def test_place_copies_when_the_file_system_cannot_clone(tmp_path, monkeypatch):
    """issue 12 item 9: without reflink support (ext4, tmpfs) the file is copied, a separate inode."""
    src = tmp_path / "src.jpg"
    src.write_bytes(os.urandom(300_000))
    calls = []

    def no_clone(fd, request, arg):
        calls.append(request)
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")

    if memo.FICLONE is not None:
        monkeypatch.setattr(memo.fcntl, "ioctl", no_clone)
    memo.place(src, tmp_path / "a" / "b.jpg")
    copy = tmp_path / "a" / "b.jpg"
    assert copy.read_bytes() == src.read_bytes()
    assert copy.stat().st_ino != src.stat().st_ino
    assert calls == ([memo.FICLONE] if memo.FICLONE is not None else [])


@pytest.mark.skipif(memo.FICLONE is None, reason="FICLONE is Linux only")
def test_place_reports_a_full_disk_from_the_clone(tmp_path, monkeypatch):
    """issue 12 items 6 and 9: a clone refused for lack of space is a disk error, not a silent copy."""
    src = tmp_path / "src.jpg"
    src.write_bytes(b"x" * 10)

    def full(fd, request, arg):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(memo.fcntl, "ioctl", full)
    with pytest.raises(OSError) as info:
        memo.place(src, tmp_path / "b.jpg")
    assert info.value.errno == errno.ENOSPC


# --- item 10: the swap never leaves OUT missing -----------------------------------------------

def test_exchange_swaps_two_folders(tmp_path):
    """issue 12 item 10: renameat2(RENAME_EXCHANGE) swaps both names at once, where the OS has it."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "new").write_text("new")
    (b / "old").write_text("old")
    if not publish.exchange(a, b):
        pytest.skip("no renameat2 RENAME_EXCHANGE here")
    assert [p.name for p in b.iterdir()] == ["new"] and [p.name for p in a.iterdir()] == ["old"]


KILL_BETWEEN = """
import os, pathlib, signal, sys
from scalpsite.store import publish
def die(*args):
    os.kill(os.getpid(), signal.SIGKILL)
if sys.argv[2] == "fallback":
    publish.exchange = lambda a, b: False
    publish._move_in = die
else:
    publish._discard_old = die
from scalpsite.pipeline import build
build(pathlib.Path(sys.argv[1]), pdf=False)
"""


def retitle(journal: Path, title: str) -> None:
    config = journal / "scalpsite.yaml"
    config.write_text(config.read_text().replace("Test journal", title))


def run_killed(journal: Path, mode: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-c", KILL_BETWEEN, str(journal), mode], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux only")
@pytest.mark.warm_cache
def test_kill_after_the_exchange_leaves_the_new_output(runner, journal):
    """issue 12 item 10: killed between the exchange and deleting the old copy: OUT is the new output."""
    assert build(runner, journal, "--no-pdf").exit_code == 0
    retitle(journal, "Exchanged 51c")
    assert run_killed(journal, "exchange").returncode == -9
    site = journal / "_site"
    assert "Exchanged 51c" in (site / "index.html").read_text()
    assert {"data.json", "data.csv", "index.html", ".scalpsite-output"} <= set(os.listdir(site))
    assert len(beside(site)) == 1  # the previous output, under the dead build's staging name
    assert build(runner, journal, "--no-pdf").exit_code == 0
    assert beside(site) == []


@pytest.mark.warm_cache
def test_kill_in_the_fallback_swap_is_repaired_by_the_next_build(runner, journal):
    """issue 12 item 10: without the exchange, a kill between the renames keeps a recoverable old copy."""
    assert build(runner, journal, "--no-pdf").exit_code == 0
    site = journal / "_site"
    before = tree(site)
    retitle(journal, "Fallback 9d2")
    assert run_killed(journal, "fallback").returncode == -9
    assert not site.exists()
    leftovers = beside(site)
    assert [n for n in leftovers if ".old-" in n] and len(leftovers) == 2  # the old copy and the new staging
    publish.recover(site)  # what the next build does first
    assert tree(site) == before and beside(site) == []
    assert build(runner, journal, "--no-pdf").exit_code == 0
    assert "Fallback 9d2" in (site / "index.html").read_text()


@pytest.mark.warm_cache
def test_fallback_swap_completes(runner, journal, monkeypatch):
    """issue 12 item 10: where renameat2 is missing the two-rename swap publishes and cleans up."""
    assert build(runner, journal, "--no-pdf").exit_code == 0
    monkeypatch.setattr(publish, "exchange", lambda a, b: False)
    retitle(journal, "Renamed 4e1")
    assert build(runner, journal, "--no-pdf").exit_code == 0
    assert "Renamed 4e1" in (journal / "_site/index.html").read_text()
    assert beside(journal / "_site") == []


def test_stale_staging_is_removed_but_a_live_build_keeps_its_own(runner, journal):
    """issue 12 item 4: cleanup removes only staging folders whose owner process is gone."""
    site = journal / "_site"
    dead, alive = f"._site.building-{dead_pid()}-x1", f"._site.building-{os.getppid()}-x2"
    for name in (dead, alive, "._site.building-abc123"):  # the last: scalpsite 0.1's unowned name
        (journal / name).mkdir()
        (journal / name / "index.html").write_text("partial")
    assert build(runner, journal, "--no-pdf").exit_code == 0
    assert beside(site) == [alive]


# --- item 11: what a failed build leaves --------------------------------------------------------

@pytest.mark.warm_cache
def test_journal_errors_still_publish_and_flag_them(runner, journal):
    """issue 12 item 11: errors in the journal publish the new output with the errors shown, exit 1."""
    assert build(runner, journal).exit_code == 0
    (journal / "sessions/2025-03-03/session.yaml").write_text("salt: {top: 160}\n")
    result = build(runner, journal)
    assert result.exit_code == 1
    assert "sessions/2025-03-03/session.yaml:1: salt.top: 160 is more than 100" in result.output
    findings = (journal / "_site/findings.html").read_text()
    assert "sessions/2025-03-03/session.yaml" in findings
    assert (journal / "_site/dossier.pdf").is_file()


@pytest.mark.parametrize("failure, message", [
    (RuntimeError("renderer bug"), "internal error: RuntimeError('renderer bug')"),
    (BuildError("the dossier could not be typeset"), "Error: the dossier could not be typeset"),
    (KeyboardInterrupt(), "Aborted!"),
])
@pytest.mark.warm_cache
def test_failed_renderer_never_touches_the_previous_output(runner, journal, monkeypatch, failure, message):
    """issue 12 item 11: an exception or a failed renderer leaves the previous output byte for byte."""
    import scalpsite.render.dossier

    assert build(runner, journal).exit_code == 0
    before = tree(journal / "_site")
    retitle(journal, "Never published")

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(scalpsite.render.dossier, "render_dossier", broken)
    result = build(runner, journal)
    assert result.exit_code == 1 and message in result.output
    assert tree(journal / "_site") == before
    assert beside(journal / "_site") == []


# --- item 6: disk write failures --------------------------------------------------------------

REASONS = [(errno.ENOSPC, "no space left on device"), (errno.EDQUOT, "disk quota exceeded"),
           (errno.EROFS, "read-only file system"), (errno.EACCES, "permission denied")]


@pytest.mark.parametrize("code, reason", REASONS)
@pytest.mark.warm_cache
def test_full_disk_while_staging(runner, journal, monkeypatch, code, reason):
    """issue 12 item 6: a write failure in the staging folder is a clean error; OUT stays as it was."""
    assert build(runner, journal).exit_code == 0
    before = tree(journal / "_site")
    retitle(journal, "Not published")
    real = carry.Placer.place

    def place(self, src: Path, dst: Path):
        if dst.suffix == ".jpg":
            raise OSError(code, os.strerror(code), str(dst))
        real(self, src, dst)

    monkeypatch.setattr(carry.Placer, "place", place)
    result = build(runner, journal)
    assert result.exit_code == 1
    assert f"Error: {reason} while writing {journal.resolve()}/._site.building-" in result.output
    assert "nothing was published and the previous output is unchanged" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert tree(journal / "_site") == before and beside(journal / "_site") == []


@pytest.mark.parametrize("code, reason", REASONS)
@pytest.mark.warm_cache
def test_full_disk_while_swapping(runner, journal, monkeypatch, code, reason):
    """issue 12 item 6: a failure of the swap itself is a clean error; OUT stays as it was."""
    assert build(runner, journal, "--no-pdf").exit_code == 0
    before = tree(journal / "_site")
    retitle(journal, "Not published")

    def refuse(a, b):
        raise OSError(code, os.strerror(code), str(a), None, str(b))

    monkeypatch.setattr(publish, "exchange", refuse)
    result = build(runner, journal, "--no-pdf")
    assert result.exit_code == 1
    assert f"Error: {reason} while writing {journal.resolve()}/._site.building-" in result.output
    assert tree(journal / "_site") == before and beside(journal / "_site") == []


@pytest.mark.parametrize("code, reason", REASONS)
def test_full_disk_while_writing_renditions(runner, journal, monkeypatch, code, reason):
    """issue 12 item 6: a rendition that cannot be written is a disk error, not a broken photo remembered."""
    from PIL import Image

    assert build(runner, journal, "--no-pdf").exit_code == 0
    before = tree(journal / "_site")
    shutil.rmtree(journal / ".scalpsite-cache/renditions")
    monkeypatch.setenv("SCALPSITE_WORKERS", "1")  # render in this process, where the patch applies
    real_save = Image.Image.save

    def save(self, fp, *args, **kwargs):
        raise OSError(code, os.strerror(code), str(fp))

    monkeypatch.setattr(Image.Image, "save", save)
    result = build(runner, journal, "--no-pdf")
    assert result.exit_code == 1
    cache = journal.resolve() / ".scalpsite-cache/renditions"
    assert f"Error: {reason} while writing {cache}/." in result.output and ".part;" in result.output
    assert tree(journal / "_site") == before
    monkeypatch.setattr(Image.Image, "save", real_save)
    result = build(runner, journal, "--no-pdf")  # nothing was remembered as unreadable
    assert result.exit_code == 0 and "photo-unreadable" not in result.output


def test_unreadable_photo_is_not_called_a_write_failure(tmp_path, monkeypatch):
    """issue 12 item 6: a refused permission outside the cache and OUT is not reported as a write."""
    cache, out = tmp_path / "j/.scalpsite-cache", tmp_path / "j/_site"
    with pytest.raises(PermissionError), guard.disk_errors(cache, out):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "j/sessions/x/front.jpg"))
    with pytest.raises(BuildError, match="no space left on device while writing"), guard.disk_errors(cache, out):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "j/sessions/x/front.jpg"))


@pytest.mark.parametrize("path, owned", [
    ("j/.scalpsite-cache/renditions/a.jpg", True), ("j/_site/index.html", True), ("j/._site.building-1-x/a", True),
    ("j", True), ("j/sessions/s/front.jpg", False), ("j/._other/a", False), ("other/_site/a", False),
])
def test_owned_paths(tmp_path, path, owned):
    """issue 12 item 6: the paths a build writes, where a refused permission is a write failure."""
    assert guard._owned(str(tmp_path / path), tmp_path / "j/.scalpsite-cache", tmp_path / "j/_site") is owned


def test_export_to_a_full_disk(runner, journal, monkeypatch):
    """issue 12 item 6: `export` on a full disk says so instead of "internal error"."""
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")  # as a write to stdout raises it

    monkeypatch.setattr("scalpsite.pipeline.export_data", full)
    result = runner.invoke(main, ["export", str(journal)])
    assert result.exit_code == 1
    assert result.output == "Error: no space left on device; free some space and run the command again\n"
