"""The static site: pages, links that resolve offline, CSP, alt text, theme overrides."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from scalpsite.analysis.results import MedicationPeriod
from scalpsite.render import format, site
from scalpsite.render.themes import builtin_themes
from scalpsite.render.view import AngleView, View

FIXTURE = Path(__file__).parent / "fixtures" / "site_view.json"
DEFAULT_THEME = builtin_themes() / "default"


class Page(HTMLParser):
    """Collects the tags (with attributes) and the visible text of one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str) -> list[dict]:
        """Attributes of every `tag` element."""
        return [attrs for t, attrs in self.tags if t == tag]

    def links(self) -> list[str]:
        """Every href and src value."""
        return [a[k] for _, a in self.tags for k in ("href", "src") if k in a]


@pytest.fixture
def view() -> View:
    return View.model_validate(json.loads(FIXTURE.read_text(encoding="utf-8")))


def fake_renditions(view: View, out: Path) -> None:
    """Stand-ins for what images and charts write into OUT before the site renders."""
    paths = [p for angles in view.photos.values() for r in angles.values() for p in (r.web, r.thumb)]
    for rel in [*paths, *view.charts.values()]:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(b"stand-in")


def build(view: View, out: Path, themes: list[Path] | None = None) -> list[str]:
    out.mkdir(exist_ok=True)
    fake_renditions(view, out)
    return site.render_site(view, out, themes or [DEFAULT_THEME])


def html_pages(out: Path) -> dict[str, Page]:
    return {p.relative_to(out).as_posix(): Page(p.read_text(encoding="utf-8"))
            for p in sorted(out.rglob("*.html"))}


def test_expected_pages_exist_and_are_returned_sorted(view, tmp_path):
    written = build(view, tmp_path / "out")
    expected = {"index.html", "side-effects.html", "appointments.html", "findings.html",
                "sessions/2025-01-06.html", "sessions/2025-03-03.html",
                "static/style.css", "static/compare.js",
                *(f"angles/{a}.html" for a in view.data.angles)}
    assert expected <= set(written)
    assert written == sorted(written)
    assert all((tmp_path / "out" / rel).is_file() for rel in written)


def test_every_link_is_relative_and_resolves_inside_the_output(view, tmp_path):
    out = tmp_path / "out"
    build(view, out)
    for rel, page in html_pages(out).items():
        for link in page.links():
            if link.startswith("#"):
                continue
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), (rel, link)
            target = ((out / rel).parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(out.resolve()), (rel, link)
            assert target.is_file(), (rel, link)


def test_every_page_carries_the_csp(view, tmp_path):
    out = tmp_path / "out"
    build(view, out)
    for rel, page in html_pages(out).items():
        metas = [m for m in page.all("meta") if m.get("http-equiv", "").lower() == "content-security-policy"]
        assert [m["content"] for m in metas] == [site.CSP], rel


def test_every_image_has_alt_text(view, tmp_path):
    out = tmp_path / "out"
    build(view, out)
    for rel, page in html_pages(out).items():
        for img in page.all("img"):
            assert img.get("alt", "").strip(), (rel, img)


def test_index_shows_latest_salt_and_disclaimer(view, tmp_path):
    out = tmp_path / "out"
    build(view, out)
    text = " ".join(" ".join(html_pages(out)["index.html"].text).split())
    assert view.data.summary.salt and view.data.summary.salt.latest == 18.5
    assert "18.5" in text
    assert "negative is better" in text
    assert "scalpsite documents your records; it does not give medical advice." in text


def test_session_page_has_placeholder_notes_and_its_findings(view, tmp_path):
    out = tmp_path / "out"
    build(view, out)
    html = (out / "sessions" / "2025-03-03.html").read_text(encoding="utf-8")
    assert "no photo" in html                       # back photo missing in the fixture
    assert "<em>much</em>" in html                  # sanitised notes inserted as HTML
    assert "no back photo" in html                  # its finding, listed on the page
    assert 'href="2025-01-06.html"' in html         # previous session


def test_user_text_is_escaped(view, tmp_path):
    view.data.title = "<script>alert(1)</script>"
    out = tmp_path / "out"
    build(view, out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_output_is_deterministic(view, tmp_path):
    build(view.model_copy(deep=True), tmp_path / "a")
    build(view, tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)


def test_empty_journal_renders(view, tmp_path):
    from conftest import write_journal

    from scalpsite.analysis.analyze import analyze
    from scalpsite.journal.load import load

    data = analyze(load(write_journal(tmp_path / "j", {})))
    view = view.model_copy(update={
        "data": data, "photos": {}, "charts": {}, "notes_html": {}, "appointments": [], "appointment": None,
        "since_last": None, "angle_views": {a: AngleView(baseline=None, latest=None, timeline=[])
                                            for a in data.angles}})
    out = tmp_path / "out"
    written = build(view, out)
    assert "index.html" in written
    assert "No sessions yet." in (out / "index.html").read_text(encoding="utf-8")


def test_journal_theme_overrides_template_and_static(view, tmp_path):
    theme = tmp_path / "mytheme"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "base.html").write_text(
        '{% extends "!default/base.html" %}{% block head %}<meta name="x-theme" content="mine">{% endblock %}')
    (theme / "static" / "style.css").write_text("body { color: black; }")
    out = tmp_path / "out"
    written = build(view, out, [theme, DEFAULT_THEME])
    assert '<meta name="x-theme" content="mine">' in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "static" / "style.css").read_text() == "body { color: black; }"
    assert "static/compare.js" in written                # the default's files are still copied


