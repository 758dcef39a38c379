"""The summary block: baseline against latest for every measure, with the meaningful-change
target of each decided here once (the summary table, the charts and the dossier read it)."""

from __future__ import annotations

from dataclasses import dataclass

from scalpsite.analysis import scores
from scalpsite.analysis.labels import readable

NO_RESPONSE_DAYS = 183  # about 6 months: CLINICAL.md, "if none by 6 to 9 months"


@dataclass(frozen=True)
class Rule:
    """A meaningful change: a drop of `points`, or a relative improvement of `pct` %."""

    points: float | None = None
    pct: float | None = None
    name: str | None = None

    def label(self) -> str:
        """The rule in words, as tables show it."""
        return self.name or f"−{self.points:g} points"

    def value(self, baseline: float | None) -> float | None:
        """The value that meets the rule, from the baseline."""
        if baseline is None:
            return None
        if self.points is not None:
            return max(baseline - self.points, 0)
        return round(baseline * (1 - self.pct / 100), 2)

    def met(self, baseline: float | None, latest: float | None) -> bool | None:
        """Whether `latest` meets the rule against `baseline`; None when either is missing."""
        if self.points is not None:
            return scores.reduced_by(baseline, latest, self.points)
        improvement = scores.improvement_pct(baseline, latest)
        return None if improvement is None else improvement >= self.pct


SCALES = {"salt": "0–100", "itch": "NRS 0–10", "easi": "0–72", "poem": "0–28", "dlqi": "0–30"}  # CLINICAL.md
DENSITY_NOTE = ("Month-to-month noise of a few percent is normal; trends over 3 to 6 months matter "
                "(change is shown against the baseline).")

# The AD table's rows, CLINICAL.md: key, label, band function, meaningful change.
AD_MEASURES = [
    ("itch", "Itch", None, Rule(points=scores.ITCH_MEANINGFUL)),
    ("easi", "EASI", scores.easi_band, Rule(pct=75, name="EASI-75")),
    ("poem", "POEM", scores.poem_band, Rule(points=scores.POEM_MEANINGFUL)),
    ("dlqi", "DLQI", scores.dlqi_band, Rule(points=scores.DLQI_MEANINGFUL)),
]


def measure(sessions: list[dict], key: str, label: str = "", scale: str = "") -> dict:
    """Baseline and latest recorded value of one measure, with the change between them."""
    base = next((s for s in sessions if s["baseline"]), None)
    recorded = [s for s in sessions if s[key] is not None]
    latest = recorded[-1] if recorded else None
    b = base[key] if base else None
    v = latest[key] if latest else None
    return {"key": key, "label": label or readable(key), "scale": scale, "baseline": b, "latest": v,
            "latest_date": latest["date"] if latest else None,
            "change": scores.change(b, v), "improvement_pct": scores.improvement_pct(b, v)}


def ad_measures(sessions: list[dict]) -> list[dict]:
    """The AD rows, each with its band and its meaningful-change target against the baseline."""
    rows = []
    for key, label, band, rule in AD_MEASURES:
        row = measure(sessions, key, label, SCALES[key])
        row["band"] = band(row["latest"]) if band else None
        row["target"] = {"label": rule.label(), "value": rule.value(row["baseline"]),
                         "met": rule.met(row["baseline"], row["latest"])}
        rows.append(row)
    return rows


def salt_summary(sessions: list[dict]) -> dict:
    """SALT baseline against latest, with the S-class and AA-IGA of the latest value."""
    salt = measure(sessions, "salt", "SALT", SCALES["salt"])
    grade = scores.aa_iga(salt["latest"])
    return salt | {"salt_class": scores.salt_class(salt["latest"]), "aa_iga": grade,
                   "aa_iga_label": scores.AA_IGA_LABELS.get(grade)}


def density_rows(sessions: list[dict], zones: list[str]) -> list[dict]:
    """Per zone with a reading: baseline, latest and the change in percent."""
    rows = []
    base = next((s for s in sessions if s["baseline"]), {"density": {}})
    for zone in zones:
        recorded = [s for s in sessions if zone in s["density"]]
        if not recorded:
            continue
        b, v = base["density"].get(zone), recorded[-1]["density"][zone]
        rows.append({"zone": zone, "label": readable(zone), "baseline": b, "latest": v,
                     "latest_date": recorded[-1]["date"], "change_pct": scores.change_pct(b, v)})
    return rows


def no_response_note(sessions: list[dict]) -> str | None:
    """A neutral note when no SALT improvement is recorded after about 6 months."""
    later = [s for s in sessions if (s["days_on_treatment"] or 0) >= NO_RESPONSE_DAYS and s["salt"] is not None]
    if not later or any((s["salt_improvement_pct"] or 0) > 0 for s in sessions):
        return None
    months = round(scores.months(later[-1]["days_on_treatment"]))
    return (f"No SALT improvement has been recorded after {months} months on treatment. "
            "The tracking protocol suggests discussing this with the physician when there is "
            "no regrowth by 6 to 9 months.")


def summary(sessions: list[dict], zones: list[str]) -> dict:
    """Baseline vs latest for every measure, the time on treatment, and the phase."""
    base = next((s for s in sessions if s["baseline"]), None)
    last = sessions[-1] if sessions else None
    days = last["days_on_treatment"] if last else None
    return {
        "sessions": len(sessions),
        "baseline_folder": base["folder"] if base else None, "baseline_date": base["date"] if base else None,
        "latest_folder": last["folder"] if last else None, "latest_date": last["date"] if last else None,
        "days_on_treatment": days, "weeks_on_treatment": None if days is None else days // 7,
        "months_on_treatment": None if days is None else round(scores.months(days), 1),
        "phase": last["phase"] if last else None,
        "phase_label": scores.PHASE_LABELS.get(last["phase"]) if last else None,
        "salt": salt_summary(sessions) if sessions else None,
        "density": density_rows(sessions, zones),
        "vellus": measure(sessions, "vellus_pct", "Vellus share", "%") if sessions else None,
        "ad_measures": ad_measures(sessions) if sessions else [],
        "no_response_note": no_response_note(sessions),
    }
