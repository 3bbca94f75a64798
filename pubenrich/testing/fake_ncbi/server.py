"""The fake's HTTP server on 127.0.0.1: routing, NCBI's headers, rate limit, latency, faults.

A real socket, not a mock, so the client's retries, timeouts, connection pool and threads meet
what they meet at NCBI; loopback only, so no test can reach the network through it.
"""

from __future__ import annotations

import argparse
import logging
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

from pubenrich.config import scrub_query
from pubenrich.testing.fake_ncbi.endpoints import ENDPOINTS
from pubenrich.testing.fake_ncbi.faults import FaultPlan, cut_point, fault_reply
from pubenrich.testing.fake_ncbi.ratelimit import SlidingWindow, rate_reply
from pubenrich.testing.fake_ncbi.stats import FakeNcbiStats
from pubenrich.testing.fake_ncbi.universe import SyntheticUniverse
from pubenrich.testing.fake_ncbi.wire import TEXT_TYPE, BadRequest, Params, Reply, id_list

__all__ = ["FakeNcbi", "LatencyModel", "main"]

log = logging.getLogger("pubenrich.testing.fake_ncbi")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeNcbi


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "Finatra"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        # The request line holds the query string, and a GET's holds the key and the email.
        log.debug("fake NCBI: %s", scrub_query(format % args))

    def do_GET(self) -> None:
        self.server.fake._handle(self, b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.server.fake._handle(self, self.rfile.read(length) if length else b"")


LatencyModel = float | Callable[[int], float]


@attrs.frozen
class _Request:
    """What the server read of one request, for the faults to act on."""

    index: int
    endpoint: str
    params: Params
    client: str
    limit: int


class FakeNcbi:
    """A fake E-utilities and ID-converter server on ``127.0.0.1``, a context manager.

    Serves ``efetch``, ``esummary``, ``esearch``, ``elink``, ``ecitmatch`` and the PMC ID
    converter from a :class:`SyntheticUniverse`, in NCBI's formats and with NCBI's headers;
    enforces 3 requests per second per client IP (10 per API key) with NCBI's 429 body; waits
    ``latency`` seconds per request; injects the faults of a :class:`FaultPlan`.

    Args:
        universe: the records served.
        latency: seconds per request, or a function of the request number giving them.
        enforce_rate: refuse requests over NCBI's rate with 429.
        faults: the faults to inject; ``None`` for none.
        host: the address to bind; only loopback addresses are accepted.
        rate_window: the sliding window of the rate limit, in seconds.
        rate_slack: seconds of arrival jitter forgiven (see :class:`SlidingWindow`).
    """

    def __init__(
        self,
        universe: SyntheticUniverse | None = None,
        *,
        latency: LatencyModel = 0.0,
        enforce_rate: bool = True,
        faults: FaultPlan | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_window: float = 1.0,
        rate_slack: float = 0.05,
    ) -> None:
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError(f"the fake NCBI binds loopback only, not {host!r}")
        self.universe = universe if universe is not None else SyntheticUniverse()
        self.latency = latency
        self.enforce_rate = enforce_rate
        self.faults = faults
        self.host = "127.0.0.1"
        self._port = port
        self.stats = FakeNcbiStats()
        self._window = SlidingWindow(rate_window, rate_slack)
        self._counter = 0
        self._counter_lock = threading.Lock()
        self._closing = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"FakeNcbi({self.universe!r}, running={self._server is not None})"

    # -- lifecycle

    def start(self) -> FakeNcbi:
        """Bind and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._closing.clear()
        server = _Server((self.host, self._port), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; stalled and slow replies are cut short."""
        server, self._server = self._server, None
        if server is None:
            return
        self._closing.set()
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeNcbi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)`` the server is bound to."""
        if self._server is None:
            raise RuntimeError("the fake NCBI is not running")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def port(self) -> int:
        """The bound port."""
        return self.address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def eutils_url(self) -> str:
        """The E-utilities base URL, for ``Config(eutils_url=...)``."""
        return f"{self.base_url}/entrez/eutils/"

    @property
    def idconv_url(self) -> str:
        """The ID converter's URL, for ``Config(idconv_url=...)``."""
        return f"{self.base_url}/tools/idconv/api/v1/articles/"

    def reset_stats(self) -> None:
        """Zero the counts (the request counter that drives faults keeps going)."""
        self.stats = FakeNcbiStats()

    # -- handling

    def _next_index(self) -> int:
        with self._counter_lock:
            index = self._counter
            self._counter += 1
            return index

    def _delay(self, index: int) -> float:
        value = self.latency(index) if callable(self.latency) else self.latency
        return max(0.0, float(value))

    def _handle(self, handler: _Handler, body: bytes) -> None:
        stats = self.stats
        stats.enter()
        try:
            self._serve(handler, body, stats)
        finally:
            stats.leave()

    def _serve(self, handler: _Handler, body: bytes, stats: FakeNcbiStats) -> None:
        """Count the request, apply the rate limit, then answer it (or fail it)."""
        split = urllib.parse.urlsplit(handler.path)
        params = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        if body:
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        endpoint = _endpoint(split.path)
        stats.count_request(endpoint)
        stats.log_ids(endpoint, id_list(params))
        index = self._next_index()
        api_key = (params.get("api_key") or [""])[0]
        client = api_key or handler.client_address[0]
        limit = 10 if api_key else 3
        headers = {"X-RateLimit-Limit": str(limit)}

        if self.enforce_rate:
            admitted, count = self._window.admit(client, limit)
            headers["X-RateLimit-Remaining"] = str(self._window.remaining(client, limit))
            if not admitted:
                stats.count_rate_limited()
                self._send(handler, rate_reply(client, count, limit), headers)
                return
        else:
            headers["X-RateLimit-Remaining"] = str(limit)

        plan = self.faults
        fault = plan.fault_for(index) if plan else None
        delay = self._delay(index)
        if delay:
            self._closing.wait(delay)
        if plan is None or fault is None:
            reply: Reply | None = self._route(endpoint, params)
        else:
            request = _Request(index, endpoint, params, client, limit)
            reply = self._faulted(handler, stats, plan, fault, request)
        if reply is not None:
            stats.count_ids(reply.ids_served)
            self._send(handler, reply, headers)

    def _faulted(
        self,
        handler: _Handler,
        stats: FakeNcbiStats,
        plan: FaultPlan,
        fault: str,
        request: _Request,
    ) -> Reply | None:
        """The reply under ``fault``, counting the fault; None when the connection is dropped."""
        endpoint, params, index = request.endpoint, request.params, request.index
        canned = fault_reply(fault, endpoint, params, request.client, request.limit)
        if canned is not None:
            stats.count_fault(fault)
            return canned
        if fault == "reset":
            stats.count_fault(fault)
            _reset(handler)
            return None
        if fault == "stall":
            stats.count_fault(fault)
            self._closing.wait(min(plan.stall_seconds, 30.0))
            if self._closing.is_set():
                _reset(handler)
                return None
        if fault == "omit_ids" and endpoint == "efetch":
            known = [i for i in id_list(params) if self.universe.exists(i)]
            if known:
                rng = plan.rng(index)
                omit = {i for i in known if rng.random() < 0.25} or {rng.choice(known)}
                params = {**params, "id": [",".join(i for i in id_list(params) if i not in omit)]}
                stats.count_fault(fault)
        reply = self._route(endpoint, params)
        if fault == "truncate" and len(reply.body) > 2:
            stats.count_fault(fault)
            cut = cut_point(reply.body, plan.rng(index))
            reply = attrs.evolve(reply, body=reply.body[:cut])
        return reply

    def _send(self, handler: _Handler, reply: Reply, headers: Mapping[str, str]) -> None:
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(reply.body)))
            handler.send_header("Cache-Control", "private")
            handler.send_header("Access-Control-Allow-Origin", "*")
            handler.send_header(
                "Access-Control-Expose-Headers", "X-RateLimit-Limit,X-RateLimit-Remaining"
            )
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(reply.body)
        except OSError:  # the client gave up (a timeout); nothing to tell it
            handler.close_connection = True

    def _route(self, endpoint: str, params: Params) -> Reply:
        answer = ENDPOINTS.get(endpoint)
        if answer is None:
            return Reply(404, b"Not Found", TEXT_TYPE, endpoint=endpoint)
        try:
            return answer(self.universe, params)
        except BadRequest as exc:
            return Reply(400, str(exc).encode(), TEXT_TYPE, endpoint=endpoint)


def _endpoint(path: str) -> str:
    if "/tools/idconv/" in path:
        return "idconv"
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name.split(".")[0] or "unknown"


def _reset(handler: _Handler) -> None:
    """Drop the connection with a TCP reset and no reply."""
    handler.close_connection = True
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    except OSError:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the fake NCBI on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m pubenrich.testing.fake_ncbi")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--no-rate-limit", action="store_true")
    args = parser.parse_args(argv)
    universe = SyntheticUniverse(size=args.size, seed=args.seed)
    fake = FakeNcbi(
        universe, latency=args.latency, enforce_rate=not args.no_rate_limit, port=args.port
    )
    with fake:
        # The CLI's one job is to say where it listens.
        print(f"fake NCBI E-utilities at {fake.eutils_url}")  # noqa: T201
        print(f"fake PMC ID converter at {fake.idconv_url}", flush=True)  # noqa: T201
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0
