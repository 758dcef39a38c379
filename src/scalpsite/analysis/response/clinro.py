"""The ClinRO of the brows and lashes, the patient's global impression of change (PGI-C) and the
atopic dermatitis control totals (ADCT, RECAP): bands and responders; their milestones are
decided with the others in milestones.py. Pure.

- ClinRO of the brows and lashes, 0-3 as in BRAVE-AA: responder = a baseline score of 2 or 3 that
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

from scalpsite.analysis.summary import measure_rows
from scalpsite.measures.alopecia import EYEBROWS, PGIC
from scalpsite.measures.dermatitis import ADCT, ADCT_MEANINGFUL, ADCT_NOT_CONTROLLED, RECAP_IMPORTANT  # noqa: F401
from scalpsite.measures.kinds import Measure
from scalpsite.measures.registry import MEASURES

PGIC_LABELS = PGIC.bands.labels() if PGIC.bands else {}
CLINRO_LABELS = EYEBROWS.bands.labels() if EYEBROWS.bands else {}


def clinro_responder(baseline: int | None, current: int | None) -> bool | None:
    """BRAVE-AA: baseline 2 or 3 reaching 0 or 1 (at least 1 point better); None when not eligible."""
    return EYEBROWS.milestones[0].met(EYEBROWS.key, {EYEBROWS.key: current}, {EYEBROWS.key: baseline})


def pgic_responder(answer: int | None) -> bool | None:
    """ALLEGRO: greatly or moderately improved."""
    return PGIC.milestones[0].met(PGIC.key, {PGIC.key: answer}, {})


def adct_control(total: int | None) -> str | None:
    """'not in control' at 7 or more, else 'in control'."""
    return ADCT.bands.of(total) if ADCT.bands else None


def measures(sessions: list[dict]) -> list[dict]:
    """Baseline against latest for the control totals (ADCT, RECAP), then the global impression (PGI-C),
    each with its band and target."""
    return measure_rows(sessions, "control") + measure_rows(sessions, "impression")


def clinro_measures(sessions: list[dict]) -> list[dict]:
    """The ClinRO measures (brows, lashes): baseline against latest, the latest in words; only those recorded."""
    return measure_rows(sessions, "clinro")


def panel_lines(m: Measure, target: dict | None) -> list[dict]:
    """The lines a chart panel draws for a measure: where a band of its scale starts (ADCT 7: not in
    control), and the value that meets its target (a value of the answer itself: named by its band)."""
    lines = [{"value": b.upto, "label": f"{b.upto:g} or more: {nxt.label}"}
             for b, nxt in zip(m.bands.bands, m.bands.bands[1:]) if b.below] if m.bands else []
    if target is None or target["value"] is None:
        return lines
    if m.target is not None and m.target.points is None and m.target.pct is None and m.bands:
        return lines + [{"value": target["value"], "label": f"{target['value']:g}: {m.bands.of(target['value'])}"}]
    return lines + [{"value": target["value"], "label": f"{target['label']}: {target['value']:g}"}]


def ad_panels(rows: list[dict]) -> list[dict]:
    """The panels of the atopic dermatitis chart: the AD rows charted, each with its target's line."""
    by_key = {m.key: m for m in MEASURES}
    return [{"key": r["key"], "title": f"{r['label']} ({r['scale']})", "low": m.low,
             "high": None if m.chart_scaled else m.high, "rug": m.headline, "lines": panel_lines(m, r["target"])}
            for r in rows if (m := by_key[r["key"]]).chart == "ad"]


def chart_panels(rows: list[dict]) -> list[dict]:
    """The panels of the control chart: scale, and the lines drawn on each (decided here, drawn there)."""
    by_key = {m.key: m for m in MEASURES}
    return [{"key": r["key"], "title": f"{r['label']} ({r['scale']})", "low": by_key[r["key"]].low,
             "high": by_key[r["key"]].high, "lines": panel_lines(by_key[r["key"]], r["target"])} for r in rows]
