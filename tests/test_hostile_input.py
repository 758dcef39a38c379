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


# ---------- injections.csv is read strictly ----------

LOG_HEAD = "date,drug,dose_mg,site,note\n"
GOOD = "2025-01-10,dupilumab,600,thigh_left,loading\n"


@pytest.mark.parametrize("rows, line, message", [
    (GOOD + '2025-01-24,dupilumab,300,thigh_right,"stung\n2025-02-07,dupilumab,300,abdomen_left,ok\n', 3,
     "a quote opened here is never closed (the file ends on line 4 inside it); this row and those after "
     "it are not read"),
    (GOOD + '2025-01-24,dupilumab,300,thigh_right,"stung" badly\n', 3,
     "the quoting is broken (',' expected after '\"'); this row and those after it are not read"),
    ("2025-01-10,dupilumab,600,thigh_left," + "x" * 140_000 + "\n" + GOOD, 2,
     "a cell is longer than 131,072 characters; this row and those after it are not read"),
])
@pytest.mark.warm_photos
def test_a_broken_log_is_an_error_with_its_line(runner, journal, rows, line, message):
    """An unclosed quote (which swallowed every later row into one note) or a huge cell is an error."""
    (journal / "injections.csv").write_text(LOG_HEAD + rows)
    found = [f for f in findings(runner, journal) if f["path"] == "injections.csv" and f["level"] == "error"]
    assert [(f["line"], f["message"]) for f in found] == [(line, message)]
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]), 1)


def test_a_quoted_note_over_lines_is_fine(runner, journal):
    """Strict is not fussy: a quoted note with a comma, a quote and a line break reads as written."""
    (journal / "injections.csv").write_text(LOG_HEAD + GOOD + '2025-01-24,dupilumab,300,thigh_right,'
                                            '"stung, a ""little""\nthen fine"\n')
    assert not [f for f in findings(runner, journal) if f["path"] == "injections.csv" and f["level"] == "error"]
    result = runner.invoke(main, ["export", str(journal)])
    log = json.loads(result.output)["injection_log"]
    assert [r["note"] for r in log] == ["loading", 'stung, a "little"\nthen fine']


def test_new_injection_refuses_to_append_to_a_log_that_does_not_read(runner, journal):
    """A row appended after an unclosed quote would never be read back: nothing is added."""
    text = LOG_HEAD + GOOD + '2025-01-24,dupilumab,300,thigh_right,"stung\n'
    (journal / "injections.csv").write_text(text)
    result = runner.invoke(main, ["new", str(journal), "--injection", "--date", "2025-02-07", "--site", "arm_left"])
    assert_clean(result, 1)
    assert "injections.csv:3: a quote opened here is never closed" in result.output
    assert "nothing was added" in result.output
    assert (journal / "injections.csv").read_text() == text


def test_new_injection_appends_to_a_log_with_a_byte_order_mark(runner, journal):
    """A spreadsheet's UTF-8 byte-order mark is read, not taken for part of the first column's name."""
    (journal / "injections.csv").write_text("\ufeff" + LOG_HEAD + GOOD, encoding="utf-8")
    result = runner.invoke(main, ["new", str(journal), "--injection", "--date", "2025-01-24", "--site", "arm_left"])
    assert_clean(result, 0)
    log = json.loads(runner.invoke(main, ["export", str(journal)]).output)["injection_log"]
    assert [r["date"] for r in log] == ["2025-01-10", "2025-01-24"]


# ---------- check passes => build builds: long names, mathtext ----------

@pytest.mark.warm_photos
def test_a_session_folder_with_a_long_suffix_is_a_finding_not_a_crash(runner, journal):
    """A 251-255 byte folder name passed check and crashed build (sessions/<folder>.html is too long)."""
    long = "2025-02-01-" + "y" * 240
    (journal / "sessions" / long).mkdir()
    (journal / "sessions" / long / "session.yaml").write_text(COMPLETE)
    found = [f for f in findings(runner, journal) if f["code"] == "bad-folder-name"]
    assert [(f["path"], f["message"]) for f in found] == [
        (f"sessions/{long}", "the suffix of this session folder has 240 characters; at most 60, so that the "
                             "pages named after it fit a file name")]
    assert_clean(runner.invoke(main, ["build", str(journal)]), 1)
    assert_clean(runner.invoke(main, ["export", str(journal)]), 1)  # exported, and the error said (exit 1, as check)


