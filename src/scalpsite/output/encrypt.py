"""Encrypted output: every file of a finished build sealed with AES-256-GCM.

The format (key derivation, payload files, manifest) is specified in docs/encryption.md so
that anyone can write an independent decrypter; keep the two in step.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scalpsite.errors import BuildError
from scalpsite.output.passwords import normalize
from scalpsite.output.publish import MARKER
from scalpsite.render.themes import DEFAULT, builtin_themes

FORMAT = "scalpsite-vault"
VERSION = 1
KDF = "PBKDF2-HMAC-SHA256"
CIPHER = "AES-256-GCM"
ITERATIONS = 600_000
SALT_BYTES, NONCE_BYTES, KEY_BYTES = 16, 12, 32
MANIFEST_ID = "0000"
AAD_PREFIX = "scalpsite-vault/1/"
PAYLOADS, SCRIPTS = "p", "s"
RUNTIME = ("unlock.js", "unlock.css")
PROTECTED_PDF = "dossier.pdf"
SITE_CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' blob:; "
            "font-src 'self' blob:; script-src 'self'; connect-src 'none'; object-src 'none'; "
            "base-uri 'none'; form-action 'none'")
TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml",
         ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
         ".json": "application/json", ".csv": "text/csv", ".pdf": "application/pdf", ".txt": "text/plain"}


def derive_key(password: str, salt: bytes, iterations: int = ITERATIONS) -> bytes:
    """PBKDF2-HMAC-SHA256 of the NFC-normalised UTF-8 password: the 32-byte AES key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=iterations)
    return kdf.derive(normalize(password).encode("utf-8"))


def aad(ident: str) -> bytes:
    """The associated data of a payload: binds each ciphertext to its file id."""
    return (AAD_PREFIX + ident).encode("ascii")


@dataclass(frozen=True)
class Sealer:
    """Seals payloads with one key; without a key (a plain bundle) payloads stay as they are."""

    key: bytes | None
    salt: bytes | None

    @classmethod
    def new(cls, password: str) -> Sealer:
        """A sealer with a fresh random salt (one per build) and the key derived from it."""
        salt = os.urandom(SALT_BYTES)
        return cls(derive_key(password, salt), salt)

    def seal(self, ident: str, data: bytes) -> bytes:
        """nonce (12 random bytes) + AES-256-GCM ciphertext and tag, or the data unchanged."""
        if self.key is None:
            return data
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.key).encrypt(nonce, data, aad(ident))

    def params(self, store: str) -> dict:
        """The public parameters a reader needs before it has the key."""
        if self.key is None or self.salt is None:  # both or neither: a plain bundle has neither
            return {"format": FORMAT, "version": VERSION, "cipher": "none", "store": store,
                    "manifest": MANIFEST_ID}
        return {"format": FORMAT, "version": VERSION, "cipher": CIPHER, "store": store,
                "manifest": MANIFEST_ID, "kdf": {"name": KDF, "iterations": ITERATIONS,
                                                  "salt": base64.b64encode(self.salt).decode()}}


@dataclass(frozen=True)
class Vault:
    """A packed build: public parameters, sealed payloads (manifest first) and theme scripts."""

    params: dict
    payloads: list[tuple[str, bytes]]
    scripts: list[tuple[str, str, bytes]]  # (path in the build, where the copy lives, code)


def media_type(path: str) -> str:
    """The media type the browser gives a decrypted file."""
    return TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def script_ref(path: str, code: bytes, store: str) -> str:
    """Where the plain copy of a theme script lives: a content-hash name, or inline."""
    return "inline" if store == "inline" else f"{SCRIPTS}/{hashlib.sha256(code).hexdigest()[:20]}.js"


