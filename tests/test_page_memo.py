"""Issue 30: the preview keeps each page with what it read and renders it again only when a read
changed, keeps its photo stage while the photos are unchanged, and updates its output in place.
Whatever the edit, its output is a fresh build's, byte for byte; an edit of one value renders the
few pages that show it and replaces the few files that changed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from longcourse import photo, write_course

from scalpsite.pipeline import build
from scalpsite.previewmemo import PreviewMemo
from scalpsite.render.pagememo import Places


def _yaml(path: Path, change: Callable[[dict], None]) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    change(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _folders(root: Path) -> list[Path]:
    return sorted(p for p in (root / "sessions").iterdir() if (p / "session.yaml").is_file())


def itch(root: Path) -> None:  # another value each time
    def change(doc: dict) -> None:
        ad = doc.setdefault("ad", {})
        ad["itch"] = (ad.get("itch", 0) + 1) % 11

    _yaml(_folders(root)[-2] / "session.yaml", change)


def salt_of_the_first(root: Path) -> None:  # the baseline: every change from it moves
    _yaml(_folders(root)[0] / "session.yaml", lambda d: d.update(salt=71))


def notes(root: Path) -> None:
    (_folders(root)[3] / "notes.md").write_text("New *shedding* after the pause.\n", encoding="utf-8")


def side_effect(root: Path) -> None:
    _yaml(_folders(root)[4] / "session.yaml",
          lambda d: d.update(side_effects=[{"name": "conjunctivitis", "severity": "moderate"}]))


def an_error(root: Path) -> None:  # a finding appears on one session's page and the findings page
    _yaml(_folders(root)[5] / "session.yaml", lambda d: d.update(salt=140))


def the_error_fixed(root: Path) -> None:
    _yaml(_folders(root)[5] / "session.yaml", lambda d: d.update(salt=40))


def a_session_removed(root: Path) -> None:
    shutil.rmtree(_folders(root)[6])


def a_session_added(root: Path) -> None:
    folder = root / "sessions" / "2025-03-19-clinic"
    folder.mkdir()
    (folder / "session.yaml").write_text("salt: 33\nad: {itch: 2}\n", encoding="utf-8")


def the_title(root: Path) -> None:
    _yaml(root / "scalpsite.yaml", lambda d: d.update(title="Our record"))


def a_photo_removed(root: Path) -> None:
    _folders(root)[2].joinpath("left.jpg").unlink()


def a_photo_added(root: Path) -> None:  # a new photo where the last edit removed one
    photo(_folders(root)[2] / "left.jpg", 199)


def a_grey_card(root: Path) -> None:  # the renditions of one photo change (their white balance)
    _yaml(_folders(root)[1] / "session.yaml", lambda d: d.update(photo_meta={"front": {"grey_card": [30, 30, 80, 80]}}))


# Edits of the preview's output, not of the journal: the next build puts back what it makes.
def output_edited(out: Path) -> None:
    (out / "index.html").write_text("edited by hand\n", encoding="utf-8")
    (out / "data.json").write_text("{}", encoding="utf-8")
    (out / "extra.txt").write_text("not made by scalpsite\n", encoding="utf-8")


def output_deleted(out: Path) -> None:
    (out / "data.csv").unlink()
    next((out / "photos").rglob("*.jpg")).unlink()
    shutil.rmtree(out / "angles")


EDITS = [itch, salt_of_the_first, notes, side_effect, an_error, the_error_fixed, a_session_removed,
         a_session_added, the_title, a_photo_removed, a_photo_added, a_grey_card, output_edited, output_deleted,
         itch]


def pages_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}


def files_of(out: Path) -> dict[str, bytes]:
    """Every file of an output folder (its marker too), by path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def courses(tmp_path_factory) -> tuple[Path, Path]:
    """One course twice: built with the memo, and built fresh (its own cache, so never from the other's pages)."""
    base = tmp_path_factory.mktemp("memo")
    kept = write_course(base / "kept", count=9)
    build(kept, base / "out", pdf=False)  # the photo work, done once for both
    shutil.rmtree(kept / ".scalpsite-cache/site")  # the pages are for the tests to render
    fresh = base / "fresh"
    shutil.copytree(kept, fresh)
    return kept, fresh


def built_alike(kept: Path, fresh: Path, tmp_path: Path, memo, name: str) -> dict:
    """Build the kept journal with the preview's memo into tmp_path/kept and the fresh one without
    it into tmp_path/fresh; every output file must be the same. The kept output's files."""
    build(kept, tmp_path / "kept", pdf=False, preview=memo)
    build(fresh, tmp_path / "fresh", pdf=False)
    mine, theirs = files_of(tmp_path / "kept"), files_of(tmp_path / "fresh")
    assert mine.keys() == theirs.keys(), (name, mine.keys() ^ theirs.keys())
    assert [rel for rel in mine if mine[rel] != theirs[rel]] == [], name
    return mine


