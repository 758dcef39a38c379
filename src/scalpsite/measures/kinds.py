"""What one measure's definition holds: its scale, bands, meaningful change, responder milestones,
who scores it, its source, its FHIR code and CSV columns, and its place in session.yaml.

The entries themselves are in alopecia.py and dermatitis.py; everything else (the journal's model,
`check`, the analysis, the glossary, the CSV, the FHIR Bundle, the charts and the pages) is made
from them. The evaluation here is pure and small: which band a value falls in, whether a change
or a responder rule is met.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from scalpsite.findings import Finding, Level
from scalpsite.journal.fieldtypes import Plausible

Condition = Literal["alopecia_areata", "atopic_dermatitis"]
AA: Condition = "alopecia_areata"
AD: Condition = "atopic_dermatitis"
Scorer = Literal["self", "clinician"]


class Step(str, Enum):
    """The steps a value moves in."""

    WHOLE = "whole"  # whole points: questionnaires, NRS, grades
    HALF = "half"  # half points
    DECIMAL = "decimal"  # any decimal: percentages, EASI


class Form(str, Enum):
    """How session.yaml gives the measure."""

    VALUE = "value"  # the value itself
    PARTS = "parts"  # the value, or its parts (a mapping) from which it is computed
    ANSWERS = "answers"  # the total, or the questionnaire's answers (a list)
    YES_NO = "yes_no"  # true or false, as a clinician found


@dataclass(frozen=True)
class Band:
    """One band of a scale: its label, and the value it ends at (included, or just below it)."""

    label: str
    upto: float
    below: bool = False  # the band ends just below `upto` (a half-open band)
    grade: int | None = None  # a graded band's number (AA-IGA 0-4)

    def holds(self, value: float) -> bool:
        """Whether `value` is at or below this band's end."""
        return value < self.upto if self.below else value <= self.upto


@dataclass(frozen=True)
class Bands:
    """The bands of a measure in rising order, the session field that holds a value's band, and
    where they come from. A value past the last band's end is in the last band."""

    field: str | None  # None: the band is not kept per session
    bands: tuple[Band, ...]
    source: str | None = None

    def band(self, value: float | None) -> Band | None:
        """The band `value` falls in; None without a value."""
        if value is None:
            return None
        return next((b for b in self.bands if b.holds(value)), self.bands[-1])

    def of(self, value: float | None) -> str | None:
        """The label of the band `value` falls in; None without a value."""
        found = self.band(value)
        return None if found is None else found.label

    def labels(self) -> dict[int, str]:
        """A graded scale's labels by grade (or by the whole value each band ends at)."""
        return {b.grade if b.grade is not None else int(b.upto): b.label for b in self.bands}

    def text(self, digits: int, low: float, high: float) -> str:
        """The bands in words, 'from–to label' each: '0–2 clear or almost clear; 3–7 mild; ...'."""
        step, parts, start = 10 ** -digits, [], low
        for b in self.bands:
            end = high if b is self.bands[-1] else b.upto - step if b.below else b.upto
            ends = (start,) if abs(end - start) < step / 2 else (start, end)
            parts.append("–".join(_num(v, digits, (low, high)) for v in ends) + f" {b.label}")
            start = b.upto if b.below else b.upto + step
        return "; ".join(parts)


def _num(value: float, digits: int, ends: tuple[float, float]) -> str:
    """A band's end: the scale's own ends as they are (0, 72, 100), the others with `digits` decimals."""
    return f"{value:g}" if value in ends else f"{value:.{digits}f}"


@dataclass(frozen=True)
class Target:
    """A meaningful change against the baseline: a fall of `points`, a relative improvement of
    `pct` %, or (neither) the value itself at most `at_most`; with `points`, `at_most` also bounds
    the value reached (vIGA-AD: 0 or 1 and 2 grades better)."""

    points: float | None = None
    pct: float | None = None
    at_most: float | None = None
    name: str | None = None  # the whole rule's name, as tables and texts show it ('EASI-75')
    words: str | None = None  # the rule's words after the measure's label ('moderately improved or better')
    eligible_from: float | None = None  # the rule applies from a baseline of at least this (ClinRO 2 or 3)

    def applies(self, baseline: float | None) -> bool:
        """Whether the rule applies to a course from this baseline."""
        return self.eligible_from is None or (baseline is not None and baseline >= self.eligible_from)

    def label(self) -> str:
        """The rule in words, as tables show it."""
        return self.name or self.words or f"−{self.points:g} points"

    def text(self, measure: str) -> str:
        """The rule with the measure's name, once: 'Itch −4 points', 'EASI-75'."""
        return self.name or f"{measure} {self.label()}"

    def value(self, baseline: float | None) -> float | None:
        """The value that meets the rule, from the baseline."""
        if self.points is None and self.pct is None:
            return self.at_most
        if baseline is None:
            return None
        if self.points is not None:
            value = max(baseline - self.points, 0)
            return value if self.at_most is None else min(value, self.at_most)
        return round(baseline * (1 - self._relative() / 100), 2)

    def met(self, baseline: float | None, latest: float | None) -> bool | None:
        """Whether `latest` meets the rule against `baseline`; None when either is missing."""
        if self.points is None and self.pct is None:
            return None if latest is None or self.at_most is None else latest <= self.at_most
        if baseline is None or latest is None or not self.applies(baseline):
            return None
        if self.points is not None:
            reduced = baseline - latest >= self.points
            return reduced if self.at_most is None else reduced and latest <= self.at_most
        return None if baseline == 0 else (baseline - latest) / baseline * 100 >= self._relative()

    def _relative(self) -> float:
        if self.pct is None:
            raise ValueError("a Target needs points, pct or at_most")
        return self.pct


