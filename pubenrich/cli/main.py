"""The ``pubenrich`` command. The one module that prints and sets exit codes.

::

    pubenrich extract FILE...            citations and identifiers (a table, or JSON lines)
    pubenrich enrich FILE... [--lines]   enriched records (jsonl, csl-json, bibtex, ris, csv)
    pubenrich fetch PMID...              the records of these PMIDs
    pubenrich convert ID...              PMID <-> PMCID <-> DOI
    pubenrich cache info|clear|prune     the cache file
    pubenrich mirror sync|build DIR      a local PubMed mirror (``--mirror DIR`` to use it)

Exit codes: 0 every input enriched (or found), 1 some were not (not found, ambiguous, invalid,
failed: each says so in its record), 2 the command itself failed (bad usage, unreadable or
binary file, unusable cache, NCBI unreachable), 130 interrupted (Ctrl-C). Errors are one line
on standard error; ``--debug`` shows the traceback.
The API key and email come from ``--api-key``/``--email``, else ``NCBI_API_KEY``/``NCBI_EMAIL``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

import attrs

from pubenrich.cache import Cache, MemoryCache, NoCache, SqliteCache, default_cache_path
from pubenrich.cli import mirror as cli_mirror
from pubenrich.cli.edges import (
    CliFailure,
    Tally,
    quiet_stdout,
    read_text,
    setup_logging,
    split_ids,
    unreachable,
)
from pubenrich.cli.parser import build_parser
from pubenrich.cli.progress import progress_bar
from pubenrich.config import Config
from pubenrich.errors import PubenrichError
from pubenrich.formats.export import write, write_enriched
from pubenrich.model.enriched import EnrichedRecord
from pubenrich.model.records import Article, BookArticle
from pubenrich.ncbi.client import EutilsClient
from pubenrich.services.enricher import Enricher
from pubenrich.text.citations import read_citations

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_FAILURE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C

_Failure = CliFailure
_read = read_text


def _inputs(args: argparse.Namespace) -> list[str]:
    texts = [_read(name) for name in args.files or ["-"]]
    if getattr(args, "lines", False):
        return [line for text in texts for line in text.splitlines() if line.strip()]
    return texts


def _extract(args: argparse.Namespace) -> int:
    table = args.format == "table" or (args.format is None and sys.stdout.isatty())
    if table:
        print(_TABLE_ROW.format("source", "#", "role", "section", "kind", "id", "span"))
    for name in args.files or ["-"]:
        text = _read(name)
        source = "<stdin>" if name == "-" else name
        for group, citation in enumerate(read_citations(text), start=1):
            args.tally.done += 1
            if not table:
                print(json.dumps({"source": source, **citation.to_dict()}, ensure_ascii=False))
                continue
            where = (_clip(Path(source).name, 24), group, citation.role, citation.section or "")
            for m in citation.mentions:
                print(_TABLE_ROW.format(*where, m.kind, m.value, f"{m.start}-{m.end}"))
            if not citation.mentions:
                title = citation.cues.title or "(no title)"
                span = f"{citation.start}-{citation.end}"
                print(_TABLE_ROW.format(*where, "cues", _clip(title, 48), span))
    return EXIT_OK


# extract's table: a row per identifier (or per citation without one), grouped by citation.
_TABLE_ROW = "{:<24} {:>3} {:<9} {:<16.16} {:<5} {:<48} {}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _config(args: argparse.Namespace) -> Config:
    config = Config.from_env()  # the edge: the environment is read here, once
    changes: dict[str, Any] = {"offline": bool(args.offline)}
    if args.api_key:
        changes["api_key"] = args.api_key
    if args.email:
        changes["email"] = args.email
    if args.cache:
        changes["cache_path"] = Path(args.cache)
    return attrs.evolve(config, **changes)


def _cache(args: argparse.Namespace, config: Config) -> Cache:
    if getattr(args, "no_cache", False):
        return NoCache()
    if getattr(args, "replay", None) and not args.cache:
        # A replay file's records (hand-built, partly synthetic) must never be served later
        # from the user's cache as if NCBI had said them.
        return MemoryCache()
    return SqliteCache(config.cache_path or default_cache_path())


def _check_reachable(errors: Iterable[BaseException | None], tally: Tally) -> None:
    """Stop the run at the first sign that NCBI cannot be reached at all: every later
    request would fail the same way, each after its own wait."""
    failed = unreachable(errors)
    if failed is not None:
        done = f"{tally.done:,} {tally.noun} written before" if tally.done else "nothing written"
        raise _Failure(f"cannot reach NCBI: {failed.cause} ({done})")


def _emit(
    records: Iterable[EnrichedRecord], fmt: str, out: IO[str], tally: Tally | None = None
) -> Counter[str]:
    """Write enriched records; returns how many inputs (and references) had each status."""
    statuses: Counter[str] = Counter()
    tally = tally or Tally("inputs")

    def counted() -> Iterator[EnrichedRecord]:
        try:
            for record in records:
                _check_reachable((record.error, *(r.error for r in record.related)), tally)
                statuses[record.status] += 1
                if record.status == "multiple":
                    statuses.update(f"reference {r.status}" for r in record.related)
                yield record
                tally.done += 1
        except (PubenrichError, OSError, ValueError) as exc:
            # Never leave a partial output without saying so.
            raise _Failure(f"{exc} (output incomplete: {tally.done:,} inputs written)") from exc

    if fmt == "jsonl":
        for record in counted():
            out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
    else:
        counts = write_enriched(counted(), fmt, out)
        if counts.left_out and fmt != "csv":
            print(
                "pubenrich: inputs not enriched are left out; see --format jsonl", file=sys.stderr
            )
        if counts.notes:
            print("pubenrich: references not resolved are written as notes", file=sys.stderr)
    return statuses


@contextmanager
def _enricher(args: argparse.Namespace) -> Iterator[Enricher]:
    """The Enricher of the command's options, serving from a recording when asked."""
    config = _config(args)
    with ExitStack() as stack:
        client = None
        if args.replay:
            # Imported only when asked: the testing helpers are no part of a normal run.
            from pubenrich.testing.replay import ReplayTransport  # noqa: PLC0415

            transport = ReplayTransport.from_file(args.replay)
            if transport.replayer.origin == "hand-built":
                print(
                    f"pubenrich: answering from {args.replay}, a hand-built replay file "
                    "(partly synthetic records), not from NCBI",
                    file=sys.stderr,
                )
            client = stack.enter_context(EutilsClient(config, transport=transport))
        cache = _cache(args, config)
        yield stack.enter_context(Enricher(config, client=client, cache=cache, mirror=args.mirror))


