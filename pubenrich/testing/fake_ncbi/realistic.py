"""The fake's realistic mode: any number of distinct PMIDs whose efetch XML is a real record's.

Benchmarks need thousands of records shaped like real ones (reference lists, MeSH, grants,
several affiliations an author), not the light synthetic ones, and :class:`~.real.RealUniverse`
serves only the few hundred real samples under their own PMIDs. :class:`RealisticUniverse`
serves ``size`` consecutive PMIDs from ``first_pmid`` on (beyond every real PMID); PMID ``n``
gets the XML of template ``(n - first_pmid) % len(templates)`` with the record's own PMID (in
``MedlineCitation`` and in ``PubmedData``'s id list) replaced by ``n``. Everything else, DOIs
included, is the real record's: these bodies are benchmark input, never records to cite.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from pubenrich.model.records import Article
from pubenrich.testing.fake_ncbi.real import _HEAD, _TAIL, _summary_record
from pubenrich.testing.fake_ncbi.universe import SyntheticRecord, SyntheticUniverse

__all__ = ["RealisticUniverse", "renumber_parts"]

_OWN_PMID = re.compile(rb"<MedlineCitation[^>]*>\s*<PMID[^>]*>(\d+)</PMID>")
# PubmedData's first ArticleIdList is the record's own (History holds none; references follow).
_OWN_IDS = re.compile(rb"<PubmedData>.*?<ArticleIdList>(.*?)</ArticleIdList>", re.DOTALL)
_PUBMED_ID = re.compile(rb'<ArticleId IdType="pubmed">(\d+)</ArticleId>')


def renumber_parts(xml: bytes) -> tuple[bytes, ...]:
    """``xml`` cut at its own PMID's places: joining the parts with a PMID renumbers it.

    Raises:
        ValueError: the record has no ``MedlineCitation/PMID``.
    """
    head = _OWN_PMID.search(xml)
    if head is None:
        raise ValueError("record without MedlineCitation/PMID")
    spans = [head.span(1)]
    ids = _OWN_IDS.search(xml, head.end())
    own = _PUBMED_ID.search(ids.group(1)) if ids else None
    if ids is not None and own is not None and own.group(1) == head.group(1):
        start = ids.start(1)
        spans.append((start + own.start(1), start + own.end(1)))
    parts, last = [], 0
    for begin, end in spans:
        parts.append(xml[last:begin])
        last = end
    parts.append(xml[last:])
    return tuple(parts)


class RealisticUniverse(SyntheticUniverse):
    """``size`` PMIDs served as renumbered copies of real records, round robin.

    Args:
        articles: real records and their XML, as :func:`~.real.load_articles` reads them.
        size: how many consecutive PMIDs to serve.
        first_pmid: the first of them.
    """

    def __init__(
        self, articles: Sequence[tuple[Article, bytes]], size: int, first_pmid: int = 90_000_000
    ) -> None:
        if not articles:
            raise ValueError("a realistic universe needs at least one real record")
        super().__init__(size=size, first_pmid=first_pmid)
        self.templates = [renumber_parts(xml) for _, xml in articles]
        self._summaries = [_summary_record(article) for article, _ in articles]

    def __repr__(self) -> str:
        return f"RealisticUniverse({self.size} PMIDs from {len(self.templates)} real records)"

    def _template(self, number: int) -> int:
        return (number - self.first_pmid) % len(self.templates)

    def _build(self, number: int) -> SyntheticRecord | None:
        summary = self._summaries[self._template(number)]
        # The real record's ids would point two PMIDs at one DOI/PMCID: drop them.
        return attrs.evolve(summary, pmid=str(number), doi=None, pmcid=None)

    def exists(self, pmid: Any) -> bool:
        """Every PMID of the span is served."""
        return self._number(pmid) is not None

    def pmid_for_doi(self, doi: str) -> str | None:
        """The real DOIs are shared by many renumbered copies: none is answered."""
        return None

    def pmid_for_pmcid(self, pmcid: str) -> str | None:
        """As for DOIs: no PMCID is answered."""
        return None

    def efetch_xml(self, pmids: Iterable[Any]) -> bytes:
        """The renumbered records in efetch's envelope, unknown ones omitted, order kept."""
        out = [_HEAD]
        for pmid in pmids:
            number = self._number(pmid)
            if number is not None:
                out.append(str(number).encode().join(self.templates[self._template(number)]))
        out.append(_TAIL)
        return b"".join(out)
