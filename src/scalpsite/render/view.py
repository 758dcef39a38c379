"""The view: the typed analysis plus what both outputs need prepared in advance: rendition
paths, rendered notes, the appointment prepared for, and the photos the analysis chose to show.

The one place that adds presentation-only data; site, charts and dossier only draw it. The
templates read it as objects (a misspelt attribute fails the build), typst as its JSON dump.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from scalpsite.analysis.results import Analysis, Compared, Headline, PhotoPlan, SessionResult, Visit, headline
from scalpsite.analysis.results.base import Day, Out
from scalpsite.journal.load import Journal
from scalpsite.measures.alopecia import SALT
from scalpsite.measures.registry import MEASURES
from scalpsite.photos.evidence import Evidence
from scalpsite.photos.images import PhotoResult
from scalpsite.render.recordview import ChartInfo, with_clinical_charts
from scalpsite.render.notes import to_html, tree_of

# Markdown as a tree of {"tag", "children"} and {"tag": "text", "text"} nodes (render/notes.py):
# typst walks it as JSON, and nodes of different tags carry different keys.
NoteTree = list[dict[str, Any]]


class Rendition(Out):
    """The published files of one photo: output-relative paths and the web rendition's size."""

    web: str
    thumb: str
    print: str
    width: int
    height: int
    key: str = Field(description="the photo's name in the renditions cache")
    aligned: str | None = Field(description="the rendition aligned to the reference, when confident")
    overlay: str | None = Field(description="the painted mask over the photo as taken")
    aligned_overlay: str | None = Field(description="the painted mask over the aligned rendition")

    def evidence(self) -> dict[str, str | None]:
        """The files the photo stage made for this photo, by the kind it names them with."""
        return {"aligned": self.aligned, "overlay": self.overlay, "aligned_overlay": self.aligned_overlay}

    def sizes(self) -> dict[str, str]:
        """The renditions of the photo as taken, by size: web, thumb, print."""
        return {"web": self.web, "thumb": self.thumb, "print": self.print}


class Appointment(Out):
    """An appointment file of the journal, with its questions rendered."""

    date: Day
    path: str
    clinician: str | None
    purpose: str | None
    questions_html: str
    questions_tree: NoteTree
    question_count: int


class ChosenVisit(Visit):
    """The appointment the analysis chose, with its questions when it has a file."""

    questions_html: str
    questions_tree: NoteTree
    question_count: int


class SinceLast(Out):
    """The previous appointment and the sessions recorded after it."""

    date: Day
    folders: list[str]


class TimelineItem(Out):
    """One session on an angle's page, with its photo of that angle (None when not taken)."""

    session: SessionResult
    photo: Rendition | None


class AngleView(Out):
    """An angle's page: the two photos compared and the timeline of every session."""

    baseline: TimelineItem | None
    latest: TimelineItem | None
    timeline: list[TimelineItem]


class NextPhotos(Out):
    """What the "Take the next photos" page shows: the baseline's date and light, the ghosts."""

    angles: list[str]
    baseline_date: Day | None
    lighting: str | None
    next_due: Day | None


class View(Out):
    """Everything the templates and the dossier draw."""

    data: Analysis
    photos: dict[str, dict[str, Rendition]] = Field(description="session folder: angle: its renditions")
    charts: dict[str, str] = Field(description="chart key: its SVG, output-relative")
    notes_html: dict[str, str]
    notes_tree: dict[str, NoteTree]
    appointments: list[Appointment]
    appointment: ChosenVisit | None
    since_last: SinceLast | None
    comparison: list[Compared]
    timeline: list[str]
    angle_views: dict[str, AngleView]
    chart_info: list[ChartInfo]
    ghosts: dict[str, str]
    next_photos: NextPhotos
    headline: Headline = Field(description="the measure of the summary's headline card (SALT) and its classes")


def make_view(journal: Journal, data: Analysis, plan: PhotoPlan, photos: PhotoResult, charts: dict[str, str],
              evidence: Evidence | None = None) -> View:
    """Everything the templates need: the analysis plus rendition paths and rendered notes.

    `plan`: the photos the analysis chose to show; `evidence`: the photo stage's cached files
    (aligned renditions, mask overlays, ghosts)."""
    evidence = evidence or Evidence()
    notes_html = {s.folder: to_html(s.notes) for s in data.sessions}
    appointments = [_appointment(a) for a in journal.appointments]
    seen = data.last_visit
    view_photos = _renditions(data, photos, evidence)
    return View(
        data=data, photos=view_photos, charts=charts, notes_html=notes_html,
        notes_tree={folder: tree_of(html) for folder, html in notes_html.items()},
        appointments=appointments, appointment=_chosen(data.appointment, appointments),
        since_last=SinceLast(date=seen.date, folders=seen.sessions_since) if seen else None,
        comparison=plan.comparison, timeline=plan.timeline,
        angle_views=angle_views(data, plan, view_photos), chart_info=chart_info(data),
        ghosts={angle: f"ghosts/{angle}.png" for angle in sorted(evidence.ghosts)},
        next_photos=next_photos(data, [a for a in data.angles if a in evidence.ghosts]),
        headline=headline(MEASURES))


