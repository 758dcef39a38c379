"""The field types the journal's models are built from: strict numbers, bounded dates, safe
names, the strict base model, and fields that take a total or its parts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, TypeVar, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag
from pydantic import Strict as NoCoercion

from scalpsite.journal.limits import DATE_MAX, DATE_MIN

# Strict numbers: `true` is not 1 and "12" is not 12 (YAML gives numbers for unquoted digits).
Number = Annotated[float, NoCoercion()]


def _whole(value):
    """6.0 is the whole number 6, as JSON Schema's `integer` (and so the editors) take it."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


Whole = Annotated[int, NoCoercion(), BeforeValidator(_whole)]
Percent = Annotated[Number, Field(ge=0, le=100)]
# Dates scalpsite accepts (journal/limits.py): date arithmetic in schedules and charts never overflows.
Date = Annotated[dt.date, Field(ge=DATE_MIN, le=DATE_MAX)]
AngleName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")]  # names output files


@dataclass(frozen=True)
class Plausible:
    """What a person can have, beside a field's range: a value past it can be typed, not measured,
    so `check` warns (implausible-value) instead of refusing it."""

    high: float | None = None  # no person has more
    fraction: bool = False  # a 0-100 % scale: 0 < value < 1 is most likely a fraction typed for a percentage
    why: str = ""  # what a person has, with its published source


# A density reading: finite, never negative; adults have about 175-300 hairs/cm² (Barman, Astore and
# Pecoraro, J Invest Dermatol 1965;44:233-6), so over 500 per cm², in hairs or follicular units, is a slip.
Reading = Annotated[Number, Field(ge=0, le=1_000_000), Plausible(
    high=500, why="an adult one has about 175-300 hairs/cm² (Barman et al. 1965)")]
LabNumber = Annotated[Number, Field(ge=-1_000_000, le=1_000_000)]
Sign = Annotated[Number, Field(ge=0, le=3, multiple_of=0.5)]


def _ordered(pair: list[float] | None) -> list[float] | None:
    if pair is not None and pair[0] > pair[1]:
        raise ValueError("the low end of a range comes first: [low, high]")
    return pair


LabRange = Annotated[list[LabNumber], Field(min_length=2, max_length=2), AfterValidator(_ordered)]


def unit(name: str) -> dict:
    """The JSON Schema extra that records a field's unit (shown in the field reference)."""
    return {"unit": name}


class Strict(BaseModel):
    """Base: unknown keys are errors; numbers are finite."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _shape(value) -> str:
    """Discriminate a score given as parts (mapping/list) from one given as a total."""
    if isinstance(value, dict):
        return "parts"
    if isinstance(value, list):
        return "answers"
    return "total"


# A field that takes a total or its parts (a mapping, or a list of answers), with errors that
# name only the form used: TotalOrParts[Total, Parts], TotalOrAnswers[Total, Answers].
_Total = TypeVar("_Total")
_Parts = TypeVar("_Parts")
TotalOrParts = Annotated[
    Union[Annotated[_Total, Tag("total")], Annotated[_Parts, Tag("parts")]], Discriminator(_shape)]
TotalOrAnswers = Annotated[
    Union[Annotated[_Total, Tag("total")], Annotated[_Parts, Tag("answers")]], Discriminator(_shape)]

# A box in the pixels of an upright photo: [x, y, width, height].
Pixels = Annotated[Whole, Field(ge=0, le=100_000)]
PixelBox = tuple[Pixels, Pixels, Annotated[Whole, Field(ge=1, le=100_000)], Annotated[Whole, Field(ge=1, le=100_000)]]
