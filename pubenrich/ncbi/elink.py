"""ELink: link values and the reply parser.

One ``id=`` per UID makes NCBI answer one link set per input, which keeps inputs paired with
outputs; the request and its reading therefore belong together.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from pubenrich.errors import ParseError
from pubenrich.ncbi.reading import str_tuple, text_of, texts, xml_root

__all__ = ["Link", "LinkSet", "elink_params", "parse_elink"]


def elink_params(
    batch: tuple[str, ...], *, dbfrom: str, db: str, linkname: str | None, cmd: str
) -> list[tuple[str, str]]:
    """The parameters of one ELink request: one ``id=`` per UID, so each gets its own set."""
    params = [("dbfrom", dbfrom), ("db", db), ("cmd", cmd)]
    if linkname:
        params.append(("linkname", linkname))
    return [*params, *(("id", uid) for uid in batch)]


@attrs.frozen(kw_only=True)
class Link:
    """The links of one kind from a link set.

    Attributes:
        dbto: the target database.
        linkname: NCBI's link name (``"pubmed_pmc"``).
        ids: the linked UIDs, in NCBI's order.
    """

    dbto: str | None
    linkname: str | None
    ids: tuple[str, ...] = attrs.field(converter=str_tuple)


def _link_tuple(links: Iterable[Link]) -> tuple[Link, ...]:
    return tuple(links)


@attrs.frozen(kw_only=True)
class LinkSet:
    """One ELink ``LinkSet``: input UIDs and what they link to.

    With one ``id=`` per UID (as :class:`~pubenrich.ncbi.client.EutilsClient` sends), each link set
    answers exactly one input UID, which keeps inputs paired with outputs.

    Attributes:
        dbfrom: the source database.
        ids: the input UIDs of this set.
        links: the links, one entry per link name.
    """

    dbfrom: str | None
    ids: tuple[str, ...] = attrs.field(converter=str_tuple)
    links: tuple[Link, ...] = attrs.field(converter=_link_tuple)

    def linked(self, linkname: str) -> tuple[str, ...]:
        """The UIDs under ``linkname`` (empty when there are none)."""
        return tuple(i for link in self.links if link.linkname == linkname for i in link.ids)


def parse_elink(body: bytes | str) -> list[LinkSet]:
    """The link sets of an ELink XML reply, in NCBI's order.

    Raises:
        ParseError: when the reply is not an ``eLinkResult``.
    """
    root = xml_root(body, "elink")
    if root.tag != "eLinkResult":
        raise ParseError(f"elink: expected <eLinkResult>, got <{root.tag}>")
    sets = []
    for linkset in root.iterfind("LinkSet"):
        links = [
            Link(
                dbto=text_of(db.find("DbTo")),
                linkname=text_of(db.find("LinkName")),
                ids=texts(db.iterfind("Link/Id")),
            )
            for db in linkset.iterfind("LinkSetDb")
        ]
        sets.append(
            LinkSet(
                dbfrom=text_of(linkset.find("DbFrom")),
                ids=texts(linkset.iterfind("IdList/Id")),
                links=links,
            )
        )
    return sets
