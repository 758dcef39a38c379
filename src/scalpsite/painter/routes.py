"""The painter's routes in the preview: the painting page of a photo, the photo and masks it
loads, and the requests that measure, save and begin a mask.

A request that changes or computes anything is a POST that must come from the painting page
itself: the per-run token the page holds, the preview's own Origin, and a browser's
`Sec-Fetch-Site: same-origin` when it sends one. Each refusal is a plain-text reason.
"""

from __future__ import annotations

import base64
import hmac
import html
import json
import re
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import quote


from scalpsite.errors import ScalpsiteError
from scalpsite.journal.load import Journal
from scalpsite.painter import store
from scalpsite.painter.store import Refusal, Target

PREFIX = "/__scalpsite/paint/"
ASSETS = "/__scalpsite/painter/"
ASSET_TYPES = {"paint.js": "text/javascript; charset=utf-8", "paint-model.js": "text/javascript; charset=utf-8",
               "paint.css": "text/css; charset=utf-8"}
TOKEN_HEADER = "X-Scalpsite-Token"
ROUTE = re.compile(r"/__scalpsite/paint/([^/]+)/([^/]+)(?:/(photo\.jpg|mask\.png|versions|versions/(\d{1,9})\.png))?")
POSTS = re.compile(r"/__scalpsite/paint/([^/]+)/([^/]+)/(save|measure|start)")
SESSION_PAGE = re.compile(r"/sessions/([^/]+)\.html")
PAGE_HEADERS = (
    ("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
                                "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"), ("X-Content-Type-Options", "nosniff"))
PHOTO_SIDE = 2560  # long side of the photo shown under the mask: sharp on any screen, light to send
TOOLS = (("scalp", "Scalp outline", "Haired scalp: paint its whole outline, then fill it"),
         ("bald", "Bald", "Bald areas"), ("partial", "Partial regrowth", "Partial regrowth: counts half"),
         ("excluded", "Excluded", "Another condition, a scar: left out of the measure"),
         ("erase", "Erase", "Not scalp: face, ears, background"))


@dataclass(frozen=True)
class Reply:
    """An answer to send: status, body, type and extra headers."""

    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


def text(status: int, message: str) -> Reply:
    """A plain-text answer: the reason of a refusal, for the page to show."""
    return Reply(status, (message + "\n").encode(), "text/plain; charset=utf-8")


def as_json(value: object) -> Reply:
    """A JSON answer."""
    return Reply(200, json.dumps(value, ensure_ascii=False).encode(), "application/json; charset=utf-8")


