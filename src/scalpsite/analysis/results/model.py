"""The analysis as typed models: what data.json holds, and everything a page shows.

Every value, label, unit, target and count that the site, the dossier or a chart shows is
decided here (or by the functions that fill these models); renderers only draw. The JSON
Schema of data.json (`scalpsite schema --kind data`) is generated from these models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from scalpsite.analysis.results.base import ChartLine, Day, Out
from scalpsite.analysis.results.record import (
    AaScaleSummary,
    CaseFacts,
    DiagnosisRow,
    ChartPanel,
    ChecklistRow,
    InjectionDose,
    InjectionEntry,
    InjectionSummary,
    Interruption,
)
from scalpsite.analysis.results.photoresults import PhotoEvidence, SessionPhotos
from scalpsite.analysis.results.responders import Milestone, Response, Trajectory
from scalpsite.analysis.results.sessionmeasures import MeasureInfo, with_measures
from scalpsite.journal.configmodel import Treatment
from scalpsite.measures.registry import MEASURES


class SideEffectEntry(Out):
    name: str = Field(description="as the patient wrote it")
    key: str = Field(description="normalised name, used to group and count")
    label: str = Field(description="display label")
    severity: str | None = Field(description="mild, moderate, severe, or null when not graded")
    notes: str | None = None


class LabValue(Out):
    value: float = Field(description="the value as a number")
    text: str = Field(description="the value as the patient entered it (its precision kept)")
    unit: str | None = Field(description="the unit as entered")
    unit_label: str | None = Field(description="the unit for display (powers as superscripts)")
    range: list[float] | None = Field(description="reference range [low, high], when known")
    range_text: str | None = Field(description="the range for display")
    range_source: str | None = Field(description="report, journal, or the adult default it is")
    flag: str | None = Field(description="high or low against the range; null inside it or without one")
    converted_text: str | None = Field(None, description="the value in the default range's unit, when it was "
                                       "converted to be compared (620 cells/µL as 0.62 ×10⁹/L)")


class LabMarker(LabValue):
    """The latest result of a Th2 marker (IgE, eosinophils) for page 1."""

    name: str
    label: str
    date: Day


class _SessionResult(SessionPhotos, Out):
    """One session's measures as recorded, then compared with the baseline; missing is null."""

    folder: str = Field(description="the session folder's name")
    date: Day
    baseline: bool = Field(description="whether this session is the baseline")
    suffix: str | None = Field(description="what follows the date in the folder name, if anything")
    days_on_treatment: int | None = Field(description="days since the tracked treatment's start")
    week: int | None = Field(description="whole weeks on treatment (negative before the start)")
    week_label: str = Field(description="'week 7', or 'before start'")
    phase: str | None = Field(description="expected-response phase key")
    phase_label: str | None
    salt_regions: dict[str, float] | None = Field(description="% loss per SALT region, when given by region")
    density: dict[str, float] = Field(description="zone: reading, in the journal's unit")
    injection_site: str | None = Field(description="none, mild, moderate, severe; null when not recorded")
    side_effects: list[SideEffectEntry]
    side_effects_recorded: bool = Field(description="false when the session has no side_effects: key")
    side_effects_asked: bool = Field(description="whether the session asked about side effects at all: the list "
                                     "(or none), or an answer to the checklist (the one rule of every page, the CSV, "
                                     "the completeness count and check)")
    medications: list[str]
    labs: dict[str, LabValue]
    assessed_by: str = Field(description="self (the patient) or clinician: who assessed the scores")
    lighting: str | None
    notes: str = Field(description="the session's notes (Markdown), empty when none")
    photos: dict[str, str] = Field(description="angle: journal-relative path of the original photo")
    closeups: int = Field(description="how many photos the session's closeups/ folder holds; they stay in "
                          "the journal, and neither they nor their names are published")
    valid: bool = Field(description="false when the session's files have errors")
    recorded: bool = Field(description="false for an empty session (as `scalpsite new` makes it): never the "
                           "baseline or the latest, and counted nowhere")
    density_change_pct: dict[str, float | None]
    aa_scale: str | None = Field(description="Alopecia Areata Scale (King 2022): mild, moderate or severe")
    aa_scale_reasons: list[str] = Field(description="why the level moved up from the scalp-loss level: "
                                        "eyebrows_eyelashes, inadequate_response, or the key of the measure that "
                                        "moved it (diffuse or rapid loss, psychosocial impact)")
    aa_scale_not_recorded: list[str] = Field(description="upgrade features the session did not record (the "
                                             "level may then be higher)")
    aa_scale_label: str | None = Field(description="the AA Scale result and its reasons in words")
    aa_scale_brief: str | None = Field(description="the AA Scale result for a table cell, its reasons short")
    expected_effects: dict[str, str | None] = Field(
        description="per effect of the treatment's checklist: no, yes, mild, moderate, severe, or null when "
        "not asked (from the checklist, the side-effect list and injection_site)")
    reported_effects: list[SideEffectEntry] = Field(
        description="the side effects listed, then those the checklist reported that the list does not name")

    def measure(self, key: str) -> Any:
        """A measure's field by its key (the value, band or change the registry gives it)."""
        return getattr(self, key)


