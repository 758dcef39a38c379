"""load: YAML with lines, typed models, and errors that name file, line and fix."""

import pytest
from conftest import COMPLETE, write_journal

from scalpsite.errors import JournalError
from scalpsite.journal.load import folder_date, load, split_front_matter
from scalpsite.journal.yamlsource import parse_yaml


def codes(journal):
    return sorted((f.code, f.path, f.line) for f in journal.findings)


def test_lines_are_recorded_for_nested_keys():
    doc = parse_yaml("a: 1\nb:\n  c: [1, 2]\n  d:\n    - x\n    - y\n", "f.yaml")
    assert doc.lines[("a",)] == 1
    assert doc.lines[("b", "c")] == 3
    assert doc.lines[("b", "d", 1)] == 6
    assert doc.line_of(("b", "d", 1, "missing")) == 6


@pytest.mark.parametrize("text, fragment, line", [
    ("a: [1, 2\n", "invalid YAML", 2),
    ("a: &x [1]\nb: *x\n", "anchors and aliases", 2),
    ("a: 1\na: 2\n", "appears twice", 2),
    ("<<: {a: 1}\n", "merge keys", 1),
])
def test_bad_yaml_is_a_journal_error_with_line(text, fragment, line):
    with pytest.raises(JournalError) as exc:
        parse_yaml(text, "s.yaml")
    assert fragment in exc.value.detail
    assert exc.value.line == line


def test_unknown_key_has_line_and_did_you_mean(tmp_path):
    j = load(write_journal(tmp_path, {"2025-01-06": COMPLETE + "densty: {frontal: 1}\n"}))
    [f] = j.findings
    assert (f.code, f.path, f.line) == ("unknown-key", "sessions/2025-01-06/session.yaml", 6)
    assert f.message == "unknown key 'densty' (did you mean 'density'?)"


@pytest.mark.parametrize("line_text, code, fragment", [
    ("salt: {top: 160, back: 0, left: 0, right: 0}", "invalid-value", "salt.top"),
    ("ad: {itch: 11}", "invalid-value", "ad.itch"),
    ("ad: {poem: [1, 2, 3, 4, 5, 0, 0]}", "invalid-value", "ad.poem[4]"),
    ("ad: {easi: {head_neck: {area_pct: 5, erythema: 4}, upper_limbs: {area_pct: 0}, "
     "trunk: {area_pct: 0}, lower_limbs: {area_pct: 0}}}", "invalid-value", "erythema"),
    ("ad: {easi: {head_neck: {area_pct: 5, erythema: 1.3}, upper_limbs: {area_pct: 0}, "
     "trunk: {area_pct: 0}, lower_limbs: {area_pct: 0}}}", "invalid-value", "multiple of 0.5"),
    ("salt: {top: 1, back: 2, left: 3}", "missing-key", "missing key 'right'"),
    ("salt: lots", "invalid-value", "salt"),
    ("injection_site: awful", "invalid-value", "injection_site"),
    ("dlqi: [1, 2]", "invalid-value", "dlqi"),
])
def test_values_out_of_range_name_the_key_and_line(tmp_path, line_text, code, fragment):
    j = load(write_journal(tmp_path, {"2025-01-06": f"side_effects: none\n{line_text}\n"}))
    assert j.findings, "expected a finding"
    f = j.findings[0]
    assert f.code == code and f.line == 2 and fragment in f.message


def test_config_errors_are_findings(tmp_path):
    j = load(write_journal(tmp_path, {}, config="title: x\ntreatments: []\ntheem: dark\n"))
    assert j.config is None
    assert codes(j) == [("unknown-key", "scalpsite.yaml", 3)]
    assert "did you mean 'theme'" in j.findings[0].message


def test_missing_config_is_a_clear_error(tmp_path):
    with pytest.raises(JournalError, match="scalpsite init"):
        load(tmp_path)


