"""Pydantic validation errors turned into findings with file, line and a fix."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from scalpsite.findings import Finding, error
from scalpsite.journal import configmodel, models
from scalpsite.journal.fieldinfo import describe, field_at, models_in, number_text, rows, yaml_flow
from scalpsite.journal.yamlsource import YamlDoc

MODEL_FIELDS = {name: list(cls.model_fields) for name, cls in (vars(configmodel) | vars(models)).items()
                if isinstance(cls, type) and issubclass(cls, BaseModel) and cls is not BaseModel}


def known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model that sits at `loc` (tags and indexes are skipped)."""
    models = [model]
    for comp in loc:
        nxt = []
        for m in models:
            field = m.model_fields.get(comp) if isinstance(comp, str) else None
            nxt.extend(models_in(field.annotation) if field else [])
        models = nxt or models
    return sorted({name for m in models for name in m.model_fields})


def data_path(data, loc: tuple) -> tuple:
    """The part of a pydantic `loc` that names real keys/indexes in `data`."""
    path, cur = [], data
    for comp in loc:
        if isinstance(cur, dict) and comp in cur:
            cur = cur[comp]
        elif isinstance(cur, list) and isinstance(comp, int) and 0 <= comp < len(cur):
            cur = cur[comp]
        else:
            continue
        path.append(comp)
    return tuple(path)


def _dotted(path: tuple) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path).replace(".[", "[")


def closest(word: object, choices) -> str | None:
    """The choice the word was meant to be: the same in another case, else the nearest spelling."""
    choices = [str(c) for c in choices]
    same = [c for c in choices if c.lower() == str(word).lower()]
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=0.6)
    return same[0] if same else lowered[close[0]] if close else None


def did_you_mean(word: object, choices) -> str:
    """' (did you mean 'x'?)' or ''."""
    meant = closest(word, choices)
    return f" (did you mean '{meant}'?)" if meant is not None else ""


def nested_key(model: type[BaseModel], key: str) -> str | None:
    """Where a key unknown at the top of `model` belongs one or more mappings down ('areas' -> 'ad.areas')."""
    found = [r.key for r in rows(model) if r.key.endswith(f".{key}") and not re.search(r"[\[<]", r.key)]
    return min(found, key=len) if found else None


def _moved(dotted: str, value) -> str:
    """`ad: {areas: [scalp]}`: a value written at the place `dotted` names, in YAML flow form."""
    *parents, key = dotted.split(".")
    text = f"{{{key}: {yaml_flow(value)}}}"
    for parent in reversed(parents[1:]):
        text = f"{{{parent}: {text}}}"
    return f"{parents[0]}: {text}"


@dataclass(frozen=True)
class ValidationProblem:
    """One pydantic error, with what the journal's words need: the key, the value, the field."""

    field: str  # dotted path in the file: 'ad.areas', 'treatments[0].start'
    key: str
    got: object
    ctx: dict
    loc: tuple
    msg: str
    about: str  # '<name> takes <what it takes and means>', from the model (fieldinfo.describe)


def _yaml(value) -> str:
    """A scalar as it is written in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def what(value) -> str:
    """A value read from YAML, named in words: 'the text 'x'', 'the number 3', 'a list of 2 items'."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"{_yaml(value)} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, dict):
        return "keys and values"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' * (len(value) != 1)}"
    return repr(value)


def _text(p: ValidationProblem):
    if isinstance(p.got, dict | list):
        return f"{p.field}: expected text, got {what(p.got)}", "write it as one line of text"
    return f"{p.field}: expected text, got {what(p.got)}", f'put it in quotes: {p.key}: "{_yaml(p.got)}"'


NOTHING = {"none", "no", "nothing", "n/a", "na", "-", "nil", "not measured", "not recorded"}


def _number(kind: str):
    def word(p: ValidationProblem):
        return f"{p.field}: expected {kind}, got {what(p.got)}", _number_fix(p) if isinstance(p.got, str) else ""
    return word


