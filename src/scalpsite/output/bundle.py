"""`scalpsite bundle`: the site in one self-contained HTML file, optionally encrypted.

The file holds the unlock code of the encrypted site and every page, style, script, chart and
photo in the chunks of its stream, as data blocks, so it opens offline from an e-mail attachment;
its policy allows no request at all. Nothing outside the ciphertext names the program.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scalpsite.errors import BuildError
from scalpsite.output.encrypt import Packer, Sealer, read_tree, runtime_dir, shell

MARK = "<!-- private records: the whole record in one file; open it in a web browser. -->"
OLD_MARKS = ("<!-- scalpsite bundle: the whole record in one file; open it in a web browser. -->",)
DEFAULT_NAME = "_bundle.html"
DEFAULT_MAX_MB = 20.0  # the usual limit of an e-mail attachment
MB = 1_000_000
PHOTO = (900, 78)  # long side in px and JPEG quality of the web photos in a bundle
LEFT_OUT = {"data.json", "data.csv", "injections.csv", "dossier.pdf"}  # not shown by any page; the site has them


@dataclass(frozen=True)
class BundleFile:
    """A written bundle: where, how big, whether it is encrypted, and the journal's errors."""

    path: Path
    size: int
    encrypted: bool
    errors: list = field(default_factory=list)  # findings of level error, shown in the bundle too


def check_path(path: Path, journal: Path) -> Path:
    """The resolved bundle path, or a BuildError when writing there could harm the user's files."""
    target = path.resolve()
    if target.suffix.lower() not in (".html", ".htm"):
        raise BuildError(f"bundle file {path} must end in .html, so that it opens in a web browser")
    if target.is_dir():
        raise BuildError(f"bundle path {path} is a folder; give a file name such as {path / DEFAULT_NAME}")
    if (journal.resolve() / "sessions") in target.parents:
        raise BuildError(f"bundle file {path} is inside the journal's sessions; choose {journal / DEFAULT_NAME}")
    if target.exists() and not _is_bundle(target):
        raise BuildError(f"{path} exists and was not made by scalpsite bundle; choose another file name "
                         "(nothing was changed)")
    return target


def _is_bundle(path: Path) -> bool:
    with path.open("rb") as f:
        start = f.read(512)
    return any(mark.encode() in start for mark in (MARK, *OLD_MARKS))


def reduce_photo(data: bytes, size: tuple[int, int] = PHOTO) -> bytes:
    """A web photo at the bundle's smaller size (same aspect, no metadata)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im.thumbnail((size[0], size[0]))
        buf = io.BytesIO()
        im.convert("RGB").save(buf, "JPEG", quality=size[1])
        return buf.getvalue()


def bundle_files(site: Path) -> Iterator[tuple[str, bytes]]:
    """The files of a rendered site that the bundle carries; web photos made smaller."""
    for path, data in read_tree(site):
        if path in LEFT_OUT:
            continue
        if path.startswith("photos/") and path.endswith(".jpg") and not path.endswith(".thumb.jpg"):
            data = reduce_photo(data)
        yield path, data


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def csp(style: str, runtime: str) -> str:
    """No request of any kind; only this file's own style and unlock code (by hash), and the
    decrypted files it hands the browser as blob: addresses (the theme's scripts among them)."""
    return (f"default-src 'none'; img-src data: blob:; font-src blob:; style-src blob: {_hash(style)}; "
            f"script-src {_hash(runtime)} blob:; object-src 'none'; base-uri 'none'; form-action 'none'")


def _inline(text: str, what: str) -> str:
    """Text for a <style> or <script> element, refused where it would end the element early."""
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise BuildError(f"{what} cannot be placed inside the bundle's HTML (it contains '</' or '<!--')")
    return text


def bundle_html(files: Iterator[tuple[str, bytes]], sealer: Sealer) -> str:
    """The bundle: the unlock page with every payload of the stream as an inert data block."""
    style = _inline((runtime_dir() / "unlock.css").read_text(encoding="utf-8"), "unlock.css")
    runtime = _inline((runtime_dir() / "unlock.js").read_text(encoding="utf-8"), "unlock.js")
    blocks = [f'<script type="application/octet-stream" data-vault-id="{ident}">'
              f'{base64.b64encode(sealed).decode("ascii")}</script>'
              for ident, sealed in sorted(Packer(sealer).payloads(files))]
    body = "\n".join([*blocks, f"<script>{runtime}</script>"])
    page = shell(sealer.params("inline"), csp(style, runtime), f"<style>{style}</style>", body)
    first, rest = page.split("\n", 1)
    return f"{first}\n{MARK}\n{rest}"


def write(path: Path, html: str, max_mb: float, encrypted: bool) -> BundleFile:
    """Write the bundle atomically; refuse (writing nothing) when it is over `max_mb` megabytes."""
    data = html.encode("utf-8")
    if len(data) > max_mb * MB:
        raise BuildError(f"the bundle would be {len(data) / MB:.1f} MB, over the limit of {max_mb:g} MB; "
                         "nothing was written. Raise the limit with --max-size if the recipient accepts "
                         "larger files, or share the encrypted site instead (scalpsite build --encrypt)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return BundleFile(path, len(data), encrypted)
