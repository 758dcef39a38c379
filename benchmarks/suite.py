#!/usr/bin/env python3
"""Wall and CPU time of the whole test suite, the median of several runs, optionally in turns with
the suite of another commit.

The suite's target is a time on a 2-core machine, and such machines are shared and noisy: the same
suite took from 250 s to 300 s within one afternoon. So this script:

- runs `python -m pytest` (the project's own options: one worker per core) `--runs` times and
  quotes the median, with the range;
- with `--against REV`, checks REV out into a temporary worktree and runs its suite in turns with
  this checkout's (this one first, then REV, then this one...), so that a change in the machine's
  load hits both; REV's tests import REV's code (its `src` first on PYTHONPATH, which each run
  checks);
- counts, from /proc/stat, the core-seconds the whole machine was busy and idle during each run
  (Linux only; elsewhere only wall time). Busy core-seconds are steadier than wall time, and idle
  ones show how much of the 2 cores the suite left unused;
- times a fixed Python loop before each run, so that a slow machine shows as a slow loop, not only
  as a slow suite;
- gives each run a new `--basetemp` of its own, where that suite would put its files (in memory
  where its tests/scratchroot.py says so, otherwise the system's temporary folder), and deletes it
  after the timing: a suite that keeps its files would otherwise spend the end of each run deleting
  those of the run three before (a fresh machine, as in CI, has none, and that deletion took 17 s
  here).

This is a measurement, not a test: it exits 0 whatever the times are (1 if a run fails). Results
are printed and written to `--results`.

    python benchmarks/suite.py --runs 3
    python benchmarks/suite.py --runs 3 --against 546658c
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOOP = 10_000_000  # additions of the calibration loop


@dataclass
class Run:
    code: str
    wall: float
    busy: float | None  # core-seconds, the whole machine
    idle: float | None
    loop: float  # CPU seconds of the calibration loop, just before
    summary: str  # pytest's last line: how many passed, failed, skipped
    returncode: int


def machine_seconds() -> tuple[float, float] | None:
    """(busy, idle) core-seconds since boot, from /proc/stat; None where there is no such file."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    ticks = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / ticks, (idle + iowait) / ticks


def calibration() -> float:
    """CPU seconds of a fixed loop of additions: the speed of one core at the moment."""
    started, total = time.process_time(), 0
    for i in range(LOOP):
        total += i
    return time.process_time() - started


def imported_from(checkout: Path, env: dict[str, str]) -> Path:
    """The folder the package is imported from by a Python started at `checkout` with `env`."""
    run = subprocess.run([sys.executable, "-c", "import scalpsite; print(scalpsite.__file__)"], cwd=checkout,
                         env=env, capture_output=True, text=True, check=True)
    return Path(run.stdout.strip()).parent


def environment(checkout: Path) -> dict[str, str]:
    """This environment, with `checkout`'s src first on the path when it is not this checkout."""
    env = dict(os.environ)
    if checkout != REPO:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout / "src"), env.get("PYTHONPATH")]))
    found = imported_from(checkout, env)
    if found != checkout / "src" / "scalpsite":
        sys.exit(f"the suite at {checkout} would import scalpsite from {found}: install this checkout "
                 "(pip install -e '.[test]') and run again")
    return env


def scratch_of(checkout: Path) -> Path:
    """Where the suite at `checkout` puts its temporary files: its tests/scratchroot.py says, where it
    has one (an older suite has none, and uses the system's temporary folder)."""
    rule = checkout / "tests" / "scratchroot.py"
    if not rule.exists():
        return Path(tempfile.gettempdir())
    spec = importlib.util.spec_from_file_location("scratchroot", rule)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.scratch_root() or Path(tempfile.gettempdir())


def run_suite(code: str, checkout: Path, env: dict[str, str], extra: list[str]) -> Run:
    """One run of the suite at `checkout`, timed."""
    basetemp = scratch_of(checkout) / f"scalpsite-suite-run-{time.monotonic_ns()}"
    loop = calibration()
    before, started = machine_seconds(), time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", f"--basetemp={basetemp}", *extra], check=False,
                          cwd=checkout, env=env, capture_output=True, text=True)
    wall, after = time.perf_counter() - started, machine_seconds()
    shutil.rmtree(basetemp, ignore_errors=True)
    counts = re.findall(r"^=*\s*(\d+ (?:passed|failed|error).*?)(?: in [\d.]+s.*)?$", done.stdout, re.MULTILINE)
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-2000:], sep="\n", file=sys.stderr)
    busy = idle = None
    if before is not None and after is not None:
        busy, idle = after[0] - before[0], after[1] - before[1]
    return Run(code, wall, busy, idle, loop, counts[-1].strip("= ") if counts else f"exit code {done.returncode}",
               done.returncode)


def median_range(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f})"


def table(runs: list[Run]) -> str:
    """Every run, then the median of each code's runs."""
    rows = ["| run | code | wall s | busy core-s | idle core-s | loop s | result |", "|---|---|---|---|---|---|---|"]
    for i, r in enumerate(runs, 1):
        rows.append(f"| {i} | {r.code} | {r.wall:.0f} | {_n(r.busy)} | {_n(r.idle)} | {r.loop:.2f} | {r.summary} |")
    rows += ["", "| code | runs | wall s, median (range) | busy core-s | idle core-s | loop s |", "|---|---|---|---|---|---|"]
    for code in dict.fromkeys(r.code for r in runs):
        mine = [r for r in runs if r.code == code]
        busy = [r.busy for r in mine if r.busy is not None]
        idle = [r.idle for r in mine if r.idle is not None]
        rows.append(f"| {code} | {len(mine)} | {median_range([r.wall for r in mine])} | "
                    f"{median_range(busy) if busy else '-'} | {median_range(idle) if idle else '-'} | "
                    f"{statistics.median(r.loop for r in mine):.2f} |")
    return "\n".join(rows)


def _n(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def describe(rev: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h %cs", rev], capture_output=True,
                          text=True, check=True).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each suite (the median is quoted)")
    parser.add_argument("--against", metavar="REV", help="a commit whose suite runs in turns with this checkout's")
    parser.add_argument("--results", type=Path, default=REPO / "benchmarks" / "results-suite.md")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --), e.g. -p no:randomly")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="scalpsite-suite-") as tmp:
        scratch = Path(tmp)
        codes = {f"this checkout ({describe('HEAD')})": REPO}
        if args.against:
            tree = scratch / "against"
            subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(tree), args.against],
                           check=True)
            codes[describe(args.against)] = tree
        try:
            envs = {code: environment(checkout) for code, checkout in codes.items()}
            runs = []
            for i in range(args.runs):
                for code, checkout in codes.items():
                    runs.append(run_suite(code, checkout, envs[code], args.pytest_args))
                    print(f"run {i + 1}/{args.runs}, {code}: {runs[-1].wall:.0f} s, {runs[-1].summary}", flush=True)
        finally:
            if args.against:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=False)
    text = (f"# The test suite's time\n\n`python benchmarks/suite.py --runs {args.runs}"
            f"{' --against ' + args.against if args.against else ''}` on {os.cpu_count()} cores, "
            f"{time.strftime('%Y-%m-%d %H:%M')}; load average {os.getloadavg()[0]:.2f} at the end.\n\n"
            f"{table(runs)}\n")
    print("\n" + text)
    args.results.write_text(text, encoding="utf-8")
    return 0 if all(r.returncode == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
