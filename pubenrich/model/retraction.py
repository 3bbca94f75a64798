"""Links between records (``CommentsCorrections``) and the retraction status read from them.

Apart from :mod:`pubenrich.model.records` (which re-exports every name) so that each module
stays one subject: the XML and MEDLINE readers derive the status here the same way.
"""

from __future__ import annotations

from typing import Protocol

import attrs

from pubenrich.model.identifiers import PMID

__all__ = ["CommentCorrection", "Named", "RetractionStatus", "retraction_status"]


class Named(Protocol):
    """Anything with a ``name``: a publication type (``Retracted Publication`` ...)."""

    @property
    def name(self) -> str: ...


@attrs.frozen
class CommentCorrection:
    """A link to another record: ``RetractionIn``, ``ErratumIn``, ``CommentOn`` ..., with
    PubMed's ``Note`` on it when there is one."""

    ref_type: str
    ref_source: str | None = None
    pmid: PMID | None = None
    note: str | None = None


@attrs.frozen
class RetractionStatus:
    """Retractions, corrections and other notices linked to a record.

    Attributes:
        is_retracted: a retraction notice exists (``RetractionIn``) or PubMed typed the record
            ``Retracted Publication``.
        retracted_by: PMIDs of the retraction notices.
        is_retraction_notice: the record itself retracts others (``RetractionOf``).
        retracts: the PMIDs it retracts.
        errata: PMIDs of errata (``ErratumIn``).
        expressions_of_concern: PMIDs of expressions of concern.
        updates: PMIDs of updated versions (``UpdateIn``).
    """

    is_retracted: bool = False
    retracted_by: tuple[PMID, ...] = ()
    is_retraction_notice: bool = False
    retracts: tuple[PMID, ...] = ()
    errata: tuple[PMID, ...] = ()
    expressions_of_concern: tuple[PMID, ...] = ()
    updates: tuple[PMID, ...] = ()

    @property
    def summary(self) -> str | None:
        """One line for people (``Retracted (notice PMID 123)``), or None when nothing applies."""
        notes = []
        if self.is_retracted:
            by = ", ".join(p.value for p in self.retracted_by)
            notes.append(f"Retracted (notice PMID {by})" if by else "Retracted")
        if self.is_retraction_notice:
            notes.append("Retraction notice of PMID " + ", ".join(p.value for p in self.retracts))
        if self.expressions_of_concern:
            pmids = ", ".join(p.value for p in self.expressions_of_concern)
            notes.append("Expression of concern (PMID " + pmids + ")")
        if self.errata:
            notes.append("Erratum (PMID " + ", ".join(p.value for p in self.errata) + ")")
        return "; ".join(notes) or None


def retraction_status(
    comments: tuple[CommentCorrection, ...], types: tuple[Named, ...]
) -> RetractionStatus:
    """Retraction and correction status from ``CommentsCorrections`` and publication types.

    Shared by the XML and the MEDLINE readers, so both derive it the same way.

    Args:
        comments: the record's links (``RetractionIn``, ``ErratumIn`` ...).
        types: its publication types (``Retracted Publication`` ...).

    Returns:
        The status, with the linked PMIDs.
    """
    if not comments and not types:
        return RetractionStatus()

    def linked(*kinds: str) -> tuple[PMID, ...]:
        return tuple(c.pmid for c in comments if c.ref_type in kinds and c.pmid is not None)

    retracted_by = linked("RetractionIn")
    names = {t.name for t in types}
    return RetractionStatus(
        is_retracted=bool(retracted_by) or "Retracted Publication" in names,
        retracted_by=retracted_by,
        is_retraction_notice=bool(linked("RetractionOf")) or "Retraction of Publication" in names,
        retracts=linked("RetractionOf"),
        errata=linked("ErratumIn"),
        expressions_of_concern=linked("ExpressionOfConcernIn"),
        updates=linked("UpdateIn"),
    )
