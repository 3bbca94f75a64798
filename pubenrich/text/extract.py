"""Find every PMID, PMCID and DOI mentioned in raw text.

``extract(text)`` first finds anchors by a few literal searches in the lower-cased text (``pm``,
``pub``, ``doi``, ``10.``, ``med/`` and their full-width forms), which run at memory speed, then
tries one compiled, combined regular expression at each anchor. All its quantifiers are bounded,
so the work is linear in the length of the text and no input backtracks catastrophically. A
little Python runs per candidate only (trim a DOI's tail, join a DOI broken across a line,
validate), never per character.

What counts as a mention:

- PMID only with context that says so: a label (``PMID: 1``, ``PMID:1``, ``PMID 1``, ``PMID- 1``,
  ``PubMed PMID: 1``, ``PubMed ID: 1``, ``PubMed: 1``, ``pmid=1``, ``|pmid=1``, ``"pmid": "1"``,
  ``**PMID:** 1``, ``<b>PMID:</b> 1``, ``PMID:&nbsp;1``) or a PubMed URL
  (``pubmed.ncbi.nlm.nih.gov/1/``, ``ncbi.nlm.nih.gov/pubmed/1``, ``?term=1``, Europe PMC
  ``/MED/1``). A bare number is never a PMID, so phone numbers, postcodes, years, page ranges,
  ISSNs, journal ids and grant numbers yield nothing. A label may carry a list (``PMIDs: 1, 2 and
  3``) that a year ends. Leading zeros are dropped; zero and numbers of 9+ digits are no PMID.
- PMCID: ``PMC`` + digits as a word (``PMC123``, ``pmc123``, PMC article URLs), ``PMCID: PMC123``,
  ``PMC ID: PMC123``, ``PMCID: 123`` and the Wikipedia field ``pmc=123`` (the number only).
  ``PMC 123`` (with a space) is read only after a ``PMCID`` label: in free text it is too weak.
- DOI: ``10.`` + registrant (4 to 9 digits, or 3 digits with a subdivision) + ``/`` + suffix,
  bare or after ``doi:``/``DOI``/``doi =`` (also ``DOI: 10.1002 / pd.354``), inside any URL
  (doi.org, dx.doi.org, publisher ``/doi/`` paths, ``info:doi/``), percent-encoded, JavaScript-
  escaped (``10.1021\\/x``), in HTML attributes, BibTeX, wikitext and Markdown. A DOI is not
  read right after a digit or a dot (``25.10.2015/2137303`` is a date path). The tail is trimmed:
  sentence punctuation (also CJK), unbalanced closing brackets, ``</tag``, ``](``, a query
  string (``?``, ``&key=``), a fragment (``#word``), ``$$`` delimiters and a file or view suffix
  of a URL (``.pdf``, ``/abstract``); a trailing ``/`` is dropped. Balanced parentheses stay
  (``10.1016/S0140-6736(20)30183-5``).
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

import html
import re
import unicodedata
from typing import Any, Literal
from urllib.parse import unquote

import attrs

from pubenrich.errors import InvalidIdentifier
from pubenrich.model.identifiers import (
    DOI,
    DOI_TRAILING_PUNCT,
    MAX_PMID_DIGITS,
    PLAIN_DOI,
    PMCID,
    PMID,
    Identifier,
    unbalanced_closer,
)

__all__ = ["Kind", "Mention", "extract"]

Kind = Literal["pmid", "pmcid", "doi"]

_KINDS = frozenset(("pmid", "pmcid", "doi"))
_INVIS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_SP = rf"[\s{_INVIS}]"  # whitespace, including the invisible characters
_D = "[0-9\uff10-\uff19]"  # a digit, ASCII or full-width
_NOT_WORD_BEFORE = r"(?<![0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a_])"
_NUM_END = r"(?![0-9\uff10-\uff19]|[.,][0-9])"

# PMID labels. "PubMed" alone is no label (a database name in prose), "PubMed ID" and
# "PubMed PMID" are.
_PMID_LABEL = (
    rf"{_NOT_WORD_BEFORE}(?:pub{_SP}?med{_SP}{{0,3}})?(?:pmids?|pub{_SP}?med{_SP}?ids?"
    rf"|pub{_SP}?med(?={_SP}{{0,3}}:)|ＰＭＩＤ)"
)
# Between label and number: quotes (JSON), Markdown emphasis, ":", "=", "#", MEDLINE's "- ", a
# BibTeX "}", up to three HTML tags ("<b>PMID:</b> 1", "<dt>PMID</dt><dd>1") and "&nbsp;".
_GAP = rf"(?:{_SP}|&nbsp;|&#160;){{0,3}}"
_PMID_SEP = (
    rf"[\"'*_]{{0,2}}{_GAP}(?:[:#=：]|-(?!{_D}))?[*_]{{0,2}}\}}?"
    rf"(?:{_GAP}</?[a-z]{{1,10}}(?:\s[^<>]{{0,80}})?>){{0,3}}{_GAP}[\"']?"
)
_NUM = rf"[0０]{{0,4}}{_D}{{1,8}}{_NUM_END}"  # leading zeros are dropped, not counted
# A list goes on after "," ";" or "and", but a year there ("PMID: 1, 2019") ends it.
_PMID_LIST = rf"(?:{_SP}{{0,3}}(?:[,;]|and){_SP}{{0,3}}(?!(?:19|20)\d\d(?!\d)){_NUM})"
# Each branch starts at an anchor (see _ANCHORS); what precedes it is checked by lookbehind.
_PMID_URL = (
    r"(?:(?:pubmed\.ncbi\.nlm\.nih\.gov/|(?:(?<=ncbi\.nlm\.nih\.gov/)|(?<=/entrez/))pubmed/)"
    r"(?:\?term=)?"
    r"|(?:(?<=europepmc\.org/abstract/)|(?<=europepmc\.org/article/))MED/)"
)

_PMCID_LABEL = (
    rf"{_NOT_WORD_BEFORE}(?:pmc{_SP}?id|pmc(?={_SP}{{0,3}}=)){_SP}{{0,3}}[:#=：]?{_SP}{{0,3}}"
)

_DOI_HEAD = rf"[1１][0０][.．](?:{_D}{{4,9}}(?:\.\d{{1,9}}){{0,3}}|\d{{3}}(?:\.\d{{1,9}}){{1,3}})"
# Liberal suffix, bounded so that any input scans in linear time; the tail is trimmed in Python.
_DOI_TAIL = r"[^\s\"|\\{}^`]{0,400}"

_PATTERN = re.compile(
    rf"(?P<pmid>{_PMID_LABEL}{_PMID_SEP}(?P<pmid_n>{_NUM}){_PMID_LIST}{{0,20}})"
    rf"|(?P<pmidurl>{_PMID_URL}(?P<pmidurl_n>{_D}{{1,8}})(?![0-9]))"
    rf"|(?P<pmcid>{_PMCID_LABEL}(?:pmc{_SP}?)?(?P<pmcid_n>{_D}{{1,9}})(?![0-9]))"
    rf"|(?P<pmc>{_NOT_WORD_BEFORE}(?:pmc|ＰＭＣ)(?P<pmc_n>{_D}{{1,9}})(?![0-9]))"
    rf"|(?P<doisp>{_NOT_WORD_BEFORE}doi{_SP}{{0,3}}[:=]?{_SP}{{0,3}}{_DOI_HEAD} ?/ ?(?=\w)"
    rf"{_DOI_TAIL})"
    rf"|(?P<doi>(?<![0-9.]){_DOI_HEAD}(?:/|\\/|%2[Ff]){_DOI_TAIL})",
    re.IGNORECASE,
)
_DOI_START = re.compile(rf"{_DOI_HEAD}(?:/|\\/|%2[Ff]| ?/ ?)", re.IGNORECASE)
_DIGITS = re.compile(_D + "+")
_ANY_DIGIT = re.compile(r"\d")

# Where a DOI candidate stops at the latest: markup and URL parts that never belong to a DOI.
_DOI_CUT = re.compile(
    r"</|<(?=[A-Za-z!])|&lt;(?=/|[A-Za-z])|&quot;|&#0?34;|&apos;|&#0?39;|&nbsp;|\]\(|\?|#(?=\w)"
    r"|\\[/\"nrt]|\$\$|[。，；、（）「」『』【】]|&(?:amp;)?(?=[a-z_][\w.\-]*=)|'(?=[>\s,;\])])|\)\[",
    re.IGNORECASE,
)
_URL_VIEW = re.compile(
    r"(?:[./](?:pdf|epdf|full|abstract|abs|html?|xml|fulltext|full-text|summary|meta|suppl)"
    r"|/(?:pdf|epdf|full|abstract|html|fulltext|references|figures|tables|suppinfo|issuetoc|"
    r"citedby|metrics|info|share|download|view|print|pdfft|full\.pdf)(?:/.*)?)$",
    re.IGNORECASE,
)
# Besides a sentence's punctuation: Markdown emphasis and CJK punctuation end a DOI in text.
_TRAIL = DOI_TRAILING_PUNCT + "*。，；：、"
_ENTITY_TAIL = re.compile(r"&(?:gt|lt|amp|quot|apos|#\d{1,5}|#x[0-9a-f]{1,4})?;?$", re.IGNORECASE)
_NEXT_LINE = re.compile(r"[ \t\u00a0\r]*\n[ \t\u00a0\r]*(?P<tok>[^\s\"|\\{}^`]{1,200})")
_BRACKET = re.compile(r"[()\[\]]")
_OPENER = {")": "(", "]": "["}
_SIMPLE_DOI = re.compile(
    r"(10\.[0-9]{4,9}(?:\.[0-9]+)*/[\w\-.;:/]*?[A-Za-z0-9_\-])[.,;:]*", re.ASCII
)
# A cheap pre-check for _URL_VIEW, run on the lower-cased DOI (IGNORECASE alternations are slow).
_VIEW_HINT = re.compile(
    r"[./](?:pdf|epdf|full|abs|htm|xml|summ|meta|suppl|refer|figur|table|suppinfo|issuetoc|cited"
    r"|metric|info|share|download|view|print)"
)
_ANCHORS = tuple(
    re.compile(re.escape(literal))
    for literal in ("pm", "pub", "doi", "10.", "１０", "ｐｍ", "med/")
)
# PDF text writes the hyphen of a DOI as U+2010 or U+2011; DOIs are ASCII.
_HYPHENS = dict.fromkeys(map(ord, "\u2010\u2011"), "-")
_INVIS_TABLE = dict.fromkeys(map(ord, _INVIS))


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


def _ascii_digits(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _balanced_strip(raw: str) -> str:
    """Strip sentence punctuation, unbalanced closers and dangling entities from a DOI's tail."""
    while raw:
        entity = _ENTITY_TAIL.search(raw) if "&" in raw[-8:] else None
        if entity and entity.group().lower() not in ("&gt;", "&gt"):
            raw = raw[: entity.start()]
            continue
        unescaped = html.unescape(raw) if "&" in raw else raw
        last = unescaped[-1]
        if last in _INVIS:
            raw = raw[:-1]
            continue
        if unbalanced_closer(unescaped):
            raw = raw[: -4 if raw.lower().endswith("&gt;") else -1]
            continue
        if last in _TRAIL:
            raw = raw[:-1]
            continue
        break
    return raw


