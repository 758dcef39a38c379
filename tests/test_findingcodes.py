"""Finding codes defined once (findingtable.py): the docs made from them, every code the code emits
registered at its level, every example giving its code, and warnings (never errors) silenced."""

import datetime as dt
import json
import re

import pytest
from conftest import COMPLETE, CONFIG, REPO, write_journal

from scalpsite.cli import main
from scalpsite.findingcodes import CODES, COMMAND, markdown
from scalpsite.findings import Level
from scalpsite.pipeline import check_journal

SRC = REPO / "src" / "scalpsite"
TODAY = dt.date(2025, 3, 10)
EMITTED = [  # how the code creates findings: (pattern, level of the code it captures)
    (re.compile(r"\berror\(\s*\"([a-z0-9-]+)\""), Level.ERROR),
    (re.compile(r"\bwarning\(\s*\"([a-z0-9-]+)\""), Level.WARNING),
    (re.compile(r"Level\.INFO, \"([a-z0-9-]+)\""), Level.INFO),
    (re.compile(r"\"code\": \"([a-z0-9-]+)\""), Level.ERROR),  # mask jobs: evidence.py makes them errors
    (re.compile(r"\bExpected\(\s*\"([a-z0-9-]+)\""), Level.WARNING),  # a measure's entry: check warns when it is missing
    # a measure's own rule: its entry declares the code and its level, the rule makes it with Code.finding
    (re.compile(r"\bCode\(\s*\"([a-z0-9-]+)\", Level\.ERROR\b"), Level.ERROR),
    (re.compile(r"\bCode\(\s*\"([a-z0-9-]+)\", Level\.WARNING\b"), Level.WARNING),
]


def emitted() -> dict[str, set[Level]]:
    """Every code the source creates a finding with, and at which levels."""
    found: dict[str, set[Level]] = {}
    for path in SRC.rglob("*.py"):
        if path.name in ("findingtable.py", "findingcodes.py"):
            continue
        for pattern, level in EMITTED:
            for code in pattern.findall(path.read_text()):
                found.setdefault(code, set()).add(level)
    return found


def test_docs_findings_is_current():
    """docs/findings.md is what the registry prints; regenerate it with the command it names."""
    assert (REPO / "docs" / "findings.md").read_text() == markdown(), f"run: {COMMAND}"


def test_every_code_the_code_emits_is_registered_at_its_level():
    codes = emitted()
    assert len(codes) > 60
    assert {c: levels for c, levels in codes.items() if c not in CODES} == {}
    assert {c: levels for c, levels in codes.items() if levels != {CODES[c].level}} == {}
    assert sorted(set(CODES) - set(codes)) == []  # no entry for a code nothing emits


def test_every_entry_is_written_out():
    for code in CODES.values():
        for text in (code.what, code.why, code.fix):
            assert text.endswith((".", ")", "`")) and (text[0].isupper() or text.startswith(("scalpsite", "`"))), \
                (code.code, text)
        assert code.example


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The journal the examples are written into: no finding of its own."""
    root = write_journal(tmp_path_factory.mktemp("base") / "j", {"2025-01-06": COMPLETE, "2025-03-03": COMPLETE},
                         photos=True)
    assert check_journal(root, TODAY) == []
    return root


FILE_EXAMPLES = sorted(c for c, code in CODES.items() if isinstance(code.example, tuple))


def test_most_codes_have_an_example_file_that_is_tested():
    assert len(FILE_EXAMPLES) >= 44


@pytest.mark.parametrize("code", FILE_EXAMPLES)
def test_each_example_gives_its_code(base, tmp_path, code):
    """The example, added to the example journal, gives the finding it documents. The copy keeps the
    cache `base`'s check left (the facts of its ten photos, keyed by their content), so only what the
    example adds or changes is read again."""
    import shutil

    root = tmp_path / "j"
    shutil.copytree(base, root, ignore=shutil.ignore_patterns("*.lock"))
    path, text = CODES[code].example
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as f:
        f.write(text)
    found = {f.code: f.level for f in check_journal(root, TODAY)}
    assert found.get(code) is CODES[code].level, (code, found)


def test_check_ignore_silences_warnings_given_on_the_command_line(runner, tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-01-20": COMPLETE + "densty: 1\n"})
    every = json.loads(runner.invoke(main, ["check", str(root), "--format", "json", "--as-of", "2025-01-21"]).output)
    assert {"missing-photo", "unknown-key"} <= {f["code"] for f in every["findings"]}
    result = runner.invoke(main, ["check", str(root), "--format", "json", "--as-of", "2025-01-21",
                                  "--ignore", "missing-photo,session-overdue", "--ignore", "duplicate-date"])
    fewer = json.loads(result.output)
    assert {f["code"] for f in fewer["findings"]} == {"unknown-key"} and fewer["warnings"] == 0
    assert result.exit_code == 1  # the error is still there


@pytest.mark.parametrize("code, message", [
    ("unknown-key", "Error: Invalid value for '--ignore': 'unknown-key' is an error, and only warnings can be "
                    "ignored: fix what it names"),
    ("framing-drif", "Error: Invalid value for '--ignore': 'framing-drif' is not a finding code (did you mean "
                     "'framing-drift'?); docs/findings.md lists them"),
    ("stale-schema", "Error: Invalid value for '--ignore': 'stale-schema' is a note, and only warnings can be "
                     "ignored: notes do not fail a check"),
])
def test_check_ignore_refuses_errors_and_unknown_codes(runner, tmp_path, code, message):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE})
    result = runner.invoke(main, ["check", str(root), "--ignore", code])
    assert result.exit_code == 2 and result.output.splitlines()[-1] == message


def test_the_journal_silences_warnings_in_scalpsite_yaml(runner, tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config=CONFIG + "check: {ignore: [missing-photo]}\n")
    result = runner.invoke(main, ["check", str(root), "--as-of", "2025-01-07"])
    assert result.exit_code == 0 and result.output == "No findings: the journal is complete and consistent.\n"
    built = runner.invoke(main, ["build", str(root), "--no-pdf"])
    assert "missing-photo" not in built.output and "0 warnings" in built.output
    data = json.loads((root / "_site" / "data.json").read_text())
    assert "missing-photo" not in {f["code"] for f in data["findings"]}


def test_the_journal_cannot_silence_an_error(runner, tmp_path):
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config=CONFIG + "check: {ignore: [invalid-value]}\n")
    result = runner.invoke(main, ["check", str(root), "--format", "gnu", "-q"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].endswith(
        "/j/scalpsite.yaml:8:18: error: check.ignore[0]: 'invalid-value' is an error, and only warnings can be "
        "ignored: fix what it names [invalid-value]")
