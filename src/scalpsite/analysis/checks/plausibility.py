"""Values a person cannot have: the `Plausible` marks of the journal's field types, checked."""

from __future__ import annotations

import functools
import types
from typing import Annotated, Union, get_args, get_origin

from pydantic import BaseModel

from scalpsite.findings import Finding, warning
from scalpsite.journal.fieldinfo import number_text
from scalpsite.journal.fieldtypes import Plausible


def marks(annotation) -> list[Plausible]:
    """The Plausible marks of a number's annotation, through Annotated layers and unions."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *meta = get_args(annotation)
        return [m for m in meta if isinstance(m, Plausible)] + marks(base)
    if origin in (Union, types.UnionType):
        return [m for member in get_args(annotation) for m in marks(member)]
    return []


def _values_of(annotation):
    """The value annotation of a mapping field (dict[str, X] -> X), through Optional; None if none."""
    if get_origin(annotation) is dict:
        return get_args(annotation)[1]
    if get_origin(annotation) in (Union, types.UnionType):
        found = [_values_of(member) for member in get_args(annotation)]
        return next((f for f in found if f is not None), None)
    return None


def implausible(model: BaseModel, where: tuple = ()) -> list[tuple[tuple, float, Plausible]]:
    """(key path, value, mark) for every number of `model` (nested models and mappings included)
    that its field's Plausible mark says no person has."""
    found = []
    for name, inner, own in _field_marks(type(model)):
        value, path = getattr(model, name), (*where, name)
        if isinstance(value, BaseModel):
            found += implausible(value, path)
        elif isinstance(value, dict) and inner is not None:
            found += [((*path, k), v, m) for k, v in value.items() for m in inner if _outside(v, m)]
        else:
            found += [(path, value, m) for m in own if _outside(value, m)]
    return found


@functools.cache
def _field_marks(model: type[BaseModel]) -> tuple[tuple[str, tuple[Plausible, ...] | None, tuple[Plausible, ...]], ...]:
    """Per field of a model class, read once from its annotations: its name, the marks of its
    values when it is a mapping (else None), and its own marks."""
    plan = []
    for name, field in model.model_fields.items():
        values = _values_of(field.annotation)
        own = [m for m in field.metadata if isinstance(m, Plausible)] + marks(field.annotation)
        plan.append((name, tuple(marks(values)) if values is not None else None, tuple(own)))
    return tuple(plan)


def _outside(value, mark: Plausible) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return (mark.high is not None and value > mark.high) or (mark.fraction and 0 < value < 1)


def plausibility_findings(model: BaseModel, path: str, lines: dict) -> list[Finding]:
    """One warning per implausible value, naming the key and what to write instead."""
    found = []
    for keys, value, mark in implausible(model):
        dotted, shown = ".".join(map(str, keys)), number_text(value)
        if mark.fraction:
            fixed = number_text(round(value * 100, 6))
            found.append(warning("implausible-value", path, f"{dotted}: {shown} looks like a fraction, but the "
                                 "scale is 0-100 (%)", lines.get(keys), f"for {fixed} %, write {keys[-1]}: {fixed}"))
        else:
            found.append(warning("implausible-value", path, f"{dotted}: {shown} is more than a scalp "
                                 f"has: {mark.why}", lines.get(keys),
                                 "check the reading for a slip of the keyboard, and the unit"))
    return found
