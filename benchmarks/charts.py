#!/usr/bin/env python3
"""CPU time of drawing each chart (render/charts.py), and the SVGs for a byte comparison.

Prepares a few journals (the example journal, analysed as a build does, with its painted
masks; the long course of tests/longcourse.py at 130 sessions; the same made "worst": ten
density zones; and short and long spans with values missing), analyses each once, then
draws every chart of each `--repeats` times in this one process, matplotlib imported
beforehand as in the test workers and the preview. Prints the CPU time (time.process_time)
of the first draw of the process, and the median per chart and per journal ("build": every
chart of it, as render_charts draws them).

    python benchmarks/charts.py --repeats 7
    python benchmarks/charts.py --repeats 1 --dump /tmp/svgs-after   # then: diff -r (or cmp) with a dump of the code before

To measure other code with the same script, put its src first: PYTHONPATH=/path/src python ...
This is a measurement, not a test: it exits 0 whatever the numbers are.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="draws of each chart (median taken)")
    parser.add_argument("--dump", type=Path, help="write every chart's SVG into DUMP/<journal>/charts/")
    args = parser.parse_args()

    import matplotlib  # noqa: F401 - imported before timing, as in the test workers and the preview

    import scalpsite.render.charts as charts
    from scalpsite.render.chartinputs import chart_reads

    print(f"charts.py from {charts.__file__}; load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="scalpsite-charts-") as tmp:
        work = Path(tmp)
        reads = {name: chart_reads(analysis(root)) for name, root in journals(work / "journals").items()}
        out = lambda name: (args.dump / name) if args.dump else work / "out" / name  # noqa: E731
        first = cpu(lambda: charts.draw_chart("salt", reads["example"]["salt"], out("example")))
        print(f"first draw of the process (example, salt): {first * 1000:.0f} ms CPU\n")
        print("| journal | chart | median ms CPU | min | max |\n|---|---|---|---|---|")
        builds = {}
        for journal, parts in reads.items():
            per_build = [0.0] * args.repeats
            for chart, part in parts.items():
                times = [cpu(lambda: charts.draw_chart(chart, part, out(journal))) for _ in range(args.repeats)]
                per_build = [a + b for a, b in zip(per_build, times)]
                print(f"| {journal} | {chart} | {statistics.median(times) * 1000:.1f} | {min(times) * 1000:.1f} "
                      f"| {max(times) * 1000:.1f} |")
            builds[journal] = statistics.median(per_build)
        print("\n| journal | all charts, median ms CPU |\n|---|---|")
        for journal, seconds in builds.items():
            print(f"| {journal} | {seconds * 1000:.0f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
