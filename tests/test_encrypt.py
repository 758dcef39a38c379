"""Issue 17 (private sharing): the encrypted build and bundle, checked with an independent
decrypter written from docs/encryption.md (tests/sharing.py) and byte scans."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import re
import shutil
from types import SimpleNamespace

import pytest
from cryptography.exceptions import InvalidTag
from sharing import (
    NOTE,
    PASSWORD,
    SECRETS,
    SIGNATURES,
    bundle_payloads,
    decrypt_all,
    decrypt_site,
    derive,
    open_sealed,
    plain_files,
    private_journal,
    site_payloads,
    vault_params,
)

from scalpsite.errors import BuildError
from scalpsite.output import encrypt
from scalpsite.store import sealed
from scalpsite.pipeline import build, bundle

ENCRYPTED_NAME = re.compile(r"(index\.html|unlock\.js|unlock\.css|\.vault-output|p/\d{4}\.js)")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One journal built plain, encrypted twice, and bundled plain and encrypted."""
    root = private_journal(tmp_path_factory.mktemp("share") / "j")
    build(root, root / "_plain")
    build(root, root / "_enc", password=PASSWORD)
    build(root, root / "_enc2", password=PASSWORD)
    bundle(root, root / "plain.html")
    bundle(root, root / "sealed.html", password=PASSWORD)
    return SimpleNamespace(root=root, plain=root / "_plain", enc=root / "_enc", enc2=root / "_enc2",
                           plain_bundle=root / "plain.html", sealed_bundle=root / "sealed.html")


def test_decrypting_every_file_gives_the_plain_build(made):
    """Issue 17 item 6 and 'Done when' 2: every file, decrypted independently, equals the plain build's."""
    manifest, files = decrypt_site(made.enc, PASSWORD)
    plain = plain_files(made.plain)
    assert sorted(files) == sorted(plain)
    for path, data in plain.items():
        assert files[path] == data, path
    assert manifest["start"] == "index.html"
    assert {"index.html", "data.json", "data.csv", "dossier.pdf", "static/compare.js"} <= set(files)


def test_files_are_one_stream_in_path_order_cut_into_equal_chunks(made):
    """Issue 23 item 4: the files, sorted by path components, are joined into one stream; every
    payload file holds one chunk of it and has the same size, so no file's size shows."""
    manifest, files = decrypt_site(made.enc, PASSWORD)
    paths = [f["path"] for f in manifest["files"]]
    assert paths == sorted(paths, key=lambda p: p.split("/"))
    offsets = [f["offset"] for f in manifest["files"]]
    assert offsets == [sum(f["size"] for f in manifest["files"][:i]) for i in range(len(paths))]
    assert all(f["size"] == len(files[f["path"]]) for f in manifest["files"])
    assert manifest["chunk_size"] == encrypt.CHUNK == 131072
    assert sorted(p.name for p in (made.enc / "p").iterdir()) == [f"{n:04d}.js" for n in range(manifest["chunks"] + 1)]
    assert len({p.stat().st_size for p in (made.enc / "p").iterdir()}) == 1
    types = {f["path"]: f["type"] for f in manifest["files"]}
    assert types["index.html"] == "text/html" and types["charts/salt.svg"] == "image/svg+xml"
    assert types["photos/2025-01-06/front.jpg"] == "image/jpeg"


def test_encrypted_out_has_no_private_text_name_or_image_signature(made):
    """Issue 17 'Done when' 3: a scan of every byte of the encrypted OUT finds no date, value, name,
    note or JPEG/PNG/SVG signature; file names are opaque."""
    names = [p.relative_to(made.enc).as_posix() for p in made.enc.rglob("*") if p.is_file()]
    assert all(ENCRYPTED_NAME.fullmatch(n) for n in names), names
    needles = [s.encode("utf-8") for s in SECRETS] + SIGNATURES
    assert found_in(made.enc, needles) == set()
    sealed_bytes = b"".join(site_payloads(made.enc).values())  # the ciphertext itself, decoded
    assert [n for n in needles if n in sealed_bytes] == []
    in_plain = found_in(made.plain, needles)  # the same scan does see the plain build's secrets
    assert {b"2025-01-06", b"6 Jan 2025", b"39.3", NOTE.encode(), b"\xff\xd8\xff\xe0", b"<svg"} <= in_plain


