"""The PDF dossier: typst renders the view; properties of the output, not its bytes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from scalpsite import dossier
from scalpsite.errors import BuildError
from scalpsite.themes import builtin_themes

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("typst")

FIXTURE = Path(__file__).parent / "fixtures" / "dossier_view.json"
TIMESTAMP = 1735689600  # 2025-01-01, as SOURCE_DATE_EPOCH would give
MARKUP = 'Used #import "x" and $x$ and a * star.'
CHART = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="150" viewBox="0 0 400 150">'
         '<rect width="400" height="150" fill="#eef4fa"/><polyline points="10,20 200,90 390,120" '
         'fill="none" stroke="#2563a6" stroke-width="3"/></svg>')


def load_view() -> dict:
    return json.loads(FIXTURE.read_text())


def make_workdir(view: dict, root: Path) -> Path:
    """Tiny JPEGs at every print and thumb path and a plain SVG for every chart."""
    from PIL import Image

    for i, angles in enumerate(view["photos"].values()):
        for j, photo in enumerate(angles.values()):
            for kind in ("print", "thumb"):
                path = root / photo[kind]
                path.parent.mkdir(parents=True, exist_ok=True)
                Image.new("RGB", (photo["width"], photo["height"]), (180, 120 + 20 * i, 30 * j)).save(path)
    for rel in view["charts"].values():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(CHART)
    return root


def render(view: dict, tmp_path: Path, name: str = "out", themes: list[Path] | None = None) -> Path:
    work = make_workdir(view, tmp_path / f"{name}-work")
    out = tmp_path / f"{name}.pdf"
    dossier.render_dossier(view, work, out, themes or [builtin_themes() / "default"], TIMESTAMP)
    return out


def pages_text(pdf: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(pdf).pages]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, list[str]]:
    pdf = render(load_view(), tmp_path_factory.mktemp("dossier"))
    return pdf, pages_text(pdf)


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


def test_appointment_questions_on_last_page(rendered):
    _, pages = rendered
    assert "Is this response enough?" in pages[-1]


def test_definitions_named(rendered):
    text = " ".join(rendered[1])
    for source in ("Olsen", "Leshem", "Charman", "DLQI"):
        assert source in text


def test_two_renders_are_identical(tmp_path):
    view = load_view()
    assert render(view, tmp_path, "a").read_bytes() == render(view, tmp_path, "b").read_bytes()


def test_summary_stays_on_one_page_with_many_sessions(tmp_path):
    view = load_view()
    sessions = view["data"]["sessions"]
    for i in range(11):  # 13 sessions in all
        extra = copy.deepcopy(sessions[-1])
        extra["folder"] = extra["date"] = f"2025-{4 + i // 2:02d}-{1 + 14 * (i % 2):02d}"
        extra["side_effects"] = []
        sessions.append(extra)
    pages = pages_text(render(view, tmp_path))
    assert "does not give medical advice" in pages[0]
    assert pages[1].count("Photo comparisons") == 1 and "Photo comparisons" not in pages[0]


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


@pytest.mark.parametrize("appointment, role", [
    (None, "Midway"),
    ({"date": "2025-03-01"}, "At last visit"),
])
def test_comparison_picks_a_middle_session(appointment, role):
    data = {"summary": {"baseline_folder": "a", "latest_folder": "d"},
            "sessions": [{"folder": f, "date": d} for f, d in
                         [("a", "2025-01-01"), ("b", "2025-02-01"), ("c", "2025-04-20"), ("d", "2025-07-01")]]}
    earlier = [{"date": "2025-02-15"}]
    picks = dossier.comparison(data, appointment, earlier)
    assert [p["role"] for p in picks] == ["Baseline", role, "Latest"]
    assert picks[1]["folder"] == ("b" if appointment else "c")
