"""The fake's endpoints: each turns a request's parameters into NCBI's reply, from the universe.

The formats copy NCBI's byte for byte where clients are sensitive to them (prologs, JSON
indentation, whitespace between tags), as recorded from the real service.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from pubenrich.testing.fake_ncbi.search import citmatch, search
from pubenrich.testing.fake_ncbi.universe import SyntheticRecord, SyntheticUniverse
from pubenrich.testing.fake_ncbi.wire import (
    JSON_TYPE,
    TEXT_TYPE,
    XML_TYPE,
    BadRequest,
    Params,
    Reply,
    id_list,
    ncbi_json,
    param,
)

__all__ = ["ENDPOINTS", "Endpoint"]

_ESEARCH_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD '
    'esearch 20060628//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
_ELINK_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eLinkResult PUBLIC "-//NLM//DTD elink '
    '20101123//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20101123/elink.dtd">\n'
)


def efetch(universe: SyntheticUniverse, params: Params) -> Reply:
    """PubMed XML of the ids asked for, unknown ones left out."""
    db = param(params, "db", "pubmed")
    if db != "pubmed":
        raise BadRequest(f"the fake serves db=pubmed only, not {db!r}")
    wanted = id_list(params)
    body = universe.efetch_xml(wanted)
    served = sum(1 for i in wanted if universe.exists(i))
    return Reply(200, body, XML_TYPE, served, "efetch")


def esummary(universe: SyntheticUniverse, params: Params) -> Reply:
    """esummary's JSON, with NCBI's per-uid error for unknown ids."""
    ids = id_list(params)
    result: dict[str, Any] = {"uids": []}
    served = 0
    for uid in ids:
        rec = universe.record(uid)
        if rec is None:
            result[uid] = {"uid": uid, "error": "cannot get document summary"}
            continue
        served += 1
        result["uids"].append(uid)
        result[uid] = _summary(rec)
    data = {"header": {"type": "esummary", "version": "0.3"}, "result": result}
    return Reply(200, ncbi_json(data), JSON_TYPE, served, "esummary")


def esearch(universe: SyntheticUniverse, params: Params) -> Reply:
    """esearch's XML or JSON for a term, paged by retstart and retmax."""
    term = param(params, "term", "")
    retmax = int(param(params, "retmax", "20") or 20)
    retstart = int(param(params, "retstart", "0") or 0)
    hits, translation, missing = search(universe, term)
    page = hits[retstart : retstart + retmax]
    if param(params, "retmode", "xml") == "json":
        result: dict[str, Any] = {
            "count": str(len(hits)),
            "retmax": str(len(page)),
            "retstart": str(retstart),
            "idlist": page,
            "translationset": [],
            "querytranslation": translation,
        }
        if missing:
            result["errorlist"] = {"phrasesnotfound": missing, "fieldsnotfound": []}
        data = {"header": {"type": "esearch", "version": "0.3"}, "esearchresult": result}
        return Reply(200, ncbi_json(data), JSON_TYPE, endpoint="esearch")
    idlist = "".join(f"<Id>{i}</Id>\n" for i in page)
    xml = (
        f"{_ESEARCH_HEAD}<eSearchResult><Count>{len(hits)}</Count>"
        f"<RetMax>{len(page)}</RetMax><RetStart>{retstart}</RetStart>"
    )
    xml += f"<IdList>\n{idlist}</IdList>" if page else "<IdList/>"
    xml += f"<TranslationSet/><QueryTranslation>{escape(translation)}</QueryTranslation>"
    if missing:
        phrases = "".join(f"<PhraseNotFound>{escape(p)}</PhraseNotFound>" for p in missing)
        xml += f"<ErrorList>{phrases}</ErrorList>"
        xml += "<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>"
    xml += "</eSearchResult>\n"
    return Reply(200, xml.encode("utf-8"), XML_TYPE, endpoint="esearch")


def elink(universe: SyntheticUniverse, params: Params) -> Reply:
    """pubmed<->pmc links, in XML or JSON."""
    dbfrom = param(params, "dbfrom", "pubmed")
    db = param(params, "db", "pmc")
    linkname = param(params, "linkname", f"{dbfrom}_{db}")
    uids = [u for v in params.get("id", []) for u in [v.strip()] if u]
    sets: list[tuple[str, list[str]]] = []
    for uid in uids:
        if dbfrom == "pubmed" and db == "pmc":
            rec = universe.record(uid)
            found = [rec.pmcid[3:]] if rec is not None and rec.pmcid else []
        elif dbfrom == "pmc" and db == "pubmed":
            pmid = universe.pmid_for_pmcid(uid)
            found = [pmid] if pmid else []
        else:
            raise BadRequest(f"the fake links pubmed<->pmc only, not {dbfrom}->{db}")
        sets.append((uid, found))
    if param(params, "retmode", "xml") == "json":
        linksets = []
        for uid, found in sets:
            entry: dict[str, Any] = {"dbfrom": dbfrom, "ids": [uid]}
            if found:
                entry["linksetdbs"] = [{"dbto": db, "linkname": linkname, "links": found}]
            linksets.append(entry)
        data = {"header": {"type": "elink", "version": "0.3"}, "linksets": linksets}
        return Reply(200, ncbi_json(data), JSON_TYPE, len(sets), "elink")
    xml = f"{_ELINK_HEAD}<eLinkResult>\n"
    for uid, found in sets:
        xml += f"\n  <LinkSet>\n    <DbFrom>{dbfrom}</DbFrom>\n    <IdList>\n"
        xml += f"      <Id>{escape(uid)}</Id>\n    </IdList>\n"
        if found:
            links = "".join(
                f"        <Link>\n          <Id>{f}</Id>\n        </Link>\n" for f in found
            )
            xml += (
                f"    <LinkSetDb>\n      <DbTo>{db}</DbTo>\n"
                f"      <LinkName>{linkname}</LinkName>\n      \n{links}      \n"
                "    </LinkSetDb>\n"
            )
        xml += "  </LinkSet>\n"
    xml += "</eLinkResult>\n"
    return Reply(200, xml.encode("utf-8"), XML_TYPE, len(sets), "elink")


