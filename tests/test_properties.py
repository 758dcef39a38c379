"""Property-based: generated session and config files never make check or build crash."""

import shutil

import yaml
from conftest import COMPLETE, write_journal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scalpsite.cli import main

KEYS = ["salt", "density", "ad", "dlqi", "side_effects", "injection_site", "labs", "medications",
        "hair_quality", "photos", "date", "notes", "itch", "easi", "poem", "top", "frontal", "name",
        "severity", "area_pct", "erythema", "value", "drug", "start", "treatments", "title"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 120), st.floats(-1, 200, allow_nan=False),
                    st.text(max_size=12), st.dates().map(str), st.sampled_from(["none", "mild", "2025-01-06"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=8), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)), max_leaves=20)
documents = st.one_of(st.dictionaries(st.sampled_from(KEYS), values, max_size=8), values)
raw_text = st.one_of(documents.map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
                     st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1")))

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_clean(result):
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "internal error" not in result.output and "Traceback" not in result.output


@SLOW
@given(text=raw_text)
def test_generated_session_files(tmp_path_factory, runner, text):
    root = write_journal(tmp_path_factory.mktemp("j") / "j", {"2025-01-06": COMPLETE, "2025-03-03": None})
    (root / "sessions/2025-03-03/session.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    result = runner.invoke(main, ["check", str(root), "--format", "json"])
    assert_clean(result)
    if result.exit_code == 1:
        import json

        for f in json.loads(result.output)["findings"]:
            assert f["path"], f
    assert_clean(runner.invoke(main, ["build", str(root), "--no-pdf"]))
    shutil.rmtree(root.parent)


@SLOW
@given(text=raw_text)
def test_generated_config_files(tmp_path_factory, runner, text):
    root = write_journal(tmp_path_factory.mktemp("j") / "j", {"2025-01-06": COMPLETE})
    (root / "scalpsite.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    result = runner.invoke(main, ["check", str(root)])
    assert_clean(result)
    result = runner.invoke(main, ["build", str(root), "--no-pdf"])
    assert_clean(result)
    if result.exit_code == 1:
        assert "scalpsite.yaml" in result.output or "sessions/" in result.output
    shutil.rmtree(root.parent)