class Painter:
    """The painter of one preview: its journal, its per-run token and the origins it answers."""

    def __init__(self, root: Path, origins: set[str], say: Callable[[str], None]):
        self.root = Path(root)
        self.say = say  # a line for the terminal the preview runs in (the preview prints, not the painter)
        self.token = secrets.token_urlsafe(32)
        self.origins = origins
        self._journal: Journal | None = None
        self._lock = threading.Lock()

    def forget(self) -> None:
        """The journal changed (a rebuild, a save): read it again when next needed."""
        self._journal = None

    def journal(self) -> Journal:
        """The journal as last read."""
        from scalpsite.journal.load import load

        with self._lock:
            if self._journal is None:
                try:
                    self._journal = load(self.root)
                except ScalpsiteError as exc:
                    raise Refusal(503, exc.format_message()) from exc
            return self._journal

    def get(self, route: str) -> Reply:
        """A GET under the painter's prefixes."""
        if route.startswith(ASSETS):
            return _asset(route.removeprefix(ASSETS))
        return _answer(lambda: self._get(route), self.say)

    def post(self, route: str, headers: Mapping[str, str], read: Callable[[int], bytes]) -> Reply:
        """A POST: refused unless it comes from the painting page; `headers` by lower-case name, `read(n)` reads the body."""
        return _answer(lambda: self._post(route, headers, read), self.say)

    def links(self, route: str, page: bytes) -> bytes:
        """A session page with a "Paint mask" link in the caption of each photo of a SALT view."""
        match = SESSION_PAGE.fullmatch(route)
        if not match:
            return page
        try:
            journal = self.journal()
        except Refusal:
            return page
        rec = next((r for r in journal.sessions if r.folder == match[1]), None)
        if rec is None or journal.config is None:
            return page
        for angle in sorted(set(journal.config.photos.views()) & set(rec.photos)):
            page = _link(page, angle, f"{PREFIX}{quote(rec.folder)}/{quote(angle)}")
        return page

    def _get(self, route: str) -> Reply:
        match = ROUTE.fullmatch(route)
        if not match:
            raise Refusal(404, "the painter has no such page")
        target = self._target(match[1], match[2])
        action, number = match[3], match[4]
        if action is None:
            return self._page(target)
        if action == "photo.jpg":
            return Reply(200, _photo(self.root, target.photo), "image/jpeg")
        if action == "versions":
            return as_json(store.versions(self.root, target))
        if action == "mask.png" and not target.exists:
            raise Refusal(404, f"{target.mask} does not exist yet")
        rel = target.mask if number is None else store.version_path(self.root, target, int(number)).relative_to(self.root)
        return Reply(200, store.exact_png(store.mask_classes(self.root, rel, target.size)), "image/png")

    def _post(self, route: str, headers: Mapping[str, str], read: Callable[[int], bytes]) -> Reply:
        self._check_origin(headers)
        if not hmac.compare_digest(headers.get(TOKEN_HEADER.lower(), "").encode(), self.token.encode()):
            raise Refusal(403, "refused: the request does not carry this preview's token; reload the painting "
                               "page (the preview may have been restarted)")
        match = POSTS.fullmatch(route)
        if not match:
            raise Refusal(404, "the painter accepts only save, measure and start here")
        target = self._target(match[1], match[2])
        if match[3] == "start":
            return self._start(target)
        classes = store.posted_classes(_body(headers, read), target.size)
        if match[3] == "measure":
            return as_json(_counts(target, classes))
        store.save(self.root, target, classes, on_wait=self.say)
        self.forget()
        counts = _counts(target, classes)
        message = f"Saved {target.mask}. The preview now rebuilds with it."
        self.say(f"Painter: saved {target.mask}")
        return as_json({**counts, "message": message, "versions": store.versions(self.root, target)})

    def _check_origin(self, headers: Mapping[str, str]) -> None:
        site = headers.get("sec-fetch-site", "same-origin").strip().lower()
        origin = headers.get("origin", "")
        if site != "same-origin" or origin not in self.origins:
            shown = origin or "no Origin"
            raise Refusal(403, f"refused: the request comes from {shown} ({site}), not from this preview's "
                               "painting page; masks are saved only from the painting page")

    def _target(self, folder: str, angle: str) -> Target:
        return store.find_target(self.journal(), folder, angle)

    def _start(self, target: Target) -> Reply:
        from scalpsite.photos.maskstart import aligned_start

        image, started = aligned_start(self.journal(), target.folder, target.angle)
        if image is None:
            why = {"no-previous": f"No earlier session has a mask of the {target.angle} view to start from."}
            return as_json({"png": None, "message": why.get(started.status, f"Could not read {started.source}.")})
        how = ("turned, scaled and moved with the photos" if started.alignment is not None else
               "only scaled to this photo: one of the two photos cannot be aligned reliably")
        png = store.exact_png(store.classes_of(image))
        return as_json({"png": base64.b64encode(png).decode("ascii"),
                        "message": f"Started from {started.source}, {how}. Correct it, then save."})

    def _page(self, target: Target) -> Reply:
        from scalpsite.render.format import fmt_date, fmt_label

        env = _page_env()
        longest = max(target.size)
        page = env.get_template("paint.html").render(
            assets=ASSETS, api=f"{PREFIX}{quote(target.folder)}/{quote(target.angle)}", token=self.token,
            back=f"/sessions/{quote(target.folder)}.html", date=fmt_date(target.date),
            angle_label=fmt_label(target.angle), region_label=fmt_label(target.region), mask=target.mask,
            width=target.size[0], height=target.size[1], has_mask=target.exists, keep=store.KEEP,
            brush=max(2, round(longest / 50)), brush_max=max(8, round(longest / 6)),
            palette=json.dumps([list(store.PALETTE[p]) for p in sorted(store.PALETTE)]),
            tools=json.dumps({key: int(code) for key, code in zip((t[0] for t in TOOLS), CODES)}),
            tool_list=[{"key": k, "label": label, "help": help_} for k, label, help_ in TOOLS])
        return Reply(200, page.encode(), "text/html; charset=utf-8", PAGE_HEADERS)


