"""PubMed's query language over a :class:`~.real.RealUniverse`, and ECitMatch over the same
records: enough of both to measure the resolver on real records.

Supported, as PubMed documents them (PubMed Help, "Search field descriptions and tags"):
field tags ``[ti]``, ``[tiab]``, ``[au]``, ``[1au]``, ``[ta]``, ``[dp]``, ``[vi]``, ``[pg]``,
``[doi]``, ``[pmid]`` (long names too), untagged terms (all fields), quoted phrases, ``*``
truncation, parentheses, and ``AND`` / ``OR`` / ``NOT`` read left to right. A term that
matches nothing is reported (``PhraseNotFound``) and left out of the query, as NCBI does: the
rest of the query still runs (API_FACTS: partial misses return results plus an ErrorList).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from pubenrich.model.records import Article
from pubenrich.text.normalize import normalize_text

__all__ = ["SearchIndex", "build_index", "real_citmatch", "real_search"]

_TOKEN = re.compile(
    r'\s*(?:(?P<paren>[()])|"(?P<phrase>[^"]*)"|(?P<word>[^\s()"\[]+))(?:\[(?P<tag>[^\]]*)\])?'
)
_TAGS = {
    "ti": "ti", "title": "ti", "tiab": "tiab", "title/abstract": "tiab", "au": "au",
    "author": "au", "1au": "1au", "author - first": "1au", "ta": "ta", "journal": "ta",
    "dp": "dp", "pdat": "dp", "publication date": "dp", "vi": "vi", "volume": "vi",
    "pg": "pg", "pagination": "pg", "doi": "doi", "pmid": "pmid", "uid": "pmid",
    "all": "all", "all fields": "all",
}  # fmt: skip
_NAMES = {"ti": "Title", "tiab": "Title/Abstract", "au": "Author", "1au": "Author - First"}


@attrs.frozen
class _Fields:
    """One record's searchable fields, folded once."""

    ti: str
    tiab: str
    authors: tuple[str, ...]
    journal: tuple[str, ...]
    year: str
    volume: str
    pages: tuple[str, ...]
    doi: str


def _fields(article: Article) -> _Fields:
    title = normalize_text(article.title)
    abstract = ""
    if article.abstract is not None:
        abstract = normalize_text(" ".join(s.text for s in article.abstract.sections))
    names = []
    for author in article.authors:
        if author.last_name:
            names.append(normalize_text(f"{author.last_name} {author.initials or ''}"))
        elif author.collective_name:
            names.append(normalize_text(author.collective_name))
    journal = article.journal
    titles = (journal.title, journal.iso_abbreviation) if journal is not None else ()
    pages = (journal.start_page, journal.pages) if journal is not None else ()
    return _Fields(
        ti=title,
        tiab=f"{title} {abstract}".strip(),
        authors=tuple(names),
        journal=tuple(normalize_text(t) for t in titles if t),
        year=str(article.pub_date.year or ""),
        volume=normalize_text(journal.volume or "") if journal is not None else "",
        pages=tuple(normalize_text(p) for p in pages if p),
        doi=article.doi.value.lower() if article.doi else "",
    )


def _words(value: str, text: str, phrase: bool) -> bool:
    """A phrase (or, unquoted, every word) in ``text``; ``word*`` matches as a prefix."""
    if value.endswith("*"):
        stem = normalize_text(value[:-1])
        return bool(stem) and any(w.startswith(stem) for w in text.split())
    folded = normalize_text(value)
    if not folded:
        return False
    if phrase:
        return f" {folded} " in f" {text} "
    have = set(text.split())
    return all(w in have for w in folded.split())


def _author(value: str, names: tuple[str, ...]) -> bool:
    folded = normalize_text(value)
    if " " not in folded:
        return any(name.split(" ")[0] == folded or name == folded for name in names)
    return any(name.startswith(folded) for name in names)


