"""data.json and data.csv: the metrics in their contract form (`scalpsite schema --kind data`).

The CSV has fixed columns, declared once in COLUMNS (then two per density zone of the config):
the column set never changes with the data, and a measure a session did not record is an empty
cell, never 0. A measure's columns are those of its entry in the measure registry, in the
registry's order; docs/journal-format.md lists them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import pydantic_core

from scalpsite.escapes import escape_controls

from scalpsite.analysis.checks.namecheck import ZONE_COLUMN_NAMES
from scalpsite.measures.registry import MEASURES


@dataclass(frozen=True)
class Column:
    """One CSV column: its name, what it holds, and how to read it from a data.json session."""

    name: str
    meaning: str
    value: Callable[[dict], object]


@dataclass(frozen=True)
class ZoneColumn:
    """A column repeated per density zone: `<zone>` in the name is the zone, `value` reads one zone."""

    name: str
    meaning: str
    value: Callable[[dict, str], object]

    def for_zone(self, zone: str) -> Column:
        """This column for one zone."""
        return Column(self.name.replace("<zone>", zone), self.meaning, lambda s: self.value(s, zone))


def key(name: str) -> Callable[[dict], object]:
    """The session field `name` as is (None when absent)."""
    return lambda s: s.get(name)


def _side_effects(s: dict) -> str | None:
    """The side effects reported (the list, then the checklist's reports), as the session page shows them."""
    if not s.get("side_effects_asked"):
        return None  # not asked: empty, not "none"
    if not s["reported_effects"]:
        return "none"
    return "; ".join(e["name"] + (f" ({e['severity']})" if e["severity"] else "") for e in s["reported_effects"])


def _labs(s: dict) -> str:
    """Each result as entered, with its unit and, when out of its range, the flag: 'ige=420 IU/mL [high]'."""
    return "; ".join(f"{name}={lab['text']}" + (f" {lab['unit']}" if lab["unit"] else "")
                     + (f" [{lab['flag']}]" if lab["flag"] else "") for name, lab in s.get("labs", {}).items())


def field(path: str) -> Callable[[dict], object]:
    """A session field by its path ('salt_regions.top': one key of a mapping); a list joined with '; '."""
    head, _, key = path.partition(".")

    def read(s: dict) -> object:
        value = s.get(head)
        value = (value or {}).get(key) if key else value
        return "; ".join(value) if isinstance(value, list) else value
    return read


def measure_columns(first: bool) -> list[Column]:
    """The registry's columns of every measure, in its order: those of v0.1 (first) or the later ones."""
    return [Column(c.name, c.meaning, field(c.field or c.name))
            for m in MEASURES if m.csv_first is first for c in m.columns]


HEAD: list[Column] = [
    Column("folder", "session folder name", key("folder")),
    Column("date", "session date, YYYY-MM-DD", key("date")),
    Column("baseline", "true for the session the changes are measured from", key("baseline")),
    Column("days_on_treatment", "days since the start of the tracked treatment (negative before)",
           key("days_on_treatment")),
    Column("week", "whole weeks on treatment", key("week")),
    Column("phase", "phase of the expected response (observation, response window ...)", key("phase")),
]
RECORD: list[Column] = [  # between the measures of v0.1 and the later ones, where the CSV has always had them
    Column("injection_site", "injection-site reaction: none, mild, moderate or severe", key("injection_site")),
    Column("side_effects", "side effects reported (the list, then the checklist's reports) as 'name (severity); ...', "
           "'none' when asked (the list or the checklist) and none reported, empty when not asked", _side_effects),
    Column("medications", "medications, separated by '; '", lambda s: "; ".join(s.get("medications", []))),
    Column("labs", "laboratory results as entered, 'name=value unit [high|low]; ...' (the flag against "
           "the report's, the journal's or the adult default range)", _labs),
    Column("assessed_by", "who assessed the scores: self or clinician", key("assessed_by")),
    Column("valid", "false when the session.yaml has errors (its measures are then empty)", key("valid")),
]
TAIL: list[Column] = [
    Column("expected_effects", "the checklist's answers as 'effect=answer; ...' (effects not asked are left out)",
           lambda s: "; ".join(f"{k}={v}" for k, v in (s.get("expected_effects") or {}).items() if v is not None)),
]
COLUMNS: list[Column] = HEAD + measure_columns(first=True) + RECORD + measure_columns(first=False) + TAIL
ZONE_COLUMNS: list[ZoneColumn] = [  # once per density zone of scalpsite.yaml, <zone> replaced
    ZoneColumn(ZONE_COLUMN_NAMES[0], "density reading of the zone, in the configured unit",
               lambda s, zone: s.get("density", {}).get(zone)),
    ZoneColumn(ZONE_COLUMN_NAMES[1], "change of the zone's density from baseline, %",
               lambda s, zone: (s.get("density_change_pct") or {}).get(zone)),
]


# Characters that JSON writers leave raw but a terminal acts on or a page shows reordered: DEL,
# C1 controls, the bidirectional controls. Written as \\uXXXX escapes, they read back the same.
def to_json(data: dict) -> str:
    """The analysis as stable, human-readable JSON (UTF-8, two-space indents).

    pydantic's serialiser writes what `json.dumps(data, indent=2, ensure_ascii=False)` writes,
    in a tenth of the time (Python's encoder is pure Python when it indents); only very small or
    large floats are spelt differently (0.00001 for 1e-05), with the same value.
    """
    return escape_controls(pydantic_core.to_json(data, indent=2).decode()) + "\n"


CASE_CONTEXT = ("scalpsite_version", "title", "generated_for", "records_up_to", "patient")


def case_export(data: dict) -> dict:
    """`export --format case`: the case page's facts with the same values, and whose and of when they are."""
    return {key: data[key] for key in CASE_CONTEXT} | {"case": data["case"]}


def csv_columns(zones: list[str]) -> list[Column]:
    """Every column, in order: the fixed ones, then two per density zone of the config."""
    per_zone = [c.for_zone(z) for c in ZONE_COLUMNS for z in zones]
    return COLUMNS + per_zone


# A text cell starting with one of these is run as a formula by Excel and LibreOffice, even in a CSV
# file; it gets a leading ' (OWASP, "CSV Injection"), which the spreadsheet shows as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(v) -> str:
    """One CSV cell: empty for not recorded, true/false, a number as it is, text safe from formulas."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v  # text only: a negative number stays a number
    return str(v)


def to_csv(data: dict) -> str:
    """One row per session; unrecorded measures are empty cells, never 0."""
    cols = csv_columns(list(data["density_zones"]))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.name for c in cols])
    for s in data["sessions"]:
        writer.writerow([_cell(c.value(s)) for c in cols])
    return buf.getvalue()


INJECTION_COLUMNS: list[Column] = [  # OUT/injections.csv: the log as scalpsite read it, one row per injection
    Column("date", "day of the injection", key("date")),
    Column("drug", "the drug as logged", key("drug")),
    Column("dose_mg", "dose in mg", key("dose_mg")),
    Column("site", "injection site (empty when not noted)", key("site")),
    Column("reaction", "injection-site reaction: none, mild, moderate, severe; empty when not noted", key("reaction")),
    Column("note", "the note as logged", key("note")),
    Column("dose_number", "the dose it belongs to (1 = the loading dose); empty when none", key("dose_number")),
    Column("due", "that dose's due date", key("due")),
    Column("timing", "early, on_time, late, after_window, extra, off_schedule, other_drug or no_schedule",
           key("timing")),
    Column("same_site_as_previous", "true when at the same site as the injection before", key("same_site_as_previous")),
    Column("line", "its line in the journal's injections.csv", key("line")),
]


def injections_csv(data: dict) -> str | None:
    """The injection log, normalised (dates ISO, sites as keys, the dose each belongs to); None without one."""
    if data["injection_log"] is None:
        return None
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.name for c in INJECTION_COLUMNS])
    for row in data["injection_log"]:
        writer.writerow([_cell(_number(c.value(row))) for c in INJECTION_COLUMNS])
    return buf.getvalue()


def _number(v):
    """300.0 as 300: doses are logged as whole milligrams, and a spreadsheet reads either."""
    return int(v) if isinstance(v, float) and v.is_integer() else v