# The measures' fields come from the measure registry (sessionmeasures.py); the model a type
# checker sees declares the others only, so a measure is read by its key (`measure`).
if TYPE_CHECKING:
    class SessionResult(_SessionResult):
        """One session's measures as recorded, then compared with the baseline; missing is null."""
else:
    SessionResult = with_measures(_SessionResult, MEASURES, _SessionResult.__doc__)


class TreatmentRow(Treatment):
    """A treatment of scalpsite.yaml, with whether it is current and the one tracked."""

    current: bool
    primary: bool


class Patient(Out):
    name: str | None
    birth_date: Day | None
    age: int | None = Field(description="age in years on the as-of date")


class Target(Out):
    """A meaningful-change target against the baseline, decided once for every page and chart."""

    label: str = Field(description="the rule in words, e.g. '−4 points' or 'EASI-75'")
    text: str = Field(description="the rule with the measure's name once, e.g. 'Itch −4 points', 'EASI-75'")
    value: float | None = Field(description="the value that meets it, from the baseline; null without one")
    met: bool | None = Field(description="whether the latest value meets it; null when either is missing")


class Measure(Out):
    """Baseline, last visit and latest recorded value of one measure, with the changes."""

    key: str
    label: str
    group: str | None = Field(None, description="the summary list of the registry it is a row of: ad, control, "
                              "impression, clinro")
    scale: str = Field(description="range or unit, e.g. '0–72'")
    baseline: int | float | None
    at_last_visit: int | float | None = Field(description="the value the physician saw at the previous appointment")
    latest: int | float | None
    latest_date: Day | None
    change: int | float | None = Field(description="latest - baseline")
    change_since_last_visit: int | float | None = Field(description="latest - value at the last visit")
    improvement_pct: int | float | None
    band: str | None = None
    target: Target | None = None


class SaltSummary(Measure):
    salt_class: str | None
    aa_iga: int | None
    aa_iga_label: str | None


class DensityRow(Out):
    zone: str
    label: str
    baseline: int | float | None
    at_last_visit: int | float | None
    latest: int | float | None
    latest_date: Day | None
    change_pct: float | None = Field(description="latest against baseline, %")
    change_since_last_visit_pct: float | None


class RegionRow(Out):
    """SALT loss of one region: baseline, last visit, latest and the change (points, relative)."""

    region: str
    label: str
    weight: float
    baseline: int | float | None
    at_last_visit: int | float | None
    latest: int | float | None
    latest_date: Day | None
    change: float | None
    improvement_pct: float | None


class Summary(Out):
    """The headline numbers: baseline against latest, time on treatment, phase."""

    sessions: int
    baseline_folder: str | None
    baseline_date: Day | None
    latest_folder: str | None = Field(description="the latest session that records something")
    latest_date: Day | None
    latest_photo_folder: str | None = Field(description="the latest session with a photo: the one compared")
    empty_sessions: list[str] = Field(description="folders of sessions that record nothing yet (not counted)")
    days_on_treatment: int | None
    weeks_on_treatment: int | None
    months_on_treatment: float | None
    phase: str | None
    phase_label: str | None
    salt: SaltSummary | None
    salt_regions: list[RegionRow] = Field(description="per SALT region, from sessions that gave regions")
    density: list[DensityRow]
    vellus: Measure | None
    ad_measures: list[Measure] = Field(description="the registry's AD summary measures (BSA and vIGA-AD when recorded): the "
                                       "rows of the AD table")
    no_response_note: str | None


class Schedule(Out):
    last_session: Day | None
    next_due: Day | None
    earliest: Day | None = None
    overdue: bool
    as_of: Day | None = None
    preset: str | None = None
    intervals_on_time: int = 0
    intervals: int = 0


class SideEffectRow(Out):
    key: str
    label: str
    count: int = Field(description="sessions that reported it")
    first: Day
    last: Day
    worst: str | None


class FindingOut(Out):
    level: str
    code: str
    path: str
    line: int | None
    message: str
    hint: str


class FindingCounts(Out):
    errors: int
    warnings: int
    infos: int


class MedicationPeriod(Out):
    """A run of consecutive sessions that list the same medications."""

    start: Day
    end: Day
    sessions: int
    medications: list[str]


class LabColumn(Out):
    name: str
    label: str
    unit: str | None = Field(description="the unit for display, as first recorded")
    raw_unit: str | None = Field(description="the unit as first recorded")


class PhaseSpan(Out):
    key: str
    label: str
    short_label: str = Field(description="the label where a chart has no room for it")
    start: Day
    end: Day | None = Field(description="null for the last, open-ended phase")


class Definition(Out):
    term: str
    text: str
    source: str | None = None


class Visit(Out):
    """An appointment as the dossier names it."""

    date: Day
    path: str | None = Field(description="its file in appointments/, if any")
    clinician: str | None
    purpose: str | None
    chosen_by: str | None = Field(None, description="'for' (--for) or 'next' (the next after the last session)")


