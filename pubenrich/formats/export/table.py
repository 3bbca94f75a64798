"""CSV: one row per record, in columns the caller chooses.

Each column is a named function of the record, so a caller picks columns by name and adds its
own (a status, the input text) as extra columns.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import IO, Any

from pubenrich.formats.export import _common as common
from pubenrich.formats.export._common import Exportable
from pubenrich.model.records import BookArticle

__all__ = ["CSV_COLUMNS", "DEFAULT_CSV_COLUMNS", "CsvWriter", "csv_row"]


def _journal_title(r: Exportable) -> str | None:
    if isinstance(r, BookArticle):
        return r.book_title
    return r.journal.title if r.journal is not None else None


def _journal_part(name: str) -> Callable[[Exportable], Any]:
    return lambda r: getattr(r.journal, name) if r.journal is not None else None


CSV_COLUMNS: Mapping[str, Callable[[Exportable], Any]] = MappingProxyType(
    {
        "pmid": lambda r: r.pmid.value,
        "pmcid": lambda r: r.pmcid.value if r.pmcid else None,
        "doi": lambda r: r.doi.value if r.doi else None,
        "type": lambda r: r.record_type,
        "title": lambda r: r.title,
        "authors": lambda r: "; ".join(a.display_name for a in common.authors(r.authors)),
        "first_author": lambda r: next((a.display_name for a in common.authors(r.authors)), None),
        "journal": _journal_title,
        "journal_abbreviation": _journal_part("iso_abbreviation"),
        "year": lambda r: common.date_of(r).year,
        "date": lambda r: str(common.date_of(r)) or None,
        "volume": _journal_part("volume"),
        "issue": _journal_part("issue"),
        "pages": lambda r: common.pages_text(r.journal, "-"),
        "issn": lambda r: common.issn(r.journal),
        "language": common.language,
        "publication_types": lambda r: "; ".join(p.name for p in r.publication_types),
        "abstract": lambda r: r.abstract.text if r.abstract is not None else None,
        "retracted": lambda r: r.retraction.is_retracted,
        "note": common.note,
    }
)
"""Every column :func:`csv_row` knows, by name, and how it is read from a record."""

DEFAULT_CSV_COLUMNS: tuple[str, ...] = (
    "pmid", "pmcid", "doi", "title", "authors", "journal", "year", "volume", "issue", "pages",
    "publication_types", "retracted", "note",
)  # fmt: skip
"""The columns written when the caller names none (``abstract`` and a few more are opt-in)."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_columns(columns: Sequence[str] | None) -> tuple[str, ...]:
    """The chosen columns, or the defaults.

    Raises:
        ValueError: a column name that :data:`CSV_COLUMNS` does not know, naming the known ones.
    """
    chosen = DEFAULT_CSV_COLUMNS if columns is None else tuple(columns)
    unknown = [c for c in chosen if c not in CSV_COLUMNS]
    if unknown:
        raise ValueError(
            f"unknown CSV column(s) {', '.join(map(repr, unknown))}; "
            f"known columns: {', '.join(CSV_COLUMNS)}"
        )
    return chosen


def csv_row(record: Exportable | None, columns: Sequence[str] | None = None) -> dict[str, str]:
    """One record's CSV cells by column name (empty cells for ``None``, the record not found).

    Args:
        record: an :class:`Article` or :class:`BookArticle`, or None for an empty row.
        columns: names from :data:`CSV_COLUMNS`; by default :data:`DEFAULT_CSV_COLUMNS`.

    Raises:
        ValueError: an unknown column name.
        TypeError: the record is neither None nor an Article or BookArticle.
    """
    chosen = check_columns(columns)
    if record is None:
        return dict.fromkeys(chosen, "")
    record = common.check_exportable(record)
    return {name: _cell(CSV_COLUMNS[name](record)) for name in chosen}


class CsvWriter:
    """Write a header, then one row per record, with the caller's extra columns at the end.

    ``CsvWriter(stream, extra_columns=("status",)).writerow(article, {"status": "found"})``
    lets a caller add what the record does not hold. Open files with ``newline=""``, as the
    :mod:`csv` module asks.
    """

    def __init__(
        self,
        stream: IO[str],
        columns: Sequence[str] | None = None,
        extra_columns: Sequence[str] = (),
    ) -> None:
        """Check the columns and write the header.

        Raises:
            ValueError: an unknown column, or an extra column named like a record column.
        """
        self._columns = check_columns(columns)
        self._extra = tuple(extra_columns)
        clash = set(self._columns) & set(self._extra)
        if clash or len(set(self._extra)) != len(self._extra):
            raise ValueError(f"extra CSV columns repeat a column name: {sorted(clash)}")
        self._writer = csv.DictWriter(stream, fieldnames=self._columns + self._extra)
        self._writer.writeheader()

    def writerow(
        self, record: Exportable | None, extra: Mapping[str, object] | None = None
    ) -> None:
        """Write one row: the record's columns (empty for None) and ``extra`` by name.

        Raises:
            ValueError: ``extra`` names a column not declared in ``extra_columns``.
        """
        row = csv_row(record, self._columns)
        for name, value in (extra or {}).items():
            if name not in self._extra:
                raise ValueError(f"{name!r} is not one of the extra columns {self._extra}")
            row[name] = _cell(value)
        self._writer.writerow(row)
