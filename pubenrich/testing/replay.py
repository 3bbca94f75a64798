"""Record the HTTP exchanges of a block of code, and replay them offline.

A fixture file is JSON, readable and diffable::

    {"format": "pubenrich-replay/1", "origin": "recorded" | "hand-built", "note": "...",
     "exchanges": [{"method": "GET", "url": "https://eutils.../efetch.fcgi",
                    "params": {"db": "pubmed", "id": "25211170"},
                    "status": 200, "headers": {"Content-Type": "text/xml; charset=UTF-8"},
                    "body": "<?xml ..."}]}

``params`` merges the query string and a form-encoded POST body, so a request matches its
recording whether it went as GET or POST. The parameters that carry who is asking (``api_key``,
``email``, ``tool``) are never written and never matched; every secret value is also scrubbed
from bodies and headers. Matching ignores the order of requests (concurrent clients send them
in any order); identical requests are served in recorded order, the last one repeating.

A request for ids is matched by what it asks for, not by the batch it was recorded in: an
EFetch or ID-converter request whose exact batch was not recorded is answered from the records
the file holds for those ids (any recorded batch, same other parameters), in the order asked.
EFetch leaves out the ids the file does not hold, as NCBI leaves out what it does not know, and
the client's follow-up question about them then misses; the ID converter answers only when it
holds every id asked for. A request that matches nothing raises :class:`ReplayMiss` at once
("not in the replay file"), which is a :class:`TransportError` that is never retried, so each
id it asked for is reported as an error of its own: no retry, no network.

A file is served either by a :class:`ReplayTransport` given to the client (nothing patched,
like httpx's ``MockTransport``) or, for code that makes its own clients, by :func:`replay`,
which answers every `requests` call in a block through `responses`.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import requests
import responses
from requests.adapters import HTTPAdapter

from pubenrich._secrets import mask_bytes, mask_values, secret_values
from pubenrich.errors import TransportError
from pubenrich.ncbi.transport import HttpRequest, HttpResponse

__all__ = ["FORMAT", "ReplayMiss", "ReplayTransport", "Replayer", "record", "replay"]

FORMAT = "pubenrich-replay/1"
# Parameters that say who is asking, not what is asked: never stored, never matched.
IDENTITY_PARAMS = frozenset({"api_key", "email", "tool"})
_KEPT_HEADERS = ("content-type", "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining")
_SCRUBBED = "SCRUBBED"

ParamValue = str | list[str]


class ReplayMiss(TransportError):
    """A request was made during replay that the fixture file does not hold.

    No reply can come of it, as with a failed connection, but a retry cannot help: the file
    will not change.
    """

    retried = False


def _split(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return base, parse_qsl(parts.query, keep_blank_values=True)


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, ParamValue]:
    """Parameters without the identity ones, sorted, repeated keys as lists."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for key, value in pairs:
        if key not in IDENTITY_PARAMS:
            grouped[key].append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in sorted(grouped.items())}


def _request_params(request: requests.PreparedRequest) -> dict[str, ParamValue]:
    """Query string plus form body, identity parameters dropped, repeated keys as lists."""
    _, pairs = _split(str(request.url))
    body = request.body
    content_type = str(request.headers.get("Content-Type", ""))
    if body and "application/x-www-form-urlencoded" in content_type:
        text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
        pairs += parse_qsl(text, keep_blank_values=True)
    return _grouped(pairs)


def _key(url: str, params: Mapping[str, ParamValue]) -> str:
    # The method is not part of the key: NCBI answers a GET and a form POST alike.
    base, _ = _split(url)
    return json.dumps([base, params], sort_keys=True)


