"""Issue 30: the preview keeps each page with what it read and renders it again only when a read
changed. Whatever the edit, the pages it writes are those a fresh build writes, byte for byte;
an edit of one value renders the few pages that show it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from longcourse import write_course

from scalpsite.pipeline import build
from scalpsite.render.pagememo import PageMemo, Places


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
    next(f for f in _folders(root) if (f / "left.jpg").is_file()).joinpath("left.jpg").unlink()


EDITS = [itch, salt_of_the_first, notes, side_effect, an_error, the_error_fixed, a_session_removed,
         a_session_added, the_title, a_photo_removed, itch]


def pages_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}


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


def test_every_edit_gives_the_pages_of_a_fresh_build(courses, tmp_path):
    kept, fresh = courses
    memo = PageMemo()
    build(kept, tmp_path / "kept", pdf=False, pages=memo)
    total = memo.rendered
    assert total == len(pages_of(tmp_path / "kept"))  # the first build renders every page
    for edit in EDITS:
        edit(kept)
        edit(fresh)
        build(kept, tmp_path / "kept", pdf=False, pages=memo)
        build(fresh, tmp_path / "fresh", pdf=False)
        mine, theirs = pages_of(tmp_path / "kept"), pages_of(tmp_path / "fresh")
        assert mine.keys() == theirs.keys(), edit.__name__
        stale = [rel for rel in mine if mine[rel] != theirs[rel]]
        assert stale == [], (edit.__name__, stale)
        if edit is itch:  # one value of one session: its page, and the pages that list it
            assert 0 < memo.rendered <= 4 < total, (memo.rendered, total)


def test_a_preview_started_on_a_built_journal_renders_its_pages_once(courses, tmp_path):
    """The site in the cache was made without the memo: the preview's first build renders the
    pages itself, so that its first save renders only what changed."""
    kept, _ = courses
    build(kept, tmp_path / "site", pdf=False)
    memo = PageMemo()
    build(kept, tmp_path / "preview", pdf=False, pages=memo)
    assert memo.rendered == len(pages_of(tmp_path / "preview"))
    assert pages_of(tmp_path / "preview") == pages_of(tmp_path / "site")
    itch(kept)
    build(kept, tmp_path / "preview", pdf=False, pages=memo)
    assert 0 < memo.rendered <= 4


def test_a_change_of_theme_renders_every_page(courses, tmp_path):
    kept, _ = courses
    memo = PageMemo()
    build(kept, tmp_path / "out", pdf=False, pages=memo)
    total = len(pages_of(tmp_path / "out"))
    templates = kept / "themes/mine/templates"
    templates.mkdir(parents=True)
    (templates / "nav.html").write_text("<nav>mine</nav>\n", encoding="utf-8")
    _yaml(kept / "scalpsite.yaml", lambda d: d.update(theme="mine"))
    build(kept, tmp_path / "out", pdf=False, pages=memo)
    assert memo.rendered == total
    assert "<nav>mine</nav>" in (tmp_path / "out/index.html").read_text(encoding="utf-8")
    (templates / "nav.html").write_text("<nav>mine, again</nav>\n", encoding="utf-8")
    build(kept, tmp_path / "out", pdf=False, pages=memo)
    assert memo.rendered == total
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
