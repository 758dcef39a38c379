"""Issue 16: what the photo evidence means, as pure functions (data.json fields, findings, words)."""

from __future__ import annotations

import pytest
from conftest import COMPLETE, write_journal

from scalpsite.analysis import photoevidence as pe
from scalpsite.analysis.scores import salt_total
from scalpsite.journal.load import load
from scalpsite.journal.configmodel import Config

CONFIG = Config(treatments=[{"drug": "dupilumab", "start": "2025-01-10"}])
VIEWS = {"overhead": "top", "back": "back", "left": "left", "right": "right"}
GOOD = {"dx_pct": 1.0, "dy_pct": -0.5, "rotation_deg": 2.0, "scale": 1.02, "confidence": 0.9}


def facts(folder, angle, loss=None, alignment=None, reference=False, card=None):
    return {"folder": folder, "angle": angle, "reference": f"sessions/base/{angle}.jpg",
            "is_reference": reference, "alignment": alignment, "card_lab": card,
            "mask": None if loss is None else {"loss_pct": loss}}


def session(folder, losses: dict, alignment=None, reference=False):
    photos = {a: f"sessions/{folder}/{a}.jpg" for a in ("overhead", "front", "back", "left", "right")}
    evidence = {p: facts(folder, a, losses.get(a), alignment, reference) for a, p in photos.items()}
    return {"folder": folder, "date": "2025-03-03", "baseline": False, "photos": photos}, evidence


@pytest.mark.parametrize("losses, regions, total", [
    ({"overhead": 60, "back": 30, "left": 20, "right": 25}, {"top": 60, "back": 30, "left": 20, "right": 25},
     salt_total({"top": 60, "back": 30, "left": 20, "right": 25})),
    ({"overhead": 60}, {"top": 60, "back": None, "left": None, "right": None}, None),
    ({"front": 40}, None, None),  # the front view has no SALT weight
    ({}, None, None),
])
def test_photo_salt_from_the_four_masked_views(losses, regions, total):
    """Issue 16 item 1: photo_salt_regions (null where no mask) and photo_salt (all four or null)."""
    s, evidence = session("2025-03-03", losses)
    pe.add_photo_fields([s], CONFIG, evidence)
    assert s["photo_salt_regions"] == regions
    assert s["photo_salt"] == total


def test_salt_views_are_configurable():
    """Issue 16 item 1: journals with other angle names map them to the SALT regions."""
    config = Config(treatments=[{"drug": "x", "start": "2025-01-10"}],
                    photos={"angles": ["crown", "nape", "l", "r"],
                            "salt_regions": {"crown": "top", "nape": "back", "l": "left", "r": "right"}})
    photos = {a: f"sessions/x/{a}.jpg" for a in config.photos.angles}
    evidence = {p: facts("x", a, 10.0) for a, p in photos.items()}
    s = {"folder": "x", "date": "2025-03-03", "baseline": True, "photos": photos}
    pe.add_photo_fields([s], config, evidence)
    assert s["photo_salt"] == 10.0


@pytest.mark.parametrize("alignment, reference, aligned", [
    (GOOD, False, "photos/2025-03-03/back.aligned.jpg"),
    ({**GOOD, "confidence": 0.3}, False, None),  # not reliable: the comparisons show the photo as taken
    (None, False, None),  # nothing to align on
    (None, True, None),  # the reference itself
])
def test_alignment_and_aligned_rendition_fields(alignment, reference, aligned):
    """Issue 16 item 2: alignment.<angle> and photos_aligned.<angle> in data.json."""
    s, evidence = session("2025-03-03", {}, alignment, reference)
    pe.add_photo_fields([s], CONFIG, evidence)
    assert s["photos_aligned"]["back"] == aligned
    expected = {"dx_pct": 0.0, "dy_pct": 0.0, "rotation_deg": 0.0, "scale": 1.0, "confidence": 1.0} \
        if reference else alignment
    assert s["alignment"]["back"] == expected


@pytest.mark.parametrize("change, words", [
    ({"rotation_deg": 12.3}, "turned 12° counter-clockwise (limit 10°)"),
    ({"rotation_deg": -10.6}, "turned 11° clockwise (limit 10°)"),
    ({"scale": 1.2}, "taken from further away: scaled by 1.20 to match (limits 0.85-1.15)"),
    ({"scale": 0.8}, "taken from closer: scaled by 0.80 to match (limits 0.85-1.15)"),
    ({"dx_pct": 12.0, "dy_pct": 10.0}, "shifted by 16 % of the width (limit 15 %)"),
    ({"confidence": 0.41}, "cannot be aligned with confidence (0.41, below 0.6): it may show another view, "
                           "or much less of the head"),
])
def test_framing_drift_beyond_each_limit(change, words):
    """Issue 16 item 2: check reports rotation > 10°, scale outside 0.85-1.15, shift > 15 %, low confidence."""
    t = {"dx_pct": 0.0, "dy_pct": 0.0, "rotation_deg": 0.0, "scale": 1.0, "confidence": 0.9, **change}
    (f,) = pe.framing("sessions/x/back.jpg", "back", t, "2025-01-06")
    assert f.code == "framing-drift" and f.path == "sessions/x/back.jpg"
    assert f.message == f"back photo framed unlike the baseline (2025-01-06): {words}"
    assert "ghost image" in f.hint


