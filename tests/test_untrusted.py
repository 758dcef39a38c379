"""Code never runs from data, and nothing private leaks: what a hostile folder, a shared drive or a
careless user could do, each reproduced and closed."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from conftest import COMPLETE, CONFIG, tiny_photo, write_journal

from scalpsite.cli import main
from scalpsite.journal.locate import find_journal
from scalpsite.render.themes import builtin_themes


def assert_clean(result, exit_code: int | None = None) -> None:
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if exit_code is not None:
        assert result.exit_code == exit_code, result.output


def published(out: Path) -> str:
    """Everything in OUT as text, binary files included (latin-1 keeps every byte)."""
    return "".join(p.read_bytes().decode("latin-1") for p in sorted(out.rglob("*")) if p.is_file())


# ---------- code never runs from data ----------

class Payload:
    """What an attacker pickles: unpickling it makes a folder (a stand-in for any command)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def plant_bytecode(cache: Path, marker: Path) -> int:
    """A jinja2 bytecode file for every template of the shipped theme, as jinja2 would name it,
    holding a pickle that runs code when loaded."""
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import bc_magic

    folder = cache / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    names = FileSystemBytecodeCache(str(folder))
    templates = builtin_themes() / "default/templates"
    for path in templates.iterdir():
        key = names.get_cache_key(path.name, os.path.normpath(str(path)))
        (folder / (names.pattern % key)).write_bytes(bc_magic + pickle.dumps(Payload(marker)))
    return len(list(folder.iterdir()))


def test_a_file_planted_in_the_cache_never_runs(runner, journal, tmp_path):
    """Nothing the journal's cache holds is unpickled: a planted bytecode file runs nothing."""
    marker = tmp_path / "code-ran"
    assert runner.invoke(main, ["build", str(journal), "--no-pdf"]).exit_code == 0
    assert plant_bytecode(journal / ".scalpsite-cache", marker) > 10
    (journal / "sessions/2025-03-03/notes.md").write_text("A new note, so the pages render again.\n")
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]), 0)
    assert not marker.exists()
    assert "A new note" in (journal / "_site/sessions/2025-03-03.html").read_text()


def test_the_cache_holds_no_pickle(runner, journal):
    """No file the build writes into the cache is a pickle (or any format that runs code on load)."""
    assert runner.invoke(main, ["build", str(journal)]).exit_code == 0
    for path in (journal / ".scalpsite-cache").rglob("*"):
        if path.is_file():
            head = path.read_bytes()[:2]
            assert not head.startswith(b"\x80"), f"{path} looks like a pickle"
            assert path.suffix not in (".cache", ".pickle", ".pkl"), path


SSTI = [
    '{{ cycler.__init__.__globals__.os.system("mkdir MARKER") }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    '{{ self._TemplateReference__context.cycler.__init__.__globals__.os.mkdir("MARKER") }}',
    "{{ lipsum.__globals__['os'].mkdir('MARKER') }}",
]


@pytest.mark.parametrize("payload", SSTI)
@pytest.mark.warm_photos
def test_a_theme_cannot_reach_python(runner, journal, tmp_path, payload):
    """Every theme renders in jinja2's sandbox: a template that reaches for Python's internals
    is a clear build error naming the template, and nothing runs."""
    marker = tmp_path / "code-ran"
    theme = journal / "themes/mine/templates"
    theme.mkdir(parents=True)
    (theme / "index.html").write_text('{% extends "!default/index.html" %}\n{% block content %}'
                                      + payload.replace("MARKER", str(marker)) + "{% endblock %}\n")
    (journal / "scalpsite.yaml").write_text(CONFIG + "theme: mine\n")
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert_clean(result, 1)
    assert not marker.exists()
    assert "themes/mine/templates/index.html:2 failed" in result.output and "sandbox" in result.output


