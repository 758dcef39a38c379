"""The journal's field reference, generated: `python -m scalpsite.reference > docs/journal-format.md`.

The YAML files are described from the models (the same descriptions editors show), data.csv from
the export's column table and the FHIR mapping from output/fhir.py, so the reference cannot drift
from the code; a test fails when docs/journal-format.md is not what this prints. It lives at the
top of the package because it reads the output tables as well as the journal's models.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from scalpsite.journal.editors import SCHEMA_DIR, SCHEMA_FILES
from scalpsite.journal.fieldinfo import rows
from scalpsite.journal.injectionlog import COLUMNS as LOG_COLUMNS
from scalpsite.journal.injectionlog import REQUIRED as LOG_REQUIRED
from scalpsite.journal.photofiles import PHOTO_EXTS
from scalpsite.journal.configmodel import Config
from scalpsite.journal.models import AppointmentMeta, InjectionRow, Session
from scalpsite.output import fhir
from scalpsite.output.export import COLUMNS, INJECTION_COLUMNS, ZONE_COLUMNS

COMMAND = "python -m scalpsite.reference > docs/journal-format.md"

# Files that other parts of scalpsite read and that have no model here: declared once, below.
MASK_COLOURS = [  # <angle>.mask.png, painted over the photo of that angle
    ("transparent", "", "not scalp (face, background): not counted"),
    ("red", "#ff0000", "bald scalp"),
    ("yellow", "#ffff00", "partial regrowth, counted as half"),
    ("grey", "#808080", "excluded (hair tie, glare, not visible): not counted"),
    ("any other opaque colour", "", "haired scalp"),
]


def cell(text: object) -> str:
    """Text for a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(header: list[str], body: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell(c) for c in row) + " |" for row in body]


def model_table(model: type[BaseModel]) -> list[str]:
    """Every field of a model (nested ones as dotted keys) with type, range, unit, example, meaning."""
    body = [[f"`{r.key}`" + (" (required)" if r.required else ""), r.type, r.range, r.unit,
             f"`{r.example}`" if r.example else "", r.meaning] for r in rows(model)]
    return table(["key", "takes", "range", "unit", "example", "meaning"], body)


INTRO = f"""\
# Journal format

Generated from scalpsite's models by `{COMMAND}`; do not edit by hand.
The same descriptions appear in your editor (the JSON Schemas in `{SCHEMA_DIR}/`).

How the YAML files are read:

- As YAML 1.2, like editors read them: only `true`/`false` are yes/no values (`no`, `yes`, `on`
  are text), `12:30` is text, and dates are written `YYYY-MM-DD`.
- Numbers are numbers: `true` is not 1 and `"12"` (in quotes) is text. Text that looks like a
  number or a yes/no value is put in quotes when a key takes text: `dose: "300"`.
- Every key is optional unless marked required; leave out what you did not measure. An unknown
  key is an error with a did-you-mean; a value out of range names the file, the line and the fix.
- Anchors, aliases, merge keys, tags and duplicate keys are refused.
"""


def _files_section() -> list[str]:
    exts = " ".join(f"`{e}`" for e in PHOTO_EXTS)
    return ["## Files", "",
            "```", "scalpsite.yaml                 the journal's settings",
            "sessions/YYYY-MM-DD[-suffix]/   one folder per session",
            "  session.yaml                 what you measured that day",
            "  <angle>.jpg ...              a photo per angle of scalpsite.yaml",
            "  <angle>.mask.png             optional: a painted SALT mask of that photo",
            "  notes.md                     optional notes, Markdown",
            "  closeups/                    optional extra photos, any names (never published)",
            "appointments/YYYY-MM-DD.md     optional: front matter, then your questions",
            "injections.csv                 optional: the injection log", "```", "",
            f"Photos are named by their angle (`front.heic`), with one of: {exts}; both in any case "
            "(`Front.JPG` is the front photo). A session folder's suffix has at most 60 characters. A "
            "photo named by no angle (`IMG_0001.jpg`) is not published, unless `photos:` in session.yaml "
            "gives it an angle; `check` lists what is not used.", ""]


def sections() -> list[str]:
    """The reference, line by line."""
    out = [INTRO, *_files_section()]
    out += ["## scalpsite.yaml", "", *model_table(Config), ""]
    out += ["## sessions/YYYY-MM-DD/session.yaml", "",
            "An empty `session.yaml` is a session with nothing recorded yet.", "", *model_table(Session), ""]
    out += ["## appointments/YYYY-MM-DD.md", "",
            "Front matter between two `---` lines, then your questions in Markdown.", "",
            *model_table(AppointmentMeta), ""]
    out += ["## injections.csv", "", LOG_TEXT.format(header=",".join(LOG_COLUMNS)), "",
            *table(["column", "takes", "range", "column required", "example", "meaning"], _log_rows()), ""]
    out += ["## Photo masks: `<angle>.mask.png`", "",
            "A PNG of the photo's size, painted over it, from which the photo's SALT is measured:", "",
            *table(["colour", "RGB", "means"], [[n, f"`{h}`" if h else "", m] for n, h, m in MASK_COLOURS]), ""]
    return out + _outputs()


