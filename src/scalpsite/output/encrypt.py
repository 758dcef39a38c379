"""Encrypted output: every file of a finished build sealed with AES-256-GCM, in chunks of one size.

The format (key derivation, chunked stream, payload files, manifest) is specified in
docs/encryption.md so that anyone can write an independent decrypter; keep the two in step.
No byte outside the ciphertext names the program or what the records are about.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scalpsite.output.passwords import normalize
from scalpsite.output.markers import MARKERS
from scalpsite.render.themes import DEFAULT, builtin_themes

FORMAT = "static-vault"
VERSION = 2
KDF = "PBKDF2-HMAC-SHA256"
CIPHER = "AES-256-GCM"
# Unlocking at 2,000,000 rounds takes about 0.35 s in Chromium on the test machine
# (benchmarks/unlock.py); readers refuse fewer than MIN_ITERATIONS or a shorter salt.
ITERATIONS = 2_000_000
MIN_ITERATIONS = 600_000
SALT_BYTES, NONCE_BYTES, KEY_BYTES = 16, 12, 32
MIN_SALT_BYTES = 16
# Every payload holds exactly CHUNK bytes of plaintext (the manifest a multiple of it), so the
# files on disk have one size: an observer learns the total size of the build, not its files.
CHUNK = 128 * 1024
PAD = b" "  # padding byte: JSON whitespace, so the padded manifest is still JSON
MANIFEST_ID = "0000"
PAYLOADS = "p"
GLOBAL = "staticVault"  # the name payload scripts hand their text to
ELEMENT = "static-vault"  # id of the element holding the public parameters
RUNTIME = ("unlock.js", "unlock.css")
SITE_CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' blob:; "
            "font-src 'self' blob:; script-src 'self' blob:; connect-src 'none'; object-src 'none'; "
            "base-uri 'none'; form-action 'none'")
TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml",
         ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
         ".json": "application/json", ".csv": "text/csv", ".pdf": "application/pdf", ".txt": "text/plain"}


def derive_key(password: str, salt: bytes, iterations: int | None = None) -> bytes:
    """PBKDF2-HMAC-SHA256 of the NFC-normalised UTF-8 password: the 32-byte AES key
    (ITERATIONS rounds unless told, read when called, as the parameters are)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    rounds = ITERATIONS if iterations is None else iterations
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, iterations=rounds)
    return kdf.derive(normalize(password).encode("utf-8"))


def aad(params: dict, ident: str) -> bytes:
    """The associated data of a payload: every public parameter and the payload's id, so that
    neither the parameters nor the order of the payloads can be changed unnoticed."""
    kdf = params["kdf"]
    parts = [params["format"], str(params["version"]), params["cipher"], kdf["name"], str(kdf["iterations"]),
             kdf["salt"], ident]
    return "/".join(parts).encode("ascii")


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
        return nonce + AESGCM(self.key).encrypt(nonce, data, aad(self.params("files"), ident))

    def params(self, store: str) -> dict:
        """The public parameters a reader needs before it has the key."""
        params = {"format": FORMAT, "version": VERSION, "cipher": "none", "store": store, "manifest": MANIFEST_ID}
        if self.key is None or self.salt is None:  # both or neither: a plain bundle has neither
            return params
        return {**params, "cipher": CIPHER, "kdf": {"name": KDF, "iterations": ITERATIONS,
                                                     "salt": base64.b64encode(self.salt).decode()}}


def padded(data: bytes, unit: int = CHUNK) -> bytes:
    """data followed by padding up to the next multiple of `unit` (at least one unit)."""
    size = max(unit, -(-len(data) // unit) * unit)
    return data + PAD * (size - len(data))


def media_type(path: str) -> str:
    """The media type the browser gives a decrypted file."""
    return TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def chunk_id(number: int) -> str:
    """The id of the n-th chunk of the stream (1-based): four or more decimal digits."""
    return f"{number:04d}"


@dataclass
class Packer:
    """Joins the files of a build into one stream, cut into sealed chunks of CHUNK bytes each.

    `payloads` yields the chunks as the files arrive (so a large build is never held whole in
    memory), then the manifest, which maps each path to its offset and size in the stream.
    """

    sealer: Sealer
    files: list[dict] = field(default_factory=list)

    def payloads(self, files: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
        """(id, sealed bytes) of every chunk in order, then of the manifest (id 0000)."""
        pending, offset, count = bytearray(), 0, 0
        for path, data in files:
            self.files.append({"path": path, "offset": offset, "size": len(data), "type": media_type(path)})
            offset += len(data)
            pending += data
            while len(pending) >= CHUNK:
                count += 1
                yield chunk_id(count), self.sealer.seal(chunk_id(count), bytes(pending[:CHUNK]))
                del pending[:CHUNK]
        if pending or count == 0:
            count += 1
            yield chunk_id(count), self.sealer.seal(chunk_id(count), padded(bytes(pending)))
        manifest = {"format": FORMAT, "version": VERSION, "start": "index.html", "chunk_size": CHUNK,
                    "chunks": count, "files": self.files}
        text = json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode("utf-8")
        yield MANIFEST_ID, self.sealer.seal(MANIFEST_ID, padded(text))


def payload_js(ident: str, sealed: bytes) -> str:
    """A payload file: a script that hands its base64 text to the unlock code when loaded."""
    text = base64.b64encode(sealed).decode("ascii")
    return f'(self.{GLOBAL}=self.{GLOBAL}||[]).push(["{ident}","{text}"]);\n'


def path_key(rel: str) -> list[str]:
    """The sort key of the stream: the list of path components, each compared by code point."""
    return rel.split("/")


def read_tree(folder: Path) -> Iterator[tuple[str, bytes]]:
    """Every file of a build as (posix path, bytes), in stream order; output markers are left out."""
    found = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    for rel in sorted(found, key=path_key):
        if rel not in MARKERS:
            yield rel, (folder / rel).read_bytes()


def runtime_dir() -> Path:
    """The unlock page, script and style: the default theme's, never a journal's own theme."""
    return builtin_themes() / DEFAULT / "unlock"


def shell(params: dict, csp: str, head: str = "", body: str = "") -> str:
    """The unlock page: the public parameters, the unlock form and where the runtime comes from."""
    template = (runtime_dir() / "index.html").read_text(encoding="utf-8")
    data = json.dumps(params, sort_keys=True).replace("<", "\\u003c")
    return (template.replace("{{csp}}", csp).replace("{{element}}", ELEMENT).replace("{{params}}", data)
            .replace("{{head}}", head).replace("{{body}}", body))


def write(path: Path, data: bytes | str) -> None:
    """Write one file of the encrypted output, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="\n")
    else:
        path.write_bytes(data)


def write_site(plain: Path, target: Path, password: str) -> None:
    """Write the encrypted form of the build in `plain` into the empty folder `target`."""
    sealer = Sealer.new(password)
    for ident, sealed in Packer(sealer).payloads(read_tree(plain)):
        write(target / PAYLOADS / f"{ident}.js", payload_js(ident, sealed))
    for name in RUNTIME:
        shutil.copyfile(runtime_dir() / name, target / name)
    head = '<link rel="stylesheet" href="unlock.css">\n<script src="unlock.js" defer></script>'
    write(target / "index.html", shell(sealer.params("files"), SITE_CSP, head))
