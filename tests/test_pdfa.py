"""The plain dossier is PDF/A-2b and PDF/UA-1 (typst checks both as it writes them); the encrypted
copy does not claim PDF/A, which forbids encryption."""

import io
import re

from pypdf import PdfReader

from scalpsite.output.pdfseal import protect_pdf
from scalpsite.render.dossier import PDF_STANDARDS

PASSWORD = "violet-harbor-quietly-77-lantern"


def xmp(reader: PdfReader) -> str:
    """The document's XMP metadata, empty when it has none."""
    stream = reader.trailer["/Root"].get("/Metadata")
    return stream.get_object().get_data().decode("utf-8") if stream is not None else ""


def test_the_dossier_declares_pdfa_2b_and_pdfua_1(example_build):
    site, _ = example_build
    reader = PdfReader(site / "dossier.pdf")
    meta = xmp(reader)
    print("XMP identification:", re.findall(r"<pdfu?aid:\w+>[^<]*</pdfu?aid:\w+>", meta))
    assert "<pdfaid:part>2</pdfaid:part>" in meta and "<pdfaid:conformance>B</pdfaid:conformance>" in meta
    assert "<pdfuaid:part>1</pdfuaid:part>" in meta
    assert PDF_STANDARDS == ["a-2b", "ua-1"]
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # the title, not the file name
    assert not reader.is_encrypted


def figures(node, found: list) -> list:
    """Every Figure element of a structure tree, with its alternate text."""
    node = node.get_object()
    if node.get("/S") == "/Figure":
        found.append(str(node.get("/Alt", "")))
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
        if hasattr(kid.get_object(), "get"):
            figures(kid, found)
    return found


def test_every_photo_and_chart_of_the_dossier_has_alternate_text(example_build):
    site, _ = example_build
    alts = figures(PdfReader(site / "dossier.pdf").trailer["/Root"]["/StructTreeRoot"], [])
    assert len(alts) > 50 and all(alts), alts[:5]
    assert any(a.startswith("Overhead view, baseline, ") for a in alts)
    assert any(a.startswith("Chart: SALT score at each session") for a in alts)
    assert any(a.startswith("Painted SALT mask over it") for a in alts)


def test_the_encrypted_dossier_does_not_claim_pdfa(example_build):
    site, _ = example_build
    reader = PdfReader(io.BytesIO(protect_pdf((site / "dossier.pdf").read_bytes(), PASSWORD)))
    assert reader.is_encrypted and reader.decrypt(PASSWORD)
    meta = xmp(reader)
    assert "pdfaid:part>" not in meta and "pdfaid:conformance>" not in meta
    assert "Sam Example" not in meta  # the standalone copy carries no metadata that could name the patient


def test_a_journal_template_without_what_pdfua_asks_still_gives_an_archival_pdf(runner, tmp_path):
    """A theme of the journal's own, written before PDF/UA (no document title), still builds: PDF/A-2b."""
    from conftest import COMPLETE, CONFIG, write_journal

    from scalpsite.cli import main

    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config=CONFIG + "theme: mine\n")
    (root / "themes/mine").mkdir(parents=True)
    (root / "themes/mine/dossier.typ").write_text("#let view = json(bytes(sys.inputs.data))\n= Dossier\n"
                                                  "#view.data.title\n")
    result = runner.invoke(main, ["build", str(root)])
    assert result.exit_code == 0, result.output
    meta = xmp(PdfReader(root / "_site" / "dossier.pdf"))
    assert "<pdfaid:part>2</pdfaid:part>" in meta and "pdfuaid:part>" not in meta
