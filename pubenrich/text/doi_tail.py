"""Where a DOI found in text ends, and what its value is.

A DOI's suffix may hold any printable character (DOI Handbook 2.2.3), so the extractor matches
a liberal candidate and this module cuts it back: markup, URL parts, sentence punctuation,
brackets the DOI never opened, a version or view that a preprint server appends to its URLs,
and a word that a copy from a web page glued to the DOI. Every step is one bounded regex or
one pass over the candidate, so the work stays linear in its length.
"""

from __future__ import annotations

import html
import re
import unicodedata

from pubenrich.errors import InvalidIdentifier
from pubenrich.model.identifiers import (
    DOI,
    DOI_TRAILING_PUNCT,
    PLAIN_DOI,
    decode_percent,
    network_prefix,
    unbalanced_closer,
)

__all__ = ["DOI_HEAD", "DOI_START", "INVIS", "ascii_digits", "scan_doi"]

INVIS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_D = "[0-9\uff10-\uff19]"
# Registrant: 4 to 9 digits with optional subdivisions, or 3 digits that are subdivided.
DOI_HEAD = rf"[1１][0０][.．](?:{_D}{{4,9}}(?:\.\d{{1,9}}){{0,3}}|\d{{3}}(?:\.\d{{1,9}}){{1,3}})"
DOI_START = re.compile(rf"{DOI_HEAD}(?:/|\\/|%2[Ff]| ?/ ?)", re.IGNORECASE)

# Where a DOI candidate stops at the latest: markup and URL parts that never belong to a DOI.
_DOI_CUT = re.compile(
    r"</|<(?=[A-Za-z!])|&lt;(?=/|[A-Za-z])|&quot;|&#0?34;|&apos;|&#0?39;|&nbsp;|\]\(|\?|#(?=\w)"
    r"|\\[/\"nrt]|\$\$|[。，；、（）「」『』【】]|&(?:amp;)?(?=[a-z_][\w.\-]*=)|'(?=[>\s,;\])])|\)\["
    # A PubMed label glued to the DOI by a copy: "10.1/x.2020.001PMID: 1", "...001.PMCID:".
    r"|(?<=[0-9a-z.)])(?-i:PMC?ID)(?![a-z])",
    re.IGNORECASE,
)
_URL_VIEW = re.compile(
    r"(?:[./](?:pdf|epdf|full|abstract|abs|html?|xml|fulltext|full-text|summary|meta|suppl)"
    r"|/(?:pdf|epdf|full|abstract|html|fulltext|references|figures|tables|suppinfo|issuetoc|"
    r"citedby|metrics|info|share|download|view|print|pdfft|full\.pdf)(?:/.*)?)$",
    re.IGNORECASE,
)
# bioRxiv and medRxiv (prefix 10.1101) append "v" + version, then a view, to the DOI in their
# URLs: ".../10.1101/2023.05.06.539700v3.full.pdf". Their DOIs are "YYYY.MM.DD." + digits or,
# before December 2019, six digits; the version is no part of the DOI.
_PREPRINT = re.compile(r"10\.1101/(?:\d{4}\.\d\d\.\d\d\.)?\d{6,8}(?=v\d{1,3}(?:[./?#]|$))")
# A copy from a web page glues the next heading or label to the DOI ("10.1000/abc.123Abstract").
# Only the words that pages print next to a DOI are cut, and only where the case changes at a
# digit or a lower-case letter: any other capitalised end may be the DOI's own ("10.1/0Abcd").
_GLUED = re.compile(
    r"(?:(?<=[0-9a-z.)])(?:Abstract|Background|Introduction|Keywords|Summary|Objectives?"
    r"|Methods|Results|Conclusions?|Discussion|Purpose|Aims?|Context|Design|Findings"
    r"|Received|Accepted|Published|Copyright|Citations?|Cited|Cite|Download|View|Share"
    r"|Metrics|Article|Authors?|Affiliations?|Correspondence|Funding|Highlights|Figures?"
    r"|Tables?|References|Supplementary|Free|Full|Open|Epub|Erratum|Google|Scholar"
    r"|CrossRef|Crossref|PubMed|Medline|MEDLINE|Scopus|Volume|Issue|Pages|Available|Online"
    r"|License|Licence|Rights|Permissions|Journal|Similar|Related|Links?)"
    r"|(?<=[0-9.])(?:ABSTRACT|BACKGROUND|INTRODUCTION|KEYWORDS|SUMMARY))$"
)
# Besides a sentence's punctuation: Markdown emphasis and CJK punctuation end a DOI in text.
_TRAIL = DOI_TRAILING_PUNCT + "*。，；：、"
_ENTITY_TAIL = re.compile(r"&(?:gt|lt|amp|quot|apos|#\d{1,5}|#x[0-9a-f]{1,4})?;?$", re.IGNORECASE)
_NEXT_LINE = re.compile(r"[ \t\u00a0\r]*\n[ \t\u00a0\r]*(?P<tok>[^\s\"|\\{}^`]{1,200})")
_BRACKET = re.compile(r"[()\[\]]")
_OPEN_NOTE = re.compile(r"\[|(?<=[.,;])\(")
_OPENER = {")": "(", "]": "["}
# A DOI in the plain ASCII that needs no decoding (a subset of PLAIN_DOI; a registrant of four
# or more digits is never an IPv4 octet), maybe with sentence punctuation after it.
_SIMPLE_DOI = re.compile(r"10\.[0-9]{4,9}(?:\.[0-9]+)*/[\w\-.;:/]*", re.ASCII)
_SIMPLE_END = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
# A cheap pre-check for the cuts above, run on the lower-cased DOI (IGNORECASE alternations are
# slow): a view, a preprint version, a capitalised or heading word at the end.
_VIEW_HINT = re.compile(
    r"[./](?:pdf|epdf|full|abs|htm|xml|summ|meta|suppl|refer|figur|table|suppinfo|issuetoc|cited"
    r"|metric|info|share|download|view|print)|^10\.1101/"
)
# A reference list's links glued to the DOI: "10.1/x-123.[PMC free article]", "...(PubMed)".
_NOTE = re.compile(
    r"[.,;]?[\[(](?:PubMed|PMC free article|Free full text|Full text|Google Scholar|CrossRef"
    r"|Medline|Web of Science|Scopus|Abstract|Link|Article)[\])]$",
    re.IGNORECASE,
)
# The first letters of those views, one character class: most DOIs fail it at once.
_VIEW_FIRST = re.compile(r"[./][pefahxsmrticdvPEFAHXSMRTICDV]|^10\.1101/")
_CAP_END = re.compile(r"[A-Z][a-z]*$")
_ANY_DIGIT = re.compile(r"\d")
# PDF text writes the hyphen of a DOI as U+2010 or U+2011; DOIs are ASCII.
_HYPHENS = dict.fromkeys(map(ord, "\u2010\u2011"), "-")
_INVIS_TABLE = dict.fromkeys(map(ord, INVIS))


