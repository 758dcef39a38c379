"""Command-line conventions a newcomer expects: pipes, init in a git folder, brand names, -V."""

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import COMPLETE, REPO, write_journal

import scalpsite
from scalpsite.analysis.analyze import analyze
from scalpsite.analysis.checks.check import check
from scalpsite.cli import main
from scalpsite.journal.effects import checklist
from scalpsite.journal.load import load


def _closed_reader(args: list[str]) -> subprocess.CompletedProcess:
    """Run scalpsite with its standard output a pipe whose reader has already gone (`| head -0`)."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "scalpsite", *args], stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    finally:
        os.close(write)
    return proc


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`scalpsite check | head -1`: no 'internal error', no traceback, whatever the timing."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE + "densty: 1\n", "2025-02-03": COMPLETE})
    for args in (["check", str(root), "--as-of", "2025-02-07"], ["export", str(root), "--format", "csv"],
                 ["schema", "--kind", "data"]):
        proc = _closed_reader(args)
        assert proc.stderr == "", (args, proc.stderr)
        assert proc.returncode == 1, args


def test_init_here_in_a_git_folder_keeps_the_dotfiles_there(runner, tmp_path, monkeypatch):
    """`git init && scalpsite init`: the current folder by default; .git and a .gitignore are kept."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / ".gitignore").write_text("*.tmp\n")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["init", "--start", "2025-01-10"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "scalpsite.yaml").is_file() and (tmp_path / "sessions/2025-01-10/session.yaml").is_file()
    assert (tmp_path / ".gitignore").read_text() == "*.tmp\n"
    assert (tmp_path / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert ("Kept your .gitignore as it was; add _site/, _bundle.html and .scalpsite-cache/ to it"
            in result.output)
    assert (tmp_path / ".gitattributes").is_file() and (tmp_path / ".vscode/settings.json").is_file()


@pytest.mark.parametrize("present, message", [
    (["notes.txt"], "is not empty (notes.txt)"),
    (["a", "b", "c", "d"], "is not empty (a, b, c, ...)"),
])
def test_init_refuses_a_folder_with_files_of_its_own(runner, tmp_path, present, message):
    """Anything that is not a dotfile may be someone's work: refused, and nothing is written."""
    for name in present:
        (tmp_path / name).write_text("mine\n")
    result = runner.invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1 and message in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(present)


def test_init_never_writes_through_a_linked_dotfolder(runner, tmp_path):
    """A .vscode that links elsewhere is kept, and nothing is written where it points."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "j"
    root.mkdir()
    (root / ".vscode").symlink_to(elsewhere, target_is_directory=True)
    result = runner.invoke(main, ["init", str(root), "--start", "2025-01-10"])
    assert result.exit_code == 0, result.output
    assert list(elsewhere.iterdir()) == [] and "Kept your .vscode/settings.json as it was" in result.output


@pytest.mark.parametrize("drug", ["Dupixent", "DUPIXENT", "dupilumab", "  Dupilumab "])
def test_brand_and_case_find_the_dupilumab_preset(runner, tmp_path, drug):
    """The drug as typed is kept; the preset (schedule, dosing, checklist, usual dose) is found."""
    root = tmp_path / "j"
    result = runner.invoke(main, ["init", str(root), "--start", "2025-01-10", "--drug", drug])
    assert result.exit_code == 0, result.output
    assert "with the dupilumab preset" in result.output
    config = load(root).require_config()
    [treatment] = config.treatments
    assert treatment.drug == drug and treatment.schedule == "dupilumab"
    assert (treatment.dosing.interval_days, treatment.dosing.loading_doses) == (14, 2)
    assert [e.key for e in checklist(treatment)][:2] == ["conjunctivitis", "blepharitis"]
    later = COMPLETE.replace("side_effects: none\n", "") + "expected_effects: {conjunctivitis: no, headache: mild}\n"
    (root / "sessions/2025-02-07").mkdir()
    (root / "sessions/2025-02-07/session.yaml").write_text(later)
    found = json.loads(runner.invoke(main, ["check", str(root), "--format", "json", "--as-of", "2025-02-07"]).output)
    assert "unknown-effect" not in {f["code"] for f in found["findings"]}
    rows = {r["key"]: r for r in analyze(load(root)).model_dump(mode="json")["effect_checklist"]}
    assert rows["conjunctivitis"]["absent"] == 1 and rows["headache"]["reported"] == 1
    assert runner.invoke(main, ["new", str(root), "--injection", "--date", "2025-02-07"]).exit_code == 0
    assert "300" in (root / "injections.csv").read_text().splitlines()[1]


def test_a_drug_without_a_preset_says_so(runner, tmp_path):
    result = runner.invoke(main, ["init", str(tmp_path / "j"), "--drug", "baricitinib: 4 mg"])
    assert result.exit_code == 0, result.output
    assert "with no preset" in result.output
    assert load(tmp_path / "j").require_config().treatments[0].drug == "baricitinib: 4 mg"


def test_every_drug_with_a_preset_has_its_brand_names():
    """Brand names are known for every preset: dosing, checklist and usual dose."""
    from scalpsite.journal.effects import PRESETS
    from scalpsite.journal.treatment import BRANDS, DOSE_MG_PRESETS, DOSING_PRESETS, generic

    for drug in {*PRESETS, *DOSING_PRESETS, *DOSE_MG_PRESETS}:
        assert drug in BRANDS.values(), drug
        assert generic(drug.upper()) == drug
    assert all(generic(brand.title()) == drug for brand, drug in BRANDS.items())


@pytest.mark.parametrize("args", [["-V"], ["--version"], ["version"]])
def test_version_three_ways(runner, args):
    result = runner.invoke(main, args)
    assert result.exit_code == 0 and result.output == f"scalpsite, version {scalpsite.__version__}\n"


def test_license_changelog_and_pyproject_agree():
    """pyproject says MIT: the repository carries the licence text, and a changelog of this version."""
    assert 'license = "MIT"' in (REPO / "pyproject.toml").read_text()
    assert (REPO / "LICENSE").read_text().startswith("MIT License\n")
    changelog = (REPO / "CHANGELOG.md").read_text()
    assert f"## [{scalpsite.__version__}]" in changelog and "## [Unreleased]" in changelog


@pytest.mark.parametrize("where", ["sessions/2025-01-06/session.yaml", "sessions/2025-01-06", "scalpsite.yaml",
                                   "sessions"])
def test_check_a_path_inside_a_journal_checks_that_journal(runner, tmp_path, monkeypatch, where):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE + "densty: 1\n"})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", f"j/{where}", "--format", "gnu", "-q"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith("error: unknown key 'densty' (did you mean 'density'?) [unknown-key]")
    assert (root / "scalpsite.yaml").is_file()


def test_check_a_file_outside_any_journal_names_it(runner, tmp_path):
    (tmp_path / "notes.txt").write_text("x\n")
    result = runner.invoke(main, ["check", str(tmp_path / "notes.txt")])
    assert result.exit_code == 1 and "no scalpsite.yaml" in result.output and "Traceback" not in result.output


def test_export_with_errors_says_so_on_stderr_and_exits_1(tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-02-03": COMPLETE + "itch: 6\n"})
    result = CliRunner().invoke(main, ["export", str(root), "--format", "csv"])
    assert result.exit_code == 1
    assert result.stdout.startswith("folder,") and len(result.stdout.splitlines()) == 3  # still written
    assert "sessions/2025-02-03/session.yaml:6: unknown key 'itch'" in result.stderr
    assert "The export leaves out what has errors" in result.stderr
    clean = CliRunner().invoke(main, ["export", str(write_journal(tmp_path / "k", {"2025-01-06": COMPLETE}))])
    assert clean.exit_code == 0 and clean.stderr == ""


WHOLE_FIELDS = ["psychosocial_impact", "eyebrows", "pgic", "dlqi"]


@pytest.mark.parametrize("value", ["6", "6.0", "2.0", "6.5", "'6'", "true", "11", "-1", "1e1"])
@pytest.mark.parametrize("key", WHOLE_FIELDS)
def test_the_editor_schema_and_check_agree_on_whole_numbers(tmp_path, key, value):
    """What the editor's JSON Schema accepts, check accepts, and the other way round (6.0 is 6)."""
    import jsonschema

    from scalpsite.journal.editors import schema
    from scalpsite.journal.yamlsource import parse_yaml

    text = f"{key}: {value}\n"
    data = parse_yaml(text, "session.yaml").data  # YAML 1.2, as the editors read it
    by_schema = jsonschema.Draft202012Validator(schema("session")).is_valid(data)
    root = write_journal(tmp_path / "j", {"2025-01-06": text})
    by_check = not [f for f in load(root).findings if f.level.value == "error"]
    assert by_schema == by_check, (text, by_schema, by_check)


@pytest.mark.parametrize("text, message, hint", [
    ("density: {frontal: 1000, crown: 60}", "density.frontal: 1000 is more than a scalp has", "check the reading"),
    ("hair_quality: {vellus_pct: 0.3}", "hair_quality.vellus_pct: 0.3 looks like a fraction, but the scale is 0-100",
     "for 30 %, write vellus_pct: 30"),
])
def test_implausible_values_are_warned_about(tmp_path, text, message, hint):
    root = write_journal(tmp_path / "j", {"2025-01-06": text + "\n"})
    [f] = [f for f in check(load(root)) if f.code == "implausible-value"]
    assert f.level.value == "warning" and f.line == 1 and f.message.startswith(message) and hint in f.hint


@pytest.mark.parametrize("text", ["density: {frontal: 300, crown: 0}", "hair_quality: {vellus_pct: 0}",
                                  "hair_quality: {vellus_pct: 1}", "hair_quality: {vellus_pct: 30}"])
def test_plausible_values_pass(tmp_path, text):
    root = write_journal(tmp_path / "j", {"2025-01-06": text + "\n"})
    assert "implausible-value" not in {f.code for f in check(load(root))}


def test_the_plausibility_rule_lives_with_the_range():
    """The mark sits on the field's type, beside its bounds: one place for each rule."""
    from scalpsite.analysis.checks.plausibility import marks
    from scalpsite.journal.fieldtypes import Reading
    from scalpsite.journal.models import HairQuality

    assert [m.high for m in marks(Reading)] == [500]
    assert [m.fraction for m in marks(HairQuality.model_fields["vellus_pct"].annotation)] == [True]


def test_duplicate_injections_are_a_warning(tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    (root / "injections.csv").write_text(
        "date,drug,dose_mg,site,reaction,note\n"
        "2025-01-10,dupilumab,300,thigh_left,,\n2025-01-10,Dupixent,300,thigh_right,,\n"
        "2025-01-24,dupilumab,300,abdomen_left,,\n2025-01-24,DUPILUMAB,300,abdomen_left,,\n")
    found = [f for f in check(load(root), dt.date(2025, 1, 30)) if f.code.startswith("injection-")]
    assert [(f.code, f.line, f.message) for f in found] == [
        ("injection-duplicate", 5, "injection on 2025-01-24: the same drug and site as line 4 (a row logged twice?)")]


def test_mask_start_completes_session_names(tmp_path, monkeypatch):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-02-03": COMPLETE, "2026-01-05": COMPLETE})
    monkeypatch.chdir(root)
    env = {**os.environ, "COMP_WORDS": "scalpsite mask start 2025-", "COMP_CWORD": "3",
           "_SCALPSITE_COMPLETE": "bash_complete"}
    done = subprocess.run([sys.executable, "-c", "from scalpsite.cli import main; main(prog_name='scalpsite')"],
                          env=env, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["plain,2025-01-06", "plain,2025-02-03"]


@pytest.mark.parametrize("fmt", ["gnu", "github"])
def test_quiet_machine_formats_print_errors_and_count_warnings(tmp_path, fmt):
    """What the pre-commit hook shows: the errors, and one line counting the warnings left out."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-01-20": COMPLETE + "densty: 1\n"})
    result = CliRunner().invoke(main, ["check", str(root), "--format", fmt, "-q", "--as-of", "2025-01-21"])
    assert result.exit_code == 1
    assert [line for line in result.stdout.splitlines() if "warning" in line] == []
    assert "unknown key 'densty'" in result.stdout
    assert result.stderr == "5 warnings not shown (scalpsite check lists them)\n"
    clean = CliRunner().invoke(main, ["check", str(write_journal(tmp_path / "k", {"2025-01-06": COMPLETE}, photos=True)),
                                      "--format", fmt, "-q", "--as-of", "2025-01-07"])
    assert clean.exit_code == 0 and clean.output == ""
