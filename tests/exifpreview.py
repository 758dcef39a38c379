"""Raw EXIF with an embedded JPEG preview in IFD1, as phones write it (for tests and benchmarks)."""

import io
import struct


def exif_with_preview(image, orientation: int = 1, size=(160, 120)) -> bytes:
    """EXIF bytes (APP1 payload) holding Orientation and a small JPEG preview of `image`."""
    buf = io.BytesIO()
    image.convert("RGB").resize(size).save(buf, "JPEG", quality=75)
    preview = buf.getvalue()
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x0112, 3, 1, orientation)
    ifd1_at = 8 + len(ifd0) + 4
    ifd0 += struct.pack("<I", ifd1_at)
    data_at = ifd1_at + 2 + 12 * 3 + 4
    ifd1 = struct.pack("<H", 3) + struct.pack("<HHII", 0x0103, 3, 1, 6)
    ifd1 += struct.pack("<HHII", 0x0201, 4, 1, data_at) + struct.pack("<HHII", 0x0202, 4, 1, len(preview))
    ifd1 += struct.pack("<I", 0)
    return b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd0 + ifd1 + preview
