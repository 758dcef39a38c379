"""Stage 4b: evidence from the photos themselves: painted masks counted, every photo aligned
to the reference photo of its angle, ghosts of the references, grey-card colours.

Runs after the renditions (build) or the facts (check, export), on the grey images and
renditions they cached; its own results are cached by content in `.scalpsite-cache/evidence`
(evidence.json and the overlay, aligned and ghost images), so a rebuild does nothing new.
The analysis receives `Evidence.photos`, plain data; the renderers the cached files.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache
from pathlib import Path

from scalpsite.findings import Finding, error, warning
from scalpsite.journal.load import Journal
from scalpsite.journal.treatment import baseline_index, primary_treatment
from scalpsite.photos import evidencejobs as jobs
from scalpsite.photos.alignment import CONFIDENT, Alignment
from scalpsite.codeversion import code_digest
from scalpsite.photos.images import (
    PhotoResult,
    Workers,
    features_path,
    rendition_path,
    stat_keys,
)

FOLDER = "evidence"
MOSTLY_EXCLUDED = 0.5  # share of the painted scalp in grey beyond which a mask is probably painted wrong
INDEX = "evidence.json"


class Mode(str, Enum):
    """What the evidence is for: a build writes images; check and export only measure."""

    BUILD = "build"
    CHECK = "check"
    DATA = "data"


@dataclass
class Evidence:
    """Per journal photo path: its measures (for the analysis) and its cached files (for the view)."""

    photos: dict[str, dict] = field(default_factory=dict)
    files: dict[str, dict[str, Path]] = field(default_factory=dict)
    ghosts: dict[str, Path] = field(default_factory=dict)  # angle -> ghost PNG of its reference
    findings: list[Finding] = field(default_factory=list)
    masks_used: list[dict] = field(default_factory=list)  # {path, content}: the masks read, by content key


def settings_key() -> str:
    """Changes with any of scalpsite's code (whatever module measures, decides or draws), so
    the cache never serves the work of another version."""
    return hashlib.sha256(f"evidence-v2:{code_digest()}".encode()).hexdigest()[:16]


def _key(*parts) -> str:
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


class Store:
    """evidence.json: {settings, sources: {mask path: {stamp, key}}, masks, alignments, files, ghosts}.

    Each entry lists the content keys it was made from ("deps"); it is kept while they are all
    still in the journal, whichever command made it: `check` and `export` keep what a build
    made, and a build keeps what they made.
    """

    BUCKETS = ("sources", "masks", "alignments", "files", "ghosts")

    def __init__(self, folder: Path):
        self.folder = folder  # made and checked by the caller (guard.folder)
        self.settings = settings_key()
        try:
            index = json.loads((folder / INDEX).read_text())
            fresh = index.get("settings") == self.settings
        except (OSError, ValueError, AttributeError):
            index, fresh = {}, False
        self.index = {b: (index.get(b, {}) if fresh else {}) for b in self.BUCKETS}
        self.live: dict[str, set] = {b: set() for b in self.BUCKETS}
        self.unchanged = fresh  # nothing put yet into an index of these settings
        self.sources_at_start = {k: dict(v) for k, v in self.index["sources"].items()}  # stat_keys updates them

    def get(self, bucket: str, key: str):
        """A cached entry, or None."""
        self.live[bucket].add(key)
        return self.index[bucket].get(key)

    def put(self, bucket: str, key: str, value: dict, deps: list[str]) -> None:
        """Cache an entry made from the photos and masks of content keys `deps`."""
        self.live[bucket].add(key)
        self.index[bucket][key] = {**value, "deps": sorted(deps)}
        self.unchanged = False

    def file(self, name: str) -> Path:
        """Where a cached file of this stage is."""
        return self.folder / name

    def save(self, live_keys: set[str]) -> None:
        """Write the index: entries whose photos and masks are all still in the journal (by
        content key), and mask sources used now; other cached files are removed."""
        def keep(bucket: str, key: str, value) -> bool:
            if bucket == "sources":
                return key in self.live[bucket]
            return set(value.get("deps", [])) <= live_keys if value.get("deps") else key in self.live[bucket]

        kept = {b: {k: v for k, v in self.index[b].items() if keep(b, k, v)} for b in self.BUCKETS}
        if (self.unchanged and kept["sources"] == self.sources_at_start
                and all(len(kept[b]) == len(self.index[b]) for b in self.BUCKETS)):
            return  # nothing made and nothing dropped: the index and the files are as they were
        files: set[str] = set()
        for b in ("masks", "files", "ghosts"):
            for k, v in kept[b].items():
                files |= _files_of(k, v)
        for path in self.folder.iterdir():
            if path.name != INDEX and path.name not in files:
                path.unlink(missing_ok=True)
        tmp = self.folder / f".{INDEX}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"settings": self.settings, **kept}))
        os.replace(tmp, self.folder / INDEX)


def _files_of(key: str, value) -> frozenset:
    return frozenset(value.get("written", [])) if isinstance(value, dict) else frozenset()


def reference_photos(journal: Journal, readable: set[str]) -> dict[str, str]:
    """Per angle, the photo every other one is aligned to: the baseline session's, or when it
    has none, the earliest readable photo of that angle."""
    sessions = journal.sessions
    if not sessions or journal.config is None:
        return {}
    primary = primary_treatment(journal.config)
    base = sessions[baseline_index([r.date for r in sessions], primary.start if primary else None)]
    refs: dict[str, str] = {}
    for rec in [base, *sessions]:
        for angle, path in sorted(rec.photos.items()):
            if path in readable:
                refs.setdefault(angle, path)
    return refs


def collect(journal: Journal, photos: PhotoResult, folder: Path, store_folder: Path, mode: Mode,
            workers: Workers | None = None) -> Evidence:
    """Masks, alignments, ghosts and cards of every readable photo of the journal.

    `folder`: the photo stage's renditions (and grey images); `store_folder`: this stage's own
    cache (FOLDER in the cache). `workers`: the photo stage's pool, when it is still running
    (one is started otherwise)."""
    renditions = photos.renditions
    store = Store(store_folder)
    out = Evidence()
    refs = reference_photos(journal, set(renditions))
    for rec in journal.sessions:
        for angle, path in rec.photos.items():
            if path in renditions:
                out.photos[path] = _facts(rec.folder, angle, path, refs, renditions[path]["facts"])
                out.findings += _card_findings(rec, angle, renditions[path]["facts"])
    with nullcontext(workers) if workers else Workers() as workers:
        _masks(journal, renditions, store, mode, workers, out)
        _alignments(refs, renditions, folder, store, mode, workers, out)
        if mode is Mode.BUILD:
            _ghosts(refs, renditions, folder, store, workers, out)
    store.save({m["key"] for m in renditions.values()} | {m["content"] for m in out.masks_used})
    return out


def _facts(folder: str, angle: str, path: str, refs: dict[str, str], facts: dict) -> dict:
    reference = refs.get(angle)
    return {"folder": folder, "angle": angle, "reference": reference, "is_reference": reference == path,
            "mask": None, "alignment": None, "align_note": None, "card_lab": facts.get("card_lab")}


def _card_findings(rec, angle: str, facts: dict) -> list[Finding]:
    if not facts.get("card_error"):
        return []
    return [warning("grey-card-outside", rec.yaml_path, f"photo_meta.{angle}.grey_card: {facts['card_error']}",
                    rec.lines.get(("photo_meta", angle, "grey_card")),
                    "give [x, y, width, height] in pixels of the photo as it is shown (upright)")]


def _masks(journal: Journal, renditions: dict, store: Store, mode: Mode, workers: Workers, out: Evidence) -> None:
    pending = {}
    for rec in journal.sessions:
        for angle, mask in sorted(rec.masks.items()):
            photo = rec.photos.get(angle)
            meta = renditions.get(photo) if photo else None
            if photo is None or meta is None:
                continue  # an unreadable photo is reported by the photo stage
            source = journal.root / mask
            content = stat_keys(store.index["sources"], [source], workers)[source]
            store.live["sources"].add(str(source))
            web = (meta["width"], meta["height"]) if mode is Mode.BUILD and meta["width"] else None
            key = _key(content, meta["facts"]["upright"], web)
            job = jobs.MaskJob(str(source), tuple(meta["facts"]["upright"]), web,
                               str(store.file(f"{key}-overlay.png")) if web else None, content)
            pending[(photo, mask, key)] = job
            out.masks_used.append({"path": mask, "content": content})
    todo = {k: j for k, j in pending.items() if not _cached_mask(store, k[2], j)}
    contents = {m["path"]: m["content"] for m in out.masks_used}
    for k, result in zip(todo, workers.map(jobs.mask_job, list(todo.values()))):
        out_file = todo[k].out
        written = [Path(out_file).name] if out_file and "counts" in result else []
        store.put("masks", k[2], {**result, "written": written}, [contents[k[1]]])
    for (photo, mask, key), job in pending.items():
        _mask_result(photo, mask, store.get("masks", key), job, out)


def _cached_mask(store: Store, key: str, job: jobs.MaskJob) -> bool:
    found = store.get("masks", key)
    return bool(found) and all(store.file(n).is_file() for n in found.get("written", []))


def _mask_result(photo: str, mask: str, result: dict, job: jobs.MaskJob, out: Evidence) -> None:
    if result.get("error"):
        out.findings.append(error(result["code"], mask, result["error"],
                                  hint="export the mask at the size of the photo, as a PNG"))
        return
    counts = {k: result["counts"][k] for k in ("loss_pct", "scalp_px", "bald_px", "partial_px", "excluded_px")}
    out.photos[photo]["mask"] = {**counts, "path": mask, "content": job.content}
    if job.out:
        out.files.setdefault(photo, {})["overlay"] = Path(job.out)
    if counts["scalp_px"] == 0:
        out.findings.append(warning("mask-empty", mask, "the mask paints no scalp (every pixel is transparent)",
                                    hint="paint the scalp outline in any opaque colour, bald areas red"))
    elif counts["scalp_px"] == result["pixels"]:
        out.findings.append(warning("mask-no-outline", mask, "the mask has no transparent pixel, so the whole "
                                    "photo counts as scalp", hint="erase everything that is not scalp"))
    if counts["excluded_px"] > MOSTLY_EXCLUDED * counts["scalp_px"] > 0:
        out.findings.append(warning("mask-mostly-excluded", mask, f"{counts['excluded_px'] / counts['scalp_px']:.0%} "
                                    "of the painted scalp counts as excluded (grey)", hint="paint haired scalp in a "
                                    "clear colour such as green: dull colours near grey #808080 count as excluded"))


GROUP = 16  # photos aligned in one job: few jobs, and work for every core


def _alignments(refs: dict, renditions: dict, folder: Path, store: Store, mode: Mode, workers: Workers,
                out: Evidence) -> None:
    """Align every photo to the reference of its view (in groups), then, in a build, write the
    aligned renditions of those aligned reliably. The same photos give the same alignment
    whichever command made it: both work from the features of the one decode they share."""
    pending = {}
    for path, facts in out.photos.items():
        ref = facts["reference"]
        if not facts["is_reference"] and ref is not None:
            keys = (renditions[path]["key"], renditions[ref]["key"])
            pending[path] = (_key(*keys), keys)
    groups: dict[str, list[str]] = {}
    for path, (akey, keys) in pending.items():
        if store.get("alignments", akey) is None:
            groups.setdefault(keys[1], []).append(path)
    batches = [(ref, paths[i:i + GROUP]) for ref, paths in groups.items() for i in range(0, len(paths), GROUP)]
    jobs_ = [jobs.AlignGroup(str(features_path(folder, ref)),
                             tuple(str(features_path(folder, pending[p][1][0])) for p in paths)) for ref, paths in batches]
    for (_, paths), found in zip(batches, workers.map(jobs.align_group_job, jobs_)):
        for path, result in zip(paths, found):
            store.put("alignments", pending[path][0], {"result": result}, list(pending[path][1]))
    for path, (akey, _) in pending.items():
        found = store.get("alignments", akey)["result"]
        t = found["alignment"]
        out.photos[path]["alignment"] = None if t is None else Alignment(**t).as_dict()
        out.photos[path]["align_note"] = found["note"]
    if mode is Mode.BUILD:
        _aligned_renditions(renditions, folder, store, workers, out)


def _aligned_renditions(renditions: dict, folder: Path, store: Store, workers: Workers, out: Evidence) -> None:
    """The aligned rendition (and overlay) of every reliably aligned photo, named by all they depend on."""
    planned, deps = {}, {}
    for path, facts in out.photos.items():
        t = facts["alignment"]
        if facts["is_reference"] or t is None or t["confidence"] < CONFIDENT:
            continue
        meta, base = renditions[path], renditions[facts["reference"]]
        overlay = out.files.get(path, {}).get("overlay")
        fkey = _key(meta["key"], base["key"], t, overlay.name if overlay else None)
        deps[path] = [meta["key"], base["key"], *([out.photos[path]["mask"]["content"]] if overlay else [])]
        planned[path] = jobs.AlignedJob(t, str(rendition_path(folder, meta["key"], "print")), str(store.file(f"{fkey}.jpg")),
                                        None, str(overlay) if overlay else None,
                                        (base["width"], base["height"]) if overlay else None,
                                        str(store.file(f"{fkey}-overlay.png")) if overlay else None)
    todo = {p: j for p, j in planned.items() if not _cached_files(store, j)}
    todo = {p: replace(j, reference_size=_image_size(folder, renditions[out.photos[p]["reference"]]["key"]))
            for p, j in todo.items()}  # the frame's size: read only when there is work
    for (path, job), done in zip(todo.items(), workers.map(jobs.aligned_job, list(todo.values()))):
        written = [Path(f).name for f, ok in ((job.out, done["aligned"]), (job.overlay_out, done["aligned_overlay"]))
                   if ok and f]
        store.put("files", Path(job.out).stem, {"written": written}, deps[path])
    for path, job in planned.items():
        files = store.get("files", Path(job.out).stem) or {"written": []}
        for name, kind in ((Path(job.out).name, "aligned"),
                           (Path(job.overlay_out).name if job.overlay_out else None, "aligned_overlay")):
            if name is not None and name in files["written"]:
                out.files.setdefault(path, {})[kind] = store.file(name)


@lru_cache(maxsize=64)
def _image_size(folder: Path, key: str) -> tuple[int, int]:
    """Width and height of a cached print rendition, from its header."""
    from PIL import Image

    with Image.open(rendition_path(folder, key, "print")) as im:
        return im.size


def _cached_files(store: Store, job: jobs.AlignedJob) -> bool:
    files = store.get("files", Path(job.out).stem)
    return bool(files) and all(store.file(n).is_file() for n in files["written"])


def _ghosts(refs: dict, renditions: dict, folder: Path, store: Store, workers: Workers, out: Evidence) -> None:
    todo = []
    for angle, path in sorted(refs.items()):
        key = renditions[path]["key"]
        target = store.file(f"{key}-ghost.png")
        if store.get("ghosts", key) is None or not target.is_file():
            todo.append((str(rendition_path(folder, key, "web")), str(target)))
        store.put("ghosts", key, {"written": [target.name]}, [key])
        out.ghosts[angle] = target
    list(workers.map(jobs.ghost_job, todo))
