"""check: one small journal per finding code; a clean journal gives none."""

import datetime as dt

import pytest
from conftest import COMPLETE, write_journal
from PIL import Image, ImageEnhance

from scalpsite.analysis.checks.check import check
from scalpsite.journal.load import load
from scalpsite.pipeline import check_journal

TODAY = dt.date(2025, 3, 10)
S = "sessions/2025-03-03/session.yaml"


def findings(root, today=TODAY):
    return check_journal(root, today)


def has(found, code, path=None, line=None):
    hits = [f for f in found if f.code == code]
    assert hits, f"no {code} in {[(f.code, f.path) for f in found]}"
    if path is not None:
        assert any(f.path == path and (line is None or f.line == line) for f in hits), hits
    return hits[0]


def test_clean_journal_gives_no_findings(journal):
    assert findings(journal) == []


@pytest.mark.parametrize("later, code, line", [
    (COMPLETE + "date: 2025-03-04\n", "date-mismatch", 6),
    (COMPLETE.replace("crown: 60", "crwn: 60"), "unknown-zone", 2),
    (COMPLETE.replace(", crown: 60", ""), "missing-density", 2),
    (COMPLETE.replace("salt: {top: 60, back: 30, left: 20, right: 25}\n", ""), "missing-salt", None),
    (COMPLETE.replace("itch: 7, ", ""), "missing-itch", 3),
    (COMPLETE.replace(", easi: 12.4, poem: [2, 3, 1, 0, 4, 2, 1]", ""), "missing-ad-score", 3),
    (COMPLETE.replace("side_effects: none\n", ""), "side-effects-not-recorded", None),
    (COMPLETE.replace("injection_site: none\n", "").replace("side_effects: none", "side_effects: [{name: headache}]"),
     "injection-site-not-recorded", None),
    (COMPLETE.replace("side_effects: none", "side_effects: [{name: conjuctivitis}]"),
     "unrecognised-side-effect", 5),
    (COMPLETE + "salt: 3\n", "invalid-file", 6),
    (COMPLETE.replace("ad: {itch: 7", "ad: {itch: 11"), "invalid-value", 3),
    (COMPLETE + "sallt: 3\n", "unknown-key", 6),
])
def test_session_findings_with_lines(tmp_path, later, code, line):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": later}, photos=True)
    has(findings(root), code, S, line)


def test_unrecognised_side_effect_suggests_the_common_name(tmp_path):
    later = COMPLETE.replace("side_effects: none", "side_effects: [{name: conjuctivitis}]")
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": later}, photos=True)
    assert "(did you mean 'conjunctivitis'?)" in has(findings(root), "unrecognised-side-effect").message


def test_structure_findings(tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-01-06-again": COMPLETE,
                                          "2024-12-01": COMPLETE, "2025-04-01": COMPLETE, "week3": COMPLETE},
                         photos=True)
    found = findings(root)
    has(found, "duplicate-date", "sessions/2025-01-06-again")
    has(found, "before-start", "sessions/2024-12-01/session.yaml")
    has(found, "future-session", "sessions/2025-04-01/session.yaml")
    has(found, "bad-folder-name", "sessions/week3")


def test_no_baseline_and_missing_yaml_and_photo(tmp_path):
    root = write_journal(tmp_path / "j", {"2025-02-07": COMPLETE, "2025-03-03": None}, photos=True)
    (root / "sessions/2025-02-07/front.jpg").unlink()
    found = findings(root)
    has(found, "no-baseline", "sessions")
    has(found, "missing-session-yaml", "sessions/2025-03-03")
    assert "no front photo" in has(found, "missing-photo", "sessions/2025-02-07").message


def test_empty_journal_has_no_sessions_finding(tmp_path):
    root = write_journal(tmp_path / "j", {})
    has(findings(root), "no-sessions", "sessions")


def test_session_folder_linked_from_outside_is_refused(tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    elsewhere = write_journal(tmp_path / "other", {"2025-03-03": COMPLETE}, photos=True)
    (root / "sessions/2025-03-03").symlink_to(elsewhere / "sessions/2025-03-03")
    found = findings(root)
    hit = has(found, "session-outside", "sessions/2025-03-03")
    assert hit.level.value == "error"
    assert not [f for f in found if f.path.startswith("sessions/2025-03-03/")]  # nothing read from it


def test_overdue_as_of_today(tmp_path, journal):
    assert not [f for f in findings(journal, dt.date(2025, 3, 31)) if f.code == "session-overdue"]
    found = findings(journal, dt.date(2025, 4, 30))
    assert "was due by 2025-03-31" in has(found, "session-overdue", "sessions").message


def test_photo_mapping_findings(tmp_path):
    later = COMPLETE + "photos: {front: ../2025-01-06/front.jpg, back: missing.jpg}\n"
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": later}, photos=True)
    found = findings(root)
    has(found, "photo-outside", S, 6)
    has(found, "photo-not-found", S, 6)


def test_config_and_appointment_findings(tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    (root / "appointments").mkdir()
    (root / "appointments/next-week.md").write_text("questions")
    (root / "appointments/2025-03-14.md").write_text("---\nclinican: Dr X\n---\n- why?\n")
    found = check(load(root))
    has(found, "bad-appointment-name", "appointments/next-week.md")
    assert "did you mean 'clinician'" in has(found, "unknown-key", "appointments/2025-03-14.md", 2).message


# ---------- photos ----------

def photo_journal(tmp_path):
    return write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE}, photos=True)