@pytest.mark.parametrize("value, expected", [
    (None, "—"), (18.5, "18.5"), (20.0, "20.0"), (7, "7"), (-5, "−5"), (0.04, "0.0"),
])
def test_fmt_num(value, expected):
    assert format.fmt_num(value) == expected


@pytest.mark.parametrize("value, expected", [
    (None, "—"), (0, "0"), (-20.8, "−20.8"), (8.3, "+8.3"), (4, "+4"),
])
def test_fmt_signed(value, expected):
    assert format.fmt_signed(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("2025-01-06", "6 Jan 2025"), ("2025-12-31", "31 Dec 2025"), (None, "—"), ("soon", "soon"),
])
def test_fmt_date(value, expected):
    assert format.fmt_date(value) == expected


def visible_text(page: Page) -> str:
    return " ".join(" ".join(page.text).split())


def test_index_names_the_appointment_and_highlights_the_new_sessions(tmp_path):
    """Issue 14 item 2: the appointment and its questions at the top of the index."""
    from conftest import fixture_script

    script = fixture_script()
    view = script.view_for(dt.date(2025, 7, 4), appointments={"2025-02-01": script.EARLIER})
    out = tmp_path / "out"
    build(view, out)
    index = html_pages(out)["index.html"]
    text = visible_text(index)
    assert "Prepared for the appointment on 4 Jul 2025 with Dr. A. Example" in text
    assert "1 session since the last appointment on 1 Feb 2025" in text
    assert "Highlighted: since the last appointment on 1 Feb 2025" in text
    assert text.index("Is this response enough?") < text.index("Treatment response summary")
    rows = [a.get("class", "") for a in index.all("tr")]
    assert sum("is-since" in c.split() for c in rows) == 1


