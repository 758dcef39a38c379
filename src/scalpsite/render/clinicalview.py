"""Presentation of the clinical record v2 (issue 15) shared by both outputs: the titles and
captions of its charts, in the order the site and the dossier show them."""

from __future__ import annotations

RUG = " Ticks along the bottom: doses logged in injections.csv; crosses: doses missed."


def with_clinical_charts(data: dict, info: list[dict]) -> list[dict]:
    """The chart list with the dose chart after SALT, the control chart after AD, and the dose rug noted."""
    out = []
    rug = RUG if any(d["status"] != "pending" for d in data["injection_doses"]) else ""
    for chart in info:
        if chart["key"] in ("salt", "ad"):
            chart = chart | {"caption": chart["caption"] + rug}
        out.append(chart)
        if chart["key"] == "salt":
            out.append(DOSES | {"caption": DOSES["caption"].format(days=data["missed_after_days"])})
        if chart["key"] == "ad":
            out.append(CONTROL)
    return out


DOSES = {"key": "doses", "title": "Injections against the dosing schedule",
         "alt": "Each dose due, at its due date, with how many days from the due date it was injected.",
         "caption": "Each dose due (dosing of scalpsite.yaml) at its due date: the days from the due date to the "
                    "injection logged for it; on the top row, doses with nothing logged by {days} days after the due date."}
CONTROL = {"key": "control", "title": "Control and global impression",
           "alt": "ADCT, RECAP and PGI-C at each session; lower is better.",
           "caption": "Patient-reported atopic dermatitis control (ADCT, RECAP) and the global impression of change "
                      "of the hair loss (PGI-C), with the threshold or meaningful change of each (dashed)."}
