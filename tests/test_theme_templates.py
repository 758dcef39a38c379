"""A template of the journal's own theme that no page uses is a warning naming it: a misspelt
name, or one of the templates renamed in this version, would otherwise be silently left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import COMPLETE, CONFIG, write_journal

from scalpsite.cli import main

THEMED = CONFIG + "theme: mine\n"


def themed(tmp_path: Path, templates: dict[str, str]) -> Path:
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config=THEMED)
    folder = root / "themes/mine/templates"
    folder.mkdir(parents=True)
    for name, text in templates.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return root


def unused(runner, root: Path) -> list[dict]:
    result = runner.invoke(main, ["check", str(root), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return [f for f in json.loads(result.output)["findings"] if f["code"] == "theme-template-unused"]


def test_a_misspelt_and_a_renamed_template_are_named(runner, tmp_path):
    root = themed(tmp_path, {"sesion.html": "x", "summary-photo-salt.html": "x", "nav.html": "<nav></nav>"})
    found = unused(runner, root)
    assert [f["path"] for f in found] == ["themes/mine/templates/sesion.html",
                                          "themes/mine/templates/summary-photo-salt.html"]
    assert all(f["level"] == "warning" and "rename it" in f["hint"] for f in found)


@pytest.mark.parametrize("include", ['{% include "parts/footer.html" %}', "{%- include 'parts/footer.html' -%}",
                                     '{% import "parts/footer.html" as f %}', '{% from "parts/footer.html" import x %}'])
def test_a_template_the_theme_includes_is_used(runner, tmp_path, include):
    base = "{% extends \"!default/base.html\" %}{% block scripts %}" + include + "{% endblock %}"
    root = themed(tmp_path, {"base.html": base, "parts/footer.html": "<p>mine</p>"})
    assert unused(runner, root) == []


def test_an_include_through_a_variable_cannot_be_followed_and_is_not_judged(runner, tmp_path):
    root = themed(tmp_path, {"nav.html": "{% include page ~ '.html' %}", "anything.html": "x"})
    assert unused(runner, root) == []


def test_the_default_theme_uses_every_template_it_ships(runner, tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    assert unused(runner, root) == []


def test_the_build_says_it_too(runner, tmp_path):
    root = themed(tmp_path, {"sesion.html": "x"})
    result = runner.invoke(main, ["build", str(root), "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert "themes/mine/templates/sesion.html" in result.output and "theme-template-unused" in result.output
