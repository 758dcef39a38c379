"""A long, messy course journal for tests, kept the way a patient keeps one (synthetic data).

Alopecia areata and atopic dermatitis, dupilumab from 10 Jan 2025: 41 sessions over 23 months.
A response (SALT ≤ 20 from 31 Oct 2025), then a three-month pause of the injections when the
insurer's approval lapsed (last dose 23 Jan 2026, reload of two injections on 17 Apr 2026),
a relapse during it (SALT ≤ 20 lost on 10 Apr 2026), and a response again (kept from 23 Oct
2026). Sessions are 2 to 4 weeks apart, two pairs a week apart (self-scored, then a clinician),
one session records only labs, and the last one is empty, as `scalpsite new` makes it. A
rescue topical without dosing starts in May 2026; topical minoxidil overlaps the first response.
Injections are on time, early, late, 8 days late (so missed by the window rule), missed, paused
and reloaded. The checklist is answered unevenly: a blanket `side_effects: none` in the old
template, eye symptoms rarely asked, "dry eyes" written in the free list, a high eosinophil
count in cells/µL on a day that answered "eosinophilia: no".

`write_course(root, count)` writes it; with another count the same course is sampled at evenly
spaced dates (the 40- and 80-session variants), each value read off the course at that date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

START = dt.date(2025, 1, 10)
EMPTY_DAY = dt.date(2026, 12, 11)
BASELINE_REGIONS = {"top": 70, "back": 50, "left": 45, "right": 42}  # SALT 55.66

# date, SALT, EASI, itch, ADCT, eyebrows, eyelashes, PGI-C (None: not recorded that day)
COURSE = [
    ("2025-01-06", 55.66, 18.0, 8, 16, 3, 2, None),  # baseline: SALT by region (0.4·70 + 0.24·50 + 0.18·(45 + 42))
    ("2025-02-03", 55.0, 12.0, 6, 12, 3, 2, None),
    ("2025-03-03", 54.0, 8.5, 4, 10, None, None, None),
    ("2025-03-31", 52.0, 6.0, 4, 9, 3, 2, 4),
    ("2025-04-28", 48.0, 4.4, 3, 8, None, None, 4),
    ("2025-05-26", 45.0, 3.8, 3, 7, 2, 1, 3),
    ("2025-06-09", 43.0, 3.5, 3, None, None, None, None),
    ("2025-06-27", 41.5, 3.2, 2, 6, 2, 1, 3),  # week 24, self-scored
    ("2025-07-04", 40.5, 3.0, 2, 6, 2, 1, 3),  # a week later, by a clinician
    ("2025-07-18", 37.0, 2.8, 2, None, None, None, 2),
    ("2025-08-01", 34.0, 2.5, 2, 5, None, None, 2),
    ("2025-08-29", 30.0, 2.2, 2, 5, 1, 1, 2),
    ("2025-09-12", 27.0, 1.6, 2, 4, None, None, 2),
    ("2025-09-26", 24.5, 2.0, 2, None, 1, 0, 2),
    ("2025-10-10", 22.0, 1.5, 1, 4, None, None, 2),
    ("2025-10-31", 19.0, 1.4, 1, 4, 1, 0, 2),
    ("2025-11-21", 17.5, 1.2, 1, 3, None, None, 1),
    ("2025-11-28", None, None, None, None, None, None, None),  # labs only
    ("2025-12-12", 16.0, 1.0, 1, 3, 1, 0, 1),
    ("2026-01-09", 14.3, 1.2, 1, 3, None, None, 1),  # week 52, self-scored
    ("2026-01-16", 15.3, 1.4, 1, 3, 1, 0, 1),  # a week later, by a clinician
    ("2026-02-06", 18.0, 3.0, 3, 6, None, None, 2),  # the pause: last dose 23 Jan
    ("2026-02-27", 21.5, 5.5, 4, 8, 2, 1, 3),
    ("2026-03-06", 19.5, 6.5, 5, 9, None, None, 3),
    ("2026-03-20", 24.0, 8.0, 5, 10, 2, 1, 4),
    ("2026-04-10", 29.0, 10.5, 6, 12, 2, 1, 5),
    ("2026-04-24", 33.0, 11.0, 6, 12, None, None, 5),  # reloaded on 17 Apr
    ("2026-05-01", 36.0, 9.0, 5, 11, 2, 1, 5),
    ("2026-05-15", 39.0, 7.5, 5, 10, None, None, 5),  # mometasone for flares from today
    ("2026-05-29", 41.0, 5.0, 4, 8, 2, 1, 4),
    ("2026-06-05", 43.0, 4.0, 3, 7, None, None, 4),
    ("2026-06-19", 44.0, 3.5, 3, 6, 2, 1, 4),
    ("2026-07-10", 40.0, 3.0, 3, 6, None, None, 3),
    ("2026-07-31", 36.0, 2.6, 2, 5, 2, 1, 3),
    ("2026-08-21", 30.0, 2.2, 2, 5, None, None, 3),
    ("2026-09-11", 26.0, 2.0, 2, 4, 1, 1, 2),
    ("2026-10-02", 23.0, 1.8, 2, 4, None, None, 2),
    ("2026-10-23", 19.5, 1.6, 1, 3, 1, 0, 2),
    ("2026-11-13", 18.0, 1.5, 1, 3, None, None, 2),
    ("2026-11-27", 16.5, 1.4, 1, 3, 1, 0, 2),
]
CLINICIAN = {"2025-07-04", "2026-01-16"}
LAB_ONLY = "2025-11-28"

EFFECTS = ("conjunctivitis", "blepharitis", "injection_site_reaction", "facial_erythema", "oral_herpes",
           "headache", "joint_pain", "eosinophilia", "new_aa_patches")
FULL = dict.fromkeys(EFFECTS, "no")
NO_EYES = {k: v for k, v in FULL.items() if k not in ("conjunctivitis", "blepharitis")}  # eyes left empty
FULL_DAYS = {"2025-06-27", "2025-07-04", "2025-08-29", "2025-10-31", "2025-12-12", "2026-01-16", "2026-03-20",
             "2026-06-19", "2026-09-11", "2026-11-27"}
REPORTS = {  # the checklist's answers other than "no"
    "2025-07-04": {"conjunctivitis": "mild", "eosinophilia": "yes"},
    "2025-08-01": {"injection_site_reaction": "mild"},
    "2025-09-12": {"headache": "mild"},
    "2026-03-20": {"new_aa_patches": "yes"},
    "2026-04-10": {"new_aa_patches": "moderate"},
    "2026-05-15": {"facial_erythema": "mild"},
    "2026-06-05": {"oral_herpes": "moderate"},
    "2026-07-31": {"joint_pain": "yes"},
    "2026-09-11": {"blepharitis": "mild"},
}
OLD_TEMPLATE = {  # before the checklist: injection_site and the free list (or a blanket none)
    "2025-02-03": ("mild", [{"name": "injection_site_reaction", "severity": "mild"}]),
    "2025-03-03": ("none", "none"),
    "2025-03-31": (None, "none"),
    "2025-04-28": ("none", [{"name": "conjunctivitis", "severity": "mild", "notes": "both eyes"}]),
    "2025-05-26": ("none", [{"name": "dry eyes", "severity": "mild"}]),
}
BLANKET_TOO = {"2025-06-09", "2025-10-10", "2026-02-06"}  # the checklist and `side_effects: none`
LABS = {
    "2025-01-06": {"ige": {"value": 420, "unit": "IU/mL"}, "eosinophils": {"value": 0.55, "unit": "10^9/L"}},
    "2025-07-04": {"ige": {"value": 310, "unit": "IU/mL"}, "eosinophils": {"value": 0.505, "unit": "10^9/L"}},
    "2025-11-28": {"eosinophils": {"value": 620, "unit": "cells/µL"}},
    "2026-06-05": {"eosinophils": {"value": 4.5, "unit": "%"}, "wbc": {"value": 6.8, "unit": "10^9/L"}},
    "2026-11-13": {"ige": {"value": 250, "unit": "kU/L"}},
}
NOTES = {"2026-02-06": "The insurer's approval lapsed: no injection since 23 January.",
         "2026-04-24": "Approval renewed; reloaded with two injections on 17 April."}

CONFIG = """\
title: Long course (synthetic)
patient: {name: Alex Course (synthetic), birth_date: 1988-03-02}
conditions: [alopecia_areata, atopic_dermatitis]
diagnoses:
  - {condition: alopecia areata, code: L63.9, diagnosed: 2012, episode_start: 2024-09}
  - {condition: atopic dermatitis, code: L20.9, diagnosed: 1995}
  - {condition: asthma, code: J45.909, diagnosed: 2008-05-14}
  - {condition: allergic rhinitis, code: J30.9, diagnosed: 2026-06}
