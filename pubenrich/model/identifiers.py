"""Value types for the three identifiers of a paper: PMID, PMCID and DOI.

Each type parses what people write (``"PMID: 0123"``, ``"pmc123"``, ``"https://doi.org/10.1/X"``),
validates it, and keeps one normalized form, so that equal papers compare and hash equal.
Construction is the parser: ``PMID("PMID: 25211170") == PMID(25211170)``. Invalid input raises
:class:`~pubenrich.errors.InvalidIdentifier`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import TypeAlias
from urllib.parse import unquote

import attrs

from pubenrich.errors import InvalidIdentifier

__all__ = ["DOI", "PMCID", "PMID", "Identifier", "decode_percent", "parse_identifier"]

MAX_PMID_DIGITS = 8

_PMID_PREFIX = re.compile(r"^(?:pubmed\s*)?(?:pmid|pubmed\s*id|pubmed)\s*[:#=]?\s*", re.IGNORECASE)
_PMID_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/"
    r"(\d+)/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_PMCID_PREFIX = re.compile(r"^(?:pmcid\s*[:#=]?\s*)", re.IGNORECASE)
_PMCID_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:pmc\.ncbi\.nlm\.nih\.gov/articles|"
    r"ncbi\.nlm\.nih\.gov/pmc/articles|europepmc\.org/articles?)/"
    r"(pmc\d+)/?(?:[?#].*)?$",
    re.IGNORECASE,
)
# "PMC 123" with one space is accepted where the type is explicit (a PMCID field): the space
# carries no meaning there. In free text the extractor decides by context.
_PMCID_BODY = re.compile(r"^pmc ?(\d+)(?:\.\d+)?$", re.IGNORECASE)
_DOI_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:www\.|dx\.)?doi\.org/|doi\s*[:=]\s*|doi\s+|info:doi/|urn:doi:)",
    re.IGNORECASE,
)
# The DOI rule, here once (the extractor reads DOIs in text by the same rule):
# registrant: "10." plus 4 to 9 digits, optionally subdivided ("10.1000.10"), or a shorter
# number that is subdivided ("10.978.819252"); then "/" and
# a suffix of any printable characters (DOIs may hold "<", ">", ";", "(", ")").
DOI_REGISTRANT = r"10\.(?:[0-9]{4,9}(?:\.[0-9]+)*|[0-9]{1,3}(?:\.[0-9]+)+)"
# Parsing is more lenient than the plain form: any digits, "$" before a final newline.
_DOI_SHAPE = re.compile(r"^10\.(?:\d{4,9}(?:\.\d+)*|\d{1,3}(?:\.\d+)+)/\S+$")
# A DOI with nothing that normalization would change: ASCII, no space, "%", "&" or "\\".
PLAIN_DOI = re.compile(rf"{DOI_REGISTRANT}/[!-$'-\[\]-~]+")
# Sentence punctuation after a DOI ends the sentence, not the DOI.
DOI_TRAILING_PUNCT = ".,;:!?'\"»”’"
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
# "10.244.0.0/16" is an IPv4 network (a Kubernetes pod range), not registrant 244.0.0: DOI
# registrant codes have four or more digits, or are short and subdivided; a short one whose
# parts are all 0-255 ("10.244.0.0/16", the shorthand "10.100.0/24") is read as an address.
_OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"
_IPV4_PREFIX = re.compile(rf"10\.{_OCTET}(?:\.{_OCTET}){{1,2}}/")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
# Some documentation doubles "%" to escape it ("%%3C" in R docs for "%3C"), and a URL may be
# encoded twice ("%253C"): decoding stops when nothing changes or after a few rounds.
_DOUBLED_PERCENT = re.compile(r"%(?:%|25)(?=[0-9A-Fa-f]{2})")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def _clean(text: str) -> str:
    """Fold width forms and drop invisible characters; NBSP and friends become spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return text.strip()


def _normalize_pmid(value: object) -> str:
    if isinstance(value, PMID):
        return value.value
    # Fast path for the normalized form (cached records hold thousands of them).
    is_digits = isinstance(value, str) and value.isascii() and value.isdigit()
    if is_digits and str(value)[0] != "0" and len(str(value)) <= MAX_PMID_DIGITS:
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidIdentifier("pmid", value, "expected a str or int")
    text = str(value) if isinstance(value, int) else _clean(value)
    url = _PMID_URL.match(text)
    text = url.group(1) if url else _PMID_PREFIX.sub("", text)
    if not text.isascii() or not text.isdigit():
        raise InvalidIdentifier("pmid", value, "a PMID is 1 to 8 digits")
    digits = text.lstrip("0")
    if not digits:
        raise InvalidIdentifier("pmid", value, "a PMID is a positive number")
    if len(digits) > MAX_PMID_DIGITS:
        raise InvalidIdentifier("pmid", value, "a PMID has at most 8 digits")
    return digits


def _normalize_pmcid(value: object) -> str:
    if isinstance(value, PMCID):
        return value.value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidIdentifier("pmcid", value, "expected a str or int")
    text = str(value) if isinstance(value, int) else _clean(value)
    url = _PMCID_URL.match(text)
    text = url.group(1) if url else _PMCID_PREFIX.sub("", text)
    if text.isascii() and text.isdigit():  # explicit PMCID field holding the number only
        text = "PMC" + text
    match = _PMCID_BODY.match(text)
    if not match:
        raise InvalidIdentifier("pmcid", value, "a PMCID is 'PMC' followed by digits")
    digits = match.group(1).lstrip("0")
    if not digits:
        raise InvalidIdentifier("pmcid", value, "a PMCID number is positive")
    return "PMC" + digits