def textured(path, colour=(200, 160, 140), exif=None, size=(1000, 750), hair_every=20):
    """A photo: a plain wall in the top third, then scalp with dark 'hair' strokes."""
    im = Image.new("RGB", size, colour)
    for x in range(0, size[0], hair_every):
        im.paste((40, 30, 25), (x, size[1] // 3, x + 3, size[1]))
    im.save(path, "JPEG", exif=exif.tobytes() if exif else b"")
    return path


def exif_of(model=None, taken=None):
    exif = Image.Exif()
    if model:
        exif[0x0110] = model
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    return exif


@pytest.mark.parametrize("change, code", [
    (lambda im: ImageEnhance.Brightness(im).enhance(0.6), "lighting-drift"),
    (lambda im: ImageEnhance.Brightness(im).enhance(1.35), "lighting-drift"),
    (lambda im: Image.merge("RGB", [im.getchannel("R").point(lambda v: min(255, v + 35)),
                                    im.getchannel("G"), im.getchannel("B").point(lambda v: max(0, v - 35))]),
     "colour-drift"),
])
def test_lighting_drift_is_detected_on_purposefully_altered_photos(tmp_path, change, code):
    root = photo_journal(tmp_path)
    base = textured(root / "sessions/2025-01-06/overhead.jpg")
    with Image.open(base) as im:
        change(im.convert("RGB")).save(root / "sessions/2025-03-03/overhead.jpg", "JPEG")
    has(findings(root), code, "sessions/2025-03-03/overhead.jpg")


def test_hair_regrowth_alone_is_not_lighting_drift(tmp_path):
    root = photo_journal(tmp_path)
    textured(root / "sessions/2025-01-06/overhead.jpg", hair_every=20)
    textured(root / "sessions/2025-03-03/overhead.jpg", hair_every=5)  # four times the hair, same light
    assert not [f for f in findings(root) if f.code in ("lighting-drift", "colour-drift")]


def test_camera_date_size_and_reuse(tmp_path):
    root = photo_journal(tmp_path)
    textured(root / "sessions/2025-01-06/left.jpg", exif=exif_of("Phone A", "2025:01:06 10:00:00"))
    textured(root / "sessions/2025-03-03/left.jpg", (201, 160, 140), exif=exif_of("Phone B", "2025:02:20 10:00:00"))
    textured(root / "sessions/2025-03-03/right.jpg", size=(640, 480))
    (root / "sessions/2025-03-03/back.jpg").write_bytes((root / "sessions/2025-01-06/back.jpg").read_bytes())
    found = findings(root)
    has(found, "camera-changed", "sessions/2025-03-03/left.jpg")
    has(found, "photo-date-mismatch", "sessions/2025-03-03/left.jpg")
    assert "640 px" in has(found, "photo-too-small", "sessions/2025-03-03/right.jpg").message
    assert "2025-01-06" in has(found, "photo-reused", "sessions/2025-03-03/back.jpg").message


@pytest.mark.parametrize("content", [b"", b"GIF89a not really", b"\xff\xd8\xff\xe0 truncated"])
def test_unreadable_photo_is_an_error(tmp_path, content):
    root = photo_journal(tmp_path)
    (root / "sessions/2025-03-03/front.jpg").write_bytes(content)
    f = has(findings(root), "photo-unreadable", "sessions/2025-03-03/front.jpg")
    assert f.level.value == "error"


def test_check_measures_as_a_build_does_and_sees_truncation(tmp_path):
    """Issue 25 item 3: check decodes as a build does (not the EXIF preview): the same facts."""
    from exifpreview import exif_with_preview

    from scalpsite.photos import images

    root = photo_journal(tmp_path)
    photo = Image.new("RGB", (1600, 1200), (210, 170, 150))
    path = root / "sessions/2025-03-03/front.jpg"
    photo.save(path, "JPEG", exif=exif_with_preview(photo))
    facts = images.inspect(root, ["sessions/2025-03-03/front.jpg"], tmp_path / "c").renditions
    full = images.process(root, ["sessions/2025-03-03/front.jpg"], tmp_path / "d").renditions
    a, b = facts["sessions/2025-03-03/front.jpg"]["facts"], full["sessions/2025-03-03/front.jpg"]["facts"]
    assert (a["width"], a["height"]) == (1600, 1200)
    assert (a["brightness"], a["warmth"]) == (b["brightness"], b["warmth"])
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    f = has(findings(root), "photo-unreadable", "sessions/2025-03-03/front.jpg")
    assert "truncated" in f.message
