"""The analysis as typed models (what data.json holds): the session results, the treatment record,
the photo evidence and the responses. Call sites import them from here."""

from __future__ import annotations

from scalpsite.analysis.results.base import (
    ChartLine, Day,
)
from scalpsite.analysis.results.model import (
    Analysis, Completeness, Definition, DensityRow, FindingCounts, FindingKind, FindingOut,
    LabColumn, LabMarker, LabValue, LastVisit, Measure, MedicationPeriod, Patient, PhaseSpan,
    Recorded, RegionRow, SaltSummary, Schedule, SessionResult, SideEffectEntry, SideEffectRow, Summary,
    Target, TreatmentRow, Visit,
)
from scalpsite.analysis.results.photoresults import (
    Alignment, AnglePick, Compared, Framing, PhotoEvidence, PhotoEvidenceLimits, PhotoPlan,
    SessionPhotos,
)
from scalpsite.analysis.results.record import (
    AaScaleSummary, Attestation, CaseColumn, CaseFacts, ChartPanel, ChecklistRow, DiagnosisRow,
    InjectionDose, InjectionEntry, InjectionSummary, Interruption, MeasureAroundGap, MeasurePoint,
    PriorTreatment, SeverityColumn, Th2Marker,
)
from scalpsite.analysis.results.responders import (
    Milestone, Response, Run, Trajectory,
)
from scalpsite.analysis.results.sessionmeasures import (
    DerivedClass, Headline, MeasureInfo, headline,
)

__all__ = [
    "AaScaleSummary", "Alignment", "Analysis", "AnglePick", "Attestation", "CaseColumn",
    "CaseFacts", "ChartLine", "ChartPanel", "ChecklistRow", "Compared", "Completeness", "Day",
    "DerivedClass", "Definition", "DensityRow", "DiagnosisRow", "FindingCounts", "FindingKind", "FindingOut",
    "Framing", "Headline", "InjectionDose", "InjectionEntry", "InjectionSummary", "Interruption", "LabColumn",
    "LabMarker", "LabValue", "LastVisit", "Measure", "MeasureAroundGap", "MeasureInfo",
    "MeasurePoint", "MedicationPeriod", "Milestone", "Patient", "PhaseSpan", "PhotoEvidence",
    "PhotoEvidenceLimits", "PhotoPlan", "PriorTreatment", "Recorded", "RegionRow", "Response",
    "Run", "SaltSummary", "Schedule", "SessionResult", "SessionPhotos", "SeverityColumn",
    "SideEffectEntry", "SideEffectRow", "Summary", "Target", "Th2Marker", "Trajectory",
    "TreatmentRow", "Visit", "headline",
]