def _trim_doi(raw: str) -> str:
    """Cut a liberal DOI candidate down to the DOI itself (still as written in the text)."""
    head = _DOI_START.match(raw)
    cut = _DOI_CUT.search(raw, head.end() if head else 0)
    if cut:
        raw = raw[: cut.start()]
    depth = {"(": 0, "[": 0}
    for bracket in _BRACKET.finditer(raw):
        char = bracket.group()
        opener = _OPENER.get(char, char)
        depth[opener] += 1 if char == opener else -1
        if depth[opener] < 0:  # a closer the DOI never opened ends it: "(doi:10.1/x)/S/URI"
            raw = raw[: bracket.start()]
            break
    raw = _balanced_strip(raw)
    view = _URL_VIEW.search(raw)
    if view and view.start() > raw.find("/") + 1:
        raw = _balanced_strip(raw[: view.start()])
    return raw


def _doi_value(raw_doi: str) -> str | None:
    raw_doi = raw_doi.rstrip("/")  # "https://doi.org/10.1/x/": no DOI ends with a slash
    if PLAIN_DOI.fullmatch(raw_doi):  # the common case: already trimmed, plain ASCII
        return raw_doi
    text = html.unescape(raw_doi).translate(_INVIS_TABLE).translate(_HYPHENS)
    text = re.sub(r"\s+", "", text).replace("\\/", "/")
    if re.search(r"%[0-9A-Fa-f]{2}", text):
        text = unquote(text)
    text = _ascii_digits(text[:20]) + text[20:]
    try:
        return DOI(text).value
    except InvalidIdentifier:
        return None


