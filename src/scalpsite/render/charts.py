"""Stage 5: charts as reproducible SVG files, shared by the site and the dossier."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib.dates import date2num
from matplotlib.figure import Figure

from scalpsite.analysis.labels import (
    MONTHS,  # the locale-free month names of every page
)
from scalpsite.analysis.results import Analysis, InjectionDose, Interruption, PhaseSpan
from scalpsite.measures.alopecia import SALT
from scalpsite.render import chartsvg
from scalpsite.render.chartinputs import Reads, SessionReads, chart_reads
from scalpsite.render.chartsvg import FONT, text_width

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

INK, MUTED, ACCENT, GOOD, WARN = "#1f2933", "#7b8794", "#2563a6", "#276749", "#c05621"
MEASURED = "#c05621"  # the SALT measured from masks
PHASE_SHADES = ["#f4f6f8", "#eef4fa", "#f4f6f8", "#eef4fa"]
ZONE_COLOURS = ["#2563a6", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"]
ZONE_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
ZONE_DASHES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1))]

# Applied only while the charts are drawn; the fixed hash seed and no dates keep the SVG byte-identical.
# No mathtext: every text a chart draws (zone names, units, labels) is drawn as written, so `$\x$`
# in a journal is two dollar signs and a backslash, never a formula to parse (or fail on).
STYLE: dict[RcKeyType, Any] = {
    "text.parse_math": False,
    "svg.hashsalt": "scalpsite", "svg.fonttype": "none", "font.family": FONT,
    "font.size": 9, "axes.edgecolor": MUTED, "axes.labelcolor": INK, "xtick.color": INK,
    "ytick.color": INK, "axes.spines.top": False, "axes.spines.right": False,
}

# Fixed margins in inches (left, bottom, right, top), so each chart is drawn once, never measured.
# Left holds a three-digit tick label and the y label; right half of a date label at the edge.
MARGINS = (0.62, 0.34, 0.38, 0.24)
AD_MARGINS, AD_GAP = (0.32, 0.3, 0.3, 0.24), 0.5  # AD panels: titles above, no y label

# Date tick schemes, finest first: (months between labels, months between minor ticks; 0 for none).
DATE_STEPS = [(1, 0), (3, 1), (6, 3), (12, 3), (24, 12), (60, 12), (120, 60)]
MAX_LABELS, AD_MAX_LABELS = 9, 4
DAYS_PER_MONTH = 365.25 / 12  # for spacing date labels only; the analysis dates every phase


def _points(sessions: list[SessionReads], value: Callable[[SessionReads], float | None]) -> tuple[list[dt.date], list[float]]:
    """Dates and values of the sessions that have a value; a missing one is skipped, never 0."""
    pts = [(dt.date.fromisoformat(s.date), v) for s in sessions if (v := value(s)) is not None]
    return [p[0] for p in pts], [p[1] for p in pts]


def _reading(zone: str) -> Callable[[SessionReads], float | None]:
    """A session's density reading of `zone` (None when not taken)."""
    return lambda s: s.density.get(zone)


def _dates(sessions: list[SessionReads], key: str) -> tuple[list[dt.date], list[float]]:
    """The sessions' values of the measure `key` (a field of the session, named by the analysis)."""
    return _points(sessions, lambda s: s.measure(key))


def _line_style(points: int, ms: float, lw: float) -> dict:
    """Marker size and line width for a series: both shrink as the points crowd together."""
    crowding = min(1.0, math.sqrt(20 / max(points, 1)))  # 1 up to 20 points, 0.4 at 130
    return {"marker": "o", "ms": max(1.2, ms * crowding), "lw": lw * max(0.6, crowding)}


def _figure(size: tuple[float, float], margins: tuple[float, float, float, float] = MARGINS,
            panels: int = 1, gap: float = 0.0) -> tuple[Figure, list]:
    """A figure with `panels` axes side by side, placed at fixed margins (inches)."""
    return chartsvg.figure(size, margins, panels, gap)


def _width_pt(ax) -> float:
    return ax.get_position().width * ax.get_figure().get_figwidth() * 72


