"""The clinical record in data.json, typed: injections and adherence, the expected-effects
checklist, the AA Scale, the control-chart panels and the facts of the case page
(treatmentrecord.py, case.py and the modules they call fill them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from scalpsite.analysis.results.base import ChartLine, Day, Out
from scalpsite.analysis.results.sessionmeasures import with_measures
from scalpsite.measures.registry import MEASURES


class InjectionSummary(Out):
    """Adherence by the window rule of adherence.py; counts are doses (due dates), not injections."""

    expected: int | None = Field(description="doses due and decided: given + missed (null without a dosing interval)")
    given: int = Field(description="doses with an injection in their window (without a dosing interval: "
                       "injection days)")
    missed: int | None = Field(description="doses with no injection by due + 7 days")
    late: int | None = Field(description="doses given more than 3 days after the due date")
    pending: int | None = Field(description="doses due whose 7-day window is still open, nothing logged yet")
    adherence_pct: float | None = Field(description="given / (given + missed) x 100")
    longest_gap_days: int | None = Field(description="the longest time between two injection days")
    last: Day | None = Field(description="the last injection logged")
    next_due: Day | None = Field(description="the first dose not yet given whose window is open")
    site_repeats: int = Field(description="injections at the same site as the injection before")


class InjectionDose(Out):
    number: int = Field(description="1 for the first (loading) dose")
    due: Day
    status: str = Field(description="given, missed or pending")
    timing: str | None = Field(description="early, on_time or late, for a given dose")
    given_on: Day | None
    days_from_due: int | None = Field(description="of the first injection that belongs to the dose")
    injections: int = Field(description="injections that belong to the dose (2 on a loading day)")
    note: str | None = Field(None, description="for a missed dose: an injection after its window closed, if any")


class InjectionEntry(Out):
    """One row of injections.csv, normalised, with the dose it belongs to."""

    line: int = Field(description="its line in injections.csv")
    date: Day
    drug: str
    dose_mg: float
    site: str | None
    site_label: str | None
    reaction: str | None = Field(description="none, mild, moderate, severe; null when not noted")
    note: str | None
    dose_number: int | None = Field(description="the dose it belongs to, or null")
    due: Day | None
    timing: str = Field(description="early, on_time, late; after_window (after the window of a missed dose "
                        "closed), extra (a second injection in a window that has its dose), off_schedule (in no "
                        "window), other_drug, no_schedule (no dosing interval)")
    timing_label: str = Field(description="the timing in words, with the dose an injection outside its window is next to")
    same_site_as_previous: bool


class ChecklistRow(Out):
    """One expected effect of the treatment, over the sessions on treatment."""

    key: str
    label: str
    sessions: int = Field(description="sessions on treatment: reported + absent + not asked")
    reported: int = Field(description="sessions that reported it")
    absent: int = Field(description="sessions that answered it 'no' (a blanket 'side_effects: none' is not counted)")
    not_asked: int = Field(description="sessions that did not ask")
    first: Day | None = Field(description="first report (sessions and, for the injection site, the log)")
    last: Day | None
    first_week: int | None = Field(description="week on treatment of the first session that reported it")
    worst: str | None = Field(description="worst severity reported")
    log_reactions: int | None = Field(description="injection-site row only: injections with a reaction")
    log_noted: int | None = Field(description="injection-site row only: injections whose reaction was noted")
    lab_high: int | None = Field(description="eosinophilia row only: sessions whose eosinophil count was high")
    notes: list[str] = Field(description="what the record says beside the answers (a 'no' on a day the lab was high)")


class AaScaleSummary(Out):
    level: str
    label: str
    reasons: list[str]
    not_recorded: list[str]
    date: Day


class ChartPanel(Out):
    """One panel of a chart of several measures: its scale and the lines drawn on it."""

    key: str
    title: str
    low: float
    high: float | None = Field(description="the top of the y axis; null: from the values")
    lines: list[ChartLine]
    rug: bool = Field(False, description="whether the doses are drawn along its bottom (the headline measure)")


class _CaseSeverity(Out):
    """A session's severity as a form asks it (at baseline, and now); its measures are the registry's
    severity measures (with their bands and classes)."""

    date: Day
    week_label: str
    assessed_by: str = Field(description="self or clinician: who scored it")
    aa_scale_brief: str | None = Field(description="the Alopecia Areata Scale, its reasons short")


class CaseColumn(Out):
    """A column of a table of the case page: the field it shows, its heading, and how."""

    field: str
    label: str
    kind: str = Field(description="value, change (points), improvement_pct (%), met (an endpoint: yes or no)")
    digits: int = Field(description="decimals of a percentage")


class SeverityColumn(Out):
    """A measure of the severity table after SALT: its field, heading and band field."""

    key: str
    label: str
    unit: str | None = Field(description="the unit shown after the value ('%'), instead of a band")
    band: str | None = Field(description="the session field of the band shown after the value")


class DiagnosisRow(Out):
    """A diagnosis of scalpsite.yaml with its durations to the dossier's date."""

    condition: str
    code: str | None = Field(description="the ICD-10-CM code as entered")
    diagnosed: str | None = Field(description="YYYY, YYYY-MM or YYYY-MM-DD, as entered")
    episode_start: str | None
    disease_duration: str | None = Field(description="from the diagnosis to the dossier's date, in words")
    episode_duration: str | None
    text: str = Field(description="the diagnosis in one line")
    brief: str = Field(description="code, condition and durations, for page 1")


