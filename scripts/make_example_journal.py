#!/usr/bin/env python3
"""Generate ``example-journal/``: a fully synthetic one-year scalpsite journal.

The journal follows an invented patient, "Sam Example (synthetic)", with
alopecia areata and atopic dermatitis through one year of dupilumab (start
2025-01-10): 13 sessions from a baseline four days before the first dose to
the one-year mark, on scalpsite's tracking schedule plus one
unscheduled session when the first regrowth was noticed (2025-04-14), two
appointment files with questions for the physician, and ``injections.csv``: the
year's dupilumab injections (the two loading injections, then every 2 weeks, with
one dose missed, one given five days late, and an interruption of six weeks when
the pens were not delivered). Later sessions also grade eyebrows and eyelashes,
the global impression of change (PGI-C) and AD control (ADCT, RECAP), and answer
the expected-effects checklist. ``scalpsite.yaml`` carries the diagnoses with
their codes, earlier treatments (one with its potency class) and intralesional
triamcinolone in an eyebrow during the response (a treatment that may confound it).

Every number and every photo is made up. The photos are stylised drawings
made with Pillow and numpy (a skin-toned head, procedural hair strokes and
smooth bald patches whose area follows the session's SALT region); they show
no real person. Exactly one photo is HEIC (``2025-05-05/front.heic``) and
exactly one JPEG is stored rotated with EXIF orientation 6
(``2025-03-03/left.jpg``), so that the loader's handling of both is exercised.

Photos after the baseline are framed a little differently, as a hand-held phone
frames them (a known turn, distance and shift per photo, ``framing()``), so that
the alignment to the baseline has something to find. Four sessions carry painted
SALT masks (``<angle>.mask.png``: scalp green, bald patches red, the rest
transparent), drawn from the same patches as the photos: the baseline, the
unscheduled 2025-04-14 session (overhead only), the 6-month review and the
one-year session.

The script is deterministic and idempotent: it deletes and regenerates
``sessions/`` and ``appointments/``, overwrites ``scalpsite.yaml``,
``injections.csv`` and ``.gitignore``, and touches nothing else. Two runs give identical files.

Usage: python scripts/make_example_journal.py [JOURNAL_DIR]
"""

from __future__ import annotations

import math
import shutil
import sys
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import yaml
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JOURNAL = ROOT / "example-journal"

# --------------------------------------------------------------------------
# Journal data
# --------------------------------------------------------------------------

CONFIG_YAML = """\
title: Hair regrowth journal
patient: {name: Sam Example (synthetic), birth_date: 1991-05-14}
conditions: [alopecia_areata, atopic_dermatitis]
diagnoses:
  - {condition: alopecia areata, code: L63.9, diagnosed: 2012, episode_start: 2024-09}
  - {condition: atopic dermatitis, code: L20.9, diagnosed: 1996}
  - {condition: asthma, code: J45.909, diagnosed: 2005-03}
  - {condition: allergic rhinitis, code: J30.9, diagnosed: 2003}
treatments:
  - drug: dupilumab
    start: 2025-01-10
    dose: 600 mg loading, then 300 mg every 2 weeks
    indication: atopic dermatitis (on-label); alopecia areata (off-label)
    for: [atopic_dermatitis, alopecia_areata]
    schedule: dupilumab
    dosing: {interval_days: 14, loading_doses: 2}
  - drug: intralesional triamcinolone (eyebrows)
    start: 2025-08-04
    end: 2025-10-27
    dose: triamcinolone acetonide 2.5 mg/mL, every 4 weeks
    for: [alopecia_areata]
    outcome: partial
    notes: three sessions into the left eyebrow, at the dermatology clinic
  - drug: ciclosporin
    start: 2024-03-01
    end: 2024-09-30
    dose: 150 mg twice daily
    for: [atopic_dermatitis]
    outcome: not_tolerated
    stopped_because: blood pressure rose on treatment
  - drug: intralesional triamcinolone
    start: 2023-03-01
    end: 2024-02-01
    for: [alopecia_areata]
    outcome: partial
    stopped_because: patches relapsed while still on treatment
    notes: partial regrowth, relapsed
  - drug: clobetasol propionate 0.05% foam
    start: 2022-06-01
    end: 2023-01-15
    for: [alopecia_areata]
    potency: I
    outcome: none
    stopped_because: no regrowth after seven months
    notes: applied to the patches; little effect
photos: {angles: [overhead, front, back, left, right]}
density:
  unit: FU/cm²
  zones: [frontal, midscalp, crown, occipital, temporal_left, temporal_right]
"""

GITIGNORE = "_site/\n.scalpsite-cache/\n"

SALT_WEIGHTS = {"top": 0.40, "back": 0.24, "left": 0.18, "right": 0.18}
ZONES = ("frontal", "midscalp", "crown", "occipital", "temporal_left", "temporal_right")
DENSITY_START = dict(zip(ZONES, (70, 55, 35, 62, 50, 52)))
DENSITY_END = dict(zip(ZONES, (105, 95, 80, 92, 86, 88)))
LIGHTING = "bathroom window daylight, 10:00"

# EASI at baseline, per region: area %, then erythema, oedema, excoriation,
# lichenification. Later sessions scale this by an AD severity factor.
EASI_BASE = {
    "head_neck": (20, 2, 2, 1, 1),
    "upper_limbs": (35, 2, 2, 2, 1.5),
    "trunk": (15, 2, 1.5, 1, 1),
    "lower_limbs": (25, 2, 2, 1.5, 1.5),
}
EASI_SIGNS = ("erythema", "oedema", "excoriation", "lichenification")

DUPI = "dupilumab 300 mg q2w"
EMOLLIENT = "emollient twice daily"
TACRO = "tacrolimus 0.1% ointment"
DROPS = "lubricating eye drops"
CONJ = {"name": "conjunctivitis", "severity": "mild", "notes": "both eyes, lubricating drops"}

