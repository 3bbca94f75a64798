"""Find every PMID, PMCID and DOI mentioned in raw text.

``extract(text)`` first finds anchors by a few literal searches in the lower-cased text (``pm``,
``pub``, ``doi``, ``10.``, ``med/``, ``<meta`` and full-width forms), which run at memory speed,
then tries a compiled regular expression at each anchor: a small one for the forms reference
lists print most (``PMID: 1``, ``PMC1``), else the branches that can start with the anchor's
first character. All quantifiers are bounded, so the work is linear in the length of the text
and no input backtracks catastrophically. A little Python runs per candidate only (trim a DOI's
tail in ``text.doi_tail``, join a DOI broken across a line, validate), never per character.

What counts as a mention (the rules follow the formats' specifications: NCBI's PMID and PMCID,
the DOI Handbook's ``10.`` + registrant + ``/`` + suffix, Crossref's advice on DOIs in text):

- PMID only with context that says so: a label (``PMID: 1``, ``PMID:1``, ``PMID 1``, ``PMID- 1``,
  ``PubMed PMID: 1``, ``PubMed ID: 1``, ``PubMed: 1``, ``pmid=1``, ``|pmid=1``, ``"pmid": "1"``,
  ``pmid = {1}``, ``**PMID:** 1``, ``<b>PMID:</b> 1``, ``PMID:&nbsp;1``, a MEDLINE line that
  wraps after ``PMID:``), a PubMed URL (``pubmed.ncbi.nlm.nih.gov/1/``,
  ``ncbi.nlm.nih.gov/pubmed/1``, ``?term=1``, Europe PMC ``/MED/1``, ``info:pmid/1``), an HTML
  meta tag (``citation_pmid``, ``dc.identifier`` with ``scheme="pmid"``) or an XML element that
  types its content (``<PMID Version="1">``, ``IdType="pubmed"``, ``pub-id-type="pmid"``). A
  bare number is never a PMID, so phone numbers, postcodes, years, page ranges, ISSNs, journal
  ids and grant numbers yield nothing. A label may carry a list (``PMIDs: 1, 2 and 3``) that a
  year ends. Leading zeros are dropped; zero and numbers of 9+ digits are no PMID. An upper-case
  label may follow a digit (a web copy glues it to the DOI before it: ``...001PMID: 1``).
- PMCID: ``PMC`` + digits as a word (``PMC123``, ``pmc123``, PMC article URLs), ``PMCID: PMC123``,
  ``PMC ID: PMC123``, ``PMCID: 123``, ``pmcid = {123}``, the Wikipedia field ``pmc=123``,
  ``citation_pmcid`` and XML typed ``pmc``. ``PMC 123`` with one space (as Wikipedia and
  reference managers print it) counts after a ``PMCID`` label or in a citation, that is with
  another identifier's label within 160 characters (``PMID``, ``doi``, ``ISSN``...); never with
  a year (``PMC 2023``) or alone in prose.
- DOI: ``10.`` + registrant (4 to 9 digits, or 3 digits with a subdivision) + ``/`` + suffix,
  bare or after ``doi:``/``DOI``/``doi =`` (also ``DOI: 10.1002 / pd.354``), inside any URL
  (doi.org, dx.doi.org, publisher ``/doi/`` paths, ``info:doi/``), percent-encoded (also doubled,
  ``%%3C``, or applied twice, ``%253C``), JavaScript-escaped (``10.1021\\/x``), in HTML
  attributes, BibTeX, wikitext and Markdown. A DOI is not read right after a digit or a dot
  (``25.10.2015/2137303`` is a date path); an IPv4 address with a mask or path
  (``10.244.0.0/16``) is no DOI, nor, without a ``doi`` label, a year and a month, season or
  year (``10.2021/04``, ``10.2019/2020``). The tail is trimmed: sentence punctuation (also CJK),
  unbalanced closing brackets, an opening ``[`` (or ``(`` after a full stop) that stays open,
  ``</tag``, ``](``, a query string (``?``, ``&key=``), a fragment (``#word``), ``$$``
  delimiters, a file or view suffix of a URL (``.pdf``, ``/abstract``, ``.full.pdf``), the
  version bioRxiv and medRxiv add (``10.1101/2023.05.06.539700v3``), a reference list's glued
  link (``[PubMed]``, ``(PMC free article)``), a page heading or label a web copy glued on
  (``Abstract``, ``Google Scholar``, ``PMID:``); a trailing ``/`` is dropped. Balanced
  parentheses stay (``10.1016/S0140-6736(20)30183-5``).
- A DOI broken by a PDF at a line end is joined with the next line's first token when that
  token continues it: after ``-`` or ``/`` (the token holds a digit, or a ``<``/``(`` is open;
  one stray interleaved line is skipped), or after ``.`` when the suffix so far has no digit
  (``10.1016/j.`` + ``cell.2010.10.016``). A year or a new DOI never continues one.

Text decisions (the span always points into the text as given, so ``raw == text[start:end]``;
``raw`` includes the label or URL that made the mention):

- CRLF and lone CR are whitespace like LF.
- NBSP and other Unicode spaces are whitespace (Python's ``\\s``).
- Zero-width spaces/joiners, word joiner, BOM and soft hyphens inside a DOI are kept in ``raw``
  and dropped from ``value``; between a label and its number they count as space.
- Full-width digits and letters (``ＰＭＩＤ： １２３``) are read; ``value`` holds ASCII (NFKC).
  U+2010/U+2011 hyphens in a DOI become ``-``.
- HTML entities inside a DOI (``&lt;``, ``&gt;``, ``&amp;``) are unescaped in ``value``; a DOI in
  escaped HTML stops at ``&quot;``, ``&nbsp;`` and ``&lt;/``.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import attrs

from pubenrich.model.identifiers import DOI, MAX_PMID_DIGITS, PMCID, PMID, Identifier
from pubenrich.text.doi_tail import DOI_HEAD, INVIS, ascii_digits, scan_doi
from pubenrich.text.meta_tags import read_meta_tag

__all__ = ["Kind", "Mention", "extract"]

Kind = Literal["pmid", "pmcid", "doi"]

_KINDS = frozenset(("pmid", "pmcid", "doi"))
_SP = rf"[\s{INVIS}]"  # whitespace, including the invisible characters
_D = "[0-9\uff10-\uff19]"  # a digit, ASCII or full-width
_NOT_WORD_BEFORE = r"(?<![0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a_])"
_NUM_END = r"(?![0-9\uff10-\uff19]|[.,][0-9])"
# A PubMed label may follow a digit directly where a web copy glued it to the DOI before it
# ("10.1/x.001PMID: 1"); upper case only, so that no word that merely ends in "pm" counts.
_LABEL_BEFORE = rf"(?:{_NOT_WORD_BEFORE}|(?<=[0-9])(?=(?-i:PM)))"

# PMID labels. "PubMed" alone is no label (a database name in prose), "PubMed ID" and
# "PubMed PMID" are.
_PMID_LABEL = (
    rf"{_LABEL_BEFORE}(?:pub{_SP}?med{_SP}{{0,3}})?(?:pmids?|pub{_SP}?med{_SP}?ids?"
    rf"|pub{_SP}?med(?={_SP}{{0,3}}:)|ＰＭＩＤ)"
)
# Between label and number: quotes (JSON), Markdown emphasis, ":", "=", "#", MEDLINE's "- ", a
# BibTeX "{" or "}", up to three HTML tags ("<b>PMID:</b> 1", "<dt>PMID</dt><dd>1") and "&nbsp;".
_GAP = rf"(?:{_SP}|&nbsp;|&#160;){{0,3}}"
# Before the number, room for a MEDLINE continuation: a long "CIN - ... PMID:" line wraps and
# the number follows on the next line after six spaces.
_GAP_NUM = rf"(?:{_SP}|&nbsp;|&#160;){{0,8}}"
_PMID_SEP = (
    rf"[\"'*_]{{0,2}}{_GAP}(?:[:#=：]|-(?!{_D}))?[*_]{{0,2}}(?:{_GAP}[{{}}])?"
    rf"(?:{_GAP}</?[a-z]{{1,10}}(?:\s[^<>]{{0,80}})?>){{0,3}}{_GAP_NUM}[\"']?"
)
_NUM = rf"[0０]{{0,4}}{_D}{{1,8}}{_NUM_END}"  # leading zeros are dropped, not counted
# A list goes on after "," ";" or "and", but a year there ("PMID: 1, 2019") ends it.
_PMID_LIST = rf"(?:{_SP}{{0,3}}(?:[,;]|and){_SP}{{0,3}}(?!(?:19|20)\d\d(?!\d)){_NUM})"
# Each branch starts at an anchor (see _ANCHORS); what precedes it is checked by lookbehind.
_PMID_URL = (
    r"(?:(?:pubmed\.ncbi\.nlm\.nih\.gov/|(?:(?<=ncbi\.nlm\.nih\.gov/)|(?<=/entrez/))pubmed/)"
    r"(?:\?term=)?"
    r"|(?:(?<=europepmc\.org/abstract/)|(?<=europepmc\.org/article/))MED/"
    r"|(?<=info:)pmid/)"  # the info URI of PubMed (OpenURL rft_id, Dublin Core identifiers)
)

_PMCID_LABEL = (
    rf"{_LABEL_BEFORE}(?:pmc{_SP}?id|pmc(?={_SP}{{0,3}}=)){_SP}{{0,3}}[:#=：]?{_SP}{{0,3}}\{{?"
)

# Liberal suffix, bounded so that any input scans in linear time; the tail is trimmed in Python.
_DOI_TAIL = r"[^\s\"|\\{}^`]{0,400}"

_DOISP = (
    rf"(?P<doisp>{_NOT_WORD_BEFORE}doi{_SP}{{0,3}}[:=]?{_SP}{{0,3}}"
    rf"(?P<doisp_at>){DOI_HEAD} ?/ ?(?=\w){_DOI_TAIL})"
)
_BARE_DOI = rf"(?P<doi>(?<![0-9.]){DOI_HEAD}(?:/|\\/|%2[Ff]){_DOI_TAIL})"
_PATTERN = re.compile(
    rf"(?P<pmid>{_PMID_LABEL}{_PMID_SEP}(?P<pmid_n>{_NUM}){_PMID_LIST}{{0,20}})"
    rf"|(?P<pmidurl>{_PMID_URL}(?P<pmidurl_n>{_D}{{1,8}})(?![0-9]))"
    rf"|(?P<pmcid>{_PMCID_LABEL}(?:pmc{_SP}?)?(?P<pmcid_n>{_D}{{1,9}})(?![0-9]))"
    rf"|(?P<pmc>{_NOT_WORD_BEFORE}(?:pmc|ＰＭＣ)(?P<pmc_n>{_D}{{1,9}})(?![0-9]))"
    rf"|(?P<pmcsp>{_NOT_WORD_BEFORE}(?-i:PMC)[ \u00a0\u2009\u202f](?P<pmcsp_n>\d{{4,8}})"
    rf"(?![0-9]|[.,]\d))"
    # XML that types its content: PubMed's <PMID Version="1">, <ArticleId IdType="pubmed">,
    # JATS <pub-id pub-id-type="pmid">, <article-id pub-id-type="pmc">.
    rf"|(?P<pmidtag>(?<=<)pmid(?:\s[^<>]{{0,80}})?>{_SP}{{0,3}}(?P<pmidtag_n>{_NUM}){_SP}{{0,3}}<)"
    rf"|(?P<typed>(?:(?<=type=\")|(?<=type='))(?:pubmed|pmid)[\"'](?:\s[^<>]{{0,80}})?>"
    rf"{_SP}{{0,3}}(?P<typed_n>{_NUM}){_SP}{{0,3}}<)"
    rf"|(?P<typedpmc>(?:(?<=type=\")|(?<=type='))pmc(?:id)?[\"'](?:\s[^<>]{{0,80}})?>"
    rf"{_SP}{{0,3}}(?:pmc)?(?P<typedpmc_n>\d{{1,9}}){_SP}{{0,3}}<)"
    rf"|{_DOISP}|{_BARE_DOI}",
    re.IGNORECASE,
)
# An anchor's first character says which branches can match there: "doi" starts only the
# labelled DOI, "10." only the bare one, so those anchors try one branch instead of all.
_BY_FIRST = {
    first: re.compile(branch, re.IGNORECASE)
    for firsts, branch in (("dD", _DOISP), ("1１", _BARE_DOI))
    for first in firsts
}
_DIGITS = re.compile(_D + "+")
# The forms a reference list prints most ("PMID: 1", "PMCID: PMC1", "PMC1"), matched by a small
# pattern before the full one. It only accepts what the full pattern reads the same way: no
# leading zero, no list after the number (those go to the full pattern).
_FAST_PM = re.compile(
    rf"{_NOT_WORD_BEFORE}(?:(?:PMID|pmid):? ?(?P<n>[1-9][0-9]{{0,7}})"
    rf"|PMCID: ?(?:PMC)?(?P<c>[1-9][0-9]{{0,8}})|PMC(?P<p>[1-9][0-9]{{0,8}})){_NUM_END}"
    rf"(?!{_SP}{{0,3}}(?:[,;]|(?i:and)){_SP}{{0,3}}{_D})"
)
# Likewise the plain DOI ("doi: 10.1/x.1", "10.1/x.1"): ASCII, ending in a digit, then at most
# sentence punctuation and a space. Nothing the tail trimming cuts can end in a digit or lacks
# a "/" after the suffix starts, so this reads the same DOI; bioRxiv's prefix (versions) and
# a glued "PMID" go to the full path.
_FAST_DOI = re.compile(
    rf"(?:{_NOT_WORD_BEFORE}(?:doi|DOI):? ?|(?<![0-9.])(?=10\.))"
    r"(?P<body>10\.(?!1101/)[0-9]{4,9}(?:\.[0-9]+)*/(?=\w)[A-Za-z0-9._\-]{0,380}[0-9])"
    r"(?=[.,;:]*(?:[\s\"|\\{}^`]|$))",
    re.ASCII,
)
# "10.2021/04", "10.2020/21", "10.2021/04/05" in prose: a date, season or version after a
# year, not registrant 2021 with the suffix "04". Read as a DOI only after a "doi" label or URL.
# A rate in prose ("10.5000/mm3", "10.2500/min") is a number and a unit: no DOI suffix is a bare
# unit of measure. Both rules hold for bare candidates only.
_NOT_BARE_DOI = re.compile(
    r"10\.(?:(?:19|20)\d\d/(?:\d{1,2}|(?:19|20)\d\d)(?:[/.\-]\d{1,4})*"
    r"|\d+/(?:[µμu]?[lLgm]|[mdµμu]?[lL]|mm[23]?|cm[23]?|m[23]|k?g|mg|ng|mmol|mol|min|s|sec|h|hr"
    r"|hours?|days?|d|wk|weeks?|months?|yr|years?|kb|bp|cells?|patients?|persons?|people))$"
)
_DOI_SAID = re.compile(r"doi", re.IGNORECASE)
# "PMC 1234567" with a space is a PMCID where Wikipedia and reference managers print it: in a
# citation, next to another identifier's label. Alone in prose "PMC" + number may be anything
# (a meeting, a unit, a product); a year after it ("PMC 2023") or a short number ("PMC 10 mg")
# is never read.
_PMC_CONTEXT = re.compile(
    r"(?<![a-z])(?:pmid|pmcid|doi|pubmed|medline|issn|isbn|s2cid|bibcode|jstor|arxiv|oclc"
    r"|europe\s?pmc|free\s+(?:full[\s-]+)?(?:text|article))(?![a-z])|(?<![0-9.])10\.\d{4,9}/",
    re.IGNORECASE,
)
_PMC_WINDOW = 160
_YEAR = re.compile(r"(?:1[89]|20)\d\d")

# Where a DOI candidate stops at the latest: markup and URL parts that never belong to a DOI.
_ANCHORS = tuple(
    re.compile(re.escape(literal)) for literal in ("pm", "pub", "doi", "10.", "med/", "<meta")
)
_WIDE_ANCHORS = tuple(re.compile(literal) for literal in ("１０", "ｐｍ"))  # full-width forms


_NEW = object.__new__
_SET = object.__setattr__


@attrs.frozen
class Mention:
    """One identifier as written in a text, with its span, so callers can show or replace it.

    ``raw`` is ``text[start:end]`` (label or URL included); ``value`` is the normalized
    identifier as a string.
    """

    kind: Kind = attrs.field(validator=attrs.validators.in_(_KINDS))
    value: str
    raw: str
    start: int
    end: int = attrs.field()

    @end.validator
    def _check_span(self, _attribute: Any, value: int) -> None:
        if not 0 <= self.start <= value:
            raise ValueError("a span needs 0 <= start <= end")

    @property
    def identifier(self) -> Identifier:
        """The typed identifier (PMID, PMCID or DOI)."""
        if self.kind == "pmid":
            return PMID(self.value)
        if self.kind == "pmcid":
            return PMCID(self.value)
        return DOI(self.value)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the fields."""
        return attrs.asdict(self)


