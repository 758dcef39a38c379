"""Issue 13, "Type checking in CI": mypy passes on src/scalpsite with the [tool.mypy] settings of
pyproject.toml, and those settings ignore nothing wholesale.

mypy writes no cache (nothing in the checkout, nothing a later run reads), so every run checks
from scratch: conftest starts it as soon as the tests are collected, beside the others.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from conftest import REPO

PYPROJECT = REPO / "pyproject.toml"
# A `type: ignore` must name its error code and say why after it: `# type: ignore[code]  # why`.
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<code>\[[^\]]+\])?(?P<rest>.*)$")


def mypy_settings() -> dict:
    """The [tool.mypy] table of pyproject.toml."""
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["mypy"]


def test_mypy_finds_no_errors(mypy_report):
    """Issue 13: mypy on src/scalpsite reports no error (the report is printed when it does)."""
    code, report = mypy_report
    assert code == 0, f"mypy found errors:\n{report}"
    assert report.startswith("Success: no issues found"), report


def test_mypy_checks_the_whole_package():
    """Issue 13: the settings check every module of src/scalpsite, function bodies included."""
    settings = mypy_settings()
    assert settings["files"] == ["src/scalpsite"]
    assert settings["python_version"] == "3.11"
    assert settings["check_untyped_defs"] is True
    assert "ignore-without-code" in settings["enable_error_code"]
    assert not {"ignore_missing_imports", "ignore_errors", "follow_imports"} & settings.keys()


def test_overrides_name_their_modules():
    """Issue 13: an override names modules one by one and never turns every error off."""
    for override in mypy_settings().get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        assert all("*" not in m for m in modules), override
        assert not override.get("ignore_errors"), override
        if override.get("ignore_missing_imports") or override.get("follow_imports"):  # third-party modules only:
            assert not any(m.startswith("scalpsite") for m in modules), override  # untyped, or not worth reading


def unexplained_ignores(text: str) -> list[str]:
    """The lines of a source text whose `type: ignore` lacks an error code or a reason."""
    found = [(line, IGNORE.search(line)) for line in text.splitlines()]
    return [line for line, m in found if m and not (m["code"] and m["rest"].strip().startswith("#"))]


@pytest.mark.parametrize("line, bad", [
    ("x = f()  # type: ignore", True),
    ("x = f()  # type: ignore[arg-type]", True),
    ("x = f()  # type: ignore[arg-type]  # the stub says str; it takes bytes too", False),
    ("x = f()  # a comment", False),
])
def test_unexplained_ignores_are_found(line, bad):
    """Issue 13: the rule below reads an ignore as its author wrote it."""
    assert unexplained_ignores(line) == ([line] if bad else [])


def test_every_type_ignore_has_a_code_and_a_reason():
    """Issue 13: no `# type: ignore` in src/ without an error code and a reason."""
    offenders = {str(p.relative_to(REPO)): bad for p in sorted((REPO / "src").rglob("*.py"))
                 if (bad := unexplained_ignores(p.read_text(encoding="utf-8")))}
    assert offenders == {}