NOTES_MD = {
    "2025-01-06": """\
# Baseline, before the first dose

Photos taken four days before the *loading dose* on 10 January.

- The crown and back patches have looked the same since the autumn.
- Eyebrows are thinner on the left side.
- Eczema worst on the neck, the elbow creases and the backs of the knees.
- Blood test (IgE and eosinophils) done at the GP last week.
""",
    "2025-04-14": """\
# Extra session: first fine hairs

Not a scheduled session. I noticed *fine, light hairs* in the crown patch
while washing my hair and wanted a record of the day.

- Hairs are soft and pale, about 2-3 mm long.
- The back patch looks unchanged.
- Both eyes have been red and gritty for about a week (see side effects).
""",
    "2025-06-30-dermatology": """\
# Photos for the dermatology review

Set of photos and measurements for the *6-month review* on 4 July.

- Crown patch clearly smaller; regrowth mostly fine hairs, some darker ones.
- Eyes settled; still using the drops some mornings.
- EASI this time is a single estimate rather than the full region sheet.
- Blood test repeated on 27 June.
""",
    "2026-01-12": """\
# One year on dupilumab

- The remaining patches are at the back and at the top of the crown.
- Most regrown hair is now *dark and the same length* as the rest.
- Skin: only dry patches on the hands in cold weather.
- Blood test repeated on 8 January.
""",
}

EFFECTS = ("conjunctivitis", "blepharitis", "injection_site_reaction", "facial_erythema", "oral_herpes",
           "headache", "joint_pain", "eosinophilia", "new_aa_patches")
NONE_OF = {k: "no" for k in EFFECTS}  # the checklist, every effect asked and absent

# Per session (folder): eyebrows, eyelashes, PGI-C, ADCT, RECAP, psychosocial impact, rapidly progressive
# (None: not recorded), and the checklist's answers from the template that asks them (mid-2025 on).
EXTRA = {
    "2025-01-06": {"brows": (2, 1), "adct": 16, "recap": 18, "psy": 7, "rapid": False},
    "2025-02-03": {"adct": 12},
    "2025-03-03": {"adct": 9},
    "2025-03-31": {"brows": (2, 1), "pgic": 4, "adct": 8},
    "2025-05-05": {"pgic": 3, "adct": 6},
    "2025-06-30-dermatology": {"brows": (1, 1), "pgic": 3, "adct": 5, "recap": 7, "psy": 5, "rapid": False,
                               "checklist": NONE_OF | {"eosinophilia": "yes"}},
    "2025-07-28": {"checklist": NONE_OF | {"headache": "mild"}},
    "2025-09-08": {"brows": (1, 0), "pgic": 2, "adct": 5, "checklist": NONE_OF | {"injection_site_reaction": "mild"}},
    "2025-10-20": {"adct": 4, "checklist": NONE_OF | {"joint_pain": None}},
    "2025-12-01": {"pgic": 2, "checklist": NONE_OF},
    "2026-01-12": {"brows": (0, 0), "pgic": 1, "adct": 3, "recap": 4, "psy": 3, "checklist": NONE_OF},
}

SESSIONS = [
    dict(folder="2025-01-06", salt=(70, 50, 45, 42), vellus=60, itch=8, ad=1.0,
         areas=["neck", "elbow creases", "backs of knees", "hands"],
         poem=[4, 3, 2, 1, 2, 3, 4], dlqi=[2, 3, 1, 2, 2, 1, 1, 1, 0, 1],
         injection_site="none", side_effects=[], meds=[EMOLLIENT, TACRO], labs=(420, 0.55)),
    dict(folder="2025-02-03", salt=(70, 52, 45, 40), vellus=62, itch=6, ad=0.65,
         areas=["neck", "elbow creases", "hands"], poem=[3, 2, 1, 1, 1, 2, 3], dlqi=12,
         injection_site="mild",
         side_effects=[{"name": "injection_site_reaction", "severity": "mild",
                        "notes": "redness at the thigh site after the loading dose, gone in 2 days"}],
         meds=[DUPI, EMOLLIENT, TACRO],
         notes="Loading dose given at the clinic on 10 January; first home injection on 24 January."),
    dict(folder="2025-03-03", salt=(68, 50, 45, 40), vellus=61, itch=4, ad=0.5,
         areas=["elbow creases", "hands"], poem=[2, 1, 1, 0, 1, 2, 3], dlqi=10,
         injection_site="mild",
         side_effects=[{"name": "injection_site_reaction", "severity": "mild",
                        "notes": "small itchy bump at the abdomen site for one day"}],
         meds=[DUPI, EMOLLIENT, TACRO],
         notes="Sleeping through most nights now. The patches look the same as at baseline."),
    dict(folder="2025-03-31", salt=(65, 48, 42, 40), vellus=58, itch=4, ad=0.38,
         areas=["elbow creases", "hands"], poem=[2, 1, 0, 0, 1, 1, 3],
         dlqi=[1, 3, 0, 2, 1, 1, 0, 1, 0, 1], injection_site="none", side_effects=[],
         meds=[DUPI, EMOLLIENT, TACRO],
         notes="Rotating injection sites between thighs and abdomen. No change on the scalp that I can see."),
    dict(folder="2025-04-14", no_date=True, salt=(62, 46, 40, 38), vellus=64, itch=3, ad=0.34,
         areas=["hands"], poem=7, dlqi=9, injection_site="none", side_effects=[CONJ],
         meds=[DUPI, EMOLLIENT, TACRO, DROPS]),
    dict(folder="2025-05-05", salt=(55, 42, 35, 34), vellus=58, itch=3, ad=0.30,
         areas=["hands"], poem=[1, 1, 0, 0, 1, 1, 2], dlqi=8, injection_site="none",
         side_effects=[CONJ], meds=[DUPI, EMOLLIENT, DROPS],
         notes="The fine hairs on the crown patch are longer and easier to see in daylight."),
    dict(folder="2025-06-02", salt=(48, 38, 30, 30), vellus=52, itch=3, ad=0.26,
         areas=["hands"], poem=[1, 0, 0, 0, 0, 1, 2], dlqi=7, injection_site="none",
         side_effects=[dict(CONJ, notes="both eyes, lubricating drops; settling")],
         meds=[DUPI, EMOLLIENT, DROPS]),
    dict(folder="2025-06-30-dermatology", salt=(42, 34, 26, 25), vellus=46, itch=3, easi=3.8,
         areas=["hands"], poem=4, dlqi=[1, 2, 0, 1, 1, 0, 0, 1, 0, 1], injection_site="none",
         side_effects=[], meds=[DUPI, EMOLLIENT], labs=(310, 0.78)),
    dict(folder="2025-07-28", salt=(38, 28, 22, 20), vellus=40, itch=2, ad=0.26,
         areas=["hands"], poem=[1, 1, 0, 0, 0, 1, 2], dlqi=6, injection_site="none",
         side_effects=[{"name": "headache", "severity": "mild",
                        "notes": "the day after an injection, gone by the evening"}],
         meds=[DUPI, EMOLLIENT],
         notes="One mild headache this month, the day after an injection. Missed the injection due on "
               "27 June while travelling; took the next one on 11 July as planned."),
    dict(folder="2025-09-08", salt=(32, 22, 18, 16), vellus=34, itch=3, ad=0.28,
         areas=["hands", "neck"], poem=[1, None, 0, 0, 0, 1, 2],
         dlqi=[1, 1, 0, 1, 1, 0, 0, 0, 0, 1], injection_site="none", side_effects=[],
         meds=[DUPI, EMOLLIENT],
         notes="Left one POEM question blank: I could not remember how my sleep was that week."),
    dict(folder="2025-10-20", no_date=True, salt=(28, 18, 14, 13), vellus=28, itch=2, ad=0.22,
         areas=["hands"], poem=[1, 0, 0, 0, 0, 1, 1], dlqi=4, injection_site="none",
         side_effects=[], meds=[DUPI, EMOLLIENT]),
    dict(folder="2025-12-01", salt=(24, 15, 12, 10), vellus=24, itch=2, ad=0.24,
         areas=["hands"], poem=[0, 0, 0, 0, 0, 1, 2], dlqi=4, injection_site="none",
         side_effects=[], meds=[DUPI, EMOLLIENT],
         notes="Skin drier with the heating on; using more emollient in the evening."),
    dict(folder="2026-01-12", salt=(22, 12, 10, 9), vellus=20, itch=2, ad=0.16,
         areas=["hands"], poem=[0, 0, 0, 0, 0, 1, 1], dlqi=[0, 1, 0, 1, 0, 0, 0, 0, 0, 1],
         injection_site="none", side_effects=[], meds=[DUPI, EMOLLIENT], labs=(250, 0.46)),
]

