"""The journal's typed models of session.yaml, an appointment's front matter and injections.csv
(scalpsite.yaml's are in configmodel.py): the single source of truth for validation, schema and
reference.

Every field has a `description` (editors show it; docs/journal-format.md is generated from it),
and an example or a unit where one helps (`examples=`, `json_schema_extra={"unit": ...}`).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Literal, Union, get_args

from pydantic import Discriminator, Field, Tag

from scalpsite.journal.configmodel import EffectName
from scalpsite.journal.measurefields import with_measures
from scalpsite.journal.fieldtypes import (
    AngleName,
    Date,
    LabNumber,
    LabRange,
    Percent,
    PixelBox,
    Reading,
    Sign,
    Strict,
    unit,
)


# ---------- session (session.yaml) ----------

class SaltRegions(Strict):
    """Percent of terminal-hair loss per SALT region (Olsen 2004)."""

    top: Percent | None = Field(description="Loss on the top (vertex, with the frontal scalp); "
                                "weight 0.40.", examples=[60], json_schema_extra=unit("%"))
    back: Percent | None = Field(description="Loss on the back of the scalp; weight 0.24.",
                                 examples=[30], json_schema_extra=unit("%"))
    left: Percent | None = Field(description="Loss on the left side; weight 0.18.",
                                 examples=[20], json_schema_extra=unit("%"))
    right: Percent | None = Field(description="Loss on the right side; weight 0.18.",
                                  examples=[25], json_schema_extra=unit("%"))


class _HairQuality(Strict):
    """Quality of the regrowing hair (its measures come from the registry)."""


class EasiRegion(Strict):
    """One EASI region: area involved and four signs, 0-3 in half points."""

    area_pct: Percent = Field(description="Percent of the region with eczema (EASI turns it into "
                              "an area score 0-6).", examples=[15], json_schema_extra=unit("%"))
    erythema: Sign = Field(0, description="Redness, 0-3.", examples=[2])
    oedema: Sign = Field(0, description="Oedema or papulation (swelling, bumps), 0-3.", examples=[1])
    excoriation: Sign = Field(0, description="Scratch marks, 0-3.", examples=[1])
    lichenification: Sign = Field(0, description="Thickened skin, 0-3.", examples=[0])


class EasiParts(Strict):
    """EASI by region (Hanifin 2001); the total is computed with adult or child weights."""

    head_neck: EasiRegion = Field(description="Head and neck.")
    upper_limbs: EasiRegion = Field(description="Arms and hands.")
    trunk: EasiRegion = Field(description="Trunk, front and back.")
    lower_limbs: EasiRegion = Field(description="Legs and feet.")


class _AtopicDermatitis(Strict):
    """Atopic dermatitis measures (the scores come from the registry)."""

    areas: list[str] = Field(default_factory=list, description="Body areas affected, in words.",
                             examples=[["neck", "elbows"]])


# The measures' fields come from the measure registry (scalpsite/measures); the models a type
# checker sees declare the others only, so measures are read through the registry.
PARTS: dict[str, type[Strict]] = {"SaltRegions": SaltRegions, "EasiParts": EasiParts}
if TYPE_CHECKING:
    class HairQuality(_HairQuality):
        """Quality of the regrowing hair."""

    class AtopicDermatitis(_AtopicDermatitis):
        """Atopic dermatitis measures."""
else:
    HairQuality = with_measures(_HairQuality, "hair_quality", PARTS, "Quality of the regrowing hair.")
    AtopicDermatitis = with_measures(_AtopicDermatitis, "ad", PARTS, "Atopic dermatitis measures.")


class Severity(str, Enum):
    none = "none"
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


EffectAnswer = Literal["no", "yes", "mild", "moderate", "severe"]


class SideEffect(Strict):
    """One side effect since the last session."""

    name: str = Field(min_length=1, description="Name of the side effect; the common ones "
                      "(conjunctivitis, oral_herpes, headache ...) are grouped and counted in the log.",
                      examples=["conjunctivitis"])
    severity: Literal["mild", "moderate", "severe"] | None = Field(
        None, description="How bad it was: mild, moderate or severe.", examples=["mild"])
    notes: str | None = Field(None, description="Free notes.", examples=["both eyes, eye drops"])


class Lab(Strict):
    """One laboratory result."""

    value: LabNumber = Field(description="The result, as on the laboratory report.", examples=[420])
    unit: str | None = Field(None, description="Its unit, as on the report.", examples=["IU/mL"])
    range: LabRange | None = Field(None, description="The report's reference range, [low, high]; it is "
                                   "used for the high/low flag instead of any default.", examples=[[0, 100]])


class PhotoMeta(Strict):
    """What a session says about one of its photos."""

    grey_card: PixelBox | None = Field(
        None, description="[x, y, width, height] of a grey card in the photo, in pixels of the upright "
        "photo; the renditions are white-balanced from it.", examples=[[120, 80, 200, 140]])


class _Session(Strict):
    """session.yaml"""

    date: Date | None = Field(None, description="Session date (YYYY-MM-DD); the folder name "
                                 "gives it, and this must agree.", examples=["2025-01-06"])
    density: dict[str, Reading | None] = Field(
        default_factory=dict, description="Density reading per zone of scalpsite.yaml, in its unit.",
        examples=[{"frontal": 120, "crown": 60}])
    hair_quality: HairQuality | None = Field(None, description="Quality of the regrowing hair.")
    ad: AtopicDermatitis | None = Field(None, description="Atopic dermatitis measures, when "
                                        "atopic_dermatitis is tracked.")
    injection_site: Severity | None = Field(None, description="Injection-site reaction since the "
                                            "last session.", examples=["none"])
    side_effects: Annotated[
        Union[Annotated[list[SideEffect], Tag("list")], Annotated[Literal["none"], Tag("none")]],
        Discriminator(lambda v: "list" if isinstance(v, list) else "none"),
    ] | None = Field(None, description="Side effects since the last session: none, or a list.",
                     examples=["none", [{"name": "conjunctivitis", "severity": "mild"}]])
    medications: list[str] = Field(default_factory=list, description="Medications at the time, in "
                                   "words.", examples=[["dupilumab 300 mg q2w", "tacrolimus ointment"]])
    labs: dict[str, Lab] = Field(default_factory=dict, description="Laboratory results by name.",
                                 examples=[{"ige": {"value": 420, "unit": "IU/mL"}}])
    assessed_by: Literal["self", "clinician"] | None = Field(
        None, description="Who assessed SALT, EASI and the other scores of this session: self (the "
        "default) or clinician, for values measured in clinic.", examples=["clinician"])
    lighting: str | None = Field(None, description="The light the photos were taken in, so "
                                 "sessions can be compared.", examples=["window daylight, 10:00"])
    photos: dict[str, str] = Field(default_factory=dict, description="Angle: file name, for a "
                                   "photo not named by its angle.", examples=[{"front": "IMG_4031.HEIC"}])
    photo_meta: dict[AngleName, PhotoMeta] = Field(
        default_factory=dict, description="Angle: facts about that photo (a grey card's position).",
        examples=[{"overhead": {"grey_card": [120, 80, 200, 140]}}])
    notes: str | None = Field(None, description="Free notes in Markdown (or in notes.md beside it).",
                              examples=["Started the eye drops."])
    expected_effects: dict[EffectName, EffectAnswer | None] = Field(
        default_factory=dict, description="The treatment's expected effects since the last session, "
        "each answered no, yes, mild, moderate or severe; left empty when not asked (it then reads "
        "'not asked', never 'none').", examples=[{"conjunctivitis": "mild", "headache": "no"}])


if TYPE_CHECKING:
    class Session(_Session):
        """session.yaml"""
else:
    Session = with_measures(_Session, None, PARTS, "session.yaml")


class AppointmentMeta(Strict):
    """Front matter of appointments/YYYY-MM-DD.md"""

    clinician: str | None = Field(None, description="Who you are seeing.", examples=["Dr. A. Example"])
    purpose: str | None = Field(None, description="What the appointment is for.",
                                examples=["6-month review"])
    date: Date | None = Field(None, description="Appointment date (YYYY-MM-DD); the file name "
                                 "gives it.", examples=["2025-07-04"])


# ---------- injections.csv ----------

InjectionSite = Literal["abdomen_left", "abdomen_right", "thigh_left", "thigh_right", "arm_left", "arm_right"]
INJECTION_SITES = get_args(InjectionSite)


class InjectionRow(Strict):
    """One row of injections.csv: one injection (numbers and dates are read from the CSV's text)."""

    date: Date = Field(description="Day of the injection (YYYY-MM-DD).", examples=["2025-01-24"])
    drug: str = Field(min_length=1, description="The drug injected, as named in scalpsite.yaml's "
                      "treatments.", examples=["dupilumab"])
    dose_mg: Annotated[float, Field(gt=0, le=10_000)] = Field(description="Dose in milligrams.",
                                                              examples=[300])
    site: InjectionSite | None = Field(
        None, description="Where it was injected; empty when not noted (check then cannot follow "
        "the rotation).", examples=["thigh_left"])
    reaction: Severity | None = Field(None, description="Injection-site reaction: none, mild, "
                                      "moderate or severe; empty when not noted.", examples=["none"])
    note: str | None = Field(None, description="Free note.", examples=["pen, at home"])
