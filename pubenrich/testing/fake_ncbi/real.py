"""The fake's real-records mode: real PubMed records (read from files of efetch XML) served as
they are, so that searching and citation matching can be measured on real titles, authors and
journals without NCBI.

:class:`RealUniverse` stands where a :class:`SyntheticUniverse` stands (the server and its
endpoints take either): efetch returns each record's own XML, byte for byte as it was in its
file; esummary, elink and the ID converter answer from the parsed record; esearch and ECitMatch
are answered by :mod:`~pubenrich.testing.fake_ncbi.pubmed_query`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pubenrich.formats.pubmed_xml import parse_pubmed_xml
from pubenrich.model.records import Article
from pubenrich.testing.fake_ncbi.pubmed_query import build_index
from pubenrich.testing.fake_ncbi.universe import (
    PUBMED_DOCTYPE,
    Author,
    SyntheticRecord,
    SyntheticUniverse,
)

__all__ = ["RealUniverse", "load_articles"]

_ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.DOTALL)
_HEAD = f'<?xml version="1.0" ?>\n{PUBMED_DOCTYPE}\n<PubmedArticleSet>'.encode()
_TAIL = b"</PubmedArticleSet>"
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def load_articles(paths: Iterable[Path]) -> list[tuple[Article, bytes]]:
    """Every ``<PubmedArticle>`` of the files with its own XML, first copy of a PMID kept."""
    seen: set[str] = set()
    found: list[tuple[Article, bytes]] = []
    for path in sorted(paths):
        for match in _ARTICLE.finditer(path.read_bytes()):
            xml = match.group()
            for record in parse_pubmed_xml(_HEAD + xml + _TAIL):
                if isinstance(record, Article) and record.pmid.value not in seen and record.title:
                    seen.add(record.pmid.value)
                    found.append((record, xml))
    return found


def _summary_record(article: Article) -> SyntheticRecord:
    """The facts esummary, elink and idconv need, in the synthetic record's shape."""
    journal = article.journal
    authors = tuple(
        Author(a.last_name or a.collective_name or "", a.fore_name or "", a.initials or "")
        for a in article.authors
    )
    month = article.pub_date.month
    return SyntheticRecord(
        pmid=article.pmid.value,
        title=article.title,
        authors=authors or (Author("", "", ""),),
        journal=(journal.title if journal else None) or "",
        iso_abbreviation=(journal.iso_abbreviation if journal else None) or "",
        issn=(journal.issn_print or journal.issn_electronic or "" if journal else ""),
        year=article.pub_date.year or 0,
        month=_MONTHS[month - 1] if month else "Jan",
        volume=(journal.volume if journal else None) or "",
        issue=(journal.issue if journal else None) or "",
        pages=(journal.pages if journal else None) or "",
        doi=article.doi.value if article.doi else None,
        pmcid=article.pmcid.value if article.pmcid else None,
    )


class RealUniverse(SyntheticUniverse):
    """Real PubMed records served by the fake, optionally without some (papers "PubMed lacks").

    Args:
        articles: the records and their XML, as :func:`load_articles` reads them.
        withheld: PMIDs not to serve.
    """

    def __init__(
        self, articles: Sequence[tuple[Article, bytes]], withheld: Iterable[str] = ()
    ) -> None:
        super().__init__(size=1)
        skip = set(withheld)
        kept = [(a, x) for a, x in articles if a.pmid.value not in skip]
        self.articles: dict[str, Article] = {a.pmid.value: a for a, _ in kept}
        self._xml = {a.pmid.value: x for a, x in kept}
        self.index = build_index(self.articles)
        self._records = {pmid: _summary_record(a) for pmid, a in self.articles.items()}
        self._dois = {
            a.doi.value.lower(): pmid for pmid, a in self.articles.items() if a.doi is not None
        }
        self._pmcids = {a.pmcid.value.upper(): pmid for pmid, a in self.articles.items() if a.pmcid}

    def __repr__(self) -> str:
        return f"RealUniverse({len(self.articles)} records)"

    def record(self, pmid: Any) -> SyntheticRecord | None:
        """The served record's facts, or None."""
        return self._records.get(str(pmid).strip())

    def records(self) -> Iterable[SyntheticRecord]:
        """Every served record, ascending by PMID."""
        return iter([self._records[p] for p in sorted(self._records, key=int)])

    def pmid_for_doi(self, doi: str) -> str | None:
        """The PMID whose DOI is ``doi`` (any case), or ``None``."""
        return self._dois.get(doi.strip().lower())

    def pmid_for_pmcid(self, pmcid: str) -> str | None:
        """The PMID of PMC record ``pmcid`` (``PMC123`` or ``123``), or ``None``."""
        text = pmcid.strip().upper().split(".")[0]
        return self._pmcids.get(text if text.startswith("PMC") else f"PMC{text}")

    def efetch_xml(self, pmids: Iterable[Any]) -> bytes:
        """The records' own XML in efetch's envelope, unknown ones omitted, order kept."""
        parts = [self._xml[p] for p in (str(i).strip() for i in pmids) if p in self._xml]
        return _HEAD + b"".join(parts) + _TAIL
