"""Issue 12: generated journals. Whatever `check` passes, `build` builds; an attacked journal is
left as it was, nothing is written outside OUT and the cache, and nothing outside is published.

The journals also carry what broke builds since (round three): long folder and photo names,
matplotlib mathtext in units and zones, quotes and formulas in injections.csv, angles with
capitals, zones that clash in the CSV, photos named by no angle."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
from pathlib import Path

import yaml
from conftest import tiny_photo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scalpsite.cli import main

SECRET = "SECRET-91c2-outside-the-journal"
ZONES = ["frontal", "crown", "temporal_left"]
MATHTEXT = ["$\\x$", "$\\frac{1}{0}$", "a $b", "$$"]
# Zone lists: fine ones (mathtext is plain text now), then lists check refuses (clash, twice, long).
ZONE_SETS = [ZONES, ZONES, ["frontal", "$\\x$"], ["Crown", "$\\alpha^$"], ["crown", "change_pct_crown"],
             ["frontal", "frontal"], ["frontal", "z" * 41]]
SESSION_ZONES = sorted({z for zones in ZONE_SETS for z in zones} | {"other"})
ANGLE_SETS = [["overhead", "front", "back", "left", "right"], ["Overhead", "Front", "Back", "Left", "Right"],
              ["front", "Front"], ["FRONT"]]
LONG_PHOTO = "p" * 246 + ".jpg"  # a name a file system takes, too long for its mask's name
PHOTO_NAMES = ["front.jpg", "Front.jpg", "FRONT.JPG", "IMG_0001.jpg", LONG_PHOTO]
FOLDERS = ["2024-12-01", "2025-01-06", "2025-02-03-followup", "2025-06-30", "9999-12-31",
           "2025-03-10-" + "s" * 60, "2025-03-11-" + "s" * 61, "2025-03-12-" + "s" * 240]

# Text with the characters that broke builds before: markup of YAML, Markdown and typst, and
# scripts of other languages; now and then a control character, which check must refuse.
markup = st.text(alphabet=st.sampled_from(list("ab *_#$[]()<>`\\\n>-|!&;\"'") +
                                          ["\u200b", "\u4e2d", "\u0634", "\U0001f600", "\u00e9"]), max_size=40)
odd_text = st.one_of(*[markup] * 9, st.text(max_size=12))
extremes = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e308, -1, 101]))


def number(lo: float, hi: float):
    """Mostly a value in range (boundaries included), sometimes an extreme one."""
    sane = st.one_of(st.integers(int(lo), int(hi)), st.floats(lo, hi), st.sampled_from([lo, hi]))
    return st.one_of(sane, sane, sane, extremes)


numbers = number(0, 100)
dates = st.one_of(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)),
                  st.sampled_from(["2025-01-06", "2024-12-01"]), st.dates())


def _regions():
    return st.fixed_dictionaries({k: st.one_of(st.none(), numbers) for k in ("top", "back", "left", "right")})


def _session():
    fields = {
        "salt": st.one_of(numbers, _regions()),
        "density": st.dictionaries(st.sampled_from(SESSION_ZONES), st.one_of(st.none(), number(0, 300)),
                                   max_size=3),
        "ad": st.fixed_dictionaries({}, optional={"itch": number(0, 10), "easi": number(0, 72),
                                                  "poem": st.one_of(numbers, st.lists(st.integers(0, 4), min_size=7,
                                                                                       max_size=7))}),
        "dlqi": st.one_of(number(0, 30), st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=10, max_size=10)),
        "labs": st.dictionaries(st.sampled_from(["ige", "eosinophils", "Vitamin_D"]),
                                st.fixed_dictionaries({"value": number(0, 5000)}, optional={"unit": odd_text}), max_size=2),
        "medications": st.lists(odd_text, max_size=3),
        "side_effects": st.one_of(st.just("none"), st.lists(st.fixed_dictionaries(
            {"name": odd_text}, optional={"severity": st.sampled_from(["mild", "moderate", "severe"])}), max_size=2)),
        "injection_site": st.sampled_from(["none", "mild", "severe"]),
        "lighting": odd_text, "notes": odd_text,
        "photos": st.one_of(st.just({}), st.just({}), st.dictionaries(
            st.sampled_from(["overhead", "Front", "../x", "extra", "a/b"]),
            st.sampled_from(["front.jpg", "../../scalpsite.yaml", "nope.jpg", "IMG_0001.jpg", LONG_PHOTO]),
            max_size=1)),
    }
    return st.fixed_dictionaries({}, optional=fields)


def _config():
    treatment = st.fixed_dictionaries({"drug": odd_text.filter(bool), "start": dates},
                                      optional={"end": dates, "dose": odd_text, "indication": odd_text,
                                                "schedule": st.sampled_from(["dupilumab", "default"])})
    return st.fixed_dictionaries({
        "treatments": st.lists(treatment, min_size=1, max_size=2),
        "conditions": st.sampled_from([["alopecia_areata"], ["alopecia_areata", "atopic_dermatitis"]]),
        "density": st.fixed_dictionaries({"zones": st.sampled_from(ZONE_SETS)},
                                         optional={"unit": st.one_of(odd_text, st.sampled_from(MATHTEXT))}),
    }, optional={"title": odd_text, "patient": st.fixed_dictionaries({}, optional={"name": odd_text,
                                                                                  "birth_date": dates}),
                 "photos": st.fixed_dictionaries({"angles": st.sampled_from(ANGLE_SETS)})})


# injections.csv rows: notes with quotes, commas, line breaks and spreadsheet formulas; now and
# then a quote never closed, which check must refuse.
notes = st.one_of(st.sampled_from(['he said "ouch", twice', "=HYPERLINK(\"x\")", "-3", "+1", "@SUM(A1)",
                                   "line\nbreak", ""]), markup)
log_rows = st.lists(st.tuples(st.sampled_from(["2025-01-10", "2025-01-24", "2025-02-07", "2025-13-01"]),
                              st.sampled_from(["dupilumab", "Dupilumab", "=cmd"]),
                              st.sampled_from(["300", "600", "-1"]),
                              st.sampled_from(["thigh_left", "arm_right", ""]), notes), max_size=4)


def log_text(rows: list[tuple], broken: bool) -> str:
    """injections.csv as a spreadsheet writes it (quoted where needed), optionally with an unclosed quote."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["date", "drug", "dose_mg", "site", "note"])
    writer.writerows(rows)
    return buf.getvalue() + ('2025-03-01,dupilumab,300,arm_left,"never closed\n' if broken else "")