def chart_info(data: Analysis) -> list[ChartInfo]:
    """Title, caption and alt text of each chart, in the order both outputs show them."""
    lines = " and ".join(line.label.split(":")[0] for line in data.salt_lines)
    return with_clinical_charts(data, [
        ChartInfo(key=SALT.key, title="SALT over time", alt="SALT score at each session; lower means less hair loss.",
                  caption=f"SALT over time (0 = no loss, 100 = total loss), with the {lines} endpoints; "
                          "shading marks the expected-response phases"
                          + ("; hatching, the interruptions of the drug (no dose)." if data.interruptions else ".")),
        ChartInfo(key="density", title="Hair density per zone", alt="Density readings per scalp zone at each session.",
                  caption=f"Hair density per zone over time. Unit: {data.density_unit_label}."),
        ChartInfo(key="ad", title="Atopic dermatitis measures", alt="Itch, EASI and POEM at each session; lower is better.",
                  caption="Atopic dermatitis measures over time, each with the value that would meet its meaningful "
                          "change against the baseline (dashed)."),
    ])


def _renditions(data: Analysis, photos: PhotoResult, evidence: Evidence) -> dict[str, dict[str, Rendition]]:
    """Per session folder and angle: the output paths and size of the photo's renditions, and of
    its aligned rendition and mask overlays when the photo stage made them."""
    out = {}
    for s in data.sessions:
        row = {}
        for angle, src in s.photos.items():
            meta = photos.renditions.get(src)
            if meta is None:
                continue
            base = f"{s.folder}/{angle}"
            files = evidence.files.get(src, {})
            aligned = s.photos_aligned.get(angle) if "aligned" in files else None
            row[angle] = Rendition(
                web=f"photos/{base}.jpg", thumb=f"photos/{base}.thumb.jpg", print=f"print/{base}.jpg",
                width=meta["width"], height=meta["height"], key=meta["key"], aligned=aligned,
                overlay=f"photos/{base}.mask.png" if "overlay" in files else None,
                aligned_overlay=f"photos/{base}.aligned.mask.png" if aligned and "aligned_overlay" in files else None)
        out[s.folder] = row
    return out


def next_photos(data: Analysis, angles: list[str]) -> NextPhotos:
    """What the "Take the next photos" page shows: the baseline's date and light, the ghosts."""
    base = next((s for s in data.sessions if s.baseline), None)
    return NextPhotos(angles=angles, baseline_date=base.date if base else None,
                      lighting=base.lighting if base else None, next_due=data.schedule.next_due)


def _appointment(a) -> Appointment:
    html = to_html(a.body)
    tree = tree_of(html)
    return Appointment(date=a.date.isoformat(), path=a.path, clinician=a.meta.clinician, purpose=a.meta.purpose,
                       questions_html=html, questions_tree=tree, question_count=question_count(tree))


def _chosen(visit: Visit | None, appointments: list[Appointment]) -> ChosenVisit | None:
    """The appointment the analysis chose, with its questions when it has a file."""
    if visit is None:
        return None
    found = next((a for a in appointments if a.path == visit.path), None)
    questions = ({"questions_html": found.questions_html, "questions_tree": found.questions_tree,
                  "question_count": found.question_count} if found
                 else {"questions_html": "", "questions_tree": [], "question_count": 0})
    return ChosenVisit(**dict(visit), **questions)


def question_count(tree: NoteTree) -> int:
    """How many questions the notes hold: the items of its lists, else its paragraphs."""
    items = [c for n in tree if n["tag"] in ("ol", "ul") for c in n["children"] if c["tag"] == "li"]
    return len(items) or sum(n["tag"] == "p" for n in tree)


def angle_views(data: Analysis, plan: PhotoPlan, photos: dict[str, dict[str, Rendition]]) -> dict[str, AngleView]:
    """Per angle: the two photos the analysis compares, and the timeline of every session."""
    result = {}
    for angle in data.angles:
        timeline = [TimelineItem(session=s, photo=photos.get(s.folder, {}).get(angle)) for s in data.sessions]
        by_folder = {t.session.folder: t for t in timeline}
        pick = plan.angles[angle]
        result[angle] = AngleView(baseline=by_folder[pick.baseline] if pick.baseline else None,
                                  latest=by_folder[pick.latest] if pick.latest else None, timeline=timeline)
    return result
