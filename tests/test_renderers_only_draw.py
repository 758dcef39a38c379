"""Issue 13: renderers only draw. Thresholds, labels and rules come from the analysis, and the
import graph points down the pipeline (journal -> photos -> analysis -> render -> output -> store)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import REPO

SRC = REPO / "src/scalpsite"
THEME = REPO / "themes/default"
RENDERERS = ["render/site.py", "render/charts.py", "render/dossier.py"]  # the ones that draw a whole output
RENDER_MODULES = sorted(str(p.relative_to(SRC)) for p in (SRC / "render").glob("*.py") if p.name != "__init__.py")
SCRIPTS = sorted([*THEME.glob("static/*.js"), *THEME.glob("unlock/*.js")])
# The numbers the analysis uses as thresholds, windows and scale ends of bands (SALT 20/10,
# S-classes 25..95, itch 4, POEM 3, ADCT 7 and 5, ClinRO and PGI-C 2, kept after 28 days, no
# response before 183 days, injection windows 3 and 7, psychosocial 6).
THRESHOLDS = re.compile(r"(?<![\w.#-])(2|3|4|5|6|7|10|20|25|28|30|50|75|90|95|183|0\.25)(?![\w.%])")
# Numbers that renderers still type themselves (page, number, the words around it): none since the
# measure registry gives every scale, label and threshold; a new one fails the test.
TYPED_BY_RENDERERS: set[tuple[str, str, str]] = set()
# store/ (lock, cache, staging, publish) is the build's infrastructure: it keeps and publishes what
# the stages made (a sealed build encrypts through output/), and no stage imports it.
LAYERS = {"journal": 1, "photos": 2, "analysis": 3, "render": 4, "output": 5, "store": 6}
# The command layer above the stages: no stage imports it.
ENTRY_MODULES = {"cli", "cli_options", "cli_errors", "console", "pipeline", "prepare", "readonly", "renderstage", "serve",
                 "previewhttp", "previewloop", "previewpage", "reference", "passwords_cli"}


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
    forbidden = {"scalpsite.analysis.scores", "scalpsite.analysis.response.milestones", "scalpsite.analysis.analyze",
                 "scalpsite.analysis.summary"} | {module_of(SRC / r) for r in RENDERERS if r != renderer}
    assert not imports(SRC / renderer) & forbidden


# What a renderer may take from the analysis: words for keys, and the typed results it draws.
DRAWABLE = {"scalpsite.analysis.labels", "scalpsite.analysis.results"}


@pytest.mark.parametrize("module", RENDER_MODULES)
def test_no_render_module_imports_a_rule(module):
    """Every module of render/ draws what the analysis decided: it imports no scoring, band,
    response, schedule or check module of the analysis, only its labels and result types."""
    analysis = {m for m in imports(SRC / module) if m.startswith("scalpsite.analysis.")}
    rules = {m for m in analysis if ".".join(m.split(".")[:3]) not in DRAWABLE}
    assert rules == set()


def test_every_render_module_and_script_is_looked_at():
    """The lists below cover the whole of render/ and every script of the theme."""
    assert {"render/site.py", "render/view.py", "render/format.py", "render/notes.py"} <= set(RENDER_MODULES)
    assert {p.name for p in SCRIPTS} >= {"charts.js", "compare.js", "unlock.js"}


@pytest.mark.parametrize("checker", ["analysis/checks/check.py", "analysis/checks/photocheck.py"])
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
        if theirs is None and b[1] in ENTRY_MODULES:
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
    """The string constants of a module that can reach a page: docstrings are not printed."""
    tree = ast.parse(path.read_text())
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return " ".join(n.value for n in ast.walk(tree)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs)


def script_strings(text: str) -> str:
    """The string literals of a JavaScript file that hold words: what it can put on a page (a bare
    number such as a slider's "50" sets a control and says nothing)."""
    text = re.sub(r"/\*.*?\*/|(?<![:\\])//[^\n]*", "", text, flags=re.S)
    literals = [m.group(0)[1:-1] for m in re.finditer(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", text)]
    return " ".join(x for x in literals if re.search("[A-Za-z]", x))


def printed_text() -> list[tuple[str, str]]:
    texts = [(p.name, visible_template_text(p.read_text())) for p in sorted((THEME / "templates").glob("*.html"))]
    texts += [(p.name, typst_text(p.read_text())) for p in [THEME / "dossier.typ", *sorted((THEME / "typst").glob("*.typ"))]]
    texts += [(r, python_strings(SRC / r)) for r in RENDER_MODULES]
    texts += [(p.name, script_strings(p.read_text())) for p in SCRIPTS]
    return texts


def typed_numbers() -> list[tuple[str, str, str]]:
    """(page, number, the text around it) for every threshold-like number a renderer prints itself."""
    return [(name, m.group(0), " ".join(text[max(0, m.start() - 45):m.end() + 45].split()))
            for name, text in printed_text() for m in THRESHOLDS.finditer(text)]


def known(found: tuple[str, str, str]) -> bool:
    return any(found[:2] == k[:2] and k[2] in found[2] for k in TYPED_BY_RENDERERS)


def test_no_threshold_is_typed_into_a_renderer():
    """Every threshold reaches a page from the analysis: templates, typst, the render modules and
    the theme's scripts print none of their own (beyond the listed ones, which only go away)."""
    found = typed_numbers()
    assert [f for f in found if not known(f)] == []
    assert [k for k in TYPED_BY_RENDERERS if not any(known(f) and f[:2] == k[:2] for f in found)] == []


STRINGS = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
NUMBER = r"-?\d+(?:\.\d+)?(?![\w.%])"
FIELD = r"(?<![\w.])[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+"  # a value read from the data: s.salt, d.x.y
COMPARED = re.compile(rf"(?P<a>{FIELD})\s*(?:<=|>=|===|!==|==|!=|<|>)\s*(?P<n>{NUMBER})|"
                      rf"(?<![\w.])(?P<m>{NUMBER})\s*(?:<=|>=|===|!==|==|!=|<|>)\s*(?P<b>{FIELD})")


def template_code(text: str) -> list[str]:
    """The expressions and statements of a jinja2 template, string literals removed."""
    return [STRINGS.sub("''", m.group(0)) for m in re.finditer(r"\{\{.*?\}\}|\{%.*?%\}", text, flags=re.S)]


def code_of(path: Path) -> str:
    """A typst file or a script without its comments and string literals: its logic only."""
    text = path.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"(?<![:\\])//[^\n]*", "", text)
    return STRINGS.sub("''", text)


def compared_with_numbers(text: str) -> list[str]:
    """Comparisons of a data value with a number other than 0 and 1 (empty, one, a sign): a rule."""
    found = []
    for m in COMPARED.finditer(text):
        field, number = (m["a"], m["n"]) if m["a"] else (m["b"], m["m"])
        if float(number) not in (0, 1) and not field.endswith((".length", ".len")):
            found.append(m.group(0))
    return found


@pytest.mark.parametrize("template", sorted(p.name for p in (THEME / "templates").glob("*.html")))
def test_template_code_holds_no_number_but_0_and_1(template):
    """A number in a template's logic is a rule or a label in disguise; the only ones a template
    needs are 0 and 1 (first, empty) and the decimals it asks num() for."""
    numbers = []
    for code in template_code((THEME / "templates" / template).read_text()):
        code = re.sub(r"\b(?:num|round)\(\s*\d\s*\)", "", code)
        numbers += [n for n in re.findall(rf"(?<![\w.]){NUMBER}", code) if float(n) not in (0, 1)]
    assert numbers == []


@pytest.mark.parametrize("source, text", [
    ("{% if s.salt <= 20 %}", ["s.salt <= 20"]), ("if 95 <= d.x.salt {", ["95 <= d.x.salt"]),
    ("if d.injections.pending > 0 [", []), ("if rows.len() == 3 {", []), ("imgs.length !== 2", []),
    ("(x, y) => if x > 3 { left }", []), ("width: 12pt", []),
])
def test_compared_with_numbers(source, text):
    """The rule below sees a data value held against a number, and not counts, columns or sizes."""
    assert compared_with_numbers(source) == text


def renderer_comparisons() -> list[tuple[str, str]]:
    """(file, comparison) for every data value a template, typst file, script or render module holds
    against a number of its own."""
    found = [(p.name, c) for p in sorted((THEME / "templates").glob("*.html"))
             for code in template_code(p.read_text()) for c in compared_with_numbers(code)]
    typst = [THEME / "dossier.typ", *sorted((THEME / "typst").glob("*.typ")), *SCRIPTS]
    found += [(p.name, c) for p in typst for c in compared_with_numbers(code_of(p))]
    for module in RENDER_MODULES:
        for node in ast.walk(ast.parse((SRC / module).read_text())):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            numbers = [x.value for x in sides if isinstance(x, ast.Constant) and type(x.value) in (int, float)]
            data = any(isinstance(x, (ast.Attribute, ast.Subscript)) for x in sides)
            if data and any(v not in (0, 1) for v in numbers):
                found.append((module, ast.unparse(node)))
    return found


def test_no_renderer_holds_a_data_value_against_a_number():
    """Whether a value meets a threshold is decided in the analysis; a renderer only reads the
    answer (`met`, `band`, `status`), in templates, typst, scripts and Python alike."""
    assert renderer_comparisons() == []


LABEL_TABLE = re.compile(r"(\b\w*LABELS\s*=\s*[{(]|\(\s*\w+:\s*\"[^\"]+\",\s*\w+:\s*\")")


def test_no_label_table_in_a_renderer():
    """Labels of keys (milestones, responses, phases, labs) are decided in the analysis."""
    sources = [(p.name, p.read_text()) for p in [*(THEME / "templates").glob("*.html"), *(THEME / "typst").glob("*.typ")]]
    sources += [(r, (SRC / r).read_text()) for r in RENDER_MODULES]
    sources += [(p.name, p.read_text()) for p in SCRIPTS]
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


def picks_by_a_rule(path: Path) -> list[str]:
    """Where a module chooses by a rule of its own: min, max or sorted with a key (the nearest, the
    latest, the best), or date arithmetic."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max", "sorted") \
                and any(k.arg == "key" for k in node.keywords):
            found.append(ast.unparse(node))
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and path.name != "charts.py":  # the charts' date axes
            found += [a.name for a in node.names if "datetime" in (a.name, getattr(node, "module", None))]
    return found


@pytest.mark.parametrize("module", RENDER_MODULES)
def test_no_render_module_picks_what_to_show(module):
    """Which sessions a comparison, a timeline or an angle's pair shows is decided once in the
    analysis (analysis/photoplan.py), typed in its results: render/ draws the plan it is given."""
    assert picks_by_a_rule(SRC / module) == []


def test_picks_by_a_rule_sees_a_choice(tmp_path):
    """The rule above finds the midway pick that render/view.py once made itself."""
    source = tmp_path / "view.py"
    source.write_text("import datetime as dt\n"
                      "def middle(inner, mid):\n    return min(inner, key=lambda s: abs(s.date - mid))\n")
    assert picks_by_a_rule(source) == ["datetime", "min(inner, key=lambda s: abs(s.date - mid))"]
