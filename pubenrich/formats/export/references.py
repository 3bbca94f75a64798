"""Export enriched inputs, a pasted reference list as one entry per reference.

An input read as a reference list comes back ``multiple``, its papers in ``related`` in text
order. A user who pastes a list wants the list back: one entry per reference, in order, and
for each reference that was not resolved a note in its place (``@comment`` in BibTeX, an entry
with a note in RIS and CSL-JSON, a row with its status in CSV), so that nothing is lost
silently and the numbering of the list still holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from pubenrich.formats.export._common import unique_key
from pubenrich.formats.export.bibtex import bibtex_escape, bibtex_key, to_bibtex
from pubenrich.formats.export.csl import to_csl_json
from pubenrich.formats.export.ris import RIS_EOL, to_ris
from pubenrich.formats.export.table import CsvWriter
from pubenrich.model.enriched import EnrichedRecord

__all__ = ["EnrichedCounts", "references", "unresolved_reason", "write_enriched"]

_CITED_CHARS = 300  # a reference line longer than this is clipped in its note


def references(record: EnrichedRecord) -> tuple[EnrichedRecord, ...]:
    """One record per reference: a ``multiple`` record's papers, else the record itself."""
    return record.related if record.status == "multiple" else (record,)


def unresolved_reason(record: EnrichedRecord) -> str:
    """Why a reference has no entry, in a few words (status, then error or best candidates)."""
    if record.error is not None:
        return f"{record.status}: {' '.join(str(record.error).split())}"
    if record.candidates:
        best = ", ".join(f"PMID {c.pmid} ({c.score.total:.2f})" for c in record.candidates[:3])
        return f"{record.status}: candidates {best}"
    return record.status


def _cited(record: EnrichedRecord) -> str:
    text = record.input if isinstance(record.input, str) else repr(record.input)
    text = " ".join(text.split())
    return text if len(text) <= _CITED_CHARS else text[: _CITED_CHARS - 1] + "…"


class EnrichedCounts:
    """What :func:`write_enriched` wrote.

    Attributes:
        inputs: enriched records read.
        entries: references written as entries.
        notes: references not resolved, written as notes.
        left_out: single inputs (not from a list) not enriched, left out.
    """

    def __init__(self) -> None:
        self.inputs = 0
        self.entries = 0
        self.notes = 0
        self.left_out = 0


class _Writer:
    """One stream in one format; keeps keys unique and CSL-JSON's array open."""

    def __init__(self, fmt: str, stream: IO[str]) -> None:
        self.fmt = fmt
        self.stream = stream
        self.used: dict[str, int] = {}
        self.count = 0
        self.csv = CsvWriter(stream, extra_columns=("input", "status")) if fmt == "csv" else None

    def _csl_item(self, item: dict[str, Any]) -> None:
        text = json.dumps(item, ensure_ascii=False)
        self.stream.write(("[\n" if not self.count else ",\n") + text)

    def entry(self, record: EnrichedRecord) -> None:
        article = record.article
        if self.csv is not None:
            self.csv.writerow(article, {"input": _cited(record)[:200], "status": record.status})
        elif article is None:  # pragma: no cover - callers pass enriched records only
            raise ValueError("an entry needs an article")
        elif self.fmt == "ris":
            self.stream.write(to_ris(article))
        else:
            key = unique_key(bibtex_key(article), self.used)
            if self.fmt == "bibtex":
                self.stream.write(("\n" if self.count else "") + to_bibtex(article, key))
            else:
                self._csl_item(to_csl_json(article, key))
        self.count += 1

    def note(self, record: EnrichedRecord, number: int) -> None:
        reason = unresolved_reason(record)
        cited = _cited(record)
        if self.csv is not None:
            self.csv.writerow(None, {"input": cited[:200], "status": record.status})
        elif self.fmt == "bibtex":
            text = bibtex_escape(f"reference {number} not resolved ({reason}): {cited}")
            self.stream.write(("\n" if self.count else "") + "@comment{" + text + "}\n")
        elif self.fmt == "ris":
            # RIS has no comment line; a generic entry keeps the reference's place in the list.
            lines = ("TY  - GEN", f"TI  - {cited}", f"N1  - not resolved ({reason})", "ER  - ")
            self.stream.write("".join(line + RIS_EOL for line in lines))
        else:
            note = f"reference {number} not resolved ({reason})"
            item = {"id": f"unresolved-{number}", "type": "document", "title": cited}
            self._csl_item({**item, "note": note})
        self.count += 1

    def close(self) -> None:
        if self.fmt == "csl-json":
            self.stream.write("\n]\n" if self.count else "[]\n")


def write_enriched(records: Iterable[EnrichedRecord], fmt: str, stream: IO[str]) -> EnrichedCounts:
    """Write enriched inputs in ``fmt`` (``csl-json``, ``bibtex``, ``ris`` or ``csv``).

    Every reference of a ``multiple`` input gets its place, in order: an entry when it was
    enriched, a note saying why not otherwise (numbered from 1 within its list). A single
    input that was not enriched is left out of BibTeX, RIS and CSL-JSON (it may be a whole
    page, not a reference) and counted in ``left_out``; CSV has a row for every one.

    Args:
        records: the records, e.g. as ``Enricher.enrich`` yields them (consumed lazily).
        fmt: the format.
        stream: a text stream the caller owns.

    Returns:
        The counts of what was written.

    Raises:
        ValueError: a format this does not write (``jsonl`` is ``record.to_dict()`` a line).
    """
    if fmt not in ("csl-json", "bibtex", "ris", "csv"):
        raise ValueError(f"write_enriched writes csl-json, bibtex, ris or csv, not {fmt!r}")
    writer = _Writer(fmt, stream)
    counts = EnrichedCounts()
    for record in records:
        counts.inputs += 1
        for number, item in enumerate(_items(record), start=1):
            resolved = item.status == "enriched" and item.article is not None
            if resolved:
                writer.entry(item)
                counts.entries += 1
            elif record.status == "multiple":
                writer.note(item, number)
                counts.notes += 1
            elif fmt == "csv":
                writer.entry(item)
                counts.left_out += 1
            else:
                counts.left_out += 1
    writer.close()
    return counts


def _items(record: EnrichedRecord) -> Iterator[EnrichedRecord]:
    yield from references(record)
