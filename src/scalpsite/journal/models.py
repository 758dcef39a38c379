"""The journal's typed models: the single source of truth for validation and schema."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

DEFAULT_ANGLES = ["overhead", "front", "back", "left", "right"]
# The SALT region each photo angle documents (CLINICAL.md); front has no SALT weight.
DEFAULT_SALT_VIEWS = {"overhead": "top", "back": "back", "left": "left", "right": "right"}
SaltRegion = Literal["top", "back", "left", "right"]
DEFAULT_ZONES = ["frontal", "midscalp", "crown", "occipital", "temporal_left", "temporal_right"]

Percent = Annotated[float, Field(ge=0, le=100)]
# An angle names published files (photos/<folder>/<angle>.jpg): letters, digits, _ and - only.
Angle = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Sign = Annotated[float, Field(ge=0, le=3, multiple_of=0.5)]


class Strict(BaseModel):
    """Base: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


def _shape(value) -> str:
    """Discriminate a score given as parts (mapping/list) from one given as a total."""
    if isinstance(value, dict):
        return "parts"
    if isinstance(value, list):
        return "answers"
    return "total"


def either(total, parts, parts_tag: str = "parts"):
    """A field that takes a total or its parts, with errors that name only the form used."""
    return Annotated[
        Union[Annotated[total, Tag("total")], Annotated[parts, Tag(parts_tag)]],
        Discriminator(_shape),
    ]


# ---------- config (scalpsite.yaml) ----------

class Condition(str, Enum):
    alopecia_areata = "alopecia_areata"
    atopic_dermatitis = "atopic_dermatitis"


class Patient(Strict):
    name: str | None = None
    birth_date: dt.date | None = None


class Treatment(Strict):
    drug: str
    start: dt.date
    end: dt.date | None = None
    dose: str | None = None
    indication: str | None = None
    schedule: str | None = Field(None, description="tracking-schedule preset, e.g. dupilumab")
    notes: str | None = None


class PhotosConfig(Strict):
    angles: list[Angle] = Field(default_factory=lambda: list(DEFAULT_ANGLES), min_length=1)
    salt_regions: dict[Angle, SaltRegion] | None = Field(
        None, description="angle: SALT region its painted mask measures (top, back, left, right); "
                          "by default overhead: top, back: back, left: left, right: right, for those angles")

    @model_validator(mode="after")
    def _default_salt_regions(self) -> PhotosConfig:
        if self.salt_regions is None:  # the default views, for the angles this journal has
            self.salt_regions = {a: r for a, r in DEFAULT_SALT_VIEWS.items() if a in self.angles}
        return self


class DensityConfig(Strict):
    unit: str = "FU/cm²"
    zones: list[str] = Field(default_factory=lambda: list(DEFAULT_ZONES))


class Config(Strict):
    """scalpsite.yaml"""

    title: str = "Hair regrowth journal"
    patient: Patient = Field(default_factory=Patient)
    conditions: list[Condition] = Field(default_factory=lambda: [Condition.alopecia_areata])
    treatments: list[Treatment]
    photos: PhotosConfig = Field(default_factory=PhotosConfig)
    density: DensityConfig = Field(default_factory=DensityConfig)
    theme: str = Field("default", pattern=r"^[A-Za-z0-9_-]+$")


# ---------- session (session.yaml) ----------

class SaltRegions(Strict):
    """Percent of terminal-hair loss per SALT region (Olsen 2004)."""

    top: Percent | None
    back: Percent | None
    left: Percent | None
    right: Percent | None


class HairQuality(Strict):
    vellus_pct: Percent | None = None


class EasiRegion(Strict):
    area_pct: Percent
    erythema: Sign = 0
    oedema: Sign = 0
    excoriation: Sign = 0
    lichenification: Sign = 0


class EasiParts(Strict):
    head_neck: EasiRegion
    upper_limbs: EasiRegion
    trunk: EasiRegion
    lower_limbs: EasiRegion


PoemAnswers = Annotated[list[Annotated[int, Field(ge=0, le=4)] | None], Field(min_length=7, max_length=7)]
DlqiAnswers = Annotated[list[Annotated[int, Field(ge=0, le=3)] | None], Field(min_length=10, max_length=10)]


class AtopicDermatitis(Strict):
    itch: Annotated[int, Field(ge=0, le=10)] | None = Field(None, description="peak pruritus NRS, 0-10")
    easi: either(Annotated[float, Field(ge=0, le=72)], EasiParts) | None = None
    poem: either(Annotated[int, Field(ge=0, le=28)], PoemAnswers, "answers") | None = None
    areas: list[str] = Field(default_factory=list)


class Severity(str, Enum):
    none = "none"
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


class SideEffect(Strict):
    name: str = Field(min_length=1)
    severity: Literal["mild", "moderate", "severe"] | None = None
    notes: str | None = None


class Lab(Strict):
    value: float
    unit: str | None = None


PixelBox = tuple[Annotated[int, Field(ge=0)], Annotated[int, Field(ge=0)],
                 Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]]


class PhotoMeta(Strict):
    """What a session says about one of its photos."""

    grey_card: PixelBox | None = Field(
        None, description="[x, y, width, height] of a grey card, in pixels of the upright photo")


class Session(Strict):
    """session.yaml"""

    date: dt.date | None = None
    salt: either(Percent, SaltRegions) | None = None
    density: dict[str, Annotated[float, Field(ge=0)] | None] = Field(default_factory=dict)
    hair_quality: HairQuality | None = None
    ad: AtopicDermatitis | None = None
    dlqi: either(Annotated[int, Field(ge=0, le=30)], DlqiAnswers, "answers") | None = None
    injection_site: Severity | None = None
    side_effects: Annotated[
        Union[Annotated[list[SideEffect], Tag("list")], Annotated[Literal["none"], Tag("none")]],
        Discriminator(lambda v: "list" if isinstance(v, list) else "none"),
    ] | None = Field(None, description="a list of side effects, or none")
    medications: list[str] = Field(default_factory=list)
    labs: dict[str, Lab] = Field(default_factory=dict)
    lighting: str | None = None
    photos: dict[Angle, str] = Field(default_factory=dict, description="angle: file name, when not named by angle")
    photo_meta: dict[Angle, PhotoMeta] = Field(default_factory=dict, description="angle: facts about that photo")
    notes: str | None = None


class AppointmentMeta(Strict):
    """Front matter of appointments/YYYY-MM-DD.md"""

    clinician: str | None = None
    purpose: str | None = None
    date: dt.date | None = None
