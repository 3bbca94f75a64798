"""Build a local mirror from generated baseline files and enrich from it; print the figures.

Generates >= 200,000 synthetic records (PMIDs 98000001+, DOIs under 10.5555/) in baseline-file
format, then:

1. builds the mirror with one process, with all cores, and on a two-worker local Dask cluster
   (records/s of each; the three stores must hold the same records);
2. compares the chosen store (SQLite: compressed record JSON keyed by PMID) with Parquet via
   pyarrow for the Enricher's access pattern (scattered PMIDs, 200 a batch) and for applying
   an update file;
3. fetches and enriches 100,000 ids through ``Enricher(mirror=DIR)`` and sets the rates
   against E-utilities' bound at 10 requests/s with 200 ids a request (2,000 records/s at
   best), then splits a typed record's cost by stage (microseconds per record).

Usage: ``PYTHONPATH=. python benchmarks/bench_mirror.py [--records 200000] [--keep DIR]``
(needs ``pip install -e ".[bulk]" pyarrow``: pyarrow only for the Parquet comparison).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import sqlite3
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import distributed
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pubenrich import Config, Enricher, NoCache
from pubenrich.mirror import Mirror, build
from pubenrich.mirror.store import STORE_NAME
from pubenrich.model.records import record_from_dict
from pubenrich.testing.fake_ncbi import SyntheticUniverse
from pubenrich.testing.mirror_files import write_pubmed_file

PER_FILE = 10_000
API_IDS_PER_REQUEST = 200
API_REQUESTS_PER_SECOND = 10


def _generate(root: Path, universe: SyntheticUniverse) -> int:
    records = list(universe.records())
    for n, start in enumerate(range(0, len(records), PER_FILE), start=1):
        write_pubmed_file(
            root / "baseline" / f"pubmed25n{n:04d}.xml.gz",
            universe,
            records[start : start + PER_FILE],
            compresslevel=1,
        )
    return len(records)


def _copy_files(source: Path, target: Path) -> None:
    shutil.copytree(source / "baseline", target / "baseline")


def _build(label: str, root: Path, **how: object) -> float:
    report = build(root, **how)  # type: ignore[arg-type]
    print(
        f"  {label:<28} {report.records:>9,} records in {report.seconds:7.1f} s = "
        f"{report.records_per_second:>9,.0f} records/s"
    )
    return report.records_per_second


def _dask_build(root: Path) -> float:
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        return _build("Dask, 2-worker local cluster", root, scheduler=client)


def _layouts(root: Path, sample: list[str]) -> None:
    """Compare the SQLite store with Parquet for scattered lookups and one update."""
    store = root / STORE_NAME
    print(f"  SQLite store (JSON+zlib, FTS5 title index): {store.stat().st_size / 1e6:,.0f} MB")
    batches = [sample[i : i + API_IDS_PER_REQUEST] for i in range(0, len(sample), 200)]
    with Mirror(root) as mirror:
        started = time.perf_counter()
        for batch in batches:
            mirror.get(batch)
        sqlite_rate = len(sample) / (time.perf_counter() - started)
    print(f"  SQLite get(), batches of 200 scattered PMIDs:  {sqlite_rate:>9,.0f} records/s")
    with sqlite3.connect(store) as conn:
        rows = conn.execute("SELECT pmid, data FROM records ORDER BY pmid").fetchall()
    table = pa.table(
        {
            "pmid": pa.array([r[0] for r in rows], pa.int64()),
            "data": pa.array([zlib.decompress(r[1]).decode() for r in rows], pa.string()),
        }
    )
    parquet = root / "records.parquet"
    started = time.perf_counter()
    pq.write_table(table, parquet, compression="zstd", row_group_size=20_000)
    write_s = time.perf_counter() - started
    print(
        f"  Parquet (zstd, row groups of 20,000): {parquet.stat().st_size / 1e6:,.0f} MB, "
        f"written in {write_s:.1f} s"
    )
    probe = batches[: max(1, min(len(batches), 20))]
    started = time.perf_counter()
    for batch in probe:
        wanted = pa.array([int(p) for p in batch], pa.int64())
        found = pq.read_table(parquet, filters=pc.field("pmid").isin(wanted))
        [json.loads(s) for s in found.column("data").to_pylist()]
    parquet_rate = sum(map(len, probe)) / (time.perf_counter() - started)
    print(f"  Parquet filtered read, same batches:           {parquet_rate:>9,.0f} records/s")
    started = time.perf_counter()
    whole = pq.read_table(parquet)
    keep = pc.invert(pc.is_in(whole.column("pmid"), pa.array([int(sample[0])], pa.int64())))
    pq.write_table(whole.filter(keep), parquet, compression="zstd", row_group_size=20_000)
    print(
        f"  applying one update to Parquet (rewrite): {time.perf_counter() - started:.2f} s; "
        "SQLite replaces rows in place"
    )
    print(f"  => SQLite lookups are {sqlite_rate / parquet_rate:,.0f}x Parquet's")
    parquet.unlink()


def _enrich(root: Path, ids: list[str]) -> float:
    # E-utilities at an address nothing listens on: any request would fail the benchmark.
    config = Config(eutils_url="http://127.0.0.1:9/eutils/", idconv_url="http://127.0.0.1:9/")
    started = time.perf_counter()
    with Enricher(config, NoCache(), mirror=root) as enricher:
        found = sum(result.ok for result in enricher.fetch(ids))
    seconds = time.perf_counter() - started
    if found != len(ids):
        raise SystemExit(f"only {found} of {len(ids)} ids found in the mirror")
    return len(ids) / seconds


def _enrich_records(root: Path, ids: list[str]) -> float:
    """``Enricher.enrich`` over partial records naming a PMID: typed EnrichedRecords."""
    config = Config(eutils_url="http://127.0.0.1:9/eutils/", idconv_url="http://127.0.0.1:9/")
    started = time.perf_counter()
    with Enricher(config, NoCache(), mirror=root) as enricher:
        found = sum(
            r.ok and r.source == "mirror" for r in enricher.enrich({"pmid": i} for i in ids)
        )
    seconds = time.perf_counter() - started
    if found != len(ids):
        raise SystemExit(f"only {found} of {len(ids)} ids enriched from the mirror")
    return len(ids) / seconds


def _stages(root: Path, ids: list[str]) -> None:
    """Microseconds per record of each step of a mirror fetch, records dropped as made."""
    n = len(ids)

    def timed(label: str, step: Callable[[], list[Any]]) -> list[Any]:
        started = time.perf_counter()
        out = step()
        print(f"    {label:<44} {(time.perf_counter() - started) / n * 1e6:6.1f} us")
        return out

    with Mirror(root) as mirror:
        blobs = timed(
            "SQLite lookup (900 PMIDs a query)",
            lambda: [
                b for i in range(0, n, 900) for b in mirror.stored_by_key(ids[i : i + 900]).values()
            ],
        )
    plain = timed("zlib decompress", lambda: [zlib.decompress(b) for b in blobs])
    timed("JSON decode (orjson), dicts dropped", lambda: [len(orjson.loads(b)) for b in plain])
    dicts = [orjson.loads(b) for b in plain[:20_000]]
    started = time.perf_counter()
    for data in dicts:
        record_from_dict(data, trusted=True)
    build_us = (time.perf_counter() - started) / len(dicts) * 1e6
    print(f"    {'typed Article from dict (trusted), dropped':<44} {build_us:6.1f} us")


def _plain(work: Path, sample: list[str], api: int) -> None:
    """The same store with plain JSON (what ``build(compress=False)`` writes)."""
    plain = work / "plain"
    plain.mkdir()
    with sqlite3.connect(work / "one" / STORE_NAME) as source:
        source.execute("VACUUM INTO ?", (str(plain / STORE_NAME),))
    with sqlite3.connect(plain / STORE_NAME) as conn:
        conn.create_function("inflate", 1, zlib.decompress, deterministic=True)
        conn.execute("UPDATE records SET data = inflate(data)")
    with sqlite3.connect(plain / STORE_NAME) as conn:
        conn.execute("VACUUM")
    print(
        f"  plain-JSON store (build(compress=False)): "
        f"{(plain / STORE_NAME).stat().st_size / 1e6:,.0f} MB"
    )
    rate = _enrich(plain, sample)
    print(f"  {len(sample):,} ids from the plain store:  {rate:>9,.0f} records/s")
    started = time.perf_counter()
    with Mirror(plain) as mirror:
        for start in range(0, len(sample), 1000):
            mirror.get_json(sample[start : start + 1000])
    raw = len(sample) / (time.perf_counter() - started)
    print(f"  same ids as plain JSON (get_json):       {raw:>9,.0f} records/s = {raw / api:,.0f}x")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=205_000, help="universe size")
    parser.add_argument("--ids", type=int, default=100_000, help="ids to enrich")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_mirror_"))
    universe = SyntheticUniverse(size=args.records, seed=1)
    cores = os.cpu_count() or 1
    try:
        started = time.perf_counter()
        count = _generate(work / "one", universe)
        files = len(list((work / "one" / "baseline").iterdir()))
        print(
            f"generated {count:,} synthetic records in {files} baseline-format files "
            f"in {time.perf_counter() - started:.0f} s"
        )
        sample = random.Random(7).sample(universe.pmids(), min(args.ids, count))
        # The universe caches its 200k synthetic records, some 1.4 million objects that every
        # full garbage collection would walk during the timings below (gen2 took 40% of an
        # enrich run with them alive); a pipeline holds no such heap, so they go now.
        del universe
        gc.collect()
        for name in ("all", "dask"):
            _copy_files(work / "one", work / name)
        print("build:")
        _build("one process", work / "one", processes=1)
        _build(f"all cores ({cores} processes)", work / "all", processes=cores)
        _dask_build(work / "dask")
        with Mirror(work / "one") as a, Mirror(work / "dask") as b:
            probe = sample[:2000]
            if a.get(probe) != b.get(probe):
                raise SystemExit("the Dask build differs from the one-process build")
        print("store layout:")
        _layouts(work / "one", sample[:20_000])
        print("enrich:")
        rate = _enrich(work / "one", sample)
        api = API_IDS_PER_REQUEST * API_REQUESTS_PER_SECOND
        print(f"  {len(sample):,} ids from the mirror: {rate:>9,.0f} records/s")
        print(
            f"  E-utilities bound: {API_IDS_PER_REQUEST} ids/request x "
            f"{API_REQUESTS_PER_SECOND} requests/s = {api:,} records/s "
            f"({len(sample) / api:,.0f} s for the same job)"
        )
        print(f"  mirror / API = {rate / api:,.0f}x (target >= 100x)")
        rate = _enrich_records(work / "one", sample)
        print(f"  {len(sample):,} ids enriched (EnrichedRecord): {rate:>9,.0f} records/s")
        print(f"  enrich mirror / API = {rate / api:,.0f}x")
        print("  cost of one typed record from the mirror, by stage:")
        _stages(work / "one", sample)
        started = time.perf_counter()
        with Mirror(work / "one") as mirror:
            for start in range(0, len(sample), 1000):
                mirror.get_json(sample[start : start + 1000])
        raw = len(sample) / (time.perf_counter() - started)
        print(f"  same ids as stored JSON (Mirror.get_json): {raw:>9,.0f} records/s")
        print(f"  get_json / API = {raw / api:,.0f}x")
        _plain(work, sample, api)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
