"""Write N records in every export format and print records per second and output size.

Usage: python benchmarks/bench_export.py [N]     (default 10000)

The records are the hand-built fixture's articles (a retracted one with a date range, a
structured abstract and non-ASCII names; one with a season) repeated with distinct PMIDs, so
every BibTeX key repeats and the writer's key disambiguation is part of what is measured.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import attrs

from pubenrich import PMID, Article, parse_pubmed_xml
from pubenrich.formats.export import FORMATS, write

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pubmed"


def records(n: int) -> list[Article]:
    base = [
        r for r in parse_pubmed_xml(FIXTURE / "synthetic_features.xml") if isinstance(r, Article)
    ]
    return [attrs.evolve(base[i % len(base)], pmid=PMID(str(98_000_001 + i))) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    n = parser.parse_args().n
    data = records(n)
    print(f"{n:,} records (keys repeat: {len(data) - 2:,} need a suffix)")
    for fmt in FORMATS:
        stream = io.StringIO(newline="")
        started = time.perf_counter()
        write(data, fmt, stream)
        elapsed = time.perf_counter() - started
        size = len(stream.getvalue().encode("utf-8")) / 2**20
        print(f"{fmt:<9} {elapsed:6.2f} s  {n / elapsed:>9,.0f} records/s  {size:6.1f} MiB")


if __name__ == "__main__":
    main()
