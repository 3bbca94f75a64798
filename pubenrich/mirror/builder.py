"""Build the mirror's store from NCBI's files: parse in parallel, apply in file order.

Parsing (the project's own :func:`~pubenrich.parse_pubmed_xml`, plus JSON and compression)
is the costly part and files are independent, so it runs in a process pool on one machine or
as a Dask graph on a ``distributed`` cluster. Applying must follow file order (a later version
replaces an earlier one; an update file's ``DeleteCitation`` removes PMIDs), so the parsed
files come back to this process and are applied one at a time, each in one transaction: a
build that stops resumes after the last file applied, and a file applied is never parsed again.
"""

from __future__ import annotations

import gzip
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any, Protocol, cast

import attrs

from pubenrich.concurrency import in_order
from pubenrich.errors import MirrorError, ParseError
from pubenrich.formats.pubmed_xml import parse_pubmed_xml
from pubenrich.mirror.files import PMC_IDS, file_day, ordered_files
from pubenrich.mirror.store import (
    BUILT_KEY,
    Op,
    applied_files,
    apply_file,
    connect,
    load_pmc_ids,
    record_row,
)
from pubenrich.model.records import DeletedCitation

__all__ = ["BuildProgress", "BuildReport", "build", "parse_file"]

log = logging.getLogger(__name__)


@attrs.frozen
class BuildProgress:
    """How far a build is, passed to the ``progress`` callback after each file.

    Attributes:
        file: the file just applied.
        files_done: files applied in this run.
        files_total: files this run has to apply.
        records: records stored in this run.
        elapsed: seconds since this run started.
    """

    file: str
    files_done: int
    files_total: int
    records: int
    elapsed: float

    @property
    def records_per_second(self) -> float:
        """Records stored per second in this run."""
        return self.records / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def seconds_left(self) -> float:
        """Estimated seconds to apply the remaining files, at this run's pace per file."""
        if self.files_done == 0:
            return 0.0
        return self.elapsed / self.files_done * (self.files_total - self.files_done)


@attrs.frozen
class BuildReport:
    """What a build did.

    Attributes:
        files_applied: files parsed and applied in this run.
        files_skipped: files found already applied.
        records: records stored in this run (a PMID stored twice counts twice).
        deleted: PMIDs deleted in this run.
        seconds: wall time of this run.
        as_of: the date of the last file applied, in this or an earlier run.
    """

    files_applied: int
    files_skipped: int
    records: int
    deleted: int
    seconds: float
    as_of: date | None

    @property
    def records_per_second(self) -> float:
        """Records stored per second of wall time."""
        return self.records / self.seconds if self.seconds > 0 else 0.0


def parse_file(path: str, compress: bool = True) -> list[Op]:
    """Parse one ``pubmedYYnNNNN.xml.gz`` into its store operations, in document order.

    Runs in worker processes (a pool or Dask workers), so it takes and returns plain,
    picklable values.

    Raises:
        MirrorError: the file is not readable gzip-compressed PubMed XML.
    """
    ops: list[Op] = []
    try:
        with gzip.open(path, "rb") as stream:
            for record in parse_pubmed_xml(cast(IO[bytes], stream)):
                if isinstance(record, DeletedCitation):
                    ops.extend(("del", int(pmid.value)) for pmid in record.pmids)
                else:
                    ops.append(("put", record_row(record, compress)))
    except (OSError, EOFError, ParseError) as exc:
        raise MirrorError(f"cannot read {Path(path).name}: {exc}") from exc
    return ops


class _Result(Protocol):
    def result(self) -> list[Op]: ...  # pragma: no cover


class _Now:
    """A parse run in this process when its result is asked for (the one-process build)."""

    def __init__(self, path: str, compress: bool) -> None:
        self.path = path
        self.compress = compress

    def result(self) -> list[Op]:
        return parse_file(self.path, self.compress)


