"""Stage 5: charts as reproducible SVG files, shared by the site and the dossier."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scalpsite import scores

INK, MUTED, ACCENT, GOOD = "#1f2933", "#7b8794", "#2563a6", "#276749"
PHASE_SHADES = ["#f4f6f8", "#eef4fa", "#f4f6f8", "#eef4fa"]
ZONE_COLOURS = ["#2563a6", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#2c7a7b", "#975a16", "#4a5568"]


def _pyplot():
    """matplotlib, imported late (start-up time) and set up for reproducible SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.hashsalt": "scalpsite", "svg.fonttype": "none", "font.family": "DejaVu Sans",
        "font.size": 9, "axes.edgecolor": MUTED, "axes.labelcolor": INK, "xtick.color": INK,
        "ytick.color": INK, "axes.spines.top": False, "axes.spines.right": False,
    })
    return plt


def _dates(sessions: list[dict], key: str) -> tuple[list[dt.date], list[float]]:
    pts = [(dt.date.fromisoformat(s["date"]), s[key]) for s in sessions if s.get(key) is not None]
    return [p[0] for p in pts], [p[1] for p in pts]


def _phase_bands(ax, start: dt.date | None, last: dt.date) -> None:
    """Shade the expected-response phases behind a time axis, labelled at the top."""
    if start is None:
        return
    lower = 0.0
    for i, (upper, _, label) in enumerate(scores.PHASES):
        a = start + dt.timedelta(days=lower * scores.DAYS_PER_MONTH)
        b = start + dt.timedelta(days=min(upper, 240) * scores.DAYS_PER_MONTH)
        if a > last:
            break
        b = min(b, last + dt.timedelta(days=14))
        ax.axvspan(a, b, color=PHASE_SHADES[i], zorder=0, lw=0)
        ax.text(a + (b - a) / 2, 1.0, label, transform=ax.get_xaxis_transform(), ha="center",
                va="bottom", fontsize=7, color=MUTED)
        lower = upper


def _save(plt, fig, path: Path) -> None:
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)


def _date_axis(ax) -> None:
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(axis="y", color="#e4e7eb", lw=0.6)


def salt_chart(plt, data: dict, path: Path) -> bool:
    """SALT over time with the SALT 20 and SALT 10 lines and the phase bands."""
    x, y = _dates(data["sessions"], "salt")
    if not x:
        return False
    fig, ax = plt.subplots(figsize=(7.2, 2.8))
    _phase_bands(ax, _start(data), x[-1])
    for level, text in ((20, "SALT 20: trial success threshold"), (10, "SALT 10")):
        ax.axhline(level, color=GOOD, lw=1.4, ls="--", zorder=2)
        ax.text(x[0], level + 1, text, fontsize=7, color=GOOD, va="bottom")
    ax.plot(x, y, color=ACCENT, marker="o", ms=4, lw=1.8, zorder=3)
    ax.set_ylim(0, max(60, max(y) + 10) if max(y) < 90 else 100)
    ax.set_ylabel("SALT (% scalp hair loss)")
    _date_axis(ax)
    _save(plt, fig, path)
    return True


def _start(data: dict) -> dt.date | None:
    primary = next((t for t in data["treatments"] if t.get("primary")), None)
    return dt.date.fromisoformat(primary["start"]) if primary else None


def density_chart(plt, data: dict, path: Path) -> bool:
    """Density per zone over time, one line per zone."""
    zones = [z for z in data["density_zones"] if any(z in s["density"] for s in data["sessions"])]
    if not zones:
        return False
    fig, ax = plt.subplots(figsize=(7.2, 2.8))
    for i, zone in enumerate(zones):
        pts = [(dt.date.fromisoformat(s["date"]), s["density"][zone]) for s in data["sessions"] if zone in s["density"]]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3, lw=1.4,
                color=ZONE_COLOURS[i % len(ZONE_COLOURS)], label=zone.replace("_", " "))
    ax.set_ylabel(f"density ({data['density_unit']})")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, ncol=3, frameon=False, loc="lower right")
    _date_axis(ax)
    _save(plt, fig, path)
    return True


AD_PANELS = [("itch", "Peak itch NRS (0-10)", 10), ("easi", "EASI (0-72)", None), ("poem", "POEM (0-28)", 28)]


def ad_chart(plt, data: dict, path: Path) -> bool:
    """Atopic dermatitis measures, one small panel each, with the meaningful-change target."""
    panels = [(k, t, top) for k, t, top in AD_PANELS if _dates(data["sessions"], k)[0]]
    if not panels:
        return False
    fig, axes = plt.subplots(1, len(panels), figsize=(7.2, 2.3), squeeze=False)
    for ax, (key, title, top) in zip(axes[0], panels):
        x, y = _dates(data["sessions"], key)
        ax.plot(x, y, color=ACCENT, marker="o", ms=3, lw=1.5)
        target = _target(key, y[0])
        if target is not None:
            ax.axhline(target, color=GOOD, lw=0.9, ls="--")
        ax.set_title(title, fontsize=8, color=INK)
        ax.set_ylim(0, top or max(y) * 1.15 + 1)
        _date_axis(ax)
        ax.tick_params(axis="x", labelsize=6, rotation=30)
    fig.tight_layout()
    _save(plt, fig, path)
    return True


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
    plt = _pyplot()
    folder = out / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for name, draw in CHARTS.items():
        if name == "ad" and "atopic_dermatitis" not in data["conditions"]:
            continue
        if draw(plt, data, folder / f"{name}.svg"):
            made[name] = f"charts/{name}.svg"
    return made
