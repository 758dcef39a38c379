"""Stage 5: charts as reproducible SVG files, shared by the site and the dossier."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path

import matplotlib
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from scalpsite.analysis import scores
from scalpsite.render.framing import SALT_SERIES
from scalpsite.render.site import (
    MONTHS,  # the site's locale-free month names: charts and pages agree
)

INK, MUTED, ACCENT, GOOD = "#1f2933", "#7b8794", "#2563a6", "#276749"
MEASURED = "#c05621"  # the SALT measured from masks
PHASE_SHADES = ["#f4f6f8", "#eef4fa", "#f4f6f8", "#eef4fa"]
ZONE_COLOURS = ["#2563a6", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"]
FONT = "DejaVu Sans"  # matplotlib's own font, also embedded in the PDF

# Applied only while the charts are drawn; the fixed salt and no dates keep the SVG byte-identical.
STYLE = {
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


def _text_width(text: str, size: float) -> float:
    """Width in points of `text` set in the chart font, measured without drawing anything."""
    return text_to_path.get_text_width_height_descent(text, FontProperties(family=FONT, size=size), False)[0]


def _points(sessions: list[dict], value: Callable[[dict], float | None]) -> tuple[list[dt.date], list[float]]:
    """Dates and values of the sessions that have a value; a missing one is skipped, never 0."""
    pts = [(dt.date.fromisoformat(s["date"]), value(s)) for s in sessions if value(s) is not None]
    return [p[0] for p in pts], [p[1] for p in pts]


def _dates(sessions: list[dict], key: str) -> tuple[list[dt.date], list[float]]:
    return _points(sessions, lambda s: s.get(key))


def _line_style(points: int, ms: float, lw: float) -> dict:
    """Marker size and line width for a series: both shrink as the points crowd together."""
    crowding = min(1.0, math.sqrt(20 / max(points, 1)))  # 1 up to 20 points, 0.4 at 130
    return {"marker": "o", "ms": max(1.2, ms * crowding), "lw": lw * max(0.6, crowding)}


def _axes_rect(size: tuple[float, float], margins: tuple[float, float, float, float]) -> dict:
    """Margins in inches as the figure fractions `subplots` takes."""
    (w, h), (left, bottom, right, top) = size, margins
    return {"left": left / w, "bottom": bottom / h, "right": 1 - right / w, "top": 1 - top / h}


def _figure(size: tuple[float, float], margins: tuple[float, float, float, float] = MARGINS,
            panels: int = 1, gap: float = 0.0) -> tuple[Figure, list]:
    """A figure with `panels` axes side by side, placed at fixed margins."""
    fig = Figure(figsize=size)
    width = (size[0] - margins[0] - margins[2] - gap * (panels - 1)) / panels
    axes = fig.subplots(1, panels, squeeze=False,
                        gridspec_kw=_axes_rect(size, margins) | {"wspace": gap / width})[0]
    return fig, list(axes)


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
    """Major ticks, their labels and minor ticks: the finest scheme whose labels do not touch."""
    days = max((last - first).days, 1)
    for step, minor in DATE_STEPS:  # when none fits, the coarsest is kept
        ticks = month_starts(first, last, step)
        labels = [f"{MONTHS[t.month - 1]} {t.year}" if step < 12 else str(t.year) for t in ticks]
        spacing = width_pt * step * scores.DAYS_PER_MONTH / days
        if len(ticks) <= max_labels and all(_text_width(s, size) + 1.5 * size <= spacing for s in labels):
            break
    return ticks, labels, month_starts(first, last, minor) if minor else []


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


def _phase_bands(ax, start: dt.date | None, span: tuple[dt.date, dt.date]) -> None:
    """Shade the expected-response phases behind the time axis; label those wide enough for it."""
    if start is None:
        return
    first, last = span
    per_day = _width_pt(ax) / (last - first).days
    lower = 0.0
    for i, (upper, _, label) in enumerate(scores.PHASES):
        a = max(first, start + dt.timedelta(days=lower * scores.DAYS_PER_MONTH))
        b = last if math.isinf(upper) else min(last, start + dt.timedelta(days=upper * scores.DAYS_PER_MONTH))
        lower = upper
        if a >= b:
            continue
        ax.axvspan(a, b, color=PHASE_SHADES[i], zorder=0, lw=0)
        if _text_width(label, 7) + 6 <= (b - a).days * per_day:
            ax.text(a + (b - a) / 2, 1.0, label, transform=ax.get_xaxis_transform(), ha="center",
                    va="bottom", fontsize=7, color=MUTED)


def _start(data: dict) -> dt.date | None:
    primary = next((t for t in data["treatments"] if t.get("primary")), None)
    return dt.date.fromisoformat(primary["start"]) if primary else None


def salt_chart(data: dict) -> Figure | None:
    """SALT over time with the SALT 20 and SALT 10 lines and the phase bands."""
    x, y = _dates(data["sessions"], "salt")
    if not x:
        return None
    fig, (ax,) = _figure((7.2, 2.8))
    _phase_bands(ax, _start(data), _date_axis(ax, x, 9, MAX_LABELS))
    for level, text in ((20, "SALT 20: trial success threshold"), (10, "SALT 10")):
        ax.axhline(level, color=GOOD, lw=1.4, ls="--", zorder=2)
        ax.text(0.01, level + 1, text, transform=ax.get_yaxis_transform(), fontsize=7, color=GOOD,
                va="bottom", zorder=4, bbox={"fc": "white", "ec": "none", "alpha": 0.75, "pad": 1})
    ax.plot(x, y, color=ACCENT, zorder=3, label=SALT_SERIES["entered"], **_line_style(len(x), 4, 1.8))
    mx, my = _dates(data["sessions"], "photo_salt")
    if mx:  # the SALT measured from painted masks, beside the entered one
        ax.plot(mx, my, color=MEASURED, zorder=4, ls="--", mfc="white", mew=1.4, label=SALT_SERIES["photo"],
                **_line_style(len(mx), 5, 1.4))
        ax.legend(fontsize=7, frameon=False, loc="upper right", handlelength=2.2)
    top = max(y + my)
    ax.set_ylim(0, max(60, top + 10) if top < 90 else 100)
    ax.set_ylabel("SALT (% scalp hair loss)")
    return fig


def density_chart(data: dict) -> Figure | None:
    """Density per zone over time, one line per zone, the legend above the plot."""
    sessions = data["sessions"]
    zones = [z for z in data["density_zones"] if any(s["density"].get(z) is not None for s in sessions)]
    if not zones:
        return None
    series = [_points(sessions, lambda s, z=z: s["density"].get(z)) for z in zones]
    rows = math.ceil(len(zones) / 4)
    fig, (ax,) = _figure((7.2, 2.8), MARGINS[:3] + (0.1 + 0.16 * rows,))
    _date_axis(ax, [d for x, _ in series for d in x], 9, MAX_LABELS)
    style = _line_style(max(len(x) for x, _ in series), 3, 1.4)
    for i, (zone, (x, y)) in enumerate(zip(zones, series)):
        ax.plot(x, y, color=ZONE_COLOURS[i % len(ZONE_COLOURS)], label=zone.replace("_", " "), **style)
    ax.set_ylabel(f"density ({data['density_unit']})")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, ncol=math.ceil(len(zones) / rows), frameon=False, loc="lower left",
              bbox_to_anchor=(0, 1.02), borderaxespad=0, columnspacing=1.5, handlelength=1.8)
    return fig


AD_PANELS = [("itch", "Peak itch NRS (0-10)", 10), ("easi", "EASI (0-72)", None), ("poem", "POEM (0-28)", 28)]


def ad_chart(data: dict) -> Figure | None:
    """Atopic dermatitis measures, one small panel each, with the meaningful-change target."""
    panels = [(k, t, top) for k, t, top in AD_PANELS if _dates(data["sessions"], k)[0]]
    if not panels:
        return None
    fig, axes = _figure((7.2, 2.3), AD_MARGINS, len(panels), AD_GAP)
    every = [d for key, _, _ in panels for d in _dates(data["sessions"], key)[0]]
    for ax, (key, title, top) in zip(axes, panels):
        x, y = _dates(data["sessions"], key)
        ax.plot(x, y, color=ACCENT, **_line_style(len(x), 3, 1.5))
        target = _target(key, y[0])
        if target is not None:
            ax.axhline(target, color=GOOD, lw=0.9, ls="--")
        ax.set_title(title, fontsize=8, color=INK, y=1.0)  # a fixed y skips a costly overlap search
        ax.set_ylim(0, top or max(y) * 1.15 + 1)
        ax.tick_params(axis="y", labelsize=7)
        _date_axis(ax, every, 7, AD_MAX_LABELS, minor=False)  # one span for all, so panels line up
    return fig


def _target(key: str, first: float) -> float | None:
    """The value that would meet the meaningful change from the first recorded value."""
    if key == "itch":
        return max(first - scores.ITCH_MEANINGFUL, 0)
    if key == "poem":
        return max(first - scores.POEM_MEANINGFUL, 0)
    return first * 0.25 if key == "easi" else None  # EASI-75


CHARTS = {"salt": salt_chart, "density": density_chart, "ad": ad_chart}


def render_charts(data: dict, out: Path) -> dict[str, str]:
    """Write every chart that has data into out/charts/; returns name -> relative path."""
    folder = out / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    with matplotlib.rc_context(STYLE):
        for name, draw in CHARTS.items():
            if name == "ad" and "atopic_dermatitis" not in data["conditions"]:
                continue
            fig = draw(data)
            if fig is not None:
                fig.savefig(folder / f"{name}.svg", format="svg", metadata={"Date": None})
                made[name] = f"charts/{name}.svg"
    return made
