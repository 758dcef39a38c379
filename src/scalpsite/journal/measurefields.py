"""The measure fields of session.yaml's models, made from the measure registry: each measure's
type, range, steps, plausibility, description, unit and examples come from its one entry, and
so do `check`'s range errors, the JSON Schema editors read and the field reference."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, cast

from pydantic import BaseModel, Field, create_model
from pydantic import Strict as NoCoercion

from scalpsite.journal.fieldtypes import Number, Strict, TotalOrAnswers, TotalOrParts, Whole, unit
from scalpsite.measures.kinds import Form, Measure, Step
from scalpsite.measures.registry import recorded

STEPS: dict[Step, Any] = {Step.WHOLE: Whole, Step.DECIMAL: Number,
                          Step.HALF: Annotated[Number, Field(multiple_of=0.5)]}


def total_type(m: Measure) -> Any:
    """The type of the measure's value: its steps, its range, and what a person can have."""
    total: Any = Annotated[STEPS[m.step], Field(ge=m.low, le=m.high)]
    return total if m.plausible is None else Annotated[total, m.plausible]


def annotation(m: Measure, parts: Mapping[str, type[BaseModel]]) -> Any:
    """The field's type: the value, or (Form.PARTS, Form.ANSWERS) the value or its parts."""
    if m.form is Form.YES_NO:
        return Annotated[bool, NoCoercion()] | None
    total = total_type(m)
    if m.form is Form.PARTS and m.parts is not None:
        return cast(Any, TotalOrParts)[total, parts[m.parts]] | None
    if m.form is Form.ANSWERS and m.answers is not None:
        count, top = m.answers
        answers = Annotated[list[Annotated[Whole, Field(ge=0, le=top)] | None], Field(min_length=count,
                                                                                       max_length=count)]
        return cast(Any, TotalOrAnswers)[total, answers] | None
    return total | None


def field(m: Measure, parts: Mapping[str, type[BaseModel]]) -> tuple[Any, Any]:
    """(type, Field) of the measure in its model: optional, described, with its unit and examples."""
    extra = unit(m.unit) if m.unit == "%" else None
    return annotation(m, parts), Field(None, description=m.schema_description(), examples=list(m.examples),
                                       json_schema_extra=extra)


def _ordered(own: dict[str, Any], measures: list[Measure], parts: Mapping[str, type[BaseModel]]) -> dict[str, Any]:
    """The model's own fields with each measure placed after the key its entry names (first without one)."""
    names, pending = list(own), list(measures)
    last: dict[str | None, str] = {}  # the measure placed last after each key: the next follows it
    while pending:
        placed = [m for m in pending if m.after is None or m.after in names]
        if not placed:
            raise ValueError(f"no field '{pending[0].after}' for '{pending[0].key}' to follow")
        for m in placed:
            anchor = last.get(m.after, m.after)
            names.insert(0 if anchor is None else names.index(anchor) + 1, m.key)
            last[m.after] = m.key
        pending = [m for m in pending if m not in placed]
    fields = {m.key: field(m, parts) for m in measures}
    return {n: fields[n] if n in fields else own[n] for n in names}


def with_measures(model: type[Strict], place: str | None, parts: Mapping[str, type[BaseModel]],
                  doc: str) -> Any:
    """`model` with the registry's measures of `place` (None: the top of session.yaml) added, in order."""
    own = {name: (f.annotation, f) for name, f in model.model_fields.items()}
    measures = [m for m in recorded() if m.place == place]
    return create_model(model.__name__.lstrip("_"), __base__=Strict, __module__=model.__module__, __doc__=doc,
                        **_ordered(own, measures, parts))


def places() -> list[str]:
    """The mappings of session.yaml that hold measures (ad, hair_quality)."""
    return sorted({m.place for m in recorded() if m.place is not None})


def raw(session: BaseModel, m: Measure) -> Any:
    """The measure as session.yaml gives it (the value, its parts or its answers); None when not given."""
    holder = session if m.place is None else getattr(session, m.place)
    return None if holder is None else getattr(holder, m.key)
