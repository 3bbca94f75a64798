"""PMIDs and PMCIDs in HTML meta tags, where the tag's name says what its content is.

Publisher pages describe an article for Google Scholar and Zotero with Highwire Press tags
(``<meta name="citation_pmid" content="1">``), Dublin Core (``dc.identifier`` with a
``scheme``) and PRISM. The number alone in ``content`` is no PMID; the name makes it one.
DOIs in ``citation_doi`` or ``dc.identifier`` content are left to the ordinary scan, which reads
``doi:``, ``info:doi/`` and ``info:pmid/`` there.
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["read_meta_tag"]

# Either order of the attributes, any quoting; a tag never spans more than a few hundred bytes.
_META = re.compile(r"<meta\s[^<>]{0,600}>", re.IGNORECASE)
_META_ATTR = re.compile(r"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_META_PMID = frozenset(
    ("citation_pmid", "citation_pubmed_id", "dc.identifier.pmid", "pmid", "prism.pmid")
)
_META_PMCID = frozenset(("citation_pmcid", "dc.identifier.pmcid", "pmcid"))
_META_NUMBER = re.compile(r"\s*(?:(?:pmid|pmc)\s*:?\s*)?0*([0-9]{1,9})\s*", re.IGNORECASE)


def read_meta_tag(
    text: str, start: int
) -> tuple[Literal["pmid", "pmcid"], str, tuple[int, int]] | None:
    """The kind, digits and span of the id in the meta tag at ``start``, if it holds one.

    The digits carry no leading zeros; a PMCID's carry the ``PMC`` prefix. None for a tag of
    another name, with other content, or for text that is no complete tag.
    """
    tag = _META.match(text, start)
    if tag is None:
        return None
    attributes = {
        name.lower(): "".join(values)  # one of the three quoting forms matched
        for name, *values in _META_ATTR.findall(tag.group())
    }
    name = attributes.get("name", attributes.get("property", "")).lower()
    scheme = attributes.get("scheme", "").lower()
    number = _META_NUMBER.fullmatch(attributes.get("content", ""))
    if number is None:
        return None
    if name in _META_PMID or (name == "dc.identifier" and scheme in ("pmid", "pubmed")):
        return "pmid", number.group(1), tag.span()
    if name in _META_PMCID or (name == "dc.identifier" and scheme in ("pmc", "pmcid")):
        return "pmcid", "PMC" + number.group(1), tag.span()
    return None
