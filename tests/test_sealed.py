"""Issue 23 (private sharing, round two) and issue 22 item 3: what surrounds the encrypted pages must
not give away what they protect: the PDF, the metadata, sizes and names, and the plain files while
a build runs or after it is stopped."""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import add_photo_work, example_copy
from pypdf import PdfReader
from sharing import (
    PASSWORD,
    PATIENT,
    Refused,
    bundle_payloads,
    check_params,
    decrypt_all,
    decrypt_site,
    plain_files,
    private_journal,
    vault_params,
)

from scalpsite.cli import main
from scalpsite.errors import BuildError
from scalpsite.store import sealed
from scalpsite.pipeline import build, bundle

PDF_PASSWORD = "lantern-oyster-quiver-meadow"
# Words that name the program or what the records are about: never outside the ciphertext.
TELLING = ["scalpsite", "scalp", "hair", "alopecia", "areata", "dermatitis", "eczema", "regrowth",
           "dupilumab", "dupixent", "derma"]
WRAPPER = """
import os, sys, time
from scalpsite.output import bundle
from scalpsite.store import sealed
from scalpsite.cli import main

def blocked(original):
    def wait(*args, **kwargs):
        open(os.environ["BLOCK_FLAG"], "w").close()  # the plain render is complete: stop here
        time.sleep(120)
        return original(*args, **kwargs)
    return wait

sealed.write_site = blocked(sealed.write_site)
bundle.bundle_html = blocked(bundle.bundle_html)
main(args=sys.argv[1:], prog_name="scalpsite")
"""


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One journal built plain, and encrypted twice with a standalone PDF."""
    root = private_journal(tmp_path_factory.mktemp("sealed") / "j")
    build(root, root / "_plain")
    build(root, root / "_enc", password=PASSWORD, pdf_password=PDF_PASSWORD)
    build(root, root / "_enc2", password=PASSWORD, pdf_password=PDF_PASSWORD)
    build(root, root / "_bare", password=PASSWORD)
    bundle(root, root / "sealed.html", password=PASSWORD)
    return SimpleNamespace(root=root, plain=root / "_plain", enc=root / "_enc", enc2=root / "_enc2",
                           bare=root / "_bare", bundle=root / "sealed.html")


# ---------- the PDF (item 1 and 2) ----------

def pdfs_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.read_bytes()[:5] == b"%PDF-"]


def test_no_pdf_in_an_encrypted_out_opens_with_the_site_password(made):
    """'Done when' 2: by default no PDF is written beside the encrypted pages (the dossier is a file
    of the vault); the standalone one opens with its own password, never the site's."""
    assert pdfs_in(made.bare) == []
    assert "dossier.pdf" in decrypt_site(made.bare, PASSWORD)[1]
    standalone = pdfs_in(made.enc)
    assert [p.name for p in standalone] == ["dossier.pdf"]
    for pdf in standalone:
        reader = PdfReader(pdf)
        assert reader.is_encrypted and not reader.decrypt(PASSWORD)
        assert PdfReader(pdf).decrypt(PDF_PASSWORD)


def test_standalone_pdf_is_aes256_pdf20_with_the_plain_pages(made):
    """Item 1 and 6: AES-256 (revision 6) is PDF 2.0, and the header says so; the pages are the dossier's."""
    data = (made.enc / "dossier.pdf").read_bytes()
    assert data.startswith(b"%PDF-2.0\n")
    reader = PdfReader(made.enc / "dossier.pdf")
    encryption = reader.trailer["/Encrypt"]
    assert (encryption["/V"], encryption["/R"], encryption["/CF"]["/StdCF"]["/CFM"]) == (5, 6, "/AESV3")
    assert reader.decrypt(PDF_PASSWORD)
    plain = PdfReader(made.plain / "dossier.pdf")
    assert [p.extract_text() for p in reader.pages] == [p.extract_text() for p in plain.pages]


