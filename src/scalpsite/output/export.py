"""data.json and data.csv: the metrics in the contract form of DESIGN.md."""

from __future__ import annotations

import csv
import io
import json

CSV_SKIP = {"notes", "lighting"}  # free text belongs in the site, not a metrics table


def to_json(data: dict) -> str:
    """The analysis as stable, human-readable JSON."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def csv_columns(data: dict) -> list[str]:
    """Scalar session fields in contract order, then density_<zone> per zone seen."""
    cols: list[str] = []
    for s in data["sessions"]:
        for k, v in s.items():
            if k not in cols and k not in CSV_SKIP and (v is None or isinstance(v, (str, int, float, bool))):
                cols.append(k)
    zones = list(data["density_zones"])
    zones += sorted({z for s in data["sessions"] for z in s["density"]} - set(zones))
    seen = [z for z in zones if any(z in s["density"] for s in data["sessions"])]
    return cols + [f"density_{z}" for z in seen] + [f"density_change_pct_{z}" for z in seen]


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def to_csv(data: dict) -> str:
    """One row per session; unrecorded measures are empty cells, never 0."""
    cols = csv_columns(data)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for s in data["sessions"]:
        row = []
        for c in cols:
            if c.startswith("density_change_pct_"):
                row.append(_cell(s["density_change_pct"].get(c.removeprefix("density_change_pct_"))))
            elif c.startswith("density_") and c not in s:
                row.append(_cell(s["density"].get(c.removeprefix("density_"))))
            else:
                row.append(_cell(s.get(c)))
        writer.writerow(row)
    return buf.getvalue()
