"""The journal's own theme: templates that nothing renders.

A theme overrides a template by giving a file the default theme's name, and may add templates of
its own that its other templates include. A file that is neither is never used: a name misspelt,
or a template scalpsite has renamed since the theme was written. The build would silently ignore
it, so it is a warning naming the file.
"""

from __future__ import annotations

import re
from pathlib import Path

from scalpsite.codeversion import builtin_themes
from scalpsite.findings import Finding, warning

DEFAULT = "default"
# {% include "x" %}, {% extends 'x' %}, {% import "x" as m %}, {% from "x" import y %}, with
# any whitespace control; a name written as a literal string only.
NAMED = re.compile(r"""\{%-?\s*(?:include|extends|import|from)\s+(["'])([^"']+)\1""")
# A template that names another through a variable or a list: what it reaches cannot be read here.
UNNAMED = re.compile(r"""\{%-?\s*(?:include|extends|import|from)\s+[^"'\s]""")


def unused_templates(root: Path, theme: str) -> list[Finding]:
    """A warning for each template of the journal's theme that neither overrides a template of
    the default theme nor is included by a template of the theme."""
    own = root / "themes" / theme / "templates"
    if theme == DEFAULT or not own.is_dir() or own.is_symlink():
        return []
    shipped = builtin_themes() / DEFAULT / "templates"
    known = {p.relative_to(shipped).as_posix() for p in shipped.rglob("*.html")}
    mine = {p.relative_to(own).as_posix(): p for p in sorted(own.rglob("*.html")) if p.is_file() and not p.is_symlink()}
    named: set[str] = set()
    for path in [*mine.values(), *(shipped / k for k in known)]:
        text = path.read_text(encoding="utf-8", errors="replace")
        if UNNAMED.search(text):
            return []
        named.update(m.group(2).removeprefix("!default/") for m in NAMED.finditer(text))
    return [warning("theme-template-unused", f"themes/{theme}/templates/{rel}",
                    "no page uses this template: it overrides none of the default theme's and no "
                    "template of the theme includes it (a misspelt name, or a template renamed since "
                    "the theme was written)",
                    hint="rename it to the template it replaces (a name of the default theme's templates/), or remove it")
            for rel in sorted(set(mine) - known - named)]
