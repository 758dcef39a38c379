"""Shared fixtures: tiny journals written into tmp_path, and a test run that leaves the checkout as
it found it (everything the run keeps for itself lives in one temporary folder)."""

from __future__ import annotations

import atexit
import fcntl
import functools
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase
from scratchroot import scratch_root

# The run's temporary files go to memory when there is room (scratchroot.py): pytest's folders
# (from tempfile.tempdir, set before the first is made; see pytest_configure) and the run's own
# scratch space, Hypothesis' examples. Never the checkout.
SCRATCH_ROOT = scratch_root()  # /dev/shm when there is room; None: the system's temporary folder
SCRATCH = Path(tempfile.mkdtemp(prefix="scalpsite-tests-", dir=SCRATCH_ROOT))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(SCRATCH / "hypothesis")
settings.register_profile("scalpsite", database=DirectoryBasedExampleDatabase(SCRATCH / "hypothesis" / "examples"))
settings.load_profile("scalpsite")
# No bytecode caches appear in the checkout: modules imported from here on, and every Python the
# tests start, read the ones that exist and write none.
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
# A run started in the background (`pytest &` in a script) inherits Ctrl-C ignored, and so would
# every Python the tests start: the tests that stop a child with SIGINT would wait for it in vain.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
# The photo work of every build runs in the test's own process: pytest-xdist already runs a test
# process per core, and a pool of photo workers in each of them only fought over the same cores
# (forking a test process cost more than the work on the tests' small photos). test_evidence.py
# runs the pool (test_the_pool_of_worker_processes_...), and shows that it gives the same output.
os.environ["SCALPSITE_WORKERS"] = "1"

CONFIG = """\
title: Test journal
conditions: [alopecia_areata, atopic_dermatitis]
treatments:
  - drug: dupilumab
    start: 2025-01-10
    schedule: dupilumab
density: {zones: [frontal, crown]}
"""

COMPLETE = """\
salt: {top: 60, back: 30, left: 20, right: 25}
density: {frontal: 120, crown: 60}
ad: {itch: 7, easi: 12.4, poem: [2, 3, 1, 0, 4, 2, 1]}
injection_site: none
side_effects: none
"""

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "example-journal"


MYPY: dict[str, subprocess.Popen] = {}  # the run of mypy that tests/test_types.py reads


def mypy_run() -> subprocess.Popen:
    """mypy on the package from scratch, started in the background. It writes no cache: each run
    checks everything again, and writing a cache no run reads took a tenth of mypy's time."""
    command = [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
               "--no-incremental", "--cache-dir", os.devnull]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1...: this process is one of xdist's workers
MYPY_TEST = "test_types.py::test_mypy_finds_no_errors"


def pytest_configure(config):
    """The run's temporary folders in memory when there is room (scratchroot.py), unless --basetemp
    names one. Only the first process decides: xdist hands each worker a folder inside its own."""
    if WORKER is None and config.option.basetemp is None and SCRATCH_ROOT is not None:
        tempfile.tempdir = str(SCRATCH_ROOT)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """With xdist (`-n`, `--dist loadgroup`): the tests of a module that share a module-scoped
    fixture run in one worker, so that it is made once; every other test goes on its own to
    whichever worker is free. mypy's test goes first of those, so that its half minute of one core
    is spent beside the other worker's tests instead of at the end."""
    if WORKER is None:
        return
    for item in items:
        defs = getattr(item, "_fixtureinfo", None)
        scopes = {d.scope for ds in (defs.name2fixturedefs.values() if defs else ()) for d in ds}
        if scopes & {"class", "module", "package"}:
            group = item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(group))
            in_group(item, group)
    items.sort(key=lambda item: not item.nodeid.endswith(MYPY_TEST))


def in_group(item: pytest.Item, group: str) -> None:
    """Give the test the node id `--dist loadgroup` reads its group from ("<id>@<group>").

    xdist 3.8 appends the suffix by writing `item._nodeid`, where pytest kept the id up to 9.1;
    pytest 9.2 keeps it structured (`item._id`), so that write is lost and the tests of a group
    are spread over the workers, each making the module's fixtures again (the example encrypted
    twice, the long course built twice; pytest-xdist#1386). Where the id is structured, it is
    set here; with an older pytest, xdist's own suffix works and nothing is done."""
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest before 9.2: the id is a string xdist changes itself
        return
    if isinstance(getattr(item, "_id", None), NodeId) and not item.nodeid.endswith(f"@{group}"):
        item._id = NodeId.parse(f"{item.nodeid}@{group}")


