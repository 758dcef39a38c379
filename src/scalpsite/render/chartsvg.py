"""Drawing a chart's figure into an SVG file for less CPU, the bytes those of matplotlib's plain path.

A chart does little work of its own: the time goes into matplotlib making and drawing a few
thousand artists. What is cut here is work matplotlib does again for nothing (measured by
benchmarks/charts.py; tests/test_charts.py draws charts both ways and compares the bytes):

- a blank figure of each layout is made once and pickled; unpickling it costs a third of
  making a Figure and its Axes again, and it comes with the ticks most charts draw (making
  them at each draw took a quarter of a chart's time);
- each text is measured once per process instead of once per file;
- an axis label without text is pinned, so drawing does not lay out every tick label once more
  only to place a label that draws nothing;
- no garbage collection while a chart is drawn, one of the young objects after it.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import functools
import gc
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import cbook
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

# matplotlib's own font, also embedded in the PDF. Being matplotlib's, it is always found, so a
# measure of a text in it depends on the text and the size alone (another family may be looked up
# through rcParams).
FONT = "DejaVu Sans"

Layout = tuple[tuple[float, float], tuple[float, float, float, float], int, float]  # size, margins, panels, gap


def figure(size: tuple[float, float], margins: tuple[float, float, float, float], panels: int,
           gap: float) -> tuple[Figure, list]:
    """A figure of `size` inches with `panels` axes side by side, `gap` inches apart, at fixed margins
    (left, bottom, right, top, in inches); it is saved by `save` with the cheaper canvas."""
    layout, params = (size, margins, panels, gap), matplotlib.rcParams
    kept = _BLANKS.get(layout)
    if kept is None or not dict.__eq__(kept[0], params):  # dict's own compare: every value, at C speed
        fig = _new_figure(*layout)
        settings = {k: v if k == "backend" else copy.deepcopy(v) for k, v in dict.items(params)}
        _BLANKS[layout] = (settings, pickle.dumps(fig))
    else:
        fig = pickle.loads(kept[1])
    _Canvas(fig)
    return fig, fig.axes


# Blank figures by layout, pickled, each with the rcParams it was made with (every value copied):
# unpickling one costs a third of making it.
_BLANKS: dict[Layout, tuple[dict, bytes]] = {}


def _new_figure(size: tuple[float, float], margins: tuple[float, float, float, float], panels: int,
                gap: float) -> Figure:
    """A new figure of this layout, with matplotlib's own canvas."""
    (w, h), (left, bottom, right, top) = size, margins
    width = (w - left - right - gap * (panels - 1)) / panels
    fig = Figure(figsize=size)
    fig.subplots(1, panels, squeeze=False, gridspec_kw={"left": left / w, "bottom": bottom / h, "right": 1 - right / w,
                                                       "top": 1 - top / h, "wspace": gap / width})
    for ax in fig.axes:  # made now, they are unpickled with the figure: cheaper than made at each draw
        ax.xaxis.get_major_ticks(TICKS[0])
        ax.yaxis.get_major_ticks(TICKS[1])
    return fig


TICKS = (4, 8)  # major ticks made with a blank figure (x, y): as many as most charts draw


@functools.lru_cache(maxsize=4096)  # the same few labels (months, years, phases) on every chart
def text_width(text: str, size: float) -> float:
    """Width in points of `text` set in FONT at `size`, measured without drawing anything."""
    return text_to_path.get_text_width_height_descent(text, FontProperties(family=FONT, size=size), False)[0]


@functools.lru_cache(maxsize=4096)
def _metrics(text: str, prop: FontProperties) -> tuple[float, float, float]:
    """Width, height and descent in points of `text` set in `prop` (a copy no one changes)."""
    return text_to_path.get_text_width_height_descent(text, prop, False)


class _Renderer(RendererSVG):
    """matplotlib's SVG renderer, measuring each text once per process instead of once per file."""

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath or prop.get_family() != [FONT]:  # mathtext, or a family looked up through rcParams
            return super().get_text_width_height_descent(s, prop, ismath)
        return _metrics(s, prop.copy())  # a copy: a FontProperties is hashed by its (changeable) values


class _Canvas(FigureCanvasSVG):
    """matplotlib's SVG canvas, drawing with `_Renderer`."""

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_colours_dpi_orientation):
        # FigureCanvasSVG.print_svg (the same in matplotlib 3.8 to 3.11) with _Renderer for RendererSVG;
        # print_figure has applied what else it passes (it spares only matplotlib's own canvases)
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)  # type: ignore[assignment]  # a text writer over a binary file
            dpi, self.figure.dpi = self.figure.dpi, 72
            width, height = self.figure.get_size_inches()
            renderer = MixedModeRenderer(self.figure, width, height, dpi,
                                         _Renderer(width * 72, height * 72, fh, image_dpi=dpi, metadata=metadata),
                                         bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)  # type: ignore[arg-type]  # as matplotlib's: it passes calls through
            renderer.finalize()


def save(fig: Figure, path: Path) -> None:
    """Write `fig` as an SVG file without a date, so that the same chart gives the same bytes."""
    _pin_empty_labels(fig)
    fig.savefig(path, format="svg", metadata={"Date": None})


def _pin_empty_labels(fig: Figure) -> None:
    """Pin every axis label that has no text: matplotlib would measure every tick label once more to
    place it, and an empty label draws nothing wherever it is."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                axis.set_label_coords(0.5, 0.5)


@contextlib.contextmanager
def styled(style: dict[Any, Any]) -> Iterator[None]:
    """rcParams set to `style`, and back as they were (matplotlib's rc_context copies all 300 of them)."""
    before = {key: dict.__getitem__(matplotlib.rcParams, key) for key in style}
    try:
        matplotlib.rcParams.update(style)
        yield
    finally:
        dict.update(matplotlib.rcParams, before)


@contextlib.contextmanager
def collected_young() -> Iterator[None]:
    """No garbage collection inside, and one of the young generation at the end.

    A chart is tens of thousands of short-lived objects in reference cycles (matplotlib's artists
    and transforms). Collected as usual, they are traversed again and again while the chart is
    drawn, then moved to the old generation, where only a collection of every object of the
    process frees them; collected once at the end, they are freed by a collection of the young."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect(0)