@pytest.mark.warm_photos
def test_a_broken_theme_template_is_a_clear_error(runner, journal):
    """A template error (syntax or a missing value) names the file and line, never an internal error."""
    theme = journal / "themes/mine/templates"
    theme.mkdir(parents=True)
    (journal / "scalpsite.yaml").write_text(CONFIG + "theme: mine\n")
    for text, line, what in (("{% extends 'base.html' %}\n{% block content %}{{ x }{% endblock %}", 2, "unexpected"),
                             ("{% extends 'base.html' %}\n\n{% block content %}{{ nope.x }}{% endblock %}", 3,
                              "'nope' is undefined")):
        (theme / "findings.html").write_text(text)
        result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
        assert_clean(result, 1)
        assert f"findings.html:{line} failed: " in result.output and what in result.output, result.output


def test_the_shipped_theme_renders_in_the_sandbox(example_build):
    """The sandbox refuses nothing the shipped theme does: the example builds every page."""
    site, _ = example_build
    assert len(list(site.rglob("*.html"))) > 20


# ---------- a journal found upward must be the user's own ----------

def stranger(monkeypatch) -> None:
    """Pretend to be another user: every file made by the test now belongs to someone else."""
    monkeypatch.setattr(os, "geteuid", lambda: os.stat("/").st_uid + 4242)


def test_a_strangers_journal_above_is_ignored_and_said(runner, tmp_path, monkeypatch):
    """Run below another user's journal (a shared /tmp): it is ignored, the user is told, nothing is built."""
    root = write_journal(tmp_path / "theirs", {"2025-01-06": COMPLETE})
    below = root / "sessions/2025-01-06"
    monkeypatch.chdir(below)
    stranger(monkeypatch)
    result = runner.invoke(main, ["build", "--no-pdf"])
    assert result.exit_code == 1 and not (root / "_site").exists()
    assert f"Ignored the journal in {root}: the folder belongs to another user" in result.output
    assert "no scalpsite.yaml of yours" in result.output
    result = runner.invoke(main, ["check", str(root)])  # given explicitly, it is the user's choice
    assert_clean(result)
    assert "Ignored" not in result.output


def test_a_journal_in_a_folder_anyone_may_write_is_ignored(runner, tmp_path, monkeypatch):
    """World-writable without the sticky bit, anyone could have swapped the journal in: ignored.
    With the sticky bit (like /tmp), only its owner can replace it: used."""
    shared = tmp_path / "shared"
    root = write_journal(shared / "j", {"2025-01-06": COMPLETE})
    ignored: list[str] = []
    shared.chmod(0o777)
    assert find_journal(root / "sessions", ignored) is None
    assert ignored == [f"{root}: every user may write into {shared}, so anyone could have put it there"]
    shared.chmod(0o1777)
    assert find_journal(root / "sessions") == root
    root.chmod(0o777)
    assert find_journal(root / "sessions", ignored) is None and "every user may write into it" in ignored[-1]
    root.chmod(0o755)
    shared.chmod(0o755)


def test_the_search_goes_on_past_an_ignored_journal(tmp_path, monkeypatch):
    """An ignored journal does not hide the user's own one further up."""
    mine = write_journal(tmp_path / "mine", {})
    theirs = write_journal(mine / "inbox" / "theirs", {})
    real = os.stat

    def owner(path, *args, **kwargs):
        st = real(path, *args, **kwargs)
        if Path(path) in (theirs, theirs / "scalpsite.yaml"):
            return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid + 1, *st[5:]))
        return st

    monkeypatch.setattr(os, "stat", owner)
    ignored: list[str] = []
    assert find_journal(theirs, ignored) == mine and ignored[0].startswith(f"{theirs}: the folder belongs")


# ---------- publish only what a page shows; never the name of what is not published ----------

PRIVATE = "herpes-lesion-upper-lip"


def outputs(runner, root: Path) -> str:
    """Every output: the built site and PDF, and export in each format."""
    assert_clean(runner.invoke(main, ["build", str(root)]), 0)
    texts = [published(root / "_site")]
    for fmt in ("json", "csv", "fhir"):
        result = runner.invoke(main, ["export", str(root), "--format", fmt])
        assert_clean(result, 0)
        texts.append(result.output)
    return "\n".join(texts)