def month_starts(first: dt.date, last: dt.date, step: int) -> list[dt.date]:
    """First days of the months in [first, last] whose number since year 0 is a multiple of `step`."""
    month = first.year * 12 + first.month - 1 + (first.day > 1)
    month += -month % step
    out = []
    while (day := dt.date(month // 12, month % 12 + 1, 1)) <= last:
        out.append(day)
        month += step
    return out


def date_ticks(first: dt.date, last: dt.date, width_pt: float, size: float,
               max_labels: int) -> tuple[list[dt.date], list[str], list[dt.date]]:
    """Major ticks, their labels and the minor ticks between them: the finest scheme whose labels do
    not touch."""
    days = max((last - first).days, 1)
    for step, minor in DATE_STEPS:  # when none fits, the coarsest is kept
        ticks = month_starts(first, last, step)
        labels = [f"{MONTHS[t.month - 1]} {t.year}" if step < 12 else str(t.year) for t in ticks]
        spacing = width_pt * step * DAYS_PER_MONTH / days
        if len(ticks) <= max_labels and all(text_width(s, size) + 1.5 * size <= spacing for s in labels):
            break
    # a minor tick under a major one is not drawn (matplotlib drops it), so it is not made either
    return ticks, labels, [t for t in month_starts(first, last, minor) if t not in ticks] if minor else []


def _date_axis(ax, dates: list[dt.date], size: float, max_labels: int,
               minor: bool = True) -> tuple[dt.date, dt.date]:
    """An x axis over `dates` whose tick spacing and format follow the span; returns its limits."""
    pad = dt.timedelta(days=max((max(dates) - min(dates)).days // 33, 16))
    first, last = min(dates) - pad, max(dates) + pad
    ax.set_xlim(first, last)
    ticks, labels, minor_ticks = date_ticks(first, last, _width_pt(ax), size, max_labels)
    ax.set_xticks(date2num(ticks), labels, fontsize=size)
    ax.set_xticks(date2num(minor_ticks if minor else []), minor=True)
    ax.grid(axis="y", color="#e4e7eb", lw=0.6)
    return first, last


def _phase_bands(ax, phases: list[PhaseSpan], span: tuple[dt.date, dt.date]) -> None:
    """Shade the expected-response phases (dated by the analysis) and name each: its label, else its
    short label, smaller if need be; the current phase, too narrow yet, at the right edge."""
    first, last = span
    per_day = _width_pt(ax) / (last - first).days
    for i, phase in enumerate(phases):
        a = max(first, dt.date.fromisoformat(phase.start))
        b = min(last, dt.date.fromisoformat(phase.end)) if phase.end else last
        if a >= b:
            continue
        ax.axvspan(a, b, color=PHASE_SHADES[i % len(PHASE_SHADES)], zorder=0, lw=0)
        room = (b - a).days * per_day
        fits = [(text, size) for text, size in ((phase.label, 7), (phase.short_label, 7), (phase.short_label, 6))
                if text_width(text, size) + 4 <= room]
        if fits:
            ax.text(a + (b - a) / 2, 1.0, fits[0][0], transform=ax.get_xaxis_transform(), ha="center",
                    va="bottom", fontsize=fits[0][1], color=MUTED)
        elif b == last:
            ax.text(b, 1.0, phase.label + " →", transform=ax.get_xaxis_transform(), ha="right",
                    va="bottom", fontsize=7, color=MUTED)


def salt_chart(data: Reads) -> Figure | None:
    """SALT over time with the SALT 20 and SALT 10 lines and the phase bands."""
    x, y = _points(data.sessions, lambda s: s.measure(SALT.key))
    if not x:
        return None
    fig, (ax,) = _figure((7.2, 2.8))
    _phase_bands(ax, data.phases, _date_axis(ax, x, 9, MAX_LABELS))
    for line in data.salt_lines:
        ax.axhline(line.value, color=GOOD, lw=1.4, ls="--", zorder=2)
        ax.text(0.01, line.value + 1, line.label, transform=ax.get_yaxis_transform(), fontsize=7,
                color=GOOD, va="bottom", zorder=4, bbox={"fc": "white", "ec": "none", "alpha": 0.75, "pad": 1})
    series = data.photo_evidence.series
    ax.plot(x, y, color=ACCENT, zorder=3, label=series["entered"], **_line_style(len(x), 4, 1.8))
    mx, my = _points(data.sessions, lambda s: s.photo_salt)
    if mx:  # the SALT measured from painted masks, beside the entered one
        ax.plot(mx, my, color=MEASURED, zorder=4, ls="--", mfc="white", mew=1.4, label=series["photo"],
                **_line_style(len(mx), 5, 1.4))
        ax.legend(fontsize=7, frameon=False, loc="upper right", handlelength=2.2)
    top = max(y + my)
    ax.set_ylim(0, max(60, top + 10) if top < 90 else 100)
    ax.set_ylabel("SALT (% scalp hair loss)")
    _dose_rug(ax, data.injection_doses)
    _gaps(ax, data.interruptions, x[-1])
    return fig


def _gaps(ax, gaps: list[Interruption], last: dt.date) -> None:
    """Hatch each interruption of the drug (from the last dose to the first after it), labelled."""
    for g in gaps:
        a = dt.date.fromisoformat(g.last_dose)
        b = dt.date.fromisoformat(g.first_dose) if g.first_dose else max(last, a)
        ax.axvspan(a, b, facecolor="none", edgecolor=WARN, hatch="///", lw=0, alpha=0.35, zorder=1, gid="dose-gap")
        ax.text(a + (b - a) / 2, 0.97, "no dose", transform=ax.get_xaxis_transform(), ha="center", va="top",
                fontsize=6.5, color=WARN, zorder=4)


def _dose_rug(ax, doses: list[InjectionDose]) -> None:
    """The doses along the bottom of a time axis: a tick per dose given, a cross per dose missed."""
    given = [dt.date.fromisoformat(d.given_on) for d in doses if d.status == "given" and d.given_on is not None]
    missed = [dt.date.fromisoformat(d.due) for d in doses if d.status == "missed"]
    axis = ax.get_xaxis_transform()  # x in dates, y in axes fractions: the rug hugs the bottom
    if given:
        ax.vlines(given, 0, 0.05, transform=axis, color=ACCENT, alpha=0.45, lw=1.0, zorder=2, gid="dose-given")
    if missed:
        ax.plot(missed, [0.045] * len(missed), transform=axis, ls="none", marker="x", ms=4, mew=1.2,
                color=WARN, zorder=4, gid="dose-missed", clip_on=False)


def density_chart(data: Reads) -> Figure | None:
    """Density per zone over time, one line per zone, the legend above the plot."""
    sessions = data.sessions
    zones = [z for z in data.density_zones if any(s.density.get(z) is not None for s in sessions)]
    if not zones:
        return None
    series = [_points(sessions, _reading(z)) for z in zones]
    rows = math.ceil(len(zones) / 4)
    fig, (ax,) = _figure((7.2, 2.8), MARGINS[:3] + (0.1 + 0.16 * rows,))
    _date_axis(ax, [d for x, _ in series for d in x], 9, MAX_LABELS)
    style = _line_style(max(len(x) for x, _ in series), 3, 1.4)
    for i, (zone, (x, y)) in enumerate(zip(zones, series)):  # colour, marker and dash: readable in grey too
        ax.plot(x, y, color=ZONE_COLOURS[i % len(ZONE_COLOURS)], label=zone.replace("_", " "),
                **(style | {"marker": ZONE_MARKERS[i % len(ZONE_MARKERS)], "ls": ZONE_DASHES[i % len(ZONE_DASHES)]}))
    ax.set_ylabel(f"density ({data.density_unit})")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, ncol=math.ceil(len(zones) / rows), frameon=False, loc="lower left",
              bbox_to_anchor=(0, 1.02), borderaxespad=0, columnspacing=1.5, handlelength=1.8)
    return fig


def ad_chart(data: Reads) -> Figure | None:
    """Atopic dermatitis measures, one small panel each, with the meaningful-change target."""
    measures = {m.key: m for m in data.summary.ad_measures}
    panels = [(p.key, p.high, p.rug) for p in data.ad_panels if _dates(data.sessions, p.key)[0]]
    if not panels:
        return None
    fig, axes = _figure((7.2, 2.3), AD_MARGINS, len(panels), AD_GAP)
    every = [d for key, _, _ in panels for d in _dates(data.sessions, key)[0]]
    for ax, (key, top, rug) in zip(axes, panels):
        x, y = _dates(data.sessions, key)
        m = measures[key]
        ax.plot(x, y, color=ACCENT, **_line_style(len(x), 3, 1.5))
        target = m.target.value if m.target else None
        if m.target and target is not None:
            ax.axhline(target, color=GOOD, lw=0.9, ls="--", gid=f"target-{key}")
            ax.text(0.98, target, f"{m.target.label}: {target:g}", transform=ax.get_yaxis_transform(),
                    ha="right", va="bottom", fontsize=6.5, color=GOOD, gid=f"target-{key}-label")
        ax.set_title(f"{m.label} ({m.scale})", fontsize=8, color=INK, y=1.0)  # fixed y: no overlap search
        ax.set_ylim(0, top or max(y) * 1.15 + 1)
        ax.tick_params(axis="y", labelsize=7)
        _date_axis(ax, every, 7, AD_MAX_LABELS, minor=False)  # one span for all, so panels line up
        if rug:
            _dose_rug(ax, data.injection_doses)
    return fig


def control_chart(data: Reads) -> Figure | None:
    """ADCT, RECAP and PGI-C, one small panel each, with the lines the analysis gives each panel."""
    panels = [p for p in data.control_panels if _dates(data.sessions, p.key)[0]]
    if not panels:
        return None
    fig, axes = _figure((7.2, 2.3), AD_MARGINS, len(panels), AD_GAP)
    every = [d for p in panels for d in _dates(data.sessions, p.key)[0]]
    for ax, panel in zip(axes, panels):
        x, y = _dates(data.sessions, panel.key)
        ax.plot(x, y, color=ACCENT, **_line_style(len(x), 3, 1.5))
        for line in panel.lines:
            ax.axhline(line.value, color=GOOD, lw=0.9, ls="--", gid=f"line-{panel.key}")
            ax.text(0.98, line.value, line.label, transform=ax.get_yaxis_transform(), ha="right",
                    va="bottom", fontsize=6.5, color=GOOD)
        ax.set_title(panel.title, fontsize=8, color=INK, y=1.0)
        ax.set_ylim(panel.low - 0.5, (max(y) if panel.high is None else panel.high) + 0.5)
        ax.tick_params(axis="y", labelsize=7)
        _date_axis(ax, every, 7, AD_MAX_LABELS, minor=False)
    return fig


def doses_chart(data: Reads) -> Figure | None:
    """Every dose due at its due date: days from due to the injection, missed ones in a row above."""
    doses = data.injection_doses
    if not doses:
        return None
    fig, (ax,) = _figure((7.2, 2.4), (1.25, 0.34, 0.38, 0.12))
    _date_axis(ax, [dt.date.fromisoformat(d.due) for d in doses], 9, MAX_LABELS)
    lines = data.injection_window
    top = max(line.value for line in lines) + 2
    for line in lines:
        ax.axhline(line.value, color=MUTED, lw=0.6, ls=":", zorder=1)
    for status, timing, colour, marker in DOSE_STYLES:
        picked = [d for d in doses if d.status == status and d.timing == timing]
        if picked:
            ys = [top if status == "missed" else 0 if status == "pending" else d.days_from_due for d in picked]
            ax.plot([dt.date.fromisoformat(d.due) for d in picked], ys, ls="none", marker=marker, ms=4,
                    color=colour, mfc=colour if marker != "o" or status == "given" else "white", zorder=3,
                    gid=f"dose-{status}-{timing}")
    ax.set_ylim(min(line.value for line in lines) - 1.5, top + 1.5)
    ticks = [(line.value, f"{line.label}  {line.value:+g}".replace("+0", "0").replace("-", "−"))
             for line in lines]
    ax.set_yticks([v for v, _ in ticks] + [top], [t for _, t in ticks] + ["nothing logged"], fontsize=7)
    ax.set_ylabel("days from the due date", fontsize=8)
    return fig


# Dose markers: (status, timing, colour, marker); the analysis decides status and timing.
DOSE_STYLES = [("given", "early", ACCENT, "o"), ("given", "on_time", ACCENT, "o"), ("given", "late", WARN, "o"),
               ("missed", None, WARN, "x"), ("pending", None, MUTED, "o")]


CHARTS: dict[str, Callable[[Reads], Figure | None]] = {SALT.key: salt_chart, "density": density_chart, "ad": ad_chart, "control": control_chart,
          "doses": doses_chart}


def render_charts(data: Analysis, out: Path) -> dict[str, str]:
    """Write every chart that has data into out/charts/; returns name -> relative path."""
    (out / "charts").mkdir(parents=True, exist_ok=True)
    made: dict[str, str] = {}
    for name, reads in chart_reads(data).items():
        made |= draw_chart(name, reads, out)
    return made


def draw_chart(name: str, reads: Reads, out: Path) -> dict[str, str]:
    """Write the chart `name` drawn from what it reads into out/charts/, if it has data: name -> path."""
    with chartsvg.collected_young():  # once the figure is gone (_draw has returned)
        return _draw(name, reads, out)


def _draw(name: str, reads: Reads, out: Path) -> dict[str, str]:
    with chartsvg.styled(STYLE):
        fig = CHARTS[name](reads)
        if fig is None:
            return {}
        folder = out / "charts"
        folder.mkdir(parents=True, exist_ok=True)
        chartsvg.save(fig, folder / f"{name}.svg")
    return {name: f"charts/{name}.svg"}
