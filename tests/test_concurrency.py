"""Builds, checks and a preview on one journal at the same time (issue 12 item 4): the build lock."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import COMPLETE, REPO, write_journal

from scalpsite.cli import main
from scalpsite.store import lock
from scalpsite.store.guard import cache_root

COMPLETE_OUT = {"index.html", "data.json", "data.csv", ".scalpsite-output", "dossier.pdf"}
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src")}


def scalpsite(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scalpsite", *args], env=env or ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


class Watcher(threading.Thread):
    """Looks at OUT and at the preview's data.json over and over; notes every moment either was incomplete."""

    def __init__(self, out: Path, preview: str):
        super().__init__(daemon=True)
        self.out, self.preview = out, preview
        self.stop, self.problems, self.looks = threading.Event(), [], 0

    def run(self) -> None:
        while not self.stop.wait(0.02):
            # by path, as a web server or a browser reads OUT (a listing of the folder being replaced
            # can meet the old one half deleted; a path looked up now always meets the new one)
            missing = {name for name in COMPLETE_OUT if not (self.out / name).is_file()}
            if missing:
                self.problems.append(f"OUT lacked {sorted(missing)}")
            status, _ = get(self.preview + "data.json")
            if status != 200:
                self.problems.append(f"the preview answered {status}")
            self.looks += 1


def test_two_builds_and_a_preview_rebuild_keep_out_complete(tmp_path):
    """issue 12 item 4: two builds and a preview rebuild at once, round after round: OUT always complete."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE}, photos=True)
    out = root / "_site"
    first = scalpsite("build", str(root))
    assert first.wait(120) == 0, first.stderr.read()
    (tmp_path / "tmp").mkdir()
    preview = scalpsite("serve", str(root), "--port", "0", "--no-reload", env={**ENV, "TMPDIR": str(tmp_path / "tmp")})
    try:
        url = next(line for line in preview.stdout if line.startswith("Serving ")).split(" at ")[1].split()[0]
        watcher = Watcher(out, url)
        watcher.start()
        config = (root / "scalpsite.yaml").read_text()
        for n in range(3):
            title = f"Round {n} c0ffee"
            (root / "scalpsite.yaml").write_text(config.replace("Test journal", title))  # the preview rebuilds
            builds = [scalpsite("build", str(root)) for _ in range(2)]
            for b in builds:
                _, err = b.communicate(timeout=300)
                assert b.returncode == 0, err
                assert "Traceback" not in err and "Error" not in err
            assert title in (out / "index.html").read_text()
            assert wait_until(lambda t=title: t.encode() in get(url + "data.json")[1])
        watcher.stop.set()
        watcher.join(10)
        assert watcher.problems == [] and watcher.looks > 20
    finally:
        preview.terminate()
        _, err = preview.communicate(timeout=60)
    assert "Build failed" not in err and "Traceback" not in err
    assert [p.name for p in root.iterdir() if p.name.startswith("._site")] == []
    assert list((tmp_path / "tmp").iterdir()) == []


def wait_until(predicate, seconds: float = 120.0) -> bool:
    """Poll until predicate holds (the preview rebuilds after the builds release the lock)."""
    for _ in range(int(seconds * 10)):
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def held(journal):
    """The journal's build lock, held by this test as another build would hold it."""
    with lock.build_lock(cache_root(journal), journal):
        yield journal


@pytest.mark.parametrize("command", [["build", "--no-pdf"], ["check"]])
def test_a_second_command_waits_then_stops_clearly(runner, held, monkeypatch, command):
    """issue 12 item 4: a build or check on a journal being built says it waits, then stops with a reason."""
    monkeypatch.setenv(lock.TIMEOUT_ENV, "0.3")
    result = runner.invoke(main, [command[0], str(held), *command[1:]])
    assert result.exit_code == 1
    lock_path = held.resolve() / ".scalpsite-cache/build.lock"
    assert result.stderr.count("Waiting for another build") == 1
    assert f"Waiting for another build of {held} to finish (lock {lock_path})..." in result.stderr
    assert (f"Error: another build of {held} is still running after 0.3 s (it holds {lock_path}); wait for it "
            f"to finish, or stop it, then run again (set SCALPSITE_LOCK_TIMEOUT to wait longer)") in result.output
    assert not (held / "_site").exists()


def test_a_second_build_proceeds_when_the_first_ends(runner, journal):
    """issue 12 item 4: the waiting build runs as soon as the lock is released."""
    released = threading.Event()
    holding = threading.Event()

    def hold():
        with lock.build_lock(cache_root(journal), journal):
            holding.set()
            released.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    threading.Timer(0.5, released.set).start()
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    holder.join(10)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Waiting for another build") == 1


@pytest.mark.parametrize("value, expected", [("", 600.0), ("2.5", 2.5), ("-1", 0.0)])
def test_timeout_setting(monkeypatch, value, expected):
    """issue 12 item 4: how long a build waits for another, from SCALPSITE_LOCK_TIMEOUT."""
    monkeypatch.setenv(lock.TIMEOUT_ENV, value)
    assert lock.timeout() == expected


def test_bad_timeout_setting(runner, journal, monkeypatch):
    """issue 12 item 4: a timeout that is not a number is a clear error."""
    monkeypatch.setenv(lock.TIMEOUT_ENV, "soon")
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert result.exit_code == 1
    assert "Error: SCALPSITE_LOCK_TIMEOUT='soon' is not a number of seconds" in result.output


def test_lock_is_released_when_the_holder_dies(journal, monkeypatch):
    """issue 12 item 4: a killed build never leaves the lock behind (the OS releases it)."""
    monkeypatch.setenv(lock.TIMEOUT_ENV, "10")
    cache = cache_root(journal)
    code = ("import sys, pathlib, time\nfrom scalpsite.store.lock import build_lock\n"
            "with build_lock(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])):\n"
            "    print('held', flush=True)\n    time.sleep(120)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(cache), str(journal)], env=ENV, text=True,
                              stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline() == "held\n"
        holder.kill()
        holder.wait(10)
        with lock.build_lock(cache, journal):  # taken at once: no wait message, no timeout
            pass
    finally:
        holder.kill()


def test_workers_of_a_killed_build_do_not_keep_the_lock(journal, monkeypatch):
    """issue 12 item 4: photo workers forked by a build that is then killed do not hold the journal."""
    monkeypatch.setenv(lock.TIMEOUT_ENV, "10")
    cache = cache_root(journal)
    code = ("import os, sys, pathlib, signal, time\nfrom concurrent.futures import ProcessPoolExecutor\n"
            "from scalpsite.store.lock import build_lock\n"
            "with build_lock(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])):\n"
            "    pool = ProcessPoolExecutor(1)\n    pool.submit(time.sleep, 60)\n    time.sleep(0.5)\n"
            "    print(*[p for p in pool._processes], flush=True)\n    os.kill(os.getpid(), signal.SIGKILL)\n")
    build = subprocess.Popen([sys.executable, "-c", code, str(cache), str(journal)], env=ENV, text=True,
                             stdout=subprocess.PIPE)
    workers = [int(pid) for pid in build.stdout.readline().split()]
    build.wait(10)
    try:
        assert workers and build.returncode == -9
        with lock.build_lock(cache, journal):  # taken although the orphaned worker still runs
            pass
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
