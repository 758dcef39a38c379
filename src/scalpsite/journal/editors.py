"""What editors and git read beside the journal: JSON Schemas, VS Code settings, .gitattributes."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from scalpsite.errors import ScalpsiteError
from scalpsite.findings import Finding, Level
from scalpsite.journal.load import CONFIG_FILE
from scalpsite.journal.photofiles import PHOTO_EXTS
from scalpsite.journal.configmodel import Config
from scalpsite.journal.models import Session

SCHEMA_DIR = ".scalpsite"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"  # what pydantic generates
SCHEMA_FILES = {"config": "config.schema.json", "session": "session.schema.json"}
SCHEMA_TARGETS = {"config": [CONFIG_FILE], "session": ["sessions/*/session.yaml"]}
MODELS: dict[str, type[BaseModel]] = {"config": Config, "session": Session}


# Bounds pydantic cannot put inside a whole number's schema (it is read through a before-validator,
# fieldtypes.Whole) come out under their Python names; JSON Schema and the editors know these.
BOUND_KEYWORDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _bounds_named(node):
    """The schema with every number's bounds under their JSON Schema keywords."""
    if isinstance(node, list):
        return [_bounds_named(n) for n in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") in ("integer", "number"):  # sorted as pydantic sorts a schema's keywords
        return dict(sorted((BOUND_KEYWORDS.get(k, k), _bounds_named(v)) for k, v in node.items()))
    return {k: _bounds_named(v) for k, v in node.items()}


def schema(kind: str) -> dict:
    """The JSON Schema of scalpsite.yaml ('config') or session.yaml ('session')."""
    body = _bounds_named(MODELS[kind].model_json_schema())
    if kind == "session":
        # An empty session.yaml is a session with nothing recorded yet: the loader accepts it
        # (check then lists what is missing), so the editor must not mark it as wrong.
        body["type"] = ["object", "null"]
    return {"$schema": JSON_SCHEMA_DIALECT, **body}


def schema_text(kind: str) -> str:
    """A schema as the exact text written to .scalpsite/ (and printed by `scalpsite schema`)."""
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def write_schemas(root: Path) -> list[str]:
    """Write (or refresh) the journal's editor schemas; returns the journal-relative paths."""
    folder = Path(root) / SCHEMA_DIR
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise ScalpsiteError(f"{folder} is not a folder scalpsite can write its schemas into")
    folder.mkdir(exist_ok=True)
    written = []
    for kind, name in SCHEMA_FILES.items():
        target = folder / name
        if target.is_symlink():  # never write through a link to a file elsewhere
            raise ScalpsiteError(f"{target} is a link; remove it and run the command again")
        target.write_text(schema_text(kind), encoding="utf-8")
        written.append(f"{SCHEMA_DIR}/{name}")
    return written


def stale_schemas(root: Path) -> list[Finding]:
    """An info finding per schema in .scalpsite/ that this scalpsite version would write differently."""
    found = []
    for kind, name in SCHEMA_FILES.items():
        path = Path(root) / SCHEMA_DIR / name
        if not path.is_file() or path.is_symlink():
            continue
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != schema_text(kind):
            found.append(Finding(f"{SCHEMA_DIR}/{name}", None, Level.INFO, "stale-schema",
                                 "the editor schema was written by another scalpsite version",
                                 "run 'scalpsite schema --write' to refresh it"))
    return found


def vscode_settings() -> str:
    """.vscode/settings.json: the YAML extension checks the journal's files without a modeline."""
    schemas = {f"./{SCHEMA_DIR}/{SCHEMA_FILES[kind]}": SCHEMA_TARGETS[kind] for kind in SCHEMA_FILES}
    return json.dumps({"yaml.schemas": schemas}, indent=2) + "\n"


def case_blind(ext: str) -> str:
    """A gitattributes pattern matching an extension in any case: '.jpg' -> '*.[jJ][pP][gG]'."""
    return "*." + "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in ext.lstrip("."))


def gitattributes() -> str:
    """.gitattributes with the Git LFS lines for photos: one pattern per line, as git requires."""
    lines = [f"# {case_blind(ext)} filter=lfs diff=lfs merge=lfs -text" for ext in PHOTO_EXTS]
    return ("# Photos are large and binary. To keep them in Git LFS, install git-lfs, run\n"
            "# 'git lfs install' once, and remove the '# ' in front of these lines:\n"
            + "\n".join(lines) + "\n")
