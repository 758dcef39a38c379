"""Bad input gets a clear message naming the file, the line and the fix: never silence, never a
crash. Each class found by attacking the journal, the command line and the disk."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import COMPLETE, CONFIG, tiny_photo, write_journal

from scalpsite.cli import main


def assert_clean(result, exit_code: int | None = None) -> None:
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if exit_code is not None:
        assert result.exit_code == exit_code, result.output


def findings(runner, root: Path) -> list[dict]:
    result = runner.invoke(main, ["check", str(root), "--format", "json"])
    assert_clean(result)
    return json.loads(result.output)["findings"]


# ---------- angle names with capitals ----------

CAPITALS = CONFIG + "photos: {angles: [Overhead, Front, Back, Left, Right]}\n"


def test_angles_with_capitals_find_their_photos_in_any_case(runner, tmp_path):
    """`angles: [Front, ...]` finds Front.jpg, front.jpg and FRONT.JPG alike; the pages show them."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE}, CAPITALS, photos=True)
    (root / "sessions/2025-03-03/front.jpg").rename(root / "sessions/2025-03-03/Front.jpg")
    (root / "sessions/2025-03-03/back.jpg").rename(root / "sessions/2025-03-03/BACK.JPG")
    found = findings(runner, root)
    assert not [f for f in found if f["code"] in ("missing-photo", "photo-unused", "duplicate-photo")], found
    assert_clean(runner.invoke(main, ["build", str(root), "--no-pdf"]), 0)
    data = json.loads((root / "_site/data.json").read_text())
    assert list(data["sessions"][1]["photos"]) == ["Overhead", "Front", "Back", "Left", "Right"]
    page = (root / "_site/angles/Front.html").read_text()
    assert page.count("photos/2025-03-03/Front.jpg") >= 1 and "photos/2025-01-06/Front.jpg" in page
    assert (root / "_site/photos/2025-03-03/Back.jpg").is_file()


def test_angles_that_differ_only_in_case_are_an_error(runner, tmp_path):
    """Two angles that name the same files (front and Front, or one listed twice) are refused."""
    config = CONFIG + "photos: {angles: [overhead, front, Front], optional: [OVERHEAD]}\n"
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config)
    found = [f for f in findings(runner, root) if f["code"] == "angle-twice"]
    assert [f["message"] for f in found] == [
        "photos.angles[2]: 'Front' names the same photos as 'front' (photos.angles[1]) "
        "(photo files are found whatever their case)",
        "photos.optional[0]: 'OVERHEAD' names the same photos as 'overhead' (photos.angles[0]) "
        "(photo files are found whatever their case)"]
    assert all(f["path"] == "scalpsite.yaml" and f["line"] == 8 for f in found)


def test_a_photos_mapping_key_matches_its_angle_in_any_case(runner, journal):
    """`photos: {Front: IMG_1.jpg}` maps the front photo; front.jpg beside it is then said unused."""
    session = journal / "sessions/2025-03-03"
    tiny_photo(session / "IMG_1.jpg", shade=90)
    (session / "session.yaml").write_text(COMPLETE + "photos: {Front: IMG_1.jpg}\n")
    said = {(f["code"], f["path"]) for f in findings(runner, journal)}
    assert ("photo-unused", "sessions/2025-03-03/front.jpg") in said
    assert not {c for c, _ in said} & {"bad-angle", "missing-photo"}


# ---------- density zones that would fill one CSV column twice ----------

@pytest.mark.parametrize("zones, message", [
    ("[crown, change_pct_crown]", "density.zones[1]: 'change_pct_crown' and 'crown' would both fill the CSV "
                                  "column density_change_pct_crown"),
    ("[frontal, crown, frontal]", "density.zones[2]: 'frontal' is listed twice"),
    ("[frontal, '" + "z" * 41 + "']", "density.zones[1]: a zone name has 1 to 40 characters, not 41"),
    ("[frontal, ' ']", "density.zones[1]: a zone name has 1 to 40 characters, not 1"),
])
def test_density_zones_that_clash_are_an_error(runner, tmp_path, zones, message):
    """Zones that would give duplicate CSV columns (or are listed twice) are an error with the line."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE},
                         CONFIG.replace("density: {zones: [frontal, crown]}", f"density:\n  zones: {zones}\n"))
    found = [f for f in findings(runner, root) if f["path"] == "scalpsite.yaml"]
    assert [f["message"] for f in found] == [message] and found[0]["line"] == 8
    assert_clean(runner.invoke(main, ["build", str(root), "--no-pdf"]), 1)


def test_the_csv_never_has_a_column_twice_when_check_passes(runner, journal):
    """The rule is decided once: zones check accepts always give distinct CSV columns."""
    result = runner.invoke(main, ["export", str(journal), "--format", "csv"])
    header = next(csv.reader(io.StringIO(result.output)))
    assert len(header) == len(set(header))
