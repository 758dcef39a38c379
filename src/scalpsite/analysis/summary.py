"""The summary block: baseline against latest for every measure, with the meaningful-change
target of each decided here once (the summary table, the charts and the dossier read it)."""

from __future__ import annotations

from scalpsite.analysis import scores
from scalpsite.analysis.labels import readable
from scalpsite.analysis.measurevalues import derived_of
from scalpsite.measures.alopecia import SALT, VELLUS
from scalpsite.measures.dermatitis import VIGA_SUCCESS  # noqa: F401 (vIGA-AD's target, as the tests name it)
from scalpsite.measures.kinds import Form, Measure, Target
from scalpsite.measures.registry import MEASURES

NO_RESPONSE_DAYS = 183  # about 6 months: the tracking schedule's "if none by 6 to 9 months"


Rule = Target  # a meaningful change (the registry's Target)
DENSITY_NOTE = ("Month-to-month noise of a few percent is normal; trends over 3 to 6 months matter "
                "(change is shown against the baseline).")


def _at(sessions: list[dict], value, until: str | None):
    """The last recorded value on or before the session date `until` (the last visit), or None."""
    if until is None:
        return None
    seen = [value(s) for s in sessions if s["date"] <= until and value(s) is not None]
    return seen[-1] if seen else None


def measure(sessions: list[dict], key: str, label: str = "", scale: str = "", visit: str | None = None) -> dict:
    """Baseline, last visit and latest recorded value of one measure, with the changes."""
    base = next((s for s in sessions if s["baseline"]), None)
    recorded = [s for s in sessions if s[key] is not None]
    latest = recorded[-1] if recorded else None
    b = base[key] if base else None
    v = latest[key] if latest else None
    seen = _at(sessions, lambda s: s[key], visit)
    return {"key": key, "label": label or readable(key), "scale": scale, "baseline": b, "at_last_visit": seen,
            "latest": v, "latest_date": latest["date"] if latest else None,
            "change": scores.change(b, v), "change_since_last_visit": scores.change(seen, v),
            "improvement_pct": scores.improvement_pct(b, v)}


def region_rows(sessions: list[dict], visit: str | None) -> list[dict]:
    """Per SALT region: loss at baseline, at the last visit and latest, from sessions that gave regions."""
    base = next((s for s in sessions if s["baseline"]), None)
    given = [s for s in sessions if s["salt_regions"]]
    if not given or given[-1] is base:  # only the baseline gave regions: nothing to compare it with
        return []
    rows = []
    for region, weight in scores.SALT_WEIGHTS.items():
        b = base["salt_regions"][region] if base and base["salt_regions"] else None
        v = given[-1]["salt_regions"][region]
        rows.append({"region": region, "label": readable(region), "weight": weight, "baseline": b,
                     "at_last_visit": _at(sessions, lambda s, r=region: (s["salt_regions"] or {}).get(r), visit),
                     "latest": v, "latest_date": given[-1]["date"], "change": scores.change(b, v),
                     "improvement_pct": scores.improvement_pct(b, v)})
    return rows


def target(m: Measure, baseline: float | None, latest: float | None) -> dict | None:
    """The measure's meaningful change against the baseline, decided once; None without one (or, for
    a rule of eligible baselines only, when the baseline is not one)."""
    rule = m.target
    if rule is None or not rule.applies(baseline):
        return None
    return {"label": rule.label(), "text": rule.text(m.label), "value": rule.value(baseline),
            "met": rule.met(baseline, latest)}


def measure_rows(sessions: list[dict], group: str, visit: str | None = None) -> list[dict]:
    """The rows of one summary list of the registry (ad, control, impression, clinro): baseline against
    latest, the latest's band and the meaningful change; a measure recorded nowhere has no row, but
    those the list always shows (its entry's `shown`)."""
    rows = []
    for m in MEASURES:
        if m.summary != group:
            continue
        row = measure(sessions, m.key, m.label, m.scale_text(), visit)
        if row["latest"] is None and (group != "ad" or (m.shown == "recorded" and row["baseline"] is None)):
            continue
        if not m.compared:
            row |= {"baseline": None, "change": None}
        if not m.relative or not m.compared:
            row["improvement_pct"] = None
        row["band"] = m.bands.of(row["latest"]) if m.bands else None
        row["target"] = target(m, row["baseline"], row["latest"])
        row["group"] = group
        rows.append(row)
    return rows