def ecitmatch(universe: SyntheticUniverse, params: Params) -> Reply:
    """One line per citation of ``bdata``, with the PMID or NCBI's NOT_FOUND/AMBIGUOUS."""
    bdata = param(params, "bdata", "")
    lines = []
    for raw in bdata.replace("\r", "\n").split("\n"):
        if not raw.strip():
            continue
        fields = raw.replace("+", " ").lower().split("|")
        fields += [""] * (6 - len(fields))
        journal, year, volume, page, author, key = (f.strip() for f in fields[:6])
        lines.append("|".join([journal, year, volume, page, author, key, ""]))
        lines[-1] += citmatch(
            universe, journal=journal, year=year, volume=volume, page=page, author=author
        )
    body = "".join(line + "\n" for line in lines).encode("utf-8")
    return Reply(200, body, TEXT_TYPE, len(lines), "ecitmatch")


def idconv(universe: SyntheticUniverse, params: Params) -> Reply:
    """The PMC ID converter's JSON, with its limit of 200 ids."""
    raw = param(params, "ids", "")
    ids = [i.strip() for i in raw.split(",") if i.strip()]
    idtype = param(params, "idtype", "")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    request = {
        "idtype": idtype or "pmcid",
        "ids": ids,
        "versions": param(params, "versions", "yes"),
        "showaiid": "no",
        "format": param(params, "format", "json"),
    }
    if len(ids) > 200:
        error = {
            "status": "error",
            "message": "Too many IDs: the limit is 200",
            "responseDate": now,
            "request": request,
        }
        return Reply(400, ncbi_json(error, indent=1), JSON_TYPE, endpoint="idconv")
    records = []
    for ident in ids:
        pmid = _idconv_pmid(universe, ident, idtype)
        rec = universe.record(pmid) if pmid else None
        if rec is None or rec.pmcid is None:
            records.append(
                {
                    "requested-id": ident,
                    "status": "error",
                    "errmsg": "Identifier not found in PMC",
                }
            )
            continue
        entry: dict[str, Any] = {"pmcid": rec.pmcid, "pmid": int(rec.pmid)}
        if rec.doi:
            entry["doi"] = rec.doi
        entry["requested-id"] = ident
        records.append(entry)
    data = {"status": "ok", "responseDate": now, "request": request, "records": records}
    served = sum(1 for r in records if "pmcid" in r)
    return Reply(200, ncbi_json(data, indent=1), JSON_TYPE, served, "idconv")


def _idconv_pmid(universe: SyntheticUniverse, ident: str, idtype: str) -> str | None:
    kind = idtype or (
        "pmcid" if ident.upper().startswith("PMC") else "doi" if ident.startswith("10.") else "pmid"
    )
    if kind == "doi":
        return universe.pmid_for_doi(ident)
    if kind == "pmcid":
        return universe.pmid_for_pmcid(ident)
    return ident if universe.exists(ident) else None


def _summary(rec: SyntheticRecord) -> dict[str, Any]:
    articleids = [{"idtype": "pubmed", "idtypen": 1, "value": rec.pmid}]
    if rec.doi:
        articleids.append({"idtype": "doi", "idtypen": 3, "value": rec.doi})
    if rec.pmcid:
        articleids.append({"idtype": "pmc", "idtypen": 8, "value": rec.pmcid})
    return {
        "uid": rec.pmid,
        "pubdate": f"{rec.year} {rec.month}",
        "source": rec.iso_abbreviation,
        "authors": [
            {"name": f"{a.last} {a.initials}", "authtype": "Author", "clusterid": ""}
            for a in rec.authors
        ],
        "lastauthor": f"{rec.authors[-1].last} {rec.authors[-1].initials}",
        "title": rec.title,
        "volume": rec.volume,
        "issue": rec.issue,
        "pages": rec.pages,
        "lang": ["eng"],
        "issn": rec.issn,
        "pubtype": ["Journal Article"],
        "articleids": articleids,
        "fulljournalname": rec.journal,
        "elocationid": f"doi: {rec.doi}" if rec.doi else "",
        "sortpubdate": f"{rec.year}/01/01 00:00",
    }


Endpoint = Callable[[SyntheticUniverse, Params], Reply]

# Every endpoint the fake serves, by the name in its URL (``efetch.fcgi`` -> ``efetch``).
ENDPOINTS: dict[str, Endpoint] = {
    "efetch": efetch,
    "esummary": esummary,
    "esearch": esearch,
    "elink": elink,
    "ecitmatch": ecitmatch,
    "idconv": idconv,
}
