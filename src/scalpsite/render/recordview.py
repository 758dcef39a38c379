"""Presentation of the clinical record v2 (issue 15) shared by both outputs: the titles and
captions of its charts, in the order the site and the dossier show them."""

from __future__ import annotations

from scalpsite.analysis.results import Analysis
from scalpsite.analysis.results.base import Out
from scalpsite.measures.alopecia import SALT

RUG = " Ticks along the bottom: doses logged in injections.csv; crosses: doses missed."


class ChartInfo(Out):
    """A chart's title, caption and alternate text, the same on the site and in the dossier."""

    key: str
    title: str
    alt: str
    caption: str


def with_clinical_charts(data: Analysis, info: list[ChartInfo]) -> list[ChartInfo]:
    """The chart list with the dose chart after SALT, the control chart after AD, and the dose rug noted."""
    out = []
    rug = RUG if any(d.status != "pending" for d in data.injection_doses) else ""
    for chart in info:
        if chart.key in (SALT.key, "ad"):
            chart = chart.model_copy(update={"caption": chart.caption + rug})
        out.append(chart)
        if chart.key == SALT.key:
            out.append(DOSES.model_copy(update={"caption": DOSES.caption.format(days=data.missed_after_days)}))
        if chart.key == "ad":
            out.append(CONTROL)
    return out


DOSES = ChartInfo(
    key="doses", title="Injections against the dosing schedule",
    alt="Each dose due, at its due date, with how many days from the due date it was injected.",
    caption="Each dose due (dosing of scalpsite.yaml) at its due date: the days from the due date to the "
            "injection logged for it; on the top row, doses with nothing logged by {days} days after the due date.")
CONTROL = ChartInfo(
    key="control", title="Control and global impression",
    alt="ADCT, RECAP and PGI-C at each session; lower is better.",
    caption="Patient-reported atopic dermatitis control (ADCT, RECAP) and the global impression of change "
            "of the hair loss (PGI-C), with the threshold or meaningful change of each (dashed).")
