"""What the preview keeps between its builds: its pages, its photo stage and what its OUT holds.

One object the preview's server holds for as long as it runs (`pipeline.build(..., preview=)`).
Each part changes only when a build finishes it, so a build that fails leaves the next one the
last good state; everything is in memory only (nothing of it is ever read from a file).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scalpsite.chartaside import ChartAside
from scalpsite.photomemo import PhotoMemo
from scalpsite.render.pagememo import PageMemo
from scalpsite.store.inplace import OutRecord


@dataclass
class PreviewMemo:
    """The preview's memory: pages with what they read, the photo stage's result, OUT's files;
    and, when given, the worker that draws its charts while the pages render (chartaside.py)."""

    pages: PageMemo = field(default_factory=PageMemo)
    photos: PhotoMemo = field(default_factory=PhotoMemo)
    out: OutRecord = field(default_factory=OutRecord)
    charts: ChartAside | None = None

    def close(self) -> None:
        """Stop the chart worker, if any."""
        if self.charts is not None:
            self.charts.close()
