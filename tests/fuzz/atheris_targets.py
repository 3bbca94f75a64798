"""Coverage-guided fuzzing of the parser and the extractor with atheris (not run by pytest).

The hypothesis tests in ``tests/integration/test_hostile_input.py`` run in CI; this script is
the longer, coverage-guided search that atheris (libFuzzer for Python) adds where it installs:

    pip install atheris
    python tests/fuzz/atheris_targets.py xml -max_total_time=120 -rss_limit_mb=2048
    python tests/fuzz/atheris_targets.py extract -max_total_time=120

Targets: ``xml`` feeds the bytes to ``parse_pubmed_xml`` (only ``ParseError`` may escape),
seeded with the project's PubMed fixtures; ``extract`` decodes them as UTF-8 and runs
``extract`` and ``read_citations`` (nothing may escape), seeded with ``seeds/``. Any other
exception, a crash, a hang past libFuzzer's timeout or memory past its limit is a finding,
saved by libFuzzer as a ``crash-*`` / ``timeout-*`` file to replay with the same command.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import pubenrich

ROOT = Path(__file__).resolve().parents[2]


def fuzz_xml(data: bytes) -> None:
    try:
        for _ in pubenrich.parse_pubmed_xml(data):
            pass
    except pubenrich.ParseError:
        pass


def fuzz_extract(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    pubenrich.extract(text)
    pubenrich.read_citations(text)


TARGETS = {
    "xml": (fuzz_xml, sorted((ROOT / "tests" / "fixtures" / "pubmed").glob("*.xml"))),
    "extract": (fuzz_extract, sorted((ROOT / "seeds").iterdir())),
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(TARGETS)}}} [libFuzzer options]")
    target, seeds = TARGETS[sys.argv[1]]
    corpus = Path(tempfile.mkdtemp(prefix=f"pubenrich-fuzz-{sys.argv[1]}-"))
    for seed in seeds:
        (corpus / seed.name).write_bytes(seed.read_bytes())
    atheris.Setup([sys.argv[0], *sys.argv[2:], str(corpus)], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
