"""Whether a build or a check would only repeat the last one, and its recorded answer if so.

A run is the same as the last when every file the journal is read from (scalpsite.yaml,
injections.csv, sessions/, appointments/, themes/, the editor schemas) is the same file,
unchanged (size, modification and change time, inode: an edit that keeps the modification
time still changes the change time), scalpsite's code and libraries are the same, the
options, SOURCE_DATE_EPOCH and the day are the same, the cache is as the last run left it,
and, for a build, OUT is exactly as the last build left it. Then the last run's result (its findings and counts) is the answer, and
nothing is loaded, measured or written: a build with nothing to do takes the time of
looking (as `make` does). Anything else runs in full and records itself.

Light on purpose: this module is all a repeated run imports beyond the command line.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

RECORD = "last-runs.json"  # in the journal's cache folder
SOURCES = ("scalpsite.yaml", "injections.csv", "sessions", "appointments", "themes", ".scalpsite")
LIBRARIES = ("pillow", "pillow-heif", "numpy", "opencv-python-headless", "matplotlib", "typst", "jinja2",
             "markdown", "nh3", "pydantic", "pyyaml", "fhir.resources")


def _stamps(folder: Path, rel: str, out: list[str], skip: Path | None = None) -> None:
    """`rel` stat line of every entry under `folder` (links not followed, but their targets stamped)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        out.append(f"{rel}\0unreadable {exc.errno}")
        return
    for entry in entries:
        name = f"{rel}/{entry.name}"
        if skip is not None and Path(entry.path) == skip:
            continue
        out.append(f"{name}\0{_stat(entry.path)}")
        if entry.is_dir(follow_symlinks=False):
            _stamps(Path(entry.path), name, out, skip)


def _stat(path: str) -> str:
    try:
        st = os.lstat(path)
        line = f"{st.st_mode}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
        if os.path.islink(path):
            line += f">{os.readlink(path)}:{_stat_target(path)}"
        return line
    except OSError as exc:
        return f"gone {exc.errno}"


def _stat_target(path: str) -> str:
    try:
        st = os.stat(path)
        return f"{st.st_mode}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"
    except OSError:
        return "dangling"


