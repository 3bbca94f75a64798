"""The fake's data: a deterministic, clearly synthetic PubMed, and its records in NCBI's XML.

Every record is made from a seed and its PMID alone, so a test, a benchmark and the mirror's
test files all see the same records without storing any, and none can be mistaken for a real
paper (titles say so, DOIs live under the test prefix 10.5555/).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

import attrs

__all__ = ["JOURNALS", "PUBMED_DOCTYPE", "Author", "SyntheticRecord", "SyntheticUniverse"]


def _split_words(text: str) -> tuple[str, ...]:
    """Word lists read best as text."""
    return tuple(text.split())


_WORDS = _split_words(
    "alpha beta gamma delta kappa lambda sigma omega vector matrix lattice signal "
    "cohort pathway kinase receptor marker model sample assay factor protein channel "
    "membrane enzyme ligand cluster network gradient tensor"
)
_LAST = _split_words(
    "Synthson Fakeley Placeholder Mockwell Testerman Dummit Samplers Stubbe Proxima "
    "Imitato Fabrico Simulon"
)
_FORE = _split_words("Ada Bo Cy Dee Eli Fay Gus Hal Ivy Jo Kit Lu")
JOURNALS = (
    ("Journal of Synthetic Records", "J Synth Rec", "9999-0001"),
    ("Synthetic Biology Placeholder Letters", "Synth Biol Placeholder Lett", "9999-0002"),
    ("Fictional Medicine Review", "Fict Med Rev", "9999-0003"),
    ("Test Data Annals", "Test Data Ann", "9999-0004"),
    ("Imaginary Clinical Studies", "Imag Clin Stud", "9999-0005"),
)
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_PMC_OFFSET = 90000001  # beyond real PMCIDs, so no synthetic id names a real paper

# The DOCTYPE of NCBI's PubMed XML, efetch's and the baseline files' alike.
PUBMED_DOCTYPE = (
    '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">'
)
_EFETCH_HEAD = f'<?xml version="1.0" ?>\n{PUBMED_DOCTYPE}\n<PubmedArticleSet>'.encode()
_EFETCH_TAIL = b"</PubmedArticleSet>"


@attrs.frozen
class Author:
    """A synthetic author."""

    last: str
    fore: str
    initials: str


@attrs.frozen
class SyntheticRecord:
    """The facts of one synthetic PubMed record."""

    pmid: str
    title: str
    authors: tuple[Author, ...]
    journal: str
    iso_abbreviation: str
    issn: str
    year: int
    month: str
    volume: str
    issue: str
    pages: str
    doi: str | None
    pmcid: str | None

    @property
    def first_page(self) -> str:
        """The first page of :attr:`pages`."""
        return self.pages.split("-")[0]


class SyntheticUniverse:
    """A deterministic, clearly synthetic PubMed of ``size`` consecutive PMIDs.

    Each PMID's facts come from a random generator seeded by ``(seed, pmid)``, so a record
    never depends on which others were asked for. About 2% of the PMIDs are unknown, about
    90% of the records have a DOI ``10.5555/synthetic.<pmid>`` and about 60% are in PMC with
    PMCID ``PMC<pmid - first_pmid + 90000001>``. Both ranges lie beyond every real PMID and
    PMCID, so no synthetic id can be mistaken for a real paper.

    Args:
        size: how many consecutive PMIDs the universe spans.
        seed: the seed of every fact.
        first_pmid: the first PMID of the span.
    """

    def __init__(self, size: int = 1000, seed: int = 0, first_pmid: int = 98000001) -> None:
        if size < 1 or first_pmid < 1:
            raise ValueError("size and first_pmid must be positive")
        self.size = size
        self.seed = seed
        self.first_pmid = first_pmid
        self._cache: dict[int, SyntheticRecord | None] = {}
        self._all: tuple[SyntheticRecord, ...] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SyntheticUniverse(size={self.size}, seed={self.seed}, first={self.first_pmid})"

    def _rng(self, pmid: int) -> random.Random:
        return random.Random(f"pubenrich-synthetic:{self.seed}:{pmid}")  # noqa: S311 - not secret

    def _number(self, pmid: Any) -> int | None:
        try:
            number = int(str(pmid).strip())
        except ValueError:
            return None
        if not self.first_pmid <= number < self.first_pmid + self.size:
            return None
        return number

    def _build(self, number: int) -> SyntheticRecord | None:
        rng = self._rng(number)
        if rng.random() < 0.02:
            return None
        has_doi = rng.random() < 0.90
        in_pmc = rng.random() < 0.60
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 7)))
        authors = []
        for _ in range(rng.randint(1, 6)):
            fore = rng.choice(_FORE)
            initial = rng.choice("ABCDEFGHJKLMNPRSTW")
            authors.append(Author(rng.choice(_LAST), f"{fore} {initial}", f"{fore[0]}{initial}"))
        journal, iso, issn = rng.choice(JOURNALS)
        first = rng.randint(1, 2000)
        return SyntheticRecord(
            pmid=str(number),
            title=f"Synthetic record {number}: {words}.",
            authors=tuple(authors),
            journal=journal,
            iso_abbreviation=iso,
            issn=issn,
            year=rng.randint(1990, 2024),
            month=rng.choice(_MONTHS),
            volume=str(rng.randint(1, 80)),
            issue=str(rng.randint(1, 12)),
            pages=f"{first}-{first + rng.randint(0, 20)}",
            doi=f"10.5555/synthetic.{number}" if has_doi else None,
            pmcid=f"PMC{number - self.first_pmid + _PMC_OFFSET}" if in_pmc else None,
        )

    def record(self, pmid: Any) -> SyntheticRecord | None:
        """The record of ``pmid``, or ``None`` when the PMID is unknown."""
        number = self._number(pmid)
        if number is None:
            return None
        with self._lock:
            if number not in self._cache:
                self._cache[number] = self._build(number)
            return self._cache[number]

    def exists(self, pmid: Any) -> bool:
        """Whether ``pmid`` is a known record."""
        return self.record(pmid) is not None

    def pmids(self) -> list[str]:
        """Every known PMID, ascending."""
        return [rec.pmid for rec in self.records()]

    def records(self) -> Iterable[SyntheticRecord]:
        """Every known record, ascending by PMID.

        Built once, under the lock, and then read without it: the fake's searches scan every
        record, and several at once each taking the lock per record queued past a client's
        read timeout when the machine was slow.
        """
        with self._lock:
            if self._all is None:
                span = range(self.first_pmid, self.first_pmid + self.size)
                for n in span:
                    if n not in self._cache:
                        self._cache[n] = self._build(n)
                self._all = tuple(rec for n in span if (rec := self._cache[n]) is not None)
            return iter(self._all)

    def pmid_for_doi(self, doi: str) -> str | None:
        """The PMID whose DOI is ``doi`` (any case), or ``None``."""
        prefix = "10.5555/synthetic."
        text = doi.strip().lower()
        if not text.startswith(prefix):
            return None
        rec = self.record(text[len(prefix) :])
        return rec.pmid if rec is not None and rec.doi is not None else None

    def pmid_for_pmcid(self, pmcid: str) -> str | None:
        """The PMID of PMC record ``pmcid`` (``PMC123`` or ``123``), or ``None``."""
        text = pmcid.strip().upper().removeprefix("PMC").split(".")[0]
        if not text.isdigit():
            return None
        rec = self.record(int(text) - _PMC_OFFSET + self.first_pmid)
        return rec.pmid if rec is not None and rec.pmcid is not None else None

    def article_xml(self, rec: SyntheticRecord) -> str:
        """One ``<PubmedArticle>`` as NCBI's efetch writes it (no whitespace between tags)."""
        e = escape
        authors = "".join(
            f'<Author ValidYN="Y"><LastName>{e(a.last)}</LastName><ForeName>{e(a.fore)}'
            f"</ForeName><Initials>{e(a.initials)}</Initials></Author>"
            for a in rec.authors
        )
        doi_loc = (
            f'<ELocationID EIdType="doi" ValidYN="Y">{e(rec.doi)}</ELocationID>' if rec.doi else ""
        )
        ids = f'<ArticleId IdType="pubmed">{rec.pmid}</ArticleId>'
        if rec.doi:
            ids += f'<ArticleId IdType="doi">{e(rec.doi)}</ArticleId>'
        if rec.pmcid:
            ids += f'<ArticleId IdType="pmc">{rec.pmcid}</ArticleId>'
        month = f"{_MONTHS.index(rec.month) + 1:02d}"
        return (
            '<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
            f'<PMID Version="1">{rec.pmid}</PMID>'
            '<Article PubModel="Print"><Journal>'
            f'<ISSN IssnType="Print">{rec.issn}</ISSN>'
            f'<JournalIssue CitedMedium="Print"><Volume>{rec.volume}</Volume>'
            f"<Issue>{rec.issue}</Issue><PubDate><Year>{rec.year}</Year>"
            f"<Month>{rec.month}</Month></PubDate></JournalIssue>"
            f"<Title>{e(rec.journal)}</Title><ISOAbbreviation>{e(rec.iso_abbreviation)}"
            "</ISOAbbreviation></Journal>"
            f"<ArticleTitle>{e(rec.title)}</ArticleTitle>"
            f"<Pagination><MedlinePgn>{rec.pages}</MedlinePgn></Pagination>{doi_loc}"
            f'<AuthorList CompleteYN="Y">{authors}</AuthorList><Language>eng</Language>'
            '<PublicationTypeList><PublicationType UI="D016428">Journal Article'
            "</PublicationType></PublicationTypeList></Article>"
            "<MedlineJournalInfo><Country>Synthetic</Country>"
            f"<MedlineTA>{e(rec.iso_abbreviation)}</MedlineTA>"
            f"<NlmUniqueID>99{rec.issn[-4:]}</NlmUniqueID>"
            f"<ISSNLinking>{rec.issn}</ISSNLinking></MedlineJournalInfo></MedlineCitation>"
            '<PubmedData><History><PubMedPubDate PubStatus="pubmed">'
            f"<Year>{rec.year}</Year><Month>{month}</Month><Day>1</Day></PubMedPubDate>"
            '<PubMedPubDate PubStatus="medline">'
            f"<Year>{rec.year}</Year><Month>{month}</Month><Day>2</Day></PubMedPubDate>"
            "</History><PublicationStatus>ppublish</PublicationStatus>"
            f"<ArticleIdList>{ids}</ArticleIdList></PubmedData></PubmedArticle>"
        )

    def efetch_xml(self, pmids: Iterable[Any]) -> bytes:
        """NCBI's efetch PubMed XML for ``pmids``: unknown ones omitted, order kept.

        An empty set is ``<PubmedArticleSet></PubmedArticleSet>`` after the prolog, as NCBI
        sends it; records are joined with no newline and the body has no trailing newline.
        """
        parts = [self.article_xml(rec) for rec in map(self.record, pmids) if rec is not None]
        return _EFETCH_HEAD + "".join(parts).encode("utf-8") + _EFETCH_TAIL
