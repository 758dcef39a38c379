"""Issue 13: the renderer fixtures are generated from a journal, and a stale one fails here."""

from __future__ import annotations

from conftest import REPO, fixture_script


def test_view_fixtures_are_current():
    """Regenerate with `python scripts/make_view_fixtures.py` when this fails."""
    for name, text in fixture_script().fixtures().items():
        committed = (REPO / "tests/fixtures" / name).read_text(encoding="utf-8")
        assert committed == text, f"tests/fixtures/{name} is stale: run python scripts/make_view_fixtures.py"