def extract(text: str) -> list[Mention]:
    """Find every PMID, PMCID and DOI mention in ``text``, in text order.

    Never raises on a ``str``; runs in time linear in ``len(text)``.

    Args:
        text: Any text: prose, reference lists, HTML, BibTeX, MEDLINE, wikitext, URLs.

    Returns:
        The mentions in order of their start; the same identifier may appear more than once.
    """
    if not isinstance(text, str):
        raise TypeError("extract() takes a str")
    return _extract(text, fast=True)


def _extract(text: str, *, fast: bool) -> list[Mention]:
    """The scan; ``fast=False`` skips the small patterns (tests check both read alike)."""
    found: list[Mention] = []
    pos = 0
    for anchor in _anchors(text):
        if anchor < pos:
            continue
        char = text[anchor]
        if char == "<":
            pos = _read_meta(found, text, anchor)
            continue
        short = _FAST_PM.match(text, anchor) if fast and char in "Pp" else None
        if short is not None:
            pos = short.end()
            number = short.group("n")
            kind: Kind = "pmid" if number else "pmcid"
            value = number or "PMC" + (short.group("c") or short.group("p"))
            found.append(_mention(kind, value, text[anchor:pos], anchor, pos))
            continue
        short = _FAST_DOI.match(text, anchor) if fast and char in "dD1" else None
        if short is not None and _fast_doi_ok(short.group("body"), char):
            pos = short.end()
            found.append(_mention("doi", short.group("body"), text[anchor:pos], anchor, pos))
            continue
        match = _BY_FIRST.get(char, _PATTERN).match(text, anchor)
        if match is not None:
            pos = _read_match(found, text, match)
    return found