journals = st.fixed_dictionaries({
    "config": _config(),
    "sessions": st.dictionaries(st.sampled_from(FOLDERS), _session(), min_size=1, max_size=3),
    "notes": st.dictionaries(st.sampled_from(["2025-01-06", "2025-06-30"]), odd_text, max_size=2),
    "appointment": st.one_of(st.none(), odd_text),
    "photo_sessions": st.sets(st.sampled_from(["2025-01-06", "2025-06-30", FOLDERS[5]]), max_size=2),
}, optional={
    "photo_names": st.lists(st.sampled_from(PHOTO_NAMES), max_size=3, unique=True),
    "injections": st.one_of(st.none(), st.builds(log_text, log_rows, st.sampled_from([False, False, True]))),
})


def write(root: Path, j: dict) -> Path:
    """The generated journal as files; YAML is dumped as text, so odd values arrive as written."""
    root.mkdir(parents=True)
    dump = lambda d: yaml.safe_dump(d, allow_unicode=True, default_flow_style=False)
    (root / "scalpsite.yaml").write_text(dump(j["config"]), encoding="utf-8")
    for folder, session in j["sessions"].items():
        (root / "sessions" / folder).mkdir(parents=True)
        (root / "sessions" / folder / "session.yaml").write_text(dump(session), encoding="utf-8")
    for folder, text in j["notes"].items():
        if (root / "sessions" / folder).is_dir():
            (root / "sessions" / folder / "notes.md").write_text(text, encoding="utf-8")
    for folder in j["photo_sessions"]:
        if (root / "sessions" / folder).is_dir():
            for name in j.get("photo_names") or ["front.jpg"]:
                tiny_photo(root / "sessions" / folder / name, size=(240, 180))
    if j.get("injections") is not None:
        (root / "injections.csv").write_text(j["injections"], encoding="utf-8")
    if j["appointment"] is not None:
        (root / "appointments").mkdir()
        (root / "appointments/2025-07-04.md").write_text(j["appointment"], encoding="utf-8")
    return root


def assert_clean(result, allowed=(0, 1)) -> None:
    assert result.exit_code in allowed, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(j=journals)
