"""Regenerate the reference screenshots in docs/screenshots/ from example-journal/.

Usage: python docs/screenshots.py   (needs scalpsite installed, Chromium and poppler-utils)

Builds a copy of the example journal for its 2026-01-16 appointment in a temporary folder,
takes headless Chromium screenshots of the site at desktop and phone width, renders dossier
pages 1 and 2 with pdftoppm, and writes small optimised PNGs (about 800 px wide).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

DOCS = Path(__file__).resolve().parent
EXAMPLE = DOCS.parent / "example-journal"
OUT = DOCS / "screenshots"
FOR_DATE = "2026-01-16"
WIDTH = 800
PHONE = 375  # Chromium's headless window is at least ~500 px wide: the page goes in an iframe
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--hide-scrollbars"]
# name: (page, window width, window height)
DESKTOP = {"site-index": ("index.html", 1280, 1400),
           "site-session": ("sessions/2026-01-12.html", 1280, 1500),
           "site-angle": ("angles/overhead.html", 1280, 1100),
           "site-next-photos": ("next-photos.html", 1280, 1300)}
SCROLLED = {"site-sessions": ("index.html", "sessions", 1280, 1000)}  # page, element id, window
PHONE_SHOTS = {"site-index-phone": ("index.html", 1500)}


def build(work: Path) -> Path:
    """Build a copy of the example journal; never inside example-journal itself."""
    journal = work / "journal"
    shutil.copytree(EXAMPLE, journal, ignore=shutil.ignore_patterns("_site"))
    subprocess.run([sys.executable, "-m", "scalpsite", "build", str(journal), "--for", FOR_DATE, "--quiet"],
                   check=True)
    return journal / "_site"


def chromium(url: str, png: Path, width: int, height: int) -> None:
    subprocess.run([*CHROMIUM, f"--screenshot={png}", f"--window-size={width},{height}", url],
                   check=True, capture_output=True, timeout=120)


def scrolled(site: Path, page: str, anchor: str, png: Path, width: int, height: int, work: Path) -> None:
    """The page scrolled to an element (a fragment in the URL is not honoured by --screenshot)."""
    wrapper = work / f"scroll-{png.stem}.html"
    wrapper.write_text(
        '<!doctype html><html><body style="margin:0">'
        f'<iframe id="f" src="{(site / page).as_uri()}" style="border:0;display:block;'
        f'width:{width}px;height:{height}px"></iframe><script>'
        'document.getElementById("f").addEventListener("load", function () {'
        f'  var w = this.contentWindow, el = w.document.getElementById("{anchor}");'
        '  w.scrollTo(0, el.getBoundingClientRect().top + w.scrollY - 16); });'
        '</script></body></html>')
    subprocess.run([*CHROMIUM, "--allow-file-access-from-files", "--virtual-time-budget=5000",
                    f"--screenshot={png}", f"--window-size={width},{height}", wrapper.as_uri()],
                   check=True, capture_output=True, timeout=120)


def phone(site: Path, page: str, png: Path, height: int, work: Path) -> None:
    """The page in a 375 px wide iframe, cropped to the iframe."""
    wrapper = work / f"phone-{png.stem}.html"
    wrapper.write_text('<!doctype html><html><body style="margin:0">'
                       f'<iframe src="{(site / page).as_uri()}" style="border:0;display:block;'
                       f'width:{PHONE}px;height:{height}px"></iframe></body></html>')
    chromium(wrapper.as_uri(), png, 500, height)
    with Image.open(png) as im:
        im.crop((0, 0, PHONE, height)).save(png)


def save_small(src: Path, dest: Path, width: int = WIDTH) -> None:
    """Downscale to `width` (never up) and save as a palette PNG: small files for the docs."""
    with Image.open(src) as im:
        im = im.convert("RGB")
        if im.width > width:
            im = im.resize((width, round(im.height * width / im.width)), Image.Resampling.LANCZOS)
        im.quantize(colors=192, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            dest, optimize=True)
    print(f"{dest.relative_to(DOCS.parent)}: {dest.stat().st_size // 1024} KB")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        site = build(work)
        for name, (page, w, h) in DESKTOP.items():
            raw = work / f"{name}.png"
            chromium((site / page).as_uri(), raw, w, h)
            save_small(raw, OUT / f"{name}.png")
        for name, (page, anchor, w, h) in SCROLLED.items():
            raw = work / f"{name}.png"
            scrolled(site, page, anchor, raw, w, h, work)
            save_small(raw, OUT / f"{name}.png")
        for name, (page, h) in PHONE_SHOTS.items():
            raw = work / f"{name}.png"
            phone(site, page, raw, h, work)
            save_small(raw, OUT / f"{name}.png", width=PHONE)
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "2", str(site / "dossier.pdf"),
                        str(work / "dossier")], check=True)
        for raw in sorted(work.glob("dossier-*.png")):
            page = int(raw.stem.rsplit("-", 1)[1])
            save_small(raw, OUT / f"dossier-page-{page}.png")


if __name__ == "__main__":
    main()