def test_pdf_ids_are_random_and_the_title_names_no_one(made):
    """'Done when' 3 and item 2: two encrypted builds have different /IDs, neither the plain build's
    (typst derives that from the title and author); no name or journal title in the metadata."""
    ids = [PdfReader(p / "dossier.pdf").trailer["/ID"][0].original_bytes for p in (made.plain, made.enc, made.enc2)]
    assert len(set(ids)) == 3
    reader = PdfReader(made.enc / "dossier.pdf")
    reader.decrypt(PDF_PASSWORD)
    assert dict(reader.metadata) == {"/Title": "Dossier"}
    assert "/Metadata" not in reader.trailer["/Root"]
    assert PdfReader(made.plain / "dossier.pdf").metadata["/Title"].startswith("Test journal")


@pytest.mark.skipif(not shutil.which("pdftotext") and os.environ.get("CI", "").lower() not in ("1", "true"),
                    reason="poppler-utils is not installed (apt-get install poppler-utils); CI installs it")
def test_standalone_pdf_opens_in_a_poppler_reader(made):
    """Item 1, in a second reader: poppler opens it with the PDF password only."""
    pdf = str(made.enc / "dossier.pdf")
    for password, opens in ((PASSWORD, False), (PDF_PASSWORD, True)):
        run = subprocess.run(["pdftotext", "-upw", password, pdf, "-"], capture_output=True, text=True, check=False)
        assert (run.returncode == 0 and "Test journal" in run.stdout) is opens, run.stderr


@pytest.mark.parametrize("args, env, message", [
    (["--pdf-password"], {}, "Error: --pdf-password works with --encrypt"),
    (["--encrypt", "--pdf-password", "--no-pdf"], {}, "Error: --pdf-password writes the dossier; leave out --no-pdf"),
])
def test_pdf_password_usage_errors(runner, tmp_path, args, env, message):
    """Item 1: the option needs --encrypt and the PDF."""
    root = private_journal(tmp_path / "j")
    result = runner.invoke(main, ["build", str(root), *args], env={"SCALPSITE_PASSWORD": PASSWORD, **env})
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == message


@pytest.mark.parametrize("password, pdf", [(None, True), (PASSWORD, False)])
def test_pdf_password_needs_an_encrypted_build_with_the_dossier(tmp_path, password, pdf):
    """Item 1, from the library: never silently a plain PDF, nor an option that does nothing."""
    from scalpsite.errors import OptionError

    root = private_journal(tmp_path / "j")
    with pytest.raises(OptionError, match="a standalone encrypted PDF comes only with an encrypted build"):
        build(root, password=password, pdf=pdf, pdf_password=PDF_PASSWORD)
    assert not (root / "_site").exists()