treatments:
  - drug: dupilumab
    start: 2025-01-10
    dose: 600 mg loading, then 300 mg every 2 weeks
    indication: atopic dermatitis (on-label); alopecia areata (off-label)
    for: [atopic_dermatitis, alopecia_areata]
    schedule: dupilumab
    dosing: {interval_days: 14, loading_doses: 2}
    expected_effects: [new_aa_patches]
  - drug: mometasone furoate 0.1% ointment
    start: 2026-05-15
    for: [atopic_dermatitis]
    indication: flares of atopic dermatitis, as needed
  - drug: topical minoxidil 5% foam
    start: 2025-09-01
    end: 2026-02-01
    for: [alopecia_areata]
    outcome: stopped
    stopped_because: scalp irritation
  - drug: ciclosporin
    start: 2024-03-01
    end: 2024-09-30
    for: [atopic_dermatitis]
  - drug: intralesional triamcinolone
    start: 2023-03-01
    end: 2024-02-01
    for: [alopecia_areata]
    outcome: partial
    stopped_because: patches relapsed while still on treatment
  - drug: clobetasol propionate 0.05% foam
    start: 2022-06-01
    end: 2023-01-15
    for: [alopecia_areata]
    potency: I
    outcome: none
density: {zones: [frontal, crown]}
"""
APPOINTMENTS = {
    "2026-01-20": ("12-month re-authorisation", "1. Is the response enough for the insurer's form?\n"),
    "2026-04-15": ("Review after the pause", "1. The patches came back during the pause. Restart?\n"),
    "2026-12-15": ("Review", "".join(f"{i}. Question {i} about the course of the last months, the pause, the "
                                     "relapse and the second response, written out at length.\n" for i in range(1, 9))),
}


def days(iso: str) -> int:
    return (dt.date.fromisoformat(iso) - START).days


def _due(k: int) -> dt.date:
    return START + dt.timedelta(days=14 * k)


MISSED = {13} | set(range(28, 33))  # a missed dose, then the pause (no dose due 6 Feb to 3 Apr 2026)
SHIFT = {5: -2, 9: 5, 17: 8}  # early by 2 days, late by 5, 8 days late (after its window closed)
LAST_DOSE = 49  # 27 Nov 2026


def injection_rows() -> list[str]:
    """The log: two loading injections, then one per due date, shifted, missed, paused, reloaded."""
    sites = ("abdomen_left", "thigh_left", "abdomen_right", "thigh_right")
    rows = ["2025-01-10,dupilumab,300,thigh_right,mild,loading dose at the clinic"]
    for k in range(LAST_DOSE + 1):
        if k in MISSED:
            continue
        day = _due(k) + dt.timedelta(days=SHIFT.get(k, 0))
        note = "reload after the pause" if k == 33 else ""
        rows.append(f"{day},dupilumab,300,{sites[k % 4]},none,{note}")
        if k == 33:
            rows.append(f"{day},dupilumab,300,abdomen_right,none,reload after the pause (second injection)")
    return rows


def plan(count: int) -> list[dict]:
    """The sessions: the course as it is (41), or sampled at `count` − 1 evenly spaced dates, then the empty one."""
    rows = [dict(zip(("date", "salt", "easi", "itch", "adct", "brows", "lashes", "pgic"), r)) for r in COURSE]
    if count == len(COURSE) + 1:
        return rows
    first, last = dt.date.fromisoformat(COURSE[0][0]), dt.date.fromisoformat(COURSE[-1][0])
    step = (last - first) / (count - 2)
    out = [rows[0]]
    for i in range(1, count - 1):
        day = (first + step * i).isoformat()
        before = max((r for r in rows if r["date"] <= day and r["salt"] is not None), key=lambda r: r["date"])
        out.append(before | {"date": day, "source": before["date"], "brows": before["brows"] if i % 3 == 0 else None,
                             "lashes": before["lashes"] if i % 3 == 0 else None})
    return out


def session_doc(row: dict, index: int) -> dict:
    """One session.yaml as the patient wrote it (a sampled session answers as the one it was taken from)."""
    day = row.get("source", row["date"])
    doc: dict = {}
    if index == 0:
        doc["salt"] = dict(BASELINE_REGIONS)
        doc["psychosocial_impact"] = 7
        doc["rapidly_progressive"] = False
    elif row["salt"] is not None:
        doc["salt"] = row["salt"]
    if row["salt"] is not None or index == 0:
        doc["density"] = {"frontal": 60 + index, "crown": 30 + index}
        doc["ad"] = {"itch": row["itch"], "easi": row["easi"], "poem": max(2, 20 - index)}
    for key, name in (("adct", "adct"), ("brows", "eyebrows"), ("lashes", "eyelashes"), ("pgic", "pgic")):
        if row[key] is not None:
            doc[name] = row[key]
    doc |= _safety(day, index)
    if day in CLINICIAN or index == 0:
        doc["assessed_by"] = "clinician"
        if "ad" in doc:
            doc["ad"] |= {"bsa_pct": round(row["easi"] * 1.5, 1), "viga_ad": min(4, round(row["easi"] / 5) + 1)}
    if day in LABS:
        doc["labs"] = LABS[day]
    doc["medications"] = _medications(day)
    if day in NOTES:
        doc["notes"] = NOTES[day]
    return doc


def _safety(day: str, index: int) -> dict:
    """The side-effect answers of a session: none before the start are counted; the old template,
    the checklist (eyes often left empty), reports, and a blanket none."""
    if index == 0:
        return {"expected_effects": dict(FULL), "side_effects": "none"}
    if day in OLD_TEMPLATE:
        site, listed = OLD_TEMPLATE[day]
        return ({"injection_site": site} if site else {}) | {"side_effects": listed}
    if day == LAB_ONLY:
        return {"expected_effects": {"eosinophilia": "no"}}
    answers = (dict(FULL) if day in FULL_DAYS else dict(NO_EYES)) | REPORTS.get(day, {})
    return {"expected_effects": answers} | ({"side_effects": "none"} if day in BLANKET_TOO else {})


def _medications(day: str) -> list[str]:
    meds = ["dupilumab 300 mg q2w" if not "2026-01-24" <= day < "2026-04-17" else "dupilumab paused (approval lapsed)",
            "emollient twice daily"]
    if "2025-09-01" <= day <= "2026-02-01":
        meds.append("topical minoxidil 5% foam")
    if day >= "2026-05-15":
        meds.append("mometasone 0.1% ointment on flares")
    return meds


def photo(path: Path, number: int) -> None:
    """A plain photo, one of its kind: the same scene and light every time (so nothing drifts), a
    corner square whose shade spells its number (so no two are the same file)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (800, 600), (176, 150, 134))
    draw = ImageDraw.Draw(img)
    draw.ellipse([220, 90, 580, 510], fill=(196, 160, 140), outline=(90, 70, 60), width=6)
    draw.rectangle([0, 0, 23, 23], fill=(40 + number % 14 * 15, 40 + number // 14 * 14, 40))
    img.save(path, "JPEG", quality=85)


def write_course(root: Path, count: int = 41, photos: bool = True, questions: str | None = None) -> Path:
    """Write the course journal into `root` (a new folder); the last session is made by `new`.

    `questions`: the text of the last appointment's questions instead of the long list."""
    from scalpsite.journal.load import load
    from scalpsite.journal.scaffold import new_session

    root.mkdir(parents=True)
    (root / "scalpsite.yaml").write_text(CONFIG, encoding="utf-8")
    (root / "injections.csv").write_text("date,drug,dose_mg,site,reaction,note\n" + "\n".join(injection_rows()) + "\n",
                                         encoding="utf-8")
    (root / "appointments").mkdir()
    for day, (purpose, body) in APPOINTMENTS.items():
        body = questions if questions is not None and day == max(APPOINTMENTS) else body
        (root / "appointments" / f"{day}.md").write_text(f"---\npurpose: {purpose}\n---\n\n{body}", encoding="utf-8")
    for i, row in enumerate(plan(count)):
        folder = root / "sessions" / row["date"]
        folder.mkdir(parents=True)
        (folder / "session.yaml").write_text(yaml.safe_dump(session_doc(row, i), sort_keys=False, allow_unicode=True),
                                             encoding="utf-8")
        if photos and row["date"] != LAB_ONLY:
            for j, angle in enumerate(("overhead", "front", "back", "left", "right")):
                photo(folder / f"{angle}.jpg", 5 * i + j)
    new_session(load(root), EMPTY_DAY)
    return root


def make_worst(root: Path) -> Path:
    """Make the written journal as hard on page 1 as a patient can: long texts everywhere, ten
    density zones, a treatment the tracked one took over from, many other side effects."""
    config = yaml.safe_load((root / "scalpsite.yaml").read_text(encoding="utf-8"))
    long = " ".join(["words of a long indication"] * 30)
    config["patient"]["name"] = "Alexandra Maximiliana Course-Longname von Example (synthetic) " * 3
    tracked = config["treatments"][0]
    tracked["indication"] = long
    tracked["dose"] = "600 mg loading dose as two injections, then 300 mg every two weeks " * 3
    config["treatments"].append({"drug": "tralokinumab", "start": dt.date(2024, 10, 1), "end": dt.date(2025, 1, 5),
                                 "for": ["atopic_dermatitis"], "dosing": {"interval_days": 14}})
    zones = [f"zone_with_a_long_name_{i}" for i in range(10)]
    config["density"] = {"zones": zones}
    (root / "scalpsite.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    others = [{"name": n, "severity": "mild"} for n in ("nausea", "fatigue", "dizziness", "back pain", "acne",
                                                          "insomnia", "hair shedding")]
    folders = sorted((root / "sessions").iterdir())
    for i, folder in enumerate(folders):
        path = folder / "session.yaml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "density" in doc:
            doc["density"] = {z: 50 + i if folder != folders[-1] else None for z in zones}
        if 0 < i < len(folders) - 1 and "side_effects" not in doc and "expected_effects" in doc:
            doc["side_effects"] = others[i % len(others):] or others
        path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    purpose = "a purpose written out at great length for the appointment " * 6
    last = root / "appointments" / f"{max(APPOINTMENTS)}.md"
    last.write_text(last.read_text(encoding="utf-8").replace("purpose: Review", f"purpose: {purpose}"),
                    encoding="utf-8")
    return root
