"""The package's layout says what it holds: small modules, one name per thing, every folder a package."""

from __future__ import annotations

import ast
from collections import defaultdict

from conftest import REPO

SRC = REPO / "src/scalpsite"
MODULES = sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)
MAX_LINES = 400
# File names that two packages may share: each package's entry point.
SHARED_NAMES = {"__init__.py"}
# Names of classes that must be said once, with what they are (the journal's Session and the
# analysis' SessionResult; ValidationProblem and PreviewProblem).
ONE_CLASS = {"Session", "Problem"}


def test_no_module_is_over_400_lines():
    """Modules stay under about 400 lines (STYLE.md), so each holds one concept."""
    long = {str(p.relative_to(SRC)): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, long


def test_no_two_modules_share_a_file_name():
    """A file name names one module (there were two injections.py, one of them the adherence)."""
    where = defaultdict(list)
    for p in MODULES:
        if p.name not in SHARED_NAMES:
            where[p.name].append(str(p.relative_to(SRC)))
    assert {name: paths for name, paths in where.items() if len(paths) > 1} == {}


def test_session_and_problem_are_each_one_class():
    """At most one class named Session or Problem in the package (a model made by create_model
    under a TYPE_CHECKING twin counts once per module)."""
    found = defaultdict(set)
    for p in MODULES:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name in ONE_CLASS:
                found[node.name].add(str(p.relative_to(SRC)))
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in ONE_CLASS
                                                      for t in node.targets):
                found[next(t.id for t in node.targets if isinstance(t, ast.Name))].add(str(p.relative_to(SRC)))
    assert {name: paths for name, paths in found.items() if len(paths) > 1} == {}
    assert found["Session"] == {"journal/models.py"}


def test_every_folder_of_the_package_is_a_package():
    """Every folder holding modules has its __init__.py, so the wheel and the imports find it."""
    folders = {p.parent for p in MODULES}
    assert sorted(str(f.relative_to(SRC)) for f in folders if not (f / "__init__.py").is_file()) == []


def test_build_infrastructure_and_output_formats_are_apart():
    """output/ holds what a build writes (export, FHIR, bundle, encryption); store/ holds how it is
    kept and published (lock, cache, staging, the swap into OUT)."""
    output = {p.stem for p in (SRC / "output").glob("*.py")}
    store = {p.stem for p in (SRC / "store").glob("*.py")}
    assert {"export", "fhir", "bundle", "encrypt"} <= output
    assert {"lock", "guard", "memo", "carry", "publish", "uptodate", "sealed"} <= store
    assert not output & store - {"__init__"}
