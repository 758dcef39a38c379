"""Helpers for the tests of issue 17 (private sharing): a journal with private details, and an
independent decrypter written from docs/encryption.md alone (hashlib's PBKDF2 and the bare
AES-GCM primitive; nothing of scalpsite's own code)."""

from __future__ import annotations

import base64
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
    found = re.search(r'<script type="application/json" id="scalpsite-vault">(.*?)</script>', html, re.DOTALL)
    return json.loads(found.group(1))


def derive(password: str, params: dict) -> bytes:
    """The key, as docs/encryption.md defines it."""
    kdf = params["kdf"]
    assert kdf["name"] == "PBKDF2-HMAC-SHA256" and kdf["iterations"] >= 600_000
    salt = base64.b64decode(kdf["salt"])
    assert len(salt) == 16
    return hashlib.pbkdf2_hmac("sha256", unicodedata.normalize("NFC", password).encode("utf-8"),
                               salt, kdf["iterations"], 32)


def open_sealed(key: bytes | None, ident: str, sealed: bytes) -> bytes:
    """nonce || ciphertext || tag, with the id as associated data; plain when there is no key."""
    if key is None:
        return sealed
    return AESGCM(key).decrypt(sealed[:12], sealed[12:], f"scalpsite-vault/1/{ident}".encode("ascii"))


PAYLOAD_LINE = re.compile(r'\(self\.scalpsiteVault=self\.scalpsiteVault\|\|\[\]\)\.push\(\["(\d{4,})","([A-Za-z0-9+/=]*)"\]\);\n\Z')


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
    """The manifest and every file by its plain path."""
    key = derive(password, params) if params["cipher"] != "none" else None
    manifest = json.loads(open_sealed(key, params["manifest"], payloads[params["manifest"]]))
    files = {f["path"]: open_sealed(key, f["id"], payloads[f["id"]]) for f in manifest["files"]}
    return manifest, files


def decrypt_site(out: Path, password: str) -> tuple[dict, dict[str, bytes]]:
    """Decrypt a whole encrypted site folder."""
    params = vault_params((out / "index.html").read_text(encoding="utf-8"))
    assert params["store"] == "files" and params["cipher"] == "AES-256-GCM"
    return decrypt_all(params, site_payloads(out), password)


def plain_files(out: Path) -> dict[str, bytes]:
    """Every file of a plain build but the output marker."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".scalpsite-output"}
