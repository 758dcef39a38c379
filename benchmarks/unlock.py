"""How long unlocking an encrypted site takes in the browser, by PBKDF2 iteration count.

A measurement, not a test: it always exits 0 and writes its table to results-unlock.md. The
example journal is built encrypted once per iteration count; Debian's chromium (driven by
Playwright, opened from file://) then times, in fresh tabs, (a) the key derivation alone and
(b) the whole unlock: from pressing Unlock to the summary shown with its charts. Medians of
--runs runs, min-max in brackets. The target: unlocking stays under 2 s on this machine.

    python benchmarks/unlock.py [--runs 5] [--work /tmp/unlock-bench]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "example-journal"
PASSWORD = "quartz-ember-violin-harbor-lake"
COUNTS = (600_000, 1_000_000, 2_000_000)
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
DERIVE = """async (it) => {
  const base = await crypto.subtle.importKey("raw", new TextEncoder().encode("x".repeat(31)), "PBKDF2",
                                             false, ["deriveKey"]);
  const t = performance.now();
  await crypto.subtle.deriveKey({name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(16), iterations: it},
                                base, {name: "AES-GCM", length: 256}, false, ["decrypt"]);
  return performance.now() - t;
}"""


def build_sites(work: Path) -> dict[int, Path]:
    """The example journal built encrypted once per iteration count."""
    from scalpsite.output import encrypt
    from scalpsite.pipeline import build

    journal = work / "journal"
    if not journal.exists():
        shutil.copytree(EXAMPLE, journal, ignore=shutil.ignore_patterns("_site", ".scalpsite-cache"))
    sites = {}
    for count in COUNTS:
        encrypt.ITERATIONS = count
        sites[count] = work / f"site-{count}"
        build(journal, sites[count], password=PASSWORD, pdf=False)
    return sites


def unlock_ms(browser, site: Path) -> float:
    """Milliseconds from pressing Unlock to the summary with its charts decoded."""
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.fill("#vault-password", PASSWORD)
    started = time.perf_counter()
    page.click("#vault-submit")
    page.locator("h1#summary-h").wait_for(timeout=120_000)
    while page.evaluate("Array.from(document.images).some(i => !i.complete)"):
        page.wait_for_timeout(5)
    took = (time.perf_counter() - started) * 1000
    page.close()
    return took


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ms ({min(values):.0f}-{max(values):.0f})"


def main() -> None:
    """Measure and write the table."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/unlock-bench"))
    options = parser.parse_args()
    options.work.mkdir(parents=True, exist_ok=True)
    sites = build_sites(options.work)
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        blank = browser.new_page()
        blank.goto((sites[COUNTS[0]] / "unlock.css").as_uri())
        for count in COUNTS:
            derive = [blank.evaluate(DERIVE, count) for _ in range(options.runs)]
            whole = [unlock_ms(browser, sites[count]) for _ in range(options.runs)]
            rows.append(f"| {count:,} | {spread(derive)} | {spread(whole)} |")
        browser.close()
    table = "\n".join(["| iterations | key derivation | unlock to summary shown |", "|---|---|---|", *rows])
    (HERE / "results-unlock.md").write_text(f"# Unlocking an encrypted site in Chromium\n\n{table}\n")
    print(table)


if __name__ == "__main__":
    main()