@pytest.mark.parametrize("length, ok", [(60, True), (61, False), (300, False)])
def test_new_suffix_is_bounded_like_check(runner, journal, length, ok):
    """`new --suffix` makes only folders check accepts; 300 characters was an internal error."""
    result = runner.invoke(main, ["new", str(journal), "--date", "2025-04-01", "--suffix", "s" * length])
    assert_clean(result, 0 if ok else 1)
    if ok:
        assert not [f for f in findings(runner, journal) if f["code"] == "bad-folder-name"]
    else:
        assert f"--suffix has {length} characters; at most 60" in result.output
        assert not list((journal / "sessions").glob("2025-04-01*"))


def test_a_photo_name_too_long_for_its_mask_is_a_finding(runner, journal):
    """A photo named in session.yaml whose mask name would not fit a file name is refused by check."""
    session = journal / "sessions/2025-03-03"
    name = "x" * 246 + ".jpg"
    tiny_photo(session / name)
    (session / "session.yaml").write_text(COMPLETE + f"photos: {{front: {name}}}\n")
    found = [f for f in findings(runner, journal) if f["code"] == "photo-name-too-long"]
    assert found and found[0]["line"] == 6 and "the file name has 250 bytes; at most 120" in found[0]["message"]
    assert_clean(runner.invoke(main, ["build", str(journal), "--no-pdf"]), 1)


MATHTEXT = ["$\\x$", "$\\alpha^$", "$$", "a $b", "$\\frac{1}{0}$"]


@pytest.mark.parametrize("text", MATHTEXT)
def test_chart_text_is_drawn_as_written_never_as_mathtext(runner, tmp_path, text):
    """A density unit or zone name with $...$ is plain text in the chart (it was a matplotlib parse error)."""
    config = CONFIG.replace("density: {zones: [frontal, crown]}",
                            f"density: {{unit: {json.dumps(text)}, zones: [frontal, {json.dumps(text)}]}}")
    session = COMPLETE.replace("crown: 60", f"{json.dumps(text)}: 60")
    root = write_journal(tmp_path / "j", {"2025-01-06": session, "2025-03-03": session}, config)
    assert not [f for f in findings(runner, root) if f["level"] == "error"]
    assert_clean(runner.invoke(main, ["build", str(root)]), 0)
    from html import escape

    svg = (root / "_site/charts/density.svg").read_text()
    assert f">{escape(text, quote=False)}</text>" in svg and f"({escape(text, quote=False)})</text>" in svg


# ---------- the disk fills up while the PDF is written ----------

@pytest.mark.warm_photos
def test_a_full_disk_while_typst_writes_the_pdf_is_said_with_the_path(runner, journal, monkeypatch):
    """typst says "No space left on device (os error 28)" with no errno: the build says which file."""
    import typst

    def full(*args, output, **kwargs):
        Path(output).write_bytes(b"%PDF-1.7 half")
        raise OSError("No space left on device (os error 28)")  # what typst raises, word for word

    monkeypatch.setattr(typst, "compile", full)
    result = runner.invoke(main, ["build", str(journal)])
    assert_clean(result, 1)
    assert "Error: no space left on device while writing " in result.output
    assert "dossier.pdf; nothing was published" in result.output
    assert not (journal / "_site").exists()
    assert not [p for p in journal.iterdir() if p.name.startswith("._site")]


def test_typst_errors_of_the_disk_get_their_number():
    """Rust's "(os error N)" becomes the OSError N, naming the file; others pass as they are."""
    from scalpsite.render.dossier import system_error

    made = system_error(OSError("Disk quota exceeded (os error 122)"), Path("/out/dossier.pdf"))
    assert (made.errno, made.filename) == (122, "/out/dossier.pdf")
    plain = OSError("something else")
    assert system_error(plain, Path("x")) is plain


# ---------- a read-only journal ----------

def read_only(monkeypatch, root: Path) -> None:
    """The journal's file system refuses every new folder and file (EROFS), as a read-only mount does."""
    import errno
    import os

    real_mkdir, real_open = os.mkdir, os.open
    inside = str(root.resolve())

    def refused(path) -> bool:
        return os.path.abspath(os.fsdecode(path)).startswith(inside)

    def mkdir(path, *args, **kwargs):
        if refused(path):
            raise OSError(errno.EROFS, "Read-only file system", os.fsdecode(path))
        return real_mkdir(path, *args, **kwargs)

    def open_(path, flags, *args, **kwargs):
        if refused(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", os.fsdecode(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", mkdir)
    monkeypatch.setattr(os, "open", open_)