def _number_fix(p: ValidationProblem) -> str:
    """The fix for a number written as text: the number alone, or empty when nothing was measured."""
    text = str(p.got)
    number = re.search(r"-?\d+(\.\d+)?", text)
    if text.strip().lower() in NOTHING:
        return "; ".join(t for t in (p.about, f"leave it empty ({p.key}: null) when it was not measured") if t)
    if number:
        return f"write the number alone, without a unit or %: {p.key}: {number.group()}"
    return p.about or "write a number"


def _bool(p: ValidationProblem):
    return f"{p.field}: expected true or false, got {what(p.got)}", f"write {p.key}: true or {p.key}: false"


def _bound(relation: str, key: str, limit: str):
    def word(p: ValidationProblem):
        return f"{p.field}: {_yaml(p.got)} is {relation} {number_text(p.ctx[key])}, the {limit} allowed", ""
    return word



def _count(p: ValidationProblem):
    n, has = p.ctx.get("min_length", p.ctx.get("max_length")), p.ctx.get("actual_length")
    if "answers" in p.loc:
        return (f"{p.field}: {has} answer{'s' * (has != 1)} given; a list of answers has exactly {n}",
                "give every answer (null for one not answered), or the total as one number")
    if "min_length" in p.ctx:
        return f"{p.field}: {has} item{'s' * (has != 1)}; it needs at least {n}", ""
    return f"{p.field}: {has} items; it takes at most {n}", ""


def _choice(p: ValidationProblem):
    if p.loc[-1:] == ("none",):  # side_effects: the word none, or a list
        return (f"{p.field}: {what(p.got)} is neither none nor a list of side effects",
                f"write {p.key}: none, or a list such as - {{name: conjunctivitis, severity: mild}}")
    choices = [c.strip(" '") for c in p.ctx.get("expected", "").replace(" or ", ", ").split(",")]
    meant = closest(p.got, choices) if isinstance(p.got, str) else None
    fix = f"write {p.key}: {meant}" if meant is not None and not isinstance(p.loc[-1], int) \
        else f"use one of: {', '.join(choices)}"
    return f"{p.field}: {what(p.got)} is not one of {', '.join(choices)}{did_you_mean(p.got, choices)}", fix


FORMS = {"total": "a number (the total)", "parts": "its parts as keys", "answers": "a list of answers",
         "list": "a list", "none": "none"}


def _form(p: ValidationProblem):
    tags = [t.strip(" '") for t in p.ctx.get("expected_tags", "").split(",")]
    forms = " or ".join(FORMS.get(t, t) for t in tags)
    return f"{p.field}: expected {forms}, got {what(p.got)}", ""


def _keys(p: ValidationProblem):
    keys = _keys_of(p)
    value = yaml_flow(p.got) if isinstance(p.got, str | int | float) else ".."
    item = f"{{{keys[0]}: {value}}}" if keys else ""
    fix = "" if not keys else f"write the item as {item}" if p.key.isdigit() else f"write it as {p.key}: {item}"
    return f"{p.field}: expected keys ({', '.join(keys)}), got {what(p.got)}", fix


def _keys_of(p: ValidationProblem) -> list[str]:
    """The keys the model expects at the problem's place."""
    name = p.ctx.get("class_name")
    return [] if name is None else list(MODEL_FIELDS.get(name, []))


def _list_fix(p: ValidationProblem) -> str:
    """`medications: none` is an empty list, not a list holding the word none."""
    if isinstance(p.got, str) and p.got.strip().lower() in NOTHING:
        return f"for none, write an empty list: {p.key}: []"
    return f"write it in brackets: {p.key}: [{yaml_flow(p.got)}]"


def _date(p: ValidationProblem):
    return f"{p.field}: {what(p.got)} is not a date", "write the date as YYYY-MM-DD, e.g. 2025-01-06"


