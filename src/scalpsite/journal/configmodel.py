"""scalpsite.yaml as a typed model: the patient, the treatments and their dosing, the diagnoses,
the photo angles, the density zones, the laboratory's ranges and what check leaves out."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    Field,
    create_model,
    model_validator,
)
from pydantic import Strict as NoCoercion

from scalpsite.findingcodes import ignorable
from scalpsite.journal.fieldtypes import (
    AngleName,
    Date,
    IcdCode,
    LabRange,
    PartialDate,
    Strict,
    Whole,
)

DEFAULT_ANGLES = ["overhead", "front", "back", "left", "right"]
# The SALT region each photo angle documents (Olsen 2004 regions); front has no SALT weight.
SaltRegion = Literal["top", "back", "left", "right"]
DEFAULT_SALT_VIEWS: dict[str, SaltRegion] = {"overhead": "top", "back": "back", "left": "left", "right": "right"}
DEFAULT_ZONES = ["frontal", "midscalp", "crown", "occipital", "temporal_left", "temporal_right"]
Schedule = Literal["dupilumab", "default"]  # the presets of analysis/schedule.py (a test keeps them equal)
SCHEDULES = get_args(Schedule)


class Condition(str, Enum):
    alopecia_areata = "alopecia_areata"
    atopic_dermatitis = "atopic_dermatitis"


class Patient(Strict):
    """Who the journal is about."""

    name: str | None = Field(None, description="Name shown on the dossier cover.",
                             examples=["Sam Example"])
    birth_date: Date | None = Field(
        None, description="Birth date (YYYY-MM-DD): the dossier shows the age, and EASI uses the "
        "child weights before the 8th birthday.", examples=["1991-05-14"])


Purpose = Literal["alopecia_areata", "atopic_dermatitis", "other"]
Outcome = Literal["none", "partial", "complete", "not_tolerated", "stopped"]
OUTCOMES = get_args(Outcome)
Potency = Literal["I", "II", "III", "IV", "V", "VI", "VII"]  # topical corticosteroids, I the strongest
EffectName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]{0,39}$")]  # a key in session.yaml


class Dosing(Strict):
    """The dosing schedule of an injected drug."""

    interval_days: Annotated[Whole, Field(ge=1, le=365)] = Field(
        description="Days from one dose to the next, e.g. 14 for every 2 weeks.", examples=[14])
    loading_doses: Annotated[Whole, Field(ge=1, le=10)] = Field(
        1, description="Injections given together on the first day (2 for a 600 mg loading dose "
        "given as two 300 mg injections).", examples=[2])


class _TreatmentFields(Strict):
    """The fields of a treatment but `for` and `expected_effects` (see Treatment below)."""

    drug: str = Field(description="Name of the drug or treatment.", examples=["dupilumab"])
    start: Date = Field(description="Date of the first dose or application (YYYY-MM-DD).",
                           examples=["2025-01-10"])
    end: Date | None = Field(None, description="Date it stopped (YYYY-MM-DD); leave out while "
                                "it goes on.", examples=["2024-02-01"])
    dose: str | None = Field(None, description="Dose and frequency as prescribed, in words.",
                             examples=["600 mg loading, then 300 mg every 2 weeks"])
    indication: str | None = Field(None, description="What it is given for.",
                                   examples=["alopecia areata (off-label)"])
    schedule: Schedule | None = Field(
        None, description="Tracking-schedule preset: how often sessions fall due (the default "
        "preset when left out).", examples=["dupilumab"])
    notes: str | None = Field(None, description="Free notes, such as how it went.",
                              examples=["partial regrowth, relapsed"])
    dosing: Dosing | None = Field(None, description="How often it is injected, for the adherence of "
                                  "injections.csv (the dupilumab preset fills it in when left out).",
                                  examples=[{"interval_days": 14, "loading_doses": 2}])
    outcome: Outcome | None = Field(
        None, description="How it went: none, partial, complete (response), not_tolerated, or stopped "
        "(for another reason).", examples=["partial"])
    stopped_because: str | None = Field(None, description="Why it was stopped, in words.",
                                        examples=["relapse after the injections ended"])
    potency: Potency | None = Field(
        None, description="Potency class of a topical corticosteroid, I (superpotent) to VII (least potent), "
        "as forms ask it.", examples=["I"])
    tracked: Annotated[bool, NoCoercion()] | None = Field(
        None, description="true: the journal tracks this treatment (baseline, weeks, adherence, checklist); "
        "false: never. Left out, the one with a dosing interval is tracked, so a treatment without one (a "
        "rescue ointment) never takes over.", examples=[True])


# `for` is a Python keyword, so these two fields are declared through create_model rather than
# in a class body: no alias is needed, and the file, the schemas and data.json all say `for`.
_TREATMENT_FIELDS: dict[str, Any] = {
    "for": (list[Purpose] | None, Field(
        None, description="What it is given for: alopecia_areata, atopic_dermatitis or other (a "
        "list when it treats more than one).", examples=[["atopic_dermatitis", "alopecia_areata"]])),
    "expected_effects": (list[EffectName], Field(
        default_factory=list, description="Effects to ask about at every session, added to the "
        "list the drug has (dupilumab: conjunctivitis, injection-site reaction ...).",
        examples=[["hair_shedding"]])),
}
if TYPE_CHECKING:
    class Treatment(_TreatmentFields):
        """What a type checker sees of the model below; `for` is read with getattr."""

        expected_effects: list[EffectName] = Field(default_factory=list)
else:
    Treatment = create_model(
        "Treatment", __base__=_TreatmentFields, __module__=__name__,
        __doc__="One treatment, current (no end) or past.", **_TREATMENT_FIELDS)


class PhotosConfig(Strict):
    """The photos of every session."""

    angles: list[AngleName] = Field(default_factory=lambda: list(DEFAULT_ANGLES), min_length=1,
                              description="Photo angles, one photo per angle in each session "
                              "folder, named by the angle (overhead.jpg, front.heic ...).",
                              examples=[DEFAULT_ANGLES])
    optional: list[AngleName] = Field(default_factory=list, description="Angles photographed only at some "
                                      "sessions (eyebrows, eyelashes): shown when a session has one, never "
                                      "reported missing.", examples=[["eyebrows", "eyelashes"]])
    salt_regions: dict[AngleName, SaltRegion] | None = Field(
        None, description="Angle: the SALT region its painted mask measures (top, back, left, right). "
        "By default overhead: top, back: back, left: left, right: right, for those of the angles the "
        "journal has.", examples=[{"vertex": "top", "back": "back", "left": "left", "right": "right"}])

    @model_validator(mode="after")
    def _default_salt_regions(self) -> PhotosConfig:
        if self.salt_regions is None:  # the default views, for the angles this journal has
            self.salt_regions = {a: r for a, r in DEFAULT_SALT_VIEWS.items() if a in self.angles}
        return self

    def views(self) -> dict[str, SaltRegion]:
        """Angle: the SALT region its mask measures (the defaults filled in)."""
        return self.salt_regions or {}

    def salt_region(self, angle: str) -> str | None:
        """The SALT region the angle's mask measures, or None (front, brows...)."""
        return self.views().get(angle)


