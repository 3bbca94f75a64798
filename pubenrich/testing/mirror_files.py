"""Synthetic files in NCBI's bulk formats, and a local server for them, to test the mirror.

Everything written here is synthetic: records come from a
:class:`~pubenrich.testing.fake_ncbi.SyntheticUniverse` (PMIDs from 98000001, DOIs under the
test prefix 10.5555/, PMCIDs from PMC90000001), so no file can be mistaken for PubMed's own.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import re
import threading
from collections.abc import Iterable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import attrs

from pubenrich.testing.fake_ncbi.universe import (
    JOURNALS,
    PUBMED_DOCTYPE,
    SyntheticRecord,
    SyntheticUniverse,
)

__all__ = ["FileServer", "write_md5", "write_pmc_ids", "write_pubmed_file"]

# The prolog of NCBI's baseline files (the same DTD as efetch's PubmedArticleSet).
_HEAD = f'<?xml version="1.0" encoding="utf-8"?>\n{PUBMED_DOCTYPE}\n<PubmedArticleSet>\n'
_TAIL = "</PubmedArticleSet>\n"
_PMC_HEADER = (
    "Journal Title",
    "ISSN",
    "eISSN",
    "Year",
    "Volume",
    "Issue",
    "Page",
    "DOI",
    "PMCID",
    "PMID",
    "Manuscript Id",
    "Release Date",
)


def revised(record: SyntheticRecord, revision: int) -> SyntheticRecord:
    """The record as a later update file would carry it: its title marks the revision."""
    return attrs.evolve(record, title=f"{record.title} Revision {revision}.")


def write_pubmed_file(
    path: Path,
    universe: SyntheticUniverse,
    records: Iterable[SyntheticRecord],
    deleted: Sequence[str] = (),
    *,
    compresslevel: int = 6,
) -> Path:
    """Write a ``pubmedYYnNNNN.xml.gz`` of ``records``, then a ``DeleteCitation`` if any.

    The layout is a baseline/update file's: one ``PubmedArticle`` a line inside
    ``PubmedArticleSet``, ``DeleteCitation`` last, gzip-compressed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=compresslevel) as out:
        out.write(_HEAD)
        for record in records:
            out.write(universe.article_xml(record))
            out.write("\n")
        if deleted:
            pmids = "".join(f'<PMID Version="1">{escape(p)}</PMID>' for p in deleted)
            out.write(f"<DeleteCitation>{pmids}</DeleteCitation>\n")
        out.write(_TAIL)
    return path


def write_md5(path: Path, digest: str | None = None) -> Path:
    """Write NCBI's ``.md5`` beside ``path`` (``MD5(name)= hex``); ``digest`` overrides."""
    value = digest or hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
    target = path.with_name(path.name + ".md5")
    target.write_text(f"MD5({path.name})= {value}\n", encoding="utf-8")
    return target


def write_pmc_ids(path: Path, rows: Iterable[tuple[str, str | None, str | None]]) -> Path:
    """Write a ``PMC-ids.csv.gz`` with PMC's header from (PMCID, PMID, DOI) rows."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(_PMC_HEADER)
    title, _, issn = JOURNALS[0]
    for pmcid, pmid, doi in rows:
        journal = [title, issn, "", "2020", "1", "1", "1"]
        writer.writerow([*journal, doi or "", pmcid, pmid or "", "", "2020/01/01"])
    path.write_bytes(gzip.compress(text.getvalue().encode("utf-8")))
    return path


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the counters instead."""

    def do_GET(self) -> None:
        files = self.server.files
        files.requests.append(self.path)
        if self.headers.get("Range"):
            files.ranges.append((self.path.rsplit("/", 1)[-1], self.headers["Range"]))
        path = self.path.split("?")[0]
        target = (files.root / path.lstrip("/")).resolve()
        if files.root not in target.parents and target != files.root:
            self.send_error(404)
            return
        if target.is_dir():
            names = sorted(p.name for p in target.iterdir())
            body = "".join(f'<a href="{n}">{n}</a>\n' for n in names).encode()
            self._reply(200, body, {"Content-Type": "text/html"})
            return
        if not target.is_file():
            self.send_error(404)
            return
        data = target.read_bytes()
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if match:
            start = int(match[1])
            if start >= len(data):
                self._reply(416, b"", {})
                return
        body = data[start:]
        cut = files.cut.pop(target.name, None)
        headers = {
            "Content-Type": "application/octet-stream",
            "Last-Modified": "Wed, 01 Jan 2025 12:00:00 GMT",
        }
        if match:
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        if cut is not None:  # promise the whole body, send part of it, drop the connection
            self.send_response(206 if match else 200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            return
        self._reply(206 if match else 200, body, headers)

    def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    files: FileServer


class FileServer:
    """Serves a folder on 127.0.0.1 like NCBI's FTP site over HTTPS: listings, Range, 416.

    Attributes:
        root: the folder served.
        requests: the paths asked for, in order.
        ranges: (file name, Range header) of the requests that asked for a range.
        cut: file name -> bytes after which the next reply for it breaks off (once).
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.requests: list[str] = []
        self.ranges: list[tuple[str, str]] = []
        self.cut: dict[str, int] = {}
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.files = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
