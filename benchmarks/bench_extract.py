"""Throughput of pubenrich.text.extract: MB/s on reference-list-like text and on adversarial text.

Run: ``python benchmarks/bench_extract.py`` (``--reference-only`` for the first figure). The
reference-list text (~4 MB) should read at 60 MB/s or more (on a loaded machine, alternate runs
with the version you compare against); the adversarial texts (runs of ``10.``, ``PMC``, ``(``,
digits, ``doi:``, ``PMID``) at 1, 2, 4 and 8 MB should take time proportional to their size
(linear, no blow-up).
All text is synthetic (test DOI prefix 10.5555/, PMIDs 99000001+).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from pubenrich import extract

_ENTRY = (
    "{n}. Synthetic A, Example B, Sample C. Synthetic record for benchmark number {n}: "
    "effects of nothing on anything in a model of something. J Synth Biol. 2019;12(3):"
    "145-156. doi: 10.5555/jsb.2019.{n:05d}. PMID: {pmid}; PMCID: PMC{pmc}.\n"
    "   Another sentence of the abstract with numbers 119991, +7 (926) 505-84-27, 1992;101:"
    "1644-55 and ISSN 0027-8424 that must not become identifiers.\n\n"
)

_ADVERSARIAL: dict[str, str] = {
    "10.": "10." * 50 + "10.1234" + "/" + "(" * 30 + " ",
    "PMC": "PMC" * 40 + "9" * 15 + " ",
    "(": "10.5555/" + "(" * 400 + " ",
    "digits": "1234567890" * 40 + " ",
    "doi:": "doi:" * 50 + "10.5555/x-\n" * 3,
    "PMID": "PMID " * 40 + "PMID: " + "1" * 30 + " ",
}


def reference_text(size: int) -> str:
    """Reference-list-like text of about ``size`` characters."""
    parts = []
    total = n = 0
    while total < size:
        n += 1
        part = _ENTRY.format(n=n, pmid=99000000 + n, pmc=9000000 + n)
        parts.append(part)
        total += len(part)
    return "".join(parts)[:size]


def adversarial_text(kind: str, size: int) -> str:
    """``size`` characters of one adversarial pattern repeated."""
    unit = _ADVERSARIAL[kind]
    return (unit * (size // len(unit) + 1))[:size]


def best_seconds(func: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` runs of ``func``."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best is kept)")
    parser.add_argument("--reference-only", action="store_true", help="skip the adversarial texts")
    args = parser.parse_args()
    mb = 1_000_000
    text = reference_text(4 * mb)
    seconds = best_seconds(lambda: extract(text), args.repeat)
    count = len(extract(text))
    print(
        f"reference list  {len(text) / mb:5.1f} MB  {seconds:7.3f} s  "
        f"{len(text) / mb / seconds:7.1f} MB/s  ({count} mentions)"
    )
    if args.reference_only:
        return
    print("adversarial (time should double with size):")
    for kind in _ADVERSARIAL:
        cells = []
        for size in (1, 2, 4, 8):
            sample = adversarial_text(kind, size * mb)
            seconds = best_seconds(lambda sample=sample: extract(sample), args.repeat)
            cells.append(f"{size} MB {seconds:6.3f} s ({size / seconds:6.1f} MB/s)")
        print(f"  {kind:7s} " + " | ".join(cells))


if __name__ == "__main__":
    main()
