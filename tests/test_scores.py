"""Worked examples for every score of docs/clinical-definitions.md, band boundaries included."""

import pytest

from scalpsite.analysis import scores
from scalpsite.analysis.measurevalues import derived_of


@pytest.mark.parametrize("regions, expected", [
    ({"top": 0, "back": 0, "left": 0, "right": 20}, 3.6),  # Olsen 2004's weights; the example of docs/clinical-definitions.md
    ({"top": 100, "back": 100, "left": 100, "right": 100}, 100.0),
    ({"top": 0, "back": 0, "left": 0, "right": 0}, 0.0),
    ({"top": 60, "back": 30, "left": 20, "right": 25}, 39.3),  # 24 + 7.2 + 3.6 + 4.5
    ({"top": 50, "back": 0, "left": 0, "right": 0}, 20.0),
    ({"top": 33, "back": 33, "left": 0, "right": 0}, 21.12),
])
def test_salt_total(regions, expected):
    assert scores.salt_total(regions) == pytest.approx(expected)


@pytest.mark.parametrize("salt, cls", [
    (None, None), (0, "S0"), (0.1, "S1"), (24.9, "S1"), (25, "S2"), (49.9, "S2"), (50, "S3"),
    (74.9, "S3"), (75, "S4"), (99.9, "S4"), (100, "S5"),
])
def test_salt_class(salt, cls):
    assert derived_of("salt", salt)["salt_class"] == cls


@pytest.mark.parametrize("salt, iga", [
    (None, None), (0, 0), (0.5, 1), (20, 1), (20.4, 2), (49.9, 2), (50, 3), (94.9, 3), (95, 4), (100, 4),
])
def test_aa_iga_half_open_bins(salt, iga):
    assert derived_of("salt", salt)["aa_iga"] == iga


@pytest.mark.parametrize("base, cur, change, improvement", [
    (50, 25, -25, 50.0), (50, 50, 0, 0.0), (40, 44, 4, -10.0), (0, 10, 10, None),
    (None, 10, None, None), (50, None, None, None),
])
def test_change_and_relative_improvement(base, cur, change, improvement):
    assert scores.change(base, cur) == change
    assert scores.improvement_pct(base, cur) == improvement


@pytest.mark.parametrize("pct, area", [
    (0, 0), (0.5, 1), (1, 1), (9, 1), (9.9, 1), (10, 2), (29, 2), (30, 3), (49, 3), (50, 4),
    (69, 4), (70, 5), (89, 5), (90, 6), (100, 6),
])
def test_easi_area_score(pct, area):
    assert scores.easi_area_score(pct) == area


DESIGN_EASI = {  # the EASI example of docs/clinical-definitions.md (5.2; 5.8 under 8)
    "head_neck": {"area_pct": 15, "erythema": 2, "oedema": 1, "excoriation": 1, "lichenification": 0},
    "upper_limbs": {"area_pct": 40, "erythema": 2, "oedema": 2, "excoriation": 1, "lichenification": 1},
    "trunk": {"area_pct": 0},
    "lower_limbs": {"area_pct": 5, "erythema": 1, "oedema": 1, "excoriation": 0, "lichenification": 0},
}


@pytest.mark.parametrize("child, expected", [
    (False, 5.2),  # 4·2·0.1 + 6·3·0.2 + 0 + 2·1·0.4
    (True, 5.8),   # 4·2·0.2 + 6·3·0.2 + 0 + 2·1·0.3
])
def test_easi_total_adult_and_child_weights(child, expected):
    assert scores.easi_total(DESIGN_EASI, child=child) == pytest.approx(expected)


def test_easi_half_points_and_maximum():
    half = {r: {"area_pct": 10, "erythema": 0.5, "oedema": 0.5, "excoriation": 0, "lichenification": 0}
            for r in scores.EASI_WEIGHTS_ADULT}
    assert scores.easi_total(half) == pytest.approx(2.0)  # 1 · 2 · (0.1 + 0.2 + 0.3 + 0.4)
    full = {r: {"area_pct": 100, **{s: 3 for s in scores.EASI_SIGNS}} for r in scores.EASI_WEIGHTS_ADULT}
    assert scores.easi_total(full) == pytest.approx(72.0)


@pytest.mark.parametrize("score, band", [
    (None, None), (0, "clear"), (0.1, "almost clear"), (1.0, "almost clear"), (1.1, "mild"),
    (7.0, "mild"), (7.1, "moderate"), (21.0, "moderate"), (21.1, "severe"), (50.0, "severe"),
    (50.1, "very severe"), (72, "very severe"),
])
def test_easi_bands(score, band):
    assert scores.easi_band(score) == band


@pytest.mark.parametrize("answers, total", [
    ([2, 3, 1, 0, 4, 2, 1], 13), ([4] * 7, 28), ([0] * 7, 0),
    ([2, 3, None, 0, 4, 2, 1], 12),  # one missing counts 0
    ([2, None, None, 0, 4, 2, 1], None),  # two missing: no score
    ([None] * 7, None),
])
def test_poem_missing_answer_rule(answers, total):
    assert scores.answers_total(answers) == total


@pytest.mark.parametrize("score, band", [
    (None, None), (0, "clear or almost clear"), (2, "clear or almost clear"), (3, "mild"), (7, "mild"),
    (8, "moderate"), (16, "moderate"), (17, "severe"), (24, "severe"), (25, "very severe"), (28, "very severe"),
])
def test_poem_bands(score, band):
    assert scores.poem_band(score) == band


@pytest.mark.parametrize("score, band", [
    (0, "no effect"), (1, "no effect"), (2, "small effect"), (5, "small effect"), (6, "moderate effect"),
    (10, "moderate effect"), (11, "very large effect"), (20, "very large effect"),
    (21, "extremely large effect"), (30, "extremely large effect"),
])
def test_dlqi_bands(score, band):
    assert scores.dlqi_band(score) == band


@pytest.mark.parametrize("base, cur, met", [(8, 4, True), (8, 5, False), (8, 0, True), (None, 3, None)])
def test_itch_four_point_rule(base, cur, met):
    assert scores.reduced_by(base, cur, scores.ITCH_MEANINGFUL) == met


@pytest.mark.parametrize("days, phase", [
    (None, None), (-4, "observation"), (0, "observation"), (91, "observation"), (92, "response_window"),
    (182, "response_window"), (183, "continued_assessment"), (365, "continued_assessment"),
    (366, "maintenance"),
])
def test_phase_from_days_on_treatment(days, phase):
    assert scores.phase(days) == phase


@pytest.mark.parametrize("base, cur, pct", [(120, 132, 10.0), (60, 45, -25.0), (0, 5, None)])
def test_density_change_pct(base, cur, pct):
    assert scores.change_pct(base, cur) == pct
