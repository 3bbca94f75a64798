"""Parse a 10,000-record efetch body: pubenrich's parser against Bio.Entrez.read.

Usage: python benchmarks/bench_parse.py [N] [--runs K]    (default 10000 records, 3 runs)

The body is built from the real PubMed samples in ../shared/ncbi-samples when present (records
renumbered to distinct PMIDs), else from the project's hand-built fixture. Both parsers read the
same bytes in the same run; the DOCTYPE names pubmed_250101.dtd, which biopython bundles, so
Bio.Entrez needs no network. Each parser reads the body K times, alternating, each time in a
fresh process of its own, and their medians are compared. Peak memory is measured with
tracemalloc while streaming. To compare the parser of two checkouts on the same bytes (a
regression check), see ``bench_parse_ab.py``.
"""

from __future__ import annotations

import argparse
import gc
import io
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from Bio import Entrez

from pubenrich import parse_pubmed_xml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "ncbi-samples" / "efetch_pubmed_xml"
FIXTURE = ROOT / "tests" / "fixtures" / "pubmed" / "synthetic_features.xml"
HEAD = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>"
)
RECORD = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)
PMID = re.compile(rb'(<MedlineCitation[^>]*>\s*<PMID Version="\d+">)\d+(</PMID>)')


def source_records() -> list[bytes]:
    # Only samples written under the 2024/2025 DTDs: Bio.Entrez checks records against the
    # one DTD the DOCTYPE names, and older records hold elements that DTD no longer has.
    files = [
        f
        for f in sorted(SHARED.glob("*.xml"))
        if SHARED.is_dir()
        if b"pubmed_250101.dtd" in f.read_bytes()[:400]
        or b"pubmed_240101.dtd" in f.read_bytes()[:400]
    ] or [FIXTURE]
    records = [m.group(0) for f in files for m in RECORD.finditer(f.read_bytes())]
    return [r for r in records if PMID.search(r)]


def body(n: int) -> bytes:
    records = source_records()
    parts = []
    for i in range(n):
        record = records[i % len(records)]
        parts.append(PMID.sub(rb"\g<1>" + str(90_000_000 + i).encode() + rb"\g<2>", record, 1))
    return HEAD + b"".join(parts) + b"</PubmedArticleSet>"


PARSERS: dict[str, tuple[str, Callable[[bytes], int]]] = {
    "ours": ("pubenrich.parse_pubmed_xml", lambda data: sum(1 for _ in parse_pubmed_xml(data))),
    "entrez": ("Bio.Entrez.read", lambda data: len(Entrez.read(io.BytesIO(data))["PubmedArticle"])),
}


def child(which: str, n: int) -> None:
    """Time one parse in this (fresh) process; print seconds and the record count."""
    data = body(n)
    gc.collect()
    started = time.perf_counter()
    count = PARSERS[which][1](data)
    print(f"{time.perf_counter() - started} {count}")


def timed(which: str, n: int) -> float:
    """One parse of the body in a child process of its own, so that neither parser runs in the
    heap the other left behind (Bio.Entrez's whole-document tree slowed the parse that followed
    it in the same process by up to 30%)."""
    out = subprocess.run(
        [sys.executable, __file__, str(n), "--child", which],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    elapsed, count = float(out[0]), int(out[1])
    label = PARSERS[which][0]
    print(f"{label:<28} {count:>7,} records  {elapsed:7.2f} s  {n / elapsed:>9,.0f} records/s")
    return elapsed


def peak_mib(data: bytes) -> float:
    tracemalloc.start()
    for _ in parse_pubmed_xml(data):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=sorted(PARSERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    n = args.n
    if args.child:
        child(args.child, n)
        return
    data = body(n)
    print(f"body: {n:,} records, {len(data) / 2**20:.1f} MiB, from {len(source_records())} sources")
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(args.runs):
        ours.append(timed("ours", n))
        try:
            theirs.append(timed("entrez", n))
        except subprocess.CalledProcessError as exc:
            print(f"Bio.Entrez.read failed: {exc.stderr.strip().splitlines()[-1]}")
            break
    mine = statistics.median(ours)
    print(f"median pubenrich: {n / mine:,.0f} records/s")
    if theirs:
        other = statistics.median(theirs)
        print(f"median Bio.Entrez.read: {n / other:,.0f} records/s")
        print(f"speed-up (medians): {other / mine:.1f}x")
    print("peak traced memory while streaming (input bytes excluded):")
    for size in (1_000, 10_000, 50_000):
        sample = body(size)
        mib = len(sample) / 2**20
        print(f"  {size:>6,} records ({mib:6.1f} MiB input): {peak_mib(sample):6.1f} MiB")


if __name__ == "__main__":
    main()
