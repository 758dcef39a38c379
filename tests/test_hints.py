"""Every fix hint, applied as written, makes the finding go away (and brings no new error)."""

import pytest
from conftest import CONFIG, write_journal

from scalpsite.analysis.checks.check import check
from scalpsite.journal.load import load

AD = CONFIG  # tracks atopic dermatitis: ad: is known

# (session.yaml with the mistake, the finding's message, its hint, what the hint says to write,
#  session.yaml with the hint applied)
CASES = [
    ("medications: none\n", "medications: expected a list, got the text 'none'",
     "for none, write an empty list: medications: []", "medications: []", "medications: []\n"),
    ("medications: dupilumab\n", "medications: expected a list, got the text 'dupilumab'",
     "write it in brackets: medications: [dupilumab]", "medications: [dupilumab]", "medications: [dupilumab]\n"),
    ("side_effects: [conjunctivitis]\n",
     "side_effects[0]: expected keys (name, severity, notes), got the text 'conjunctivitis'",
     "write the item as {name: conjunctivitis}", "{name: conjunctivitis}", "side_effects: [{name: conjunctivitis}]\n"),
    ("labs: {ige: 250}\n", "labs.ige: expected keys (value, unit, range), got the number 250",
     "write it as ige: {value: 250}", "ige: {value: 250}", "labs: {ige: {value: 250}}\n"),
    ("eyebrows: 2 (gaps)\n", "eyebrows: expected a whole number, got the text '2 (gaps)'",
     "write the number alone, without a unit or %: eyebrows: 2", "eyebrows: 2", "eyebrows: 2\n"),
    ("eyebrows: no\n", "eyebrows: expected a whole number, got the text 'no'",
     ("eyebrows takes a whole number (0 to 3): Eyebrow hair (ClinRO, 0-3): 0 full coverage, 1 minimal gaps, "
      "2 significant gaps, 3 no notable eyebrows.; leave it empty (eyebrows: null) when it was not measured"),
     "eyebrows: null", "eyebrows: null\n"),
    ("eyebrows: no\n", None, None, "0 full coverage", "eyebrows: 0\n"),  # the scale, followed
    ("density: {frontal: 30%, crown: 60}\n", "density.frontal: expected a number, got the text '30%'",
     None, "frontal: 30", "density: {frontal: 30, crown: 60}\n"),
    ("expected_effects: {blepharitis: No}\n",
     "expected_effects.blepharitis: the text 'No' is not one of no, yes, mild, moderate, severe (did you mean 'no'?)",
     "write blepharitis: no", "blepharitis: no", "expected_effects: {blepharitis: no}\n"),
    ("expected_effects: {blepharitis: n}\n", None, "write blepharitis: no", "blepharitis: no",
     "expected_effects: {blepharitis: no}\n"),
    ("injection_site: Mild\n", None, "write injection_site: mild", "injection_site: mild", "injection_site: mild\n"),
    ("itch: 6\n", "unknown key 'itch' (did you mean 'ad.itch'?)", "write it as ad: {itch: 6}", "ad: {itch: 6}",
     "ad: {itch: 6}\n"),
    ("ad: {easi: 3}\nitch: 6\n", "unknown key 'itch' (did you mean 'ad.itch'?)", "move it into ad: as itch",
     "as itch", "ad: {easi: 3, itch: 6}\n"),
    ("vellus_pct: 30\n", "unknown key 'vellus_pct' (did you mean 'hair_quality.vellus_pct'?)",
     "write it as hair_quality: {vellus_pct: 30}", "hair_quality: {vellus_pct: 30}", "hair_quality: {vellus_pct: 30}\n"),
    ("densty: {frontal: 1}\n", "unknown key 'densty' (did you mean 'density'?)", None, "density",
     "density: {frontal: 1}\n"),
    ("hair_quality: {vellus_pct: 0.3}\n", "hair_quality.vellus_pct: 0.3 looks like a fraction",
     "for 30 %, write vellus_pct: 30", "vellus_pct: 30", "hair_quality: {vellus_pct: 30}\n"),
    ("psychosocial_impact: 6.0\n", None, None, None, "psychosocial_impact: 6.0\n"),  # no finding to fix
]


def _findings(tmp_path, name: str, text: str) -> list:
    root = write_journal(tmp_path / name, {"2025-01-06": text}, config=AD)
    path = "sessions/2025-01-06/session.yaml"
    return [f for f in check(load(root)) if f.path == path and f.code not in COMPLETENESS]


# What a one-line session is missing anyway: not what the hints are about.
COMPLETENESS = {"missing-salt", "missing-density", "missing-itch", "missing-ad-score", "side-effects-not-recorded",
                "injection-site-not-recorded"}


@pytest.mark.parametrize("bad, message, hint, says, fixed", CASES)
def test_a_hint_applied_makes_the_finding_go(tmp_path, bad, message, hint, says, fixed):
    found = _findings(tmp_path, "bad", bad)
    if message is None and hint is None and says is None:
        assert found == []
        return
    [f] = found
    assert message is None or f.message.startswith(message), f.message
    assert hint is None or f.hint == hint, f.hint
    assert says is None or says in f.hint, f.hint
    assert _findings(tmp_path, "fixed", fixed) == [], fixed


def test_the_unknown_key_hint_lists_known_keys_when_nothing_is_near(tmp_path):
    [f] = _findings(tmp_path, "j", "zzz: 1\n")
    assert f.message == "unknown key 'zzz'" and f.hint.startswith("known keys here: ad, adct,")