def _incomplete(statuses: Counter[str], good: str, what: str) -> int:
    """Say how many inputs (and references of pasted lists) fell short, by status: an error
    is an error, not a miss; a list counts by its references."""
    lines = []
    for prefix, noun in (("", what), ("reference ", "references not enriched")):
        mine = {s[len(prefix) :]: n for s, n in statuses.items() if _is(s, prefix)}
        missed = {s: n for s, n in mine.items() if s not in (good, "multiple")}
        if missed:
            detail = ", ".join(f"{n} {status}" for status, n in sorted(missed.items()))
            lines.append(f"{sum(missed.values())} of {sum(mine.values())} {noun} ({detail})")
    for line in lines:
        print(f"pubenrich: {line}", file=sys.stderr)
    return EXIT_INCOMPLETE if lines else EXIT_OK


def _is(status: str, prefix: str) -> bool:
    return status.startswith("reference ") == bool(prefix)


def _enrich(args: argparse.Namespace) -> int:
    inputs = _inputs(args)
    args.tally.noun = "inputs"
    with _enricher(args) as enricher:
        wanted = sys.stderr.isatty() if args.progress is None else args.progress
        show = progress_bar(wanted, len(inputs))
        records = enricher.enrich(inputs, progress=show)
        statuses = _emit(records, args.format, sys.stdout, args.tally)
        if show is not None:
            sys.stderr.write("\n")
    return _incomplete(statuses, "enriched", "inputs not enriched")