def test_pdf_password_is_never_the_site_password(runner, tmp_path):
    """Item 1: the standalone PDF's password must differ from the site's (and follow the rule)."""
    root = private_journal(tmp_path / "j")
    env = {"SCALPSITE_PASSWORD": PASSWORD, "SCALPSITE_PDF_PASSWORD": PASSWORD}
    result = runner.invoke(main, ["build", str(root), "--encrypt", "--pdf-password"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("Error: PDF password refused: it is the site's password; the standalone "
                                    "PDF needs a password of its own. The rule: ")
    env["SCALPSITE_PDF_PASSWORD"] = PASSWORD + "-x"
    result = runner.invoke(main, ["build", str(root), "--encrypt", "--pdf-password"], env=env)
    assert result.exit_code == 1 and "PDF password refused: it has 33 bytes; use at most 32" in result.output
    assert not (root / "_site").exists()


def test_pdf_password_is_generated_by_default_and_printed_once(runner, tmp_path, warm_cache):
    """Item 1: without SCALPSITE_PDF_PASSWORD a passphrase is made, printed once, with the warning."""
    root = add_photo_work(private_journal(tmp_path / "j"), warm_cache)
    result = runner.invoke(main, ["build", str(root), "--encrypt", "--pdf-password", "-q"],
                           env={"SCALPSITE_PASSWORD": PASSWORD, "SCALPSITE_PDF_PASSWORD": None})
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("PDF password (shown only this once")]
    assert len(lines) == 1
    phrase = lines[0].split(": ", 1)[1]
    assert phrase != PASSWORD and len(phrase) <= 32 and result.output.count(phrase) == 1
    assert PdfReader(root / "_site/dossier.pdf").decrypt(phrase)
    text = " ".join(result.output.split())
    assert ("is encrypted with the PDF standard's own password check, which a guesser can test hundreds of "
            "times faster than the site's; its password is the whole defence.") in text


# ---------- sizes and names (item 4) ----------

@pytest.fixture(scope="module")
def example_sealed(tmp_path_factory, example_build):
    """The example journal (13 sessions, 65 photos), encrypted. Its copy comes with the cache of the
    run's plain build of the example, so the photos are not processed again: what these tests read
    is what the encryption makes of the pages and photos, which is the same either way."""
    root = example_copy(tmp_path_factory.mktemp("example-sealed") / "journal", example_build)
    build(root, root / "_site", password=PASSWORD)
    return root / "_site"


def test_distinct_file_sizes_are_at_most_a_tenth_of_the_files(example_sealed):
    """'Done when' 4: the 13 session pages and the photos no longer stand out by their sizes."""
    files = [p for p in example_sealed.rglob("*") if p.is_file()]
    sizes = {p.stat().st_size for p in files}
    assert len(files) >= 50
    assert len(sizes) <= len(files) / 10, (len(sizes), len(files))
    assert len({p.stat().st_size for p in (example_sealed / "p").iterdir()}) == 1


def outside_ciphertext(folder: Path) -> dict[str, bytes]:
    """Every byte of an encrypted output but its base64 ciphertext and salt, by file; names included."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if rel.startswith("p/"):
            data = re.sub(rb'"[A-Za-z0-9+/=]{200,}"', b'""', data)
        elif rel == "index.html" and b'id="static-vault"' in data:
            data = data.replace(vault_params(data.decode())["kdf"]["salt"].encode(), b"")
        elif data.startswith(b"%PDF-"):  # streams and strings are encrypted; the rest is structure
            data = re.sub(rb"stream\r?\n.*?endstream", b"", data, flags=re.DOTALL)
            data = re.sub(rb"<[0-9A-Fa-f\s]*>", b"<>", data)
        found[rel] = rel.encode() + b"\n" + data
    return found


def telling_words(chunks: dict[str, bytes]) -> dict[str, list[str]]:
    return {name: hits for name, data in chunks.items()
            if (hits := [w for w in TELLING if w.encode() in data.lower()])}


def test_no_byte_outside_the_ciphertext_names_the_program_or_the_condition(made, example_sealed):
    """'Done when' 5: the marker, the parameters element, the unlock page, script and style, the
    payload lines, the file names, the standalone PDF's structure and the bundle's text say nothing
    of the program or the condition."""
    for folder in (example_sealed, made.enc):
        outside = outside_ciphertext(folder)
        assert telling_words(outside) == {}
        assert {".vault-output", "index.html", "unlock.js", "unlock.css"} <= set(outside)
    html = made.bundle.read_text(encoding="utf-8")
    text = re.sub(r'(data-vault-id="\d+">)[A-Za-z0-9+/=]+<', r"\1<", html)
    text = text.replace(vault_params(html)["kdf"]["salt"], "")
    assert telling_words({"bundle": text.encode()}) == {}
    assert {"scalpsite", "hair"} <= set(telling_words(outside_ciphertext(made.plain))["index.html"])  # seen there


def test_the_unlock_page_says_only_private_records(made):
    """Item 4: the page's title and heading are "Private records"; no journal title or name."""
    html = (made.bare / "index.html").read_text()
    assert "<title>Private records</title>" in html and "<h1>Private records</h1>" in html
    assert PATIENT not in html and "Test journal" not in html


def test_every_theme_script_is_named_in_the_docs():
    """Item 7: docs/encryption.md names every script of the default theme."""
    from conftest import REPO

    text = (REPO / "docs/encryption.md").read_text()
    scripts = sorted(p.name for p in (REPO / "themes/default/static").glob("*.js"))
    assert scripts and all(f"static/{name}" in text for name in scripts)


# ---------- parameters (item 6) ----------

@pytest.mark.parametrize("change, refused", [
    ({}, False),
    ({"iterations": 599_999}, True),
    ({"iterations": "2000000"}, True),
    ({"salt": base64.b64encode(bytes(15)).decode()}, True),
    ({"name": "PBKDF2-HMAC-SHA1"}, True),
])
def test_readers_refuse_weak_parameters(made, change, refused):
    """Item 6: fewer than 600,000 rounds or a salt under 16 bytes are refused before deriving."""
    params = vault_params((made.bare / "index.html").read_text())
    params["kdf"].update(change)
    if refused:
        with pytest.raises(Refused):
            check_params(params)
    else:
        check_params(params)


def test_parameters_are_bound_into_every_payload(made):
    """Item 6: a payload decrypts only with the parameters it was made with (associated data)."""
    from cryptography.exceptions import InvalidTag
    from sharing import derive, open_sealed, site_payloads

    params = vault_params((made.bare / "index.html").read_text())
    key = derive(PASSWORD, params)
    payloads = site_payloads(made.bare)
    assert open_sealed(key, "0001", payloads["0001"], params)
    for changed in ({**params, "version": 3}, {**params, "kdf": {**params["kdf"], "iterations": 2_000_001}}):
        with pytest.raises(InvalidTag):
            open_sealed(key, "0001", payloads["0001"], changed)


# ---------- staging of the plain render (issue 22 item 3) ----------

def start_blocked(args: list[str], flag: Path) -> subprocess.Popen:
    """Run scalpsite in a child process that stops right after its plain render is complete."""
    env = {**os.environ, "SCALPSITE_PASSWORD": PASSWORD, "BLOCK_FLAG": str(flag)}
    child = subprocess.Popen([sys.executable, "-c", WRAPPER, *args], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not flag.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            raise AssertionError(child.communicate())
        time.sleep(0.05)
    return child


def tree(folder: Path) -> dict[str, bytes | None]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_an_interrupted_encrypted_build_leaves_no_plain_copy(tmp_path, stop, warm_cache):
    """Issue 22 item 3: `build --encrypt -o SHARED/site` renders the plain site in the journal's
    cache (private to its owner), never beside OUT; stopped by Ctrl-C, SIGTERM or SIGHUP it leaves
    no plain copy anywhere and the previous output as it was."""
    root = add_photo_work(private_journal(tmp_path / "j"), warm_cache)
    shared = tmp_path / "shared"
    build(root, shared / "site", password=PASSWORD, pdf=False)
    before = tree(shared)
    child = start_blocked(["build", str(root), "--encrypt", "-o", str(shared / "site"), "--no-pdf"],
                          tmp_path / "flag")
    try:
        plain = list((root / ".scalpsite-cache").glob("plain-*"))
        assert len(plain) == 1 and (plain[0] / "data.json").is_file() and (plain[0] / "data.csv").is_file()
        assert stat.S_IMODE(plain[0].stat().st_mode) == 0o700
        beside = [p for p in shared.iterdir() if p.name != "site"]
        assert [p.name.startswith(".site.building-") for p in beside] == [True]
        assert list(beside[0].rglob("*")) == []  # nothing plain ever comes here
    finally:
        child.send_signal(stop)
        child.communicate(timeout=120)
    assert child.returncode != 0
    assert list((root / ".scalpsite-cache").glob("plain-*")) == []
    assert tree(shared) == before


def test_a_killed_build_leaves_its_plain_render_to_the_next_one(tmp_path, warm_cache):
    """Issue 22 item 3: SIGKILL cannot be caught; the next encrypted build deletes what it left."""
    root = add_photo_work(private_journal(tmp_path / "j"), warm_cache)
    child = start_blocked(["build", str(root), "--encrypt", "--no-pdf"], tmp_path / "flag")
    child.kill()
    child.communicate(timeout=60)
    assert len(list((root / ".scalpsite-cache").glob("plain-*"))) == 1
    build(root, root / "_site", password=PASSWORD, pdf=False)
    assert list((root / ".scalpsite-cache").glob("plain-*")) == []
    assert [p.name for p in root.iterdir() if p.name.startswith("._site")] == []


def test_an_interrupted_encrypted_bundle_leaves_no_plain_copy(tmp_path, warm_cache):
    """Issue 22 item 3, for `bundle --encrypt`: the plain render is in the cache and goes away."""
    root = add_photo_work(private_journal(tmp_path / "j"), warm_cache)
    target = tmp_path / "out" / "record.html"
    child = start_blocked(["bundle", str(root), "--encrypt", "-o", str(target)], tmp_path / "flag")
    try:
        assert len(list((root / ".scalpsite-cache").glob("plain-*"))) == 1
        assert not target.parent.exists()
    finally:
        child.send_signal(signal.SIGTERM)
        child.communicate(timeout=120)
    assert list((root / ".scalpsite-cache").glob("plain-*")) == []
    assert not target.parent.exists() or list(target.parent.iterdir()) == []


def test_plain_render_goes_to_a_private_temporary_folder_when_the_cache_cannot_be_used(tmp_path, monkeypatch):
    """Issue 22 item 3: where the cache cannot be written, a private (0700) temporary folder is
    used instead, and removed however the block ends."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("x")
    seen = []
    with pytest.raises(BuildError, match="stopped"), sealed.private_stage(not_a_folder) as plain:
        seen.append((plain.parent, plain.name, stat.S_IMODE(plain.stat().st_mode)))
        (plain / "data.csv").write_text("private")
        raise BuildError("stopped")
    assert seen == [(tmp_path / "tmp", seen[0][1], 0o700)] and seen[0][1].startswith("vault-plain-")
    assert list((tmp_path / "tmp").iterdir()) == []


def test_stale_plain_renders_of_dead_builds_are_removed_but_not_live_ones(tmp_path, monkeypatch):
    """Issue 22 item 3: only folders of builds that are gone are deleted."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    cache = tmp_path / "cache"
    cache.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    for where, prefix in ((cache, "plain-"), (tmp_path / "tmp", "vault-plain-")):
        (where / f"{prefix}{dead}-abc").mkdir()
        (where / f"{prefix}{os.getpid()}-live").mkdir()
    sealed.remove_stale(cache)
    assert [p.name for p in cache.iterdir()] == [f"plain-{os.getpid()}-live"]
    assert [p.name for p in (tmp_path / "tmp").iterdir()] == [f"vault-plain-{os.getpid()}-live"]


def test_a_bundle_of_the_previous_version_may_be_replaced(tmp_path, warm_cache):
    """Item 4: the bundle's comment no longer names the program; one made before is still known as ours."""
    root = add_photo_work(private_journal(tmp_path / "j"), warm_cache)
    old = tmp_path / "old.html"
    old.write_text("<!doctype html>\n<!-- scalpsite bundle: the whole record in one file; open it in a web "
                   "browser. -->\n<p>old</p>\n")
    bundle(root, old, password=PASSWORD)
    head = old.read_text(encoding="utf-8")[:300]
    assert "<!-- private records: the whole record in one file; open it in a web browser. -->" in head
    assert "scalpsite" not in head


def test_the_decrypted_site_is_still_the_plain_build(made):
    """'Done when' 7 with the standalone PDF: the vault still decrypts to the plain build's bytes."""
    _, files = decrypt_site(made.enc, PASSWORD)
    assert files == plain_files(made.plain)
    html = made.bundle.read_text(encoding="utf-8")
    _, inside = decrypt_all(vault_params(html), bundle_payloads(html), PASSWORD)
    assert inside["index.html"] == (made.plain / "index.html").read_bytes()
