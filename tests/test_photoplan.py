"""Which photos the outputs show, decided in the analysis (analysis/photoplan.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from conftest import fixture_script

from scalpsite.analysis.photoplan import angle_pick, photo_plan


def shot(*folders_with_photo: str, angle: str = "front") -> list[SimpleNamespace]:
    """Sessions a..e in date order; those named have a photo of `angle`."""
    return [SimpleNamespace(folder=f, photos={angle: f"sessions/{f}/{angle}.jpg"} if f in folders_with_photo else {})
            for f in "abcde"]


RENDERED = {f"sessions/{f}/front.jpg" for f in "abcde"}


@pytest.mark.parametrize("photos, baseline, rendered, expected", [
    ("abcde", "a", RENDERED, ("a", "e")),                     # baseline and latest
    ("bcd", "a", RENDERED, ("b", "d")),                       # no baseline photo: the first one
    ("c", "a", RENDERED, ("c", None)),                        # one photo: nothing to compare it with
    ("", "a", RENDERED, (None, None)),                        # no photo of the angle
    ("abcde", "a", RENDERED - {"sessions/e/front.jpg"}, ("a", "d")),  # an unreadable photo has no rendition
    ("abcde", None, RENDERED, ("a", "e")),                    # no baseline yet
])
def test_angle_pick(photos, baseline, rendered, expected):
    pick = angle_pick(shot(*photos), "front", baseline, rendered)
    assert (pick.baseline, pick.latest) == expected


def test_the_plan_of_the_fixture_journal():
    """The plan the site and the dossier share: the comparison, the timeline, each angle's pair."""
    view = fixture_script().view_for(None, count=5)
    data = view.data
    plan = photo_plan(data, {p for s in data.sessions for p in s.photos.values()})
    assert [(c.role, c.folder) for c in plan.comparison] == [
        ("Baseline", "2025-01-06"), ("Midway", "2025-03-03"), ("Latest", "2025-04-14")]  # nearest 24 Feb
    assert plan.timeline == [s.folder for s in data.sessions]
    assert (plan.angles["back"].baseline, plan.angles["back"].latest) == ("2025-01-06", "2025-04-14")
    assert view.comparison == plan.comparison and view.timeline == plan.timeline
    assert view.angle_views["back"].baseline.session.folder == "2025-01-06"