class PriorTreatment(Out):
    drug: str
    start: Day
    end: Day | None
    duration: str = Field(description="how long it was given (so far, when ongoing)")
    potency: str | None = Field(description="topical corticosteroid potency class, I to VII, as entered")
    potency_label: str | None
    for_label: str = Field(description="what it was for, in words, or 'not stated'")
    outcome: str | None
    outcome_label: str = Field(description="how it went; 'ongoing' or 'outcome not recorded' when not stated")
    stopped_because: str | None
    notes: str | None


class Th2Marker(Out):
    key: str
    label: str
    text: str | None = Field(description="the value as entered; null when never recorded")
    unit: str | None
    date: Day | None
    week_label: str | None
    reference: str = Field(description="the range used and the context of the marker, in words")


class _ResponseAtWeek(Out):
    """The session that stands for a week on treatment; its measures are the headline measures of the
    registry (SALT, EASI), with their changes and their absolute endpoint (SALT ≤ 20)."""

    week: int | None = Field(description="the week on treatment; null for the row of the latest session")
    label: str = Field(description="'week 24', or 'now'")
    reached: bool = Field(description="whether the treatment has lasted that long")
    missing: str | None = Field(description="why no session stands for the week, in words; null when one does")
    date: Day | None = Field(description="the session that stands for it")
    week_label: str | None
    assessed_by: str | None = Field(description="self or clinician: who scored the values of the row")
    endpoint: str | None = Field(description="the trial endpoint this week is judged against, if any")
    confounders: list[str] = Field(description="other treatments for the condition given between the baseline "
                                   "and the session, which may confound the response")


HEADLINE = [m for m in MEASURES if m.headline]
SEVERITY = {m.key for m in MEASURES if m.case}
# The measures' fields come from the registry; a type checker sees the others only.
if TYPE_CHECKING:
    class CaseSeverity(_CaseSeverity):
        """A session's severity as a form asks it."""

    class ResponseAtWeek(_ResponseAtWeek):
        """The session that stands for a week on treatment."""
else:
    CaseSeverity = with_measures(_CaseSeverity, [m for m in MEASURES if m.key in SEVERITY or m.derived_from in SEVERITY],
                                 _CaseSeverity.__doc__, changes=False)
    ResponseAtWeek = with_measures(_ResponseAtWeek, HEADLINE, _ResponseAtWeek.__doc__, bands=False, extra={
        e.key: (bool | None, Field(description=f"whether the session meets {e.label}"))
        for m in HEADLINE if (e := m.endpoint()) is not None})


class MeasurePoint(Out):
    date: Day
    week_label: str
    value: float
    assessed_by: str


class MeasureAroundGap(Out):
    """One measure around an interruption: before, worst, and after the restart."""

    key: str
    label: str
    before: MeasurePoint | None = Field(description="the last session on or before the last dose")
    worst: MeasurePoint | None = Field(description="the highest value during the gap or within 12 weeks after it")
    after_12: MeasurePoint | None = Field(description="the session nearest 12 weeks after the restart (within 4)")
    after_12_due: Day | None
    after_12_note: str | None = Field(description="why there is no value: not reached yet, or no session near")
    after_24: MeasurePoint | None
    after_24_due: Day | None
    after_24_note: str | None


class Interruption(Out):
    """No dose of the tracked drug for more than twice its interval: the facts around it, no conclusion."""

    last_dose: Day
    first_dose: Day | None = Field(description="the first dose after the gap; null while it goes on")
    gap_days: int
    text: str
    headings: list[str] = Field(description="the words of the facts' columns: before, worst, after the restart")
    measures: list[MeasureAroundGap]
    events: list[str] = Field(description="responses lost during the gap and met again after the restart")


class Attestation(Out):
    text: str
    fields: list[str] = Field(description="the blank lines for the prescriber")


class CaseFacts(Out):
    """The case for the current treatment: facts only, no advice."""

    drug: str
    start: Day
    indication: str | None
    purposes: list[str]
    diagnoses: list[DiagnosisRow]
    weeks_on_treatment: int | None
    months_on_treatment: float | None
    baseline: CaseSeverity
    now: CaseSeverity | None = Field(description="the latest session with SALT or EASI")
    prior: list[PriorTreatment]
    th2: list[Th2Marker]
    response: list[ResponseAtWeek]
    response_columns: list[CaseColumn] = Field(description="the columns of the table of responses, in order")
    severity_columns: list[SeverityColumn] = Field(description="the severity table's measures after SALT")
    response_note: str = Field(description="how the sessions of the table were chosen, in words")
    overlaps: list[str] = Field(description="each other treatment that overlaps the response, with the rows")
    interruptions: list[Interruption]
    adherence: str | None
    safety: list[str]
    attestation: Attestation
