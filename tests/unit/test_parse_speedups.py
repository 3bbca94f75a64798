"""The parser's speed-ups keep its results: slot constructors and the date reader's shortcuts."""

from __future__ import annotations

import attrs
import pytest
from lxml import etree

from pubenrich.formats.pubmed_xml.elements import read_date
from pubenrich.model.codec import slot_constructor
from pubenrich.model.dates import PartialDate


@attrs.frozen
class _Checked:
    small: int = attrs.field(validator=attrs.validators.le(3))
    other: int = attrs.field(default=0, validator=attrs.validators.ge(0))


def test_slot_constructor_refuses_a_validated_field_not_named_checked() -> None:
    """Only the validators the caller says it applies itself may be skipped."""
    with pytest.raises(TypeError, match="validates its fields"):
        slot_constructor(_Checked, checked=("small",))
    make = slot_constructor(_Checked, checked=("small", "other"))
    assert make(1, 2) == _Checked(1, 2)


def test_slot_constructor_refuses_an_unknown_checked_name() -> None:
    """A misspelt field name fails at once rather than skipping nothing silently."""
    with pytest.raises(TypeError, match="no field 'smal'"):
        slot_constructor(_Checked, checked=("smal", "other"))


def test_slot_built_date_equals_the_validated_one() -> None:
    """A date built through its slots is equal to, and hashes like, one built by __init__."""
    make = slot_constructor(PartialDate, checked=("month", "day"))
    built = make(2020, 3, 9, None, None, None)
    assert built == PartialDate(2020, 3, 9)
    assert hash(built) == hash(PartialDate(2020, 3, 9))


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        ("<D><Year>2020</Year><Month>Mar</Month><Day>09</Day></D>", PartialDate(2020, 3, 9)),
        ("<D><Year>2020</Year><Month>03</Month><Day>9</Day></D>", PartialDate(2020, 3, 9)),
        ("<D><Year>2020</Year><Month> 3 </Month></D>", PartialDate(2020, 3)),
        ("<D><Year>2020</Year><Month>September</Month></D>", PartialDate(2020, 9)),
        ("<D><Year>2020</Year><Month>sept</Month></D>", PartialDate(2020, 9)),
        ("<D><Year>2020</Year><Month>13</Month><Day>32</Day></D>", PartialDate(2020)),
        ("<D><Year>2020</Year><Month>0</Month><Day>0</Day></D>", PartialDate(2020)),
        ("<D><Year>2020</Year><Month></Month><Day>31</Day></D>", PartialDate(2020, None, 31)),
        ("<D><Year>1999</Year><Season>winter</Season></D>", PartialDate(1999, season="Winter")),
        ("<D><Year>n.d.</Year></D>", PartialDate()),
    ],
)
def test_read_date_reads_every_month_and_day_spelling(xml: str, expected: PartialDate) -> None:
    """Months by name, abbreviation or number (padded or not); days and months out of range
    are unknown, never an error."""
    assert read_date(etree.fromstring(xml)) == expected