def _needs_join(doi_raw: str, tok: str) -> bool:
    """Whether a line that ends a DOI with '-' or '/' continues with ``tok``."""
    if not doi_raw or doi_raw[-1] not in "-/":
        return False
    if _DOI_START.match(tok) or re.match(r"(?:19|20)\d\d[.,;)]", tok):
        return False
    text = html.unescape(doi_raw)
    unclosed = text.count("<") > text.count(">") or text.count("(") > text.count(")")
    return unclosed or any(c.isdigit() for c in tok)


def _suffix_has_digit(doi: str) -> bool:
    return _ANY_DIGIT.search(doi, doi.find("/") + 1) is not None


def _scan_doi(text: str, raw_end: int, doi_offset: int) -> tuple[int, str | None]:
    """Trim (and maybe join across a line) a DOI candidate; return its end and value."""
    simple = _SIMPLE_DOI.fullmatch(text, doi_offset, raw_end)
    if simple is not None:  # the common case: plain ASCII, at most sentence punctuation after
        body = simple.group(1)
        if (
            body[-1] != "-"
            and (simple.end(1) == raw_end or _suffix_has_digit(body))
            and not _VIEW_HINT.search(body.lower())
        ):
            return doi_offset + len(body), body
    candidate = text[doi_offset:raw_end]
    body = _trim_doi(candidate)
    end = doi_offset + len(body)
    if "/" in body and end == raw_end:
        nxt = _NEXT_LINE.match(text, end)
        if nxt and not _needs_join(body, nxt.group("tok")) and body.endswith("-"):
            # A PDF may interleave one stray line of the title before the DOI goes on.
            nxt = _NEXT_LINE.match(text, nxt.end())
        if nxt and _needs_join(body, nxt.group("tok")):
            more = _balanced_strip(_trim_doi("10.1/" + nxt.group("tok"))[5:])
            if more:
                end = nxt.start("tok") + len(more)
                body += more
    elif "/" in body and candidate == body + "." and not _suffix_has_digit(body):
        # "10.1016/j." at a line end, "cell.2010.10.016" on the next: a suffix without any
        # digit is unfinished, so a PDF broke the DOI at its dot.
        nxt = _NEXT_LINE.match(text, raw_end)
        tok = nxt.group("tok") if nxt else ""
        if nxt and _needs_join(body + "-", tok) and tok[:1].isalnum():
            more = _balanced_strip(_trim_doi("10.1/" + tok)[5:])
            if more:
                end = nxt.start("tok") + len(more)
                body += "." + more
    return end, _doi_value(body) if "/" in body or "%2" in body.lower() else None


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
    found: list[Mention] = []
    pos = 0
    for anchor in _anchors(text):
        if anchor < pos:
            continue
        match = _PATTERN.match(text, anchor)
        if match is None:
            continue
        group = match.lastgroup
        start, end = match.span()
        pos = end
        if group == "pmid" and match.end("pmid_n") == end:  # one number, no list
            _add(found, text, "pmid", match.group("pmid_n"), (start, end))
        elif group == "pmid":
            for index, num in enumerate(_DIGITS.finditer(text, match.start("pmid_n"), end)):
                first = start if index == 0 else num.start()
                _add(found, text, "pmid", num.group(), (first, num.end()))
        elif group == "pmidurl":
            _add(found, text, "pmid", match.group("pmidurl_n"), (start, end))
        elif group in ("pmcid", "pmc"):
            _add(found, text, "pmcid", "PMC" + match.group(group + "_n"), (start, end))
        else:
            doi_offset = _DOI_START.search(text, start, end) if group == "doisp" else None
            offset = doi_offset.start() if doi_offset else start
            new_end, value = _scan_doi(text, end, offset)
            if value is not None:
                found.append(Mention("doi", value, text[start:new_end], start, new_end))
            # Rescan inside a trimmed candidate: a second DOI may sit there ("](https://...").
            pos = max(new_end, offset + 8)
    return found


def _anchors(text: str) -> list[int]:
    """Sorted offsets where a mention may start, found by fast literal searches.

    Searching a few literals in the lower-cased text runs at memory speed, so the full pattern
    is tried only where it can match instead of at every character.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # U+0130 lower-cases to two characters; keep offsets true
        lowered = text.replace("\u0130", "I").lower()
    found: list[int] = []  # the literals cannot start at one offset: no duplicates
    for literal in _ANCHORS:
        found.extend(map(re.Match.start, literal.finditer(lowered)))
    found.sort()
    return found


def _add(found: list[Mention], text: str, kind: Kind, digits: str, span: tuple[int, int]) -> None:
    """Append a PMID or PMCID mention when its number is valid (``digits`` keeps any "PMC")."""
    start, end = span
    number = _ascii_digits(digits if kind == "pmid" else digits[3:]).lstrip("0")
    if not number or (kind == "pmid" and len(number) > MAX_PMID_DIGITS):
        return
    value = number if kind == "pmid" else "PMC" + number
    found.append(Mention(kind, value, text[start:end], start, end))
