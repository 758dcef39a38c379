"""scalpsite: a hair-regrowth journal of plain files, rendered as evidence."""

__version__ = "0.2.0"
