"""Issue 12: what an attacker or a careless user found, each reproduced and closed."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import COMPLETE, CONFIG, tiny_photo, write_journal

from scalpsite.cli import main

SECRET = "SECRET-7f3a-outside-the-journal"


def findings(runner, root) -> list[dict]:
    result = runner.invoke(main, ["check", str(root), "--format", "json"])
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return json.loads(result.output)["findings"]


def codes(runner, root) -> set[tuple[str, str]]:
    return {(f["code"], f["path"]) for f in findings(runner, root)}


def assert_clean(result, exit_code: int | None = None) -> None:
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if exit_code is not None:
        assert result.exit_code == exit_code, result.output


def published_text(out: Path) -> str:
    """Everything in OUT as text, binary files included (latin-1 keeps every byte)."""
    return "".join(p.read_bytes().decode("latin-1") for p in sorted(out.rglob("*")) if p.is_file())


# ---------- item 1: keys from YAML never become path segments unchecked ----------

@pytest.mark.parametrize("key", ["../../../sessions/2025-01-06/front", "../x", "a/b", ".hidden", "x" * 41])
@pytest.mark.warm_cache
def test_traversal_photo_key_is_an_error_and_overwrites_nothing(runner, journal, key):
    """Issue 12 item 1: a `photos:` key is checked before it names an output file."""
    session = journal / "sessions/2025-03-03"
    (session / "session.yaml").write_text(COMPLETE + f"photos: {{{json.dumps(key)}: front.jpg}}\n")
    original = (journal / "sessions/2025-01-06/front.jpg").read_bytes()
    found = [f for f in findings(runner, journal) if f["code"] == "bad-angle"]
    assert found and found[0]["path"] == "sessions/2025-03-03/session.yaml" and found[0]["line"] == 6
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]), 1)
    assert (journal / "sessions/2025-01-06/front.jpg").read_bytes() == original


def test_config_angle_names_are_checked(runner, journal):
    """Issue 12 item 1: configured angles name pages and photo files, so they are safe names too."""
    (journal / "scalpsite.yaml").write_text(CONFIG + "photos: {angles: [overhead, ../../evil]}\n")
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert_clean(result, 1)
    assert "photos.angles[1]" in result.output and not (journal.parent / "evil.html").exists()


# ---------- item 2: links to files outside the journal are refused, whatever the file ----------

def _secret_file(tmp_path: Path, name: str, text: str) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    target = outside / name
    target.write_text(text)
    return target


@pytest.mark.parametrize("rel, content", [
    ("sessions/2025-03-03/notes.md", f"{SECRET}\n"),
    ("sessions/2025-03-03/session.yaml", f"notes: {SECRET}\n"),
    ("appointments/2025-04-01.md", f"---\nclinician: Dr {SECRET}\n---\n{SECRET}?\n"),
])
@pytest.mark.warm_cache
def test_linked_journal_files_are_refused(runner, journal, tmp_path, rel, content):
    """Issue 12 item 2: a notes, session or appointment file linking outside is never read."""
    link = journal / rel
    link.parent.mkdir(exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(_secret_file(tmp_path, Path(rel).name, content))
    assert ("link-outside", rel) in codes(runner, journal)
    assert_clean(runner.invoke(main, ["build", str(journal)]), 1)
    assert SECRET not in published_text(journal / "_site")


@pytest.mark.parametrize("rel", ["templates/base.html", "static/style.css", "typst/format.typ"])
@pytest.mark.warm_cache
def test_linked_theme_files_are_refused(runner, journal, tmp_path, rel):
    """Issue 12 item 2: a file of the journal's own theme that links outside is refused by name."""
    theme = journal / "themes/mine"
    (theme / rel).parent.mkdir(parents=True)
    (theme / rel).symlink_to(_secret_file(tmp_path, Path(rel).name, SECRET))
    (journal / "scalpsite.yaml").write_text(CONFIG + "theme: mine\n")
    assert ("link-outside", f"themes/mine/{rel}") in codes(runner, journal)
    result = runner.invoke(main, ["build", str(journal)])
    assert_clean(result, 1)
    assert f"themes/mine/{rel} links outside the journal" in result.output
    assert not (journal / "_site").exists() or SECRET not in published_text(journal / "_site")


def test_links_inside_the_journal_are_fine(runner, journal):
    """Issue 12 item 2: the rule is about leaving the journal, not about links as such."""
    (journal / "shared-note.md").write_text("A note kept once, linked from two sessions.\n")
    (journal / "sessions/2025-03-03/notes.md").symlink_to(journal / "shared-note.md")
    assert not [c for c, _ in codes(runner, journal) if c == "link-outside"]


# ---------- item 6: crashes that are findings ----------

@pytest.mark.parametrize("folder", ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"])
@pytest.mark.warm_cache
def test_session_dates_out_of_range_are_findings(runner, journal, folder):
    """Issue 12 item 6: a session folder far in the past or future is a finding, not an overflow."""
    (journal / "sessions" / folder).mkdir()
    (journal / "sessions" / folder / "session.yaml").write_text(COMPLETE)
    assert ("bad-folder-name", f"sessions/{folder}") in codes(runner, journal)
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]), 1)
    assert_clean(runner.invoke(main, ["export", str(journal)]), 1)  # written, and the error said, as check does