def measure_info(conditions: list[str]) -> list[dict]:
    """The registry's measures as the pages show them (the columns and rows of their tables)."""
    out = []
    for m in MEASURES:
        fields = {f"{m.key}_{kind}" for kind in m.changes}
        row = {"always": "always", "recorded": "recorded", "own": None}.get(m.shown)
        if m.shown == "condition":
            row = "always" if m.condition in conditions else "recorded"
        out.append({"key": m.key, "label": m.label, "short_label": m.short or m.label, "name": m.name,
                    "scale": m.scale_text(), "condition": m.condition, "lower_is_better": m.lower_is_better,
                    "scored_by": list(m.scored_by),
                    "yes_no": m.form is Form.YES_NO, "band": m.bands.field if m.bands and m.bands.field != m.key
                    else None, "change": next((f for f in fields if f.endswith("_change")), None),
                    "improvement": next((f for f in fields if f.endswith("_improvement_pct")), None),
                    "row": row, "table": m.table})
    return out


def ad_measures(sessions: list[dict], visit: str | None = None) -> list[dict]:
    """The AD rows, each with its band and its meaningful-change target against the baseline."""
    return measure_rows(sessions, "ad", visit)


def entry_row(sessions: list[dict], m: Measure, visit: str | None = None) -> dict:
    """One measure of the registry, baseline against latest, with the classes derived from its latest
    value (SALT's S-class and AA-IGA: their entries' bands)."""
    row = measure(sessions, m.key, m.label, m.scale_text(), visit)
    return row | derived_of(m.key, row["latest"])


def density_rows(sessions: list[dict], zones: list[str], visit: str | None = None) -> list[dict]:
    """Per zone with a reading: baseline, last visit, latest and the changes in percent."""
    rows = []
    base: dict = next((s for s in sessions if s["baseline"]), {"density": {}})
    for zone in zones:
        recorded = [s for s in sessions if zone in s["density"]]
        if not recorded:
            continue
        b, v = base["density"].get(zone), recorded[-1]["density"][zone]
        seen = _at(sessions, lambda s, z=zone: s["density"].get(z), visit)
        rows.append({"zone": zone, "label": readable(zone), "baseline": b, "at_last_visit": seen, "latest": v,
                     "latest_date": recorded[-1]["date"], "change_pct": scores.change_pct(b, v),
                     "change_since_last_visit_pct": scores.change_pct(seen, v)})
    return rows


def no_response_note(sessions: list[dict], m: Measure = SALT) -> str | None:
    """A neutral note when no improvement of the measure (SALT) is recorded after about 6 months."""
    later = [s for s in sessions if (s["days_on_treatment"] or 0) >= NO_RESPONSE_DAYS and s[m.key] is not None]
    if not later or any((s[f"{m.key}_improvement_pct"] or 0) > 0 for s in sessions):
        return None
    months = round(scores.months(later[-1]["days_on_treatment"]))
    return (f"No {m.label} improvement has been recorded after {months} months on treatment. "
            "The tracking protocol suggests discussing this with the physician when there is "
            "no regrowth by 6 to 9 months.")


def summary(sessions: list[dict], zones: list[str], visit: str | None = None) -> dict:
    """Baseline vs latest (and the last visit) for every measure, the time on treatment, the phase.

    `visit`: the date of the session the physician saw at the previous appointment.
    """
    base = next((s for s in sessions if s["baseline"]), None)
    last = sessions[-1] if sessions else None
    days = last["days_on_treatment"] if last else None
    return {
        "sessions": len(sessions),
        "baseline_folder": base["folder"] if base else None, "baseline_date": base["date"] if base else None,
        "latest_folder": last["folder"] if last else None, "latest_date": last["date"] if last else None,
        "latest_photo_folder": next((s["folder"] for s in reversed(sessions) if s["photos"]), None),
        "days_on_treatment": days, "weeks_on_treatment": None if days is None else days // 7,
        "months_on_treatment": None if days is None else round(scores.months(days), 1),
        "phase": last["phase"] if last else None,
        "phase_label": scores.PHASE_LABELS.get(last["phase"]) if last else None,
        SALT.key: entry_row(sessions, SALT, visit) if sessions else None,
        "salt_regions": region_rows(sessions, visit),
        "density": density_rows(sessions, zones, visit),
        "vellus": entry_row(sessions, VELLUS, visit) if sessions else None,
        "ad_measures": ad_measures(sessions, visit) if sessions else [],
        "no_response_note": no_response_note(sessions),
    }