APPOINTMENTS = {
    "2025-07-04": ("6-month review of off-label dupilumab for alopecia areata", """\
# Questions for the 6-month review

1. SALT has gone from about 56 to about 34 since January. Is this the kind of
   response you would expect at six months, and what would count as a
   response worth continuing for?
2. Most of the regrowth is still fine and light. How long does it usually
   take to turn into normal hair?
3. The conjunctivitis in April and May settled with lubricating drops. Should
   I do anything differently if it comes back?
4. Is it useful to repeat the IgE and eosinophil tests, and how often?
"""),
    "2026-01-16": ("12-month review of off-label dupilumab for alopecia areata", """\
# Questions for the 12-month review

1. SALT is about 15 now, from about 56 at baseline. How do you read the
   trend over the last three sessions?
2. What is the plan for the coming year, and how often should I keep
   taking photos and measurements?
3. The back patch is regrowing more slowly than the crown. Is that common?
4. Is there anything in the side-effect log you would like me to track more
   closely?
5. Should the eyebrows be photographed separately from now on?
"""),
}

# --------------------------------------------------------------------------
# Session YAML
# --------------------------------------------------------------------------


def num(x: float) -> int | float:
    """Render whole numbers as int (2 rather than 2.0) in the YAML."""
    return int(x) if float(x).is_integer() else float(x)


def folder_date(folder: str) -> date:
    return date.fromisoformat(folder[:10])


def salt_regions(s: dict) -> dict:
    return dict(zip(SALT_WEIGHTS, s["salt"]))


def salt_total(s: dict) -> float:
    return round(sum(SALT_WEIGHTS[k] * v for k, v in salt_regions(s).items()), 2)


def hair_progress(s: dict) -> float:
    """0 at baseline, 1 at the last session: how far hair regrowth has got."""
    first, last = salt_total(SESSIONS[0]), salt_total(SESSIONS[-1])
    return min(1.0, max(0.0, (first - salt_total(s)) / (first - last)))


def density_readings(s: dict) -> dict:
    """Zone readings between the start and end values, with a few % of noise."""
    rng = np.random.default_rng(zlib.crc32(("density/" + s["folder"]).encode()))
    p = hair_progress(s)
    out = {}
    for zone in ZONES:
        value = DENSITY_START[zone] + (DENSITY_END[zone] - DENSITY_START[zone]) * p
        out[zone] = int(round(value * (1 + rng.uniform(-0.03, 0.03))))
    return out


def easi_parts(f: float) -> dict:
    """Per-region EASI components scaled from baseline by severity factor f."""
    parts = {}
    for region, (area, *signs) in EASI_BASE.items():
        area_now = int(round(area * f))
        if area_now < 3:
            parts[region] = {"area_pct": 0}
            continue
        scaled = [num(round(x * math.sqrt(f) * 2) / 2) for x in signs]
        parts[region] = {"area_pct": area_now, **dict(zip(EASI_SIGNS, scaled))}
    return parts


def easi_total(parts: dict) -> float:
    weights = {"head_neck": 0.1, "upper_limbs": 0.2, "trunk": 0.3, "lower_limbs": 0.4}
    bands = ((90, 6), (70, 5), (50, 4), (30, 3), (10, 2), (1, 1), (0, 0))
    total = 0.0
    for region, p in parts.items():
        area_score = next(score for low, score in bands if p["area_pct"] >= low)
        total += sum(p.get(k, 0) for k in EASI_SIGNS) * area_score * weights[region]
    return round(total, 2)


# Body surface area and vIGA-AD at the first and the last session (the severity a form asks for).
AD_SEVERITY = {"2025-01-06": {"bsa_pct": 22, "viga_ad": 3}, "2026-01-12": {"bsa_pct": 3, "viga_ad": 1}}


def ad_block(s: dict) -> dict:
    easi = s["easi"] if "easi" in s else easi_parts(s["ad"])
    return {"itch": s["itch"], "easi": easi, "poem": s["poem"], **AD_SEVERITY.get(s["folder"], {}),
            "areas": s["areas"]}


def labs_block(labs: tuple[float, float]) -> dict:
    ige, eos = labs
    return {"ige": {"value": ige, "unit": "IU/mL"}, "eosinophils": {"value": eos, "unit": "10^9/L"}}


def session_doc(s: dict) -> dict:
    """The session.yaml content as an ordered dict."""
    doc = {} if s.get("no_date") else {"date": folder_date(s["folder"])}
    doc["salt"] = salt_regions(s)
    doc["density"] = density_readings(s)
    doc["hair_quality"] = {"vellus_pct": s["vellus"]}
    doc["ad"] = ad_block(s)
    doc["dlqi"] = s["dlqi"]
    extra = EXTRA.get(s["folder"], {})
    if "brows" in extra:
        doc["eyebrows"], doc["eyelashes"] = extra["brows"]
    for key, name in (("pgic", "pgic"), ("adct", "adct"), ("recap", "recap"), ("psy", "psychosocial_impact"),
                      ("rapid", "rapidly_progressive")):
        if key in extra:
            doc[name] = extra[key]
    if "checklist" in extra:  # the newer template: the checklist replaces injection_site
        doc["expected_effects"] = extra["checklist"]
    else:
        doc["injection_site"] = s["injection_site"]
    doc["side_effects"] = s["side_effects"]
    doc["medications"] = s["meds"]
    if "labs" in s:
        doc["labs"] = labs_block(s["labs"])
    doc["lighting"] = LIGHTING
    if "notes" in s:
        doc["notes"] = s["notes"]
    return doc