def found_in(folder, needles: list[bytes]) -> set[bytes]:
    """The needles found anywhere in the bytes of any file under folder."""
    data = [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    return {n for n in needles if any(n in d for d in data)}


def test_two_encrypted_builds_differ_only_in_salt_nonces_and_ciphertext(made):
    """Issue 17 item 6: same names and sizes, same plaintext; only salt and ciphertexts differ."""
    first = {p.relative_to(made.enc).as_posix(): p.read_bytes() for p in made.enc.rglob("*") if p.is_file()}
    second = {p.relative_to(made.enc2).as_posix(): p.read_bytes() for p in made.enc2.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    for name, data in first.items():
        if name.startswith("p/"):
            assert len(data) == len(second[name]) and data != second[name], name
        elif name != "index.html":
            assert data == second[name], name
    salts = [vault_params(d["index.html"].decode())["kdf"]["salt"] for d in (first, second)]
    assert salts[0] != salts[1]
    assert first["index.html"].decode().replace(salts[0], "") == second["index.html"].decode().replace(salts[1], "")
    assert decrypt_site(made.enc, PASSWORD)[1] == decrypt_site(made.enc2, PASSWORD)[1]


def test_plain_build_has_no_randomness_and_no_unlock_code(made, tmp_path):
    """Issue 17 item 6: encryption is a step after the plain build, which stays reproducible."""
    again = tmp_path / "again"
    build(made.root, again)
    assert plain_files(again) == plain_files(made.plain)
    assert not any(b"static-vault" in data for data in plain_files(made.plain).values())


def test_a_payload_cannot_be_swapped_or_opened_with_another_key(made):
    """Issue 17 item 2: the id is authenticated with each payload; a wrong key fails the tag check."""
    params = vault_params((made.enc / "index.html").read_text())
    payloads = site_payloads(made.enc)
    key = derive(PASSWORD, params)
    assert open_sealed(key, "0001", payloads["0001"], params)
    with pytest.raises(InvalidTag):
        open_sealed(key, "0002", payloads["0001"], params)
    with pytest.raises(InvalidTag):
        open_sealed(derive(PASSWORD + "x", params), "0001", payloads["0001"], params)


def test_a_failed_encryption_leaves_the_previous_output(made, tmp_path, monkeypatch):
    """Issue 17 item 1: an error while encrypting changes nothing in OUT and leaves no stray folder."""
    out = tmp_path / "site"
    build(made.root, out, pdf=False, password=PASSWORD)
    before = plain_files(out)

    def fail(plain, target, password):
        raise OSError("disk full")

    monkeypatch.setattr(sealed, "write_site", fail)
    with pytest.raises(BuildError, match="could not write the encrypted site: disk full"):
        build(made.root, out, password=PASSWORD)
    assert plain_files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("composed, decomposed", [("caf\u00e9-lumen-orbit-tundra", "cafe\u0301-lumen-orbit-tundra")])
def test_key_is_pbkdf2_sha256_of_the_nfc_password(composed, decomposed):
    """Issue 17 item 2, issue 23: PBKDF2-HMAC-SHA256, 32 bytes, NFC so input methods agree; 2,000,000
    iterations by default (pagecrypt's), readers refuse fewer than 600,000."""
    salt = bytes(range(16))
    expected = hashlib.pbkdf2_hmac("sha256", composed.encode("utf-8"), salt, 600_000, 32)
    assert encrypt.derive_key(composed, salt, 600_000) == expected
    assert encrypt.derive_key(decomposed, salt, 600_000) == expected
    assert encrypt.ITERATIONS == 2_000_000 and encrypt.MIN_ITERATIONS == 600_000
    assert encrypt.SALT_BYTES == 16 and encrypt.NONCE_BYTES == 12


def test_payload_file_is_the_documented_line():
    """Issue 17 item 3: a payload registers itself when loaded as a script (works from file://)."""
    assert encrypt.payload_js("0007", b"\x00\x01") == '(self.staticVault=self.staticVault||[]).push(["0007","AAE="]);\n'


@pytest.mark.parametrize("path, expected", [
    ("index.html", "text/html"), ("static/style.css", "text/css"), ("charts/salt.svg", "image/svg+xml"),
    ("photos/x/front.JPG", "image/jpeg"), ("data.csv", "text/csv"), ("dossier.pdf", "application/pdf"),
    ("odd.bin", "application/octet-stream"),
])
def test_media_types(path, expected):
    """Issue 17 item 3: the browser gets each decrypted file with its media type."""
    assert encrypt.media_type(path) == expected


def test_plain_bundle_is_reproducible_and_holds_the_pages(made, tmp_path):
    """Issue 17 items 4 and 6: one file with every page, photos made smaller; same bytes every time."""
    again = tmp_path / "again.html"
    bundle(made.root, again)
    assert again.read_bytes() == made.plain_bundle.read_bytes()
    html = made.plain_bundle.read_text(encoding="utf-8")
    params = vault_params(html)
    assert params["cipher"] == "none" and params["store"] == "inline"
    _, files = decrypt_all(params, bundle_payloads(html), None)
    plain = plain_files(made.plain)
    pages = [p for p in plain if p.endswith((".html", ".svg", ".css", ".js", ".thumb.jpg"))]
    assert all(files[p] == plain[p] for p in pages)
    assert not {"data.json", "data.csv", "dossier.pdf"} & set(files)
    from PIL import Image

    web = Image.open(io.BytesIO(files["photos/2025-01-06/front.jpg"]))
    assert max(web.size) == 900 and web.format == "JPEG"


def test_bundle_policy_allows_only_its_own_inline_code(made):
    """Issue 17 item 4: no request at all; the inline style and scripts are allowed by their hashes."""
    html = made.plain_bundle.read_text(encoding="utf-8")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert policy.startswith("default-src 'none';") and "http" not in policy and "'self'" not in policy
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL) + re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert len(inline) == 2  # the style and the unlock code; the theme's scripts are files of the stream
    assert "data-vault-script" not in html and "script-src 'sha256-" in policy and " blob:;" in policy
    for text in inline:
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_encrypted_bundle_decrypts_to_the_pages_and_shows_nothing(made):
    """Issue 17 item 4 and 'Done when' 3: the sealed bundle decrypts to the site's pages; no private
    text or image signature in its bytes."""
    html = made.sealed_bundle.read_text(encoding="utf-8")
    params = vault_params(html)
    _, files = decrypt_all(params, bundle_payloads(html), PASSWORD)
    assert files["index.html"] == (made.plain / "index.html").read_bytes()
    needles = [s.encode() for s in SECRETS] + SIGNATURES
    data = made.sealed_bundle.read_bytes()
    decoded = b"".join(bundle_payloads(html).values())
    assert [n for n in needles if n in data or n in decoded] == []
    plain = b"".join(bundle_payloads(made.plain_bundle.read_text(encoding="utf-8")).values())
    assert {b"\xff\xd8\xff\xe0", b"<svg", b"2025-01-06"} <= {n for n in needles if n in plain}


def test_bundle_over_the_limit_is_refused_and_nothing_is_written(made, tmp_path):
    """Issue 17 item 4: a size limit with a clear message; nothing written."""
    target = tmp_path / "big.html"
    with pytest.raises(BuildError) as caught:
        bundle(made.root, target, max_mb=0.01)
    size = len(made.plain_bundle.read_bytes()) / 1_000_000
    assert str(caught.value.message) == (
        f"the bundle would be {size:.1f} MB, over the limit of 0.01 MB; nothing was written. Raise the "
        "limit with --max-size if the recipient accepts larger files, or share the encrypted site "
        "instead (scalpsite build --encrypt)")
    assert list(tmp_path.iterdir()) == []


def test_bundle_leaves_no_scratch_in_the_cache(made):
    """Issue 17 item 4: the bundle renders in the cache and cleans up after itself."""
    assert (made.root / ".scalpsite-cache").is_dir()
    assert not list((made.root / ".scalpsite-cache").glob("bundle-*"))
    assert not list((made.root / ".scalpsite-cache").glob("plain-*"))


def test_the_decrypter_in_the_docs_works(made, tmp_path, monkeypatch):
    """Issue 17 item 2: the short decrypter of docs/encryption.md recovers the plain build."""
    from conftest import REPO

    text = (REPO / "docs" / "encryption.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)
    shutil.copytree(made.enc, tmp_path / "_site")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "docs/encryption.md", "exec"), {"password": PASSWORD})
    assert plain_files(tmp_path / "decrypted") == plain_files(made.plain)


def test_bundle_for_an_appointment_names_it(made, tmp_path):
    """Issue 17 item 4: `bundle --for D` prepares the pages for that appointment, as build does."""
    target = tmp_path / "for.html"
    bundle(made.root, target, for_date=dt.date(2025, 3, 10))
    html = target.read_text(encoding="utf-8")
    _, files = decrypt_all(vault_params(html), bundle_payloads(html), None)
    index = files["index.html"].decode()
    assert "Prepared for the appointment on <strong>10 Mar 2025</strong> with Dr. Fennimore Quill" in index
