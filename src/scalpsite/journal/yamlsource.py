"""Safe YAML reading that remembers the line of every key, for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scalpsite.errors import JournalError

MAX_BYTES = 1_000_000  # a session file is a few hundred bytes; refuse what cannot be one
MAX_NODES = 50_000
MAX_DEPTH = 20  # a session file nests four levels at most; deeper is a mistake or an attack
# Characters that are not text: control characters (but tab and line breaks) and the halves of
# a UTF-16 pair written alone as "\ud800". They break the SVG charts, typst and UTF-8 output.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
# libyaml composes the same nodes, with the same lines, several times faster; the pure-Python
# loader is the fallback and the one that explains errors.
FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDoc:
    """A parsed YAML mapping and the 1-based line of each key path."""

    data: object
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, loc: tuple) -> int | None:
        """The line of the deepest existing key along `loc`."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None


def read_text(path: Path, shown: str) -> str:
    """Read a small UTF-8 text file or raise a JournalError saying why not."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise JournalError(
                f"file is {size // 1_000_000} MB; a journal file should be a few KB "
                "(check that this is the right file)", shown)
        raw = path.read_bytes()
    except OSError as exc:
        raise JournalError(f"cannot read file: {exc.strerror}", shown) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JournalError("not UTF-8 text; save the file as UTF-8 in your editor", shown, line) from exc
    check_text(text, shown, 1)
    return text


def check_text(text: str, shown: str, line: int | None) -> None:
    """Raise a JournalError at the line of the first character that is not text (see NOT_TEXT)."""
    bad = NOT_TEXT.search(text)
    if bad is None:
        return
    at = (line or 1) + text.count("\n", 0, bad.start())
    code = f"U+{ord(bad.group()):04X}"
    raise JournalError(f"the text contains a character that is not text ({code}, a control character "
                       "or half of an escaped pair); remove it or write the character itself", shown, at)


def parse_yaml(text: str, shown: str) -> YamlDoc:
    """Parse one YAML document; anchors/aliases and non-scalar keys are refused."""
    try:
        try:
            loader, node = _compose(text, FastLoader)
        except yaml.YAMLError:  # the pure-Python loader words the error and gives its line
            loader, node = _compose_or_explain(text, shown)
    except RecursionError:  # the composers recurse once per level of [ or - nesting
        raise JournalError(f"the YAML is nested too deeply (at most {MAX_DEPTH} levels)", shown) from None
    doc = YamlDoc(None)
    if node is None:
        doc.data = {}
        return doc
    builder = _Builder(loader, shown, doc.lines)
    doc.data = builder.build(node, (), 1)
    return doc


def _compose(text: str, loader_class) -> tuple:
    loader = loader_class(text)
    try:
        return loader, loader.get_single_node()
    finally:
        loader.dispose()


def _compose_or_explain(text: str, shown: str) -> tuple:
    """Compose with the pure-Python loader, turning its errors into a JournalError with a line."""
    try:
        return _compose(text, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        raise JournalError(f"invalid YAML: {problem}", shown, line) from exc
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise JournalError(f"the file contains a character ({exc.character!r}) that YAML does not allow, "
                           "such as a control character; save it as plain text", shown, line) from exc
    except yaml.YAMLError as exc:
        raise JournalError(f"invalid YAML: {exc}", shown) from exc


class _Builder:
    """Turns a composed node tree into Python values, recording key lines."""

    def __init__(self, loader: yaml.SafeLoader, shown: str, lines: dict):
        self.loader, self.shown, self.lines = loader, shown, lines
        self.count = 0
        self.anchors: set[int] = set()

    def build(self, node: yaml.Node, path: tuple, line: int):
        """The value of `node`; `line` is where the key or item that holds it starts."""
        self.count += 1
        if self.count > MAX_NODES:
            raise JournalError("YAML too large or deeply nested", self.shown, line)
        if len(path) > MAX_DEPTH:
            raise JournalError(f"the YAML is nested too deeply (at most {MAX_DEPTH} levels)", self.shown, line)
        if id(node) in self.anchors:  # the composer shares one node for every alias of it
            raise JournalError(
                "YAML anchors and aliases (&name, *name) are not supported; write the value out",
                self.shown, line)
        self.anchors.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node, path)
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise JournalError(f"cannot read value {node.value!r}: {exc}", self.shown,
                               node.start_mark.line + 1) from exc
        if isinstance(value, str):
            check_text(value, self.shown, node.start_mark.line + 1)
        return value

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise JournalError("a key must be a plain word", self.shown, line)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise JournalError("YAML merge keys (<<) are not supported", self.shown, line)
            key = self.loader.construct_object(key_node)
            key = key if isinstance(key, str) else str(key)
            check_text(key, self.shown, line)
            if key in out:
                raise JournalError(f"key '{key}' appears twice; keep one", self.shown, line)
            self.lines[path + (key,)] = line
            out[key] = self.build(value_node, path + (key,), line)
        return out

    def _sequence(self, node: yaml.SequenceNode, path: tuple) -> list:
        out = []
        for i, item in enumerate(node.value):
            line = item.start_mark.line + 1
            self.lines[path + (i,)] = line
            out.append(self.build(item, path + (i,), line))
        return out


def load_yaml_file(path: Path, shown: str) -> YamlDoc:
    """Read and parse a YAML file; the top level must be a mapping."""
    doc = parse_yaml(read_text(path, shown), shown)
    if not isinstance(doc.data, dict):
        raise JournalError("expected keys and values (a YAML mapping) at the top level", shown, 1)
    return doc