READ_ONLY_NOTE = "cannot be written (read-only?): its cache is kept in a temporary folder for this command only"


def test_a_read_only_journal_can_be_checked_exported_and_built_elsewhere(runner, journal, tmp_path, monkeypatch):
    """check, export and build -o ELSEWHERE work on a read-only journal, with a temporary cache, and say so."""
    read_only(monkeypatch, journal)
    for args in (["check"], ["export"], ["export", "--format", "csv"]):
        result = runner.invoke(main, [args[0], str(journal), *args[1:]])
        assert_clean(result, 0)
        assert READ_ONLY_NOTE in result.output
    result = runner.invoke(main, ["build", str(journal), "-o", str(tmp_path / "site")])
    assert_clean(result, 0)
    assert READ_ONLY_NOTE in result.output and (tmp_path / "site/dossier.pdf").is_file()
    assert not (journal / ".scalpsite-cache").exists()
    result = runner.invoke(main, ["build", str(journal)])  # into the journal itself: a clear error
    assert_clean(result, 1)
    assert "read-only file system while writing" in result.output and "(-o DIR)" in result.output


def test_a_writable_journal_says_nothing_of_a_temporary_cache(runner, journal):
    result = runner.invoke(main, ["check", str(journal)])
    assert READ_ONLY_NOTE not in result.output and (journal / ".scalpsite-cache").is_dir()


# ---------- file names never reach the terminal raw ----------

FORGED = "x\nforged.yaml:1:1: error: forged [forged]\x1b[31m"
TITLE = "IMG\x1b]0;pwned\x07\u202egpj.jpg"


@pytest.fixture
def hostile_names(journal):
    """A session folder whose name forges a line, and a photo whose name sends terminal commands."""
    (journal / "sessions" / FORGED).mkdir()
    tiny_photo(journal / "sessions/2025-03-03" / TITLE)
    return journal


@pytest.mark.parametrize("fmt", ["text", "gnu", "github", "json"])
def test_file_names_are_escaped_in_every_check_format(runner, hostile_names, fmt, monkeypatch):
    """A newline in a name forged a line in --format gnu; ESC and bidi controls reached the terminal."""
    monkeypatch.chdir(hostile_names.parent)  # paths are shown from the current folder: the same on every machine
    result = runner.invoke(main, ["check", str(hostile_names), "--format", fmt])
    assert_clean(result, 1)
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in result.output
    assert not [line for line in result.output.splitlines() if line.startswith("forged.yaml")]
    if fmt == "json":
        paths = {f["path"] for f in json.loads(result.output)["findings"]}
        assert f"sessions/{FORGED}" in paths and f"sessions/2025-03-03/{TITLE}" in paths  # values unchanged
    elif fmt == "github":  # newlines of a message are %0A there; the file property escapes ':' too
        assert f"file={hostile_names.name}/sessions/x\\nforged.yaml%3A1%3A1" in result.output
        assert "'x%0Aforged.yaml:1:1: error: forged [forged]\\x1b[31m'" in result.output
    else:
        assert "x\\nforged.yaml:1:1" in result.output and "IMG\\x1b]0;pwned\\x07\\u202egpj.jpg" in result.output
    if fmt == "gnu":
        assert all(":" in line.split(" ")[0] for line in result.output.splitlines())


def test_build_and_export_escape_file_names_too(runner, hostile_names):
    """The build's findings on stderr, export's JSON and data.json carry no raw control character."""
    built = runner.invoke(main, ["build", str(hostile_names), "--no-pdf"])
    exported = runner.invoke(main, ["export", str(hostile_names)])
    for text in (built.output, exported.output, (hostile_names / "_site/data.json").read_text()):
        assert not [c for c in ("\x1b", "\x07", "\u202e", "\x85") if c in text]
    assert json.loads(exported.stdout)["sessions"]


def test_error_messages_escape_the_paths_they_name(runner, tmp_path):
    """An error naming a folder (here: no journal in it) prints its name escaped."""
    folder = tmp_path / "dir\x1b[2Jname"
    folder.mkdir()
    result = runner.invoke(main, ["check", str(folder)])
    assert_clean(result, 1)
    assert "\x1b" not in result.output and "dir\\x1b[2Jname" in result.output


