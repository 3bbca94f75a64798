"""record_from_dict, checked and trusted: the same records back, the same refusals of the
wrong type or schema, and the checked read's refusal of values of the wrong shape."""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from pubenrich import (
    DOI,
    PMID,
    Article,
    Author,
    BookArticle,
    ParseError,
    PartialDate,
    parse_pubmed_xml,
    record_from_dict,
)
from pubenrich.model.records import SCHEMA_VERSION, PubmedRecord

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed" / "synthetic_features.xml"

BOOK = BookArticle(
    pmid=PMID("99000010"),
    title="Synthetic record for serialization tests: a book chapter.",
    book_title="Synthetic Handbook",
    doi=DOI("10.5555/synthetic.book.1"),
    editors=(Author(last_name="Editor", fore_name="Synthetic", initials="S"),),
    isbn=("9990000000001",),
    pub_date=PartialDate(2001, 2, end=PartialDate(2001, 3)),
)


@pytest.fixture(scope="module")
def records() -> list[PubmedRecord]:
    return [*parse_pubmed_xml(FIXTURE), BOOK]


def _stored(record: PubmedRecord) -> dict[str, Any]:
    """What the cache hands back: to_dict's output through JSON text."""
    data: dict[str, Any] = json.loads(json.dumps(record.to_dict()))
    return data


@pytest.mark.parametrize("trusted", [False, True])
def test_both_reads_give_back_the_record(records: list[PubmedRecord], trusted: bool) -> None:
    """Articles, a deletion entry and a book come back equal, checked or trusted."""
    for record in records:
        assert record_from_dict(_stored(record), trusted=trusted) == record


@pytest.mark.parametrize("trusted", [False, True])
def test_left_out_fields_come_back_as_their_defaults(trusted: bool) -> None:
    """to_dict leaves defaults out; reading restores them, factory defaults included."""
    bare = {"type": "article", "schema": SCHEMA_VERSION, "pmid": "99000001"}
    assert record_from_dict(bare, trusted=trusted) == Article(PMID("99000001"))


@pytest.mark.parametrize("trusted", [False, True])
def test_both_reads_leave_the_given_dict_unchanged(
    records: list[PubmedRecord], trusted: bool
) -> None:
    """Reading a dict does not consume or alter it."""
    data = _stored(records[0])
    before = json.dumps(data, sort_keys=True)
    record_from_dict(data, trusted=trusted)
    assert json.dumps(data, sort_keys=True) == before


@pytest.mark.parametrize("trusted", [False, True])
def test_any_mapping_is_read(records: list[PubmedRecord], trusted: bool) -> None:
    """A read-only mapping reads like a dict."""
    data = MappingProxyType(_stored(records[0]))
    assert record_from_dict(data, trusted=trusted) == records[0]


@pytest.mark.parametrize("trusted", [False, True])
def test_another_schema_or_type_is_refused_by_both(
    records: list[PubmedRecord], trusted: bool
) -> None:
    """Trust never extends to another schema version or an unknown type."""
    data = _stored(records[0])
    data["schema"] = SCHEMA_VERSION + 1
    with pytest.raises(ParseError, match="schema"):
        record_from_dict(data, trusted=trusted)
    with pytest.raises(ParseError, match="unknown record type"):
        record_from_dict({"type": "nope", "schema": SCHEMA_VERSION}, trusted=trusted)


@pytest.mark.parametrize("trusted", [False, True])
def test_a_missing_required_field_or_a_bad_id_is_refused_by_both(trusted: bool) -> None:
    """Without a PMID, or with one that is not a string, neither read builds a record."""
    with pytest.raises(ParseError):
        record_from_dict({"type": "article", "schema": SCHEMA_VERSION}, trusted=trusted)
    with pytest.raises(ParseError):
        record_from_dict(
            {"type": "article", "schema": SCHEMA_VERSION, "pmid": ["99000001"]}, trusted=trusted
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("title", 5, id="int-for-str"),
        pytest.param("pmid_version", "2", id="str-for-int"),
        pytest.param("languages", "eng", id="str-for-list"),
        pytest.param("languages", ["eng", 3], id="int-in-str-list"),
        pytest.param("authors", [{"last_name": 1}], id="nested-wrong-scalar"),
        pytest.param("authors", ["Synthson"], id="str-for-object"),
        pytest.param("journal", {"title": "J", "colour": "red"}, id="unknown-nested-field"),
        pytest.param("colour", "red", id="unknown-field"),
        pytest.param("pub_date", {"year": 2020, "month": 13}, id="validator"),
        pytest.param("pmid", "abc", id="invalid-pmid"),
    ],
)
def test_checked_read_refuses_values_of_the_wrong_shape(field: str, value: Any) -> None:
    """The default read tests every field: a wrong type, an unknown field or a bad value."""
    data = {"type": "article", "schema": SCHEMA_VERSION, "pmid": "99000001", field: value}
    with pytest.raises(ParseError, match="cannot read"):
        record_from_dict(data)


def test_a_dict_of_the_first_schema_is_refused() -> None:
    """Records gained fields in schema 2: a version-1 dict (an old cache entry or mirror row)
    is a ParseError, never read with the new fields silently empty."""
    assert SCHEMA_VERSION == 2
    old = {"type": "article", "schema": 1, "pmid": "99000001"}
    for trusted in (False, True):
        with pytest.raises(ParseError, match="schema"):
            record_from_dict(old, trusted=trusted)
