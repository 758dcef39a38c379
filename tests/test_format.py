"""One formatter: the site's filters (render/format.py) and the dossier's typst/format.typ print
the same text for the same value, shown on one table of cases through jinja2 and through typst."""

from __future__ import annotations

import json
import shutil

import pytest

from scalpsite.render import dossier
from scalpsite.render.site import make_env
from scalpsite.render.themes import builtin_themes

typst = pytest.importorskip("typst")
pypdf = pytest.importorskip("pypdf")

THEME = builtin_themes() / "default"
NBSP = "\u00a0"
# (filter, value, decimals or None for the default, the text both outputs print)
CASES = [
    ("num", 12, None, "12"), ("num", 0, None, "0"), ("num", -5, None, "−5"),  # integers as they are
    ("num", 18.5, None, "18.5"), ("num", 20.0, None, "20.0"), ("num", 420.0, 0, "420"),
    ("num", 0.46, 2, "0.46"), ("num", 12.45, 2, "12.45"),  # the precision entered, when asked for
    ("num", 12.45, None, "12.5"), ("num", 0.25, None, "0.3"), ("num", 2.675, 2, "2.68"),  # ties: away from
    ("num", 18.5, 0, "19"), ("num", 0.285, 2, "0.29"), ("num", -1.25, None, "−1.3"),  # zero, as written
    ("num", 33.333333333333336, None, "33.3"), ("num", 0.1 + 0.2, 2, "0.30"), ("num", 66.66666666666667, 0, "67"),
    ("num", -20.8, None, "−20.8"), ("num", -0.04, None, "−0.0"), ("num", 0.04, None, "0.0"),
    ("num", 1e-05, 2, "0.00"), ("num", 1e16, None, "10000000000000000.0"), ("num", 250000.0, None, "250000.0"),
    ("num", None, None, "—"), ("num", "", None, "—"),  # not recorded is a dash, never 0 or "none"
    ("signed", 0, None, "0"), ("signed", 0.0, None, "0"), ("signed", 8.3, None, "+8.3"), ("signed", 4, None, "+4"),
    ("signed", -4, None, "−4"), ("signed", -20.8, None, "−20.8"), ("signed", -0.04, None, "−0.0"),
    ("signed", 12.45, None, "+12.5"), ("signed", -2.5, 0, "−3"), ("signed", None, None, "—"),
    ("pct", 45.6, None, f"45.6{NBSP}%"), ("pct", 66.66666666666667, 0, f"67{NBSP}%"), ("pct", 50, 0, f"50{NBSP}%"),
    ("pct", -12.5, None, f"−12.5{NBSP}%"), ("pct", 0.0, None, f"0.0{NBSP}%"), ("pct", None, None, "—"),
    ("date", "2025-01-06", None, "6 Jan 2025"), ("date", "2025-12-31", None, "31 Dec 2025"),
    ("date", "2025-01-06T09:30:00", None, "6 Jan 2025"), ("date", None, None, "—"), ("date", "", None, "—"),
    ("date", "soon", None, "soon"), ("date", "2025-13-01", None, "2025-13-01"), ("date", "2025-00-10", None, "2025-00-10"),
    ("label", "temporal_left", None, "Temporal left"), ("label", "IgE", None, "IgE"), ("label", "_x_", None, "X"),
    ("label", "éclat", None, "Éclat"), ("label", "", None, ""), ("label", None, None, "—"),
]
TYPST_NAMES = {"num": "num", "signed": "signed", "pct": "pct", "date": "fdate", "label": "label"}
DOCUMENT = """\
#import "format.typ": num, signed, pct, fdate, label
#let cases = json(bytes(sys.inputs.cases))
#let functions = (num: num, signed: signed, pct: pct, fdate: fdate, label: label)
#let shown = cases.map(c => {
  let f = functions.at(c.at(0))
  if c.at(2) == none { f(c.at(1)) } else { f(c.at(1), digits: c.at(2)) }
})
#metadata(shown) <shown>
#set page(width: 16cm, height: auto, margin: 1cm)
#set text(font: "DejaVu Sans", size: 8pt)
#for (i, s) in shown.enumerate() [case #i: «#s»#parbreak()]
"""


def site_text(name: str, value, digits: int | None) -> str:
    """What a template of the site prints for `value` through the filter."""
    call = name if digits is None else f"{name}({digits})"
    return make_env([THEME]).from_string("{{ value|" + call + " }}").render(value=value)


@pytest.fixture(scope="module")
def typeset(tmp_path_factory) -> tuple[list[str], list[str]]:
    """The cases through typst/format.typ: the strings its functions return, and the text of the PDF."""
    work = tmp_path_factory.mktemp("format")
    shutil.copyfile(THEME / "typst/format.typ", work / "format.typ")
    (work / "cases.typ").write_text(DOCUMENT, encoding="utf-8")
    cases = json.dumps([[TYPST_NAMES[n], v, d] for n, v, d, _ in CASES], ensure_ascii=False)
    options = {"root": str(work), "sys_inputs": {"cases": cases}, "font_paths": [str(dossier._font_dir())],
               "ignore_system_fonts": True}
    returned = json.loads(typst.query(str(work / "cases.typ"), "<shown>", field="value", **options))[0]
    typst.compile(str(work / "cases.typ"), output=str(work / "cases.pdf"), **options)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(work / "cases.pdf").pages)
    return returned, text.splitlines()


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{n}({v!r},{d})" for n, v, d, _ in CASES])
def test_the_site_and_the_dossier_print_the_same_text(typeset, index):
    name, value, digits, expected = CASES[index]
    returned, printed = typeset
    assert site_text(name, value, digits) == expected
    assert returned[index] == expected
    line = next(ln for ln in printed if ln.startswith(f"case {index}:"))
    assert line == f"case {index}: «{expected}»"
