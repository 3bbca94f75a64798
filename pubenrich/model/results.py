"""The outcome of each input: a PMID's record (:class:`FetchResult`) or an id's mapping
(:class:`ConvertResult`).

Plain values, so the services that make them, the enricher that folds them and the users who
read them share one definition without importing any of the machinery behind them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import attrs

from pubenrich.errors import PubenrichError
from pubenrich.model.enriched import RecordSource
from pubenrich.model.identifiers import DOI, PMCID, PMID
from pubenrich.model.records import PubmedRecord

__all__ = ["ConvertResult", "ConvertStatus", "FetchResult", "FetchStatus"]

FetchStatus = Literal["found", "deleted", "not_found", "invalid", "error", "offline_miss"]
ConvertStatus = Literal["found", "not_in_pmc", "invalid", "error", "offline_miss"]


@attrs.frozen
class FetchResult:
    """The outcome of fetching one input PMID.

    Attributes:
        input: the input exactly as given.
        pmid: the normalized PMID, or None when the input was not a valid PMID.
        status: ``found`` (``record`` holds it), ``deleted`` (NCBI listed it as deleted),
            ``not_found`` (PubMed holds no such PMID), ``invalid`` (not a PMID),
            ``error`` (NCBI or the network failed; ``error`` says how), ``offline_miss``
            (offline mode and not cached).
        record: the parsed record, when found.
        error: what went wrong, for ``invalid``, ``error`` and ``offline_miss``.
        from_cache: the answer came from the cache, with no request.
        source: where the answer (``found``, ``deleted`` or ``not_found``) came from:
            ``mirror`` (the local mirror), ``cache``, or ``eutils`` (asked now); None when
            there is no answer (``invalid``, ``error``, ``offline_miss``).
        as_of: the date the answer holds for: the mirror's date (its last update file, else
            its build), the day the cache stored it, or today for E-utilities.
    """

    input: Any
    pmid: PMID | None
    status: FetchStatus
    record: PubmedRecord | None = None
    error: PubenrichError | None = attrs.field(default=None, eq=False)
    from_cache: bool = False
    source: RecordSource | None = None
    as_of: date | None = None

    @property
    def ok(self) -> bool:
        """True when the record was found."""
        return self.status == "found"


@attrs.frozen
class ConvertResult:
    """The outcome of converting one input id with the PMC ID converter.

    Attributes:
        input: the input exactly as given.
        kind: ``pmid``, ``pmcid`` or ``doi``, or None when the input is none of them.
        status: ``found``; ``not_in_pmc`` (a valid id that PMC does not hold: the converter
            knows only PMC articles); ``invalid`` (not an id, or refused by NCBI as one);
            ``error``; ``offline_miss``.
        pmid, pmcid, doi: the ids of the article, each when known.
        error: what went wrong, for ``invalid``, ``error`` and ``offline_miss``.
        from_cache: the answer came from the cache, with no request.
        source: where the answer (``found`` or ``not_in_pmc``) came from: ``mirror`` (the
            local mirror's id indexes), ``cache`` or ``eutils``; None when there is none.
        as_of: the date the answer holds for: the mirror's date, the day the cache stored it,
            or today for the PMC ID converter; None when there is no answer.
    """

    input: Any
    kind: Literal["pmid", "pmcid", "doi"] | None
    status: ConvertStatus
    pmid: PMID | None = None
    pmcid: PMCID | None = None
    doi: DOI | None = None
    error: PubenrichError | None = attrs.field(default=None, eq=False)
    from_cache: bool = False
    source: RecordSource | None = None
    as_of: date | None = None
