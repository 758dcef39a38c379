"""The framing of a photo against the baseline (see align.py for how it is found), and how
far it can be trusted. No NumPy here: the analysis and a build with nothing new to do read
these without loading it."""

from __future__ import annotations

from dataclasses import dataclass

CONFIDENT = 0.6  # the lowest confidence whose alignment is used for comparisons (docs/photos.md)
MIN_COVERAGE = 0.6  # share of the baseline's view an aligned photo must cover
RETRY = 0.2  # confidence from which a second start (the log-polar estimate) is worth trying
MIN_CONTRAST = 2.0  # grey levels (standard deviation) below which a photo is blank: nothing to align


@dataclass(frozen=True)
class Alignment:
    """The similarity transform from a photo to the baseline, and how far to trust it (0-1)."""

    dx_pct: float
    dy_pct: float
    rotation_deg: float
    scale: float
    confidence: float

    def as_dict(self) -> dict:
        """The data.json form, rounded so that the output is stable."""
        return {"dx_pct": round(self.dx_pct, 2), "dy_pct": round(self.dy_pct, 2),
                "rotation_deg": round(self.rotation_deg, 2), "scale": round(self.scale, 4),
                "confidence": round(self.confidence, 3)}

    @property
    def confident(self) -> bool:
        """Whether the alignment is good enough to show the photo aligned."""
        return self.confidence >= CONFIDENT


IDENTITY = Alignment(0.0, 0.0, 0.0, 1.0, 1.0)
