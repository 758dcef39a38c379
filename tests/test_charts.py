"""Charts: which SVGs are written, readable date axes at every span, reproducible bytes, the same
bytes as matplotlib's plain path."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest
from conftest import write_journal
from longcourse import make_worst, write_course
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from scalpsite.analysis.analyze import analyze
from scalpsite.analysis.results import Analysis
from scalpsite.journal.load import load
from scalpsite.render import chartsvg
from scalpsite.render.charts import (
    STYLE,
    ad_chart,
    density_chart,
    month_starts,
    render_charts,
    salt_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
ZONES = ["frontal", "crown", "temporal_left"]


def journal(sessions: int, years: float, first: str = "2020-01-06", **drop: bool) -> Analysis:
    """The analysis of a journal of `sessions` spread over `years`.

    drop=True for "salt", "density" or "ad" leaves that measure out of every session.
    """
    start = dt.date.fromisoformat(first)
    step = years * 365.25 / max(sessions - 1, 1)
    texts = {}
    for i in range(sessions):
        t = i / max(sessions - 1, 1)
        lines = [] if drop.get("salt") else [f"salt: {round(55 - 45 * t, 1)}"]
        if not drop.get("density"):
            lines.append("density: {" + ", ".join(f"{z}: {40 + 30 * t + 5 * k:.2f}" for k, z in enumerate(ZONES)) + "}")
        if not drop.get("ad"):
            lines.append(f"ad: {{itch: {round(8 - 6 * t)}, easi: {round(20 - 17 * t, 1)}, poem: {round(22 - 18 * t)}}}")
        texts[(start + dt.timedelta(days=round(i * step))).isoformat()] = "\n".join(lines) + "\n"
    conditions = "[alopecia_areata]" if drop.get("ad") else "[alopecia_areata, atopic_dermatitis]"
    config = (f"conditions: {conditions}\ntreatments:\n  - {{drug: dupilumab, start: {start + dt.timedelta(days=7)}}}\n"
              f"density: {{zones: [{', '.join(ZONES)}]}}\n")
    with tempfile.TemporaryDirectory() as tmp:
        root = write_journal(Path(tmp) / "j", texts, config=config)
        return analyze(load(root))


def x_axes(svg: Path) -> list[list[tuple[float, str]]]:
    """The tick labels of every x axis in an SVG chart, as (x position, text), left to right."""
    axes = []
    for axis in ET.parse(svg).iter(f"{SVG}g"):
        ticks = [g for g in axis.findall(f"{SVG}g") if g.get("id", "").startswith("xtick_")]
        if axis.get("id", "").startswith("matplotlib.axis_") and ticks:
            labels = [t for g in ticks for t in g.iter(f"{SVG}text")]
            axes.append(sorted((float(t.get("x")), t.text) for t in labels))
    return axes


@pytest.mark.parametrize("drop, expected", [
    ({}, ["ad", "density", "salt"]),
    ({"salt": True}, ["ad", "density"]),
    ({"density": True}, ["ad", "salt"]),
    ({"ad": True}, ["density", "salt"]),
    ({"salt": True, "density": True, "ad": True}, []),
])
def test_only_charts_with_data_are_written(tmp_path, drop, expected):
    made = render_charts(journal(13, 1, **drop), tmp_path)
    assert sorted(made) == expected
    assert made == {name: f"charts/{name}.svg" for name in expected}
    assert sorted(p.stem for p in (tmp_path / "charts").iterdir()) == expected


def test_ad_is_not_charted_unless_tracked(tmp_path):
    data = journal(13, 1)
    data.conditions = ["alopecia_areata"]
    assert sorted(render_charts(data, tmp_path)) == ["density", "salt"]


SPANS = {  # name: (sessions, years)
    "one session": (1, 0), "six weeks": (3, 0.12), "one year": (13, 1), "two and a half years": (26, 2.5),
    "four years": (40, 4), "seven years": (60, 7), "twelve years": (130, 12), "thirty years": (90, 30),
}


@pytest.fixture(scope="module")
def charts_of(tmp_path_factory):
    """The chart folder of journal(sessions, years), rendered once per test run."""
    done: dict[tuple[int, float], Path] = {}

    def render(sessions: int, years: float) -> Path:
        if (sessions, years) not in done:
            out = tmp_path_factory.mktemp("charts")
            assert len(render_charts(journal(sessions, years), out)) == 3
            done[sessions, years] = out / "charts"
        return done[sessions, years]
    return render


@pytest.fixture(params=SPANS, ids=list(SPANS))
def rendered(request, charts_of) -> Path:
    return charts_of(*SPANS[request.param])


@pytest.mark.parametrize("name, most", [("salt", 9), ("density", 9), ("ad", 4)])
def test_date_labels_are_few_and_do_not_touch(rendered, name, most):
    svg = rendered / f"{name}.svg"
    axes = x_axes(svg)
    assert len(axes) == (3 if name == "ad" else 1)
    size = 7 if name == "ad" else 9
    for labels in axes:
        assert 1 <= len(labels) <= most, labels
        for (x0, a), (x1, b) in zip(labels, labels[1:]):  # centred labels; DejaVu digits are 0.64 em
            assert x1 - x0 > 0.7 * size * (len(a) + len(b)) / 2, (a, b)


def test_every_chart_parses_as_svg(rendered):
    for svg in rendered.iterdir():
        assert ET.parse(svg).getroot().tag == f"{SVG}svg"


@pytest.mark.parametrize("sessions, years, labels", [
    (13, 1, ["Jan 2020", "Apr 2020", "Jul 2020", "Oct 2020", "Jan 2021"]),
    (26, 2.5, ["Jan 2020", "Jul 2020", "Jan 2021", "Jul 2021", "Jan 2022", "Jul 2022"]),
    (130, 12, ["2020", "2022", "2024", "2026", "2028", "2030", "2032"]),
])
def test_label_format_follows_the_span(charts_of, sessions, years, labels):
    assert [text for _, text in x_axes(charts_of(sessions, years) / "salt.svg")[0]] == labels


def test_two_renders_are_byte_identical_and_leave_matplotlib_settings_alone(charts_of, tmp_path):
    before, had_pyplot = {key: matplotlib.rcParams[key] for key in STYLE}, "matplotlib.pyplot" in sys.modules
    render_charts(journal(26, 2.5), tmp_path)
    assert {key: matplotlib.rcParams[key] for key in STYLE} == before
    assert ("matplotlib.pyplot" in sys.modules) == had_pyplot  # the object API only
    for name in ("salt", "density", "ad"):
        assert (tmp_path / f"charts/{name}.svg").read_bytes() == (charts_of(26, 2.5) / f"{name}.svg").read_bytes()


@pytest.mark.parametrize("chart, blank", [
    (salt_chart, lambda session: setattr(session, "salt", None)),
    (density_chart, lambda session: session.density.update(frontal=None)),
    (ad_chart, lambda session: setattr(session, "itch", None)),
])
def test_a_missing_measure_is_skipped_not_drawn_as_zero(chart, blank):
    data = journal(13, 1)
    blank(data.sessions[4])
    line = next(ln for ln in chart(data).axes[0].lines if ln.get_marker() == "o")  # not a target line
    assert len(line.get_xdata()) == 12 and min(line.get_ydata()) > 0


@pytest.mark.parametrize("first, last, step, expected", [
    ("2025-01-06", "2026-01-12", 3, ["2025-04-01", "2025-07-01", "2025-10-01", "2026-01-01"]),
    ("2025-01-01", "2025-03-01", 1, ["2025-01-01", "2025-02-01", "2025-03-01"]),
    ("2019-12-15", "2032-03-01", 60, ["2020-01-01", "2025-01-01", "2030-01-01"]),
    ("2025-02-02", "2025-02-27", 1, []),
])
def test_month_starts(first, last, step, expected):
    days = month_starts(dt.date.fromisoformat(first), dt.date.fromisoformat(last), step)
    assert [d.isoformat() for d in days] == expected


def plainly(monkeypatch) -> None:
    """Draw charts by matplotlib's plain path: a new figure each with matplotlib's canvas (every
    text measured for each file), every axis label placed, rc_context, the collector as usual."""
    monkeypatch.setattr(chartsvg, "figure", lambda *layout: ((fig := chartsvg._new_figure(*layout)), fig.axes))
    monkeypatch.setattr(chartsvg, "_pin_empty_labels", lambda fig: None)
    monkeypatch.setattr(chartsvg, "styled", matplotlib.rc_context)
    monkeypatch.setattr(chartsvg, "collected_young", contextlib.nullcontext)


def long_course() -> Analysis:
    """The long course (41 sessions: doses, a pause, control panels), with ten density zones."""
    with tempfile.TemporaryDirectory() as tmp:
        return analyze(load(make_worst(write_course(Path(tmp) / "j", photos=False))))


@pytest.mark.parametrize("data", [long_course, lambda: journal(130, 12), lambda: journal(3, 0.12)],
                         ids=["long course", "twelve years", "six weeks"])
def test_charts_are_the_bytes_of_matplotlibs_plain_path(tmp_path, monkeypatch, data):
    """What render/chartsvg.py saves (blank figures unpickled, texts measured once, empty labels
    pinned) is what matplotlib writes without it: its first chart of a layout and its later ones."""
    analysis = data()
    chartsvg._BLANKS.clear()
    made = [render_charts(analysis, tmp_path / "first"), render_charts(analysis, tmp_path / "again")]
    with monkeypatch.context() as m:
        plainly(m)
        made.append(render_charts(analysis, tmp_path / "plain"))
    assert made[0] == made[1] == made[2] and len(made[0]) >= 3
    for rel in made[0].values():
        plain = (tmp_path / "plain" / rel).read_bytes()
        assert (tmp_path / "first" / rel).read_bytes() == plain, rel
        assert (tmp_path / "again" / rel).read_bytes() == plain, rel


def test_a_blank_figure_is_made_again_under_other_settings():
    layout = ((7.2, 2.8), (0.62, 0.34, 0.38, 0.24), 1, 0.0)
    assert chartsvg.figure(*layout)[1][0].spines["left"].get_linewidth() == matplotlib.rcParams["axes.linewidth"]
    with matplotlib.rc_context({"axes.linewidth": 3.5}):
        assert chartsvg.figure(*layout)[1][0].spines["left"].get_linewidth() == 3.5
    assert chartsvg.figure(*layout)[1][0].spines["left"].get_linewidth() == matplotlib.rcParams["axes.linewidth"]


TEXTS = ["Jan 2020", "Jul 2025", "2032", "Sep 2026", "Loading (weeks 0-16)", "early →", "SALT ≤ 20", "", "Ægir ½ µg/L"]


@pytest.mark.parametrize("size", [6, 6.5, 7, 9])
def test_a_text_width_is_measured_once_as_matplotlib_measures_it(size):
    for text in TEXTS + TEXTS:  # each twice: the second from the cache
        prop = FontProperties(family=chartsvg.FONT, size=size)
        assert chartsvg.text_width(text, size) == text_to_path.get_text_width_height_descent(text, prop, False)[0]


@pytest.mark.parametrize("prop", [
    {"family": chartsvg.FONT, "size": 9}, {"family": chartsvg.FONT, "size": 7, "weight": "bold"},
    {"family": chartsvg.FONT, "size": 6.5, "style": "italic"}, {"family": "serif", "size": 9}, {"size": 8},
])
def test_the_renderer_measures_a_text_as_matplotlibs(prop):
    ours, theirs = (cls(100, 100, io.StringIO()) for cls in (chartsvg._Renderer, RendererSVG))
    for text in TEXTS:
        font = FontProperties(**prop)
        assert ours.get_text_width_height_descent(text, font, False) == \
            theirs.get_text_width_height_descent(text, font, False)
        font.set_size(font.get_size() + 3)  # changed after it was measured: measured again, as changed
        assert ours.get_text_width_height_descent(text, font, False) == \
            theirs.get_text_width_height_descent(text, font, False)
