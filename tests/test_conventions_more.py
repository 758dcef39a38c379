"""Command-line conventions a newcomer expects: pipes, init in a git folder, brand names, -V."""

import json
import os
import subprocess
import sys

import pytest
from conftest import COMPLETE, write_journal

from scalpsite.analysis.analyze import analyze
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