def test_a_photo_named_by_no_angle_is_not_published_and_check_says_so(runner, journal):
    """A photo no page shows (IMG_0001.jpg) is not rendered, copied or listed; check says it is ignored."""
    session = journal / "sessions/2025-03-03"
    tiny_photo(session / "IMG_0001.jpg", shade=99)
    tiny_photo(session / f"{PRIVATE}.jpeg", shade=77)
    tiny_photo(session / f"{PRIVATE}.mask.png")
    text = outputs(runner, journal)
    assert "IMG_0001" not in text and PRIVATE not in text
    photos = sorted(p.name for p in (journal / "_site/photos/2025-03-03").iterdir())
    assert [p for p in photos if not p.split(".")[0] in ("overhead", "front", "back", "left", "right")] == []
    data = json.loads((journal / "_site/data.json").read_text())
    assert all(set(s["photos"]) <= set(data["angles"]) for s in data["sessions"])
    result = runner.invoke(main, ["check", str(journal), "--format", "json"])
    said = {(f["code"], f["path"]) for f in json.loads(result.output)["findings"]}
    assert {("photo-unused", "sessions/2025-03-03/IMG_0001.jpg"),
            ("photo-unused", f"sessions/2025-03-03/{PRIVATE}.jpeg"),
            ("mask-without-photo", f"sessions/2025-03-03/{PRIVATE}.mask.png")} <= said
    text = runner.invoke(main, ["check", str(journal)]).output
    assert "IMG_0001.jpg' is named after no angle" in text and "it is not published" in text


def test_names_of_files_not_read_stay_out_of_every_output(runner, journal):
    """A second file for an angle and a format scalpsite does not read are said by check, and their
    names reach no output."""
    session = journal / "sessions/2025-03-03"
    (session / f"{PRIVATE}.tiff").write_bytes(b"II*\0")
    shutil_copy(session / "front.jpg", session / "FRONT.JPEG")
    text = outputs(runner, journal)
    assert PRIVATE not in text and "FRONT.JPEG" not in text
    result = runner.invoke(main, ["check", str(journal), "--format", "json"])
    said = {(f["code"], f["path"]) for f in json.loads(result.output)["findings"]}
    assert ("photo-format", f"sessions/2025-03-03/{PRIVATE}.tiff") in said
    assert ("duplicate-photo", "sessions/2025-03-03/front.jpg") in said \
        or ("duplicate-photo", "sessions/2025-03-03/FRONT.JPEG") in said


def test_closeup_names_stay_out_of_every_output(runner, journal):
    """Close-ups are not published, nor their names: data.json and export give only how many there are."""
    closeups = journal / "sessions/2025-03-03/closeups"
    closeups.mkdir()
    tiny_photo(closeups / f"{PRIVATE}.jpg")
    tiny_photo(closeups / "second.png")
    text = outputs(runner, journal)
    assert PRIVATE not in text and "second.png" not in text
    data = json.loads((journal / "_site/data.json").read_text())
    assert [s["closeups"] for s in data["sessions"]] == [0, 2]
    assert "2 close-up photos in the journal folder (not published)" in \
        (journal / "_site/sessions/2025-03-03.html").read_text()


def test_a_photos_key_that_is_no_angle_is_an_error_and_not_published(runner, journal):
    """`photos: {extra: front.jpg}` named a photo no page shows; now it is refused like any bad key."""
    session = journal / "sessions/2025-03-03"
    (session / "session.yaml").write_text(COMPLETE + "photos: {extra: front.jpg}\n")
    result = runner.invoke(main, ["check", str(journal), "--format", "json"])
    found = [f for f in json.loads(result.output)["findings"] if f["code"] == "bad-angle"]
    assert found and found[0]["message"] == "photos: 'extra' is not an angle"
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]), 1)
    assert not list((journal / "_site/photos").rglob("extra*"))


