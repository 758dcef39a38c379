"""The preview's pages, kept between its builds with what each one read.

A page is a function of the values its template read. While a page renders, the sandbox tells
`note` every attribute it reads of the view's objects; each object has a place in the view (its
path: `view.data.sessions[3]`), so a read is kept as (path, attribute). At the next build every
read of every kept page is taken again from the new view: a page is rendered again only when
one of its reads now gives another value, or its page context, template list or theme changed.
An edit of one value of one session renders its own page and the pages that show that value,
not the 141 pages of a long journal.

What a read gives is compared as data: a string, a number, a date by its value (and its type:
1, 1.0 and True print differently); a list or a mapping by its items; one of the view's objects
by its path only, because what the page read of it is kept as reads of their own. Anything else
(an object that is not in the view, a method) is compared whole, so it can only make a page
render again more often, never show an old value.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import types
import typing
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

Read = tuple[str, str]  # (path of a view object, attribute read)
_PLAIN = (str, int, bool, type(None))
_PLAIN_TYPES = frozenset(_PLAIN)
_LEAVES = frozenset({*_PLAIN, float})  # never hold a view object


class Places:
    """Where each of the view's objects sits: id -> path, and path -> object."""

    def __init__(self, **roots: Any) -> None:
        self.path: dict[int, str] = {}
        self.at: dict[str, BaseModel] = {}
        for name, value in roots.items():
            self._walk(value, name)

    def _walk(self, root: Any, name: str) -> None:
        """Place every model under root, depth first in the order of its fields (the first path
        an object is met at is its path)."""
        path_of, at = self.path, self.at
        stack = [(root, name)]
        while stack:
            value, path = stack.pop()
            if isinstance(value, BaseModel):
                if id(value) in path_of:
                    continue
                path_of[id(value)] = path
                at[path] = value
                fields = value.__dict__
                items = [(fields[key], f"{path}.{key}") for key in _holders(type(value)) if key in fields]
            elif isinstance(value, (list, tuple)):
                items = [(item, f"{path}[{i}]") for i, item in enumerate(value)
                         if type(item) not in _LEAVES and not isinstance(item, _PLAIN)]
            elif isinstance(value, dict):
                items = [(item, f"{path}[{key!r}]") for key, item in value.items()
                         if type(item) not in _LEAVES and not isinstance(item, _PLAIN)]
            else:
                continue
            stack.extend(reversed(items))

    def value(self, value: Any) -> Any:
        """What a read gave, as data to compare with the same read of another build."""
        kind = type(value)
        if kind in _PLAIN_TYPES:
            return kind, value
        if kind is float:
            return float, repr(value)  # -0.0 and 0.0 print differently; nan equals nan here
        if kind is dict:  # the usual containers first (none is a model): as below, sooner
            return "dict", tuple([(k, self.value(v)) for k, v in value.items()])
        if kind is list or kind is tuple:
            return kind.__name__, tuple([self.value(v) for v in value])
        if isinstance(value, BaseModel):
            path = self.path.get(id(value))
            return ("ref", path) if path is not None else ("model", kind.__qualname__, _whole(value))
        if isinstance(value, (list, tuple)):
            return kind.__name__, tuple([self.value(v) for v in value])
        if isinstance(value, dict):
            return "dict", tuple([(k, self.value(v)) for k, v in value.items()])
        if isinstance(value, str):  # Markup and other strings
            return kind.__qualname__, str(value)
        owner = getattr(value, "__self__", None)
        if isinstance(owner, BaseModel):  # a method of a view object: its answer depends on all of it
            return "method", getattr(value, "__name__", ""), _whole(owner)
        return "other", kind.__qualname__, value

    def read(self, read: Read) -> Any:
        """The value of a kept read in this build's view (`_GONE` when the object or attribute is not there)."""
        obj = self.at.get(read[0])
        if obj is None:
            return _GONE
        fields = obj.__dict__
        if read[1] in fields:
            return self.value(fields[read[1]])
        try:
            return self.value(getattr(obj, read[1]))
        except Exception:  # noqa: BLE001 - not readable any more: the page renders again (and says why)
            return _GONE

    def read_again(self, kept: dict[Read, Any]) -> tuple[dict[Read, Any], set[Read]]:
        """Every kept read taken again in this view, and those that now give another value (`read`
        for each, with the usual case, a plain field as it was, answered here)."""
        values: dict[Read, Any] = {}
        changed: set[Read] = set()
        at, plain = self.at, _PLAIN_TYPES
        last, fields = None, {}
        for read, before in kept.items():
            path, attribute = read
            if path != last:  # a page's reads of one object come one after the other
                obj = at.get(path)
                last, fields = path, (obj.__dict__ if obj is not None else {})
            field = fields.get(attribute, _GONE)
            kind = type(field)
            if kind in plain and before.__class__ is tuple and before[0] is kind and before[1] == field:
                values[read] = before  # as it was
                continue
            now = (kind, field) if kind in plain else self.read(read)
            values[read] = now
            if now != before:
                changed.add(read)
        return values, changed


