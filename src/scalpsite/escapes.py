"""Control characters made visible: file names may hold any, and no output may act on them."""

from __future__ import annotations

import re

# What a terminal would act on instead of showing: C0 and C1 controls (newline, ESC...), DEL,
# and the bidirectional controls that reorder a line as shown.
BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
CONTROLS = re.compile(f"[\x00-\x1f{BEYOND_C0}]")


def printable(text: str, keep_newlines: bool = False) -> str:
    """`text` with every control character written as an escape (\\n, \\x1b, \\u202e), so that a file
    name can neither forge a line of output nor send the terminal a command."""
    def escape(m: re.Match) -> str:
        char = m.group()
        return char if keep_newlines and char == "\n" else repr(char)[1:-1]
    return CONTROLS.sub(escape, text)


def escape_controls(json_text: str) -> str:
    """JSON text with the controls of BEYOND_C0 written as escapes (C0 ones JSON escapes itself)."""
    return re.sub(f"[{BEYOND_C0}]", lambda m: f"\\u{ord(m.group()):04x}", json_text)
