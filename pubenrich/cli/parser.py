"""The ``pubenrich`` command line's options: kept apart from what the commands do, so that each
subcommand's options, defaults and examples read in one place."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from pubenrich import __version__
from pubenrich.cache import default_cache_path
from pubenrich.cli import mirror as cli_mirror
from pubenrich.cli.help import EXAMPLES, cache_help
from pubenrich.formats.export import FORMATS

__all__ = ["build_parser"]


def _network_options(parser: argparse.ArgumentParser, *, formats: Sequence[str]) -> None:
    parser.add_argument(
        "--format", choices=formats, default="jsonl", help="output format (default: jsonl)"
    )
    parser.add_argument("--api-key", help="NCBI API key (default: $NCBI_API_KEY)")
    parser.add_argument("--email", help="your email for NCBI (default: $NCBI_EMAIL)")
    parser.add_argument(
        "--cache",
        metavar="PATH",
        help=f"SQLite cache file (default: {default_cache_path()}; with --replay, none)",
    )
    parser.add_argument("--no-cache", action="store_true", help="keep nothing")
    parser.add_argument("--offline", action="store_true", help="answer from the cache only")
    parser.add_argument(
        "--replay",
        metavar="FILE",
        help="serve NCBI's answers from a replay file instead of the network; the ones in "
        "tests/fixtures/replay are hand-built (partly synthetic records, not NCBI's word); "
        "nothing is cached unless --cache is given",
    )
    parser.add_argument(
        "--mirror", metavar="DIR", help="a local PubMed mirror to answer from first"
    )


def _command(commands: Any, name: str, text: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=text,
        description=text,
        epilog=EXAMPLES[name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pubenrich",
        description="Messy text about papers in, canonical metadata out.",
        epilog=EXAMPLES["pubenrich"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pubenrich {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and every log line")
    parser.add_argument("--verbose", action="store_true", help="log every retry")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = _command(commands, "extract", "citations and identifiers with their spans")
    extract.add_argument("files", nargs="*", help="text files; '-' or none reads standard input")
    extract.add_argument(
        "--format",
        choices=("table", "jsonl"),
        help="a table, or JSON lines (default: a table on a terminal, else JSON lines)",
    )
    enrich = _command(
        commands, "enrich", "enrich texts: one record per file (or line, with --lines)"
    )
    enrich.add_argument("files", nargs="*", help="text files; '-' or none reads standard input")
    enrich.add_argument(
        "--lines", action="store_true", help="one input per line (default: one per file)"
    )
    enrich.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        help="a progress bar on standard error (default: when it is a terminal)",
    )
    _network_options(enrich, formats=FORMATS)
    fetch = _command(commands, "fetch", "the records of PMIDs")
    fetch.add_argument(
        "ids", nargs="*", help="PMIDs (spaces or commas between); none reads standard input"
    )
    _network_options(fetch, formats=FORMATS)
    convert = _command(commands, "convert", "PMID <-> PMCID <-> DOI, as JSON lines")
    convert.add_argument(
        "ids", nargs="*", help="ids (spaces or commas between); none reads standard input"
    )
    _network_options(convert, formats=("jsonl",))
    cache = _command(commands, "cache", "inspect or empty the cache")
    cache.description = cache_help()
    cache.add_argument("action", choices=("info", "clear", "prune"), help="see above")
    cache.add_argument(
        "--cache", metavar="PATH", help=f"SQLite cache file (default: {default_cache_path()})"
    )
    cli_mirror.add_parser(commands)
    return parser
