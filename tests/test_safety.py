"""Never damage the journal, never publish what should not be, same input -> same output."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import COMPLETE, imported_by, write_journal

from scalpsite.cli import main

OWNED = {"_site", ".scalpsite-cache"}


def journal_hash(root: Path) -> dict[str, str]:
    """Hash of every file the user owns (everything but the output and the cache)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts[0] in OWNED or rel.parts[0].startswith("._site"):
            continue
        out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return out


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", [
    ["check"], ["check", "--format", "json"], ["export"], ["export", "--format", "csv"],
    ["build", "--no-pdf"], ["build", "--no-pdf", "--since", "2025-02-01"],
])
def test_commands_leave_the_journal_untouched(runner, journal, args):
    before = journal_hash(journal)
    runner.invoke(main, [args[0], str(journal), *args[1:]])
    assert journal_hash(journal) == before


def test_build_writes_only_out_and_cache(runner, journal):
    before = set(os.listdir(journal))
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert set(os.listdir(journal)) - before == {"_site", ".scalpsite-cache"}
    assert (journal / "_site/.scalpsite-output").is_file()


@pytest.mark.parametrize("target", [
    lambda j, t: j,
    lambda j, t: j.parent,
    lambda j, t: j / "sessions" / "2025-01-06" / "out",
    lambda j, t: Path.home(),
    lambda j, t: Path("/"),
])
def test_dangerous_output_folders_are_refused(runner, journal, tmp_path, target):
    out = target(journal, tmp_path)
    before = journal_hash(journal)
    result = runner.invoke(main, ["build", str(journal), "-o", str(out), "--no-pdf"])
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert journal_hash(journal) == before


def test_output_reached_through_a_symlink_is_still_refused(runner, journal, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(journal)
    result = runner.invoke(main, ["build", str(journal), "-o", str(link), "--no-pdf"])
    assert result.exit_code == 1 and "is the journal" in result.output


@pytest.mark.warm_cache
def test_rebuild_replaces_own_output(runner, journal):
    for _ in range(2):
        result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
        assert result.exit_code == 0, result.output
    leftovers = [p.name for p in journal.iterdir() if p.name.startswith("._site")]
    assert leftovers == []


KILLER = """
import sys, time, pathlib
import scalpsite.render.site as site
real = site.render_site
def slow(view, out, dirs, *rest):
    written = real(view, out, dirs, *rest)
    pathlib.Path(sys.argv[2]).write_text("half-way")
    time.sleep(60)
    return written
site.render_site = slow
from scalpsite.pipeline import build
build(pathlib.Path(sys.argv[1]), pdf=False)
"""


@pytest.mark.warm_cache
def test_killed_build_leaves_previous_output_intact(runner, journal, tmp_path):
    assert runner.invoke(main, ["build", str(journal), "--no-pdf"]).exit_code == 0
    before = tree(journal / "_site")
    (journal / "scalpsite.yaml").write_text((journal / "scalpsite.yaml").read_text().replace("Test journal", "New"))
    flag = tmp_path / "flag"
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(journal), str(flag)])
    deadline = time.monotonic() + 60
    while not flag.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert flag.exists(), "the build never reached the half-way point"
    assert tree(journal / "_site") == before
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])  # and the next build recovers
    assert result.exit_code == 0 and "New" in (journal / "_site/index.html").read_text()
    assert not [p for p in journal.iterdir() if p.name.startswith("._site")]


def test_two_builds_are_byte_identical(runner, journal, tmp_path):
    (journal / "sessions/2025-03-03/notes.md").write_text("# Notes\n\nsome *regrowth*\n")
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        shutil.rmtree(journal / ".scalpsite-cache", ignore_errors=True)  # render everything again
        result = runner.invoke(main, ["build", str(journal), "-o", str(out)])
        assert result.exit_code == 0, result.output
    a, b = tree(outs[0]), tree(outs[1])
    assert a.keys() == b.keys() and "dossier.pdf" in a
    assert [k for k in a if a[k] != b[k]] == []
    for name, data in a.items():
        assert str(tmp_path).encode() not in data, f"absolute path in {name}"


