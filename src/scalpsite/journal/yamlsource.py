"""Safe YAML reading that remembers the line of every key, for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml

from scalpsite.errors import JournalError

MAX_BYTES = 1_000_000  # a session file is a few hundred bytes; refuse what cannot be one
MAX_NODES = 50_000
MAX_DEPTH = 20  # a session file nests four levels at most; deeper is a mistake or an attack
LoaderT = TypeVar("LoaderT", yaml.SafeLoader, "yaml.CSafeLoader")  # libyaml's is absent from some builds
# Characters that are not text: control characters (but tab and line breaks) and the halves of
# a UTF-16 pair written alone as "\ud800". They break the SVG charts, typst and UTF-8 output.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


def _core_schema(loader: type[LoaderT]) -> type[LoaderT]:
    """Set `loader` (with its own, empty resolver table) to read plain scalars as YAML 1.2's core schema.

    Editors (the YAML language server) follow YAML 1.2, where `no`, `on` and `yes` are text
    and `12:30` is not the number 750; PyYAML's default YAML 1.1 rules disagree. Only
    true/false are booleans; there are no sexagesimal numbers and no implicit timestamps
    (dates stay text until the model reads them). The `<<` merge key is still recognised,
    so that it can be refused with a clear message.
    """
    for tag, pattern, first in CORE_RESOLVERS:
        loader.add_implicit_resolver(tag, re.compile(pattern, re.VERBOSE), list(first) + [""] * (tag == NULL))
    loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
    return loader


NULL = "tag:yaml.org,2002:null"
CORE_RESOLVERS = [  # YAML 1.2.2, section 10.3.2 (tag resolution of the core schema)
    (NULL, r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
                                    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""", "-+.0123456789"),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
]


def _construct_int(loader, node) -> int:
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)  # YAML 1.2: a leading 0 is not octal


def _construct_float(loader, node) -> float:
    text = loader.construct_scalar(node).lower()
    if text.endswith(("inf", "nan")):
        return float(text.replace(".", ""))
    return float(text)


class CoreSafeLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader, with the core schema's plain scalars."""

    yaml_implicit_resolvers: dict = {}  # its own table: none of YAML 1.1's resolvers


SafeLoader: type[yaml.SafeLoader | yaml.CSafeLoader] = _core_schema(CoreSafeLoader)
# libyaml composes the same nodes, with the same lines, several times faster; the pure-Python
# loader is the fallback and the one that explains errors.
FastLoader = SafeLoader
if hasattr(yaml, "CSafeLoader"):  # PyYAML built without libyaml has none
    class CoreCSafeLoader(yaml.CSafeLoader):
        """libyaml's safe loader, with the core schema's plain scalars."""

        yaml_implicit_resolvers: dict = {}

    FastLoader = _core_schema(CoreCSafeLoader)


