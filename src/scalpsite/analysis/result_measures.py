"""The measure fields of a data.json session, made from the measure registry: each measure's
value, its band, the classes derived from it and its changes against the baseline, typed and
described from its one entry."""

from __future__ import annotations

from typing import Any

from pydantic import Field, create_model

from scalpsite.analysis.result_base import Out
from scalpsite.measures.kinds import Form, Measure, Step


def _value_type(m: Measure) -> Any:
    if m.form is Form.YES_NO:
        return bool | None
    return int | None if m.step is Step.WHOLE else float | None


def _fields(m: Measure) -> dict[str, Any]:
    """The session fields of one measure (its value, band, changes; a derived class's grade and label)."""
    scale = f"{m.label}: {m.name}" + ("" if m.form is Form.YES_NO else f", {m.range_text('-')}")
    out: dict[str, Any]
    if m.derived_from is not None:
        graded = m.bands is not None and any(b.grade is not None for b in m.bands.bands)
        out = {m.key: (int | None if graded else str | None, Field(description=f"{m.name} from {m.derived_from}"))}
    else:
        out = {m.key: (_value_type(m), Field(description=scale + "; null when not recorded"))}
    if m.bands is not None and m.bands.field and m.bands.field != m.key:
        out[m.bands.field] = (str | None, Field(description=f"the {m.label} band in words: "
                                                + ", ".join(b.label for b in m.bands.bands)))
    for kind in m.changes:
        words = "minus the baseline's" if kind == "change" else "relative improvement from the baseline, %"
        out[f"{m.key}_{kind}"] = (_value_type(m) if kind == "change" else float | None,
                                  Field(description=f"{m.label} {words}"))
    return out


def with_measures(model: type[Out], measures: tuple[Measure, ...], doc: str) -> Any:
    """`model` with the fields of every measure added after its own."""
    fields: dict[str, Any] = {}
    for m in measures:
        if m.derived_from is None or m.bands is not None:
            fields |= _fields(m)
    return create_model(model.__name__.lstrip("_"), __base__=model, __module__=model.__module__, __doc__=doc,
                        **fields)