def ascii_digits(text: str) -> str:
    """Full-width digits and letters folded to ASCII (NFKC); ASCII text as it is."""
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
        if last in INVIS:
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


def _cut_brackets(raw: str) -> str:
    """Cut at a closer the DOI never opened, or at an opener that starts text after it.

    ``(doi:10.1/x)/S/URI``: the ``)`` ends the DOI. ``10.1/x-123.[PMC free article]``: a ``[``
    that stays open, or a ``(`` that stays open after a sentence's ``.``, starts a note.
    """
    if ")" not in raw and "]" not in raw:  # no closer: every opener stays open
        note = _OPEN_NOTE.search(raw)
        return raw[: note.start()] if note else raw
    depth = {"(": 0, "[": 0}
    opened: list[int] = []
    for bracket in _BRACKET.finditer(raw):
        char = bracket.group()
        opener = _OPENER.get(char, char)
        depth[opener] += 1 if char == opener else -1
        if depth[opener] < 0:
            return raw[: bracket.start()]
        if char == opener:
            opened.append(bracket.start())
        elif opened:
            opened.pop()
    for index in opened:
        if raw[index] == "[" or raw[index - 1 : index] in (".", ",", ";"):
            return raw[:index]
    return raw


def _trim_doi(raw: str) -> str:
    """Cut a liberal DOI candidate down to the DOI itself (still as written in the text)."""
    head = DOI_START.match(raw)
    cut = _DOI_CUT.search(raw, head.end() if head else 0)
    if cut:
        raw = raw[: cut.start()]
    raw = _balanced_strip(_cut_brackets(raw))
    for _ in range(2):  # a view may follow a view: ".../10.1/x.full.pdf"
        view = _URL_VIEW.search(raw)
        if not view or view.start() <= raw.find("/") + 1:
            break
        raw = _balanced_strip(raw[: view.start()])
    return _cut_glued(raw)