@dataclass
class YamlDoc:
    """A parsed YAML mapping and the 1-based line of each key path."""

    data: object
    lines: dict[tuple, int] = field(default_factory=dict)
    columns: dict[tuple, int] = field(default_factory=dict)
    raw: dict[tuple, str] = field(default_factory=dict)  # numbers as written: "0.460" stays "0.460"

    def line_of(self, loc: tuple) -> int | None:
        """The line of the deepest existing key along `loc`."""
        return self.position(loc)[0]

    def position(self, loc: tuple) -> tuple[int | None, int | None]:
        """(line, column) of the deepest existing key or item along `loc`; 1-based."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]], self.columns.get(loc[:end])
        return None, None


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
    builder = _Builder(loader, shown, doc.lines, doc.columns, doc.raw)
    doc.data = builder.build(node, (), 1)
    return doc


def _compose(text: str, loader_class) -> tuple:
    loader = loader_class(text)
    try:
        return loader, loader.get_single_node()
    finally:
        loader.dispose()


# PyYAML's problems (scanner, parser, composer), in the journal's words: (pattern, message, fix).
YAML_WORDING = [
    (r"found character '\\t' that cannot start any token|found a tab character",
     "a tab character; YAML indents with spaces only", "replace the tab with spaces"),
    (r"found character '(?P<ch>.+)' that cannot start any token",
     "a value cannot start with '{ch}'", "put the value in quotes: key: \"{ch}...\""),
    (r"mapping values are not allowed here",
     "a ':' where a value was expected (a value holding ': ', or a key indented too far)",
     "put the value in quotes, or line the key up with the keys above it"),
    (r"could not find expected ':'",
     "a line that is neither 'key: value' nor a list item",
     "add the ':' after the key, or join the line to the text above it in quotes"),
    (r"found unexpected end of stream",
     "a quote that is opened but never closed", "close the quote on the same line"),
    (r"expected <block end>, but found '-'|did not find expected '-' indicator",
     "a '-' list item among keys, or keys among list items", "indent the list under its key, one item a line"),
    (r"expected <block end>, but found '<scalar>'",
     "text after a quoted value on the same line", "put the whole value in one pair of quotes"),
    (r"expected '<document start>'", "a line '...' or '---' ends the document before the end of the file",
     "remove that line"),
    (r"while scanning a directive|YAML directive|TAG directive|incompatible YAML document",
     "a line starting with '%' (a YAML directive)", "remove the line, or put its text in quotes"),
    (r"expected <block end>|did not find expected key",
     "the indentation does not line up with the lines above",
     "indent keys of one level by the same number of spaces"),
    (r"expected ',' or '\]'", "a list in [ ] that is not closed, or an item it cannot read",
     "close the ]; put an item holding ',' or ':' in quotes"),
    (r"expected ',' or '\}'", "a set of keys in { } that is not closed, or an entry it cannot read",
     "close the }; put a value holding ',' or ':' in quotes"),
    (r"found unknown escape character '(?P<ch>.+)'", "an unknown escape '\\{ch}' inside double quotes",
     "use single quotes, or write the backslash twice"),
    (r"but found another document|found unexpected document separator",
     "a second document: a line '---' inside the file", "keep one document: remove the '---' line"),
    (r"alias|anchor", "YAML anchors and aliases (&name, *name) are not supported", "write the value out"),
    (r"tag handle|expected '!'|expected URI", "YAML tags (!name) are not supported", "remove the tag"),
    (r"chomping or indentation indicators|indentation indicator",
     "after '|' or '>' only '+', '-' or a digit may follow", "start the text on the next line"),
    (r"expected the node content", "a value is missing, or starts with a character YAML reserves",
     "put the value in quotes"),
]


def explain(problem: str) -> tuple[str, str]:
    """(message, fix) for a PyYAML problem text; the problem itself when no wording matches."""
    for pattern, message, fix in YAML_WORDING:
        m = re.search(pattern, problem)
        if m:
            ch = m.groupdict().get("ch") or ""
            return message.replace("{ch}", ch), fix.replace("{ch}", ch)
    return problem, "check the YAML syntax on this line"


def _compose_or_explain(text: str, shown: str) -> tuple:
    """Compose with the pure-Python loader, turning its errors into a JournalError with a line."""
    try:
        return _compose(text, SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message, fix = explain(" ".join(filter(None, (exc.context, exc.problem))) or "invalid YAML")
        raise JournalError(f"invalid YAML: {message}", shown, line, fix) from exc
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise JournalError(f"the file contains a character ({exc.character!r}) that YAML does not allow, "
                           "such as a control character; save it as plain text", shown, line) from exc
    except yaml.YAMLError as exc:
        raise JournalError(f"invalid YAML: {exc}", shown) from exc


class _Builder:
    """Turns a composed node tree into Python values, recording key lines."""

    def __init__(self, loader: yaml.SafeLoader, shown: str, lines: dict, columns: dict, raw: dict):
        self.loader, self.shown, self.lines, self.columns, self.raw = loader, shown, lines, columns, raw
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
        except (yaml.YAMLError, ValueError, OverflowError) as exc:  # only a tag (!!int x) gets here
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise JournalError(f"cannot read '{node.value}' with the YAML tag {tag}; tags are not supported",
                               self.shown, node.start_mark.line + 1, "remove the tag") from exc
        if isinstance(value, str):
            check_text(value, self.shown, node.start_mark.line + 1)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self.raw[path] = node.value
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
            self.columns[path + (key,)] = key_node.start_mark.column + 1
            out[key] = self.build(value_node, path + (key,), line)
        return out

    def _sequence(self, node: yaml.SequenceNode, path: tuple) -> list:
        out = []
        for i, item in enumerate(node.value):
            line = item.start_mark.line + 1
            self.lines[path + (i,)] = line
            self.columns[path + (i,)] = item.start_mark.column + 1
            out.append(self.build(item, path + (i,), line))
        return out


def load_yaml_file(path: Path, shown: str) -> YamlDoc:
    """Read and parse a YAML file; the top level must be a mapping."""
    doc = parse_yaml(read_text(path, shown), shown)
    if doc.data is None:  # a file holding only `~` or `null`: nothing recorded, like an empty file
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise JournalError("expected keys and values (a YAML mapping) at the top level", shown, 1)
    return doc
