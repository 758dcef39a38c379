"""Issue 18 items 4 and 9: a generated field reference, described models, and a CSV with stable columns."""

import csv
import io
import json

import pytest
from conftest import COMPLETE, REPO, write_journal
from pydantic import BaseModel

from scalpsite.cli import main
from scalpsite.journal import configmodel, models
from scalpsite.journal.editors import schema
from scalpsite.output.export import COLUMNS
from scalpsite.reference import COMMAND, render

DOC = REPO / "docs/journal-format.md"
ALL_MODELS = [m for module in (configmodel, models) for m in vars(module).values()
              if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == module.__name__]


def test_field_reference_is_current():
    """Item 4: docs/journal-format.md is what the generator prints (regenerate with COMMAND)."""
    assert DOC.read_text(encoding="utf-8") == render(), f"docs/journal-format.md is stale; run: {COMMAND}"


@pytest.mark.parametrize("model", ALL_MODELS, ids=[m.__name__ for m in ALL_MODELS])
def test_every_model_field_has_a_description(model):
    """Item 4: every field of every journal model is described, so editors and the reference explain it."""
    undescribed = [name for name, field in model.model_fields.items() if not (field.description or "").strip()]
    assert not undescribed, f"{model.__name__}: add description= to {', '.join(undescribed)}"


@pytest.mark.parametrize("kind", ["session", "config"])
def test_schemas_carry_their_dialect_and_descriptions(kind):
    """Item 4: `$schema` names the JSON Schema dialect; field descriptions reach the editor."""
    body = schema(kind)
    assert body["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert all(p.get("description") for p in body["properties"].values())


@pytest.mark.parametrize("key", ["`treatments[].schedule`", "`salt.top`", "`ad.easi.head_neck.erythema`",
                                 "`labs.<name>.value`", "`side_effects[].severity`", "`clinician`"])
def test_reference_lists_nested_fields(key):
    """Item 4: nested keys of scalpsite.yaml, session.yaml and appointments are in the reference."""
    assert f"| {key}" in render()


def test_reference_documents_injections_masks_csv_and_fhir():
    """Items 4, 9, 13: the other journal files and the outputs are described in the same place."""
    text = render()
    assert "`date,drug,dose_mg,site,reaction,note`" in text and "abdomen_left" in text
    assert "| red | `#ff0000` | bald scalp |" in text and "| yellow | `#ffff00` | partial regrowth" in text
    assert all(f"| `{c.name}` |" in text for c in COLUMNS)
    assert "| `poem` | LOINC | `89870-0` |" in text


def test_no_hint_points_at_a_reference_that_does_not_exist(tmp_path):
    """Item 4: hints explain the field themselves instead of 'see the journal format in the README'."""
    from scalpsite.journal.load import load

    root = write_journal(tmp_path / "j", {"2025-01-06": "ad: {itch: 11}\nsalt: {top: 1, back: 2, left: 3}\n"})
    hints = [f.hint for f in load(root).findings]
    assert hints and not any("README" in h for h in hints)
    assert "itch takes a whole number (0 to 10): Peak Pruritus NRS" in hints[0]


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_columns_do_not_change_with_the_data(runner, tmp_path):
    """Item 9: a total SALT and region SALT in one journal give the same fixed columns, no dict in a cell."""
    mixed = write_journal(tmp_path / "mixed", {"2025-01-06": "salt: 12\n", "2025-02-03": COMPLETE})
    plain = write_journal(tmp_path / "plain", {"2025-01-06": "salt: 12\n"})
    a = runner.invoke(main, ["export", str(mixed), "--format", "csv"]).output
    b = runner.invoke(main, ["export", str(plain), "--format", "csv"]).output
    assert a.splitlines()[0] == b.splitlines()[0]
    first, second = rows_of(a)
    assert (first["salt"], first["salt_top"]) == ("12.0", "")
    assert (second["salt"], second["salt_top"], second["salt_right"]) == ("39.3", "60.0", "25.0")
    assert not any(v.startswith(("{", "[")) for row in (first, second) for v in row.values())
    assert [c for c in first if c.startswith("density_") and "change" not in c] == ["density_frontal",
                                                                                     "density_crown"]


def test_csv_says_not_recorded_apart_from_none(runner, tmp_path):
    """Item 9: side effects 'none' is written, not recorded is an empty cell; lists are joined with '; '."""
    root = write_journal(tmp_path / "j", {
        "2025-01-06": COMPLETE,
        "2025-02-03": "side_effects: [{name: conjunctivitis, severity: mild}, {name: headache}]\n"
                      "medications: [dupilumab 300 mg q2w, emollient]\nlabs: {ige: {value: 250, unit: IU/mL}}\n",
        "2025-03-03": "salt: 20\n"})
    first, second, third = rows_of(runner.invoke(main, ["export", str(root), "--format", "csv"]).output)
    assert (first["side_effects"], third["side_effects"]) == ("none", "")
    assert second["side_effects"] == "conjunctivitis (mild); headache"
    assert second["medications"] == "dupilumab 300 mg q2w; emollient"
    assert second["labs"] == "ige=250 IU/mL [high]"


def test_csv_header_matches_the_declared_table(runner, journal):
    """Item 9: the header is the declared table, then density and change per configured zone."""
    header = runner.invoke(main, ["export", str(journal), "--format", "csv"]).output.splitlines()[0].split(",")
    zones = json.loads(runner.invoke(main, ["export", str(journal)]).output)["density_zones"]
    assert header == [c.name for c in COLUMNS] + [f"density_{z}" for z in zones] + \
        [f"density_change_pct_{z}" for z in zones]
