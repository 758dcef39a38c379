"""The field types the journal's models are built from: strict numbers, bounded dates, safe
names, the strict base model, and fields that take a total or its parts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, TypeVar, Union

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, WithJsonSchema
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


PARTIAL_DATE = r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?)?$"
ICD_CODE = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"


def _as_text(value: object) -> object:
    """A YAML date or year as the text it stands for: 2019-04-01, 2019."""
    if isinstance(value, dt.date) or (isinstance(value, int) and not isinstance(value, bool)):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def _partial_date(text: str) -> str:
    """A date as precise as it is known: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', within scalpsite's years."""
    if not re.fullmatch(PARTIAL_DATE, text):
        raise ValueError(f"'{text}' is not a date; write 2019-04-01, 2019-04 or 2019")
    if len(text) == 10:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a date of the calendar") from None
    if not DATE_MIN.year <= int(text[:4]) <= DATE_MAX.year:
        raise ValueError(f"'{text}' is outside the years {DATE_MIN.year} to {DATE_MAX.year}")
    return text


def _icd_code(text: str) -> str:
    if not re.fullmatch(ICD_CODE, text):
        raise ValueError(f"'{text}' is not an ICD-10-CM code; write a capital letter, two characters and, after "
                         "a dot, up to four more: L63.9, L20.89, J45.909")
    return text


# A date known to the day, the month or the year (when a disease was diagnosed), kept as text.
PartialDate = Annotated[str, BeforeValidator(_as_text), AfterValidator(_partial_date), WithJsonSchema(
    {"anyOf": [{"type": "string", "pattern": PARTIAL_DATE}, {"type": "integer", "minimum": 1900, "maximum": 2200}]})]
# An ICD-10-CM code as the patient or physician writes it: only its form is checked; scalpsite picks no code.
IcdCode = Annotated[str, AfterValidator(_icd_code), WithJsonSchema({"type": "string", "pattern": ICD_CODE})]


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
