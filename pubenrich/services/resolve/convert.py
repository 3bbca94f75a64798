"""Phase 2: PMCIDs, then DOIs, through the PMC ID converter (or the mirror), 200 to a request.

A DOI the converter does not know may still be in PubMed (papers outside PMC): its outcome
says so (``doi_unknown``) for the ``[doi]`` search that follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pubenrich.model.citation import Citation
from pubenrich.model.identifiers import DOI, PMCID, Identifier
from pubenrich.services.records import mapping_key
from pubenrich.services.resolve.outcome import Lookup, Outcome

__all__ = ["convert"]


def convert(
    lookup: Lookup, citations: Sequence[Citation], kind: Literal["pmcid", "doi"]
) -> list[Outcome]:
    """One outcome per citation for its ``kind`` of id (nothing for a citation without one)."""
    asked: dict[int, Identifier] = {}
    for index, citation in enumerate(citations):
        value = getattr(citation, kind)
        if value:
            asked[index] = PMCID(value) if kind == "pmcid" else DOI(value)
    if not asked:
        return [Outcome() for _ in citations]
    results = lookup.fetcher.mappings(list(asked.values()), refresh=lookup.refresh)
    outcomes = []
    for index, citation in enumerate(citations):
        ident = asked.get(index)
        if ident is None:
            outcomes.append(Outcome())
            continue
        result = results[mapping_key(ident)]
        if result.status == "found" and result.pmid is not None:
            by = "mirror" if result.source == "mirror" else "idconv"
            step = f"{by} {kind} {ident}: PMID {result.pmid.value}"
            outcomes.append(Outcome(steps=(step,), pmid=result.pmid.value, method=kind))
        elif result.status in ("error", "offline_miss") and result.error is not None:
            step = f"idconv {kind} {ident}: {result.status}"
            outcomes.append(Outcome(steps=(step,), error=result.error))
        else:
            outcomes.append(
                Outcome(
                    steps=(f"idconv {kind} {ident}: {result.status}",),
                    doi_unknown=kind == "doi",  # outside PMC: PubMed may still hold it
                    closed=kind == "pmcid" and not citation.doi,
                )
            )
    return outcomes