def dump_yaml(doc: dict) -> str:
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=None,
                          allow_unicode=True, width=120)


# --------------------------------------------------------------------------
# Synthetic photos
# --------------------------------------------------------------------------

OUT_W, OUT_H = 1024, 768  # photo size (landscape)
MX, MY = 128, 96          # the scene is drawn with this margin around the photo, so that a
W, H = OUT_W + 2 * MX, OUT_H + 2 * MY  # photo framed a little differently never shows its edge
SS = 2                    # hair strokes are drawn at SS x size, then reduced
SKIN = np.array([224, 180, 150], np.float32)
HAIR = np.array([44, 31, 25], np.float32)
VELLUS = np.array([150, 118, 92], np.float32)
FABRIC = (58, 82, 96)
STROKES_PER_UNIT = 5.2e-4  # hair strokes per px per density unit
EAR_SIDE = (0.0, 0.4)      # ear centre (u, v) in the side views
# Side views: control points (u, v) of the profile face outline, joined to the
# cranium and shaded as a low plateau of FACE_DEPTH x rx.
SIDE_FACE = ((-0.7, 0.1), (-0.93, 0.22), (-0.92, 0.34), (-1.06, 0.56), (-0.97, 0.64),
             (-0.99, 0.76), (-0.95, 0.82), (-0.98, 0.88), (-0.92, 0.98), (-0.93, 1.08),
             (-0.82, 1.17), (-0.5, 1.15), (-0.2, 1.0), (-0.1, 0.8), (-0.2, 0.5))
FACE_DEPTH = 0.42


@dataclass(frozen=True)
class View:
    """Geometry of one photo angle; u, v are coordinates relative to the head."""

    name: str
    cx: float
    cy: float
    rx: float
    ry: float
    egg: float              # > 0 wider towards +v, < 0 narrower
    hair: Callable          # (u, v) -> bool mask of the hair-bearing scalp
    flow: Callable          # (u, v) -> hair direction in radians
    zones: Callable         # (u, v, density dict) -> density per point
    region: str             # SALT region whose loss sets the bald area
    loss_scale: float = 1.0
    patches: int = 4
    face: tuple = ()        # outline points (u, v) of a profile face


def _overhead_zones(u, v, d):
    return np.select([v < -0.3, v < 0.2], [d["frontal"], d["midscalp"]], d["crown"])


def _front_zones(u, v, d):
    return np.select([u < -0.62, u > 0.62], [d["temporal_right"], d["temporal_left"]], d["frontal"])


def _back_zones(u, v, d):
    return np.where(v < -0.35, d["crown"], d["occipital"])


def _side_hair(u, v):
    front = u > -0.86 + 0.55 * np.clip(v + 0.45, 0, None)
    lower = v < 0.45 + 0.4 / (1 + np.exp(-(u - 0.12) / 0.06))
    eu, ev = EAR_SIDE
    ear = ((u - eu) / 0.13) ** 2 + ((v - ev) / 0.3) ** 2 > 1
    return front & lower & ear


def _side_zone(zone):
    return lambda u, v, d: np.full(np.shape(u), float(d[zone]))


VIEWS = {
    "overhead": View("overhead", 512 + MX, 400 + MY, 285, 345, 0.07,
                     hair=lambda u, v: v > -0.80 + 0.15 * u**2,
                     flow=lambda u, v: np.arctan2(v - 0.38, u - 0.08) + 0.45,
                     zones=_overhead_zones, region="top", patches=5),
    "front": View("front", 512 + MX, 455 + MY, 250, 320, -0.1,
                  hair=lambda u, v: v < -0.42 + 0.62 * u**2,
                  flow=lambda u, v: math.pi / 2 + 0.8 * u,
                  zones=_front_zones, region="top", loss_scale=0.6, patches=3),
    "back": View("back", 512 + MX, 350 + MY, 290, 320, -0.04,
                 hair=lambda u, v: v < 0.80 - 0.28 * u**2,
                 flow=lambda u, v: np.arctan2(v + 0.85, u - 0.05),
                 zones=_back_zones, region="back", patches=4),
    "left": View("left", 590 + MX, 300 + MY, 290, 250, 0.0, hair=_side_hair,
                 flow=lambda u, v: 0.45 + 0.7 * np.clip(v + 0.2, 0, None),
                 zones=_side_zone("temporal_left"), region="left", patches=3, face=SIDE_FACE),
}
# The right side is drawn as a left side and mirrored.
VIEWS["right"] = View(**{**VIEWS["left"].__dict__, "name": "right", "region": "right",
                         "zones": _side_zone("temporal_right")})


def seed(*parts: str) -> int:
    return zlib.crc32("/".join(parts).encode())


def uv_at(view: View, x, y):
    """Head-relative (u, v) of image points (x, y) given in output pixels."""
    v = (y - view.cy) / view.ry
    u = (x - view.cx) / view.rx / (1 + view.egg * v)
    return u, v


@lru_cache(maxsize=None)
def head_uv(view: View, scale: float = 1.0):
    ys, xs = np.mgrid[0:int(H * scale), 0:int(W * scale)].astype(np.float32)
    return uv_at(view, (xs + 0.5) / scale, (ys + 0.5) / scale)


@lru_cache(maxsize=None)
def hair_mask(view: View, scale: float = 1.0) -> np.ndarray:
    u, v = head_uv(view, scale)
    return (u**2 + v**2 < 0.96**2) & view.hair(u, v)


@lru_cache(maxsize=None)
def hair_soft(view: View) -> np.ndarray:
    """The hair region with a soft edge: hairlines thin out instead of ending."""
    return soft(Image.fromarray(hair_mask(view).astype(np.uint8) * 255), 6)


def to_px(view: View, points) -> list[tuple[float, float]]:
    return [(view.cx + u * view.rx, view.cy + v * view.ry) for u, v in points]


def soft(mask_img: Image.Image, radius: float) -> np.ndarray:
    return np.asarray(mask_img.filter(ImageFilter.GaussianBlur(radius)), np.float32) / 255


