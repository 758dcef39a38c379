"""The photo evidence in data.json, typed: alignment to the reference photo, the framing that
decides which rendition a comparison shows, and the SALT measured from painted masks
(docs/photos.md; photoevidence.py fills them)."""

from __future__ import annotations

from pydantic import Field

from scalpsite.analysis.results.base import Day, Out


class Alignment(Out):
    """The similarity transform that maps a photo onto the reference photo of its angle: what has
    to be done to the photo to frame it like the reference (sign conventions: docs/photos.md)."""

    dx_pct: float = Field(description="after turning and scaling, the content moves right by this % of the "
                          "reference photo's width (negative: left)")
    dy_pct: float = Field(description="the content moves down by this % of the reference photo's width "
                          "(negative: up)")
    rotation_deg: float = Field(description="degrees the photo is turned clockwise on the screen (negative: "
                                "counter-clockwise)")
    scale: float = Field(description="enlargement that matches the reference (> 1: taken from further away)")
    confidence: float = Field(description="0-1: how well the aligned photo matches the reference")


class Framing(Out):
    """Which rendition a comparison shows for this photo, and why, in words."""

    kind: str = Field(description="reference, aligned, or original (shown as taken)")
    text: str
    reference_date: Day | None = Field(description="the date of the reference photo it is aligned to")


class PhotoEvidenceLimits(Out):
    confident: float = Field(description="alignment confidence from which the aligned rendition is shown")
    rotation_deg: float = Field(description="framing drift: a turn beyond this is reported")
    scale: list[float] = Field(description="framing drift: a scale outside [low, high] is reported")
    shift_pct: float = Field(description="framing drift: a shift beyond this % of the width is reported")
    salt_points: float = Field(description="measured and entered SALT further apart than this are reported")
    card_delta_e: float = Field(description="a grey card further than this ΔE00 from the baseline's is reported")
    paint_tolerance: float = Field(description="RGB distance within which a mask pixel counts as a paint colour")


class PhotoEvidence(Out):
    """The SALT measured from the masks, beside the entered one."""

    series: dict[str, str] = Field(description="the names of the two SALT series (entered, photo)")
    measured: bool = Field(description="whether any session has a SALT measured from masks")
    baseline: float | None = Field(description="the measured SALT of the baseline session")
    latest: float | None = Field(description="the latest measured SALT")
    latest_date: Day | None
    limits: PhotoEvidenceLimits


class SessionPhotos(Out):
    """The photo-evidence fields of a session."""

    photo_salt_regions: dict[str, float | None] | None = Field(
        description="% loss per SALT region measured from the painted masks (null where no mask); "
                    "null when no view of the session has a mask")
    photo_salt: float | None = Field(description="SALT from the masks; null unless all four regions are measured")
    alignment: dict[str, Alignment | None] = Field(description="angle: the transform onto the reference photo")
    photos_aligned: dict[str, str | None] = Field(
        description="angle: the published aligned rendition, when the alignment is confident")
    mask_loss: dict[str, float | None] = Field(description="angle: % loss measured from its mask")
    framing: dict[str, Framing]


class Compared(Out):
    """A session the photo comparison shows side by side, with its role."""

    folder: str
    role: str = Field(description="Baseline, At last visit, Midway or Latest")


class AnglePick(Out):
    """The two photos of one angle the site compares: session folders, decided once."""

    baseline: str | None = Field(description="the baseline's photo, else the first photo of the angle")
    latest: str | None = Field(description="the latest photo of the angle; null when it is the baseline's")


class PhotoPlan(Out):
    """Which sessions and photos the outputs show (analysis/photoplan.py decides; not in data.json)."""

    comparison: list[Compared] = Field(description="baseline, the session of the last visit or the one "
                                       "midway, and the latest with a photo")
    timeline: list[str] = Field(description="the folders of the PDF's photo timeline, a spread over time "
                                "when the sessions do not all fit")
    angles: dict[str, AnglePick]
