"""Every page type of the site checked by axe-core in Debian's chromium (through Playwright, no
browser download): no serious or critical violation. The results are printed in the test output.
Then what axe cannot see: the compare slider's photos, labels and keys for screen readers, and the
focus after unlocking an encrypted site."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CHROMIUM, IN_CI
from sharing import PASSWORD, private_journal

from scalpsite.pipeline import build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not IN_CI,
                       reason="Debian's chromium is not installed (apt-get install chromium); "
                              "CI installs it and runs these tests"),
]
WAIT = 30_000  # ms; PBKDF2 with 600,000 iterations on a busy machine
BLOCKING = ("serious", "critical")
PAGES = {  # page type: the page of the example site that has it
    "index": "index.html", "session": "sessions/2025-01-06.html", "angle": "angles/overhead.html",
    "findings": "findings.html", "next photos": "next-photos.html", "side effects": "side-effects.html",
    "appointments": "appointments.html", "glossary": "glossary.html",
}


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1200})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def sealed(tmp_path_factory) -> Path:
    root = private_journal(tmp_path_factory.mktemp("a11y") / "j")
    build(root, root / "_site", password=PASSWORD, pdf=False)
    return root / "_site"


def axe(page, capsys, name: str) -> list[dict]:
    """axe-core's violations of the page, printed whatever they are; the serious and critical ones."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    lines = [f"axe-core {results['testEngine']['version']} on {name}: {len(results['violations'])} violations"]
    for v in results["violations"]:
        lines.append(f"  {v['impact']}: {v['id']} ({v['help']}) at {', '.join(n['target'][0] for n in v['nodes'][:4])}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    return [v for v in results["violations"] if v["impact"] in BLOCKING]


@pytest.mark.parametrize("kind", PAGES)
def test_every_page_type_has_no_serious_violation(example_build, page, capsys, kind):
    site, _ = example_build
    page.goto((site / PAGES[kind]).as_uri())
    page.wait_for_load_state("load")
    assert axe(page, capsys, kind) == []


@pytest.mark.parametrize("kind", PAGES)
def test_on_a_phone_too(example_build, browser, capsys, kind):
    site, _ = example_build
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    tab = context.new_page()
    tab.goto((site / PAGES[kind]).as_uri())
    try:
        assert axe(tab, capsys, f"{kind}, phone width") == []
    finally:
        context.close()


def test_the_comparison_after_use_has_no_serious_violation(example_build, page, capsys):
    """The angle page with masks shown, other sessions picked, and side by side."""
    site, _ = example_build
    page.goto((site / PAGES["angle"]).as_uri())
    page.check("#show-masks")
    page.select_option("select[data-side=left]", index=2)
    assert axe(page, capsys, "comparison, masks shown, another session picked") == []
    page.click(".compare-toggle")
    assert axe(page, capsys, "comparison side by side") == []


def test_the_unlock_page_and_the_unlocked_site_have_no_serious_violation(sealed, page, capsys):
    page.goto((sealed / "index.html").as_uri())
    assert axe(page, capsys, "unlock page") == []
    page.fill("#vault-password", "not the right password at all")
    page.click("#vault-submit")
    page.locator("#vault-status.is-error").wait_for(timeout=WAIT)
    assert axe(page, capsys, "unlock page, wrong password") == []
    page.fill("#vault-password", PASSWORD)
    page.click("#vault-submit")
    page.locator("h1#summary-h").wait_for(timeout=WAIT)
    assert axe(page, capsys, "unlocked index") == []


def test_after_unlocking_focus_moves_to_the_page_heading(sealed, page):
    """A screen reader is told the page changed: focus leaves the vanished form for the new h1."""
    page.goto((sealed / "index.html").as_uri())
    page.fill("#vault-password", PASSWORD)
    page.press("#vault-password", "Enter")
    page.locator("h1#summary-h").wait_for(timeout=WAIT)
    assert page.evaluate("document.activeElement.id") == "summary-h"
    page.click(".site-nav >> text=Side effects")  # another page of the vault
    page.locator("main h1:not(#summary-h)").wait_for(timeout=WAIT)
    assert page.evaluate("[document.activeElement.tagName, document.activeElement.closest('main') !== null]") \
        == ["H1", True]


def slider(page) -> dict:
    """What a screen reader is given by the slider: its photos' alternatives and the range's words."""
    return page.evaluate("""() => {
      const range = document.querySelector('.compare-range');
      const img = s => document.querySelector('.compare-stage ' + s);
      return {before: img('.compare-before').alt, after: img('.compare-after').alt,
              hidden: Array.from(document.querySelectorAll('.compare-stage .compare-before, .compare-stage .compare-after'))
                        .filter(i => i.closest('[aria-hidden=true]')).length,
              label: range.getAttribute('aria-label'), text: range.getAttribute('aria-valuetext'),
              value: Number(range.value)};
    }""")


def test_the_slider_speaks_both_photos_follows_the_pickers_and_moves_in_steps(example_build, page):
    site, _ = example_build
    page.goto((site / PAGES["angle"]).as_uri())
    start = slider(page)
    assert start["before"].startswith("Overhead view, baseline, ") and start["after"].startswith("Overhead view, latest, ")
    assert start["hidden"] == 0  # the latest photo is no longer hidden from screen readers
    assert start["label"].startswith("Divider between the left photo, Baseline · ")
    assert start["text"].startswith("50 % shows Baseline · ") and ", 50 % shows Latest · " in start["text"]

    page.focus(".compare-range")
    page.keyboard.press("ArrowRight")
    assert slider(page)["value"] == 55
    page.keyboard.press("PageDown")
    page.keyboard.press("ArrowLeft")
    moved = slider(page)
    assert moved["value"] == 25 and moved["text"].startswith("25 % shows ")
    page.keyboard.press("End")
    assert slider(page)["value"] == 100

    option = page.locator("select[data-side=left] option").nth(2)
    date = option.get_attribute("data-date")
    page.select_option("select[data-side=left]", index=2)
    picked = slider(page)
    assert picked["before"].startswith(f"Overhead view, {date}")
    assert picked["label"].startswith(f"Divider between the left photo, {date}, and the right photo, Latest · ")
    assert picked["text"].startswith(f"100 % shows {date}, 0 % shows Latest · ")
    figure_alt = page.evaluate("document.querySelector('.compare-item img.photo-img').alt")
    assert figure_alt == picked["before"]
