"""Response over the session series: milestones, kept or lost, and the summary block."""

from __future__ import annotations

from scalpsite.analysis import scores

SALT_RELATIVE = (30, 50, 75, 90)
EASI_RELATIVE = (50, 75, 90)
NO_RESPONSE_DAYS = 183  # about 6 months: CLINICAL.md, "if none by 6 to 9 months"


def _tests():
    """Milestone key -> predicate over a session (already compared with its baseline)."""
    tests = {
        "salt_le_20": lambda s: s["salt"] is not None and s["salt"] <= 20,
        "salt_le_10": lambda s: s["salt"] is not None and s["salt"] <= 10,
    }
    for n in SALT_RELATIVE:
        tests[f"salt{n}"] = lambda s, n=n: (s["salt_improvement_pct"] or 0) >= n
    for n in EASI_RELATIVE:
        tests[f"easi{n}"] = lambda s, n=n: (s["easi_improvement_pct"] or 0) >= n
    tests["itch_minus_4"] = lambda s: s["itch_change"] is not None and s["itch_change"] <= -scores.ITCH_MEANINGFUL
    return tests


MILESTONE_TESTS = _tests()
MILESTONE_LABELS = {
    "salt_le_20": "SALT ≤ 20", "salt_le_10": "SALT ≤ 10",
    **{f"salt{n}": f"SALT{n}" for n in SALT_RELATIVE},
    **{f"easi{n}": f"EASI-{n}" for n in EASI_RELATIVE},
    "itch_minus_4": "Itch −4",
}


def _after_baseline(sessions: list[dict]) -> list[dict]:
    base = next((s for s in sessions if s["baseline"]), None)
    return [s for s in sessions if base is None or s["date"] > base["date"]]


def milestones(sessions: list[dict]) -> dict:
    """The date of the first session after baseline that met each milestone, or None."""
    later = _after_baseline(sessions)
    return {key: next((s["date"] for s in later if test(s)), None) for key, test in MILESTONE_TESTS.items()}


def response_status(sessions: list[dict], marks: dict) -> dict:
    """Whether a SALT30 response, once reached, was kept by the latest SALT, or lost."""
    reached = marks.get("salt30")
    if reached is None:
        return {"status": "not_reached", "since": None, "lost_on": None}
    later = [s for s in sessions if s["date"] > reached and s["salt"] is not None]
    if later and (later[-1]["salt_improvement_pct"] or 0) < 30:
        lost_on = next(s["date"] for s in later if (s["salt_improvement_pct"] or 0) < 30)
        return {"status": "lost", "since": reached, "lost_on": lost_on}
    return {"status": "kept", "since": reached, "lost_on": None}


def _measure(sessions: list[dict], key: str) -> dict:
    """Baseline and latest recorded value of one measure, with the change between them."""
    base = next((s for s in sessions if s["baseline"]), None)
    recorded = [s for s in sessions if s[key] is not None]
    latest = recorded[-1] if recorded else None
    b = base[key] if base else None
    v = latest[key] if latest else None
    return {"baseline": b, "latest": v, "latest_date": latest["date"] if latest else None,
            "change": scores.change(b, v), "improvement_pct": scores.improvement_pct(b, v)}


def _density(sessions: list[dict], zones: list[str]) -> list[dict]:
    rows = []
    base = next((s for s in sessions if s["baseline"]), {"density": {}})
    for zone in zones:
        recorded = [s for s in sessions if zone in s["density"]]
        if not recorded:
            continue
        b, v = base["density"].get(zone), recorded[-1]["density"][zone]
        rows.append({"zone": zone, "baseline": b, "latest": v, "latest_date": recorded[-1]["date"],
                     "change_pct": scores.change_pct(b, v)})
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
    if not sessions:
        return {"sessions": 0}
    last = sessions[-1]
    salt = _measure(sessions, "salt")
    salt |= {"class": scores.salt_class(salt["latest"]), "aa_iga": scores.aa_iga(salt["latest"]),
             "aa_iga_label": scores.AA_IGA_LABELS.get(scores.aa_iga(salt["latest"]))}
    itch, poem, dlqi, easi = (_measure(sessions, k) for k in ("itch", "poem", "dlqi", "easi"))
    itch["meaningful"] = scores.reduced_by(itch["baseline"], itch["latest"], scores.ITCH_MEANINGFUL)
    poem |= {"band": scores.poem_band(poem["latest"]),
             "meaningful": scores.reduced_by(poem["baseline"], poem["latest"], scores.POEM_MEANINGFUL)}
    dlqi |= {"band": scores.dlqi_band(dlqi["latest"]),
             "meaningful": scores.reduced_by(dlqi["baseline"], dlqi["latest"], scores.DLQI_MEANINGFUL)}
    easi["band"] = scores.easi_band(easi["latest"])
    days = last["days_on_treatment"]
    return {
        "sessions": len(sessions),
        "baseline_folder": next((s["folder"] for s in sessions if s["baseline"]), None),
        "latest_folder": last["folder"], "latest_date": last["date"],
        "days_on_treatment": days, "weeks_on_treatment": None if days is None else days // 7,
        "months_on_treatment": None if days is None else round(scores.months(days), 1),
        "phase": last["phase"], "phase_label": scores.PHASE_LABELS.get(last["phase"]),
        "salt": salt, "density": _density(sessions, zones), "vellus": _measure(sessions, "vellus_pct"),
        "itch": itch, "easi": easi, "poem": poem, "dlqi": dlqi,
        "no_response_note": no_response_note(sessions),
    }
