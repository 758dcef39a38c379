"""The words of a PDF's pages as poppler's `pdftotext -raw` reads them: in the order the page draws
them, as pypdf's extract_text does, about ten times sooner (1.6 s against 0.15 s for the long
course's 19 pages). pypdf stays for what is not text: metadata, encryption, fonts, outline.

A second reader, too: the words the tests find are the words a poppler-based viewer shows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import IN_CI


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, its white space made single spaces. Skipped without poppler-utils
    outside CI; in CI that fails (.ci/run installs it)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        if IN_CI:
            pytest.fail("CI must install Debian's poppler-utils (.ci/run does)")
        pytest.skip("poppler-utils is not installed (apt-get install poppler-utils); CI installs it")
    run = subprocess.run([tool, "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, encoding="utf-8",
                         check=False)
    assert run.returncode == 0, f"pdftotext cannot read {pdf}: {run.stderr}"
    pages = run.stdout.split("\f")[:-1]  # every page ends with a form feed
    return [" ".join(page.split()) for page in pages]


def pdf_text(pdf: Path) -> str:
    """The text of every page, one after the other."""
    return " ".join(pdf_pages(pdf))