def _ids(args: argparse.Namespace) -> list[str]:
    return split_ids(args.ids) if args.ids else split_ids([_read("-")])


def _fetch(args: argparse.Namespace) -> int:
    ids = _ids(args)
    statuses: Counter[str] = Counter()
    found: list[Article | BookArticle] = []
    args.tally.noun = "ids"
    with _enricher(args) as enricher:
        for result in enricher.fetch(ids):
            _check_reachable([result.error], args.tally)
            statuses[result.status] += 1
            args.tally.done += 1
            if args.format == "jsonl":
                row = {
                    "input": str(result.input),
                    "status": result.status,
                    "record": result.record.to_dict() if result.record else None,
                    "error": None if result.error is None else str(result.error),
                    "source": result.source,
                    "as_of": result.as_of.isoformat() if result.as_of else None,
                }
                print(json.dumps(row, ensure_ascii=False))
            elif isinstance(result.record, Article | BookArticle):
                found.append(result.record)
    if args.format != "jsonl":
        write(found, args.format, sys.stdout)
    return _incomplete(statuses, "found", "ids without a record")


def _convert(args: argparse.Namespace) -> int:
    ids = _ids(args)
    statuses: Counter[str] = Counter()
    args.tally.noun = "ids"
    with _enricher(args) as enricher:
        for result in enricher.convert(ids):
            _check_reachable([result.error], args.tally)
            statuses[result.status] += 1
            args.tally.done += 1
            row = {
                "input": str(result.input),
                "status": result.status,
                "pmid": result.pmid and result.pmid.value,
                "pmcid": result.pmcid and result.pmcid.value,
                "doi": result.doi and result.doi.value,
                "error": None if result.error is None else str(result.error),
                "source": result.source,
                "as_of": result.as_of.isoformat() if result.as_of else None,
            }
            print(json.dumps(row, ensure_ascii=False))
    return _incomplete(statuses, "found", "ids not converted")


def _cache_command(args: argparse.Namespace) -> int:
    path = Path(args.cache) if args.cache else default_cache_path()
    with SqliteCache(path) as cache:
        if args.action == "info":
            print(json.dumps(cache.info().to_dict(), indent=2))
            return EXIT_OK
        if cache.read_only:
            raise _Failure(f"cannot {args.action} {path}: the cache file is read-only")
        if args.action == "clear":
            print(f"removed {cache.clear():,} entries from {path}")
        else:
            print(f"removed {cache.prune():,} expired entries from {path}")
    return EXIT_OK


def _interrupted(args: argparse.Namespace) -> int:
    tally: Tally = args.tally
    said = f"pubenrich: interrupted after {tally.done:,} {tally.noun} written"
    if args.command in ("enrich", "fetch", "convert") and _keeps_cache(args):
        said += "; records already fetched are kept in the cache"
    print(said, file=sys.stderr)
    return EXIT_INTERRUPTED


def _keeps_cache(args: argparse.Namespace) -> bool:
    return not args.no_cache and not (args.replay and not args.cache)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    args.tally = Tally()
    setup_logging(verbose=args.verbose, debug=args.debug)
    run = {
        "extract": _extract,
        "enrich": _enrich,
        "fetch": _fetch,
        "convert": _convert,
        "cache": _cache_command,
        "mirror": cli_mirror.run,
    }[args.command]
    try:
        return run(args)
    except KeyboardInterrupt:
        if args.debug:
            raise
        return _interrupted(args)
    except BrokenPipeError:  # `pubenrich extract x | head` is a normal way to stop
        quiet_stdout()
        return EXIT_OK
    except (_Failure, PubenrichError, OSError, ValueError) as exc:
        if args.debug:
            raise
        print(f"pubenrich: {exc}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
