#!/usr/bin/env python3
"""CPU time of drawing each chart (render/charts.py), against the code before, with a byte comparison.

Prepares a few journals (the example journal, analysed as a build does, with its painted
masks; the long course of tests/longcourse.py at 130 sessions; the same made "worst": ten
density zones; and short and long spans with values missing), analyses each once, then
draws every chart of each `--repeats` times in this one process, matplotlib imported
beforehand as in the test workers and the preview. With `--before FILE` (the charts.py of the
code before, e.g. `git show main:src/scalpsite/render/charts.py > /tmp/charts_before.py`) the
two modules draw in turns, chart by chart, in the same process (so both see the same load),
and every SVG of one is compared byte for byte with the other's. Prints the median CPU time
(time.process_time) per chart and per journal ("all charts": what a build draws). `--first`
measures instead, in fresh processes, the import of the module and the first two builds of
the 130-session course.

    python benchmarks/charts.py --before /tmp/charts_before.py --repeats 9
    python benchmarks/charts.py --before /tmp/charts_before.py --first

This is a measurement, not a test: it exits 0 whatever the numbers are (1 if an SVG differs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))  # longcourse.py, the tests' generator of a long course
os.environ.setdefault("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01: the same analysis every run

SPANS = [  # name, sessions, years, every n-th session without SALT (0: none)
    ("span-2wk", 3, 0.04, 0), ("span-1y", 13, 1, 0), ("span-3y-gaps", 60, 3, 4), ("span-10y", 130, 10, 7)]
ZONES = ["frontal", "crown", "temporal_left"]


def span_journal(root: Path, sessions: int, years: float, gap: int) -> Path:
    """A journal of SALT, density and AD readings over `years`; every `gap`-th lacks some of them."""
    start = dt.date(2019, 3, 4)
    root.mkdir(parents=True)
    (root / "scalpsite.yaml").write_text(
        "conditions: [alopecia_areata, atopic_dermatitis]\n"
        f"treatments:\n  - {{drug: dupilumab, start: {start + dt.timedelta(days=7)}}}\n"
        f"density: {{zones: [{', '.join(ZONES)}]}}\n", encoding="utf-8")
    step = years * 365.25 / max(sessions - 1, 1)
    for i in range(sessions):
        t = i / max(sessions - 1, 1)
        missing = gap and i % gap == gap - 1
        lines = [] if missing else [f"salt: {round(55 - 45 * t + 6 * (i % 3), 1)}"]
        zones = ZONES[: 1 + i % 3] if missing else ZONES
        lines.append("density: {" + ", ".join(f"{z}: {40 + 30 * t + 5 * k:.2f}" for k, z in enumerate(zones)) + "}")
        if not missing:
            lines.append(f"ad: {{itch: {round(8 - 6 * t)}, easi: {round(20 - 17 * t, 1)}, poem: {round(22 - 18 * t)}}}")
        folder = root / "sessions" / (start + dt.timedelta(days=round(i * step))).isoformat()
        folder.mkdir(parents=True)
        (folder / "session.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def journals(work: Path) -> dict[str, Path]:
    """The journals measured, written into `work`."""
    from longcourse import make_worst, write_course

    made = {"example": work / "example"}
    shutil.copytree(REPO / "example-journal", made["example"])
    made["course-130"] = write_course(work / "course-130", count=130, photos=False)
    made["worst-130"] = make_worst(write_course(work / "worst-130", count=130, photos=False))
    for name, sessions, years, gap in SPANS:
        made[name] = span_journal(work / name, sessions, years, gap)
    return made


def analysis(root: Path):
    """The analysis a build of `root` renders (photos measured, masks read, findings made)."""
    from scalpsite.journal.load import load
    from scalpsite.pipeline import _analyse
    from scalpsite.prepare import as_of_appointment, writing

    with writing(root, None, None) as cache:
        return _analyse(as_of_appointment(load(root), None), cache, None, None)[3]


def cpu(fn) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


class Collections:
    """CPU time the garbage collector takes, added to the code drawing at the time."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.code, self.started = "", 0.0
        gc.callbacks.append(self.seen)

    def seen(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.process_time()
        elif self.code:
            self.spent[self.code] = self.spent.get(self.code, 0.0) + time.process_time() - self.started


def load_module(path: Path | None):
    """The charts module: this code's, or the one at `path` (its imports are this code's)."""
    import importlib.util

    import scalpsite.render.charts as charts

    if path is None:
        return charts
    spec = importlib.util.spec_from_file_location("charts_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["charts_before"] = module  # dataclasses and pickle look a module up by name
    spec.loader.exec_module(module)
    return module


def first_draws(before: Path | None) -> None:
    """In fresh processes: the import of the charts module and the first two builds' charts."""
    import subprocess

    print("| code | import of the module, ms CPU | first build's charts | second build's |\n|---|---|---|---|")
    for name, path in [("after", None)] + ([("before", before)] if before else []):
        rows = [subprocess.run([sys.executable, __file__, "--first-child", str(path or "")], check=True,
                               capture_output=True, text=True).stdout.split() for _ in range(3)]
        cells = [statistics.median(float(r[i]) for r in rows) for i in range(3)]
        print(f"| {name} | " + " | ".join(f"{c:.0f}" for c in cells) + " |")


def first_child(path: str) -> None:
    import matplotlib  # noqa: F401 - imported by the test workers and the preview before a chart is drawn

    from longcourse import write_course
    from scalpsite.render.chartinputs import chart_reads

    with tempfile.TemporaryDirectory() as tmp:
        reads = chart_reads(analysis(write_course(Path(tmp) / "j", count=130, photos=False)))
        took = [cpu(lambda: globals().__setitem__("module", load_module(Path(path) if path else None)))]
        for n in range(2):
            took.append(cpu(lambda: [module.draw_chart(c, part, Path(tmp) / f"o{n}")  # noqa: F821
                                     for c, part in reads.items()]))
        print(" ".join(f"{t * 1000:.1f}" for t in took))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="draws of each chart (median taken)")
    parser.add_argument("--before", type=Path, help="the charts.py of the code before, to draw in turns with")
    parser.add_argument("--dump", type=Path, help="also write every chart's SVG into DUMP/<journal>/charts/")
    parser.add_argument("--first", action="store_true", help="measure the first draws, in fresh processes")
    parser.add_argument("--heap", type=float, default=0, help="keep this many million more objects alive, as "
                        "a test worker or the preview does (the garbage collector's work grows with them)")
    parser.add_argument("--first-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_child is not None:
        return first_child(args.first_child)
    if args.first:
        return first_draws(args.before)

    import matplotlib  # noqa: F401 - imported before timing, as in the test workers and the preview

    from scalpsite.render.chartinputs import chart_reads

    heap = [[] for _ in range(int(args.heap * 1e6))]  # noqa: F841 - empty lists: tracked by the collector
    codes = {"after": load_module(None)} | ({"before": load_module(args.before)} if args.before else {})
    print(f"load average {os.getloadavg()[0]:.2f}; {args.repeats} draws of each chart by each code, in turns; "
          f"{len(gc.get_objects()) / 1e6:.1f} million objects tracked")
    differ, collections = 0, Collections()
    with tempfile.TemporaryDirectory(prefix="scalpsite-charts-") as tmp:
        work = Path(tmp)
        reads = {name: chart_reads(analysis(root)) for name, root in journals(work / "journals").items()}
        print("\n| journal | chart | " + " | ".join(f"{c} ms CPU" for c in codes)
              + (" | after/before |\n|---|---|---|---|---|" if args.before else " |\n|---|---|---|"))
        builds: dict[str, dict[str, float]] = {}
        for journal, parts in reads.items():
            per_build = {code: [0.0] * args.repeats for code in codes}
            for chart, part in parts.items():
                times: dict[str, list[float]] = {code: [] for code in codes}
                for _ in range(args.repeats):
                    for code, module in codes.items():
                        out, collections.code = work / code / journal, code
                        times[code].append(cpu(lambda: module.draw_chart(chart, part, out)))
                        collections.code = ""
                for code in codes:
                    per_build[code] = [a + b for a, b in zip(per_build[code], times[code])]
                medians = [statistics.median(times[code]) for code in codes]
                if len(medians) > 1 and medians[1] > 0.005:
                    same = (work / "after" / journal / f"charts/{chart}.svg").read_bytes() == \
                        (work / "before" / journal / f"charts/{chart}.svg").read_bytes()
                    differ += not same
                    ratio = f" | {medians[0] / medians[1]:.2f}{'' if same else ' **SVG differs**'}"
                else:
                    ratio = " | –" if args.before else ""
                print(f"| {journal} | {chart} | " + " | ".join(f"{m * 1000:.1f}" for m in medians) + ratio + " |")
            builds[journal] = {code: (statistics.median(per_build[code]), statistics.mean(per_build[code]))
                               for code in codes}
        print("\n| journal | " + " | ".join(f"all charts, {c} ms CPU, median (mean)" for c in codes)
              + (" | after/before, medians (means) |\n|---|---|---|---|" if args.before else " |\n|---|---|"))
        for journal, by_code in builds.items():
            cells = [by_code[code] for code in codes]
            print(f"| {journal} | " + " | ".join(f"{m * 1000:.0f} ({a * 1000:.0f})" for m, a in cells)
                  + (f" | {cells[0][0] / cells[1][0]:.2f} ({cells[0][1] / cells[1][1]:.2f}) |" if args.before else " |"))
        total = {code: sum(a for by_code in builds.values() for a in [by_code[code][1]]) for code in codes}
        print("\ngarbage collection, share of the CPU time of the draws: " + ", ".join(
            f"{code} {collections.spent.get(code, 0.0) / args.repeats / total[code]:.1%}" for code in codes))
        if args.dump:
            shutil.copytree(work / "after", args.dump, dirs_exist_ok=True)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; SVGs that differ: {differ}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
