"""Helpers for the HTTP scenarios: a fake clock and synthetic NCBI bodies (hand-built in NCBI's
real layouts, with synthetic PMIDs 99000001+ and titles saying so)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ncbi"
EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
IDCONV = "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/"
API_KEY = "SECRETKEY0123456789abcdef"
EMAIL = "tester@example.org"


class FakeClock:
    """A monotonic clock that moves only when something sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(round(seconds, 6))
            self.now += seconds


def fixture_bytes(name: str) -> bytes:
    """A hand-built fixture of tests/fixtures/ncbi (see the README there)."""
    return (FIXTURES / name).read_bytes()


def efetch_body(pmids: Iterable[str], deleted: Iterable[str] = ()) -> bytes:
    """A synthetic PubMed efetch reply in NCBI's 2025 layout: records concatenated, no newline
    between them, none after the closing tag; ``deleted`` PMIDs in one DeleteCitation."""
    records = "".join(
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
        f'<PMID Version="1">{pmid}</PMID><Article PubModel="Print"><ArticleTitle>'
        f"Synthetic record for parser tests: {pmid}.</ArticleTitle></Article></MedlineCitation>"
        f"</PubmedArticle>"
        for pmid in pmids
    )
    if gone := "".join(f'<PMID Version="1">{pmid}</PMID>' for pmid in deleted):
        records += f"<DeleteCitation>{gone}</DeleteCitation>"
    return (
        '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
        '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
        f"<PubmedArticleSet>{records}</PubmedArticleSet>"
    ).encode()


def esummary_body(known: Iterable[str], unknown: Iterable[str] = ()) -> bytes:
    """A synthetic ESummary JSON v0.3 reply (4-space indents): ``known`` uids get a summary,
    ``unknown`` ones NCBI's ``"error": "cannot get document summary"``."""
    known, unknown = list(known), list(unknown)
    result: dict[str, Any] = {"uids": known + unknown}
    for uid in known:
        result[uid] = {"uid": uid, "title": f"Synthetic record for parser tests: {uid}."}
    for uid in unknown:
        result[uid] = {"uid": uid, "error": "cannot get document summary"}
    data = {"header": {"type": "esummary", "version": "0.3"}, "result": result}
    return json.dumps(data, indent=4).encode()


def esearch_body(count: int, ids: Iterable[str], retstart: int = 0) -> bytes:
    """A synthetic ESearch XML reply."""
    ids = list(ids)
    id_list = "".join(f"<Id>{i}</Id>\n" for i in ids)
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD '
        'esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">'
        f"\n<eSearchResult><Count>{count}</Count><RetMax>{len(ids)}</RetMax>"
        f"<RetStart>{retstart}</RetStart><IdList>\n{id_list}</IdList><TranslationSet/>"
        "<QueryTranslation>synthetic[All Fields]</QueryTranslation></eSearchResult>\n"
    ).encode()


def synthetic_pmids(n: int, start: int = 99_000_001) -> list[str]:
    """``n`` PMIDs in the synthetic range 99000001+."""
    return [str(start + i) for i in range(n)]