@pytest.mark.parametrize("field", ["start: 9999-12-31", "start: 0001-01-01", "end: 9999-12-31"])
def test_treatment_dates_out_of_range_are_config_errors(runner, journal, field):
    """Issue 12 item 6: a treatment dated 9999 stops with the config error, not a date overflow."""
    config = CONFIG.replace("    schedule: dupilumab", f"    schedule: dupilumab\n    {field}")
    if field.startswith("start"):
        config = CONFIG.replace("start: 2025-01-10", field)
    (journal / "scalpsite.yaml").write_text(config)
    for command in (["check"], ["build", "--no-pdf"], ["export"]):
        result = runner.invoke(main, [*command, str(journal)])
        assert_clean(result, 1)
        assert "scalpsite.yaml" in result.output and "treatments[0]" in result.output


@pytest.mark.parametrize("text", ["salt: " + "[" * 1000 + "]" * 1000,
                                  "salt:\n" + "".join("  " * i + "-\n" for i in range(1, 300))])
@pytest.mark.warm_cache
def test_deep_nesting_is_a_finding(runner, journal, text):
    """Issue 12 item 6: 1000-deep YAML nesting is an invalid-file finding, not a RecursionError."""
    (journal / "sessions/2025-03-03/session.yaml").write_text(text)
    found = [f for f in findings(runner, journal) if f["path"] == "sessions/2025-03-03/session.yaml"]
    assert [f["code"] for f in found] == ["invalid-file"] and "nested too deeply" in found[0]["message"]
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]), 1)


@pytest.mark.parametrize("rel, text, line", [
    ("sessions/2025-03-03/session.yaml", COMPLETE + 'lighting: "lamp \\ud800"\n', 6),
    ("sessions/2025-03-03/session.yaml", COMPLETE + 'medications: ["a\\x07b"]\n', 6),
    ("scalpsite.yaml", CONFIG.replace("zones: [frontal, crown]", 'unit: "FU\\x01", zones: [frontal, crown]'), 7),
    ("sessions/2025-03-03/notes.md", "fine\n\nthen a bell \x07 here\n", 3),
])
@pytest.mark.warm_cache
def test_text_that_is_not_text_is_a_finding(runner, journal, rel, text, line):
    """Issue 12 items 6 and 7: lone surrogates and control characters never reach SVG, typst or UTF-8."""
    (journal / rel).write_text(text, encoding="utf-8")
    found = [f for f in findings(runner, journal) if f["path"] == rel]
    assert found and found[0]["code"] == "invalid-file" and found[0]["line"] == line
    assert "not text" in found[0]["message"]
    result = runner.invoke(main, ["build", str(journal)])
    assert_clean(result)
    assert len(result.output) < 2000  # never the whole data.json in an error message
    result = runner.invoke(main, ["export", str(journal)])
    assert_clean(result, 1)  # the data is written and the error said on stderr, as check says it
    if rel != "scalpsite.yaml":
        json.loads(result.stdout)


def test_unreadable_photo_is_a_finding(runner, journal, monkeypatch):
    """Issue 12 item 6: a photo that cannot be opened (permissions) is a finding, not a crash."""
    from scalpsite.photos import images

    blocked = str(journal / "sessions/2025-03-03/left.jpg")

    def fake_open(path, *args, **kwargs):
        if str(path) == blocked:
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(images, "open", fake_open, raising=False)
    found = [f for f in findings(runner, journal) if f["code"] == "photo-unreadable"]
    assert [(f["path"], f["message"]) for f in found] == [
        ("sessions/2025-03-03/left.jpg", "cannot read the photo (Permission denied)")]
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]), 1)


@pytest.mark.warm_photos
def test_unreadable_session_folder_is_a_finding(runner, journal, monkeypatch):
    """Issue 12 item 6: a session folder that cannot be listed is a finding, not a crash."""
    real = Path.iterdir

    def fake_iterdir(self):
        if self.name == "2025-03-03":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", fake_iterdir)
    assert ("unreadable", "sessions/2025-03-03") in codes(runner, journal)
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]), 1)


def test_export_to_a_full_disk_says_so(runner, journal, monkeypatch):
    """Issue 12 item 6: a full disk is "no space left on device", not an internal error."""
    import click

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(click, "echo", full)
    result = runner.invoke(main, ["export", str(journal)])
    assert result.exit_code == 1
    assert "no space left on device" in result.output and "internal error" not in result.output


@pytest.mark.parametrize("option", ["--for", "--until", "--since"])
def test_command_line_dates_out_of_range_are_usage_errors(runner, journal, option):
    """Issue 12 item 6: `--for 9999-12-31` is a usage error, not a date overflow."""
    result = runner.invoke(main, ["build", str(journal), option, "9999-12-31"])
    assert result.exit_code == 2 and "outside the dates scalpsite accepts" in result.output


# ---------- item 7: whatever check passes, build builds ----------

