"""The fake's PubMed search (esearch's terms) and citation matching (ecitmatch's lines).

A :class:`~.real.RealUniverse` (real records) is searched with PubMed's query language by
:mod:`~.pubmed_query`; for the synthetic universe, enough of it for the client's own queries:
``AND``/``OR`` groups and the field tags it sends; anything else matches nothing, as an unknown
phrase does at NCBI.
"""

from __future__ import annotations

from pubenrich.testing.fake_ncbi.pubmed_query import real_citmatch, real_search
from pubenrich.testing.fake_ncbi.real import RealUniverse
from pubenrich.testing.fake_ncbi.universe import JOURNALS, SyntheticUniverse

__all__ = ["citmatch", "search"]


def citmatch(
    universe: SyntheticUniverse, *, journal: str, year: str, volume: str, page: str, author: str
) -> str:
    """ECitMatch's answer for one line: the PMID, ``AMBIGUOUS`` or ``NOT_FOUND``."""
    if isinstance(universe, RealUniverse):
        fields = {"journal": journal, "year": year, "volume": volume, "page": page}
        return real_citmatch(universe.index, author=author, **fields)
    journals = {j.lower() for row in JOURNALS for j in row[:2]}
    if journal not in journals:
        return "NOT_FOUND;INVALID_JOURNAL"
    found = []
    for rec in universe.records():
        if journal not in (rec.journal.lower(), rec.iso_abbreviation.lower()):
            continue
        if year and str(rec.year) != year:
            continue
        if volume and rec.volume != volume:
            continue
        if page and rec.first_page != page:
            continue
        if author and not any(
            f"{a.last} {a.initials}".lower().startswith(author) for a in rec.authors
        ):
            continue
        found.append(rec.pmid)
    if not found:
        return "NOT_FOUND"
    return found[0] if len(found) == 1 else "AMBIGUOUS"


def search(universe: SyntheticUniverse, term: str) -> tuple[list[str], str, list[str]]:
    """PMIDs matching ``term`` (newest first, as PubMed's default sort roughly gives: by PMID
    descending), the query translation, and the phrases that found nothing."""
    if isinstance(universe, RealUniverse):
        return real_search(universe.index, term)
    groups = [g.strip() for g in _split(term, " AND ")]
    result: set[str] | None = None
    translations: list[str] = []
    missing: list[str] = []
    for group in groups:
        hits: set[str] = set()
        parts = []
        for clause in _split(group.strip("() "), " OR "):
            found, text = _clause(universe, clause.strip("() "))
            if not found:
                missing.append(clause.strip("() "))
            hits |= found
            parts.append(text)
        translations.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
        result = hits if result is None else result & hits
    ordered = sorted(result or set(), key=int, reverse=True)
    return ordered, " AND ".join(translations), missing if not ordered else []


def _split(text: str, sep: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    upper = text.upper()
    while i < len(text):
        ch = text[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and upper.startswith(sep, i):
            parts.append(text[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _clause(universe: SyntheticUniverse, clause: str) -> tuple[set[str], str]:
    value, _, tag = clause.rpartition("[")
    if not value:
        value, tag = clause, "all]"
    tag = tag.rstrip("]").strip().lower()
    value = value.strip().strip('"').strip()
    low = value.lower()
    if tag in ("doi", "aid", "lid"):
        pmid = universe.pmid_for_doi(value)
        return ({pmid} if pmid else set()), f"{value}[{tag}]"
    if tag in ("pmid", "uid"):
        return ({value} if universe.exists(value) else set()), f"{value}[{tag}]"
    hits: set[str] = set()
    for rec in universe.records():
        if tag in ("ti", "title", "all"):
            ok = low in rec.title.lower()
        elif tag in ("au", "author", "1au"):
            names = rec.authors[:1] if tag == "1au" else rec.authors
            ok = any(f"{a.last} {a.initials}".lower().startswith(low) for a in names)
        elif tag in ("dp", "pdat", "pubdate"):
            ok = str(rec.year) == low[:4]
        else:
            ok = False
        if ok:
            hits.add(rec.pmid)
    return hits, f'"{value}"[{_TAGS.get(tag, tag)}]'


_TAGS = {"ti": "Title", "title": "Title", "au": "Author", "1au": "Author - First", "dp": "dp"}