# ---- bald patches ---------------------------------------------------------


@lru_cache(maxsize=None)
def patch_layout(view: View) -> tuple:
    """Fixed blob centres and shapes per angle, so patches shrink in place."""
    rng = np.random.default_rng(seed("layout", view.name))
    ys, xs = np.nonzero(hair_mask(view, 0.25))
    blobs = []
    for _ in range(view.patches):
        i = rng.integers(len(xs))
        blobs.append({"c": (xs[i] * 4 + 2, ys[i] * 4 + 2), "w": rng.uniform(0.6, 1.3),
                      "aspect": rng.uniform(0.6, 1.0), "rot": rng.uniform(0, math.pi),
                      "amp": rng.uniform(0, 0.13, 3), "phase": rng.uniform(0, 2 * math.pi, 3)})
    return tuple(blobs)


def blob_polygon(blob: dict, s: float, scale: float) -> list[tuple[float, float]]:
    t = np.linspace(0, 2 * math.pi, 60, endpoint=False)
    wobble = 1 + sum(a * np.sin(k * t + p) for k, a, p in zip((2, 3, 5), blob["amp"], blob["phase"]))
    r = 60 * s * blob["w"] * wobble
    x, y = r * np.cos(t), r * blob["aspect"] * np.sin(t)
    c, sn = math.cos(blob["rot"]), math.sin(blob["rot"])
    px = (blob["c"][0] + c * x - sn * y) * scale
    py = (blob["c"][1] + sn * x + c * y) * scale
    return list(zip(px.tolist(), py.tolist()))


def draw_blobs(blobs, s: float, scale: float = 1.0) -> Image.Image:
    mask = Image.new("L", (int(W * scale), int(H * scale)), 0)
    draw = ImageDraw.Draw(mask)
    for blob in blobs:
        draw.polygon(blob_polygon(blob, s, scale), fill=255)
    return mask


def fit_patch_scale(view: View, loss: float) -> float:
    """Bisect the blob scale so that `loss` % of the hair region is bald."""
    if loss <= 0:
        return 0.0
    region, blobs = hair_mask(view, 0.25), patch_layout(view)
    lo, hi = 0.0, 12.0
    for _ in range(20):
        mid = (lo + hi) / 2
        bald = np.asarray(draw_blobs(blobs, mid, 0.25)) > 127
        frac = (bald & region).sum() / region.sum()
        lo, hi = (mid, hi) if frac < loss / 100 else (lo, mid)
    return (lo + hi) / 2


# ---- the head: background, body, shaded skin --------------------------------


def background(light: dict) -> Image.Image:
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    g = (1.06 - 0.14 * xs / W - 0.05 * ys / H) * (1 + plaster())
    wall = np.array([198, 203, 207], np.float32) * light["bright"]
    return Image.fromarray(np.clip(wall * g[..., None], 0, 255).astype(np.uint8))


@lru_cache(maxsize=None)
def plaster() -> np.ndarray:
    """The wall's own texture, the same in every session (photos are taken at the same place),
    as a real wall has: faint mottling and grain, relative to its shade."""
    rng = np.random.default_rng(seed("wall"))
    mottle = box_blur(rng.normal(0, 1, (H, W)).astype(np.float32), 5)
    grain = box_blur(rng.normal(0, 1, (H, W)).astype(np.float32), 2)
    return (0.07 * mottle / mottle.std() + 0.05 * grain / grain.std()).astype(np.float32)


def draw_body(img: Image.Image, view: View) -> None:
    """Shoulders, neck and (front, back, overhead) ears behind the head."""
    d = ImageDraw.Draw(img)
    skin = tuple(int(c * 0.78) for c in SKIN)
    px = lambda pts: to_px(view, pts)  # noqa: E731
    if view.name == "overhead":
        d.ellipse(px([(-1.9, -0.35), (1.9, 0.75)]), fill=FABRIC)
    elif view.name in ("back", "front"):
        d.rectangle(px([(-0.42, 0.5), (0.42, 1.5)]), fill=skin)
        d.ellipse(px([(-1.8, 1.15), (1.8, 2.6)]), fill=FABRIC)
    else:
        d.polygon(px([(-0.55, 1.1), (0.42, 0.78), (0.6, 2.0), (-0.62, 2.0)]), fill=skin)
        d.ellipse(px([(-1.7, 1.65), (1.3, 3.2)]), fill=FABRIC)
    if view.name in ("overhead", "back", "front"):
        for side in (-1, 1):
            d.ellipse(px([(side * 0.97 - 0.1, -0.08), (side * 0.97 + 0.1, 0.32)]), fill=skin)


def box_blur(a: np.ndarray, r: int, passes: int = 3) -> np.ndarray:
    """Float blur (repeated box filter, close to a Gaussian): no 8-bit banding."""
    for _ in range(passes):
        for axis in (0, 1):
            m = np.moveaxis(a, axis, 0)
            c = np.cumsum(np.pad(m, ((r + 1, r), (0, 0)), mode="edge"), axis=0)
            a = np.moveaxis((c[2 * r + 1:] - c[:-2 * r - 1]) / (2 * r + 1), 0, axis)
    return a


def closed_spline(points, steps: int = 12) -> np.ndarray:
    """Catmull-Rom curve through closed control points, as an (n, 2) array."""
    p = np.asarray(points, np.float64)
    t = np.linspace(0, 1, steps, endpoint=False)[:, None, None]
    p0, p1, p2, p3 = (np.roll(p, -k, axis=0)[None] for k in (-1, 0, 1, 2))
    curve = 0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                   + (3 * p1 - p0 - 3 * p2 + p3) * t**3)
    return curve.transpose(1, 0, 2).reshape(-1, 2)


def face_alpha(view: View) -> np.ndarray:
    """Anti-aliased mask of the profile face (drawn at 4x, then reduced)."""
    big = Image.new("L", (W * 4, H * 4), 0)
    pts = [(x * 4, y * 4) for x, y in to_px(view, closed_spline(view.face).tolist())]
    ImageDraw.Draw(big).polygon(pts, fill=255)
    return np.asarray(big.resize((W, H), Image.Resampling.BOX), np.float32) / 255


def silhouette(view: View):
    """Height map (px) and soft alpha: a spherical cranium, plus a profile face."""
    u, v = head_uv(view)
    r = np.sqrt(u**2 + v**2)
    height = np.sqrt(np.clip(1 - r**2, 0, 1)) * view.rx
    alpha = np.clip((1 - r) * view.rx / 1.5, 0, 1)
    if view.face:
        face = face_alpha(view)
        height = np.maximum(height, box_blur(face, 9) * FACE_DEPTH * view.rx)
        alpha = np.maximum(alpha, face)
    return height, alpha


