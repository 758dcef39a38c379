"""`export --format fhir`: the analysis as a FHIR R4B Bundle (type collection) for a clinic's records.

Built as plain data from the data.json object and validated with the `fhir.resources` R4B models.
Codes: LOINC where a code was verified (the POEM total, total IgE 19113-0); every other measure
is a concept of scalpsite's own CodeSystem (CANONICAL), which the Bundle carries so a reader can
look each code up. A measure's code, unit and category come from its entry of the registry. docs/journal-format.md lists the mapping (generated from the
tables below). Each part of the Bundle is one function in BUILDERS (a MedicationAdministration
per logged injection is one of them).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scalpsite.journal.measurefields import raw
from scalpsite.measures import registry
from scalpsite.measures.alopecia import SALT

if TYPE_CHECKING:
    from scalpsite.journal.load import Journal

# A URN, not a web address: scalpsite has no web site that could publish the CodeSystem, and a
# URN cannot be taken for one. Fixed forever: uuid5(NAMESPACE_URL, "scalpsite/fhir/CodeSystem/measures").
CANONICAL = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'scalpsite/fhir/CodeSystem/measures')}"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


@dataclass(frozen=True)
class Measure:
    """How one per-session measure of data.json becomes an Observation."""

    key: str  # the session field in data.json
    system: str
    code: str
    display: str
    unit: str  # UCUM code ('%', '{score}')
    category: str  # observation-category: exam, survey, laboratory
    definition: str


MEASURES: list[Measure] = [  # from the measure registry: its order, codes and units
    Measure(m.key, LOINC if m.fhir.loinc else CANONICAL, m.fhir.code, m.fhir.display, m.fhir.unit, m.fhir.category,
            m.fhir.definition) for m in registry.MEASURES if m.fhir is not None]
def _region_code(region: str) -> str:
    """The code of a SALT region's component: the measure's own code, a hyphen and the region."""
    return f"{SALT.fhir.code if SALT.fhir else SALT.key}-{region}"


SALT_REGIONS = {"top": "SALT region top (vertex), % loss", "back": "SALT region back, % loss",
                "left": "SALT region left side, % loss", "right": "SALT region right side, % loss"}
EXTRA_CONCEPTS = [  # scalpsite codes that are not in MEASURES
    ("hair-density", "Hair density", "Density reading of one scalp zone (bodySite), in the journal's unit."),
    ("injection-site-reaction", "Injection-site reaction",
     "Injection-site reaction since the last session: none, mild, moderate or severe."),
    ("lab-result", "Laboratory result", "A laboratory result named in code.text, as on the report."),
    *[(_region_code(r), f"SALT {r}", text) for r, text in SALT_REGIONS.items()],
]
LABS = {"ige": (LOINC, "19113-0", "IgE [Units/volume] in Serum")}  # lab name in the journal -> LOINC
DENSITY_UNITS = {"FU/cm²": "{FU}/cm2", "FU/cm2": "{FU}/cm2", "hairs/cm²": "{hairs}/cm2", "hairs/cm2": "{hairs}/cm2"}
QUESTIONNAIRES = {m.key: (f"{m.label} ({m.name})", m.answers[0]) for m in registry.MEASURES if m.answers}


class Context:
    """What every builder needs: the data, a stable id per resource, and the subject reference."""

    def __init__(self, data: dict, answers: dict[str, dict[str, list]] | None = None):
        self.data, self.answers = data, answers or {}
        seed = json.dumps([data["title"], data["patient"], data["treatments"][-1:]], sort_keys=True)
        self.seed = hashlib.sha256(seed.encode()).hexdigest()[:16]
        self.patient_url = self.url("Patient", "patient") if _has_patient(data) else None

    def url(self, kind: str, key: str) -> str:
        """A fullUrl that is the same for the same journal and resource (reproducible output)."""
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'scalpsite/{self.seed}/{kind}/{key}')}"

    def subject(self) -> dict:
        """The patient as a reference; a display only when scalpsite.yaml names no patient."""
        if self.patient_url:
            return {"reference": self.patient_url}
        return {"display": "the person who keeps this journal (not named in scalpsite.yaml)"}


def _has_patient(data: dict) -> bool:
    return bool(data["patient"]["name"] or data["patient"]["birth_date"])


def coding(system: str, code: str, display: str) -> dict:
    """A CodeableConcept with one coding and its text."""
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def quantity(value, unit: str, ucum: str | None) -> dict:
    """A Quantity; the UCUM system and code only when the unit is known to UCUM."""
    q = {"value": value, "unit": unit}
    return q | {"system": UCUM, "code": ucum} if ucum else q


def observation(ctx: Context, s: dict, code: dict, value: dict, category: str, **extra) -> dict:
    """An Observation of one session: final, with its date, code and value."""
    return {"resourceType": "Observation", "status": "final",
            "category": [coding(CATEGORY, category, category.capitalize())],
            "code": code, "subject": ctx.subject(), "effectiveDateTime": s["date"], **value, **extra}


# ---------- the builders: each returns (key, resource) pairs ----------

def code_system(ctx: Context) -> list[tuple[str, dict]]:
    """scalpsite's CodeSystem, so that a reader can look up every scalpsite code in the Bundle."""
    concepts = [(m.code, m.display, m.definition) for m in MEASURES if m.system == CANONICAL] + EXTRA_CONCEPTS
    return [("measures", {
        "resourceType": "CodeSystem", "url": CANONICAL, "name": "ScalpsiteMeasures",
        "title": "scalpsite measures", "status": "active", "content": "complete", "caseSensitive": True,
        "description": "Measures of a scalpsite hair-regrowth journal that have no LOINC code.",
        "concept": [{"code": c, "display": d, "definition": text} for c, d, text in concepts]})]