@dataclass(frozen=True)
class Milestone:
    """A responder milestone, followed over the sessions by the runs rule (analysis/response/runs.py).

    Met by one of: the value at most `at_most`; a relative improvement from baseline of at least
    `improved_pct` %; a fall of `reduced_by` points (from the session's change, or, with
    `needs_baseline`, from the baseline's own value, which must be recorded); or, with
    `eligible_from`, a baseline at least that reaching `reaches` or better by at least one point.
    """

    key: str
    label: str
    at_most: float | None = None
    improved_pct: float | None = None
    reduced_by: float | None = None
    reaches: float | None = None
    eligible_from: float | None = None
    needs_baseline: bool = False
    once_recorded: bool = False  # applies once any session records the measure (PGI-C)
    line: str | None = None  # the line a chart draws at `at_most`, in words

    def met(self, key: str, s: Mapping, base: Mapping) -> bool | None:
        """Whether session `s` meets it against the baseline session; None when it does not count."""
        value, start = s.get(key), base.get(key)
        if self.eligible_from is not None:
            if start is None or value is None or start < self.eligible_from or self.reaches is None:
                return None
            return value <= self.reaches and start - value >= 1
        if self.improved_pct is not None:
            improved = s.get(f"{key}_improvement_pct")
            return None if improved is None else improved >= self.improved_pct
        if self.reduced_by is not None and self.needs_baseline:
            return None if start is None or value is None else start - value >= self.reduced_by
        if self.reduced_by is not None:
            changed = s.get(f"{key}_change")
            return None if changed is None else changed <= -self.reduced_by
        return None if value is None or self.at_most is None else value <= self.at_most

    def applies(self, key: str, base: Mapping, sessions: Sequence[Mapping]) -> bool:
        """Whether the milestone is followed at all, from the baseline and the sessions."""
        if self.eligible_from is not None:
            return (base.get(key) or 0) >= self.eligible_from
        if self.needs_baseline:
            return base.get(key) is not None
        return not self.once_recorded or any(s.get(key) is not None for s in sessions)


@dataclass(frozen=True)
class Fhir:
    """The measure as a FHIR Observation: its code and unit."""

    code: str
    display: str
    unit: str  # UCUM code: '%', '{score}'
    category: Literal["exam", "survey"]
    definition: str
    loinc: bool = False  # a LOINC code, else one of scalpsite's own CodeSystem


@dataclass(frozen=True)
class Column:
    """A CSV column of the measure: its name, what it holds, and the session field it reads
    (the name itself when `field` is empty; a list field is joined with '; ')."""

    name: str
    meaning: str
    field: str = ""


@dataclass(frozen=True)
class Expected:
    """A warning of `check` when a session of the measure's condition records none of the
    measures that carry the same code."""

    code: str
    message: str
    hint: str


@dataclass(frozen=True)
class Code:
    """A finding of one of the measure's own rules, documented with it: findingtable.py takes its row from
    here (docs/findings.md), and the rule makes its findings with `finding`."""

    code: str
    level: Level
    what: str
    why: str
    fix: str
    example: tuple[str, str] | str  # as findingtable.py's examples

    def row(self) -> tuple[str, Level, str, str, str, tuple[str, str] | str]:
        """findingtable.py's row: code, level, what, why, fix, example."""
        return self.code, self.level, self.what, self.why, self.fix, self.example

    def finding(self, path: str, message: str, line: int | None = None, hint: str = "") -> Finding:
        """A finding of this code at its level."""
        return Finding(path, line, self.level, self.code, message, hint)


@dataclass(frozen=True)
class Masked:
    """A measure the painted masks measure, region by region (scalpsite.yaml's `photos.salt_regions` gives
    each region its angle): how far the masks' value may be from the entered one, and the findings of the
    two checks of it."""

    limit: float  # points between the entered value and the masks' beyond which `disagrees` is reported
    disagrees: Code  # the entered value and the masks' are more than `limit` apart
    region_twice: Code  # two angles measure the same region


