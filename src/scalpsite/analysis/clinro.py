"""Eyebrows and eyelashes (ClinRO), the patient's global impression of change (PGI-C) and the
atopic dermatitis control totals (ADCT, RECAP): bands and responders; their milestones are
decided with the others in response.py. Pure.

- ClinRO (eyebrows, eyelashes), 0-3 as in BRAVE-AA: responder = a baseline score of 2 or 3 that
  reaches 0 or 1 with at least a 1-point improvement (King et al., N Engl J Med 2022;386:1687-99).
  ALLEGRO counted a 2-grade improvement instead; the rule shown is BRAVE-AA's.
- PGI-C, 1-7: responder = greatly (1) or moderately (2) improved (ALLEGRO-2b/3, King et al.,
  Lancet 2023;401:1518-29).
- ADCT, 0-24: 7 or more means not in control (Pariser et al., Curr Med Res Opin 2020;36:367-76);
  a change of 5 points is meaningful within a patient (Simpson et al., BMC Dermatol 2019;19:15).
- RECAP, 0-28: no control bands are used; a fall of 3 points or more is likely clinically
  important (Baker et al., Skin Health Dis 2024;4:e470).
"""

from __future__ import annotations

from scalpsite.analysis import scores
from scalpsite.analysis.summary import Rule, measure

CLINRO_ELIGIBLE = 2  # baseline 2 (significant gaps) or 3 (none)
CLINRO_RESPONSE = 1  # reaches 0 (full) or 1 (minimal gaps)
PGIC_RESPONSE = 2  # greatly or moderately improved
ADCT_NOT_CONTROLLED = 7
ADCT_MEANINGFUL = 5
RECAP_IMPORTANT = 3
PGIC_LABELS = {1: "greatly improved", 2: "moderately improved", 3: "slightly improved", 4: "no change",
               5: "slightly worse", 6: "moderately worse", 7: "greatly worse"}


def clinro_responder(baseline: int | None, current: int | None) -> bool | None:
    """BRAVE-AA: baseline 2 or 3 reaching 0 or 1 (at least 1 point better); None when not eligible."""
    if baseline is None or current is None or baseline < CLINRO_ELIGIBLE:
        return None
    return current <= CLINRO_RESPONSE and baseline - current >= 1


def pgic_responder(answer: int | None) -> bool | None:
    """ALLEGRO: greatly or moderately improved."""
    return None if answer is None else answer <= PGIC_RESPONSE


def adct_control(total: int | None) -> str | None:
    """'not in control' at 7 or more, else 'in control'."""
    if total is None:
        return None
    return "not in control" if total >= ADCT_NOT_CONTROLLED else "in control"


def measures(sessions: list[dict]) -> list[dict]:
    """Baseline against latest for ADCT, RECAP and PGI-C, each with its band and target."""
    rows = []
    for key, label, scale, rule, band in (("adct", "ADCT", "0–24", Rule(points=ADCT_MEANINGFUL), adct_control),
                                          ("recap", "RECAP", "0–28", Rule(points=RECAP_IMPORTANT), None)):
        row = measure(sessions, key, label, scale) | {"improvement_pct": None}  # points are the measure, not %
        if row["latest"] is None:
            continue
        row["band"] = band(row["latest"]) if band else None
        row["target"] = {"label": rule.label(), "text": rule.text(label), "value": rule.value(row["baseline"]),
                         "met": rule.met(row["baseline"], row["latest"])}
        rows.append(row)
    pgic = measure(sessions, "pgic", "PGI-C", "1–7")
    if pgic["latest"] is not None:
        rows.append(pgic | {"baseline": None, "change": None, "improvement_pct": None,
                            "band": PGIC_LABELS[pgic["latest"]],
                            "target": {"label": "moderately improved or better",
                                       "text": "PGI-C moderately improved or better", "value": PGIC_RESPONSE,
                                       "met": pgic_responder(pgic["latest"])}})
    return rows


RESPONDER_RULE = "0 or 1 from a baseline of 2 or 3 (BRAVE-AA)"
CLINRO_LABELS = {0: "full coverage", 1: "minimal gaps", 2: "significant gaps", 3: "none"}


def clinro_measures(sessions: list[dict]) -> list[dict]:
    """Eyebrows and eyelashes: baseline against latest, the latest in words; only those recorded."""
    rows = []
    for key, label in (("eyebrows", "Eyebrows"), ("eyelashes", "Eyelashes")):
        row = measure(sessions, key, label, "ClinRO 0–3")
        if row["latest"] is None:
            continue
        responder = clinro_responder(row["baseline"], row["latest"])
        rows.append(row | {"band": CLINRO_LABELS[row["latest"]],
                           "target": {"label": RESPONDER_RULE, "text": f"{label} {RESPONDER_RULE}",
                                      "value": CLINRO_RESPONSE, "met": responder} if responder is not None else None})
    return rows


def chart_panels(rows: list[dict]) -> list[dict]:
    """The panels of the control chart: scale, and the lines drawn on each (decided here, drawn there)."""
    panels = []
    for m in rows:
        lines = []
        if m["key"] == "adct":
            lines.append({"value": ADCT_NOT_CONTROLLED, "label": "7 or more: not in control"})
        if m["key"] == "pgic":
            lines.append({"value": PGIC_RESPONSE, "label": "2: moderately improved"})
        elif m["target"]["value"] is not None:
            lines.append({"value": m["target"]["value"], "label": f"{m['target']['label']}: {m['target']['value']:g}"})
        low, high = (1, 7) if m["key"] == "pgic" else (0, 24 if m["key"] == "adct" else 28)
        panels.append({"key": m["key"], "title": f"{m['label']} ({m['scale']})", "low": low, "high": high,
                       "lines": lines})
    return panels
