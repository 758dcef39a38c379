"""Names in scalpsite.yaml that become file names or CSV columns: each must name one thing.

Angles name photo files (found in any case, as file systems and cameras write them) and pages;
density zones name two CSV columns each. Two angles that differ only in case, a zone listed
twice, or zones whose columns clash (`crown` and `change_pct_crown` both give
`density_change_pct_crown`) are errors here, so that no output holds two things of one name.
"""

from __future__ import annotations

from scalpsite.findings import Finding, error
from scalpsite.journal.load import CONFIG_FILE, Journal
from scalpsite.journal.configmodel import Config

MAX_ZONE = 40  # characters: a zone names CSV columns, chart legends and table headings
# The CSV columns of each density zone, <zone> replaced (output/export.py fills them).
ZONE_COLUMN_NAMES = ("density_<zone>", "density_change_pct_<zone>")


def name_findings(journal: Journal, config: Config) -> list[Finding]:
    """Errors for angles or density zones that would name two things alike."""
    return _angles(journal, config) + _zones(journal, config)


def _angles(journal: Journal, config: Config) -> list[Finding]:
    found: list[Finding] = []
    seen: dict[str, str] = {}
    for key in ("angles", "optional"):
        for i, angle in enumerate(getattr(config.photos, key)):
            where = f"photos.{key}[{i}]"
            if angle.lower() in seen:
                found.append(error("angle-twice", CONFIG_FILE, f"{where}: '{angle}' names the same photos as "
                                   f"{seen[angle.lower()]} (photo files are found whatever their case)",
                                   journal.config_lines.get(("photos", key, i)), "list each angle once"))
            else:
                seen[angle.lower()] = f"'{angle}' ({where})"
    return found


def _zones(journal: Journal, config: Config) -> list[Finding]:
    zones = config.density.zones
    found: list[Finding] = []
    owner: dict[str, str] = {}
    for i, zone in enumerate(zones):
        line = journal.config_lines.get(("density", "zones", i))
        if len(zone) > MAX_ZONE or not zone.strip():
            found.append(error("bad-zone", CONFIG_FILE, f"density.zones[{i}]: a zone name has 1 to {MAX_ZONE} "
                               f"characters, not {len(zone)}", line, "name the zone in a word or two: crown"))
        elif zone in zones[:i]:
            found.append(error("zone-twice", CONFIG_FILE, f"density.zones[{i}]: '{zone}' is listed twice", line,
                               "list each zone once"))
        elif clash := next((c for c in _columns(zone) if c in owner), None):
            found.append(error("zone-clash", CONFIG_FILE, f"density.zones[{i}]: '{zone}' and '{owner[clash]}' "
                               f"would both fill the CSV column {clash}", line, "rename one of the two zones"))
        else:
            owner |= dict.fromkeys(_columns(zone), zone)
    return found


def _columns(zone: str) -> list[str]:
    """The CSV columns a density zone gives."""
    return [name.replace("<zone>", zone) for name in ZONE_COLUMN_NAMES]