def _read_match(found: list[Mention], text: str, match: re.Match[str]) -> int:
    """Add the mentions of one match of the full pattern; return where to scan on."""
    group = match.lastgroup
    start, end = match.span()
    if group == "pmid" and match.end("pmid_n") == end:  # one number, no list
        _add(found, text, "pmid", match.group("pmid_n"), (start, end))
    elif group == "pmid":
        for index, num in enumerate(_DIGITS.finditer(text, match.start("pmid_n"), end)):
            first = start if index == 0 else num.start()
            _add(found, text, "pmid", num.group(), (first, num.end()))
    elif group in ("pmidurl", "pmidtag", "typed"):
        _add(found, text, "pmid", match.group(f"{group}_n"), (start, end))
    elif group in ("pmcid", "pmc", "typedpmc"):
        _add(found, text, "pmcid", "PMC" + match.group(f"{group}_n"), (start, end))
    elif group == "pmcsp":
        if not _pmc_in_citation(text, match):
            return start + 3
        _add(found, text, "pmcid", "PMC" + match.group("pmcsp_n"), (start, end))
    else:
        offset = match.start("doisp_at") if group == "doisp" else start
        new_end, value = scan_doi(text, end, offset)
        if value is not None and _NOT_BARE_DOI.match(value) and group == "doi":
            value = value if _DOI_SAID.search(text, max(0, start - 20), start) else None
        if value is not None:
            found.append(_mention("doi", value, text[start:new_end], start, new_end))
        # Rescan inside a trimmed candidate: a second DOI may sit there ("](https://...").
        return max(new_end, offset + 8)
    return end


