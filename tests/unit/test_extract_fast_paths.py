"""The small patterns for common forms read every text exactly as the full path does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pubenrich.text.extract import _extract

_PIECES = st.sampled_from(
    [
        "PMID: ",
        "PMID:",
        "pmid ",
        "PMCID: ",
        "PMC",
        "PMC ",
        "doi: ",
        "DOI:",
        "doi:",
        "10.5555/",
        "10.1101/",
        "10.2021/",
        "10.244.0.0/",
        "x.",
        "Abstract",
        "v2",
        ".full",
        "0",
        "04",
        "123",
        "99000001",
        "2019",
        ".",
        ",",
        ";",
        ":",
        " and ",
        " ",
        "\n",
        "(",
        ")",
        "[",
        "]",
        "-",
        "/",
        "<",
        ">",
        "&lt;",
        "%3C",
        "\u00a0",
        "１",
    ]
)
_TEXT = st.lists(_PIECES, max_size=30).map("".join)


@given(_TEXT)
@settings(max_examples=400)
def test_fast_and_full_paths_agree(text: str) -> None:
    """extract() with the small patterns returns the same mentions as without them."""
    assert _extract(text, fast=True) == _extract(text, fast=False)


def test_fast_paths_agree_on_a_reference_list() -> None:
    """A reference-list line with every common form reads the same on both paths."""
    text = (
        "1. Synthetic A. Title. J Synth. 2019;12(3):145-156. doi: 10.5555/jsb.2019.00001. "
        "PMID: 99000001; PMCID: PMC9000001.\nhttps://doi.org/10.5555/ABC.123 PMC9000002"
    )
    assert _extract(text, fast=True) == _extract(text, fast=False)
    assert len(_extract(text, fast=True)) == 5