@pytest.mark.parametrize("t", [
    {"dx_pct": 10.0, "dy_pct": 11.0, "rotation_deg": -10.0, "scale": 0.85, "confidence": 0.6},
    {"dx_pct": 0.0, "dy_pct": 0.0, "rotation_deg": 9.9, "scale": 1.15, "confidence": 0.99},
])
def test_framing_within_the_limits_is_not_reported(t):
    assert pe.framing("p", "back", t, "b") == []


@pytest.fixture
def journal(tmp_path):
    """A one-session journal (SALT entered: 39.3) with a photo per angle."""
    return load(write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True))


def test_grey_card_difference_from_the_baselines_card(journal):
    """Issue 16 item 4: CIEDE2000 of the card against the baseline's; over 5 is reported."""
    base = facts("base", "overhead", reference=True, card=[50.0, 0.0, 0.0])
    near = facts("x", "overhead", card=[52.0, 1.0, 1.0])
    far = facts("y", "overhead", card=[58.0, 6.0, 9.0])
    evidence = {"sessions/base/overhead.jpg": base, "sessions/x/overhead.jpg": near, "sessions/y/overhead.jpg": far}
    found = [f for f in pe.evidence_findings(journal, evidence) if f.code == "grey-card-drift"]
    assert [f.path for f in found] == ["sessions/y/overhead.jpg"]
    assert found[0].message.startswith("the grey card differs from the baseline's (base) by ΔE00 ")
    assert found[0].message.endswith(" (limit 5): the light has changed")


@pytest.mark.parametrize("losses, reported", [
    ({"overhead": 60, "back": 30, "left": 20, "right": 25}, False),  # as entered (COMPLETE: 39.3)
    ({"overhead": 85, "back": 40, "left": 30, "right": 35}, True),  # 10 + points apart
])
def test_measured_salt_far_from_the_entered_one_is_reported(journal, losses, reported):
    """Issue 16 item 1: a finding when measured and entered SALT differ by more than 10 points."""
    rec = journal.sessions[0]
    evidence = {p: facts(rec.folder, a, losses.get(a), reference=True) for a, p in rec.photos.items()}
    found = [f for f in pe.evidence_findings(journal, evidence) if f.code == "salt-disagrees"]
    if not reported:
        assert found == []
        return
    (f,) = found
    assert f.path == "sessions/2025-01-06/session.yaml" and f.line == 1
    assert f.message == "SALT entered 39.3, measured from the masks 55.3: 16.0 points apart (limit 10)"


@pytest.mark.parametrize("alignment, reference, kind, start", [
    (GOOD, False, "aligned", "aligned to the reference photo: turned 2.0° clockwise, scaled ×1.02, moved 1.1 %"),
    ({**GOOD, "confidence": 0.3}, False, "original", "as taken: the alignment is not reliable (confidence 0.30"),
    (None, True, "reference", "the reference"),
])
def test_framing_words_say_which_rendition_is_shown(alignment, reference, kind, start):
    """Issue 16 item 2: the comparisons say whether they show the photo aligned or as taken."""
    s, evidence = session("2025-03-03", {}, alignment, reference)
    pe.add_photo_fields([s], CONFIG, evidence)
    label = s["framing"]["back"]
    assert label["kind"] == kind and label["text"].startswith(start)


def test_photo_evidence_summary_and_limits():
    """Issue 16 item 1: the measured SALT at baseline and latest, and the limits the definitions print."""
    base, ev1 = session("base", {"overhead": 60, "back": 30, "left": 20, "right": 25}, reference=True)
    base.update(folder="base", date="2025-01-06", baseline=True)
    later, ev2 = session("2025-03-03", {"overhead": 40, "back": 20, "left": 10, "right": 15}, GOOD)
    pe.add_photo_fields([base, later], CONFIG, {**ev1, **ev2})
    summary = pe.photo_evidence([base, later])
    assert summary["measured"] and summary["baseline"] == base["photo_salt"]
    assert summary["latest"] == later["photo_salt"] and summary["latest_date"] == "2025-03-03"
    assert summary["limits"]["confident"] == 0.6 and summary["limits"]["scale"] == [0.85, 1.15]
    assert later["mask_loss"]["overhead"] == 40 and later["framing"]["back"]["kind"] == "aligned"