def _codes() -> tuple[int, ...]:
    from scalpsite.photos.masks import Paint

    return (Paint.HAIR, Paint.BALD, Paint.PARTIAL, Paint.EXCLUDED, Paint.NONE)


CODES = _codes()  # the class each tool paints, in the order of TOOLS


def _counts(target: Target, classes) -> dict:
    """The measure of a mask and the sentence the page shows."""
    from scalpsite.render.format import fmt_label, fmt_num

    counts = store.measure(classes)
    region = fmt_label(target.region)
    if counts["loss_pct"] is None:
        summary = f"{region} region loss: not measured, no scalp painted (paint the scalp outline first)"
    else:
        summary = (f"{region} region loss: {fmt_num(counts['loss_pct'])} % (bald {counts['bald_px']:,} px, "
                   f"partial {counts['partial_px']:,} px, excluded {counts['excluded_px']:,} px, "
                   f"scalp {counts['scalp_px']:,} px)")
    return {**counts, "summary": summary}


def _body(headers: Mapping[str, str], read: Callable[[int], bytes]) -> bytes:
    """The PNG of a request, refused before it is read when it says it is anything else or too large."""
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "image/png":
        raise Refusal(415, f"the mask must be sent as image/png, not {kind or 'no type'}")
    length = headers.get("content-length", "")
    if not length.isdigit():
        raise Refusal(411, "the request does not say its length (Content-Length)")
    if int(length) > store.MAX_BYTES:
        raise Refusal(413, f"the mask sent is {int(length) / 2**20:.0f} MB, over the limit of "
                           f"{store.MAX_BYTES // 2**20} MB")
    try:
        body = read(int(length))
    except OSError as exc:  # the client stopped sending (the connection timed out or closed)
        raise Refusal(400, f"the mask was not received whole ({exc})") from exc
    if len(body) != int(length):
        raise Refusal(400, "the mask was not received whole; save again")
    return body


def _answer(work: Callable[[], Reply], say: Callable[[str], None]) -> Reply:
    try:
        return work()
    except Refusal as refusal:
        return text(refusal.status, refusal.message)
    except Exception as exc:  # a fault of scalpsite: one line on stderr, the reason on the page
        say(f"Painter: internal error: {exc!r}")
        return text(500, f"internal error: {exc!r} (please report it)")


def _link(page: bytes, angle: str, href: str) -> bytes:
    """The page with the link added at the end of the caption of the angle's figure (data-angle)."""
    figure = re.search(rb'<figure\b[^>]*\bdata-angle="' + re.escape(html.escape(angle).encode()) + rb'"', page)
    end = page.find(b"</figcaption>", figure.end()) if figure else -1
    if end < 0:
        return page
    link = f' · <a class="paint-link" href="{html.escape(href)}">Paint mask</a>'.encode()
    return page[:end] + link + page[end:]


@lru_cache(maxsize=1)
def _page_env():
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(loader=FileSystemLoader(str(_assets_dir())), autoescape=True)


def _assets_dir() -> Path:
    """The painter's page, script and style: the default theme's, never a journal's own theme."""
    from scalpsite.render.themes import DEFAULT, builtin_themes

    return builtin_themes() / DEFAULT / "paint"


def _asset(name: str) -> Reply:
    if name not in ASSET_TYPES:
        return text(404, "no such file of the painter")
    return Reply(200, (_assets_dir() / name).read_bytes(), ASSET_TYPES[name])


def _photo(root: Path, photo: str) -> bytes:
    path = root / photo
    try:
        stat = path.stat()
        return _photo_jpeg(str(path), stat.st_mtime_ns, stat.st_size)
    except (OSError, ValueError, SyntaxError, Warning) as exc:  # Warning: a decompression bomb, made an error
        raise Refusal(422, f"cannot read {photo} ({exc}); fix the photo first") from exc


@lru_cache(maxsize=4)
def _photo_jpeg(path: str, mtime_ns: int, size: int) -> bytes:
    """The photo upright, in sRGB, at most PHOTO_SIDE px long (cached while the file is unchanged)."""
    from scalpsite.photos.decode import decode, register_heif

    register_heif()
    out = BytesIO()
    decode(path, PHOTO_SIDE).save(out, "JPEG", quality=90)
    return out.getvalue()
