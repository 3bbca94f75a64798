"""Partial dates: the :class:`PartialDate` record and the reading of PubMed's date text.

PubMed dates are known to the year, month, day or season, and come either structured or as a
free-text ``MedlineDate``; the XML and the MEDLINE readers both read them here, so a month or
a season is recognized the same way whichever format brought it.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SEASONS = ("Spring", "Summer", "Autumn", "Fall", "Winter")

_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(MONTHS, start=1)}
_SEASON = {s.lower(): s for s in SEASONS}
_DATE_TOKEN = re.compile(r"(\d{4})|([A-Za-z]+)|(\d{1,2})")


def _month(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not 1 <= value <= 12:
        raise ValueError(f"{attribute.name} must be 1 to 12, got {value!r}")


def _day(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and not 1 <= value <= 31:
        raise ValueError(f"{attribute.name} must be 1 to 31, got {value!r}")


@attrs.frozen
class PartialDate:
    """A date known to the year, month, day or season, possibly a range.

    Attributes:
        year, month, day: what is known (month and day 1-based).
        season: ``Spring``, ``Summer``, ``Autumn``/``Fall`` or ``Winter`` when PubMed gives one.
        raw: the ``MedlineDate`` text as PubMed wrote it, when the date came as one.
        end: the end of a range (``2013 Dec-2014 Jan``), else None.
    """

    year: int | None = None
    month: int | None = attrs.field(default=None, validator=_month)
    day: int | None = attrs.field(default=None, validator=_day)
    season: str | None = None
    raw: str | None = None
    end: PartialDate | None = None

    @property
    def precision(self) -> str | None:
        """``day``, ``month``, ``season``, ``year``, or None when nothing is known."""
        if self.year is None:
            return None
        if self.day is not None and self.month is not None:
            return "day"
        if self.month is not None:
            return "month"
        if self.season is not None:
            return "season"
        return "year"

    def __str__(self) -> str:
        if self.year is None:
            return self.raw or ""
        text = str(self.year)
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        elif self.season:
            text += f" {self.season}"
        return text + (f"/{self.end}" if self.end is not None else "")


def month_of(text: str | None) -> int | None:
    """The month of ``3``, ``03``, ``Mar`` or ``March``; None for anything else."""
    if not text:
        return None
    text = text.strip()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTH_NUMBER.get(text[:3].lower())


def season_of(text: str) -> str:
    """A season's usual spelling (``spring`` is ``Spring``); any other text as written."""
    return _SEASON.get(text.lower(), text)


def _date_part(text: str, base: PartialDate | None) -> PartialDate:
    year = month = day = None
    season = None
    for year_text, word, number in _DATE_TOKEN.findall(text):
        if year_text:
            year = int(year_text)
        elif word:
            if word.lower()[:3] in _MONTH_NUMBER and month is None:
                month = _MONTH_NUMBER[word.lower()[:3]]
            elif word.lower() in _SEASON:
                season = _SEASON[word.lower()]
        elif number and month is not None and 1 <= int(number) <= 31:
            day = int(number)
        elif number and base is not None and base.month is not None and 1 <= int(number) <= 31:
            day, month = int(number), base.month  # "2001 Jan 5-12": the end shares the month
    if base is not None:
        year = year if year is not None else base.year
    return PartialDate(year=year, month=month, day=day, season=season)


def parse_medline_date(text: str) -> PartialDate:
    """Read a free-text ``MedlineDate`` (``1998 Spring``, ``2013 Dec-2014 Jan``, ``1984 Jul-Aug``,
    ``2000-2001``) into a :class:`PartialDate` with ``raw`` kept and ``end`` for ranges."""
    first, _, rest = text.partition("-")
    start = _date_part(first, None)
    end = _date_part(rest, start) if rest.strip() else None
    if end is not None and end.year is None and end.month is None and end.season is None:
        end = None
    return PartialDate(
        year=start.year,
        month=start.month,
        day=start.day,
        season=start.season,
        raw=text,
        end=end,
    )
