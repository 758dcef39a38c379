"""The base of the typed analysis models (model.py and its parts): no unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

Day = str  # an ISO date, YYYY-MM-DD


class Out(BaseModel):
    """Base of the analysis models: no unknown fields, so a renamed key fails a test."""

    model_config = ConfigDict(extra="forbid")


class ChartLine(Out):
    """A horizontal line a chart draws: its value and its label."""

    value: float
    label: str
