"""The examples and longer texts of ``pubenrich --help``, one example per subcommand.

Kept as data apart from the parser so the parser stays readable; each example runs offline as
written from the repository's root (the replay files are in ``tests/fixtures/replay``).
"""

from __future__ import annotations

__all__ = ["EXAMPLES", "cache_help"]

_REFS = "examples/data/references.txt"
_REPLAY = "tests/fixtures/replay"

EXAMPLES = {
    "pubenrich": f"""examples (offline, from the repository's root):
  pubenrich extract seeds/002_bae0afb84767b308.txt
  pubenrich enrich {_REFS} --format bibtex --replay {_REPLAY}/references.json
  pubenrich fetch 25211170 27888550 --replay {_REPLAY}/seeds.json
  pubenrich convert 10.1002/stem.2551 --replay {_REPLAY}/references.json
  pubenrich cache info

exit codes: 0 all done, 1 some inputs fell short (each says why), 2 the command failed,
130 interrupted""",
    "extract": """example:
  pubenrich extract seeds/002_bae0afb84767b308.txt --format jsonl""",
    "enrich": f"""example (a pasted reference list: one BibTeX entry per reference, in order, and an
@comment for each reference that was not resolved):
  pubenrich enrich {_REFS} --format bibtex --replay {_REPLAY}/references.json""",
    "fetch": f"""example:
  echo "25211170, 27888550" | pubenrich fetch --replay {_REPLAY}/seeds.json""",
    "convert": f"""example:
  pubenrich convert 10.1002/stem.2551 --replay {_REPLAY}/references.json""",
    "cache": """example:
  pubenrich cache info --cache /tmp/pubenrich-cache.sqlite3""",
}


def cache_help() -> str:
    """The description of ``pubenrich cache``: what each action does."""
    return """inspect or empty the cache (a SQLite file of NCBI's answers):
  info   entries per kind (records, id mappings, searches), live, expired and
         negative ("known absent"), and the file's size, as JSON
  clear  remove every entry
  prune  remove expired entries only"""