def test_every_edit_gives_the_output_of_a_fresh_build(courses, tmp_path):
    kept, fresh = courses
    memo = PreviewMemo()
    build(kept, tmp_path / "kept", pdf=False, preview=memo)
    total = memo.pages.rendered
    assert total == len(pages_of(tmp_path / "kept"))  # the first build renders every page
    for edit in EDITS:
        if edit in (output_edited, output_deleted):
            edit(tmp_path / "kept")
        else:
            edit(kept)
            edit(fresh)
        built_alike(kept, fresh, tmp_path, memo, edit.__name__)
        kept_reads = set().union(*(page.reads for page in memo.pages._pages.values()))
        assert memo.pages._values.keys() == memo.pages._uses.keys() == kept_reads  # every read kept, none else
        photo_edit = edit in (a_session_removed, a_session_added, the_title, a_photo_removed, a_photo_added, a_grey_card)
        assert memo.photos.reused is not photo_edit, edit.__name__
        if edit is itch:  # one value of one session: its page, the pages that list it, its chart, the data
            assert 0 < memo.pages.rendered <= 4 < total, (memo.pages.rendered, total)
            assert 0 < memo.out.replaced <= 8, memo.out.replaced


def test_a_failed_build_leaves_the_output_as_it_was(courses, tmp_path):
    """A template that fails: the build raises, and the preview's output and memory are the last
    good build's; the next good build goes on from them."""
    from scalpsite.errors import BuildError

    kept, _ = courses
    memo = PreviewMemo()
    out = tmp_path / "out"
    build(kept, out, pdf=False, preview=memo)
    before = files_of(out)
    templates = kept / "themes/broken/templates"
    templates.mkdir(parents=True)
    (templates / "index.html").write_text("{{ no_such_value.x }}\n", encoding="utf-8")
    _yaml(kept / "scalpsite.yaml", lambda d: d.update(theme="broken"))
    itch(kept)
    try:
        with pytest.raises(BuildError, match="index.html"):
            build(kept, out, pdf=False, preview=memo)
        assert files_of(out) == before
        assert not [p for p in tmp_path.glob(".out.*/**/*") if not p.is_dir()]  # nothing left beside it
    finally:
        shutil.rmtree(kept / "themes")
        _yaml(kept / "scalpsite.yaml", lambda d: d.pop("theme"))
    build(kept, out, pdf=False, preview=memo)
    fresh = tmp_path / "fresh"
    build(kept, fresh, pdf=False)
    assert files_of(out) == files_of(fresh)


def no_injections(root: Path) -> None:  # the doses chart has nothing to draw: it disappears
    (root / "injections.csv").rename(root / "injections.csv.away")


def injections_back(root: Path) -> None:  # and appears again
    (root / "injections.csv.away").rename(root / "injections.csv")


def test_charts_drawn_by_a_worker_give_the_output_of_a_fresh_build(courses, tmp_path):
    """The preview's chart worker (chartaside.py) draws while the pages render; a chart that
    disappears or appears makes the pages render again with what was drawn."""
    from scalpsite.chartaside import ChartAside

    kept, _ = courses
    fresh = tmp_path / "journal"  # the course as it is now, with a cache of photos but of no chart or page
    shutil.copytree(kept, fresh)
    for made in [*(fresh / ".scalpsite-cache").glob("chart-*"), fresh / ".scalpsite-cache/site"]:
        shutil.rmtree(made, ignore_errors=True)
    memo = PreviewMemo(charts=ChartAside())
    assert memo.charts is not None
    memo.charts.start()
    try:
        build(kept, tmp_path / "kept", pdf=False, preview=memo)
        for edit in (itch, no_injections, injections_back, itch, the_title):
            edit(kept)
            edit(fresh)
            mine = built_alike(kept, fresh, tmp_path, memo, edit.__name__)
            assert ("charts/doses.svg" in mine) is (edit is not no_injections), edit.__name__
        assert memo.charts.drawn >= 4  # itch twice, doses back, the title's... by the worker
    finally:
        memo.close()
        if (kept / "injections.csv.away").exists():
            injections_back(kept)


def test_a_preview_started_on_a_built_journal_renders_its_pages_once(courses, tmp_path):
    """The site in the cache was made without the memo: the preview's first build renders the
    pages itself, so that its first save renders only what changed."""
    kept, _ = courses
    build(kept, tmp_path / "site", pdf=False)
    memo = PreviewMemo()
    build(kept, tmp_path / "preview", pdf=False, preview=memo)
    assert memo.pages.rendered == len(pages_of(tmp_path / "preview"))
    assert files_of(tmp_path / "preview") == files_of(tmp_path / "site")
    itch(kept)
    build(kept, tmp_path / "preview", pdf=False, preview=memo)
    assert 0 < memo.pages.rendered <= 4


