"""Issue 30: an edit draws again only the charts whose values changed; a change of the code or of
the theme draws everything again; a chart reads nothing its spec does not list."""

from __future__ import annotations

import pytest
from conftest import COMPLETE, CONFIG, write_journal

from scalpsite import renderstage
from scalpsite.journal.load import load
from scalpsite.pipeline import _analyse, build, writing
from scalpsite.render import charts
from scalpsite.render.chartinputs import SPECS, Reads, chart_reads

SECOND = COMPLETE.replace("itch: 7", "itch: 5")


@pytest.fixture
def draws(monkeypatch) -> list[str]:
    """The names of the charts drawn (not taken from the cache), in order."""
    drawn: list[str] = []
    real = charts.draw_chart
    monkeypatch.setattr(charts, "draw_chart", lambda name, reads, out: drawn.append(name) or real(name, reads, out))
    return drawn


def two_sessions(tmp_path):
    return write_journal(tmp_path / "j", {"2025-01-06": COMPLETE, "2025-02-03": SECOND})


def test_an_edit_draws_only_the_charts_it_changes(tmp_path, draws):
    root, out = two_sessions(tmp_path), tmp_path / "out"
    build(root, out, pdf=False)
    assert {"salt", "density", "ad"} <= set(draws)
    salt = (out / "charts/salt.svg").read_bytes()
    draws.clear()
    build(root, out, pdf=False)
    assert draws == []  # nothing changed: every chart from the cache
    (root / "sessions/2025-02-03/session.yaml").write_text(SECOND.replace("itch: 5", "itch: 9"))
    build(root, out, pdf=False)
    assert draws == ["ad"]  # itch is drawn by the atopic dermatitis chart alone
    assert (out / "charts/salt.svg").read_bytes() == salt
    assert '"itch": 9' in (out / "data.json").read_text()


def test_a_change_of_code_draws_every_chart_again(tmp_path, draws, monkeypatch):
    root, out = two_sessions(tmp_path), tmp_path / "out"
    build(root, out, pdf=False)
    first = sorted(draws)
    draws.clear()
    monkeypatch.setattr(renderstage, "code_digest", lambda: "another version of scalpsite")
    build(root, out, pdf=False)
    assert sorted(draws) == first


def test_a_change_of_theme_renders_the_pages_again(tmp_path):
    root, out = two_sessions(tmp_path), tmp_path / "out"
    build(root, out, pdf=False)
    theme = root / "themes/mine/templates"
    theme.mkdir(parents=True)
    (root / "scalpsite.yaml").write_text(CONFIG + "theme: mine\n")
    (theme / "glossary.html").write_text("{% extends 'base.html' %}{% block content %}own 1{% endblock %}")
    build(root, out, pdf=False)
    assert "own 1" in (out / "glossary.html").read_text()
    (theme / "glossary.html").write_text("{% extends 'base.html' %}{% block content %}own 2{% endblock %}")
    build(root, out, pdf=False)
    assert "own 2" in (out / "glossary.html").read_text()


def test_every_chart_has_a_spec():
    assert list(SPECS) == list(charts.CHARTS)


def test_a_chart_cannot_read_what_its_spec_leaves_out(tmp_path):
    """A read outside the spec fails (so a cached chart can never miss a change of what it shows)."""
    root = two_sessions(tmp_path)
    with writing(root, None, None) as cache:
        data = _analyse(load(root), cache, None, None)[3]
    reads = chart_reads(data)
    assert set(reads) == {"salt", "density", "ad", "control", "doses"}
    salt = reads["salt"]
    with pytest.raises(AttributeError, match="does not list"):
        salt.summary  # noqa: B018
    with pytest.raises(AttributeError):
        salt.sessions[0].density  # noqa: B018
    with pytest.raises(KeyError):
        salt.sessions[0].measure("itch")
    assert salt.sessions[0].measure("salt") == data.sessions[0].measure("salt")
    for name, part in reads.items():  # each chart draws from its part alone
        assert isinstance(part, Reads)
        charts.draw_chart(name, part, tmp_path)