@dataclass(frozen=True)
class Measure:
    """One measure: the single definition everything else is made from."""

    key: str  # its key in session.yaml and data.json
    label: str  # in tables: 'Itch', 'EASI'
    name: str  # in full, for the glossary and the charts: 'Peak Pruritus NRS'
    description: str  # session.yaml's description; '{range}' is replaced by the scale, '0-10'
    source: str  # the published source (docs/clinical-definitions.md cites it too)
    condition: Condition | None = None  # None: either condition
    always: bool = False  # recorded whatever the conditions tracked (the new session.yaml, check, completeness)
    counted: bool = False  # the dossier's completeness counts the sessions that record it
    low: float = 0
    high: float = 100
    step: Step = Step.WHOLE
    decimals: int | None = None  # a value given as such is kept to this many decimals (as its computed total)
    form: Form = Form.VALUE
    short: str | None = None  # where a column has no room for the label: 'Brows'
    subject: str | None = None  # what it measures in a few words, beside its label on the summary ('scalp hair loss')
    scale: str | None = None  # the scale in words, when not 'low–high' ('%')
    scale_prefix: str = ""  # before the range: 'NRS 0–10', 'ClinRO 0–3'
    unit: str | None = None  # '%' for a percentage; None for points
    lower_is_better: bool = True
    compared: bool = True  # compared with its baseline value (not PGI-C, which asks about the change itself)
    relative: bool = True  # a relative improvement (%) means something (not for control totals and PGI-C)
    scored_by: tuple[Scorer, ...] = ("self", "clinician")
    place: str | None = None  # the mapping of session.yaml it sits in ('ad'); None: the top level
    after: str | None = None  # the session.yaml key it follows; None: first in its place
    parts: str | None = None  # the journal model of its parts (Form.PARTS)
    answers: tuple[int, int] | None = None  # (questions, highest answer) of Form.ANSWERS
    examples: tuple = ()
    plausible: Plausible | None = None
    bands: Bands | None = None
    changes: tuple[Literal["change", "improvement_pct"], ...] = ()  # per-session fields against baseline
    target: Target | None = None  # the meaningful change, as the summary tables show it
    milestones: tuple[Milestone, ...] = ()
    summary: Literal["ad", "control", "impression", "clinro"] | None = None  # the summary list it is a row of
    # when a session's page has a row for it: always, when its condition is tracked, when recorded, or
    # its own (SALT with its regions and classes; the AA Scale with its reasons)
    shown: Literal["always", "condition", "recorded", "own"] = "recorded"
    table: Literal["scores", "graded"] | None = None  # the dossier's table of sessions it is a column of
    headline: bool = False  # the condition's headline measure (SALT, EASI): the case page, interruptions
    case: bool = False  # in the case page's severity at baseline and now
    fhir: Fhir | None = None
    columns: tuple[Column, ...] = ()  # its CSV columns after its own; its own first
    csv_first: bool = False  # its columns come before the record's (injection site ...), as in v0.1
    expected: Expected | None = None
    template: str | None = None  # in a new session.yaml: the comment after its key ('{range}' filled in)
    definition: str = ""  # the glossary's text ('{bands}' filled in); '' for no entry of its own
    glossary_term: str | None = None  # the glossary's term, when not the label
    chart: Literal["ad"] | None = None  # the chart of several measures it has a panel in
    chart_scaled: bool = False  # its panel's y axis ends at the values, not at the scale's end (EASI's 72)
    derived_from: str | None = None  # a class of another measure (S-class, AA-IGA): not in session.yaml
    # a level derived from another measure that moves up for reasons it names (the AA Scale): its session
    # fields are <key>, <key>_reasons, <key>_not_recorded, <key>_label (the level and reasons in words)
    reasons: bool = False
    photo_note: str | None = None  # what the photo angle of the same name (an optional one) documents
    masks: Masked | None = None  # measured from painted masks too (SALT)

    def range_text(self, dash: str = "–") -> str:
        """The scale's ends: '0–10'."""
        return f"{self.low:g}{dash}{self.high:g}"

    def cite(self) -> str:
        """Its source in brief, first author and year: 'King 2022' (the source whole without them)."""
        found = re.match(r"([A-Z][^\s,]+)[^;:]*?\b((?:19|20)\d\d)\b", self.source)
        return f"{found[1]} {found[2]}" if found else self.source

    def scale_text(self) -> str:
        """The scale as tables show it: '0–72', 'NRS 0–10', 'ClinRO 0–3', '%' ('' for a yes or no)."""
        if self.form is Form.YES_NO:
            return self.scale or ""
        return self.scale or " ".join(p for p in (self.scale_prefix, self.range_text()) if p)

    def schema_description(self) -> str:
        """session.yaml's description of the key, with its range."""
        return self.description.replace("{range}", self.range_text("-"))

    def template_text(self) -> str:
        """The comment of its line in a new session.yaml."""
        return (self.template or "").replace("{range}", self.range_text("-"))

    def glossary_text(self) -> str:
        """The glossary's text, with its bands in words."""
        return self.definition.replace("{bands}", self.band_text())

    def endpoint(self) -> Milestone | None:
        """The absolute endpoint of its trials (SALT ≤ 20: the first milestone of a value at most), if any."""
        return next((e for e in self.milestones if e.at_most is not None), None)

    def band_digits(self) -> int:
        """Decimals of the bands' ends in words: 1 for a decimal scale, else none."""
        return 1 if self.step is Step.DECIMAL else 0

    def band_text(self) -> str:
        """The bands in words, or '' without bands."""
        return self.bands.text(self.band_digits(), self.low, self.high) if self.bands else ""
