"""A/B the PubMed XML parser of two checkouts on the same bytes (a regression check).

Usage: python benchmarks/bench_parse_ab.py OLD_CHECKOUT NEW_CHECKOUT [--body all|bench]
       [--copies K] [--n N] [--runs R] [--instructions]

Each checkout's ``parse_pubmed_xml`` reads the same body in a fresh process of its own,
alternating old/new R times (so that a load on a shared machine falls on both alike); best
and median records/s are printed for each. ``--body all`` (the default) is every
``PubmedArticle`` of the real samples in ../shared/ncbi-samples, of any DTD, K copies;
``--body bench`` is ``bench_parse.py``'s body of N records (2024/2025 DTDs, renumbered).
``--instructions`` also counts the instructions spent in the parse under valgrind's
callgrind (collection on only while ``sum`` drains the parser, so imports and body
building are left out): a figure that another process's load cannot move. Instruction
counts miss what SIMD does (a ``memchr`` scan costs few instructions per byte), so the
wall-clock figures stay the ones that decide.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent.parent / "shared" / "ncbi-samples" / "efetch_pubmed_xml"
HEAD = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>"
)
RECORD = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)
CHILD = """
import gc, sys, time
from pubenrich import parse_pubmed_xml
data = open(sys.argv[1], "rb").read()
gc.collect()
started = time.perf_counter()
count = sum(1 for _ in parse_pubmed_xml(data))
print(time.perf_counter() - started, count)
"""


def all_samples(copies: int) -> bytes:
    records = [
        m.group(0) for f in sorted(SAMPLES.glob("*.xml")) for m in RECORD.finditer(f.read_bytes())
    ]
    return HEAD + b"".join(records * copies) + b"</PubmedArticleSet>"


def bench_body(n: int) -> bytes:
    sys.path.insert(0, str(HERE))
    import bench_parse  # noqa: PLC0415 - the benchmark next door builds its body

    return bench_parse.body(n)


def timed(checkout: str, body: str) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=checkout)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, body],
        env=env,
        cwd=checkout,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1])


def instructions(checkout: str, body: str) -> int:
    env = dict(os.environ, PYTHONPATH=checkout, PYTHONHASHSEED="0")
    command = [
        "valgrind",
        "--tool=callgrind",
        "--toggle-collect=*builtin_sum*",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-c",
        CHILD,
        body,
    ]
    err = subprocess.run(
        command, env=env, cwd=checkout, check=True, capture_output=True, text=True
    ).stderr
    found = re.search(r"Collected : (\d+)", err)
    if found is None:
        raise SystemExit(f"no instruction count from valgrind: {err[-300:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--body", choices=("all", "bench"), default="all")
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--instructions", action="store_true")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        raise SystemExit(f"needs the real samples in {SAMPLES}")
    data = all_samples(args.copies) if args.body == "all" else bench_body(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        body = os.path.join(tmp, "body.xml")
        Path(body).write_bytes(data)
        times: dict[str, list[float]] = {args.old: [], args.new: []}
        count = 0
        for _ in range(args.runs):
            for checkout in (args.old, args.new):
                elapsed, count = timed(checkout, body)
                times[checkout].append(elapsed)
        size = len(data) / 2**20
        print(f"body: {count:,} records, {size:.1f} MiB ({args.body}), {args.runs} runs each")
        for label, checkout in (("old", args.old), ("new", args.new)):
            runs = times[checkout]
            print(
                f"{label} {checkout}: best {count / min(runs):,.0f} records/s, "
                f"median {count / statistics.median(runs):,.0f} records/s"
            )
        if args.instructions:
            if shutil.which("valgrind") is None:
                raise SystemExit("--instructions needs valgrind")
            counts = {c: instructions(c, body) for c in (args.old, args.new)}
            for label, checkout in (("old", args.old), ("new", args.new)):
                spent = counts[checkout]
                print(
                    f"{label} instructions in the parse: {spent:,} ({spent / count:,.0f} a record)"
                )
            print(f"new/old instructions: {counts[args.new] / counts[args.old]:.3f}")


if __name__ == "__main__":
    main()
