"""Properties of extraction that hold for any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pubenrich.model.identifiers import DOI, PMCID, PMID
from pubenrich.text.extract import extract

# Text built from the pieces identifiers are made of, so that the extractor's paths run.
_PIECES = st.sampled_from(
    [
        "PMID",
        "PMC",
        "doi:",
        "10.",
        "5555",
        "/",
        "(",
        ")",
        "<",
        ">",
        "&lt;",
        "-",
        "\n",
        " ",
        ".",
        "0",
        "123",
        "https://doi.org/",
        "%2F",
        "\u00ad",
        "\u200b",
        "\u00a0",
        "\r\n",
        "ｘ",
        "１",
    ]
)
_TEXT = st.one_of(st.text(), st.lists(_PIECES, max_size=40).map("".join))


@given(_TEXT)
@settings(max_examples=300)
def test_extract_never_raises_and_spans_slice_back(text: str) -> None:
    """Any str extracts without error and every span slices back to its raw text."""
    for mention in extract(text):
        assert text[mention.start : mention.end] == mention.raw
        assert mention.identifier is not None


@given(_TEXT)
@settings(max_examples=300)
def test_mentions_come_in_text_order(text: str) -> None:
    """Mentions are ordered by where they start."""
    starts = [m.start for m in extract(text)]
    assert starts == sorted(starts)


@given(_TEXT)
@settings(max_examples=200)
def test_extracted_values_are_normalized(text: str) -> None:
    """Each value is already in its normal form: normalizing it again changes nothing."""
    for mention in extract(text):
        kind = {"pmid": PMID, "pmcid": PMCID, "doi": DOI}[mention.kind]
        assert kind(mention.value).value == mention.value


@given(st.integers(min_value=1, max_value=99_999_999))
def test_pmid_normalize_is_idempotent(number: int) -> None:
    """PMID(PMID(x).value) == PMID(x) for any valid number, with or without leading zeros."""
    once = PMID("PMID: 00" + str(number))
    assert PMID(once.value) == once
    assert once.value == str(number)


@given(st.from_regex(r"10\.[0-9]{4,6}/[A-Za-z0-9._;:\-]{0,30}[A-Za-z0-9]", fullmatch=True))
def test_doi_normalize_is_idempotent(doi: str) -> None:
    """DOI(DOI(x).value) == DOI(x), and the DOI extracts from a sentence unchanged."""
    once = DOI("doi: " + doi + ".")
    assert DOI(once.value).value == once.value
    assert [m.value for m in extract(f"See doi:{doi}. Next")] == [once.value]


def test_megabyte_of_adversarial_text_is_fast() -> None:
    """A 1 MB run of near-identifiers extracts in well under five seconds (linear time guard)."""
    import time

    text = ("10.1234/" + "(" * 50 + "PMC" + "9" * 20 + " doi:10. PMID " + "1" * 12) * 9000
    text = text[:1_000_000]
    started = time.perf_counter()
    extract(text)
    assert time.perf_counter() - started < 5.0