@functools.cache
def _holders(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a model class whose values may hold models, in their order: not those
    declared as plain values (a number, a string, a date, a list of numbers...), which a walk
    would only look at to find nothing in them."""
    return tuple(name for name, field in model.model_fields.items() if _may_hold(field.annotation))


def _may_hold(annotation: Any) -> bool:
    """Whether a value of this type may be or hold a model (whatever is not known to be plain may)."""
    origin = typing.get_origin(annotation)
    if origin is None:  # a class: the walk looks into a model, a list, a tuple or a mapping only
        return not isinstance(annotation, type) or issubclass(annotation, (BaseModel, list, tuple, dict))
    if origin is typing.Literal:
        return False
    if origin is typing.Annotated:
        return _may_hold(typing.get_args(annotation)[0])
    if origin in (list, tuple, dict, set, frozenset, typing.Union, types.UnionType):
        return any(_may_hold(arg) for arg in typing.get_args(annotation) if arg is not Ellipsis)
    return True


class _Gone:
    """Equal to nothing, itself included: a read that cannot be taken again."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


_GONE = _Gone()


def _whole(model: BaseModel) -> Any:
    """A model not placed in the view, compared by all of its data."""
    try:
        return model.model_dump_json()
    except Exception:  # noqa: BLE001 - not serialisable: never equal, so the page renders again
        return _GONE


@dataclass
class _Recording:
    places: Places
    reads: set[Read]


_RECORDING: ContextVar[_Recording | None] = ContextVar("scalpsite_page_reads", default=None)


def note(obj: Any, attribute: Any) -> None:
    """The sandbox read `attribute` of `obj` (called for every attribute and item a template reads)."""
    recording = _RECORDING.get()
    if recording is not None and isinstance(attribute, str):
        path = recording.places.path.get(id(obj))
        if path is not None:
            recording.reads.add((path, attribute))


@dataclass
class KeptPage:
    """A page as rendered: its template, its context as data, its bytes (UTF-8) and their
    SHA-256 (hex: the output's writer need not hash them again), and what it read."""

    template: str
    context: Any
    html: bytes
    digest: str
    reads: frozenset[Read]


class PageMemo:
    """The pages of the previous build of this process, kept for the next one (the preview's).

    A build changes the memo only when it finishes: a build that fails half-way leaves the pages
    and the values they were rendered with as they were."""

    def __init__(self) -> None:
        self._pages: dict[str, KeptPage] = {}
        self._values: dict[Read, Any] = {}
        self._uses: dict[Read, int] = {}  # how many kept pages made each read
        self._shared: Any = None  # the theme and what every page receives, as data
        self.rendered = 0  # pages rendered by the last finished build; the others were kept

    def start(self, theme: str, view: BaseModel, common: dict[str, Any]) -> _Build:
        """Begin a build of `view`: find which kept reads changed. `theme` names the templates and
        their files; `common` is what every page receives (when it changed, every page renders)."""
        places = Places(view=view)
        shared = (theme, places.value(common))
        pages = self._pages if shared == self._shared else {}
        values, changed = places.read_again(self._values) if pages else ({}, set())
        return _Build(self, places, shared, pages, values, changed)


class _Build:
    """One build's use of the memo: a kept page, or a render that records its reads."""

    def __init__(self, memo: PageMemo, places: Places, shared: Any, pages: dict[str, KeptPage],
                 values: dict[Read, Any], changed: set[Read]) -> None:
        self.memo, self.places, self.shared, self.old = memo, places, shared, pages
        self.values, self.changed = values, changed
        self.pages: dict[str, KeptPage] = {}
        self.rendered = 0

    def kept(self, rel: str, template: str, context: dict[str, Any]) -> tuple[Any, KeptPage | None]:
        """The page's context as data, and the page of the last build when nothing it read changed."""
        data = self.places.value(context)
        page = self.old.get(rel)
        if page is None or page.template != template or page.context != data or not page.reads.isdisjoint(self.changed):
            return data, None
        self.pages[rel] = page
        return data, page

    @contextlib.contextmanager
    def recording(self) -> Iterator[set[Read]]:
        """Record the reads of a page's render."""
        reads: set[Read] = set()
        token = _RECORDING.set(_Recording(self.places, reads))
        try:
            yield reads
        finally:
            _RECORDING.reset(token)

    def keep(self, rel: str, template: str, context: Any, html: str, reads: set[Read]) -> KeptPage:
        """Keep a rendered page and the values of its reads in this build's view."""
        data = html.encode("utf-8")
        page = self.pages[rel] = KeptPage(template, context, data, hashlib.sha256(data).hexdigest(), frozenset(reads))
        self.rendered += 1
        for read in reads:
            if read not in self.values or read in self.changed:  # a changed read may have been gone at the start
                self.values[read] = self.places.read(read)
        return page

    def finish(self) -> None:
        """The memo holds this build's pages, and the values of the reads they need."""
        memo = self.memo
        # How many pages need each read: counted again only for the pages not kept as they were.
        uses = memo._uses if self.old else {}
        dropped = []
        for rel, page in self.old.items():
            if self.pages.get(rel) is not page:
                for read in page.reads:
                    uses[read] -= 1
                    if not uses[read]:
                        dropped.append(read)
        for rel, page in self.pages.items():
            if self.old.get(rel) is not page:
                for read in page.reads:
                    uses[read] = uses.get(read, 0) + 1
        for read in dropped:
            if not uses.get(read, 1):  # needed by no page any more
                del uses[read]
                self.values.pop(read, None)
        memo._pages, memo._shared, memo.rendered = self.pages, self.shared, self.rendered
        memo._uses, memo._values = uses, self.values