def patient(ctx: Context) -> list[tuple[str, dict]]:
    """The Patient, when scalpsite.yaml names one (name or birth date)."""
    if not ctx.patient_url:
        return []
    p = ctx.data["patient"]
    resource: dict[str, Any] = {"resourceType": "Patient"}
    resource |= {"name": [{"text": p["name"]}]} if p["name"] else {}
    resource |= {"birthDate": p["birth_date"]} if p["birth_date"] else {}
    return [("patient", resource)]


def measures(ctx: Context) -> list[tuple[str, dict]]:
    """An Observation per session and recorded measure (a measure not recorded has none)."""
    out = []
    for s in ctx.data["sessions"]:
        for m in MEASURES:
            if s.get(m.key) is None:
                continue
            extra = {"component": _regions(s[f"{m.key}_regions"])} if s.get(f"{m.key}_regions") else {}
            value = {"valueQuantity": quantity(s[m.key], m.unit, m.unit)}
            out.append((f"{s['folder']}/{m.key}",
                        observation(ctx, s, coding(m.system, m.code, m.display), value, m.category, **extra)))
        out += _density(ctx, s) + _injection_site(ctx, s) + _labs(ctx, s)
    return out


def _regions(given: dict) -> list[dict]:
    """The SALT regions of a session that gave them, as the Observation's components."""
    return [{"code": coding(CANONICAL, _region_code(r), text), "valueQuantity": quantity(v, "%", "%")}
            for r, text in SALT_REGIONS.items() if (v := given.get(r)) is not None]


def _density(ctx: Context, s: dict) -> list[tuple[str, dict]]:
    unit = ctx.data["density_unit"]
    code = coding(CANONICAL, "hair-density", "Hair density")
    return [(f"{s['folder']}/density/{zone}",
             observation(ctx, s, code, {"valueQuantity": quantity(v, unit, DENSITY_UNITS.get(unit))}, "exam",
                         bodySite={"text": zone}))
            for zone, v in s["density"].items()]


def _injection_site(ctx: Context, s: dict) -> list[tuple[str, dict]]:
    if s.get("injection_site") is None:
        return []
    code = coding(CANONICAL, "injection-site-reaction", "Injection-site reaction")
    value = {"valueCodeableConcept": {"text": s["injection_site"]}}
    return [(f"{s['folder']}/injection_site", observation(ctx, s, code, value, "exam"))]


def _labs(ctx: Context, s: dict) -> list[tuple[str, dict]]:
    out = []
    for name, lab in s.get("labs", {}).items():
        known = LABS.get(name.lower())
        code = coding(*known) | {"text": name} if known else \
            coding(CANONICAL, "lab-result", "Laboratory result") | {"text": name}
        value = {"valueQuantity": quantity(lab["value"], lab["unit"] or "", None)}
        if not lab["unit"]:
            value["valueQuantity"].pop("unit")
        out.append((f"{s['folder']}/lab/{name}", observation(ctx, s, code, value, "laboratory")))
    return out


