"""Issue 18 item 13: `export --format fhir` is a FHIR R4B Bundle that fhir.resources validates."""

import json

import pytest
from conftest import COMPLETE, write_journal

from scalpsite.cli import main
from scalpsite.output.fhir import CANONICAL, LOINC, MEASURES

Bundle = pytest.importorskip("fhir.resources.R4B.bundle").Bundle
VALUES = ("valueQuantity", "valueCodeableConcept", "valueString", "valueInteger", "valueBoolean")


@pytest.fixture(scope="module")
def example_bundle(example_journal):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["export", str(example_journal), "--format", "fhir"])
    assert result.exit_code == 0, result.output
    return result.output


def resources(text: str, kind: str | None = None) -> list[dict]:
    return [e["resource"] for e in json.loads(text)["entry"] if kind in (None, e["resource"]["resourceType"])]


def test_example_export_validates_as_an_r4b_bundle(example_bundle):
    """Item 13: the example journal's export parses and validates with the fhir.resources R4B models."""
    bundle = Bundle.model_validate_json(example_bundle)
    assert bundle.type == "collection"
    urls = [e.fullUrl for e in bundle.entry]
    assert len(urls) == len(set(urls)) and all(u.startswith("urn:uuid:") for u in urls)


def test_every_observation_has_a_code_a_date_and_a_value(example_bundle):
    """Item 13 (done when): code, effectiveDateTime and a value on every Observation."""
    observations = resources(example_bundle, "Observation")
    assert len(observations) > 13 * 6
    for o in observations:
        assert o["code"].get("coding") and o["code"]["coding"][0]["code"], o
        assert o["effectiveDateTime"] and o["status"] == "final"
        assert any(k in o for k in VALUES), o


def test_poem_is_loinc_and_other_codes_are_in_the_bundled_codesystem(example_bundle):
    """Item 13: LOINC 89870-0 for the POEM total; every scalpsite code is defined in the CodeSystem."""
    [system] = resources(example_bundle, "CodeSystem")
    assert system["url"] == CANONICAL and CANONICAL.startswith("urn:uuid:")
    defined = {c["code"] for c in system["concept"]}
    used = {(c["system"], c["code"]) for o in resources(example_bundle, "Observation")
            for part in [o, *o.get("component", [])] for c in part["code"]["coding"]}
    assert (LOINC, "89870-0") in used
    assert {code for sys, code in used if sys == CANONICAL} <= defined
    assert {sys for sys, _ in used} == {CANONICAL, LOINC}


def test_observations_follow_the_session_values(example_bundle, example_journal):
    """Item 13: values, units and dates are the sessions' own, from data.json."""
    from click.testing import CliRunner

    data = json.loads(CliRunner().invoke(main, ["export", str(example_journal)]).output)
    first = data["sessions"][0]
    obs = [o for o in resources(example_bundle, "Observation") if o["effectiveDateTime"] == first["date"]]
    salt = next(o for o in obs if o["code"]["coding"][0]["code"] == "salt")
    assert salt["valueQuantity"] == {"value": first["salt"], "unit": "%", "system": "http://unitsofmeasure.org",
                                     "code": "%"}
    assert {c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in salt["component"]} == {
        f"salt-{r}": v for r, v in first["salt_regions"].items()}
    density = [o for o in obs if o["code"]["coding"][0]["code"] == "hair-density"]
    assert {o["bodySite"]["text"]: o["valueQuantity"]["value"] for o in density} == first["density"]
    assert density[0]["valueQuantity"]["code"] == "{FU}/cm2"


def test_questionnaire_responses_carry_the_item_answers(example_bundle):
    """Item 13: POEM and DLQI answered item by item become QuestionnaireResponses, totals stay Observations."""
    responses = resources(example_bundle, "QuestionnaireResponse")
    assert responses and all(r["status"] == "completed" for r in responses)
    poem = next(r for r in responses if r["item"][0]["linkId"] == "poem")
    assert [i["linkId"] for i in poem["item"][0]["item"]] == [f"poem-{i}" for i in range(1, 8)]
    assert all(isinstance(i["answer"][0]["valueInteger"], int) for i in poem["item"][0]["item"])


def test_treatments_and_dossier(example_bundle):
    """Item 13: a MedicationStatement per treatment (active or completed) and a DocumentReference."""
    statements = resources(example_bundle, "MedicationStatement")
    assert [(m["medicationCodeableConcept"]["text"], m["status"]) for m in statements] == [
        ("intralesional triamcinolone (eyebrows)", "completed"), ("dupilumab", "active"), ("ciclosporin", "completed"),
        ("intralesional triamcinolone", "completed"), ("clobetasol propionate 0.05% foam", "completed")]
    [doc] = resources(example_bundle, "DocumentReference")
    assert doc["content"][0]["attachment"] == {"contentType": "application/pdf", "url": "dossier.pdf",
                                               "title": "dossier.pdf"}
    [patient] = resources(example_bundle, "Patient")
    assert patient["birthDate"] == "1991-05-14"


def test_without_a_patient_there_is_no_patient_resource(runner, tmp_path):
    """Item 13: Patient only when configured; the subject is then a display, and the Bundle still validates."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-02-03": "salt: 30\n"})
    result = runner.invoke(main, ["export", str(root), "--format", "fhir"])
    assert result.exit_code == 0, result.output
    Bundle.model_validate_json(result.output)
    assert resources(result.output, "Patient") == []
    subjects = {json.dumps(r["subject"]) for r in resources(result.output) if "subject" in r}
    assert subjects == {json.dumps({"display": "the person who keeps this journal (not named in scalpsite.yaml)"})}
    second = [o for o in resources(result.output, "Observation") if o["effectiveDateTime"] == "2025-02-03"]
    assert [o["code"]["coding"][0]["code"] for o in second] == ["salt"]  # nothing else was recorded


def test_the_export_is_reproducible(runner, example_bundle, example_journal):
    """Item 13: same journal, same bytes (ids are derived, never random)."""
    assert runner.invoke(main, ["export", str(example_journal), "--format", "fhir"]).output == example_bundle


def test_measure_table_keys_are_session_fields(example_bundle, example_journal):
    """Item 13: every row of the mapping table reads a field that data.json sessions have."""
    from click.testing import CliRunner

    data = json.loads(CliRunner().invoke(main, ["export", str(example_journal)]).output)
    assert {m.key for m in MEASURES} <= set(data["sessions"][0])
