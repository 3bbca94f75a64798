"""The pieces the refactor named: resolver outcomes fold in order, query terms, shared rules."""

from __future__ import annotations

from pubenrich.errors import NcbiError
from pubenrich.formats.medline import read_tags
from pubenrich.model.enriched import Candidate, Score
from pubenrich.model.identifiers import DOI, strip_doi_tail, unbalanced_closer
from pubenrich.ncbi.queries import doi_term
from pubenrich.services.resolve.outcome import Outcome
from pubenrich.text.stopwords import FUNCTION_WORDS, TOPIC_STOP


def test_outcomes_fold_in_order_and_keep_the_first_score_of_a_candidate() -> None:
    first = Candidate("99000001", Score(0.4))
    again = Candidate("99000001", Score(0.9))
    other = Candidate("99000002", Score(0.7))
    earlier = Outcome(steps=("idconv doi 10.5555/x: not_found",), doi_unknown=True)
    later = Outcome(steps=("search title: 2 hits",), candidates=(first,))
    last = Outcome(candidates=(again, other), pmid="99000002", method="search", score=0.7)
    folded = earlier.then(later).then(last)
    assert folded.steps == ("idconv doi 10.5555/x: not_found", "search title: 2 hits")
    assert folded.candidates == (first, other)
    assert (folded.pmid, folded.method, folded.score, folded.doi_unknown) == (
        "99000002",
        "search",
        0.7,
        True,
    )
    assert not folded.open


def test_an_outcome_with_an_error_or_closed_is_not_open() -> None:
    assert Outcome().open
    assert not Outcome(error=NcbiError("down")).open
    assert not Outcome(closed=True).open


def test_doi_term_or_joins_the_doi_field() -> None:
    dois = [DOI("10.5555/A"), DOI("doi:10.5555/b.")]
    assert doi_term(dois) == '"10.5555/A"[doi] OR "10.5555/b"[doi]'


def test_the_doi_tail_rule_keeps_balanced_brackets() -> None:
    assert strip_doi_tail("10.1016/S0140-6736(20)30183-5).") == "10.1016/S0140-6736(20)30183-5"
    assert unbalanced_closer("10.5555/x)")
    assert not unbalanced_closer("10.5555/(x)")


def test_topic_stop_words_extend_the_function_words() -> None:
    assert FUNCTION_WORDS < TOPIC_STOP
    assert "study" in TOPIC_STOP
    assert "study" not in FUNCTION_WORDS


def test_read_tags_joins_continuation_lines_and_needs_three_tags() -> None:
    text = "TI  - A synthetic\n      title\nAU  - Example B\nDP  - 2019\n"
    assert read_tags(text) == {"TI": ["A synthetic title"], "AU": ["Example B"], "DP": ["2019"]}
    assert read_tags("TI  - only\nAU  - two") == {}