# ---------- settings and options that meant nothing ----------

@pytest.mark.parametrize("value", ["nan", "NaN", "-nan", "soon"])
def test_a_lock_timeout_that_is_no_number_is_an_error(runner, journal, monkeypatch, value):
    """SCALPSITE_LOCK_TIMEOUT=nan was read as 0 (max(0, nan)); now it is refused like a word."""
    monkeypatch.setenv("SCALPSITE_LOCK_TIMEOUT", value)
    result = runner.invoke(main, ["build", str(journal), "--no-pdf"])
    assert_clean(result, 1)
    assert f"SCALPSITE_LOCK_TIMEOUT={value!r} is not a number of seconds" in result.output


@pytest.mark.parametrize("value, expected", [("-5", 0.0), ("inf", float("inf")), ("1e3", 1000.0)])
def test_lock_timeout_bounds(monkeypatch, value, expected):
    """Negative is 0 (do not wait), inf waits as long as it takes."""
    from scalpsite.store import lock

    monkeypatch.setenv(lock.TIMEOUT_ENV, value)
    assert lock.timeout() == expected


@pytest.mark.parametrize("args, message", [
    (["--until", "1900-01-01"], "--until 1900-01-01 is before the first session (2025-01-06)"),
    (["--since", "2030-01-01"], "--since 2030-01-01 is after the last session (2025-03-03)"),
    (["--for", "2025-03-03", "--since", "2025-04-01"], "--since 2025-04-01 is after --for 2025-03-03"),
    (["--since", "2025-02-01", "--for", "2025-01-20"], "--since 2025-02-01 is after --for 2025-01-20"),
    (["--for", "2025-02-01", "--since", "2025-01-20"], "--since 2025-01-20 is after the last session (2025-01-06)"),
])
def test_date_options_that_select_nothing_are_usage_errors(runner, journal, args, message):
    """--until before any session silently showed the baseline alone; --for before --since was accepted."""
    result = runner.invoke(main, ["build", str(journal), "--no-pdf", *args])
    assert_clean(result, 2)
    assert message in result.output and not (journal / "_site").exists()


@pytest.mark.warm_photos
def test_date_options_within_the_sessions_still_build(runner, journal):
    result = runner.invoke(main, ["build", str(journal), "--no-pdf", "--since", "2025-03-03", "--until", "2025-03-03"])
    assert_clean(result, 0)


def test_a_dosing_schedule_past_the_bound_is_an_error_and_stays_small(runner, journal):
    """Daily dosing from 1900 made 45,000 due doses and a 760-page dossier: now an error, and the
    analysis follows the first 1,000 doses only."""
    config = CONFIG.replace("start: 2025-01-10", "start: 1900-01-01\n    dosing: {interval_days: 1, loading_doses: 1}")
    (journal / "scalpsite.yaml").write_text(config)
    (journal / "injections.csv").write_text(LOG_HEAD + "2025-01-10,dupilumab,300,thigh_left,\n")
    result = runner.invoke(main, ["check", str(journal), "--as-of", "2025-03-03", "--format", "json"])
    found = [f for f in json.loads(result.output)["findings"] if f["code"] == "dosing-too-long"]
    assert [(f["path"], f["line"], f["message"]) for f in found] == [
        ("scalpsite.yaml", 5, "treatments[0]: a dose every 1 day from 1900-01-01 makes 45,718 doses due by "
                              "2025-03-03; scalpsite follows at most 1,000")]
    data = json.loads(runner.invoke(main, ["export", str(journal)]).stdout)
    assert len(data["injection_doses"]) == 1000


def test_a_long_but_real_schedule_is_fine(runner, journal):
    """Every 14 days for 30 years is 783 doses: no finding."""
    (journal / "scalpsite.yaml").write_text(CONFIG.replace("start: 2025-01-10", "start: 1995-01-10"))
    (journal / "injections.csv").write_text(LOG_HEAD + "2025-01-10,dupilumab,300,thigh_left,\n")
    assert not [f for f in findings(runner, journal) if f["code"] == "dosing-too-long"]


def test_a_reader_that_leaves_early_is_no_internal_error(journal):
    """`scalpsite check | head`: a reader that closes the pipe ends the command quietly."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "scalpsite", "check", str(journal)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 1
    assert "internal error" not in err and "Traceback" not in err and "Exception ignored" not in err, err
