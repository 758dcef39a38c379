"""Markdown notes: sanitised HTML for the site, a structure tree for the dossier."""

from __future__ import annotations

import functools
import html as htmllib
from html.parser import HTMLParser

import markdown
import nh3

from scalpsite.journal.limits import MAX_NOTE_DEPTH, note_problem

ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
                "h1", "h2", "h3", "h4", "h5", "h6", "a", "hr", "table", "thead", "tbody",
                "tr", "th", "td", "del"}
VOID_TAGS = {"br", "hr"}


@functools.lru_cache(maxsize=1024)
def to_html(text: str) -> str:
    """Markdown → HTML with no scripts, handlers, images or external resources.

    A note over the limits of journal/limits.py is shown as plain paragraphs instead, so a
    pathological note costs linear time (check reports it). Remembered by text: the preview
    renders the same notes at every save.
    """
    if not text.strip():
        return ""
    if note_problem(text):
        paras = (p.strip() for p in text.split("\n\n"))
        return "".join(f"<p>{htmllib.escape(p)}</p>" for p in paras if p)
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root: dict = {"tag": "root", "children": []}
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = {"tag": tag, "children": []}
        if tag == "a":
            node["href"] = dict(attrs).get("href", "")
        self.stack[-1]["children"].append(node)
        if tag not in VOID_TAGS:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if data:
            self.stack[-1]["children"].append({"tag": "text", "text": data})


def tree_of(html: str) -> list[dict]:
    """The structure tree of sanitised notes HTML, at most MAX_NOTE_DEPTH levels deep."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return _flatten_deep(_strip_blank(builder.root["children"]), MAX_NOTE_DEPTH)


def _text_of(node: dict) -> str:
    if node["tag"] == "text":
        return node["text"]
    return " ".join(_text_of(c) for c in node.get("children", []))


def _flatten_deep(nodes: list[dict], depth: int) -> list[dict]:
    """Nodes below `depth` levels become their plain text, so no layout nests without bound."""
    out = []
    for n in nodes:
        if "children" in n and depth <= 1:
            out.append({"tag": "p", "children": [{"tag": "text", "text": _text_of(n)}]})
        elif "children" in n:
            out.append({**n, "children": _flatten_deep(n["children"], depth - 1)})
        else:
            out.append(n)
    return out


def _strip_blank(nodes: list[dict]) -> list[dict]:
    """Drop whitespace-only text between block elements."""
    out: list[dict] = []
    for n in nodes:
        if n["tag"] == "text":
            if n["text"].strip() or (out and out[-1]["tag"] != "text" and n["text"] == " "):
                out.append(n)
            continue
        if "children" in n:
            n["children"] = _strip_blank(n["children"])
        out.append(n)
    return out