def test_a_change_of_theme_renders_every_page(courses, tmp_path):
    kept, _ = courses
    memo = PreviewMemo()
    build(kept, tmp_path / "out", pdf=False, preview=memo)
    total = len(pages_of(tmp_path / "out"))
    templates = kept / "themes/mine/templates"
    templates.mkdir(parents=True)
    (templates / "nav.html").write_text("<nav>mine</nav>\n", encoding="utf-8")
    _yaml(kept / "scalpsite.yaml", lambda d: d.update(theme="mine"))
    build(kept, tmp_path / "out", pdf=False, preview=memo)
    assert memo.pages.rendered == total
    assert "<nav>mine</nav>" in (tmp_path / "out/index.html").read_text(encoding="utf-8")
    (templates / "nav.html").write_text("<nav>mine, again</nav>\n", encoding="utf-8")
    build(kept, tmp_path / "out", pdf=False, preview=memo)
    assert memo.pages.rendered == total
    assert "<nav>mine, again</nav>" in (tmp_path / "out/sessions" / f"{_folders(kept)[0].name}.html").read_text(
        encoding="utf-8")
    shutil.rmtree(kept / "themes")
    _yaml(kept / "scalpsite.yaml", lambda d: d.pop("theme"))


# ---------- what a read is compared by ----------

def test_values_that_print_differently_are_different():
    places = Places()
    assert places.value(1) != places.value(1.0) != places.value(True)
    assert places.value(0.0) != places.value(-0.0)
    assert places.value(float("nan")) == places.value(float("nan"))
    assert places.value([1, 2]) != places.value((1, 2))
    assert places.value({"a": 1, "b": 2}) != places.value({"b": 2, "a": 1})  # a template iterates in order


def test_a_view_object_is_compared_by_its_place_and_any_other_by_its_data():
    from scalpsite.analysis.results import FindingOut

    inside = FindingOut(level="warning", code="x", message="m", path="sessions/a", line=None, hint="")
    outside = FindingOut(level="warning", code="x", message="m", path="sessions/b", line=None, hint="")
    places = Places(findings=[inside])
    assert places.value(inside) == ("ref", "findings[0]")
    assert places.value(outside) != places.value(outside.model_copy(update={"path": "sessions/c"}))
    assert places.value(inside.model_dump) != places.value(outside.model_dump)  # a method: its object whole
    assert places.read(("findings[0]", "path")) == places.value("sessions/a")
    assert places.read(("findings[1]", "path")) != places.read(("findings[1]", "path"))  # gone: equal to nothing


# ---------- what the photo stage is kept by ----------

class _Reads:
    """A journal, session record or session that notes every attribute read of it."""

    def __init__(self, obj: object, name: str, reads: set[str]) -> None:
        self._obj, self._name, self._reads = obj, name, reads

    def __getattr__(self, attribute: str):
        self._reads.add(f"{self._name}.{attribute}")
        value = getattr(self._obj, attribute)
        if attribute == "sessions":
            return [_Reads(rec, "record", self._reads) for rec in value]
        if attribute == "session" and value is not None:
            return _Reads(value, "session", self._reads)
        if attribute == "lines":
            return _Lines(value, self._reads)
        return value


class _Lines(dict):
    """A session's lines that note the first part of every key read."""

    def __init__(self, lines: dict, reads: set[str]) -> None:
        super().__init__(lines)
        self._reads = reads

    def get(self, key, default=None):
        self._reads.add(f"lines[{key[0]!r}]")
        return super().get(key, default)

    def __getitem__(self, key):
        self._reads.add(f"lines[{key[0]!r}]")
        return super().__getitem__(key)


def test_the_photo_memo_is_keyed_by_all_the_photo_stage_reads(courses):
    """The photo stage reads of the journal only what the preview's photo memo is keyed by: a
    value it read but the key left out would leave a kept result stale."""
    from scalpsite.journal.load import load
    from scalpsite.photomemo import photo_inputs
    from scalpsite.photos.evidence import Mode
    from scalpsite.prepare import photo_stage

    kept, _ = courses
    yaml_file = next(f for f in _folders(kept) if (f / "back.jpg").is_file()) / "session.yaml"
    # a card outside the photo: its finding names its line
    _yaml(yaml_file, lambda d: d.update(photo_meta={"back": {"grey_card": [2000, 2000, 50, 50]}}))
    try:
        journal, cache = load(kept), kept / ".scalpsite-cache"
        stage, key = set(), set()
        photo_stage(_Reads(journal, "journal", stage), cache, None, Mode.BUILD)  # type: ignore[arg-type]
        photo_inputs(_Reads(journal, "journal", key), cache)  # type: ignore[arg-type]
    finally:
        _yaml(yaml_file, lambda d: d.pop("photo_meta"))
    lines = {read for read in stage if read.startswith("lines[")}
    assert lines == {"lines['photo_meta']"}  # session_inputs keeps the lines under photo_meta
    assert {"record.photos", "record.masks", "session.photo_meta"} <= stage - lines <= key
