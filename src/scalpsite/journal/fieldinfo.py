"""The journal's fields in words (type, range, unit, example, meaning), read from the models.

Used for the hints of validation errors and for the generated field reference, so both say
the same thing as the JSON Schema that editors show.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
from dataclasses import dataclass
from enum import Enum

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

# What a key of a free-named mapping stands for in a dotted path (density.<zone>).
MAP_KEYS = {"density": "<zone>", "labs": "<name>", "photos": "<angle>"}


@dataclass(frozen=True)
class FieldRow:
    """One line of the field reference."""

    key: str
    type: str
    range: str
    unit: str
    example: str
    meaning: str
    required: bool


def _unwrap(tp) -> tuple[object, list]:
    """(bare type, constraint objects) of an Annotated type, flattening nested Annotated."""
    metadata: list = []
    while typing.get_origin(tp) is typing.Annotated:
        tp, *extra = typing.get_args(tp)
        for m in extra:
            metadata.extend(m.metadata if isinstance(m, FieldInfo) else [m])
    return tp, metadata


def _members(tp) -> list:
    """The members of a Union (or Optional), without None; [tp] for anything else."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [m for m in typing.get_args(tp) if m is not type(None)]
    return [tp]


def models_in(tp) -> list[type[BaseModel]]:
    """Every model reachable inside an annotation (through unions, lists and mappings)."""
    tp, _ = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [m for arg in typing.get_args(tp) for m in models_in(arg)]


def range_words(metadata: list, text: bool = False) -> str:
    """'0 to 10', 'at least 0', 'exactly 7 items', 'steps of 0.5' ... from constraint objects."""
    lo = next((m.ge for m in metadata if isinstance(m, at.Ge)), None)
    hi = next((m.le for m in metadata if isinstance(m, at.Le)), None)
    parts = []
    if lo is not None and hi is not None:
        parts.append(f"{number_text(lo)} to {number_text(hi)}")
    elif lo is not None:
        parts.append(f"at least {number_text(lo)}")
    elif hi is not None:
        parts.append(f"at most {number_text(hi)}")
    parts += [f"steps of {number_text(m.multiple_of)}" for m in metadata if isinstance(m, at.MultipleOf)]
    short = next((m.min_length for m in metadata if isinstance(m, at.MinLen)), None)
    long = next((m.max_length for m in metadata if isinstance(m, at.MaxLen)), None)
    if text and short:
        parts.append("not empty")
    elif short is not None and short == long:
        parts.append(f"exactly {short} items")
    elif short:
        parts.append(f"at least {short} item{'s' * (short != 1)}")
    return ", ".join(parts)


def number_text(x) -> str:
    """A bound as people write it: 100, not 100.0; a date as YYYY-MM-DD."""
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, str):  # pydantic gives some bounds (dates) as text
        return x
    return str(int(x)) if float(x).is_integer() else str(x)


def kind_and_range(tp) -> tuple[str, str]:
    """(the kind of value a field takes, its range) in the journal's words."""
    tp, metadata = _unwrap(tp)
    members = _members(tp)
    if len(members) == 1 and members[0] is not tp:  # Optional[X]: X, whatever else it allows
        words, rng = kind_and_range(members[0])
        return words, ", ".join(r for r in (rng, range_words(metadata)) if r)
    if len(members) > 1:
        return " or ".join(_with_range(m) for m in members), range_words(metadata)
    return _kind(tp), range_words(metadata, text=tp is str)


def _kind(tp) -> str:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        return "one of: " + ", ".join(str(a) for a in args)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return "one of: " + ", ".join(str(e.value) for e in tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "keys: " + ", ".join(tp.model_fields)
    if origin is list:
        return f"a list, each {_with_range(args[0])}"
    if origin is dict:
        return f"named entries, each {_with_range(args[1])}"
    return SCALARS.get(tp, getattr(tp, "__name__", str(tp)))


def _with_range(tp) -> str:
    words, rng = kind_and_range(tp)
    if rng and words.startswith("a list, "):  # the count belongs to the list, not to its items
        return words.replace("a list,", f"a list ({rng}),", 1)
    return f"{words} ({rng})" if rng else words


SCALARS = {int: "a whole number", float: "a number", str: "text", bool: "true or false",
           dt.date: "a date, YYYY-MM-DD"}


def field_at(model: type[BaseModel], loc: tuple) -> tuple[str, FieldInfo] | None:
    """(name, field) of the model field that a validation `loc` points at; None when unknown."""
    found, models = None, [model]
    for comp in loc:
        if not isinstance(comp, str):
            continue
        hit = next((m.model_fields[comp] for m in models if comp in m.model_fields), None)
        if hit is not None:
            found, models = (comp, hit), models_in(hit.annotation) or models
    return found


def describe(field: FieldInfo) -> str:
    """'a whole number (0 to 10): Peak Pruritus NRS ...': what a field takes and means."""
    words, rng = kind_and_range(field.annotation)
    rng = ", ".join(r for r in (rng, range_words(field.metadata, text=field.annotation is str)) if r)
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    unit = f", in {extra['unit']}" if extra.get("unit") else ""
    return f"{words}{f' ({rng})' if rng else ''}{unit}: {field.description or ''}".rstrip(": ")


def rows(model: type[BaseModel], prefix: str = "") -> list[FieldRow]:
    """The field reference of a model: one row per field, nested models after their parent."""
    out = []
    for name, field in model.model_fields.items():
        key = prefix + name
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        example = yaml_flow(field.examples[0]) if field.examples else ""
        words, rng = kind_and_range(field.annotation)
        rng = ", ".join(r for r in (rng, range_words(field.metadata, text=field.annotation is str)) if r)
        out.append(FieldRow(key, words, rng,
                            str(extra.get("unit", "")), example, field.description or "",
                            field.is_required()))
        out += _nested_rows(key, field.annotation)
    return out


def _nested_rows(key: str, annotation) -> list[FieldRow]:
    """Rows of the models inside a field: `key.sub`, `key[].sub` in lists, `key.<name>.sub` in mappings."""
    tp, _ = _unwrap(annotation)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return rows(tp, f"{key}.")
    if origin in (typing.Union, types.UnionType):
        return [row for member in args for row in _nested_rows(key, member)]
    if origin is list:
        return _nested_rows(f"{key}[]", args[0])
    if origin is dict:
        return _nested_rows(f"{key}.{MAP_KEYS.get(key.split('.')[-1], '<name>')}", args[1])
    return []


PLAIN = re.compile(r"^[A-Za-z_][\w .()/²-]*$")  # text YAML 1.2 reads as text without quotes


def yaml_flow(value) -> str:
    """A value as written in a YAML file, on one line: `[a, b]`, `{top: 60}`, `"300"`."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        plain = (PLAIN.match(value) and value.lower() not in ("true", "false", "null") and ": " not in value
                 or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))
        return value if plain else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    return "{" + ", ".join(f"{k}: {yaml_flow(v)}" for k, v in value.items()) + "}"