@lru_cache(maxsize=None)
def head_normals(view: View):
    height, alpha = silhouette(view)
    gy, gx = np.gradient(height)
    norm = np.sqrt(gx**2 + gy**2 + 1)
    return -gx / norm, -gy / norm, 1 / norm, alpha


def head_shade(view: View, light: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nx, ny, nz, alpha = head_normals(view)
    lx, ly, lz = light["dir"]
    lambert = np.clip(nx * lx + ny * ly + nz * lz, 0, 1)
    return (0.5 + 0.56 * lambert).astype(np.float32), alpha, nz


def paint_base(view: View, light: dict, bald: np.ndarray) -> tuple[Image.Image, np.ndarray]:
    """Background, body and shaded scalp (darker under hair, paler in patches)."""
    img = background(light)
    draw_body(img, view)
    shade, alpha, nz = head_shade(view, light)
    region = hair_soft(view)
    skin = SKIN[None, None, :] * (shade * (1 - 0.17 * region * (1 - bald)))[..., None]
    shine = bald * region * 38 * nz**8 * light["shine"]
    skin += (bald * region * 5)[..., None] * np.array([1.0, 0.3, 0.2]) + shine[..., None]
    arr = np.asarray(img, np.float32) * (1 - alpha[..., None]) + skin * alpha[..., None]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), shade


# ---- hair strokes ---------------------------------------------------------


def sample_roots(rng, view: View, dens: dict):
    """Random root points (output px) thinned to follow the zone densities."""
    idx = np.flatnonzero(hair_mask(view))
    dmax = max(dens.values())
    n = int(STROKES_PER_UNIT * dmax * len(idx))
    ys, xs = np.divmod(idx[rng.integers(0, len(idx), n)], W)
    xs, ys = xs + rng.random(n), ys + rng.random(n)
    u, v = uv_at(view, xs, ys)
    edge = hair_soft(view)[ys.astype(int), xs.astype(int)] ** 1.5
    keep = rng.random(n) < view.zones(u, v, dens) / dmax * edge
    return xs[keep], ys[keep], u[keep], v[keep]


def stroke_colours(rng, n: int, base: np.ndarray, shade) -> list[tuple]:
    tone = rng.uniform(0.7, 1.35, n) * (0.75 + 0.45 * np.asarray(shade))
    cols = np.clip(base[None, :] * tone[:, None], 0, 255).astype(int)
    return [tuple(c) for c in cols.tolist()]


def draw_strokes(draw, rng, xs, ys, theta, length, colours, width) -> None:
    """Short straight strokes; coordinates and length in output px."""
    theta = theta + rng.normal(0, 0.28, len(xs))
    x1, y1 = xs + np.cos(theta) * length, ys + np.sin(theta) * length
    for seg, col in zip((np.stack([xs, ys, x1, y1], 1) * SS).tolist(), colours):
        draw.line(seg, fill=col, width=width)


def paint_hair(img, rng, view, s, dens, bald, shade) -> None:
    """Terminal hair outside the patches, sparse fine vellus hair inside them."""
    draw = ImageDraw.Draw(img)
    xs, ys, u, v = sample_roots(rng, view, dens)
    iy, ix = ys.astype(int), xs.astype(int)
    in_patch = bald[iy, ix] > 0.5
    fuzz_p = 0.6 * s["vellus"] / 100 * min(1.0, 0.25 + 1.5 * hair_progress(s))
    fuzz = in_patch & (rng.random(len(xs)) < fuzz_p)
    theta = np.broadcast_to(view.flow(u, v), xs.shape)
    for sel, base, length, width in ((fuzz, VELLUS, rng.uniform(2.5, 6, len(xs)), 2),
                                     (~in_patch, HAIR, rng.uniform(7, 15, len(xs)), 3)):
        cols = stroke_colours(rng, int(sel.sum()), base, shade[iy[sel], ix[sel]])
        draw_strokes(draw, rng, xs[sel], ys[sel], theta[sel], length[sel], cols, width)


# ---- faces and ears (drawn at SS x size) ----------------------------------


def brow(draw, rng, cx, cy, half, outward: int, count: int = 140) -> None:
    """An eyebrow of short strokes centred at (cx, cy), output px."""
    t = rng.random(count)
    xs = cx + half * (2 * t - 1)
    ys = cy - 7 * np.sin(t * math.pi) + outward * 4 * (t - 0.5) + rng.normal(0, 1.1, count)
    theta = np.full(count, -0.3 if outward > 0 else math.pi + 0.3)
    cols = stroke_colours(rng, count, HAIR, np.full(count, 0.7))
    draw_strokes(draw, rng, xs, ys, theta, rng.uniform(3, 5.5, count), cols, 2)


def px2(view: View, u: float, v: float) -> tuple[float, float]:
    return ((view.cx + u * view.rx) * SS, (view.cy + v * view.ry) * SS)


def paint_front_face(img, rng, view: View) -> None:
    d = ImageDraw.Draw(img)
    line, lip = tuple(int(c * 0.55) for c in SKIN), (176, 112, 102)
    for side in (-1, 1):
        (x0, y0), (x1, y1) = px2(view, side * 0.36 - 0.15, 0.03), px2(view, side * 0.36 + 0.15, 0.11)
        d.arc([x0, y0, x1, y1], 15, 165, fill=line, width=3 * SS)
        bx, by = px2(view, side * 0.37, -0.1)
        brow(d, rng, bx / SS, by / SS, 0.17 * view.rx, side)
    d.line([*px2(view, 0.03, 0.1), *px2(view, 0.07, 0.34)], fill=line, width=2 * SS)
    d.line([*px2(view, -0.07, 0.385), *px2(view, 0.08, 0.385)], fill=line, width=2 * SS)
    d.line([*px2(view, -0.17, 0.58), *px2(view, 0.17, 0.58)], fill=lip, width=3 * SS)


