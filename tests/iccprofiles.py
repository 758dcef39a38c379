"""A minimal Display P3 ICC profile (matrix/TRC, v2), built in code for tests."""

import struct

D50 = (0.9642, 1.0, 0.8249)
P3_COLORANTS = {  # Display P3 primaries adapted to D50, as in published P3 profiles
    b"rXYZ": (0.5151, 0.2412, -0.0011),
    b"gXYZ": (0.2920, 0.6922, 0.0419),
    b"bXYZ": (0.1571, 0.0666, 0.7841),
}


def _s15(v: float) -> bytes:
    return struct.pack(">i", round(v * 65536))


def _xyz(values) -> bytes:
    return b"XYZ " + b"\0" * 4 + b"".join(_s15(v) for v in values)


def _curve(gamma: float) -> bytes:
    return b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"


def _desc(text: str) -> bytes:
    ascii_ = text.encode() + b"\0"
    body = b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii_)) + ascii_
    body += struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\0" * 67
    return body + b"\0" * (-len(body) % 4)


def display_p3() -> bytes:
    """ICC bytes of a Display P3-like RGB profile (gamma 2.2 curves)."""
    tags = [(b"desc", _desc("Display P3 (test)")), (b"wtpt", _xyz(D50))]
    tags += [(sig, _xyz(v)) for sig, v in P3_COLORANTS.items()]
    tags += [(sig, _curve(2.2)) for sig in (b"rTRC", b"gTRC", b"bTRC")]
    tags.append((b"cprt", b"text" + b"\0" * 4 + b"public domain\0\0\0"))
    offset = 128 + 4 + 12 * len(tags)
    table, data = struct.pack(">I", len(tags)), b""
    for sig, body in tags:
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body + b"\0" * (-len(body) % 4)
    size = offset + len(data)
    header = struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
    header += struct.pack(">6H", 2025, 1, 1, 0, 0, 0) + b"acsp" + b"\0" * 24
    header += struct.pack(">I", 0) + b"".join(_s15(v) for v in D50) + b"\0" * 4 + b"\0" * 16 + b"\0" * 28
    assert len(header) == 128
    return header + table + data