def strip_doi_tail(doi: str) -> str:
    """Remove trailing sentence punctuation and unbalanced closing brackets from a DOI.

    Balanced brackets stay: ``10.1016/S0140-6736(20)30183-5`` keeps its ``(20)``.
    """
    while doi and (doi[-1] in DOI_TRAILING_PUNCT or unbalanced_closer(doi)):
        doi = doi[:-1]
    return doi


def unbalanced_closer(doi: str) -> bool:
    """Whether ``doi`` ends with a closing bracket it never opened (text around it, not DOI)."""
    opener = _CLOSERS.get(doi[-1])
    return opener is not None and doi.count(opener) < doi.count(doi[-1])


def network_prefix(doi: str) -> bool:
    """Whether ``doi`` starts with an IPv4 address and a mask or path: ``10.0.0.1/24``."""
    return _IPV4_PREFIX.match(doi) is not None


def decode_percent(text: str) -> str:
    """Percent-decode ``text``, also when the escapes were doubled or encoded twice."""
    for _ in range(3):
        if not _PERCENT.search(text):
            break
        decoded = unquote(_DOUBLED_PERCENT.sub("%", text))
        if decoded == text:
            break
        text = decoded
    return text


def _normalize_doi(value: object) -> str:
    if isinstance(value, DOI):
        return value.value
    if (
        type(value) is str
        and PLAIN_DOI.fullmatch(value)
        and strip_doi_tail(value) == value
        and not network_prefix(value)
    ):
        return value  # already normalized: nothing to unescape, decode or trim
    if not isinstance(value, str):
        raise InvalidIdentifier("doi", value, "expected a str")
    text = _clean(html.unescape(value))
    was_url = "/" in text[:30] and "doi.org/" in text[:30].lower()
    text = _DOI_PREFIX.sub("", text).strip()
    if was_url or _PERCENT.search(text):
        text = decode_percent(text)
    text = strip_doi_tail(text)
    if not _DOI_SHAPE.match(text):
        raise InvalidIdentifier("doi", value, "a DOI is '10.' + registrant + '/' + suffix")
    if network_prefix(text):
        raise InvalidIdentifier("doi", value, "an IPv4 address with a mask or path, not a DOI")
    return text


@attrs.frozen(order=True, repr=False)
class PMID:
    """A PubMed identifier: 1 to 8 digits, normalized without leading zeros.

    Accepts ``123``, ``"0123"``, ``"PMID: 123"``, ``"PubMed PMID: 123"`` and PubMed URLs.
    Ordering is numeric.
    """

    value: str = attrs.field(converter=_normalize_pmid, order=int)

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"PMID({self.value!r})"

    def __int__(self) -> int:
        return int(self.value)


@attrs.frozen(order=True, repr=False)
class PMCID:
    """A PubMed Central identifier, normalized as ``PMC`` + digits (version suffix dropped).

    Accepts ``"PMC123"``, ``"pmc123"``, ``"PMCID: PMC123"``, ``"PMC 123"``, ``123`` and PMC
    article URLs.
    """

    value: str = attrs.field(converter=_normalize_pmcid, order=lambda v: int(v[3:]))

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"PMCID({self.value!r})"


@attrs.frozen(order=True, repr=False)
class DOI:
    """A Digital Object Identifier, kept as written and compared case-insensitively.

    Accepts bare DOIs, ``doi:``/``DOI:`` prefixes, ``https://doi.org/`` and
    ``http://dx.doi.org/`` URLs, percent-encoded and HTML-escaped forms. Trailing sentence
    punctuation is dropped; balanced parentheses inside the DOI are kept.
    """

    value: str = attrs.field(converter=_normalize_doi, eq=str.lower, order=str.lower)

    @property
    def key(self) -> str:
        """The case-folded form used for comparison and as a cache key."""
        return self.value.lower()

    @property
    def url(self) -> str:
        """The doi.org resolver URL."""
        return "https://doi.org/" + self.value

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"DOI({self.value!r})"


Identifier: TypeAlias = PMID | PMCID | DOI


def parse_identifier(text: str | int | Identifier) -> Identifier:
    """Read one identifier of any kind, telling the kind from its form.

    ``"10.…/…"`` and DOI URLs are DOIs, ``"PMC…"`` is a PMCID, digits or ``"PMID: …"`` a PMID.

    Raises:
        InvalidIdentifier: when the text is none of the three.
    """
    if isinstance(text, PMID | PMCID | DOI):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        return PMID(text)
    if not isinstance(text, str):
        raise InvalidIdentifier("id", text, "expected a str or int")
    cleaned = _clean(text)
    lowered = cleaned.lower()
    if "10." in lowered and ("/" in lowered):
        try:
            return DOI(cleaned)
        except InvalidIdentifier:
            pass
    if lowered.startswith(("pmc", "pmcid")) or _PMCID_URL.match(cleaned):
        return PMCID(cleaned)
    try:
        return PMID(cleaned)
    except InvalidIdentifier:
        raise InvalidIdentifier("id", text, "not a PMID, PMCID or DOI") from None