def pytest_collection_finish(session):
    """Start mypy as soon as its test is collected: it needs half a minute of one core, which it
    gets beside the other tests instead of after them. (An xdist worker collects every test but
    runs only some: there the test starts mypy itself.)"""
    if WORKER is None and any(item.nodeid.endswith(MYPY_TEST) for item in session.items):
        MYPY["run"] = mypy_run()


def pytest_sessionfinish(session):
    """A run stopped early (-x) does not leave mypy running."""
    run = MYPY.pop("run", None)
    if run is not None and run.poll() is None:
        run.kill()
        run.communicate()


@pytest.fixture(scope="session")
def mypy_report() -> tuple[int, str]:
    """(exit code, output) of mypy on src/scalpsite, from the run started at collection."""
    run = MYPY.pop("run", None) or mypy_run()
    output, _ = run.communicate()
    return run.returncode, output


def git_status(root: Path) -> str | None:
    """`git status --ignored --porcelain` of the checkout, or None outside a git work tree."""
    try:
        run = subprocess.run(["git", "-C", str(root), "status", "--ignored", "--porcelain"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return run.stdout if run.returncode == 0 else None


@pytest.fixture(scope="session", autouse=True)
def checkout_left_clean():
    """The test run leaves `git status --ignored` of the checkout as it found it: no cache, lock,
    database or output of a test lands in the repository (an error at the last teardown if one does)."""
    before = git_status(REPO)
    yield
    after = git_status(REPO)
    if before is not None and after is not None:
        new = sorted(set(after.splitlines()) - set(before.splitlines()))
        gone = sorted(set(before.splitlines()) - set(after.splitlines()))
        assert (new, gone) == ([], []), f"the tests changed the checkout: new {new}, gone {gone}"


def example_copy(root: Path, example_build: tuple[Path, str]) -> Path:
    """A copy of the example journal's files at root, with the cache the run's build of the example
    left (so a command on it does not redo the photo work; the example's own cache is never used)."""
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site", ".scalpsite-cache"))
    shutil.copytree(example_build[0].parent / ".scalpsite-cache", root / ".scalpsite-cache")
    return root


@pytest.fixture(scope="session")
def example_journal(tmp_path_factory, example_build) -> Path:
    """A copy of the example journal that commands may run on (they write its cache and take its
    lock): the example in the repository is only ever read."""
    return example_copy(tmp_path_factory.mktemp("example-copy") / "journal", example_build)


def made_once(tmp_path_factory, name: str, make: Callable[[Path], str]) -> tuple[Path, str]:
    """(folder, text) of make(folder), run once per test run: with xdist, the first worker to ask
    makes it in the folder the workers share and the others wait for it and read the same."""
    if WORKER is None:
        folder = tmp_path_factory.mktemp(name)
        return folder, make(folder)
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder; each worker's is inside it
    folder, done = shared / name, shared / f"{name}.out"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, or its worker dies
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a worker that failed to make it left
            folder.mkdir()
            done.write_text(make(folder))
    return folder, done.read_text()


def build_journal(root: Path) -> str:
    """The output of `scalpsite build` (site and PDF) on the journal at root; it must succeed."""
    from scalpsite.cli import main

    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    return result.output


def build_example(folder: Path) -> str:
    """A copy of the example journal in folder/journal, built."""
    root = folder / "journal"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site", ".scalpsite-cache"))
    return build_journal(root)


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> tuple[Path, str]:
    """A copy of the example journal built once per test run (site and PDF): its _site and the
    build's output. Tests read it and never change it."""
    folder, output = made_once(tmp_path_factory, "example", build_example)
    return folder / "journal" / "_site", output


def write_journal(root: Path, sessions: dict[str, str], config: str = CONFIG, photos: bool = False) -> Path:
    """A journal with the given session.yaml texts; optionally tiny photos for every angle."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "scalpsite.yaml").write_text(textwrap.dedent(config))
    for folder, text in sessions.items():
        d = root / "sessions" / folder
        d.mkdir(parents=True)
        if text is not None:
            (d / "session.yaml").write_text(textwrap.dedent(text))
        if photos:
            n = len(list((root / "sessions").iterdir()))
            for i, angle in enumerate(["overhead", "front", "back", "left", "right"]):
                tiny_photo(d / f"{angle}.jpg", shade=40 * i + 12 * n)
    return root


def tiny_photo(path: Path, size=(1000, 750), shade: int = 0) -> Path:
    """A plain JPEG, distinct per shade, big enough not to be 'too small'."""
    path.write_bytes(_plain_jpeg(size, shade))
    return path


@functools.cache
def _plain_jpeg(size: tuple[int, int], shade: int) -> bytes:
    """The bytes of tiny_photo's JPEG, encoded once per test process (the suite writes thousands)."""
    from PIL import Image

    encoded = io.BytesIO()
    Image.new("RGB", size, (180 - shade // 2, 140, 120 + shade // 3)).save(encoded, "JPEG")
    return encoded.getvalue()


def imported_by(command: list[str], modules: tuple[str, ...]) -> list[str]:
    """Which of `modules` a scalpsite command imports, run in a Python of its own as a user runs it."""
    probe = ("import json, sys; from scalpsite.cli import main; main(sys.argv[1:], standalone_mode=False); "
             f"print(json.dumps(sorted(m for m in {list(modules)!r} if m in sys.modules)))")
    run = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def journal_files(root: Path) -> Path:
    """The files of the `journal` fixture: two complete sessions with photos."""
    return write_journal(root, {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE}, photos=True)


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory) -> Path:
    """The cache of one build (site and PDF) of the `journal` fixture's files, made once per run."""
    folder, _ = made_once(tmp_path_factory, "warm", lambda folder: build_journal(journal_files(folder / "j")))
    return folder / "j" / ".scalpsite-cache"


@pytest.fixture
def journal(tmp_path, request):
    """A two-session journal with photos, complete.

    A test marked `warm_cache` gets it with the cache a build of the same files leaves (photo
    renditions and evidence, made by the code under test once per run), and no output: its first
    build then does everything but the photo work. Only for tests whose subject is not the photo
    stage or the cache; the others get a journal no build has touched.

    A test marked `warm_photos` gets only the photo part of that cache (the renditions and the
    evidence, keyed by the photos' content): its builds still draw the charts, render the pages and
    typeset the dossier, but do not decode, resize and measure the same ten photos again. For tests
    whose subject is what the pages, the dossier or the commands do with a journal, not the photos.
    """
    root = journal_files(tmp_path / "j")
    if request.node.get_closest_marker("warm_cache"):
        shutil.copytree(request.getfixturevalue("warm_cache"), root / ".scalpsite-cache")
    elif request.node.get_closest_marker("warm_photos"):
        add_photo_work(root, request.getfixturevalue("warm_cache"))
    return root


PHOTO_WORK = ("renditions", "evidence")  # the folders of the cache the photo stage writes


def add_photo_work(root: Path, warm_cache: Path) -> Path:
    """Give the journal at root the photo work of the `warm_cache` build: renditions and evidence,
    found by the photos' content, so only a journal with the same photos (the `journal` fixture's,
    or sharing.private_journal's, which writes the same files) reuses any of it."""
    for part in PHOTO_WORK:
        shutil.copytree(warm_cache / part, root / ".scalpsite-cache" / part)
    return root


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's; Playwright downloads no browser
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# The address bar's popup, which chromium's full browser loads as a page of its own in every new
# window: more than half the CPU of a test's new page. No test uses the address bar.
ADDRESS_BAR_POPUP = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup")


def chromium_features() -> dict[int, str]:
    """The --disable-features in effect (chromium keeps the last one) of each chromium this test
    process started and has not closed, by process id; empty where /proc cannot tell (not Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # ended meanwhile
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = {}, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
        except OSError:
            continue
        if "--remote-debugging-pipe" in args:  # the main process, which Playwright talks to
            found[pid] = ([a for a in args if a.startswith("--disable-features=")] or ["="])[-1].split("=", 1)[1]
    return found


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, started once per test process (a second or more of CPU each time, after
    a first start that only reads Playwright's settings) and shared: every test opens its own
    context, a fresh profile with no cookie, storage, cache or history of another test. Skipped
    when chromium is absent outside CI; in CI that fails."""
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail("CI must install Debian's chromium (.ci/run does)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright disables features of its own, and chromium keeps only the last such switch:
        # a first browser shows Playwright's list, which ours then repeats.
        probe = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        found = chromium_features()
        probe.close()
        args = BROWSER_ARGS
        if len(found) == 1:  # where /proc tells (Linux); elsewhere Playwright's defaults alone
            (theirs,) = found.values()
            args = args + ["--disable-features=" + ",".join(filter(None, [theirs, *ADDRESS_BAR_POPUP]))]
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=args)
        yield chromium
        chromium.close()


@pytest.fixture
def runner():
    return CliRunner()


def fixture_script():
    """scripts/make_view_fixtures.py as a module: the journal behind the renderer fixtures."""
    return script_module("scripts/make_view_fixtures.py")


def script_module(path: str):
    """The repository's script at `path` (not a package's module) as a module, loaded afresh and
    known by its name while it runs (a dataclass in it looks its module up)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(Path(path).stem, REPO / path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
