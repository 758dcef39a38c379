"""The PDF dossier: typst renders the view; properties of the output, not its bytes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import fixture_script, imported_by
from pdftext import pdf_pages

from scalpsite.analysis.analyze import lab_columns, medication_periods
from scalpsite.errors import BuildError
from scalpsite.analysis import photoplan
from scalpsite.analysis.results import SessionResult
from scalpsite.render import dossier
from scalpsite.render.format import fmt_date, fmt_num
from scalpsite.render.themes import builtin_themes
from scalpsite.render.view import View

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("typst")

FIXTURE = Path(__file__).parent / "fixtures" / "dossier_view.json"
TIMESTAMP = 1735689600  # 2025-01-01, as SOURCE_DATE_EPOCH would give
MARKUP = 'Used #import "x" and $x$ and a * star.'
SESSIONS_HEADER = "Date On treatment Phase SALT Masks Δ pts Impr. Class Vellus Itch EASI POEM DLQI"  # the registry's order
ANGLE_TITLES = {"overhead": "Overhead SALT region: top", "front": "Front hairline and brows; no SALT weight",
                "back": "Back SALT region: back", "left": "Left SALT region: left",
                "right": "Right SALT region: right"}
CHART = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="150" viewBox="0 0 400 150">'
         '<rect width="400" height="150" fill="#eef4fa"/><polyline points="10,20 200,90 390,120" '
         'fill="none" stroke="#2563a6" stroke-width="3"/></svg>')


def load_view() -> View:
    return View.model_validate(json.loads(FIXTURE.read_text()))


def make_workdir(view: View, root: Path) -> Path:
    """Tiny JPEGs (an eighth of the photo on each side, its aspect) at every print and thumb path, and
    a plain SVG for every chart."""
    from PIL import Image

    for i, angles in enumerate(view.photos.values()):
        for j, photo in enumerate(angles.values()):
            for rel in (photo.print, photo.thumb):
                path = root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                size = (max(1, photo.width // 8), max(1, photo.height // 8))  # the aspect, not the pixels
                Image.new("RGB", size, (180, 120 + 20 * i, 30 * j)).save(path)
    for rel in view.charts.values():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(CHART)
    return root


def render(view: View, tmp_path: Path, name: str = "out", themes: list[Path] | None = None) -> Path:
    work = make_workdir(view, tmp_path / f"{name}-work")
    out = tmp_path / f"{name}.pdf"
    dossier.render_dossier(view, work, out, themes or [builtin_themes() / "default"], TIMESTAMP)
    return out


def many_sessions_view(count: int) -> View:
    """The fixture journal grown to `count` sessions two weeks apart, through the real analysis."""
    return fixture_script().view_for(dt.date(2025, 7, 4) if count < 10 else None, count)


def session_row(s: SessionResult) -> re.Pattern:
    """A row of the sessions table as pdftotext reads it: its date cell up to its SALT cell."""
    date, salt = re.escape(fmt_date(s.date)), re.escape(fmt_num(s.salt))
    return re.compile(rf"{date} (baseline )?{re.escape(s.week_label)} {re.escape(s.phase_label or '')} {salt} ")


@pytest.fixture(scope="module")
def long_dossier(tmp_path_factory) -> tuple[View, list[str]]:
    """A dossier of 60 sessions: the sessions table and the density table run over pages."""
    view = many_sessions_view(60)
    return view, pdf_pages(render(view, tmp_path_factory.mktemp("long")))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, list[str]]:
    pdf = render(load_view(), tmp_path_factory.mktemp("dossier"))
    return pdf, pdf_pages(pdf)


def test_pdf_has_pages_and_page_numbers(rendered):
    pdf, pages = rendered
    assert pdf.stat().st_size > 0
    assert len(pages) >= 3
    assert "page 1 of" in pages[0]
    assert f"page {len(pages)} of {len(pages)}" in pages[-1]


def test_summary_page_shows_salt_and_disclaimer(rendered):
    _, pages = rendered
    first = pages[0]
    assert "39.3" in first and "18.5" in first  # baseline and latest SALT
    assert "negative is better" in first
    assert "it does not give medical advice" in first
    assert "Test Patient" in first


def test_user_markup_prints_literally(rendered):
    _, pages = rendered
    text = " ".join(pages)
    assert MARKUP in text


def test_appointment_questions_on_page_one(rendered):
    """Issue 14 item 2: the questions are what the visit is for: page 1, not the last page."""
    _, pages = rendered
    assert "Questions for this appointment" in pages[0] and "Is this response enough?" in pages[0]
    assert not any("Is this response enough?" in p for p in pages[1:])


def test_definitions_named(rendered):
    text = " ".join(rendered[1])
    for source in ("Olsen", "Leshem", "Charman", "DLQI"):
        assert source in text


def test_two_renders_are_identical(tmp_path):
    view = load_view()
    assert render(view, tmp_path, "a").read_bytes() == render(view, tmp_path, "b").read_bytes()


def test_summary_stays_on_one_page_with_many_sessions(tmp_path):
    pages = pdf_pages(render(many_sessions_view(13), tmp_path))
    assert "does not give medical advice" in pages[0]
    assert pages[1].startswith("Test Dossier of") and "The case for the current treatment" in pages[1]
    photos = [i for i, p in enumerate(pages) if "Photo comparisons" in p]
    assert len(photos) == 1 and photos[0] >= 2  # after the case for the treatment (page 2 on)


def test_workdir_is_left_without_template_files(tmp_path):
    render(load_view(), tmp_path)
    work = tmp_path / "out-work"
    assert not list(work.rglob("*.typ")) and not (work / dossier.SCRATCH).exists()


def test_missing_photo_becomes_placeholder(rendered):
    assert "no photo" in " ".join(rendered[1])


def test_broken_template_raises_build_error(tmp_path):
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "dossier.typ").write_text("#let x = (\n")
    with pytest.raises(BuildError) as err:
        render(load_view(), tmp_path, themes=[theme, builtin_themes() / "default"])
    assert "dossier.typ" in err.value.message and "Traceback" not in err.value.message


@pytest.mark.parametrize("seen, role", [(None, "Midway"), ("b", "At last visit")])
def test_comparison_picks_a_middle_session(seen, role):
    sessions = [SimpleNamespace(folder=f, date=d) for f, d in
                [("a", "2025-01-01"), ("b", "2025-02-01"), ("c", "2025-04-20"), ("d", "2025-07-01")]]
    picks = photoplan.comparison(sessions, "a", "d", seen)
    assert [p.role for p in picks] == ["Baseline", role, "Latest"]
    assert picks[1].folder == (seen or "c")


def test_no_sessions_table_row_is_split_across_pages(long_dossier):
    view, pages = long_dossier
    for s in view.data.sessions:
        on = [i for i, text in enumerate(pages) if session_row(s).search(text)]
        assert len(on) == 1, (s.date, on)  # a split row has its date and SALT on different pages


def test_no_density_row_is_split_across_pages(long_dossier):
    view, pages = long_dossier
    for s in view.data.sessions[1:]:
        row = f"{fmt_date(s.date)} {fmt_num(s.density['frontal'])} +"
        assert sum(row in text for text in pages) == 1, s.date


def test_no_side_effect_row_is_split_across_pages(long_dossier):
    view, pages = long_dossier
    noted = [s for s in view.data.sessions if s.side_effects and s.side_effects[0].notes]
    assert len(noted) > 10
    for s in noted:  # the row's date and the end of its long note share a page
        date, end = re.escape(fmt_date(s.date)), re.escape((s.side_effects[0].notes or "")[-12:])
        row = re.compile(rf"{date} — Headache \(mild\): .*?{end}")
        assert sum(bool(row.search(text)) for text in pages) == 1, s.date


def test_sessions_table_header_repeats_on_every_page_it_spans(long_dossier):
    view, pages = long_dossier
    rows = [session_row(s) for s in view.data.sessions]
    spanned = [text for text in pages if any(r.search(text) for r in rows)]
    assert len(spanned) >= 2
    for text in spanned:
        first_row = min(m.start() for r in rows if (m := r.search(text)))
        assert SESSIONS_HEADER in text[:first_row]


def test_photo_comparison_groups_stay_on_one_page(long_dossier):
    view, pages = long_dossier
    sessions = {s.folder: s for s in view.data.sessions}
    picks = view.comparison
    captions = [f"{p.role} · {fmt_date(sessions[p.folder].date)}" for p in picks]
    assert [p.role for p in picks] == ["Baseline", "Midway", "Latest"]
    for angle, title in ANGLE_TITLES.items():
        on = [text for text in pages if title in text]
        assert len(on) == 1, angle
        group = on[0].split(title, 1)[1]
        for other in ANGLE_TITLES.values():  # only this angle's captions count
            group = group.split(other, 1)[0]
        assert all(c in group for c in captions), (angle, captions, group[:300])


def test_long_dossier_keeps_the_summary_on_page_one(long_dossier):
    _, pages = long_dossier
    assert "60, baseline 6 Jan 2025" in pages[0] and "does not give medical advice" in pages[0]
    assert "page 1 of" in pages[0] and "The case for the current treatment" in pages[1]
    assert "Photo comparisons" in pages[2] + pages[3]  # the case for the treatment starts on page 2


def test_sessions_since_the_previous_appointment_are_highlighted(tmp_path):
    script = fixture_script()
    view = script.view_for(dt.date(2025, 7, 4), appointments={"2025-02-01": script.EARLIER})
    assert view.since_last and view.since_last.folders == ["2025-03-03"]
    pages = pdf_pages(render(view, tmp_path))
    assert "1 session since the last appointment on 1 Feb 2025" in pages[0]
    assert "highlighted: since the last appointment on 1 Feb 2025" in " ".join(pages[1:])
    assert "Is this response enough?" in pages[0]


def test_no_highlight_for_a_first_appointment(rendered):
    text = " ".join(rendered[1])
    assert "Appointment 4 Jul 2025" in text
    assert "since the last appointment" not in text


def test_no_highlight_without_an_appointment(tmp_path):
    view = fixture_script().view_for(None, appointments={"2025-07-04": None, "2025-02-01": "Earlier?\n"})
    assert view.since_last is None and view.appointment is None
    text = " ".join(pdf_pages(render(view, tmp_path)))
    assert "since the last appointment" not in text and "Questions for" not in text


def test_lab_columns_have_readable_labels_and_units():
    sessions = [{"labs": {"ige": {"value": 420, "unit": "IU/mL"}}},
                {"labs": {"eosinophils": {"value": 0.6, "unit": "10^9/L"}, "vitamin_D": {"value": 30, "unit": None}}}]
    assert lab_columns(sessions) == [
        {"name": "eosinophils", "label": "Eosinophils", "unit": "10⁹/L", "raw_unit": "10^9/L"},
        {"name": "ige", "label": "IgE", "unit": "IU/mL", "raw_unit": "IU/mL"},
        {"name": "vitamin_D", "label": "Vitamin D", "unit": None, "raw_unit": None},
    ]


def fortnightly(count: int) -> list[SimpleNamespace]:
    start = dt.date(2025, 1, 6)
    return [SimpleNamespace(folder=f"s{i:03d}", date=(start + dt.timedelta(days=14 * i)).isoformat())
            for i in range(count)]


@pytest.mark.parametrize("count, must, expected", [
    (5, [], ["s000", "s001", "s002", "s003", "s004"]),  # all fit
    (9, [], ["s000", "s002", "s004", "s006", "s008"]),  # first, last, three evenly between
    (9, ["s007"], ["s000", "s003", "s005", "s007", "s008"]),  # a must-have takes a place
    (9, ["s001", "s002", "s003"], ["s000", "s001", "s002", "s004", "s008"]),  # must-haves: half the places at most
    (9, ["nope"], ["s000", "s002", "s004", "s006", "s008"]),  # an unknown folder is ignored
])
def test_timeline_folders_spread_over_time(count, must, expected):
    assert photoplan.timeline_folders(fortnightly(count), must, 5) == expected


def test_timeline_folders_follow_dates_not_positions():
    sessions = fortnightly(6) + [SimpleNamespace(folder="late", date="2026-12-01")]
    assert photoplan.timeline_folders(sessions, [], 3) == ["s000", "s005", "late"]


def test_long_dossier_timeline_shows_a_bounded_sample(long_dossier):
    view, pages = long_dossier
    text = " ".join(pages)
    limit = photoplan.TIMELINE_LIMIT
    assert f"then {limit} of the 60 sessions, spread over time" in text
    assert len(view.timeline) == limit and view.timeline[0] == view.data.sessions[0].folder


def meds(*lists) -> list[dict]:
    return [{"date": f"2025-0{i + 1}-01", "medications": m} for i, m in enumerate(lists)]


@pytest.mark.parametrize("sessions, expected", [
    (meds(["a"], ["a"], ["a", "b"], ["a"]), [("2025-01-01", "2025-02-01", 2, ["a"]),
                                             ("2025-03-01", "2025-03-01", 1, ["a", "b"]),
                                             ("2025-04-01", "2025-04-01", 1, ["a"])]),
    (meds(["a"], [], ["a"]), [("2025-01-01", "2025-01-01", 1, ["a"]), ("2025-02-01", "2025-02-01", 1, []),
                              ("2025-03-01", "2025-03-01", 1, ["a"])]),
    (meds([], []), []),
    ([], []),
])
def test_medication_periods_merge_unchanged_sessions(sessions, expected):
    runs = medication_periods(sessions)
    assert [(r["start"], r["end"], r["sessions"], r["medications"]) for r in runs] == expected


def test_long_dossier_lists_medication_changes_not_every_session(long_dossier):
    view, pages = long_dossier
    text = " ".join(pages)
    runs = view.data.medication_periods
    assert "Medications over time" in text and len(runs) < len(view.data.sessions) / 4
    last = runs[-1]
    assert f"{fmt_date(last.start)} {fmt_date(last.end)} {last.sessions}" in text


def _fonts(pdf: Path) -> dict[str, object]:
    """Every font the pages use, by base name, with its font descriptor."""
    found = {}
    for page in pypdf.PdfReader(pdf).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for f in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                if "/FontDescriptor" in f:
                    found[str(f["/BaseFont"])] = f["/FontDescriptor"].get_object()
    return found


def test_fonts_are_embedded_and_text_is_selectable(rendered):
    pdf, pages = rendered
    fonts = _fonts(pdf)
    assert fonts and all("DejaVu" in name for name in fonts), sorted(fonts)
    assert all(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in fonts.values())
    assert "Summary of the patient" in pages[0]  # extracted as text, not drawn as shapes


@pytest.mark.warm_cache
def test_the_dossier_sets_matplotlibs_fonts_without_importing_matplotlib(journal):
    """The PDF uses the charts' fonts, found where matplotlib keeps them; a build whose charts all
    come from the cache (here only the title changed) typesets it without importing matplotlib."""
    import matplotlib

    assert dossier._font_dir() == Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    config = journal / "scalpsite.yaml"
    config.write_text(config.read_text().replace("title: Test journal", "title: Retitled"))
    assert imported_by(["build", "-q", str(journal)], ("matplotlib",)) == []
    assert (journal / "_site/dossier.pdf").is_file()