WORDING = {
    "string_type": _text,
    "int_type": _number("a whole number"), "int_parsing": _number("a whole number"),
    "int_from_float": _number("a whole number"),
    "float_type": _number("a number"), "float_parsing": _number("a number"),
    "finite_number": _number("a finite number"),
    "bool_type": _bool, "bool_parsing": _bool,
    "greater_than_equal": _bound("less than", "ge", "lowest value"),
    "greater_than": _bound("not more than", "gt", "limit"),
    "less_than_equal": _bound("more than", "le", "highest value"),
    "less_than": _bound("not less than", "lt", "limit"),
    "multiple_of": lambda p: (f"{p.field}: {_yaml(p.got)} is not a multiple of {number_text(p.ctx['multiple_of'])}",
                              f"use steps of {number_text(p.ctx['multiple_of'])}"),
    "too_short": _count, "too_long": _count,
    "string_too_short": lambda p: (f"{p.field}: must not be empty", ""),
    "string_too_long": lambda p: (f"{p.field}: longer than {p.ctx['max_length']} characters", ""),
    "string_pattern_mismatch": lambda p: (f"{p.field}: {what(p.got)} is not a plain name",
                                          "use letters, digits, '-' and '_' only"),
    "enum": _choice, "literal_error": _choice,
    "union_tag_invalid": _form,
    "model_type": _keys, "model_attributes_type": _keys,
    "dict_type": lambda p: (f"{p.field}: expected named entries (name: value), got {what(p.got)}",
                            f"write one 'name: value' per line under {p.key}:"),
    "list_type": lambda p: (f"{p.field}: expected a list, got {what(p.got)}", _list_fix(p)),
    "date_type": _date, "date_parsing": _date, "date_from_datetime_parsing": _date,
    "date_from_datetime_inexact": _date,
    "value_error": lambda p: (f"{p.field}: {p.msg.removeprefix('Value error, ')}", ""),
    "assertion_error": lambda p: (f"{p.field}: {p.msg.removeprefix('Assertion failed, ')}", ""),
}


def _fallback(p: ValidationProblem):
    return f"{p.field}: {what(p.got)} is not accepted here", ""


def _one(err: ErrorDetails, doc: YamlDoc, model: type[BaseModel], shown: str) -> Finding:
    path = data_path(doc.data, err["loc"])
    line, column = doc.position(path)
    kind = err["type"]
    if kind == "extra_forbidden":
        return _unknown_key(err, doc, model, shown, (line, column))
    if kind == "missing":
        key = err["loc"][-1]
        where = f" in '{_dotted(path)}'" if path else ""
        return error("missing-key", shown, f"missing key '{key}'{where}", line, f"add '{key}:' with a value", column)
    found = field_at(model, err["loc"])
    about = f"{found[0]} takes {describe(found[1])}" if found else ""
    p = ValidationProblem(_dotted(path) or "value", str(path[-1]) if path else "value", err.get("input"),
                err.get("ctx") or {}, err["loc"], err["msg"], about)
    message, fix = WORDING.get(kind, _fallback)(p)
    return error("invalid-value", shown, message, line, fix or about, column)


def _unknown_key(err: ErrorDetails, doc: YamlDoc, model: type[BaseModel], shown: str, at: tuple) -> Finding:
    """An unknown key: a near spelling here, else the nested place a key of that name has."""
    key, keys = err["loc"][-1], known_keys(model, err["loc"][:-1])
    below = nested_key(model, str(key)) if len(err["loc"]) == 1 and not closest(key, keys) else None
    if below is not None:
        data = doc.data if isinstance(doc.data, dict) else {}
        parent, value = below.split(".")[0], data.get(key)
        fix = (f"move it into {parent}: as {below.split('.', 1)[1]}" if isinstance(data.get(parent), dict)
               else f"write it as {_moved(below, value)}")
        return error("unknown-key", shown, f"unknown key '{key}' (did you mean '{below}'?)", at[0], fix, at[1])
    return error("unknown-key", shown, f"unknown key '{key}'{did_you_mean(key, keys)}", at[0],
                 f"known keys here: {', '.join(keys)}", at[1])


def findings_from(exc: ValidationError, doc: YamlDoc, model: type[BaseModel], shown: str) -> list[Finding]:
    """All errors of one validation, one finding each, in file order."""
    found = {_one(e, doc, model, shown) for e in exc.errors()}
    return sorted(found, key=lambda f: (f.line or 0, f.message))


def validate(model: type[BaseModel], doc: YamlDoc, shown: str):
    """(instance, []) when valid, else (None, findings)."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, findings_from(exc, doc, model, shown)