def paint_side_face(img, rng, view: View, shade: np.ndarray) -> None:
    d = ImageDraw.Draw(img)
    line = tuple(int(c * 0.5) for c in SKIN)
    (x0, y0), (x1, y1) = px2(view, -0.95, 0.3), px2(view, -0.81, 0.37)
    d.arc([x0, y0, x1, y1], 20, 160, fill=line, width=3 * SS)
    bx, by = px2(view, -0.88, 0.19)
    brow(d, rng, bx / SS, by / SS, 0.07 * view.rx, -1, count=60)
    d.line([*px2(view, -0.96, 0.82), *px2(view, -0.87, 0.81)], fill=(176, 112, 102), width=2 * SS)
    eu, ev = EAR_SIDE
    ex, ey = int(view.cx + eu * view.rx), int(view.cy + ev * view.ry)
    ear = tuple(int(c) for c in SKIN * shade[ey, ex] * 0.95)
    (x0, y0), (x1, y1) = px2(view, eu - 0.09, ev - 0.25), px2(view, eu + 0.09, ev + 0.25)
    d.ellipse([x0, y0, x1, y1], fill=ear, outline=line, width=2 * SS)
    (x0, y0), (x1, y1) = px2(view, eu - 0.05, ev - 0.14), px2(view, eu + 0.05, ev + 0.12)
    d.arc([x0, y0, x1, y1], 250, 80, fill=line, width=2 * SS)


# ---- one photo ------------------------------------------------------------


def session_light(folder: str) -> dict:
    """Slightly different daylight each session: brightness, warmth, direction."""
    rng = np.random.default_rng(seed("light", folder))
    d = np.array([-0.38 + rng.uniform(-0.06, 0.06), -0.42 + rng.uniform(-0.06, 0.06), 0.82])
    return {"bright": rng.uniform(0.95, 1.05), "warm": rng.uniform(-0.035, 0.035),
            "dir": d / np.linalg.norm(d), "shine": rng.uniform(0.7, 1.2)}


def bald_map(view: View, s: dict) -> np.ndarray:
    """Soft 0-1 map of the bald patches on the canvas, their area set by the session's SALT region."""
    loss = salt_regions(s)[view.region] * view.loss_scale
    return soft(draw_blobs(patch_layout(view), fit_patch_scale(view, loss)), 4)


def render(view: View, s: dict, dens: dict, light: dict, bald: np.ndarray) -> Image.Image:
    """The synthetic scene of one session and angle, on the whole canvas."""
    rng = np.random.default_rng(seed("photo", s["folder"], view.name))
    base, shade = paint_base(view, light, bald)
    img = base.resize((W * SS, H * SS), Image.Resampling.BICUBIC)
    paint_hair(img, rng, view, s, dens, bald, shade)
    if view.name == "front":
        paint_front_face(img, rng, view)
    elif view.name in ("left", "right"):
        paint_side_face(img, rng, view, shade)
    return finish(img, view, light)


def finish(img: Image.Image, view: View, light: dict) -> Image.Image:
    img = img.resize((W, H), Image.Resampling.LANCZOS)
    if view.name == "right":
        img = ImageOps.mirror(img)
    warm = np.array([1 + light["warm"], 1.0, 1 - light["warm"]], np.float32)
    arr = np.asarray(img, np.float32) * warm[None, None, :]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


# ---- framing: each photo is taken a little differently ------------------

# Sessions after the baseline are framed with a small random turn, distance and shift,
# as a phone held by hand frames them; these are the transforms, photo -> baseline, that
# scalpsite's alignment should find (docs/photos.md: coordinates normalised by the photo
# width, from its centre; a positive angle turns clockwise on the screen).
FRAMING = {"rotation_deg": 3.5, "scale": (0.95, 1.06), "dx_pct": 3.0, "dy_pct": 2.5}


def framing(folder: str, angle: str) -> tuple[float, float, float, float]:
    """(dx_pct, dy_pct, rotation_deg, scale) of one photo; the baseline is the reference."""
    if folder == SESSIONS[0]["folder"]:
        return 0.0, 0.0, 0.0, 1.0
    rng = np.random.default_rng(seed("framing", folder, angle))
    lo, hi = FRAMING["scale"]
    return (float(rng.uniform(-1, 1) * FRAMING["dx_pct"]), float(rng.uniform(-1, 1) * FRAMING["dy_pct"]),
            float(rng.uniform(-1, 1) * FRAMING["rotation_deg"]), float(rng.uniform(lo, hi)))


def frame(canvas: Image.Image, t: tuple[float, float, float, float], resample) -> Image.Image:
    """The photo a camera framed by t sees of the canvas (Pillow's affine map: photo -> canvas px)."""
    dx, dy, rot, scale = t
    c, sn = scale * math.cos(math.radians(rot)), scale * math.sin(math.radians(rot))
    to_norm = np.array([[1 / OUT_W, 0, -0.5], [0, 1 / OUT_W, -OUT_H / (2 * OUT_W)], [0, 0, 1]])
    similar = np.array([[c, -sn, dx / 100], [sn, c, dy / 100], [0, 0, 1]])
    to_canvas = np.array([[OUT_W, 0, W / 2], [0, OUT_W, H / 2], [0, 0, 1]])
    m = to_canvas @ similar @ to_norm
    return canvas.transform((OUT_W, OUT_H), Image.Transform.AFFINE, tuple(m[:2].ravel()), resample=resample)


# ---- painted SALT masks ----------------------------------------------------

MASKED = {  # session -> angles with a painted mask (the four SALT views, or only some)
    "2025-01-06": ("overhead", "back", "left", "right"),
    "2025-04-14": ("overhead",),
    "2025-06-30-dermatology": ("overhead", "back", "left", "right"),
    "2026-01-12": ("overhead", "back", "left", "right"),
}
SCALP_PAINT, BALD_PAINT = (0, 200, 0), (255, 0, 0)  # green is far from the red, yellow and grey paints


def mask_canvas(view: View, bald: np.ndarray) -> Image.Image:
    """The mask a patient paints over the photo: the hair-bearing scalp in any colour (green),
    the bald patches red, the rest transparent; on the canvas, like the scene."""
    scalp = hair_mask(view)
    rgba = np.zeros((H, W, 4), np.uint8)
    rgba[..., :3] = SCALP_PAINT  # transparent pixels too, so the edges blend into scalp colour
    rgba[scalp & (bald > 0.5), :3] = BALD_PAINT
    rgba[scalp, 3] = 255
    img = Image.fromarray(rgba, "RGBA")
    return ImageOps.mirror(img) if view.name == "right" else img


def caption(img: Image.Image, day: date, angle: str) -> None:
    text = f"{day.isoformat()} · {angle} · synthetic"
    font = ImageFont.load_default(size=16)
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = d.textbbox((0, 0), text, font=font)
    x, y = OUT_W - (x1 - x0) - 18, OUT_H - (y1 - y0) - 16
    d.rectangle([x - 8, y - 6, x + x1 - x0 + 8, y + y1 - y0 + 8], fill=(30, 30, 30))
    d.text((x - x0, y - y0), text, fill=(235, 235, 235), font=font)

