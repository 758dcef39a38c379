"""What each chart reads of the analysis, as a part of it a chart is drawn from alone.

A chart is cached under a hash of these values (renderstage.py), so an edit of the journal
draws again only the charts whose values changed. A chart never sees the whole analysis: it
gets a `Reads`, and a read of anything not listed here fails, so a cached chart cannot
miss a change of what it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_jsonable_python

from scalpsite.analysis.results import Analysis, SessionResult
from scalpsite.measures.alopecia import SALT


@dataclass(frozen=True)
class Spec:
    """The analysis fields a chart reads whole (`a.b`: only b of a), and of each session the
    fields and the measures (by key) it reads."""

    fields: tuple[str, ...]
    session_fields: tuple[str, ...] = ()
    measures: Callable[[Analysis], set[str]] = lambda data: set()
    shown: Callable[[Analysis], bool] = lambda data: True


SPECS: dict[str, Spec] = {
    SALT.key: Spec(("phases", "salt_lines", "photo_evidence.series", "injection_doses", "interruptions"),
                 ("photo_salt",), lambda data: {SALT.key}),
    "density": Spec(("density_zones", "density_unit"), ("density",)),
    "ad": Spec(("summary.ad_measures", "ad_panels", "injection_doses"), (),
               lambda data: {p.key for p in data.ad_panels},
               lambda data: "atopic_dermatitis" in data.conditions),
    "control": Spec(("control_panels",), (), lambda data: {p.key for p in data.control_panels}),
    "doses": Spec(("injection_doses", "injection_window")),
}


class Part:
    """Named values read as attributes; any other name is an AttributeError."""

    def __init__(self, values: dict[str, Any]):
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"a chart reads {name!r}, which its spec in chartinputs.py does not list")


class SessionReads(Part):
    """Of one session: its date, the listed fields, and `measure(key)` for the listed keys."""

    def __init__(self, session: SessionResult, fields: tuple[str, ...], keys: set[str]):
        super().__init__({"date": session.date} | {f: getattr(session, f) for f in fields})
        self._values = {k: session.measure(k) for k in sorted(keys)}

    def measure(self, key: str) -> Any:
        """The session's value of the measure `key`, which the chart's spec must list."""
        return self._values[key]

    def facts(self) -> list:
        """What the chart reads of this session, as JSON-able values."""
        return to_jsonable_python([self.__dict__[k] for k in sorted(self.__dict__) if k != "_values"]
                                  + [self._values])


class Reads(Part):
    """The part of the analysis one chart reads; `facts()` is what its cache key is made of."""

    def __init__(self, data: Analysis, spec: Spec):
        values: dict[str, Any] = {}
        for name in spec.fields:
            top, _, sub = name.partition(".")
            if sub:
                part = values.get(top) or Part({})
                part.__dict__[sub] = getattr(getattr(data, top), sub)
                values[top] = part
            else:
                values[top] = getattr(data, top)
        keys = spec.measures(data)
        values["sessions"] = [SessionReads(s, spec.session_fields, keys) for s in data.sessions]
        super().__init__(values)
        self._spec = spec

    def facts(self) -> Any:
        """Every value the chart reads, as JSON-able data."""
        out: dict[str, Any] = {"sessions": [s.facts() for s in self.__dict__["sessions"]]}
        for name in self._spec.fields:
            top, _, sub = name.partition(".")
            value = getattr(self.__dict__[top], sub) if sub else self.__dict__[top]
            out[name] = to_jsonable_python(value)
        return out


def chart_reads(data: Analysis) -> dict[str, Reads]:
    """The charts this analysis may show (by name, in drawing order), each with what it reads."""
    return {name: Reads(data, spec) for name, spec in SPECS.items() if spec.shown(data)}
