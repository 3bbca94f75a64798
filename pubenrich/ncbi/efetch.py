"""EFetch: the reply value of one batch and the request that asks for it.

EFetch bodies are handed on unparsed (reading PubMed records is ``formats.pubmed_xml``'s job);
what belongs here is how a batch is asked for and what comes back with it.
"""

from __future__ import annotations

import attrs

from pubenrich.ncbi.classify import Format

__all__ = ["Batch", "efetch_format", "efetch_params"]


@attrs.frozen
class Batch:
    """One reply body and the ids it was asked for.

    Attributes:
        ids: the ids sent, deduplicated, in input order.
        body: the reply as NCBI sent it (checked, not parsed).
    """

    ids: tuple[str, ...]
    body: bytes = attrs.field(repr=lambda b: f"<{len(b)} bytes>")


def efetch_format(retmode: str) -> Format:
    """What a reply of ``retmode`` is checked as: XML, else text (MEDLINE, uilist...)."""
    return "xml" if retmode == "xml" else "text"


def efetch_params(
    db: str, batch: tuple[str, ...], *, rettype: str | None, retmode: str
) -> list[tuple[str, str]]:
    """The parameters of one EFetch request for ``batch``."""
    params = [("db", db), ("id", ",".join(batch)), ("retmode", retmode)]
    return params + ([("rettype", rettype)] if rettype else [])
