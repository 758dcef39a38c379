"""The journal's typed models: the single source of truth for validation, schema and reference.

Every field has a `description` (editors show it; docs/journal-format.md is generated from it),
and an example or a unit where one helps (`examples=`, `json_schema_extra={"unit": ...}`).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    Tag,
    create_model,
    model_validator,
)
from pydantic import Strict as NoCoercion

from scalpsite.findingcodes import ignorable
from scalpsite.journal.measurefields import with_measures
from scalpsite.journal.fieldtypes import (
    AngleName,
    Date,
    IcdCode,
    LabNumber,
    LabRange,
    PartialDate,
    Percent,
    PixelBox,
    Reading,
    Sign,
    Strict,
    Whole,
    unit,
)

DEFAULT_ANGLES = ["overhead", "front", "back", "left", "right"]
# The SALT region each photo angle documents (Olsen 2004 regions); front has no SALT weight.
SaltRegion = Literal["top", "back", "left", "right"]
DEFAULT_SALT_VIEWS: dict[str, SaltRegion] = {"overhead": "top", "back": "back", "left": "left", "right": "right"}
DEFAULT_ZONES = ["frontal", "midscalp", "crown", "occipital", "temporal_left", "temporal_right"]
Schedule = Literal["dupilumab", "default"]  # the presets of analysis/schedule.py (a test keeps them equal)
SCHEDULES = get_args(Schedule)

# ---------- config (scalpsite.yaml) ----------

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