def _match(fields: _Fields, pmid: str, value: str, tag: str, phrase: bool) -> bool:
    low = value.strip().lower()
    checks = {
        "ti": lambda: _words(value, fields.ti, phrase),
        "tiab": lambda: _words(value, fields.tiab, phrase),
        "au": lambda: _author(value, fields.authors),
        "1au": lambda: _author(value, fields.authors[:1]),
        "ta": lambda: normalize_text(value) in fields.journal,
        "dp": lambda: fields.year == low[:4],
        "vi": lambda: fields.volume == normalize_text(value),
        "pg": lambda: normalize_text(value) in fields.pages,
        "doi": lambda: fields.doi == low,
        "pmid": lambda: pmid == low,
    }
    if tag in checks:
        return checks[tag]()
    every = " ".join((fields.tiab, *fields.authors, *fields.journal, fields.year))
    return _words(value, every, phrase)


class _Query:
    """One query's evaluation over an index, left to right, with the terms that found none."""

    def __init__(self, index: Mapping[str, _Fields], term: str) -> None:
        self.index = index
        self.tokens = [m for m in _TOKEN.finditer(term) if m.group().strip()]
        self.at = 0
        self.missing: list[str] = []
        self.shown: list[str] = []

    def _leaf(self, token: re.Match[str]) -> set[str] | None:
        phrase = token.group("phrase") is not None
        value = token.group("phrase") if phrase else token.group("word")
        raw_tag = (token.group("tag") or "all").strip().lower()
        tag = _TAGS.get(raw_tag, raw_tag)
        hits = {p for p, f in self.index.items() if _match(f, p, value or "", tag, phrase)}
        written = f'"{value}"[{_NAMES.get(tag, tag)}]'
        if not hits:
            self.missing.append(f"{value}[{raw_tag}]" if token.group("tag") else value or "")
            return None
        self.shown.append(written)
        return hits

    def expression(self) -> set[str] | None:
        result = self._operand()
        while self.at < len(self.tokens) and self.tokens[self.at].group("paren") != ")":
            word = (self.tokens[self.at].group("word") or "").upper()
            operator = word if word in ("AND", "OR", "NOT") else "AND"
            self.at += operator == word
            right = self._operand()
            if right is None:
                continue  # a term not found is left out, as NCBI does
            if result is None:
                result = right if operator != "NOT" else None
            elif operator == "AND":
                result &= right
            elif operator == "OR":
                result |= right
            else:
                result -= right
        return result

    def _operand(self) -> set[str] | None:
        if self.at >= len(self.tokens):
            return None
        token = self.tokens[self.at]
        self.at += 1
        if token.group("paren") == "(":
            inner = self.expression()
            self.at += 1  # the closing parenthesis
            return inner
        return self._leaf(token)


SearchIndex = Mapping[str, _Fields]


def build_index(articles: Mapping[str, Article]) -> SearchIndex:
    """Each record's searchable fields by PMID, folded once."""
    return {pmid: _fields(article) for pmid, article in articles.items()}


def real_search(index: SearchIndex, term: str) -> tuple[list[str], str, list[str]]:
    """PMIDs matching ``term`` (by PMID descending), the query translation, and the terms
    that found nothing."""
    query = _Query(index, term)
    hits = query.expression() or set()
    return sorted(hits, key=int, reverse=True), " AND ".join(query.shown), query.missing


def real_citmatch(
    index: SearchIndex, *, journal: str, year: str, volume: str, page: str, author: str
) -> str:
    """ECitMatch's answer for one line: the PMID, ``AMBIGUOUS`` or ``NOT_FOUND``."""
    name = normalize_text(journal)
    if not any(name in f.journal for f in index.values()):
        return "NOT_FOUND;INVALID_JOURNAL"
    found = [
        pmid
        for pmid, f in index.items()
        if name in f.journal
        and (not year or f.year == year)
        and (not volume or f.volume == normalize_text(volume))
        and (not page or normalize_text(page) in f.pages)
        and (not author or _author(author, f.authors))
    ]
    if not found:
        return "NOT_FOUND"
    return found[0] if len(found) == 1 else "AMBIGUOUS"