def test_whatever_check_passes_build_builds(tmp_path_factory, runner, j):
    """Issue 12 "what to build": a generated journal that check passes builds, PDF included."""
    root = write(tmp_path_factory.mktemp("g") / "j", j)
    checked = runner.invoke(main, ["check", str(root), "--format", "json"])
    assert_clean(checked)
    built = runner.invoke(main, ["build", str(root)])
    if json.loads(checked.output)["errors"] == 0:
        assert_clean(built, allowed=(0,))
        assert (root / "_site/dossier.pdf").is_file() and (root / "_site/data.json").is_file()
    else:
        assert_clean(built)
    exported = runner.invoke(main, ["export", str(root), "--format", "csv"])
    assert_clean(exported)
    if (root / "_site/data.csv").is_file():
        assert_safe_outputs(root / "_site", exported.output)
    shutil.rmtree(root.parent)


# Hostile but valid: what check accepts must build. Fine sessions, then the inputs of round three
# that are allowed: mathtext, capitals, photos in any case, photos named by no angle, close-ups,
# a 60-character suffix, quotes and formulas in a well-formed injection log.
SAFE_SESSION = {"salt": {"top": 60, "back": 30, "left": 20, "right": 25}, "injection_site": "none",
                "side_effects": "none", "ad": {"itch": 3, "easi": 4.5, "poem": 7}}
hostile_valid = st.fixed_dictionaries({
    "zones": st.sampled_from(ZONE_SETS[:4]),
    "unit": st.sampled_from(["FU/cm²", *MATHTEXT]),
    "angles": st.sampled_from(ANGLE_SETS[:2] + [["front"]]),
    "files": st.lists(st.sampled_from(["front.jpg", "Front.jpg", "FRONT.JPG", "IMG_0001.jpg", "Back.jpeg"]),
                      min_size=1, max_size=3, unique_by=str.lower),
    "suffix": st.sampled_from(["", "-followup", "-" + "s" * 60]),
    "log": st.builds(log_text, st.lists(st.tuples(st.sampled_from(["2025-01-10", "2025-01-24", "2025-02-07"]),
                                                  st.just("dupilumab"), st.sampled_from(["300", "600"]),
                                                  st.sampled_from(["thigh_left", "arm_right"]), notes),
                                        max_size=3, unique_by=lambda r: r[0]), st.just(False)),
    "closeup": st.sampled_from(["", "herpes-lesion-upper-lip.jpg"]),
    "medications": st.lists(st.sampled_from(["=1+1", "-dupi", "@x", "plain", "$\\x$"]), max_size=2),
})


def write_valid(root: Path, h: dict) -> Path:
    """A journal of two sessions from the hostile-but-valid draw."""
    zones = h["zones"]
    config = {"treatments": [{"drug": "dupilumab", "start": "2025-01-10"}], "conditions": ["alopecia_areata"],
              "density": {"zones": zones, "unit": h["unit"]}, "photos": {"angles": h["angles"]}}
    session = {**SAFE_SESSION, "density": {z: 50 + i for i, z in enumerate(zones)}, "medications": h["medications"]}
    root = write(root, {"config": config, "notes": {}, "appointment": None, "photo_sessions": set(),
                        "sessions": {"2025-01-06": session, "2025-03-03" + h["suffix"]: session},
                        "injections": h["log"]})
    for folder in (root / "sessions").iterdir():
        for name in h["files"]:
            tiny_photo(folder / name, size=(240, 180))
        if h["closeup"]:
            (folder / "closeups").mkdir()
            tiny_photo(folder / "closeups" / h["closeup"], size=(240, 180))
    return root


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(h=hostile_valid)
def test_hostile_inputs_check_accepts_build(tmp_path_factory, runner, h):
    """Round three: every hostile input check accepts builds, PDF included, and leaks nothing."""
    root = write_valid(tmp_path_factory.mktemp("h") / "j", h)
    checked = runner.invoke(main, ["check", str(root), "--format", "json"])
    assert_clean(checked)
    assert json.loads(checked.output)["errors"] == 0, checked.output
    assert_clean(runner.invoke(main, ["build", str(root)]), allowed=(0,))
    exported = runner.invoke(main, ["export", str(root), "--format", "csv"])
    assert_clean(exported, allowed=(0,))
    assert_safe_outputs(root / "_site", exported.output)
    published = "".join(p.read_bytes().decode("latin-1") for p in (root / "_site").rglob("*") if p.is_file())
    assert "IMG_0001" not in published and "herpes-lesion" not in published
    shutil.rmtree(root.parent)