def questionnaires(ctx: Context) -> list[tuple[str, dict]]:
    """A QuestionnaireResponse per session that recorded the POEM or DLQI answers item by item."""
    out = []
    for s in ctx.data["sessions"]:
        for key, (title, count) in QUESTIONNAIRES.items():
            answers = ctx.answers.get(s["folder"], {}).get(key)
            if answers is None or len(answers) != count:
                continue
            items = [{"linkId": f"{key}-{i}", "text": f"{title}, question {i}"}
                     | ({"answer": [{"valueInteger": a}]} if a is not None else {})
                     for i, a in enumerate(answers, 1)]
            out.append((f"{s['folder']}/{key}-answers", {
                "resourceType": "QuestionnaireResponse", "status": "completed", "subject": ctx.subject(),
                "authored": s["date"], "item": [{"linkId": key, "text": title, "item": items}]}))
    return out


def medications(ctx: Context) -> list[tuple[str, dict]]:
    """A MedicationStatement per treatment of scalpsite.yaml, current (active) or past (completed)."""
    out = []
    for t in ctx.data["treatments"]:
        period = {"start": t["start"]} | ({"end": t["end"]} if t["end"] else {})
        resource: dict[str, Any] = {
            "resourceType": "MedicationStatement", "status": "completed" if t["end"] else "active",
            "medicationCodeableConcept": {"text": t["drug"]}, "subject": ctx.subject(), "effectivePeriod": period}
        resource |= {"dosage": [{"text": t["dose"]}]} if t.get("dose") else {}
        resource |= {"reasonCode": [{"text": t["indication"]}]} if t.get("indication") else {}
        resource |= {"note": [{"text": t["notes"]}]} if t.get("notes") else {}
        out.append((f"treatment/{t['drug']}/{t['start']}", resource))
    return out


def injections(ctx: Context) -> list[tuple[str, dict]]:
    """A MedicationAdministration per row of the injection log (completed, with dose and site)."""
    out = []
    for r in ctx.data["injection_log"] or []:
        dosage = {"route": {"text": "subcutaneous"}, "dose": quantity(r["dose_mg"], "mg", "mg")}
        dosage |= {"site": {"text": r["site_label"]}} if r["site_label"] else {}
        notes = [text for text in (f"injection-site reaction: {r['reaction']}" if r["reaction"] else None,
                                   r["note"]) if text]
        resource = {"resourceType": "MedicationAdministration", "status": "completed",
                    "medicationCodeableConcept": {"text": r["drug"]}, "subject": ctx.subject(),
                    "effectiveDateTime": r["date"], "dosage": dosage}
        resource |= {"note": [{"text": t} for t in notes]} if notes else {}
        out.append((f"injection/{r['line']}", resource))
    return out


def dossier(ctx: Context) -> list[tuple[str, dict]]:
    """A DocumentReference to the PDF dossier that `build` writes beside the site (dossier.pdf)."""
    return [("dossier", {
        "resourceType": "DocumentReference", "status": "current", "subject": ctx.subject(),
        "type": {"text": "Hair-regrowth dossier (scalpsite)"},
        "description": f"{ctx.data['title']}: dossier prepared for {ctx.data['generated_for']}",
        "content": [{"attachment": {"contentType": "application/pdf", "url": "dossier.pdf",
                                    "title": "dossier.pdf"}}]})]


BUILDERS: list[Callable[[Context], list[tuple[str, dict]]]] = [
    code_system, patient, measures, questionnaires, medications, injections, dossier,
]


def item_answers(journal: Journal) -> dict[str, dict[str, list]]:
    """POEM and DLQI answers given item by item, per session folder (data.json keeps totals only)."""
    out: dict[str, dict[str, list]] = {}
    for rec in journal.sessions:
        given = {m.key: raw(rec.session, m) for m in registry.MEASURES if m.key in QUESTIONNAIRES} if rec.session else {}
        lists = {k: v for k, v in given.items() if isinstance(v, list)}
        if lists:
            out[rec.folder] = lists
    return out


def bundle(data: dict, answers: dict[str, dict[str, list]] | None = None) -> dict:
    """The Bundle as plain data (not yet validated)."""
    ctx = Context(data, answers)
    entries = []
    for build in BUILDERS:
        for key, resource in build(ctx):
            kind = resource["resourceType"]
            url = ctx.patient_url if kind == "Patient" else ctx.url(kind, key)
            entries.append({"fullUrl": url, "resource": resource})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def to_fhir(data: dict, answers: dict[str, dict[str, list]] | None = None) -> str:
    """The Bundle as JSON text, validated against the FHIR R4B models of `fhir.resources`."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import BaseModel

    model: type[BaseModel] = Bundle  # for mypy, which does not read fhir.resources (pyproject.toml)
    validated = model.model_validate(bundle(data, answers))
    return validated.model_dump_json(indent=2) + "\n"
