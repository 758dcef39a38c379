"""Issue 13: renderers only draw. Thresholds, labels and rules come from the analysis, and the
import graph points down the pipeline (journal -> photos -> analysis -> render -> output)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import REPO

SRC = REPO / "src/scalpsite"
THEME = REPO / "themes/default"
RENDERERS = ["render/site.py", "render/charts.py", "render/dossier.py"]
THRESHOLDS = re.compile(r"(?<![\w.#-])(4|3|30|50|75|90|0\.25)(?![\w.%])")
LAYERS = {"journal": 1, "photos": 2, "analysis": 3, "render": 4, "output": 5}


def imports(path: Path) -> set[str]:
    """Every scalpsite module a source file imports (module-level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scalpsite"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("scalpsite"))
    return found


def module_of(path: Path) -> str:
    return "scalpsite." + ".".join(path.relative_to(SRC).with_suffix("").parts)


def package_imports() -> list[tuple[str, str]]:
    """(importer, imported) for every module of the package."""
    return [(module_of(p), m) for p in sorted(SRC.rglob("*.py")) for m in sorted(imports(p))]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_no_renderer_imports_rules_or_another_renderer(renderer):
    """No renderer imports scores, response, analyze or another renderer."""
    forbidden = {"scalpsite.analysis.scores", "scalpsite.analysis.response", "scalpsite.analysis.analyze",
                 "scalpsite.analysis.summary"} | {module_of(SRC / r) for r in RENDERERS if r != renderer}
    assert not imports(SRC / renderer) & forbidden


@pytest.mark.parametrize("checker", ["analysis/check.py", "analysis/photocheck.py"])
def test_check_does_not_import_the_analysis(checker):
    """check and photocheck sit beside the analysis, not on it (their helpers are in journal/)."""
    assert not {m for m in imports(SRC / checker) if m.startswith("scalpsite.analysis.analyze")}


def test_imports_point_down_the_pipeline():
    """A subpackage imports only from itself and the stages before it; none imports the CLI layer."""
    wrong = []
    for importer, imported in package_imports():
        a, b = importer.split("."), imported.split(".")
        if len(a) < 3 or len(b) < 2:
            continue
        mine, theirs = LAYERS.get(a[1]), LAYERS.get(b[1])
        if mine is None:
            continue
        if theirs is None and b[1] in {"cli", "console", "pipeline", "serve", "reference", "passwords_cli"}:
            wrong.append((importer, imported))
        elif theirs is not None and theirs > mine:
            wrong.append((importer, imported))
    assert wrong == []


def visible_template_text(text: str) -> str:
    """What a jinja2 template writes itself: no tags, expressions, statements or comments."""
    for pattern in (r"\{#.*?#\}", r"\{%.*?%\}", r"\{\{.*?\}\}", r"<[^>]*>"):
        text = re.sub(pattern, " ", text, flags=re.S)
    return text


def typst_text(text: str) -> str:
    """The strings and content blocks of a typst file: what it prints rather than how it lays out."""
    text = re.sub(r"//.*", "", text)
    return " ".join(re.findall(r'"[^"\n]*"', text) + re.findall(r"\[[^\[\]]*\]", text))


def python_strings(path: Path) -> str:
    return " ".join(n.value for n in ast.walk(ast.parse(path.read_text()))
                    if isinstance(n, ast.Constant) and isinstance(n.value, str))


def printed_text() -> list[tuple[str, str]]:
    texts = [(p.name, visible_template_text(p.read_text())) for p in sorted((THEME / "templates").glob("*.html"))]
    texts += [(p.name, typst_text(p.read_text())) for p in [THEME / "dossier.typ", *sorted((THEME / "typst").glob("*.typ"))]]
    texts += [(r, python_strings(SRC / r)) for r in RENDERERS]
    return texts


def test_no_threshold_is_typed_into_a_renderer():
    """4, 3, 30, 50, 75, 90, 0.25: every threshold reaches a page from the analysis."""
    found = [(name, m.group(0), text[max(0, m.start() - 30):m.end() + 30])
             for name, text in printed_text() for m in THRESHOLDS.finditer(text)]
    assert found == []


LABEL_TABLE = re.compile(r"(\b\w*LABELS\s*=\s*[{(]|\(\s*\w+:\s*\"[^\"]+\",\s*\w+:\s*\")")


def test_no_label_table_in_a_renderer():
    """Labels of keys (milestones, responses, phases, labs) are decided in the analysis."""
    sources = [(p.name, p.read_text()) for p in [*(THEME / "templates").glob("*.html"), *(THEME / "typst").glob("*.typ")]]
    sources += [(r, (SRC / r).read_text()) for r in RENDERERS]
    assert [(name, m.group(0)) for name, text in sources for m in LABEL_TABLE.finditer(text)] == []


def test_chart_summary_and_data_agree_on_the_target(runner, tmp_path):
    """A session before the baseline made the chart draw itch's target at 5 and the summary at 2."""
    import json
    import xml.etree.ElementTree as ET

    from conftest import write_journal

    from scalpsite.cli import main

    sessions = {"2024-12-01": "ad: {itch: 9}\n", "2025-01-06": "ad: {itch: 6, easi: 20}\n",
                "2025-03-03": "ad: {itch: 1, easi: 4}\n"}
    root = write_journal(tmp_path / "j", sessions)
    assert runner.invoke(main, ["build", str(root), "--no-pdf"]).exit_code in (0, 1)
    data = json.loads((root / "_site/data.json").read_text())
    itch = next(m for m in data["summary"]["ad_measures"] if m["key"] == "itch")
    easi = next(m for m in data["summary"]["ad_measures"] if m["key"] == "easi")
    assert (itch["baseline"], itch["target"]["value"], itch["target"]["met"]) == (6, 2, True)
    assert easi["target"]["value"] == 5.0  # EASI-75 from the baseline 20, not from the first value
    svg = ET.parse(root / "_site/charts/ad.svg")
    labels = {g.get("id"): " ".join(t.text or "" for t in g.iter("{http://www.w3.org/2000/svg}text"))
              for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("id", "").startswith("target-")}
    assert labels["target-itch-label"].strip() == f"{itch['target']['label']}: 2"
    assert labels["target-easi-label"].strip() == f"{easi['target']['label']}: 5"
    index = (root / "_site/index.html").read_text()
    assert "met</span> <span class=\"sub\">(−4 points)" in index
