"""The :class:`Journal` of a ``PubmedArticle``, read from the elements that describe it.

PubMed spreads a journal over four places (``Article/Journal``, ``Article/Pagination``,
``Article/ELocationID`` and ``MedlineCitation/MedlineJournalInfo``); reading them here into one
record keeps the article's reader to the article's own fields.
"""

from __future__ import annotations

from typing import Any

from pubenrich.formats.pubmed_xml.elements import (
    Element,
    Handler,
    first,
    once,
    once_text,
    read_date,
    text_of,
    walk,
)
from pubenrich.model.dates import PartialDate
from pubenrich.model.records import ELocation, Journal

__all__ = ["read_journal"]

_ISSN_FIELDS = {"Print": "issn_print", "Electronic": "issn_electronic"}


def read_journal(
    journal: Element | None,
    pagination: Element | None,
    info: Element | None,
    elocations: tuple[ELocation, ...],
) -> tuple[Journal, PartialDate | None]:
    """The journal, and the issue's ``PubDate`` (the article's date, which PubMed writes in the
    ``JournalIssue``), from the first of each element, any of which may be absent."""
    parts: dict[str, Any] = {}
    if journal is not None:
        walk(journal, _JOURNAL, parts)
        issue = parts.pop("_issue", None)
        if issue is not None:
            walk(issue, _ISSUE, parts)
            parts["cited_medium"] = issue.get("CitedMedium") or None
    if pagination is not None:
        walk(pagination, _PAGINATION, parts)
    if info is not None:
        walk(info, _MEDLINE_JOURNAL_INFO, parts)
    pub_date = parts.pop("pub_date", None)
    return Journal(**parts, elocations=elocations), pub_date


def _issn(element: Element, parts: dict[str, Any]) -> None:
    # The last ISSN of each type wins, and an empty one is none.
    name = _ISSN_FIELDS.get(element.get("IssnType", ""))
    if name is not None:
        parts[name] = text_of(element) or None


_JOURNAL: dict[str, Handler] = {
    "ISSN": _issn,
    "JournalIssue": first("_issue"),
    "Title": once_text("title"),
    "ISOAbbreviation": once_text("iso_abbreviation"),
}
_ISSUE: dict[str, Handler] = {
    "Volume": once_text("volume"),
    "Issue": once_text("issue"),
    "PubDate": once("pub_date", read_date),
}
_PAGINATION: dict[str, Handler] = {
    "MedlinePgn": once_text("pages"),
    "StartPage": once_text("start_page"),
    "EndPage": once_text("end_page"),
}
_MEDLINE_JOURNAL_INFO: dict[str, Handler] = {
    "Country": once_text("country"),
    "MedlineTA": once_text("medline_ta"),
    "ISSNLinking": once_text("issn_linking"),
    "NlmUniqueID": once_text("nlm_unique_id"),
}
