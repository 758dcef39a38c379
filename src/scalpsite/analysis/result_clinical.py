"""The clinical record in data.json, typed: injections and adherence, the expected-effects
checklist, the AA Scale, the control-chart panels and the facts of the case page (issue 15's
measures; clinical.py and the modules it calls fill them)."""

from __future__ import annotations

from pydantic import Field

from scalpsite.analysis.result_base import ChartLine, Day, Out


class InjectionSummary(Out):
    """Adherence by the CLINICAL.md rule; counts are doses (due dates), not injections."""

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
    high: float
    lines: list[ChartLine]


class CaseBaseline(Out):
    date: Day
    week_label: str
    salt: float | None
    salt_class: str | None
    aa_iga: int | None
    aa_iga_label: str | None
    aa_scale_label: str | None
    easi: float | None
    easi_band: str | None
    eyebrows: int | None
    eyelashes: int | None


class PriorTreatment(Out):
    drug: str
    start: Day
    end: Day | None
    for_label: str = Field(description="what it was for, in words, or 'not stated'")
    outcome: str | None
    outcome_label: str | None
    stopped_because: str | None
    notes: str | None


class Th2Marker(Out):
    key: str
    label: str
    text: str | None = Field(description="the value as entered; null when never recorded")
    unit: str | None
    date: Day | None
    week_label: str | None
    reference: str = Field(description="the adult default range of CLINICAL.md, in words")


class ResponseAtWeek(Out):
    week: int
    reached: bool = Field(description="whether the treatment has lasted that long")
    missing: str | None = Field(description="why no session stands for the week, in words; null when one does")
    date: Day | None = Field(description="the session within 4 weeks of it that stands for it")
    week_label: str | None
    salt: float | None
    salt_change: float | None
    salt_improvement_pct: float | None
    salt_le_20: bool | None
    easi: float | None
    easi_improvement_pct: float | None
    endpoint: str | None = Field(description="the trial endpoint this week is judged against, if any")


class CaseFacts(Out):
    """The case for the current treatment: facts only, no advice."""

    drug: str
    start: Day
    indication: str | None
    purposes: list[str]
    weeks_on_treatment: int | None
    months_on_treatment: float | None
    baseline: CaseBaseline
    prior: list[PriorTreatment]
    th2: list[Th2Marker]
    response: list[ResponseAtWeek]
    response_note: str = Field(description="how the sessions of the table were chosen, in words")
    adherence: str | None
    safety: list[str]