def assert_safe_outputs(out: Path, exported: str) -> None:
    """What the round-three rules promise of any build: unique CSV columns, no cell a spreadsheet
    runs, no photo published that no page shows."""
    for path in (out / "data.csv", out / "injections.csv"):
        if not path.is_file():
            continue
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert len(rows[0]) == len(set(rows[0])), rows[0]
        assert not [c for row in rows for c in row if c[:1] in ("=", "+", "@", "\t", "\r")], path
    assert exported.startswith("folder,")
    published = {p.name.split(".")[0].lower() for p in (out / "photos").rglob("*.jpg")}
    angles = {a.lower() for a in json.loads((out / "data.json").read_text())["angles"]}
    assert published <= angles, published - angles


# ---------- the attack ----------

def snapshot(top: Path, skip: set[Path]) -> dict[str, str]:
    """Every entry under `top` but `skip`: links by their target text, files by content hash."""
    seen = {}
    for folder, dirs, files in os.walk(top, followlinks=False):
        dirs[:] = [d for d in dirs if Path(folder, d) not in skip]
        for name in dirs + files:
            p = Path(folder, name)
            rel = p.relative_to(top).as_posix()
            if p.is_symlink():
                seen[rel] = "link:" + os.readlink(p)
            elif p.is_file():
                seen[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                seen[rel] = "dir"
    return seen


def attacked_journal(top: Path) -> Path:
    """A journal whose files link outside, whose keys traverse, and whose values are extreme."""
    outside = top / "sentinel"
    outside.mkdir()
    for name in ("notes.md", "session.yaml", "visit.md", "base.html", "style.css", "photo.jpg"):
        (outside / name).write_text(f"{SECRET} {name}\n" if name != "photo.jpg" else "")
    tiny_photo(outside / "photo.jpg")
    root = write(top / "j", {
        "config": {"treatments": [{"drug": "dupilumab", "start": "2025-01-10"}], "theme": "mine",
                   "density": {"zones": ZONES, "unit": "FU/cm²"}},
        "sessions": {"2025-01-06": {"salt": 40, "density": {"frontal": 1e300},
                                    "photos": {"../../../sentinel/front": "front.jpg"}},
                     "2025-03-03": {"salt": {"top": 1e308, "back": 10, "left": 10, "right": 10}},
                     "9999-12-31": {"salt": 1}},
        "notes": {}, "appointment": None, "photo_sessions": {"2025-01-06", "2025-03-03"}})
    (root / "sessions/2025-03-03/notes.md").symlink_to(outside / "notes.md")
    (root / "sessions/2025-04-01").mkdir()
    (root / "sessions/2025-04-01/session.yaml").symlink_to(outside / "session.yaml")
    (root / "sessions/2025-03-03/left.jpg").symlink_to(outside / "photo.jpg")
    (root / "sessions/2025-05-05").symlink_to(outside, target_is_directory=True)
    (root / "appointments").mkdir()
    (root / "appointments/2025-04-02.md").symlink_to(outside / "visit.md")
    for rel, name in (("templates/base.html", "base.html"), ("static/style.css", "style.css")):
        (root / "themes/mine" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "themes/mine" / rel).symlink_to(outside / name)
    return root


def test_attacked_journal_is_untouched_and_nothing_leaks(runner, tmp_path):
    """Issue 12 "done when": links, traversal keys, extreme numbers and dates; the journal's bytes
    are unchanged, nothing outside OUT and the cache is written, no secret reaches OUT."""
    root = attacked_journal(tmp_path)
    out, cache = root / "_site", root / ".scalpsite-cache"
    before = snapshot(tmp_path, {out, cache})
    assert_clean(runner.invoke(main, ["check", str(root)]), allowed=(1,))
    assert_clean(runner.invoke(main, ["build", str(root)]), allowed=(1,))
    assert_clean(runner.invoke(main, ["export", str(root)]))
    assert snapshot(tmp_path, {out, cache}) == before
    (root / "themes").rename(tmp_path / "themes-aside")  # then the theme is not refused: a full build
    (root / "scalpsite.yaml").write_text((root / "scalpsite.yaml").read_text().replace("theme: mine", ""))
    before = snapshot(tmp_path, {out, cache})
    assert_clean(runner.invoke(main, ["build", str(root)]), allowed=(1,))
    assert snapshot(tmp_path, {out, cache}) == before
    published = "".join(p.read_bytes().decode("latin-1") for p in out.rglob("*") if p.is_file())
    assert SECRET not in published
    assert (out / "dossier.pdf").is_file() and (out / "index.html").is_file()
    assert not (tmp_path / "sentinel/front.jpg").exists()