def _fast_doi_ok(body: str, first: str) -> bool:
    """Whether a DOI that _FAST_DOI read needs none of the full path's checks."""
    return "PM" not in body and (first != "1" or not _NOT_BARE_DOI.match(body))


def _mention(kind: Kind, value: str, raw: str, start: int, end: int) -> Mention:
    """A Mention built without running its validators, for values this module has checked.

    Validation costs as much as the rest of the work on a reference list; the fields here come
    from patterns that admit only valid kinds and spans.
    """
    mention = _NEW(Mention)
    _SET(mention, "kind", kind)
    _SET(mention, "value", value)
    _SET(mention, "raw", raw)
    _SET(mention, "start", start)
    _SET(mention, "end", end)
    return mention


def _anchors(text: str) -> list[int]:
    """Sorted offsets where a mention may start, found by fast literal searches.

    Searching a few literals in the lower-cased text runs at memory speed, so the full pattern
    is tried only where it can match instead of at every character.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # U+0130 lower-cases to two characters; keep offsets true
        lowered = text.replace("\u0130", "I").lower()
    found: list[int] = []  # the literals cannot start at one offset: no duplicates
    for literal in _ANCHORS if text.isascii() else _ANCHORS + _WIDE_ANCHORS:
        found.extend(map(re.Match.start, literal.finditer(lowered)))
    found.sort()
    return found


def _add(found: list[Mention], text: str, kind: Kind, digits: str, span: tuple[int, int]) -> None:
    """Append a PMID or PMCID mention when its number is valid (``digits`` keeps any "PMC")."""
    start, end = span
    number = ascii_digits(digits if kind == "pmid" else digits[3:]).lstrip("0")
    if not number or (kind == "pmid" and len(number) > MAX_PMID_DIGITS):
        return
    value = number if kind == "pmid" else "PMC" + number
    found.append(_mention(kind, value, text[start:end], start, end))


def _pmc_in_citation(text: str, match: re.Match[str]) -> bool:
    """Whether "PMC 123" stands in a citation: another identifier's label is near."""
    if _YEAR.fullmatch(match.group("pmcsp_n")):
        return False
    before = max(0, match.start() - _PMC_WINDOW)
    return (
        _PMC_CONTEXT.search(text, before, match.start()) is not None
        or _PMC_CONTEXT.search(text, match.end(), match.end() + _PMC_WINDOW) is not None
    )


def _read_meta(found: list[Mention], text: str, start: int) -> int:
    """Add the PMID or PMCID of an HTML meta tag at ``start``; return where to scan on."""
    meta = read_meta_tag(text, start)
    if meta is None:
        return start + 1
    kind, digits, (tag_start, tag_end) = meta
    _add(found, text, kind, digits, (tag_start, tag_end))
    return tag_end
