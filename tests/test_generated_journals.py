"""Issue 12: generated journals. Whatever `check` passes, `build` builds; an attacked journal is
left as it was, nothing is written outside OUT and the cache, and nothing outside is published."""

from __future__ import annotations

import datetime as dt
import hashlib
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
        "density": st.dictionaries(st.sampled_from(ZONES + ["other"]), st.one_of(st.none(), number(0, 300)),
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
            st.sampled_from(["overhead", "../x", "extra", "a/b"]),
            st.sampled_from(["front.jpg", "../../scalpsite.yaml", "nope.jpg"]), max_size=1)),
    }
    return st.fixed_dictionaries({}, optional=fields)


def _config():
    treatment = st.fixed_dictionaries({"drug": odd_text.filter(bool), "start": dates},
                                      optional={"end": dates, "dose": odd_text, "indication": odd_text,
                                                "schedule": st.sampled_from(["dupilumab", "default"])})
    return st.fixed_dictionaries({
        "treatments": st.lists(treatment, min_size=1, max_size=2),
        "conditions": st.sampled_from([["alopecia_areata"], ["alopecia_areata", "atopic_dermatitis"]]),
        "density": st.fixed_dictionaries({"zones": st.just(ZONES)}, optional={"unit": odd_text}),
    }, optional={"title": odd_text, "patient": st.fixed_dictionaries({}, optional={"name": odd_text,
                                                                                  "birth_date": dates})})


journals = st.fixed_dictionaries({
    "config": _config(),
    "sessions": st.dictionaries(st.sampled_from(["2024-12-01", "2025-01-06", "2025-02-03-followup",
                                                 "2025-06-30", "9999-12-31"]), _session(), min_size=1, max_size=3),
    "notes": st.dictionaries(st.sampled_from(["2025-01-06", "2025-06-30"]), odd_text, max_size=2),
    "appointment": st.one_of(st.none(), odd_text),
    "photo_sessions": st.sets(st.sampled_from(["2025-01-06", "2025-06-30"]), max_size=2),
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
            tiny_photo(root / "sessions" / folder / "front.jpg", size=(240, 180))
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
    assert_clean(runner.invoke(main, ["export", str(root), "--format", "csv"]))
    shutil.rmtree(root.parent)


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