@pytest.mark.warm_photos
def test_source_date_epoch_sets_the_dossier_date(runner, journal, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    result = runner.invoke(main, ["export", str(journal)])
    assert '"generated_for": "2026-01-01"' in result.output
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    result = runner.invoke(main, ["export", str(journal)])
    assert result.exit_code == 1 and "SOURCE_DATE_EPOCH='soon' is not a Unix timestamp" in result.output


def test_published_photos_carry_no_exif(runner, journal):
    from PIL import Image

    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert result.exit_code == 0
    published = sorted((journal / "_site/photos").rglob("*.jpg"))
    assert len(published) == 2 * 5 * 2  # web and thumb per photo
    for p in published:
        with Image.open(p) as im:
            assert not im.getexif()
    assert not list((journal / "_site").rglob("*.heic"))


@pytest.mark.warm_cache
def test_notes_are_sanitised(runner, journal):
    (journal / "sessions/2025-03-03/notes.md").write_text(
        'ok <script>alert(1)</script> <img src="https://evil.example/x.png" onerror="alert(2)">\n'
        '[link](javascript:alert(3)) <iframe src="https://evil.example"></iframe>\n')
    assert runner.invoke(main, ["build", str(journal), "--no-pdf"]).exit_code == 0
    html = (journal / "_site/sessions/2025-03-03.html").read_text()
    for bad in ("<script>alert", "onerror", "javascript:", "evil.example", "<iframe"):
        assert bad not in html, bad


BAD_FILES = {
    "malformed": b"salt: {top: 1\nnotes: [\n",
    "alias bomb": b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
    "non-utf8": b"notes: \xff\xfe\xfa\n",
    "binary": bytes(range(256)) * 4,
    "empty": b"",
    "list at top": b"- 1\n- 2\n",
    "wrong types": b"salt: [1, 2]\ndensity: 3\nad: 4\nside_effects: {a: 1}\nlabs: [1]\nmedications: 5\n",
    "deep wrong types": b"ad: {easi: {head_neck: []}, poem: {a: 1}}\nlabs: {ige: {value: high}}\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.warm_cache
def test_bad_session_files_never_show_a_traceback(runner, journal, name, command):
    (journal / "sessions/2025-03-03/session.yaml").write_bytes(BAD_FILES[name])
    args = [command, str(journal)] + (["--no-pdf"] if command == "build" else [])
    result = runner.invoke(main, args)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output and "internal error" not in result.output
    if name != "empty":
        assert result.exit_code == 1
        assert "sessions/2025-03-03" in result.output and "session.yaml" in result.output


@pytest.mark.parametrize("content", [BAD_FILES["malformed"], BAD_FILES["binary"], b"", b"treatments: 3\n"])
def test_bad_config_is_a_clean_error(runner, journal, content):
    (journal / "scalpsite.yaml").write_bytes(content)
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert result.exit_code == 1 and "scalpsite.yaml" in result.output
    assert "internal error" not in result.output


@pytest.mark.warm_cache
def test_huge_yaml_is_refused(runner, journal):
    (journal / "sessions/2025-03-03/session.yaml").write_text("notes: " + "x" * 50_000_000 + "\n")
    result = runner.invoke(main, ["check", str(journal)])
    assert result.exit_code == 1 and "file is 50 MB" in result.output


def test_empty_journal_builds(runner, tmp_path):
    root = write_journal(tmp_path / "j", {})
    result = runner.invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "_site/index.html").is_file() and (root / "_site/dossier.pdf").is_file()


def test_photo_symlink_outside_is_refused(runner, journal, tmp_path):
    secret = tmp_path / "secret.jpg"
    (journal / "sessions/2025-03-03/front.jpg").rename(secret)
    (journal / "sessions/2025-03-03/front.jpg").symlink_to(secret)
    result = runner.invoke(main, ["check", str(journal), "--format", "json"])
    assert '"code": "photo-outside"' in result.output and result.exit_code == 1


@pytest.mark.warm_photos
def test_rebuild_reuses_cached_charts_and_dossier_until_the_data_changes(runner, journal):
    assert runner.invoke(main, ["build", str(journal)]).exit_code == 0
    first = tree(journal / "_site")
    assert runner.invoke(main, ["build", str(journal)]).exit_code == 0
    assert tree(journal / "_site") == first
    (journal / "sessions/2025-03-03/session.yaml").write_text(COMPLETE.replace("top: 60", "top: 20"))
    assert runner.invoke(main, ["build", str(journal)]).exit_code == 0
    after = tree(journal / "_site")
    assert after["charts/salt.svg"] != first["charts/salt.svg"]
    assert after["dossier.pdf"] != first["dossier.pdf"]


@pytest.mark.warm_photos
def test_noop_rebuild_renders_nothing_again(runner, journal, monkeypatch):
    import scalpsite.render.charts
    import scalpsite.render.dossier
    import scalpsite.render.site

    assert runner.invoke(main, ["build", str(journal)]).exit_code == 0
    first = tree(journal / "_site")

    def refuse(*args, **kwargs):
        raise AssertionError("rendered again although nothing changed")

    for module, name in ((scalpsite.render.site, "render_site"), (scalpsite.render.charts, "render_charts"),
                         (scalpsite.render.dossier, "render_dossier")):
        monkeypatch.setattr(module, name, refuse)
    result = runner.invoke(main, ["build", str(journal)])
    assert result.exit_code == 0, result.output
    assert "0 photos processed, 10 from cache" in result.output
    assert tree(journal / "_site") == first
    renderers_and_models = ("matplotlib", "jinja2", "typst", "pydantic", "scalpsite.journal.load")
    # a no-op imports no renderer and no journal model: start-up is the cost
    assert imported_by(["build", "-q", str(journal)], renderers_and_models) == []
    (journal / "sessions/2025-03-03/notes.md").write_text("A new note.\n")
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])  # the site must render again
    assert result.exit_code == 1 and "rendered again" in result.output


@pytest.mark.parametrize("theme", ["../../etc", "/tmp/x", "dark/../../x"])
def test_theme_names_cannot_leave_the_journal(runner, journal, theme):
    config = (journal / "scalpsite.yaml").read_text() + f"theme: {theme!r}\n"
    (journal / "scalpsite.yaml").write_text(config)
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert result.exit_code == 1 and "theme" in result.output
    assert not (journal / "_site").exists()


@pytest.mark.warm_cache
def test_theme_symlink_outside_is_refused(runner, journal, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (journal / "themes").mkdir()
    (journal / "themes/mine").symlink_to(tmp_path / "elsewhere")
    (journal / "scalpsite.yaml").write_text((journal / "scalpsite.yaml").read_text() + "theme: mine\n")
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert result.exit_code == 1 and "links outside the journal" in result.output
