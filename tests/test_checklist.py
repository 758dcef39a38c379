"""Issue 14 item 3 and issue 15 item 3: the session template asks each expected effect and
pre-fills nothing; check reads the answers; an unfilled template reads as "not asked"."""

import json

import yaml
from conftest import COMPLETE, write_journal

from scalpsite.analysis.analyze import analyze
from scalpsite.cli import main
from scalpsite.journal.load import load


def test_new_lists_each_expected_effect_and_prefills_no_none(runner, tmp_path):
    """Items 14.3/15.3: no `side_effects: none`, no `injection_site: none`; every effect left empty."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    assert runner.invoke(main, ["new", str(root), "--date", "2025-02-07"]).exit_code == 0
    text = (root / "sessions/2025-02-07/session.yaml").read_text()
    assert "side_effects: none" not in text and "injection_site:" not in text
    doc = yaml.safe_load(text)
    assert doc["expected_effects"] == {k: None for k in ("conjunctivitis", "blepharitis", "injection_site_reaction",
                                                         "facial_erythema", "oral_herpes", "headache", "joint_pain",
                                                         "eosinophilia", "new_aa_patches")}
    assert doc["side_effects"] is None and doc["eyebrows"] is None and doc["adct"] is None


def test_an_unfilled_template_reads_as_not_asked_never_none(runner, tmp_path):
    """A session made by `new` and left as it is answers nothing, and is counted nowhere: it records
    nothing yet. A blanket 'side_effects: none' on treatment is no effect's absence."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-01-20": COMPLETE})
    runner.invoke(main, ["new", str(root), "--date", "2025-02-07"])
    data = analyze(load(root)).model_dump(mode="json")
    template = data["sessions"][2]
    assert set(template["expected_effects"].values()) == {None} and template["recorded"] is False
    assert data["summary"]["latest_folder"] == "2025-01-20" and data["summary"]["empty_sessions"] == ["2025-02-07"]
    # one session on treatment (2025-01-20; the baseline is before the start): its `side_effects: none`
    # answers no effect; its `injection_site: none` answers the injection-site reaction
    rows = {r["key"]: (r["sessions"], r["not_asked"], r["absent"]) for r in data["effect_checklist"]}
    assert rows.pop("injection_site_reaction") == (1, 0, 1) and set(rows.values()) == {(1, 1, 0)}
    assert '"none" volunteered at 1' in data["effect_checklist_text"]
    found = json.loads(runner.invoke(main, ["check", str(root), "--format", "json", "--as-of", "2025-02-07"]).output)
    codes = {f["code"] for f in found["findings"] if f["path"] == "sessions/2025-02-07/session.yaml"}
    assert "side-effects-not-recorded" in codes


def test_check_names_unknown_effects_and_contradictions(runner, tmp_path):
    """Item 15.3: a key not on the checklist (did-you-mean), and 'no' contradicted by the side-effect list."""
    later = (COMPLETE.replace("side_effects: none", "side_effects: [{name: headache}]")
             + "expected_effects: {headache: no, conjunctivitus: mild}\n")
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": later})
    found = json.loads(runner.invoke(main, ["check", str(root), "--format", "json", "--as-of", "2025-03-03"]).output)
    got = {f["code"]: (f["line"], f["message"]) for f in found["findings"] if f["code"] in ("unknown-effect", "effect-conflict")}
    assert got == {
        "unknown-effect": (6, ("expected_effects: 'conjunctivitus' is not on the treatment's checklist "
                               "(did you mean 'conjunctivitis'?)")),
        "effect-conflict": (6, "expected_effects.headache is 'no', but the session reports it (yes)"),
    }


def test_answering_the_checklist_is_enough(runner, tmp_path):
    """Item 15.3: a session that answers the checklist needs neither side_effects nor injection_site."""
    answered = (COMPLETE.replace("injection_site: none\nside_effects: none\n", "")
                + "expected_effects: {conjunctivitis: no, injection_site_reaction: mild}\n")
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": answered}, photos=True)
    found = json.loads(runner.invoke(main, ["check", str(root), "--format", "json", "--as-of", "2025-03-03"]).output)
    assert not [f for f in found["findings"] if f["path"].startswith("sessions/2025-03-03")]


def test_whether_side_effects_were_asked_is_one_rule_on_every_page(runner, tmp_path):
    """The list (or none) or a checklist answer: asked. A session with checklist answers only was
    'None reported.' on its page but empty in the CSV; one whose checklist reported an effect under a
    blanket 'none' was 'none' in the CSV. The pages, the CSV, the completeness count and check now
    read one rule (side_effects_asked); `injection_site:` alone is the injection site's own record."""
    base = "salt: 30\ndensity: {frontal: 120, crown: 60}\n"
    root = write_journal(tmp_path / "j", {
        "2025-01-06": base + "side_effects: none\n",
        "2025-02-03": base + "expected_effects: {conjunctivitis: 'no'}\n",  # checklist answers only
        "2025-03-03": base + "side_effects: none\nexpected_effects: {eosinophilia: 'yes'}\n",
        "2025-04-07": base + "injection_site: none\n"})  # nothing about side effects but the site
    assert runner.invoke(main, ["build", str(root), "--no-pdf"]).exit_code in (0, 1)
    data = json.loads((root / "_site/data.json").read_text())
    assert [s["side_effects_asked"] for s in data["sessions"]] == [True, True, True, False]
    rows = runner.invoke(main, ["export", str(root), "--format", "csv"]).output.splitlines()[1:]
    header = runner.invoke(main, ["export", str(root), "--format", "csv"]).output.splitlines()[0].split(",")
    cells = [row.split(",")[header.index("side_effects")] for row in rows]
    assert cells == ["none", "none", "Eosinophilia", ""]
    pages = [(root / f"_site/sessions/{d}.html").read_text() for d in ("2025-02-03", "2025-04-07")]
    assert "None reported." in pages[0] and "Not recorded." in pages[1] and "None reported." not in pages[1]
    asked = next(r for r in data["completeness"]["recorded"] if r["key"] == "side_effects")
    assert (asked["sessions"], asked["of"]) == (2, 3)  # the three on treatment; the last one not asked
    found = json.loads(runner.invoke(main, ["check", str(root), "--format", "json"]).output)
    silent = {f["path"] for f in found["findings"] if f["code"] == "side-effects-not-recorded"}
    assert silent == {"sessions/2025-04-07/session.yaml"}
