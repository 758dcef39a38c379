"""The dossier as a standalone encrypted PDF, for e-mail (`build --encrypt --pdf-password`).

The PDF standard's password check is far quicker to test than the site's key derivation, so this
copy has a password of its own, never the site's, and carries nothing that names the patient
outside what the password protects.
"""

from __future__ import annotations

import io

from scalpsite.output.passwords import normalize

NAME = "dossier.pdf"
TITLE = "Dossier"  # the document title of the copy: typst's names the journal and the date
HEADER = "%PDF-2.0"  # AES-256 with revision 6 is the security handler of PDF 2.0 (ISO 32000-2)


def protect_pdf(data: bytes, password: str) -> bytes:
    """The PDF encrypted with AES-256 (PDF 2.0, revision 6), with a random file identifier and
    neither title, author nor XMP metadata that could confirm a guessed name offline."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    # typst derives the identifier from the title and author; it is stored unencrypted
    writer._ID = None  # noqa: SLF001 - pypdf has no public way to drop the identifier it cloned
    writer.generate_file_identifiers()
    writer.metadata = {"/Title": TITLE}
    writer.xmp_metadata = None
    writer.pdf_header = HEADER
    writer.encrypt(user_password=normalize(password), algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
