"""Stream a PubMed XML document (efetch ``PubmedArticleSet``, baseline files) into records.

Each top-level record is found by its closing tag in the bytes, read in 1 MiB chunks, and
parsed alone by lxml; any document shape beyond NCBI's plain one goes from that point to lxml's
``iterparse``, which reports the end of each record, whose subtree is walked once and cleared
with the siblings already handed out. Either way memory stays flat in the number of records,
and both paths read every fixture and NCBI sample the same (a test checks).

The parser never loads a DTD or an external entity, whatever the DOCTYPE says
(``no_network``, ``load_dtd=False``, ``resolve_entities=False``): NCBI moves to a new dated DTD
every year, and a parser that needs it offline breaks. libxml2's own limits stop
entity-expansion bombs. Chosen over ``Bio.Entrez`` (which fetches unbundled DTDs) and the
standard library by measurement: see ``benchmarks/bench_parse.py``.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Generator, Iterator
from typing import IO, Any

from lxml import etree

from pubenrich.errors import InvalidIdentifier, ParseError
from pubenrich.formats.pubmed_xml.article import read_record
from pubenrich.formats.pubmed_xml.elements import Element
from pubenrich.model.records import DeletedCitation, PubmedRecord

__all__ = ["Source", "parse_pubmed_xml"]

_TAGS = ("PubmedArticle", "PubmedBookArticle", "DeleteCitation")

Source = bytes | str | os.PathLike[str] | IO[bytes]


def parse_pubmed_xml(source: Source) -> Iterator[PubmedRecord]:
    """Yield the records of a PubMed XML document, in document order.

    Args:
        source: the XML as bytes; a ``str`` that starts (after white space) with ``<`` is XML
            text, any other ``str`` or path-like is a file path; or a binary file object.

    Yields:
        :class:`Article`, :class:`BookArticle` and :class:`DeletedCitation` records. An empty
        ``<PubmedArticleSet/>`` (NCBI's answer for unknown PMIDs) yields nothing.

    Raises:
        ParseError: malformed or truncated XML, naming where it broke; the records before
            that point have been yielded already.
    """
    stream, close = _open(source)
    progress = _Progress()
    try:
        rest = yield from _scan(stream, progress)
        if rest is not None:
            yield from _iterparse(rest, progress)
    finally:
        if close:
            stream.close()


class _Progress:
    """Names the last record handed out, for the error that says where a document broke."""

    last = "before the first record"

    def record(self, element: Element) -> PubmedRecord:
        try:
            record = read_record(element)
        except (InvalidIdentifier, ValueError) as exc:
            raise ParseError(f"invalid record: {exc}", record=f"after {self.last}") from exc
        if isinstance(record, DeletedCitation):
            self.last = "a DeleteCitation"
        else:
            self.last = f"PMID {record.pmid.value}"
        return record


# The fast path: a PubMed document is a prolog, <PubmedArticleSet>, records separated by white
# space, and the closing tag. Each record's bytes are found by its closing tag and parsed
# alone, which costs libxml2 a quarter fewer instructions than iterparse's event machinery.
# Whatever else a document holds (an internal DTD subset, a non-UTF-8 encoding, CDATA or
# comments, an undeclared entity, text between records, a truncated end) hands the rest of
# the document, from the record where it was met, to iterparse, which stays the authority on
# what the document means and on every error.
_PROLOG = re.compile(rb"\s*(?:<\?xml[^>]*>)?\s*(?:<!DOCTYPE[^\[>]*>)?\s*<PubmedArticleSet\s*>")
_NON_UTF8 = re.compile(rb"encoding\s*=\s*[\"'](?!utf-8[\"'])", re.I)
_OPEN = re.compile(rb"<(PubmedArticle|PubmedBookArticle|DeleteCitation)[\s>]")
_END_OF_SET = re.compile(rb"\s*</PubmedArticleSet\s*>\s*")
# "<!" or "<?" in a record: one regex pass costs a third of two ``in`` tests over the bytes.
_MARKUP_DECLARATION = re.compile(rb"<[!?]")
_CHUNK = 1 << 20
_LONGEST_PROLOG = 1 << 16
# A record longer than this without its closing tag goes to iterparse rather than the buffer.
_LONGEST_RECORD = 64 << 20
# Both paths: no DTD, no entity, no network, libxml2's size limits on.
_SAFE: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
_FRAGMENT_PARSER = etree.XMLParser(**_SAFE)


def _scan(stream: IO[bytes], progress: _Progress) -> Generator[PubmedRecord, None, _Chain | None]:
    """Yield the records the fast path can read; return the rest of the document, if any."""
    buffer = b""
    # Read until the set's opening tag is whole (or the prolog is clearly not PubMed's).
    while len(buffer) < _LONGEST_PROLOG and (more := stream.read(_CHUNK)):
        buffer += more
        start = buffer.find(b"<PubmedArticleSet")
        if start >= 0 and buffer.find(b">", start) >= 0:
            break
    prolog = _PROLOG.match(buffer)
    if prolog is None or _NON_UTF8.search(buffer, 0, prolog.end()):
        return _Chain(b"", buffer, stream)
    head = buffer[: prolog.end()]
    position = prolog.end()
    parser = _FRAGMENT_PARSER
    while True:
        opening = _OPEN.search(buffer, position)
        if opening is not None and buffer[position : opening.start()].strip():
            return _Chain(head, buffer[position:], stream)  # something between records
        if opening is None:
            gap = buffer[position:].lstrip()
            if gap[:1] not in (b"", b"<") or len(gap) > _LONGEST_RECORD:
                return _Chain(head, buffer[position:], stream)
            more = stream.read(_CHUNK)
            if more:
                buffer = buffer[position:] + more
                position = 0
                continue
            if _END_OF_SET.fullmatch(buffer, position):
                return None
            return _Chain(head, buffer[position:], stream)
        tag = opening.group(1)
        closing = b"</" + tag + b">"
        end = buffer.find(closing, opening.end())
        while end < 0:
            more = stream.read(_CHUNK) if len(buffer) - position < _LONGEST_RECORD else b""
            if not more:
                return _Chain(head, buffer[position:], stream)
            buffer = buffer[position:] + more
            opening = _OPEN.search(buffer, 0)
            assert opening is not None
            position = 0
            end = buffer.find(closing, opening.end())
        end += len(closing)
        fragment = buffer[opening.start() : end]
        if _MARKUP_DECLARATION.search(fragment):
            return _Chain(head, buffer[position:], stream)  # CDATA, comments, PIs
        try:
            element = etree.fromstring(fragment, parser)
        except etree.XMLSyntaxError:
            return _Chain(head, buffer[position:], stream)
        yield progress.record(element)
        position = end


class _Chain(io.RawIOBase):
    """The prolog, the unread part of the buffer, then the stream: what iterparse reads."""

    def __init__(self, head: bytes, buffered: bytes, stream: IO[bytes]) -> None:
        # A view with an offset: re-slicing the bytes at each read would copy what is left of
        # a buffer of up to _LONGEST_RECORD every time iterparse asks for its next few kB.
        self._pending = memoryview(head + buffered)
        self._offset = 0
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:  # Any: the buffer protocol has no public type
        if self._offset == len(self._pending):
            self._pending, self._offset = memoryview(self._stream.read(len(target))), 0
        size = min(len(target), len(self._pending) - self._offset)
        target[:size] = self._pending[self._offset : self._offset + size]
        self._offset += size
        return size


def _iterparse(stream: IO[bytes] | io.RawIOBase, progress: _Progress) -> Iterator[PubmedRecord]:
    try:
        events = etree.iterparse(stream, events=("end",), tag=_TAGS, **_SAFE)
        for _, element in events:
            record = progress.record(element)
            # Free what is parsed: the element, and the siblings already handed out.
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
            yield record
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"malformed PubMed XML: {exc}", record=f"after {progress.last}") from exc


def _open(source: Source) -> tuple[IO[bytes], bool]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), True
    if isinstance(source, str) and source.lstrip().startswith("<"):
        # The XML declaration must come first, so leading white space goes.
        return io.BytesIO(source.lstrip().encode("utf-8")), True
    if isinstance(source, str | os.PathLike):
        try:
            return open(source, "rb"), True  # closed by the generator
        except OSError as exc:
            raise ParseError(f"cannot read {os.fspath(source)!r}: {exc}") from exc
    return source, False