# ---- saving ----------------------------------------------------------------

HEIC_PHOTO = ("2025-05-05", "front")
ROTATED_PHOTO = ("2025-03-03", "left")
JPEG_QUALITY = 80


def make_exif(day: date, orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0110] = "Synthetic Camera"                      # Model
    if orientation:
        exif[0x0112] = orientation                         # Orientation
    exif.get_ifd(0x8769)[0x9003] = f"{day:%Y:%m:%d} 10:00:00"  # DateTimeOriginal
    return exif


def save_photo(img: Image.Image, folder: Path, day: date, angle: str) -> Path:
    key = (folder.name, angle)
    if key == HEIC_PHOTO:
        import pillow_heif

        pillow_heif.register_heif_opener()
        path = folder / f"{angle}.heic"
        img.save(path, format="HEIF", quality=70, exif=make_exif(day).tobytes())
        return path
    path = folder / f"{angle}.jpg"
    if key == ROTATED_PHOTO:
        stored = img.transpose(Image.Transpose.ROTATE_90)
        stored.save(path, "JPEG", quality=JPEG_QUALITY, exif=make_exif(day, 6))
        check_rotation(path, img)
    else:
        img.save(path, "JPEG", quality=JPEG_QUALITY, exif=make_exif(day))
    return path


def check_rotation(path: Path, upright: Image.Image) -> None:
    """Orientation 6 must turn the stored pixels back into the upright photo."""
    with Image.open(path) as im:
        shown = ImageOps.exif_transpose(im)
    assert shown.size == upright.size, (shown.size, upright.size)
    diff = np.abs(np.asarray(shown, np.int16) - np.asarray(upright, np.int16)).mean()
    assert diff < 6, f"{path}: rotated photo differs from upright (mean diff {diff:.1f})"


# --------------------------------------------------------------------------
# Writing the journal
# --------------------------------------------------------------------------


def write_session(journal: Path, s: dict) -> None:
    folder = journal / "sessions" / s["folder"]
    folder.mkdir(parents=True)
    doc = session_doc(s)
    (folder / "session.yaml").write_text(dump_yaml(doc), encoding="utf-8")
    if s["folder"] in NOTES_MD:
        (folder / "notes.md").write_text(NOTES_MD[s["folder"]], encoding="utf-8")
    day, light = folder_date(s["folder"]), session_light(s["folder"])
    for angle, view in VIEWS.items():
        bald = bald_map(view, s)
        t = framing(s["folder"], angle)
        img = frame(render(view, s, doc["density"], light, bald), t, Image.Resampling.BICUBIC)
        caption(img, day, angle)
        save_photo(img, folder, day, angle)
        if angle in MASKED.get(s["folder"], ()):
            mask = frame(mask_canvas(view, bald), t, Image.Resampling.BILINEAR)
            mask.save(folder / f"{angle}.mask.png", optimize=True)


def write_appointments(journal: Path) -> None:
    folder = journal / "appointments"
    folder.mkdir(parents=True)
    for day, (purpose, body) in APPOINTMENTS.items():
        meta = yaml.safe_dump({"clinician": "Dr. A. Example (synthetic)", "purpose": purpose},
                              sort_keys=False, default_flow_style=False, width=120)
        (folder / f"{day}.md").write_text(f"---\n{meta}---\n\n{body}", encoding="utf-8")


# --------------------------------------------------------------------------
# Injection log
# --------------------------------------------------------------------------

START = date(2025, 1, 10)
SITE_CYCLE = ("abdomen_left", "thigh_left", "abdomen_right", "thigh_right")
MISSED = {date(2025, 6, 27),          # dose 13: travelling (see the 2025-07-28 notes)
          date(2025, 10, 31), date(2025, 11, 14)}  # doses 23-24: the pens were not delivered (an interruption)
LATE = {date(2025, 9, 19): 5}         # dose 19: given five days after its due date
REACTIONS = {date(2025, 1, 10): ("mild", "loading dose at the clinic; redness for 2 days"),
             date(2025, 2, 21): ("mild", "small itchy bump for a day"),
             date(2025, 8, 22): ("mild", "redness for a day")}
NOT_NOTED = {date(2025, 4, 4), date(2025, 4, 18), date(2025, 5, 2)}  # reaction left empty
NOTES = {date(2025, 1, 24): "first injection at home", date(2025, 9, 19): "pen delivery delayed",
         date(2025, 11, 28): "first injection after the pharmacy's supply gap"}


def injection_rows() -> list[list[str]]:
    """Every injection of the year: two on the loading day, then one per due date (start + 14 k)."""
    rows = [["2025-01-10", "dupilumab", "300", "thigh_right", "none", "loading dose at the clinic"]]
    sites = iter(SITE_CYCLE * 10)
    for k in range(27):
        due = START + timedelta(days=14 * k)
        if due in MISSED:
            continue
        day = due + timedelta(days=LATE.get(due, 0))
        reaction, note = REACTIONS.get(due, ("" if due in NOT_NOTED else "none", NOTES.get(due, "")))
        site = "thigh_left" if k == 0 else next(sites)
        rows.append([day.isoformat(), "dupilumab", "300", site, reaction, note])
    return rows


def write_injections(journal: Path) -> None:
    lines = ["date,drug,dose_mg,site,reaction,note"] + [",".join(r) for r in injection_rows()]
    (journal / "injections.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_journal(journal: Path) -> None:
    journal.mkdir(parents=True, exist_ok=True)
    for sub in ("sessions", "appointments"):
        shutil.rmtree(journal / sub, ignore_errors=True)
    yaml.safe_load(CONFIG_YAML)  # fail early on a typo in the constant
    (journal / "scalpsite.yaml").write_text(CONFIG_YAML, encoding="utf-8")
    (journal / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    write_appointments(journal)
    write_injections(journal)
    for s in SESSIONS:
        write_session(journal, s)


def summary() -> str:
    rows = []
    for s in SESSIONS:
        ad = ad_block(s)
        easi = ad["easi"] if isinstance(ad["easi"], float) else easi_total(ad["easi"])
        rows.append(f"{s['folder']:<24} SALT {salt_total(s):6.2f}  EASI {easi:5.2f}  itch {s['itch']}")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    journal = Path(argv[1]) if len(argv) > 1 else DEFAULT_JOURNAL
    write_journal(journal)
    print(summary())
    print(f"wrote {journal}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