def pack(files: Iterator[tuple[str, bytes]], sealer: Sealer, store: str) -> Vault:
    """Seal each (path, bytes) under a sequential opaque id; the manifest maps paths to ids."""
    entries, payloads, scripts = [], [], []
    for n, (path, data) in enumerate(files, start=1):
        ident = f"{n:04d}"
        payloads.append((ident, sealer.seal(ident, data)))
        entries.append({"path": path, "id": ident, "type": media_type(path), "size": len(data)})
        if path.endswith(".js"):
            scripts.append((path, script_ref(path, data, store), data))
    manifest = {"format": FORMAT, "version": VERSION, "start": "index.html", "files": entries,
                "scripts": {path: ref for path, ref, _ in scripts}}
    sealed = sealer.seal(MANIFEST_ID, json.dumps(manifest, sort_keys=True).encode("utf-8"))
    return Vault(sealer.params(store), [(MANIFEST_ID, sealed), *payloads], scripts)


def payload_js(ident: str, sealed: bytes) -> str:
    """A payload file: a script that hands its base64 text to the unlock code when loaded."""
    text = base64.b64encode(sealed).decode("ascii")
    return f'(self.scalpsiteVault=self.scalpsiteVault||[]).push(["{ident}","{text}"]);\n'


def read_tree(folder: Path) -> Iterator[tuple[str, bytes]]:
    """Every file of a build as (posix path, bytes), sorted; the output marker is left out."""
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel != MARKER:
            yield rel, p.read_bytes()


def runtime_dir() -> Path:
    """The unlock page, script and style: the default theme's, never a journal's own theme."""
    return builtin_themes() / DEFAULT / "unlock"


def shell(params: dict, csp: str, head: str = "", body: str = "") -> str:
    """The unlock page: the public parameters, the unlock form and where the runtime comes from."""
    template = (runtime_dir() / "index.html").read_text(encoding="utf-8")
    data = json.dumps(params, sort_keys=True).replace("<", "\\u003c")
    return (template.replace("{{csp}}", csp).replace("{{params}}", data)
            .replace("{{head}}", head).replace("{{body}}", body))


def protect_pdf(data: bytes, password: str) -> bytes:
    """The PDF encrypted with AES-256 (PDF 2.0, revision 6) under the same password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    _drop_pdfa_claim(writer)
    writer.encrypt(user_password=normalize(password), algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _drop_pdfa_claim(writer) -> None:
    """PDF/A forbids encryption: the encrypted copy of the PDF/A dossier must not declare it."""
    stream = writer.root_object.get("/Metadata")
    if stream is not None:
        xmp = stream.get_object()
        xmp.set_data(re.sub(rb"<pdfaid:(part|conformance)>[^<]*</pdfaid:\1>", b"", xmp.get_data()))


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="\n")
    else:
        path.write_bytes(data)


def write_site(plain: Path, target: Path, password: str) -> None:
    """Write the encrypted form of the build in `plain` into the empty folder `target`."""
    vault = pack(read_tree(plain), Sealer.new(password), "files")
    for ident, sealed in vault.payloads:
        _write(target / PAYLOADS / f"{ident}.js", payload_js(ident, sealed))
    for _, ref, code in vault.scripts:
        _write(target / ref, code)
    for name in RUNTIME:
        shutil.copyfile(runtime_dir() / name, target / name)
    head = '<link rel="stylesheet" href="unlock.css">\n<script src="unlock.js" defer></script>'
    _write(target / "index.html", shell(vault.params, SITE_CSP, head))
    if (plain / PROTECTED_PDF).is_file():
        _write(target / PROTECTED_PDF, protect_pdf((plain / PROTECTED_PDF).read_bytes(), password))


def encrypt_site(staging: Path, password: str) -> None:
    """Replace the finished plain build in `staging` by its encrypted form (same folder)."""
    target = Path(tempfile.mkdtemp(prefix=f"{staging.name}-vault-", dir=staging.parent))
    try:
        write_site(staging, target, password)
        shutil.rmtree(staging)
        os.replace(target, staging)
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise BuildError(f"could not write the encrypted site: {exc}") from exc
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
