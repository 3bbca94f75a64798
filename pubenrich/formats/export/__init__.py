"""Exports of the one record model: CSL-JSON, BibTeX, RIS, CSV and JSONL.

Pure renderers (``to_csl_json``, ``to_bibtex``, ``to_ris``, ``csv_row``) turn one
:class:`Article` or :class:`BookArticle` into its format; :func:`write` streams many into a
text stream the caller opened. A retracted record carries a note in every format.
:func:`write_enriched` writes what ``Enricher.enrich`` yields: a pasted reference list
(``multiple``) as one entry per reference, in order, with a note for each one not resolved.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO

from pubenrich.formats.export import _common as common
from pubenrich.formats.export._common import Exportable, unique_key
from pubenrich.formats.export.bibtex import bibtex_escape, bibtex_key, to_bibtex
from pubenrich.formats.export.csl import to_csl_json
from pubenrich.formats.export.references import references, write_enriched
from pubenrich.formats.export.ris import RIS_EOL, to_ris
from pubenrich.formats.export.table import CSV_COLUMNS, DEFAULT_CSV_COLUMNS, CsvWriter, csv_row

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_CSV_COLUMNS",
    "FORMATS",
    "RIS_EOL",
    "CsvWriter",
    "Exportable",
    "bibtex_escape",
    "bibtex_key",
    "csv_row",
    "references",
    "to_bibtex",
    "to_csl_json",
    "to_ris",
    "unique_key",
    "write",
    "write_enriched",
]

FORMATS = ("csl-json", "bibtex", "ris", "csv", "jsonl")


def write(
    records: Iterable[Exportable],
    fmt: str,
    stream: IO[str],
    *,
    columns: Sequence[str] | None = None,
    extra_columns: Mapping[str, Callable[[Exportable], object]] | None = None,
) -> int:
    """Write records to a text stream in one of :data:`FORMATS`, one at a time.

    BibTeX keys and CSL-JSON ids are made unique across the records (``smith2020x``, then
    ``smith2020xa``, ``smith2020xb`` ...). CSL-JSON is one JSON array, an item a line; JSONL is one
    ``record.to_dict()`` per line; RIS lines end with CR LF and CSV rows as :mod:`csv` ends
    them, so open files with ``newline=""``.

    Args:
        records: :class:`Article` and :class:`BookArticle` records.
        fmt: one of :data:`FORMATS`.
        stream: a text stream the caller owns (it is not closed).
        columns: CSV only: column names from :data:`CSV_COLUMNS` (default
            :data:`DEFAULT_CSV_COLUMNS`).
        extra_columns: CSV only: more columns, each a name and a function of the record
            (for values bound to other data, use :class:`CsvWriter` directly).

    Returns:
        How many records were written.

    Raises:
        ValueError: an unknown format or CSV column, or CSV options with another format.
        TypeError: a record that is not an Article or BookArticle.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    if fmt != "csv" and (columns is not None or extra_columns):
        raise ValueError(f"columns and extra_columns apply to csv, not {fmt}")
    if fmt == "csv":
        extra = dict(extra_columns or {})
        writer = CsvWriter(stream, columns, tuple(extra))
    used: dict[str, int] = {}
    count = 0
    for given in records:
        record = common.check_exportable(given)
        if fmt == "csv":
            writer.writerow(record, {name: get(record) for name, get in extra.items()})
        elif fmt == "jsonl":
            stream.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        elif fmt == "ris":
            stream.write(to_ris(record))
        else:
            key = unique_key(bibtex_key(record), used)
            if fmt == "bibtex":
                stream.write(("\n" if count else "") + to_bibtex(record, key))
            else:
                item = json.dumps(to_csl_json(record, key), ensure_ascii=False)
                stream.write(("[\n" if not count else ",\n") + item)
        count += 1
    if fmt == "csl-json":
        stream.write("\n]\n" if count else "[]\n")
    return count
