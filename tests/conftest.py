"""Shared fixtures: tiny journals written into tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

CONFIG = """\
title: Test journal
conditions: [alopecia_areata, atopic_dermatitis]
treatments:
  - drug: dupilumab
    start: 2025-01-10
    schedule: dupilumab
density: {zones: [frontal, crown]}
"""

COMPLETE = """\
salt: {top: 60, back: 30, left: 20, right: 25}
density: {frontal: 120, crown: 60}
ad: {itch: 7, easi: 12.4, poem: [2, 3, 1, 0, 4, 2, 1]}
injection_site: none
side_effects: none
"""

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "example-journal"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> tuple[Path, str]:
    """A copy of the example journal built once per test run (site and PDF): its _site and the
    build's output. Tests read it and never change it."""
    import shutil

    from scalpsite.cli import main

    root = tmp_path_factory.mktemp("example") / "journal"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("_site", ".scalpsite-cache"))
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    return root / "_site", result.output


def write_journal(root: Path, sessions: dict[str, str], config: str = CONFIG, photos: bool = False) -> Path:
    """A journal with the given session.yaml texts; optionally tiny photos for every angle."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "scalpsite.yaml").write_text(textwrap.dedent(config))
    for folder, text in sessions.items():
        d = root / "sessions" / folder
        d.mkdir(parents=True)
        if text is not None:
            (d / "session.yaml").write_text(textwrap.dedent(text))
        if photos:
            n = len(list((root / "sessions").iterdir()))
            for i, angle in enumerate(["overhead", "front", "back", "left", "right"]):
                tiny_photo(d / f"{angle}.jpg", shade=40 * i + 12 * n)
    return root


def tiny_photo(path: Path, size=(1000, 750), shade: int = 0) -> Path:
    """A plain JPEG, distinct per shade, big enough not to be 'too small'."""
    from PIL import Image

    Image.new("RGB", size, (180 - shade // 2, 140, 120 + shade // 3)).save(path, "JPEG")
    return path


@pytest.fixture
def journal(tmp_path):
    """A two-session journal with photos, complete."""
    return write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE}, photos=True)


@pytest.fixture
def runner():
    return CliRunner()


def fixture_script():
    """scripts/make_view_fixtures.py as a module: the journal behind the renderer fixtures."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_view_fixtures", REPO / "scripts/make_view_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