def build(
    directory: str | os.PathLike[str],
    *,
    processes: int | None = None,
    scheduler: Any = None,
    progress: Callable[[BuildProgress], None] | None = None,
    compress: bool = True,
) -> BuildReport:
    """Build or bring up to date the mirror in ``directory`` from the files sync put there.

    Args:
        directory: the mirror's folder (``baseline/``, ``updatefiles/``, ``PMC-ids.csv.gz``).
        processes: parser processes on this machine; ``None`` for one per core, 1 to parse in
            this process.
        scheduler: a Dask ``distributed`` scheduler address (``"tcp://host:8786"``) or a
            ``distributed.Client``: parse on that cluster instead (needs ``pubenrich[bulk]``;
            the workers must see ``directory`` at the same path).
        progress: called after each file with a :class:`BuildProgress`.
        compress: store records zlib-compressed (about 2.3 times smaller) rather than as
            plain JSON (read several times faster by ``Mirror.get_json``).

    Returns:
        A :class:`BuildReport`.

    Raises:
        MirrorError: a file cannot be read, or a new file sorts before one already applied
            (a mirror applies files in order only; build a new one in a fresh folder).
    """
    root = Path(directory)
    started = time.monotonic()
    conn = connect(root)
    try:
        if (root / PMC_IDS).is_file():
            loaded = load_pmc_ids(conn, root / PMC_IDS)
            if loaded is not None:
                log.info("loaded %d PMC id rows from %s", loaded, PMC_IDS)
        files = ordered_files(root)
        done = applied_files(conn)
        position = {path.name: seq for seq, path in enumerate(files)}
        last = max((position[name] for name in done if name in position), default=-1)
        todo = [path for path in files if path.name not in done]
        early = [path.name for path in todo if position[path.name] < last]
        if early:
            raise MirrorError(
                f"{early[0]} sorts before a file already applied; files apply in order only, "
                "so build this set into a fresh folder"
            )
        records = deleted = 0
        with _Parser(processes, scheduler, len(todo), compress) as (submit, window):
            for count, (path, ops) in enumerate(
                in_order(lambda path: submit(str(path)), todo, window), start=1
            ):
                stored, removed = apply_file(
                    conn, path.name, position[path.name], file_day(path), ops
                )
                records += stored
                deleted += removed
                step = BuildProgress(
                    path.name, count, len(todo), records, time.monotonic() - started
                )
                log.info(
                    "applied %s (%d/%d files): %d records, %.0f records/s, %.0f s left",
                    path.name,
                    count,
                    len(todo),
                    stored,
                    step.records_per_second,
                    step.seconds_left,
                )
                if progress is not None:
                    progress(step)
        # The build's own date stands for the mirror's when its files carry none.
        today = datetime.now(tz=UTC).date().isoformat()
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (BUILT_KEY, today))
        row = conn.execute("SELECT day FROM files ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    as_of = date.fromisoformat(row[0]) if row and row[0] else None
    return BuildReport(
        len(todo), len(files) - len(todo), records, deleted, time.monotonic() - started, as_of
    )


class _Parser:
    """The parse back end: in this process, a process pool, or a Dask cluster."""

    def __init__(self, processes: int | None, scheduler: Any, files: int, compress: bool) -> None:
        self.compress = compress
        self.processes = processes if processes is not None else (os.cpu_count() or 1)
        self.scheduler = scheduler
        self.files = files
        self._close: Callable[[], None] = lambda: None

    def __enter__(self) -> tuple[Callable[[str], _Result], int]:
        if self.scheduler is not None:
            return self._dask()
        if self.processes <= 1 or self.files <= 1:
            return (lambda path: _Now(path, self.compress)), 1
        pool = ProcessPoolExecutor(max_workers=self.processes)
        self._close = lambda: pool.shutdown(cancel_futures=True)
        return (lambda path: pool.submit(parse_file, path, self.compress)), self.processes * 2

    def _dask(self) -> tuple[Callable[[str], _Result], int]:
        try:
            from dask.delayed import delayed  # noqa: PLC0415 - optional extra, only when asked
            from distributed import Client  # noqa: PLC0415
        except ImportError as exc:
            raise MirrorError(
                "a Dask build needs the bulk extra: pip install 'pubenrich[bulk]'"
            ) from exc
        if isinstance(self.scheduler, Client):
            client = self.scheduler
        else:
            client = Client(self.scheduler)  # type: ignore[no-untyped-call]
            self._close = client.close
        workers = len(client.scheduler_info().get("workers", {})) or 1
        task = delayed(parse_file, pure=True)

        def submit(path: str) -> _Result:
            future: _Result = client.compute(task(path, self.compress))  # type: ignore[no-untyped-call]
            return future

        return submit, workers * 2

    def __exit__(self, *exc: object) -> None:
        self._close()
