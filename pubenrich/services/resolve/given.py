"""Phase 1: a PMID the citation gives is taken as it is (its record is still fetched and
compared, later, like any other)."""

from __future__ import annotations

from collections.abc import Sequence

from pubenrich.model.citation import Citation
from pubenrich.model.identifiers import PMID
from pubenrich.services.resolve.outcome import Outcome

__all__ = ["take_given"]


def take_given(citations: Sequence[Citation]) -> list[Outcome]:
    """One outcome per citation: found by its own PMID, or nothing known yet."""
    outcomes = []
    for citation in citations:
        if citation.pmid:
            pmid = PMID(citation.pmid).value
            outcomes.append(Outcome(steps=(f"pmid {pmid}: given",), pmid=pmid, method="pmid"))
        else:
            outcomes.append(Outcome())
    return outcomes