def _cut_glued(raw: str) -> str:
    """Drop a preprint server's version and a word glued to the DOI's end."""
    preprint = _PREPRINT.match(raw)
    if preprint:
        return preprint.group()
    note = _NOTE.search(raw) if raw[-1:] in ")]" else None
    if note:
        raw = _balanced_strip(raw[: note.start()])
    glued = _GLUED.search(raw) if _CAP_END.search(raw) else None
    if glued and glued.start() > raw.find("/") + 2:
        return _balanced_strip(raw[: glued.start()])
    return raw


def _doi_value(raw_doi: str) -> str | None:
    raw_doi = raw_doi.rstrip("/")  # "https://doi.org/10.1/x/": no DOI ends with a slash
    if PLAIN_DOI.fullmatch(raw_doi):  # the common case: already trimmed, plain ASCII
        return None if network_prefix(raw_doi) else raw_doi
    text = html.unescape(raw_doi).translate(_INVIS_TABLE).translate(_HYPHENS)
    text = decode_percent(re.sub(r"\s+", "", text).replace("\\/", "/"))
    text = ascii_digits(text[:20]) + text[20:]
    try:
        value = DOI(text).value
    except InvalidIdentifier:
        return None
    return None if network_prefix(value) else value


def _needs_join(doi_raw: str, tok: str) -> bool:
    """Whether a line that ends a DOI with '-' or '/' continues with ``tok``."""
    if not doi_raw or doi_raw[-1] not in "-/":
        return False
    if DOI_START.match(tok) or re.match(r"(?:19|20)\d\d[.,;)]", tok):
        return False
    text = html.unescape(doi_raw)
    unclosed = text.count("<") > text.count(">") or text.count("(") > text.count(")")
    return unclosed or any(c.isdigit() for c in tok)


def _suffix_has_digit(doi: str) -> bool:
    return _ANY_DIGIT.search(doi, doi.find("/") + 1) is not None


def _join_next_line(
    text: str, body: str, end: int, raw_end: int, candidate: str
) -> tuple[int, str]:
    """Join a DOI that a PDF broke at a line end with the next line's first token."""
    if "/" in body and end == raw_end:
        nxt = _NEXT_LINE.match(text, end)
        if nxt and not _needs_join(body, nxt.group("tok")) and body.endswith("-"):
            # A PDF may interleave one stray line of the title before the DOI goes on.
            nxt = _NEXT_LINE.match(text, nxt.end())
        if nxt and _needs_join(body, nxt.group("tok")):
            more = _balanced_strip(_trim_doi("10.1/" + nxt.group("tok"))[5:])
            if more:
                return nxt.start("tok") + len(more), body + more
    elif "/" in body and candidate == body + "." and not _suffix_has_digit(body):
        # "10.1016/j." at a line end, "cell.2010.10.016" on the next: a suffix without any
        # digit is unfinished, so a PDF broke the DOI at its dot.
        nxt = _NEXT_LINE.match(text, raw_end)
        tok = nxt.group("tok") if nxt else ""
        if nxt and _needs_join(body + "-", tok) and tok[:1].isalnum():
            more = _balanced_strip(_trim_doi("10.1/" + tok)[5:])
            if more:
                return nxt.start("tok") + len(more), body + "." + more
    return end, body


def scan_doi(text: str, raw_end: int, doi_offset: int) -> tuple[int, str | None]:
    """Trim (and maybe join across a line) a DOI candidate; return its end and value.

    ``text[doi_offset:raw_end]`` is the liberal candidate; the value is None when what is left
    is no DOI.
    """
    simple = _SIMPLE_DOI.fullmatch(text, doi_offset, raw_end)
    if simple is not None:  # the common case: plain ASCII, at most sentence punctuation after
        body = simple.group().rstrip(".,;:")
        last = body[-1]
        if (
            last in _SIMPLE_END
            and last != "-"
            and (len(body) == raw_end - doi_offset or _suffix_has_digit(body))
            and not (_VIEW_FIRST.search(body) and _VIEW_HINT.search(body.lower()))
            and not (last.isalpha() and _CAP_END.search(body))
            and "PM" not in body  # maybe a glued "PMID:" (see _DOI_CUT)
        ):
            return doi_offset + len(body), body
    candidate = text[doi_offset:raw_end]
    body = _trim_doi(candidate)
    end, body = _join_next_line(text, body, doi_offset + len(body), raw_end, candidate)
    return end, _doi_value(body) if "/" in body or "%2" in body.lower() else None
