"""Helpers for the tests of private sharing (issues 17 and 23): a journal with private details,
and an independent decrypter written from docs/encryption.md alone (hashlib's PBKDF2 and the bare
AES-GCM primitive; nothing of scalpsite's own code): format version 2, the chunked stream, the
parameters checked and bound into the associated data."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import unicodedata
from pathlib import Path

from conftest import COMPLETE, CONFIG, write_journal
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PASSWORD = "quartz-ember-violin-harbor-lake"
NOTE = "Tingling near the crown after the long walk"
PATIENT = "Robin Testperson"
CLINICIAN = "Dr. Fennimore Quill"
LATEST = COMPLETE.replace("top: 60", "top: 50")  # SALT 35.3 at the second session
# Text that must never be readable in encrypted output: dates in both forms, values, names, notes.
SECRETS = ["2025-01-06", "2025-03-03", "2025-01-10", "2025-03-10", "6 Jan 2025", "3 Mar 2025",
           "39.3", "35.3", "12.4", "Test journal", "dupilumab", "Dupilumab", PATIENT, CLINICIAN, NOTE,
           "salt_regions"]
# Image signatures, raw and as the base64 of a data: URI. Each has a byte outside the base64
# alphabet or is long enough that random ciphertext text cannot produce it by chance.
SIGNATURES = [b"\xff\xd8\xff\xe0", b"JFIF\x00", b"Exif\x00\x00", b"\x89PNG\r\n\x1a\n", b"<svg", b"<?xml",
              b"/9j/4AAQSkZJRg", b"iVBORw0KGgo", b"PHN2Zy", b"PD94bWwg"]


def private_journal(root: Path) -> Path:
    """Two sessions with photos, a note, a named patient and an appointment."""
    config = CONFIG + f"patient: {{name: {PATIENT}}}\n"
    write_journal(root, {"2025-01-06": COMPLETE, "2025-03-03": LATEST}, config=config, photos=True)
    (root / "sessions/2025-03-03/notes.md").write_text(NOTE + ".\n")
    (root / "appointments").mkdir()
    (root / "appointments/2025-03-10.md").write_text(
        f"---\nclinician: {CLINICIAN}\npurpose: review\n---\n\nIs the response on track?\n")
    return root


def vault_params(html: str) -> dict:
    """The public parameters block of an unlock page or bundle."""
    found = re.search(r'<script type="application/json" id="static-vault">(.*?)</script>', html, re.DOTALL)
    return json.loads(found.group(1))


class Refused(ValueError):
    """Parameters a reader must refuse before deriving anything."""


def check_params(params: dict) -> None:
    """The reader's duty of docs/encryption.md: known format, PBKDF2, >= 600,000 rounds, >= 16-byte salt."""
    if params.get("format") != "static-vault" or params.get("version") != 2:
        raise Refused("unknown format")
    if params["cipher"] == "none" and params["store"] == "inline":
        return
    kdf = params.get("kdf") or {}
    if params["cipher"] != "AES-256-GCM" or kdf.get("name") != "PBKDF2-HMAC-SHA256":
        raise Refused("unknown cipher or key derivation")
    if not isinstance(kdf.get("iterations"), int) or kdf["iterations"] < 600_000:
        raise Refused("fewer than 600,000 iterations")
    if len(base64.b64decode(kdf.get("salt", ""))) < 16:
        raise Refused("salt under 16 bytes")


def derive(password: str, params: dict) -> bytes:
    """The key, as docs/encryption.md defines it (after the parameters are checked)."""
    check_params(params)
    kdf = params["kdf"]
    return pbkdf2(unicodedata.normalize("NFC", password).encode("utf-8"), base64.b64decode(kdf["salt"]),
                  kdf["iterations"])


@functools.cache
def pbkdf2(password: bytes, salt: bytes, iterations: int) -> bytes:
    """PBKDF2-HMAC-SHA256, 32 bytes. A pure function of its inputs, remembered for the run: tests
    decrypt the same output many times, and each derivation takes 2,000,000 rounds (a second)."""
    return hashlib.pbkdf2_hmac("sha256", password, salt, iterations, 32)


def associated(params: dict, ident: str) -> bytes:
    """format/version/cipher/kdf name/iterations/salt/id, ASCII."""
    kdf = params["kdf"]
    return "/".join([params["format"], str(params["version"]), params["cipher"], kdf["name"],
                     str(kdf["iterations"]), kdf["salt"], ident]).encode("ascii")


def open_sealed(key: bytes | None, ident: str, sealed: bytes, params: dict | None = None) -> bytes:
    """nonce || ciphertext || tag, with the parameters and id as associated data; plain when there is no key."""
    if key is None:
        return sealed
    return AESGCM(key).decrypt(sealed[:12], sealed[12:], associated(params, ident))


PAYLOAD_LINE = re.compile(r'\(self\.staticVault=self\.staticVault\|\|\[\]\)\.push\(\["(\d{4,})","([A-Za-z0-9+/=]*)"\]\);\n\Z')


def site_payloads(out: Path) -> dict[str, bytes]:
    """Every p/<id>.js of an encrypted site, checked against the documented one-line form."""
    found = {}
    for path in sorted((out / "p").iterdir()):
        match = PAYLOAD_LINE.fullmatch(path.read_text(encoding="ascii"))
        assert match and path.name == f"{match.group(1)}.js", path
        found[match.group(1)] = base64.b64decode(match.group(2))
    return found


def bundle_payloads(html: str) -> dict[str, bytes]:
    """The data blocks of a bundle."""
    blocks = re.findall(r'<script type="application/octet-stream" data-vault-id="(\d{4,})">([A-Za-z0-9+/=]*)</script>', html)
    return {ident: base64.b64decode(text) for ident, text in blocks}


def decrypt_all(params: dict, payloads: dict[str, bytes], password: str | None) -> tuple[dict, dict[str, bytes]]:
    """The manifest and every file by its plain path: the chunks joined into the stream, then sliced."""
    check_params(params)
    key = derive(password, params) if params["cipher"] != "none" else None
    manifest = json.loads(open_sealed(key, params["manifest"], payloads[params["manifest"]], params))
    size, count = manifest["chunk_size"], manifest["chunks"]
    chunks = [open_sealed(key, f"{n:04d}", payloads[f"{n:04d}"], params) for n in range(1, count + 1)]
    assert all(len(c) == size for c in chunks)
    assert set(payloads) == {params["manifest"], *(f"{n:04d}" for n in range(1, count + 1))}
    stream = b"".join(chunks)
    files = {}
    for f in manifest["files"]:
        assert 0 <= f["offset"] and f["offset"] + f["size"] <= len(stream)
        files[f["path"]] = stream[f["offset"]:f["offset"] + f["size"]]
    return manifest, files


def decrypt_site(out: Path, password: str) -> tuple[dict, dict[str, bytes]]:
    """Decrypt a whole encrypted site folder."""
    params = vault_params((out / "index.html").read_text(encoding="utf-8"))
    assert params["store"] == "files" and params["cipher"] == "AES-256-GCM"
    return decrypt_all(params, site_payloads(out), password)


def plain_files(out: Path) -> dict[str, bytes]:
    """Every file of a plain build but the output marker."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in (".scalpsite-output", ".vault-output")}
