"""Generate the renderer test fixtures (tests/fixtures/*_view.json) from a small journal.

The fixtures are the JSON dump of what `pipeline.view_of` gives for the journal below, so the site and
dossier tests draw exactly the structure the pipeline produces. Run after changing the
analysis or the view:

    python scripts/make_view_fixtures.py

tests/test_fixtures.py fails when the committed fixtures differ from what this script makes.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import textwrap
from pathlib import Path

from scalpsite.analysis.analyze import analyze
from scalpsite.analysis.checks.check import check
from scalpsite.journal.load import load
from scalpsite.photos.images import PhotoResult
from scalpsite.pipeline import view_of
from scalpsite.render.view import View

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
MARKUP = 'Used #import "x" and $x$ and a * star.'
CONFIG = """\
title: Test
patient: {name: Test Patient, birth_date: 1990-01-01}
conditions: [alopecia_areata, atopic_dermatitis]
treatments:
  - {drug: dupilumab, start: 2025-01-10, schedule: dupilumab}
"""
SESSIONS = {
    "2025-01-06": ("salt: {top: 60, back: 30, left: 20, right: 25}\ndensity: {frontal: 120, crown: 60}\n"
                   "ad: {itch: 7, easi: 12.4, poem: [2, 3, 1, 0, 4, 2, 1]}\neyebrows: 2\nadct: 14\n", ""),
    "2025-03-03": ("salt: {top: 20, back: 10, left: 20, right: 25}\ndensity: {frontal: 130, crown: 70}\n"
                   "ad: {itch: 2, easi: 5.2}\nside_effects: [{name: conjunctivitis, severity: mild}]\n"
                   "labs: {ige: {value: 390, unit: IU/mL}}\neyebrows: 1\npgic: 2\nadct: 6\n"
                   "expected_effects: {headache: no, injection_site_reaction: mild}\n",
                   f"## Week 7\n\nItch *much* better.\n\n- small hairs on the crown\n- eyes a bit red\n\n{MARKUP}\n"),
}
INJECTIONS = ("date,drug,dose_mg,site,reaction,note\n2025-01-10,dupilumab,300,thigh_left,none,\n"
              "2025-01-10,dupilumab,300,thigh_right,mild,loading dose\n2025-01-28,dupilumab,300,thigh_right,,\n")
MISSING = {"2025-03-03": "back"}  # a photo not taken, drawn as "no photo"
APPOINTMENT = """\
---
clinician: Dr. A. Example
purpose: 6-month review
---
1. Is this response enough?
2. Should labs be repeated?
"""
ANGLES = ["overhead", "front", "back", "left", "right"]
CHARTS = {"salt": "charts/salt.svg", "density": "charts/density.svg", "ad": "charts/ad.svg"}


def write_journal(root: Path) -> Path:
    """The fixture journal; photos are empty files, as the photo stage is stood in for."""
    (root / "appointments").mkdir(parents=True)
    (root / "scalpsite.yaml").write_text(CONFIG)
    (root / "appointments/2025-07-04.md").write_text(APPOINTMENT)
    (root / "injections.csv").write_text(INJECTIONS)
    for folder, (yaml_text, notes) in SESSIONS.items():
        session = root / "sessions" / folder
        session.mkdir(parents=True)
        (session / "session.yaml").write_text(textwrap.dedent(yaml_text))
        if notes:
            (session / "notes.md").write_text(notes)
        for angle in ANGLES:
            if MISSING.get(folder) != angle:
                (session / f"{angle}.jpg").write_bytes(b"")
    return root


def stand_in_photos(journal) -> PhotoResult:
    """What the photo stage would report: a 4:3 web rendition per photo, keyed by its path."""
    renditions = {path: {"key": path.replace("/", "-").removesuffix(".jpg"), "width": 1280, "height": 960,
                         "facts": {}} for rec in journal.sessions for path in rec.photos.values()}
    return PhotoResult(renditions, [], 0, len(renditions))


LONG_NOTE = " ".join(["a dull headache on the evening after the injection, gone by the morning"] * 6)


def grow(root: Path, count: int) -> Path:
    """Add sessions every two weeks after the last until the journal has `count`: SALT falling,
    a long side-effect note every third session, a medication added after the thirtieth."""
    start = dt.date(2025, 3, 3)
    for i in range(1, count - len(SESSIONS) + 1):
        day = start + dt.timedelta(days=14 * i)
        meds = ["dupilumab 300 mg q2w"] + (["tacrolimus ointment"] if i > 30 else [])
        lines = [f"salt: {round(18.5 - 0.3 * i, 1)}", f"density: {{frontal: {130 + i}, crown: {70 + i}}}",
                 f"medications: {json.dumps(meds)}"]
        if i % 3 == 0:
            lines.append(f"side_effects: [{{name: headache, severity: mild, notes: {json.dumps(f'{LONG_NOTE} (entry {i})')}}}]")
        session = root / "sessions" / day.isoformat()
        session.mkdir(parents=True)
        (session / "session.yaml").write_text("\n".join(lines) + "\n")
        for angle in ANGLES:
            (session / f"{angle}.jpg").write_bytes(b"")
    return root


EARLIER = "---\nclinician: Dr. B. Before\npurpose: first visit\n---\nWhat should I track?\n"


def view_for(for_date: dt.date | None, count: int = len(SESSIONS), appointments: dict | None = None) -> View:
    """The view of the fixture journal (grown to `count` sessions, with extra appointment files
    {"YYYY-MM-DD": text}, or {"2025-07-04": None} to drop one), as the pipeline makes it."""
    with tempfile.TemporaryDirectory() as tmp:
        root = grow(write_journal(Path(tmp) / "journal"), count)
        for day, text in (appointments or {}).items():
            target = root / "appointments" / f"{day}.md"
            target.write_text(text) if text is not None else target.unlink()
        journal = load(root)
        if for_date is not None:
            journal = journal.until(for_date)
        data = analyze(journal, check(journal), as_of=for_date, for_date=for_date)
        return view_of(journal, data, stand_in_photos(journal), dict(CHARTS))


def fixtures() -> dict[str, str]:
    """File name -> the JSON text each fixture should hold."""
    views = {"site_view.json": view_for(None), "dossier_view.json": view_for(dt.date(2025, 7, 4))}
    return {name: json.dumps(v.model_dump(mode="json"), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            for name, v in views.items()}


def main() -> int:
    for name, text in fixtures().items():
        (FIXTURES / name).write_text(text, encoding="utf-8")
        print(f"wrote tests/fixtures/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
