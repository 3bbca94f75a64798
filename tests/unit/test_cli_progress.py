"""The enrich progress line: bar, counts, rate and time left."""

from __future__ import annotations

from collections.abc import Iterator

from pubenrich.cli.progress import progress_line
from pubenrich.services.enricher import Progress


def test_bar_fills_with_the_share_of_inputs_done() -> None:
    """A quarter done fills a quarter of the bar and estimates the rest from the rate."""
    line = progress_line(Progress(250, {"efetch": 3, "esearch": 2}), 1000, 10.0, width=8)
    assert line == "[##------]  25% 250/1,000 inputs, 5 requests, 25.0 inputs/s, 0:30 left"


def test_unknown_total_gives_counts_without_a_bar() -> None:
    """Without a total there is nothing to fill: counts and rate only."""
    assert progress_line(Progress(40, {"efetch": 1}), None, 2.0) == (
        "40 inputs, 1 requests, 20.0 inputs/s"
    )


def test_long_runs_show_hours() -> None:
    """Time left past an hour reads h:mm:ss."""
    line = progress_line(Progress(1, {}), 10_000, 1.0)
    assert line.endswith("2:46:39 left")


def test_a_failure_midway_says_the_output_is_incomplete() -> None:
    """Records already written stay, and the error says how many made it."""
    import io

    import pytest

    from pubenrich import EnrichedRecord
    from pubenrich.cli.main import _emit, _Failure
    from pubenrich.errors import CacheError

    def records() -> Iterator[EnrichedRecord]:
        yield EnrichedRecord(input="PMID 1", status="not_found")
        raise CacheError("cache file is corrupt")

    out = io.StringIO()
    with pytest.raises(_Failure, match=r"corrupt \(output incomplete: 1 inputs written\)"):
        _emit(records(), "jsonl", out)
    assert out.getvalue().count("\n") == 1
