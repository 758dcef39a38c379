"""Pydantic validation errors turned into findings with file, line and a fix."""

from __future__ import annotations

import difflib
import typing

from pydantic import BaseModel, ValidationError

from scalpsite.findings import Finding, error
from scalpsite.journal.yamlsource import YamlDoc


def _models_in(annotation) -> list[type[BaseModel]]:
    """Every BaseModel class reachable inside a (possibly nested) type annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for arg in typing.get_args(annotation):
        found.extend(_models_in(arg))
    return found


def known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model that sits at `loc` (tags and indexes are skipped)."""
    models = [model]
    for comp in loc:
        nxt = []
        for m in models:
            field = m.model_fields.get(comp) if isinstance(comp, str) else None
            nxt.extend(_models_in(field.annotation) if field else [])
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


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' or ''."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _one(err: dict, doc: YamlDoc, model: type[BaseModel], shown: str) -> Finding:
    path = data_path(doc.data, err["loc"])
    line = doc.line_of(path)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = err["loc"][-1]
        keys = known_keys(model, err["loc"][:-1])
        return error("unknown-key", shown, f"unknown key '{key}'{did_you_mean(key, keys)}", line,
                     f"known keys here: {', '.join(keys)}")
    if kind == "missing":
        key = err["loc"][-1]
        where = f" in '{_dotted(path)}'" if path else ""
        return error("missing-key", shown, f"missing key '{key}'{where}", line, f"add '{key}:' with a value")
    msg = err["msg"]
    msg = msg[0].lower() + msg[1:]
    got = err.get("input")
    shown_input = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
    return error("invalid-value", shown, f"{_dotted(path) or 'value'}: {msg}{shown_input}", line,
                 "see the journal format in the README")


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