LOG_TEXT = """\
A CSV file with a header row, `{header}` (any order; `reaction` and `note` may be left out),
then one row per injection, appended over time: `scalpsite new --injection --site SITE` adds
one. Every row is checked (file and line); an empty cell is "not noted". Quotes are read
strictly: a cell in quotes ends with a closing quote (a quote inside it is written twice), so a
quote never closed is an error on its line, and `new --injection` adds nothing to such a file."""


def _log_rows() -> list[list[str]]:
    """The columns of injections.csv, described from the model of a row."""
    out = []
    for r in rows(InjectionRow):
        needed = "yes" if r.key in LOG_REQUIRED else "no"
        if r.key in LOG_REQUIRED and not r.required:
            needed = "yes (the value may be empty)"
        out.append([f"`{r.key}`", r.type, r.range, needed, f"`{r.example}`" if r.example else "", r.meaning])
    return out


CSV_TEXT = """\
## data.csv and `export --format csv`

One row per session and always the same columns: the fixed ones, then two per density zone of
scalpsite.yaml (`<zone>` replaced by its name). A measure not recorded is an empty cell, never 0.
A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return starts with `'`
in the file, so that a spreadsheet shows it as text and never runs it as a formula (numbers,
negative ones included, are written as numbers); the same holds for OUT/injections.csv.
"""

OUT_LOG_TEXT = """\
## OUT/injections.csv

When the journal has an injection log, `build` writes it beside data.csv as scalpsite read it:
the rows up to the dossier's date, in date order, with the dose each belongs to.
"""

FHIR_TEXT = f"""\
## FHIR export: `export --format fhir`

A FHIR R4B Bundle of type `collection`, validated with the `fhir.resources` package:

- `Patient`, when scalpsite.yaml names the patient (name, birth date); otherwise every subject
  is a display-only reference.
- An `Observation` per session and recorded measure (status final, `effectiveDateTime` the
  session date, `valueQuantity` in UCUM units); SALT carries its regions as components, density
  has one Observation per zone (`bodySite`), labs one per result.
- A `QuestionnaireResponse` per session that gave the POEM or DLQI answers item by item
  (link ids `poem-1`...`poem-7`, `dlqi-1`...`dlqi-10`).
- A `MedicationStatement` per treatment: `active` without an end, else `completed`.
- A `MedicationAdministration` per row of injections.csv (status completed, dose in mg, route
  subcutaneous, the site as text; the reaction and the note as notes).
- A `DocumentReference` to `dossier.pdf`, which `scalpsite build` writes.
- The `CodeSystem` `{fhir.CANONICAL}` (scalpsite's own codes, a fixed URN), so that every code
  can be looked up in the Bundle itself.
"""

EDITORS_TEXT = f"""\
## Editors

`scalpsite init` writes the JSON Schemas ({", ".join(f"`{SCHEMA_DIR}/{f}`" for f in SCHEMA_FILES.values())})
and `.vscode/settings.json`, which maps them to `scalpsite.yaml` and `sessions/*/session.yaml`
for the YAML extension. After an upgrade, `scalpsite check` notes a schema that is out of date
and `scalpsite schema --write` refreshes both.
"""


def _outputs() -> list[str]:
    columns = [[f"`{c.name}`", c.meaning] for c in COLUMNS + ZONE_COLUMNS]
    measures = [[f"`{m.key}`", "LOINC" if m.system == fhir.LOINC else "scalpsite", f"`{m.code}`",
                 m.display, f"`{m.unit}`"] for m in fhir.MEASURES]
    concepts = [[f"`{code}`", display, text] for code, display, text in fhir.EXTRA_CONCEPTS]
    labs = ", ".join(f"`{name}` ({code} {display})" for name, (_, code, display) in fhir.LABS.items())
    log = [[f"`{c.name}`", c.meaning] for c in INJECTION_COLUMNS]
    return [CSV_TEXT, *table(["column", "holds"], columns), "", OUT_LOG_TEXT, *table(["column", "holds"], log), "",
            FHIR_TEXT,
            *table(["data.json field", "system", "code", "display", "unit"], measures), "",
            f"Laboratory results named {labs} carry their LOINC code; others the scalpsite code",
            "`lab-result`, with the name as `code.text`. Other scalpsite codes:", "",
            *table(["code", "display", "definition"], concepts), "", EDITORS_TEXT]


def render() -> str:
    """docs/journal-format.md as text."""
    return "\n".join(sections()).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