def test_index_without_an_appointment_has_no_banner_or_highlight(tmp_path):
    from conftest import fixture_script

    view = fixture_script().view_for(None, appointments={"2025-07-04": None})
    out = tmp_path / "out"
    build(view, out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Prepared for the appointment" not in html
    assert "is-since" not in html and "since the last appointment" not in html


def test_index_lists_medication_changes(view, tmp_path):
    view.data.medication_periods = [
        MedicationPeriod(start="2025-01-06", end="2025-01-06", sessions=1, medications=["dupilumab 300 mg q2w"]),
        MedicationPeriod(start="2025-03-03", end="2025-03-03", sessions=1,
                         medications=["dupilumab 300 mg q2w", "<b>cream</b>"])]
    build(view, tmp_path / "out")
    text = " ".join(html_pages(tmp_path / "out")["index.html"].text)
    assert "Medications over time" in text
    assert "dupilumab 300 mg q2w; <b>cream</b>" in text  # escaped: shown as typed


@pytest.mark.parametrize("expression", [
    "{{ data.titel }}",                                          # a field of the analysis
    "{% if data.summary.salt.latst %}x{% endif %}",              # tested, not printed
    "{% for s in data.sessions %}{{ s.salt_chnage|num }}{% endfor %}",  # through a filter
    "{{ view.photos['2025-01-06'].front.webb }}",                # a rendition of the view
    "{{ view.next_photos.ghost }}",
])
def test_a_misspelt_attribute_of_the_view_fails_the_build(view, tmp_path, expression):
    """The templates read typed objects: a name the view does not have fails, never renders empty."""
    from scalpsite.errors import BuildError

    theme = tmp_path / "mytheme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "findings.html").write_text(
        '{% extends "!default/findings.html" %}\n{% block content %}' + expression + "{% endblock %}")
    with pytest.raises(BuildError) as err:
        build(view, tmp_path / "out", [theme, DEFAULT_THEME])
    assert "findings.html:2 failed" in err.value.message and "has no attribute" in err.value.message


def test_a_percentage_not_recorded_is_a_dash_alone(view, tmp_path):
    """The vellus share without a baseline read "— %"; `pct` prints the dash alone, as the dossier does."""
    from scalpsite.analysis.results import Measure

    view.data.summary.vellus = Measure(key="vellus", label="Vellus share", scale="%", baseline=None,
                                       at_last_visit=None, latest=12.5, latest_date="2025-03-03", change=None,
                                       change_since_last_visit=None, improvement_pct=None)
    build(view, tmp_path / "out")
    text = visible_text(html_pages(tmp_path / "out")["index.html"])
    assert "Vellus share of regrowing hairs: — → 12.5 %" in text  # visible_text makes the no-break space a space


@pytest.mark.parametrize("expression", [
    "{{ data.__class__.__mro__ }}",
    "{{ data.model_validate.__globals__ }}",
    "{{ data.sessions[0].__init__.__globals__ }}",
    "{{ view.photos['2025-01-06'].front.__dict__ }}",
])
def test_the_sandbox_still_guards_the_typed_view(view, tmp_path, expression):
    """The quick answer for a model's fields lets nothing else through: its internals stay refused."""
    from scalpsite.errors import BuildError

    theme = tmp_path / "mytheme"
    (theme / "templates").mkdir(parents=True)
    (theme / "templates" / "findings.html").write_text(
        '{% extends "!default/findings.html" %}\n{% block content %}' + expression + "{% endblock %}")
    with pytest.raises(BuildError) as err:
        build(view, tmp_path / "out", [theme, DEFAULT_THEME])
    assert "findings.html:2 failed" in err.value.message and "sandbox" in err.value.message


def test_the_theme_guide_names_every_field_of_the_view_and_every_filter():
    """docs/themes.md is what a theme's author reads: a field or a filter it does not name is one
    nobody can find."""
    import re

    from conftest import REPO

    text = (REPO / "docs/themes.md").read_text(encoding="utf-8")
    fields = set(re.findall(r"^\| `(\w+)` \|", text, flags=re.M))
    assert set(View.model_fields) <= fields
    filters = {name for cell in re.findall(r"^\| (`[^|]+`) \|", text, flags=re.M) for name in re.findall(r"`(\w+)", cell)}
    assert set(site.FILTERS) <= filters
