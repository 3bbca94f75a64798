"""The mirror's store: one SQLite file of record JSON, id indexes and a title index.

Chosen by measurement (``benchmarks/bench_mirror.py``, 200,000 records): the Enricher asks for
scattered PMIDs a few hundred at a time, which SQLite's B-tree keyed by PMID serves about 14
times faster than filtered Parquet reads, and update files replace and delete single records,
which SQLite does in place while a Parquet file must be rewritten. Parquet is about 8 times
smaller; the store trades disk for lookups. Records are kept as their ``to_dict`` JSON,
zlib-compressed by default (``build(compress=False)`` keeps plain JSON), and read back with
:func:`~pubenrich.model.records.record_from_dict`, so the mirror holds what the parser produced.

The build writes through :mod:`~pubenrich.mirror.store.tables` (the file's tables and the
writes to them); everything else reads through :mod:`~pubenrich.mirror.store.view`.
"""

from __future__ import annotations

from pubenrich.mirror.store.tables import BUILT_KEY as BUILT_KEY
from pubenrich.mirror.store.tables import STORE_NAME
from pubenrich.mirror.store.tables import Op as Op
from pubenrich.mirror.store.tables import Row as Row
from pubenrich.mirror.store.tables import applied_files as applied_files
from pubenrich.mirror.store.tables import apply_file as apply_file
from pubenrich.mirror.store.tables import connect as connect
from pubenrich.mirror.store.tables import load_pmc_ids as load_pmc_ids
from pubenrich.mirror.store.tables import record_row as record_row
from pubenrich.mirror.store.view import Mirror, TitleHit, stored_record

# The build's names stay importable from here (as ``X as X``), outside __all__ as before.
__all__ = ["STORE_NAME", "Mirror", "TitleHit", "stored_record"]