@functools.cache
def _versions() -> tuple[str, ...]:
    """The installed versions of the libraries the output depends on, read once per process: the
    code this process runs is the one it imported, whatever is installed after it started."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=none")
    return tuple(found)


def inputs_key(root: Path, command: str, options: dict, out: Path | None = None) -> str:
    """A digest of everything a run of `command` on the journal at `root` depends on."""
    from scalpsite.store.memo import code_digest

    lines: list[str] = []
    for name in SOURCES:
        path = root / name
        lines.append(f"{name}\0{_stat(str(path))}")
        if path.is_dir() and not path.is_symlink():
            _stamps(path, name, lines, out)
    head = {"command": command, "options": options, "code": code_digest(), "python": sys.version,
            "libraries": _versions(), "day": dt.date.today().isoformat(),
            "epoch": os.environ.get("SOURCE_DATE_EPOCH")}
    h = hashlib.sha256(json.dumps(head, sort_keys=True, default=str).encode())
    h.update("\n".join(lines).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def cache_key(cache: Path) -> str:
    """A digest of the cache's own state (each step's folder and index): a cache emptied or
    edited by hand since the last run makes the next run a full one, which repairs it."""
    lines: list[str] = []
    for entry in sorted(os.scandir(cache), key=lambda e: e.name):
        if entry.name in ("build.lock", RECORD) or entry.name.startswith("."):
            continue
        lines.append(f"{entry.name}\0{_stat(entry.path)}")
        if entry.is_dir(follow_symlinks=False):
            for index in ("index.json", "evidence.json"):
                lines.append(f"{entry.name}/{index}\0{_stat(os.path.join(entry.path, index))}")
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def out_key(out: Path) -> str:
    """A digest of OUT as it is: every file's name, size, modification time and inode."""
    lines: list[str] = []
    _stamps(out, ".", lines)
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def recall(cache: Path, command: str, key: str, out: Path | None = None) -> dict | None:
    """The recorded result of the last `command` when its inputs key is `key` (and OUT is as it left it)."""
    try:
        runs = json.loads((cache / RECORD).read_text())
        last = runs[command]
        if last["key"] != key or last.get("cache_key") != cache_key(cache):
            return None
        if out is not None and (last.get("out") != str(out) or last.get("out_key") != out_key(out)):
            return None
        return last["result"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember(cache: Path, command: str, key: str, result: dict, out: Path | None = None) -> None:
    """Record the result of a run of `command` whose inputs key is `key`."""
    path = cache / RECORD
    try:
        runs = json.loads(path.read_text())
        runs = runs if isinstance(runs, dict) else {}
    except (OSError, ValueError):
        runs = {}
    entry = {"key": key, "result": result, "cache_key": cache_key(cache)}
    if out is not None:
        entry |= {"out": str(out), "out_key": out_key(out)}
    runs[command] = entry
    tmp = path.with_name(f".{RECORD}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(runs))
    os.replace(tmp, path)


def findings_data(findings) -> list[dict]:
    """Findings as recorded (every field, to be given back as they were)."""
    return [{"path": f.path, "line": f.line, "level": f.level.value, "code": f.code, "message": f.message,
             "hint": f.hint, "column": f.column} for f in findings]


def findings_of(data: list[dict]):
    """The recorded findings as Finding objects."""
    from scalpsite.findings import Finding, Level

    return [Finding(d["path"], d["line"], Level(d["level"]), d["code"], d["message"], d["hint"], d["column"])
            for d in data]


@dataclass
class BuildResult:
    """What a build did, for the one-line summary and the exit code."""

    out: Path
    sessions: int
    photos_rendered: int
    photos_cached: int
    findings: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        from scalpsite.findings import Level

        return sum(f.level is Level.ERROR for f in self.findings)


def build_options(out: Path, pdf: bool, since, until, for_date) -> dict:
    """The options a build's output depends on (the same dict where it is recalled and recorded)."""
    return {"out": str(out), "pdf": pdf, "since": str(since), "until": str(until), "for": str(for_date)}


def _under_lock(root: Path, on_wait, look: Callable[[Path], T]) -> T | None:
    """`look(cache)` with the build lock held (waiting for it, or stopping, as a full run does);
    None when there is no cache yet, or it cannot be read (the full run then says why)."""
    from scalpsite.store.guard import CACHE_DIR
    from scalpsite.store.lock import build_lock

    cache = root.resolve() / CACHE_DIR
    if not cache.is_dir() or cache.is_symlink():
        return None
    with build_lock(cache, root, on_wait):
        try:
            return look(cache)
        except OSError:
            return None


def repeated_build(root: Path, out: Path | None, pdf: bool, since, until, for_date, on_wait=None) -> BuildResult | None:
    """The last build's result when this build would repeat it exactly; else None."""
    from scalpsite.store.publish import check_out

    started = time.monotonic()
    root = Path(root)
    if not (root / "scalpsite.yaml").is_file():
        return None
    out_r = check_out(out or root / "_site", root)
    key = lambda: inputs_key(root, "build", build_options(out_r, pdf, since, until, for_date), out_r)  # noqa: E731
    found = _under_lock(root, on_wait, lambda cache: recall(cache, "build", key(), out_r))
    if found is None:
        return None
    return BuildResult(out_r, found["sessions"], 0, found["photos"], findings_of(found["findings"]),
                       time.monotonic() - started)


def remember_build(cache: Path, key: str, result: BuildResult) -> None:
    """Record a finished build (its output is in place)."""
    data = {"sessions": result.sessions, "photos": result.photos_rendered + result.photos_cached,
            "findings": findings_data(result.findings)}
    remember(cache, "build", key, data, result.out)


def repeated_check(root: Path, today: dt.date, ignore: Sequence[str] = (), on_wait=None) -> list | None:
    """The last check's findings when this check would repeat it exactly; else None."""
    root = Path(root)
    if not (root / "scalpsite.yaml").is_file():
        return None
    found = _under_lock(root, on_wait, lambda cache: recall(cache, "check", check_key(root, today, ignore)))
    return None if found is None else findings_of(found["findings"])


def check_key(root: Path, today: dt.date, ignore: Sequence[str] = ()) -> str:
    """The inputs key of a check judged as of `today`, with the warning codes `--ignore` leaves out."""
    return inputs_key(root, "check", {"today": today.isoformat(), "ignore": sorted(ignore)})


def remember_check(cache: Path, key: str, findings) -> None:
    """Record a finished check's findings."""
    remember(cache, "check", key, {"findings": findings_data(findings)})
