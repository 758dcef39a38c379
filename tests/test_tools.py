"""Editor schemas, pre-commit hook, progress and quiet output."""

import json

import jsonschema
import pytest
import yaml
from conftest import COMPLETE, EXAMPLE, REPO, write_journal

from scalpsite.cli import main
from scalpsite.photos import images


def as_json(path):
    """A YAML file as the JSON an editor's language server validates (dates as strings)."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))


@pytest.fixture(scope="module")
def schemas():
    from click.testing import CliRunner

    runner = CliRunner()
    return {kind: json.loads(runner.invoke(main, ["schema", "--kind", kind]).output) for kind in ("session", "config")}


def test_schema_accepts_the_example_journal(schemas):
    jsonschema.validate(as_json(EXAMPLE / "scalpsite.yaml"), schemas["config"])
    sessions = sorted(EXAMPLE.glob("sessions/*/session.yaml"))
    assert len(sessions) == 13
    for path in sessions:
        jsonschema.validate(as_json(path), schemas["session"])


@pytest.mark.parametrize("bad", [
    {"densty": {"frontal": 1}}, {"salt": 140}, {"ad": {"itch": 11}}, {"ad": {"poem": [1, 2, 3]}},
    {"injection_site": "awful"}, {"side_effects": [{"severity": "mild"}]},
])
def test_schema_rejects_a_bad_session(schemas, bad):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schemas["session"])


def test_init_writes_schema_files_that_the_first_lines_point_to(runner, tmp_path):
    root = tmp_path / "j"
    assert runner.invoke(main, ["init", str(root), "--start", "2025-01-10"]).exit_code == 0
    config_line = (root / "scalpsite.yaml").read_text().splitlines()[0]
    session = next(root.glob("sessions/*/session.yaml"))
    session_line = session.read_text().splitlines()[0]
    for yaml_file, line in ((root / "scalpsite.yaml", config_line), (session, session_line)):
        target = (yaml_file.parent / line.split("$schema=")[1]).resolve()
        assert target.is_file(), line
        jsonschema.validate(as_json(yaml_file), json.loads(target.read_text()))
    assert "*.[jJ][pP][gG] filter=lfs" in (root / ".gitattributes").read_text()
    assert "same light" in (root / "README.md").read_text()


def test_new_carries_medications_over_from_the_previous_session(runner, tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE + "medications: [dupilumab 300 mg q2w, emollient]\n"})
    assert runner.invoke(main, ["new", str(root), "--date", "2025-02-07"]).exit_code == 0
    text = (root / "sessions/2025-02-07/session.yaml").read_text()
    assert 'medications: ["dupilumab 300 mg q2w", "emollient"]' in text
    assert "density: {frontal: null, crown: null}" in text and "ad: {itch: null" in text


def test_new_without_a_journal_is_an_error(runner, tmp_path):
    result = runner.invoke(main, ["new", str(tmp_path)])
    assert result.exit_code == 1 and "no scalpsite.yaml here" in result.output


def test_pre_commit_hook_runs_check():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "scalpsite-check" and hooks[0]["entry"].startswith("scalpsite check")
    assert "scalpsite-check" in (REPO / "README.md").read_text()


def test_progress_is_reported_per_photo(tmp_path):
    from conftest import tiny_photo

    for i in range(3):
        tiny_photo(tmp_path / f"{i}.jpg", size=(200, 150), shade=30 * i)
    calls = []
    images.process(tmp_path, ["0.jpg", "1.jpg", "2.jpg"], tmp_path / "cache", lambda d, t: calls.append((d, t)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_build_quiet_prints_nothing_and_normal_prints_one_summary_line(runner, journal):
    result = runner.invoke(main, ["build", str(journal), "--no-pdf", "--quiet"])
    assert result.exit_code == 0 and result.output == ""
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert result.output.startswith("Built 2 sessions, 0 photos processed, 10 from cache, 0 errors, 0 warnings -> ")
    assert len(result.output.splitlines()) == 1