class LastVisit(Out):
    """What the physician saw at the previous appointment, and what is new since."""

    date: Day = Field(description="the previous appointment")
    folder: str | None = Field(description="the last session on or before it")
    session_date: Day | None
    sessions_since: list[str] = Field(description="folders of the sessions after it")


class Recorded(Out):
    key: str
    label: str
    sessions: int = Field(description="sessions that recorded it")
    of: int = Field(description="the sessions it is counted over (side effects: those on treatment)")


class FindingKind(Out):
    code: str
    level: str
    count: int
    example: str = Field(description="the message of the first such finding")


class Completeness(Out):
    """How complete the record is: what the dossier prints instead of every finding."""

    sessions: int
    recorded: list[Recorded]
    findings: list[FindingKind]


class Analysis(Out):
    """data.json: the whole analysis of a journal."""

    scalpsite_version: str
    title: str
    generated_for: Day = Field(description="the as-of date: nothing recorded after it is used")
    records_up_to: Day | None = Field(description="the date of the last session used")
    patient: Patient
    conditions: list[str]
    angles: list[str]
    angle_regions: dict[str, str | None] = Field(description="the SALT region each angle documents")
    density_unit: str
    density_unit_label: str
    density_zones: list[str]
    treatments: list[TreatmentRow]
    diagnoses: list[DiagnosisRow] = Field(description="the diagnoses of scalpsite.yaml, with their durations")
    treatment_notes: list[str] = Field(description="beside the tracked treatment: the one it took over from, and "
                                       "the other current treatments, which are not tracked")
    sessions: list[SessionResult]
    milestones: dict[str, Day | None] = Field(description="key: date first met, or null")
    milestone_list: list[Milestone] = Field(description="the milestones that apply to the conditions tracked")
    response: Response
    trajectories: list[Trajectory] = Field(description="every applicable responder milestone: met, kept, lost, runs")
    schedule: Schedule
    summary: Summary
    side_effect_log: list[SideEffectRow]
    findings: list[FindingOut]
    finding_counts: FindingCounts
    medication_periods: list[MedicationPeriod]
    lab_columns: list[LabColumn]
    phases: list[PhaseSpan] = Field(description="expected-response phases as dates, for the charts")
    salt_lines: list[ChartLine] = Field(description="the absolute SALT endpoints drawn on the chart")
    measures: list[MeasureInfo] = Field(description="the measures of the registry the pages show, in its order")
    density_note: str = Field(description="how to read density changes")
    definitions: list[Definition]
    appointment: Visit | None = Field(description="the appointment the dossier prepares for")
    previous_appointment: Visit | None
    last_visit: LastVisit | None
    th2_markers: list[LabMarker] = Field(description="latest IgE and eosinophils, for page 1")
    completeness: Completeness
    assessment_note: str = Field(description="who assessed the scores, said once on page 1")
    photo_evidence: PhotoEvidence = Field(description="the SALT measured from painted masks, and the limits "
                                          "the photo evidence is judged by")
    injections: InjectionSummary | None = Field(description="adherence of the tracked drug's injections "
                                                "(injections.csv); null when the journal has no log")
    injection_text: str | None = Field(description="the adherence in one line, as page 1 shows it")
    injection_doses: list[InjectionDose] = Field(description="every dose due by the as-of date, with its status")
    injection_log: list[InjectionEntry] | None = Field(description="injections.csv up to the as-of date, "
                                                       "normalised; null when the journal has no log")
    effect_checklist: list[ChecklistRow] = Field(description="the tracked treatment's expected effects: "
                                                 "sessions reported, absent, not asked")
    effect_checklist_text: str | None = Field(description="how many sessions answered the checklist")
    aa_scale: AaScaleSummary | None = Field(description="the latest Alopecia Areata Scale result")
    control_measures: list[Measure] = Field(description="ADCT, RECAP and PGI-C: baseline against latest")
    control_panels: list[ChartPanel] = Field(description="the panels of the control chart, with their lines")
    ad_panels: list[ChartPanel] = Field(description="the panels of the atopic dermatitis chart, with their lines")
    interruptions: list[Interruption] = Field(description="gaps of more than twice the dosing interval in the "
                                              "tracked drug's injections, with the facts around each")
    case: CaseFacts | None = Field(description="the facts of the page 'The case for the current treatment'")
    angle_notes: dict[str, str] = Field(description="what each photo angle documents, and its SALT weight")
    other_effects_text: str = Field(description="side effects outside the checklist (or, without one, the "
                                    "side-effect record) in one line; 'not recorded' is never 'none'")
    clinro_measures: list[Measure] = Field(description="the ClinRO measures of brows and lashes: baseline against latest")
    missed_after_days: int = Field(description="days after its due date by which a dose with nothing logged is "
                                   "missed (the label's window for a missed dose)")
    injection_window: list[ChartLine] = Field(description="days from the due date that the dose chart marks: "
                                              "the window opens, due, late after, the window closes")