class DensityConfig(Strict):
    """Hair density readings."""

    unit: str = Field("FU/cm²", description="Unit of the density readings, as your measuring "
                      "tool reports them.", examples=["FU/cm²"])
    zones: list[str] = Field(default_factory=lambda: list(DEFAULT_ZONES),
                             description="Scalp zones you take a density reading of.",
                             examples=[["frontal", "crown"]])


class LabReference(Strict):
    """A laboratory's reference range for one test, used when a session's result has none."""

    unit: str | None = Field(None, description="The unit the range is in; results in another unit "
                             "get no flag.", examples=["IU/mL"])
    range: LabRange = Field(description="Reference range, [low, high].", examples=[[0, 100]])


class CheckConfig(Strict):
    """What `scalpsite check` (and the build) report."""

    ignore: list[Annotated[str, AfterValidator(ignorable)]] = Field(
        default_factory=list, description="Warning codes not to report (docs/findings.md lists them); "
        "errors cannot be ignored.", examples=[["framing-drift", "camera-changed"]])


class Diagnosis(Strict):
    """A diagnosis, with its code as the patient or the physician enters it (scalpsite picks no code)."""

    condition: str = Field(min_length=1, description="The condition in words.", examples=["alopecia areata"])
    code: IcdCode | None = Field(None, description="Its ICD-10-CM code, as on a form (only its form is checked).",
                                 examples=["L63.9"])
    diagnosed: PartialDate | None = Field(
        None, description="When it was diagnosed: a date, a year and month (2019-04) or a year.", examples=["2012"])
    episode_start: PartialDate | None = Field(
        None, description="When the current episode began (a relapse), as precisely as known.", examples=["2024-09"])


class Config(Strict):
    """scalpsite.yaml"""

    title: str = Field("Hair regrowth journal", description="Title of the site and the dossier.",
                       examples=["Hair regrowth journal"])
    patient: Patient = Field(default_factory=Patient, description="Who the journal is about; "
                             "shown on the dossier cover when set.")
    conditions: list[Condition] = Field(
        default_factory=lambda: [Condition.alopecia_areata],
        description="Conditions tracked; add atopic_dermatitis to record itch, EASI and POEM.",
        examples=[["alopecia_areata", "atopic_dermatitis"]])
    treatments: list[Treatment] = Field(description="Treatments, current and past; the journal tracks "
                                        "the one with a dosing interval (or marked tracked), current and "
                                        "started last.")
    diagnoses: list[Diagnosis] = Field(default_factory=list, description="Diagnoses with their codes and dates, "
                                       "atopic comorbidities (asthma, allergic rhinitis) included.",
                                       examples=[[{"condition": "alopecia areata", "code": "L63.9",
                                                   "diagnosed": "2012"}]])
    photos: PhotosConfig = Field(default_factory=PhotosConfig, description="The photo angles.")
    density: DensityConfig = Field(default_factory=DensityConfig,
                                   description="Density unit and scalp zones.")
    theme: str = Field("default", pattern=r"^[A-Za-z0-9_-]+$", description="Theme folder under "
                       "themes/ in the journal; what it lacks comes from the default theme.",
                       examples=["default"])
    labs: dict[str, LabReference] = Field(default_factory=dict, description="Reference ranges of your "
                                          "laboratory by test name, for results that do not carry their own.",
                                          examples=[{"ige": {"unit": "IU/mL", "range": [0, 100]}}])
    check: CheckConfig = Field(default_factory=CheckConfig, description="What check and the build "
                               "report: warnings to leave out.")
