"""The measure fields of a data.json session, made from the measure registry: each measure's
value, its band, the classes derived from it and its changes against the baseline, typed and
described from its one entry."""

from __future__ import annotations

from typing import Any

from pydantic import Field, create_model

from scalpsite.analysis.results.base import Out
from scalpsite.measures.kinds import Form, Measure, Step


class MeasureInfo(Out):
    """A measure of the registry as the pages show it: its words, its scale, and the session fields of its
    value, band and changes (the tables of sessions iterate over these)."""

    key: str
    label: str
    short_label: str = Field(description="the label where a column has no room for it")
    name: str = Field(description="the measure in full")
    scale: str = Field(description="its range or unit, e.g. '0–72', 'NRS 0–10'")
    condition: str | None = Field(description="the condition it belongs to; null: either")
    lower_is_better: bool
    scored_by: list[str] = Field(description="who can score it: self (the patient), clinician, or both")
    yes_no: bool = Field(description="a finding of yes or no rather than a score")
    band: str | None = Field(description="the session field of the value's band in words, if any")
    change: str | None = Field(description="the session field of the change against the baseline, in points")
    improvement: str | None = Field(description="the session field of the relative improvement, %")
    row: str | None = Field(description="when a session's page has a row for it: always (its condition is "
                            "tracked), recorded (when the session records it), or null (a row of its own)")
    table: str | None = Field(description="the dossier's table of sessions it is a column of: scores, graded")


class DerivedClass(Out):
    """A class derived from a measure's value (S-class, AA-IGA), as the pages show it beside the value."""

    key: str = Field(description="the session and summary field that holds it")
    label: str
    graded: bool = Field(description="a grade (a number, shown with its label and its words), else a class "
                         "that names itself (S2)")
    band: str | None = Field(description="the field of a grade's words")


class SeverityScale(Out):
    """A severity level derived from a measure that moves up for reasons it names (the AA Scale), as the pages
    show it beside the measure."""

    key: str = Field(description="the session field of the level, and the summary's of the latest result")
    label: str
    name: str
    cite: str = Field(description="its source in brief: first author and year")
    words: str = Field(description="the session field of the level and its reasons in words")


class Headline(Out):
    """The measure of the summary's headline card: the registry's headline entry that every journal records
    (SALT), the session fields of its changes and the classes derived from it, in the registry's order."""

    key: str
    label: str
    name: str
    subject: str = Field(description="what it measures, in a few words")
    scale: str
    change: str | None
    improvement: str | None
    classes: list[DerivedClass]
    severity: SeverityScale | None = Field(description="the severity scale derived from it, if any")


def headline(measures: list[Measure] | tuple[Measure, ...]) -> Headline:
    """The headline card's measure, from the registry."""
    m = next(m for m in measures if m.headline and m.always)
    classes = [DerivedClass(key=c.key, label=c.label, graded=any(b.grade is not None for b in c.bands.bands),
                            band=c.bands.field if c.bands.field != c.key else None)
               for c in measures if c.derived_from == m.key and c.bands is not None]
    return Headline(key=m.key, label=m.label, name=m.name, subject=m.subject or m.name, scale=m.scale_text(),
                    change=f"{m.key}_change" if "change" in m.changes else None,
                    improvement=f"{m.key}_improvement_pct" if "improvement_pct" in m.changes else None,
                    classes=classes, severity=next((SeverityScale(
                        key=c.key, label=c.label, name=c.name, cite=c.cite(), words=f"{c.key}_label")
                        for c in measures if c.derived_from == m.key and c.reasons), None))


def _value_type(m: Measure) -> Any:
    if m.form is Form.YES_NO:
        return bool | None
    return int | None if m.step is Step.WHOLE else float | None


def fields(m: Measure, changes: bool = True, bands: bool = True) -> dict[str, Any]:
    """The session fields of one measure (its value, band, changes; a derived class's grade and label)."""
    scale = f"{m.label}: {m.name}" + ("" if m.form is Form.YES_NO else f", {m.range_text('-')}")
    out: dict[str, Any]
    if m.derived_from is not None:
        graded = m.bands is not None and any(b.grade is not None for b in m.bands.bands)
        out = {m.key: (int | None if graded else str | None, Field(description=f"{m.name} from {m.derived_from}"))}
    else:
        out = {m.key: (_value_type(m), Field(description=scale + "; null when not recorded"))}
    if bands and m.bands is not None and m.bands.field and m.bands.field != m.key:
        out[m.bands.field] = (str | None, Field(description=f"the {m.label} band in words: "
                                                + ", ".join(b.label for b in m.bands.bands)))
    for kind in m.changes if changes else ():
        words = "minus the baseline's" if kind == "change" else "relative improvement from the baseline, %"
        out[f"{m.key}_{kind}"] = (_value_type(m) if kind == "change" else float | None,
                                  Field(description=f"{m.label} {words}"))
    return out


def with_measures(model: type[Out], measures: list[Measure] | tuple[Measure, ...], doc: str, changes: bool = True,
                  bands: bool = True, extra: dict[str, Any] | None = None) -> Any:
    """`model` with the fields of `measures` (their bands and changes, unless told) and `extra` after its own."""
    added: dict[str, Any] = {}
    for m in measures:
        if m.derived_from is None or m.bands is not None:
            added |= fields(m, changes, bands)
    return create_model(model.__name__.lstrip("_"), __base__=model, __module__=model.__module__, __doc__=doc,
                        **added, **(extra or {}))