def test_photos_are_found_by_angle_and_mapping(tmp_path):
    root = write_journal(tmp_path, {"2025-01-06": COMPLETE + "photos: {front: IMG_1.JPG, back: ../x.jpg, left: no.jpg}\n"},
                         photos=True)
    (root / "sessions/2025-01-06/IMG_1.JPG").write_bytes(b"x")
    j = load(root)
    rec = j.sessions[0]
    assert rec.photos["front"] == "sessions/2025-01-06/IMG_1.JPG"
    assert rec.photos["overhead"] == "sessions/2025-01-06/overhead.jpg"
    assert {f.code for f in j.findings} == {"photo-outside", "photo-not-found"}
    assert all(f.line == 6 for f in j.findings)


def test_a_mapped_photo_is_its_angle_and_nothing_else(tmp_path):
    """Issue 25 item 4: `photos: {overhead: DSCN0010.jpg}` makes no view `dscn0010`, and its mask
    belongs to overhead alone."""
    mapping = "photos: {overhead: DSCN0010.jpg, back: dscn0011.JPG}\n"
    root = write_journal(tmp_path, {"2025-01-06": COMPLETE + mapping}, photos=False)
    folder = root / "sessions/2025-01-06"
    for name in ("DSCN0010.jpg", "dscn0011.JPG", "DSCN0010.mask.png", "front.jpg"):
        (folder / name).write_bytes(b"x")
    rec = load(root).sessions[0]
    assert rec.photos == {"overhead": "sessions/2025-01-06/DSCN0010.jpg", "back": "sessions/2025-01-06/dscn0011.JPG",
                          "front": "sessions/2025-01-06/front.jpg"}
    assert rec.masks == {"overhead": "sessions/2025-01-06/DSCN0010.mask.png"}


def test_a_session_is_read_again_only_when_its_folder_changed(tmp_path):
    """Issue 30: a long-running preview reads only the changed session folders at each save."""
    import os

    root = write_journal(tmp_path, {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE}, photos=True)
    first = load(root)
    again = load(root)
    assert [r is s for r, s in zip(first.sessions, again.sessions)] == [True, True]
    path = root / "sessions/2025-03-03/session.yaml"
    st = path.stat()
    path.write_text(path.read_text().replace("top: 60", "top: 70"))  # the same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same mtime
    changed = load(root)
    assert changed.sessions[0] is first.sessions[0] and changed.sessions[1] is not first.sessions[1]
    assert changed.sessions[1].session.salt.top == 70


def test_bad_folder_name_and_non_utf8(tmp_path):
    root = write_journal(tmp_path, {"2025-01-06": COMPLETE, "january": COMPLETE})
    (root / "sessions/2025-01-06/session.yaml").write_bytes(b"salt: 1\nnotes: caf\xe9\n")
    j = load(root)
    assert codes(j) == [("bad-folder-name", "sessions/january", None),
                        ("invalid-file", "sessions/2025-01-06/session.yaml", 2)]


@pytest.mark.parametrize("name, date", [
    ("2025-01-06", "2025-01-06"), ("2025-02-03-followup", "2025-02-03"), ("2025-02-30", None),
    ("notes", None), ("2025-1-6", None),
])
def test_folder_dates(name, date):
    got = folder_date(name)
    assert (got.isoformat() if got else None) == date


def test_front_matter_split():
    front, body, start = split_front_matter("---\nclinician: Dr X\n---\n# Questions\n")
    assert front == "clinician: Dr X\n" and body == "# Questions\n" and start == 4


def test_big_file_is_refused(tmp_path):
    root = write_journal(tmp_path, {"2025-01-06": COMPLETE})
    (root / "sessions/2025-01-06/session.yaml").write_text("notes: " + "x" * 2_000_000)
    j = load(root)
    assert j.findings[0].code == "invalid-file" and "MB" in j.findings[0].message


@pytest.mark.parametrize("text, line", [("a: 1\x07\n", 1), ("a: 1\nb: '\x01'\n", 2), ("a: 1\nb: 2\x7f\n", 2)])
def test_forbidden_characters_are_named_with_their_line(text, line):
    with pytest.raises(JournalError) as err:
        parse_yaml(text, "s.yaml")
    assert err.value.line == line and "that YAML does not allow" in err.value.detail