def shutil_copy(src: Path, dst: Path) -> None:
    import shutil

    shutil.copyfile(src, dst)


# ---------- spreadsheet formulas never run from the CSV files ----------

FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
            "\tlead", "\r=1"]


def csv_rows(text: str) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.warm_photos
def test_text_cells_never_start_a_formula_but_numbers_stay_numbers(runner, journal):
    """OWASP CSV injection: text starting with = + - @ tab or CR gets a leading ', in data.csv,
    export --format csv and OUT/injections.csv; a negative change stays a plain number."""
    session = COMPLETE.replace("top: 60", "top: 10").replace("side_effects: none\n", "")
    (journal / "sessions/2025-03-03/session.yaml").write_text(
        session + f"medications: {json.dumps(FORMULAS)}\nside_effects: [{{name: '=1+1'}}]\n")
    (journal / "injections.csv").write_text("date,drug,dose_mg,site,note\n"
                                            '2025-01-10,dupilumab,600,thigh_left,"=cmd|\' /C calc\'!A0"\n'
                                            "2025-01-24,dupilumab,300,thigh_right,-fine\n")
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]))
    exported = runner.invoke(main, ["export", str(journal), "--format", "csv"]).output
    files = [exported, raw(journal / "_site/data.csv")]
    for text in files:
        row = csv_rows(text)[1]
        assert row["medications"] == "'" + "; ".join(FORMULAS)
        assert row["side_effects"] == "'=1+1"
        assert row["salt_change"] == "-20.0"  # a number, as it was
    log = csv_rows(raw(journal / "_site/injections.csv"))
    assert [r["note"] for r in log] == ["'=cmd|' /C calc'!A0", "'-fine"]
    assert [r["dose_mg"] for r in log] == ["600", "300"]
    for text in [*files, raw(journal / "_site/injections.csv")]:
        for row in csv_rows(text):
            assert not [v for v in row.values() if v and v[0] in "=+@\t\r"], row


def raw(path: Path) -> str:
    """A file's text with its line ends as written (a CR inside a cell stays a CR)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


# ---------- what is plain is said to be plain; what is staged is never committed ----------

@pytest.mark.parametrize("command", [["build", "--no-pdf"], ["bundle"]])
@pytest.mark.warm_photos
def test_a_password_in_the_environment_without_encrypt_says_the_output_is_plain(runner, journal, command,
                                                                                 monkeypatch):
    """SCALPSITE_PASSWORD set and no --encrypt: the user is told that the output is not encrypted."""
    monkeypatch.setenv("SCALPSITE_PASSWORD", "correct horse battery staple 42")
    result = runner.invoke(main, [command[0], str(journal), *command[1:]])
    assert_clean(result, 0)
    assert "SCALPSITE_PASSWORD is set, but without --encrypt the output is NOT encrypted" in result.output
    monkeypatch.delenv("SCALPSITE_PASSWORD")
    assert "NOT encrypted: anyone" not in runner.invoke(main, ["build", str(journal), "--no-pdf"]).output


def test_init_gitignore_covers_everything_a_build_writes(runner, tmp_path):
    """Staging and swap folders left by a killed build, and the bundle's temporary file, are never
    committed with the journal; the journal's own files are."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "j"
    assert runner.invoke(main, ["init", str(root), "--start", "2025-01-10"]).exit_code == 0
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    written = ["_site/index.html", "._site.building-4242-ab12cd/data.json", "._site.old-4242-ab12cd/index.html",
               "_bundle.html", "._bundle.html.x1y2.tmp", ".scalpsite-cache/renditions/index.json"]
    own = ["scalpsite.yaml", "sessions/2025-01-10/session.yaml", "injections.csv", "README.md"]
    run = subprocess.run(["git", "-C", str(root), "check-ignore", "--no-index", *written, *own],
                         capture_output=True, text=True)
    assert run.stdout.split() == written
