"""What ``Enricher.enrich`` returns: the input, the canonical record, and how they compare.

Values only: the resolver fills them (:mod:`pubenrich.services.resolve`), the exporters and the
CLI read them, and neither needs the other's code to do so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

import attrs

from pubenrich.errors import PubenrichError
from pubenrich.model.citation import Citation, Role
from pubenrich.model.records import Article, BookArticle

__all__ = [
    "Candidate",
    "Conflict",
    "EnrichStatus",
    "EnrichedRecord",
    "Provenance",
    "RecordSource",
    "Route",
    "Score",
]

EnrichStatus = Literal[
    "enriched", "not_found", "ambiguous", "invalid_input", "error", "offline_miss", "multiple"
]
Provenance = Literal["input", "pubmed", "both"]
# Where a record came from: the local mirror, the cache, or E-utilities (asked during the run).
RecordSource = Literal["mirror", "cache", "eutils"]
_STATUSES = (
    "enriched",
    "not_found",
    "ambiguous",
    "invalid_input",
    "error",
    "offline_miss",
    "multiple",
)


@attrs.frozen
class Score:
    """How well one record matches a citation's cues: the total and each part, 0 to 1."""

    total: float
    parts: dict[str, float] = attrs.field(factory=dict, eq=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, rounded to 3 places."""
        return {
            "total": round(self.total, 3),
            "parts": {k: round(v, 3) for k, v in self.parts.items()},
        }


@attrs.frozen
class Candidate:
    """A PubMed record considered for a citation, with its score against the citation."""

    pmid: str
    score: Score
    title: str = ""
    year: int | None = None
    first_author: str | None = None
    journal: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "pmid": self.pmid,
            "score": self.score.to_dict(),
            "title": self.title,
            "year": self.year,
            "first_author": self.first_author,
            "journal": self.journal,
        }

    @classmethod
    def of(cls, record: Article | BookArticle, score: Score) -> Candidate:
        """The candidate for ``record`` scored ``score``."""
        first = record.authors[0] if record.authors else None
        journal = record.journal.title if record.journal is not None else None
        return cls(
            pmid=record.pmid.value,
            score=score,
            title=record.title,
            year=record.pub_date.year,
            first_author=(first.last_name or first.collective_name) if first else None,
            journal=journal,
        )


@attrs.frozen
class Route:
    """How an input was resolved to a PMID, and the evidence.

    Attributes:
        method: ``pmid`` (given in the input), ``pmcid`` or ``doi`` (mapped by the local
            mirror or the PMC ID converter), ``doi_search`` (PubMed ``[doi]`` search, checked
            against the record's DOI), ``citation_match`` (ECitMatch), ``search`` (cue search
            and scoring), or ``none``.
        steps: every lookup tried, in order, with its outcome (``"idconv doi: not in PMC"``).
        query: the search term that found the paper, for ``search``.
        score: the accepted candidate's score, for ``search`` and ``citation_match``.
    """

    method: str = "none"
    steps: tuple[str, ...] = ()
    query: str | None = None
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "method": self.method,
            "steps": list(self.steps),
            "query": self.query,
            "score": None if self.score is None else round(self.score, 3),
        }


@attrs.frozen
class Conflict:
    """A field on which the input and PubMed disagree; PubMed's value is the record's."""

    field: str
    input: Any
    pubmed: Any

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"field": self.field, "input": self.input, "pubmed": self.pubmed}


@attrs.frozen
class EnrichedRecord:
    """One input, enriched or with a clear status.

    Attributes:
        input: the text or partial record exactly as given.
        status: ``enriched`` (``article`` holds the paper); ``not_found`` (PubMed holds no
            paper that matches well enough: never the nearest wrong one); ``ambiguous``
            (several close candidates, ranked in ``candidates``); ``invalid_input`` (no
            identifier and too little to search on, or not a text or record); ``error``
            (NCBI or the network failed; ``error`` says how; retrying may help);
            ``multiple`` (the text cites several papers and none is its own, like a pasted
            reference list: each comes back in ``related``, in text order).
        citations: what :func:`~pubenrich.read_citations` found in a text input.
        citation: the citation this record is about (None for ``multiple`` and bad input).
        role: ``primary``, or for a record in ``related``, ``related`` or ``reference``.
        article: the canonical PubMed record, when enriched.
        error: what went wrong, for ``error`` and ``invalid_input``.
        candidates: records considered by a search, best first, with scores.
        route: how the paper was found.
        provenance: per field, ``input``, ``pubmed`` or ``both`` (they agree).
        source: where ``article`` came from: ``mirror`` (a local PubMed mirror), ``cache``
            or ``eutils``; None when there is no article.
        as_of: the date ``article`` holds for: the mirror's date (its last update file,
            else its build), the day the cache stored it, or the day E-utilities served it.
        conflicts: fields where the input and PubMed disagree.
        known_pmid: with ``offline_miss``, the PMID the input gave (or the cache mapped its id
            to) whose record is not in the cache; ``pmid`` returns it.
        related: papers the page names besides its own (similar, cited-by, references),
            each as its own record.
    """

    input: Any
    status: EnrichStatus = attrs.field(validator=attrs.validators.in_(_STATUSES))
    citations: tuple[Citation, ...] = ()
    citation: Citation | None = None
    role: Role = "primary"
    article: Article | BookArticle | None = None
    error: PubenrichError | None = attrs.field(default=None, eq=False)
    candidates: tuple[Candidate, ...] = ()
    route: Route = attrs.field(factory=Route)
    provenance: Mapping[str, Provenance] = attrs.field(factory=dict)
    conflicts: tuple[Conflict, ...] = ()
    related: tuple[EnrichedRecord, ...] = ()
    source: RecordSource | None = None
    as_of: date | None = None
    known_pmid: str | None = None

    @property
    def ok(self) -> bool:
        """True when the paper was found and fetched."""
        return self.status == "enriched"

    @property
    def pmid(self) -> str | None:
        """The PMID of the paper: its record's when enriched, else the one known without its
        record (``offline_miss``), else None."""
        return self.article.pmid.value if self.article is not None else self.known_pmid

    @property
    def retracted(self) -> bool:
        """True when PubMed marks the paper as retracted."""
        return self.article is not None and self.article.retraction.is_retracted

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the input is kept when it is JSON-ready, else its repr)."""
        data: dict[str, Any] = {
            "input": _json_ready(self.input),
            "status": self.status,
            "role": self.role,
            "pmid": self.pmid,
            "retracted": self.retracted,
            "article": self.article.to_dict() if self.article is not None else None,
            "error": None if self.error is None else f"{type(self.error).__name__}: {self.error}",
            "route": self.route.to_dict(),
            "provenance": dict(self.provenance),
            "source": self.source,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "conflicts": [c.to_dict() for c in self.conflicts],
            "candidates": [c.to_dict() for c in self.candidates],
            "citation": self.citation.to_dict() if self.citation is not None else None,
            "related": [r.to_dict() for r in self.related],
        }
        return data


def _json_ready(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if attrs.has(type(value)) and hasattr(value, "to_dict"):
        return value.to_dict()
    return repr(value)
