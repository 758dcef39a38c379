"""The side effects of the dupilumab label, so the log can group, count and spell-check them."""

from __future__ import annotations

RECOGNISED = {
    "injection_site_reaction": "Injection-site reaction",
    "conjunctivitis": "Conjunctivitis",
    "oral_herpes": "Oral herpes",
    "headache": "Headache",
    "eye_itching": "Eye itching",
    "blepharitis": "Blepharitis",
    "eosinophilia": "Eosinophilia",
}
SEVERITY_ORDER = {None: 0, "mild": 1, "moderate": 2, "severe": 3}


def normalise(name: str) -> str:
    """A side-effect name as a key: lower case, words joined by underscores."""
    return "_".join(name.strip().lower().replace("-", " ").split())


def label(name: str) -> str:
    """Display label: the recognised one, else the user's text."""
    return RECOGNISED.get(normalise(name), name.strip())