class Replayer:
    """Serves the exchanges of one fixture file, to `responses` or to a :class:`ReplayTransport`.

    Attributes:
        calls: how many requests were served.
    """

    def __init__(
        self, exchanges: Iterable[Mapping[str, Any]], *, origin: str | None = None
    ) -> None:
        self.origin = origin  # "recorded" or "hand-built", as the file says
        self._queues: dict[str, deque[Mapping[str, Any]]] = defaultdict(deque)
        for exchange in exchanges:
            key = _key(exchange["url"], exchange.get("params", {}))
            self._queues[key].append(exchange)
        self._lock = threading.Lock()
        self.calls = 0

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Replayer:
        """Read a fixture file, checking its format tag."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ReplayMiss(f"{path}: not a {FORMAT} file (format={data.get('format')!r})")
        return cls(data["exchanges"], origin=data.get("origin"))

    def respond(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        """The recorded answer to a `requests` request; raises ReplayMiss when there is none."""
        return self.answer(str(request.method), str(request.url), _request_params(request))

    def answer(
        self, method: str, url: str, params: Mapping[str, ParamValue]
    ) -> tuple[int, dict[str, str], bytes]:
        """The recorded ``(status, headers, body)`` for ``url`` with ``params`` (identity
        parameters left out); raises ReplayMiss when there is none."""
        key = _key(url, params)
        with self._lock:
            queue = self._queues.get(key)
            if not queue:
                composed = self._by_ids(url, params)
                self.calls += 1
                return 200, composed[0], composed[1]
            exchange = queue.popleft() if len(queue) > 1 else queue[0]
            self.calls += 1
        if "body_base64" in exchange:
            body = base64.b64decode(exchange["body_base64"])
        else:
            body = str(exchange.get("body", "")).encode("utf-8")
        return int(exchange["status"]), dict(exchange.get("headers", {})), body

    def _by_ids(self, url: str, params: Mapping[str, ParamValue]) -> tuple[dict[str, str], bytes]:
        """An EFetch or ID-converter answer built from the recorded records of the ids asked
        for; raises ReplayMiss naming the ids when there is none."""
        base, _ = _split(url)
        name = base.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0]
        endpoint = "idconv" if "idconv" in base else name
        id_param = "ids" if "ids" in params else "id"
        asked = params.get(id_param)
        rest = {k: v for k, v in params.items() if k != id_param}
        recorded = [
            exchange
            for queue in self._queues.values()
            for exchange in queue
            if _split(exchange["url"])[0] == base
            and int(exchange["status"]) == 200
            and "body" in exchange
            and {k: v for k, v in exchange.get("params", {}).items() if k != id_param} == rest
            and isinstance(exchange.get("params", {}).get(id_param), str)
        ]
        if not isinstance(asked, str):
            raise ReplayMiss(
                f"not in the replay file: no recorded answer for {endpoint} "
                f"with params {dict(params)}"
            )
        if not recorded:
            raise ReplayMiss(
                f"not in the replay file: no recorded answer for {endpoint} {id_param} {asked}"
            )
        ids = [part for part in asked.split(",") if part]
        bodies = [str(exchange["body"]) for exchange in recorded]
        headers = dict(recorded[0].get("headers", {}))
        if endpoint == "efetch":
            body = compose_efetch(ids, bodies)
        elif "records" in bodies[0]:
            body = compose_idconv(ids, bodies)
        else:
            body = None
        if body is None:
            raise ReplayMiss(
                f"not in the replay file: no recorded answer for {endpoint} id {asked}"
            )
        return headers, body.encode("utf-8")


_ARTICLE = re.compile(
    r"<(PubmedArticle|PubmedBookArticle)>.*?</\1>|<DeleteCitation>.*?</DeleteCitation>", re.S
)
_PMID = re.compile(r"<PMID[^>]*>(\d+)</PMID>")


def compose_efetch(ids: list[str], bodies: list[str]) -> str | None:
    """A ``PubmedArticleSet`` of the recorded articles of ``ids``, in that order, framed as
    the first recorded body is; ids no body holds are left out, as NCBI leaves out unknown
    PMIDs. None when no body holds any of them."""
    held: dict[str, str] = {}
    for body in bodies:
        for match in _ARTICLE.finditer(body):
            if match.group(1) is None:
                continue  # a DeleteCitation answers no efetch of its own
            pmid = _PMID.search(match.group(0))
            if pmid:
                held.setdefault(pmid.group(1), match.group(0))
    chosen = [held[i] for i in dict.fromkeys(ids) if i in held]
    if not chosen:
        return None
    frame = bodies[0]
    first = _ARTICLE.search(frame)
    head = frame[: first.start()] if first else frame.split("</PubmedArticleSet>")[0]
    tail_at = frame.rfind("</PubmedArticleSet>")
    tail = frame[tail_at:] if tail_at >= 0 else ""
    return head + "".join(chosen) + tail


def compose_idconv(ids: list[str], bodies: list[str]) -> str | None:
    """The ID converter's JSON holding the recorded record of each of ``ids``, in that order;
    None unless every id has one (a record left out would read as "not in PMC")."""
    held: dict[str, Any] = {}
    for body in bodies:
        for record in json.loads(body).get("records", []):
            names = [record.get("requested-id")] if record.get("requested-id") else []
            names += [record.get(k) for k in ("pmid", "pmcid", "doi")]
            for name in names:
                if name is not None:
                    held.setdefault(str(name).lower(), record)
    chosen = [held.get(i.lower()) for i in ids]
    if any(record is None for record in chosen):
        return None
    document = dict(json.loads(bodies[0]))
    document["records"] = chosen
    return json.dumps(document, indent=1)


class ReplayTransport:
    """A :class:`~pubenrich.ncbi.transport.Transport` that answers from a recorded fixture.

    Like httpx's ``MockTransport``: give it to the client and nothing is patched, nothing
    reaches the network, and other code's `requests` calls are left alone::

        client = EutilsClient(config, transport=ReplayTransport.from_file(path))

    A request the fixture does not hold raises :class:`ReplayMiss` at once (no retry).

    Args:
        replayer: the exchanges to serve.
    """

    answers_locally = True  # no server behind it: the session does not pace it

    def __init__(self, replayer: Replayer) -> None:
        self.replayer = replayer

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ReplayTransport:
        """A transport serving the fixture file at ``path``."""
        return cls(Replayer.from_file(path))

    @property
    def calls(self) -> int:
        """How many requests were served."""
        return self.replayer.calls

    def send(self, request: HttpRequest) -> HttpResponse:
        """The recorded reply to ``request``; raises ReplayMiss when there is none."""
        params = _grouped((*request.params, *(request.data or ())))
        status, headers, body = self.replayer.answer(request.method, request.url, params)
        return HttpResponse(
            status=status,
            headers={name.lower(): value for name, value in headers.items()},
            body=body,
            url=request.safe_url(),
        )


@contextmanager
def replay(path: str | os.PathLike[str]) -> Iterator[Replayer]:
    """Serve the exchanges recorded in ``path`` to every `requests` call in the block.

    Any request the file does not hold raises :class:`ReplayMiss` (nothing reaches the network).
    """
    replayer = Replayer.from_file(path)
    everything = re.compile(r".*")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        for method in ("GET", "POST"):
            mocked.add_callback(method, everything, callback=replayer.respond)
        yield replayer


class _Recorder:
    def __init__(self, secrets: Iterable[str]) -> None:
        self.exchanges: list[dict[str, Any]] = []
        self.secrets = {s for s in secrets if s}
        self._lock = threading.Lock()

    def capture(self, request: requests.PreparedRequest, response: requests.Response) -> None:
        _, pairs = _split(str(request.url))
        body = request.body
        if body and "application/x-www-form-urlencoded" in str(request.headers.get("Content-Type")):
            text = body.decode("utf-8") if isinstance(body, bytes) else str(body)
            pairs += parse_qsl(text, keep_blank_values=True)
        # Identity values are scrubbed wherever they appear, not only in their own parameter.
        self.secrets |= set(secret_values(pairs))
        base, _ = _split(str(request.url))
        exchange: dict[str, Any] = {
            "method": str(request.method).upper(),
            "url": base,
            "params": _request_params(request),
            "status": response.status_code,
            "headers": {
                name: mask_values(value, self.secrets, _SCRUBBED)
                for name, value in response.headers.items()
                if name.lower() in _KEPT_HEADERS
            },
        }
        try:
            exchange["body"] = mask_values(
                response.content.decode("utf-8"), self.secrets, _SCRUBBED
            )
        except UnicodeDecodeError:
            # Scrubbed before encoding: base64 would hide a secret from the final text scrub.
            content = mask_bytes(response.content, self.secrets, _SCRUBBED)
            exchange["body_base64"] = base64.b64encode(content).decode("ascii")
        with self._lock:
            self.exchanges.append(exchange)


@contextmanager
def record(
    path: str | os.PathLike[str], *, secrets: Iterable[str] = (), note: str = ""
) -> Iterator[list[dict[str, Any]]]:
    """Record every HTTP exchange made through `requests` in the block to ``path``.

    Run it where NCBI is reachable. ``api_key``, ``email`` and ``tool`` are left out of what is
    written, and the values of ``secrets`` (plus any api_key or email seen in a request) are
    replaced by ``SCRUBBED`` in bodies and headers. The file is written when the block ends,
    also when it fails, so a partial recording can be inspected.
    """
    recorder = _Recorder(secrets)
    real_send = HTTPAdapter.send

    def send(adapter: HTTPAdapter, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        response = real_send(adapter, request, **kwargs)
        recorder.capture(request, response)
        return response

    try:
        with mock.patch.object(HTTPAdapter, "send", send):
            yield recorder.exchanges
    finally:
        document = {
            "format": FORMAT,
            "origin": "recorded",
            "note": note,
            "exchanges": recorder.exchanges,
        }
        text = mask_values(
            json.dumps(document, indent=1, ensure_ascii=False), recorder.secrets, _SCRUBBED
        )
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text + "\n", encoding="utf-8")