@pytest.mark.parametrize("yaml_text, key", [
    ("density: {frontal: .inf, crown: 60}", "density.frontal"),
    ("density: {frontal: .nan, crown: 60}", "density.frontal"),
    ("density: {frontal: 1e308, crown: 60}", "density.frontal"),
    ("labs: {ige: {value: .inf}}", "labs.ige.value"),
    ("labs: {ige: {value: -1e300}}", "labs.ige.value"),
    ("labs: {ige: {value: 2e6}}", "labs.ige.value"),
])
@pytest.mark.warm_cache
def test_numbers_must_be_finite_and_sane(runner, journal, yaml_text, key):
    """Issue 12 item 7: .inf, .nan and 1e308 are invalid values, so data.json and typst never see them."""
    (journal / "sessions/2025-03-03/session.yaml").write_text(yaml_text + "\n")
    found = [f for f in findings(runner, journal) if f["code"] == "invalid-value"]
    assert found and found[0]["message"].startswith(key), found
    assert_clean(runner.invoke(main, ["build", str(journal)]), 1)
    text = (journal / "_site/data.json").read_text()
    assert "Infinity" not in text and "NaN" not in text


@pytest.mark.warm_cache
def test_deeply_quoted_note_is_flattened_and_the_dossier_builds(runner, journal):
    """Issue 12 item 7: 50 nested '>' made typst fail; now a warning, and the PDF is made."""
    (journal / "sessions/2025-03-03/notes.md").write_text("> " * 50 + "deep thought\n")
    found = [f for f in findings(runner, journal) if f["code"] == "note-too-deep"]
    assert found and found[0]["path"] == "sessions/2025-03-03/notes.md"
    assert_clean(runner.invoke(main, ["build", str(journal)]), 0)
    assert (journal / "_site/dossier.pdf").stat().st_size > 0


def test_sixteen_bit_png_is_read_by_check_and_build_alike(runner, journal):
    """Issue 12 item 7: a 16-bit PNG passed build but failed check; both read it, at full range."""
    import numpy as np
    from PIL import Image

    session = journal / "sessions/2025-03-03"
    (session / "front.jpg").unlink()
    ramp = np.tile(np.linspace(0, 65535, 1000), (750, 1)).astype(np.uint16)
    Image.fromarray(ramp).save(session / "front.png")
    assert not [f for f in findings(runner, journal) if f["level"] == "error"]
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]), 0)
    web = np.asarray(Image.open(journal / "_site/photos/2025-03-03/front.jpg").convert("L"))
    assert web[:, :50].mean() < 30 and web[:, -50:].mean() > 225  # not clipped to white at 255/65535


# ---------- item 8: slow input ----------

@pytest.mark.warm_cache
def test_pathological_note_is_plain_text_and_rendered_once(runner, journal, monkeypatch):
    """Issue 12 item 8: 10,000 '[' took 20 s in Markdown (and was parsed twice)."""
    import markdown

    from scalpsite.render import notes

    (journal / "sessions/2025-03-03/notes.md").write_text("[" * 10_000 + "\n")
    (journal / "sessions/2025-01-06/notes.md").write_text("A *short* note.\n")
    calls = []
    real = markdown.markdown
    monkeypatch.setattr(notes.markdown, "markdown", lambda text, **kw: calls.append(text) or real(text, **kw))
    found = [f for f in findings(runner, journal) if f["code"] == "note-too-long"]
    assert found and "10,000 '[' characters" in found[0]["message"]
    assert_clean(runner.invoke(main, ["build", str(journal)]), 0)
    assert calls == ["A *short* note."]  # once, and never for the pathological note
    page = (journal / "_site/sessions/2025-03-03.html").read_text()
    assert "[" * 100 in page


# ---------- photo files: which file is used is said ----------

@pytest.mark.parametrize("extra, code, path", [
    ("right.tiff", "photo-format", "right.tiff"),
    ("right.heic", "duplicate-photo", "right.jpg"),
    ("Right.JPG", "duplicate-photo", "right.jpg"),
])
def test_ambiguous_photo_files_are_said(runner, journal, extra, code, path):
    """Issue 18 item 10: a format not read, or two files for one angle, give a finding."""
    session = journal / "sessions/2025-03-03"
    shutil.copyfile(session / "right.jpg", session / extra)
    assert (code, f"sessions/2025-03-03/{path}") in codes(runner, journal) or \
        (code, f"sessions/2025-03-03/{extra}") in codes(runner, journal)


def test_masks_are_not_photos(runner, journal):
    """A painted mask beside a photo is not a second photo of the angle."""
    tiny_photo(journal / "sessions/2025-03-03/overhead.mask.png")
    assert not [c for c, _ in codes(runner, journal) if c == "duplicate-photo"]


def test_fresh_journal_is_clean(runner, tmp_path):
    """The new rules leave an ordinary journal without findings of these kinds."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, photos=True)
    kinds = {c for c, _ in codes(runner, root)}
    assert not kinds & {"link-outside", "bad-angle", "invalid-file", "photo-format", "duplicate-photo",
                        "note-too-long", "note-too-deep", "unreadable", "photo-unreadable"}
    assert os.listdir(root / "sessions") == ["2025-01-06"]
