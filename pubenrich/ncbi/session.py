"""Send one request to NCBI the way NCBI asks: identified, paced, retried and classified.

The client decides what to ask; this decides how it travels. Every request of a client goes
through one session, so the pace shared by its threads, the retry bounds, the request count and
the rule that a reply is checked before it is data each hold in one place.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pubenrich._secrets import mask_params
from pubenrich.config import Config
from pubenrich.errors import OfflineMiss, RateLimited
from pubenrich.ncbi.classify import Format, classify
from pubenrich.ncbi.idconv import IDCONV_RATE
from pubenrich.ncbi.ratelimit import RateLimiter
from pubenrich.ncbi.retry import Outage, Retrier, RetryPolicy
from pubenrich.ncbi.transport import HttpRequest, HttpResponse, RequestsTransport, Transport

__all__ = ["Cancelled", "Session", "read_timeout"]

log = logging.getLogger(__name__)

RATE_LIMIT_PAUSE = 1.0  # NCBI counts per second: after a 429, pause everyone for a second
# A stalled reply is cut off after a read timeout suited to the request: NCBI starts answering
# a batch of a few hundred ids within seconds, so one stall should not hold a window for the
# whole (configurable) maximum; larger batches get more time, up to that maximum.
STALL_FLOOR = 15.0
STALL_FREE_IDS = 300
STALL_PER_ID = 0.05

Pairs = list[tuple[str, str]]


class Cancelled(Exception):
    """The caller stopped reading; requests not yet sent are dropped (internal)."""


class Session:
    """Sends requests for one client; see :class:`~pubenrich.ncbi.client.EutilsClient` for
    the arguments."""

    def __init__(
        self,
        config: Config,
        *,
        transport: Transport | None = None,
        limiter: RateLimiter | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        random: Callable[[], float] | None = None,
    ) -> None:
        self.config = config
        clock = clock or time.monotonic
        sleep = sleep or time.sleep
        self._own_transport = transport is None
        self._transport: Transport = transport or RequestsTransport(pool_size=config.max_in_flight)
        # A transport that answers from this machine (a recording) has no server to spare:
        # pacing it at NCBI's rate would only make a replayed run slow.
        self._paced = not getattr(self._transport, "answers_locally", False)
        self.limiter = limiter or RateLimiter(config.rate, clock=clock, sleep=sleep)
        self._idconv_limiter = RateLimiter(min(config.rate, IDCONV_RATE), clock=clock, sleep=sleep)
        retry_args: dict[str, Any] = {"clock": clock, "sleep": sleep}
        if random is not None:
            retry_args["draw"] = random
        self.outage = Outage(config.max_outage_seconds, clock)
        self._retrier = Retrier(RetryPolicy.from_config(config), outage=self.outage, **retry_args)
        self._clock = clock
        self._closed = False
        self._sent: Counter[str] = Counter()
        self._sent_lock = threading.Lock()

    @property
    def requests_sent(self) -> dict[str, int]:
        """HTTP requests sent so far, by endpoint (retries count)."""
        with self._sent_lock:
            return dict(self._sent)

    def close(self) -> None:
        """Release the transport (when the session created it)."""
        if not self._closed and self._own_transport:
            close = getattr(self._transport, "close", None)
            if callable(close):
                close()
        self._closed = True

    def eutil(
        self,
        endpoint: str,
        params: Pairs,
        *,
        fmt: Format,
        post: bool = False,
        get: bool = False,
        cancelled: threading.Event | None = None,
    ) -> HttpResponse:
        """Send one E-utility request: POST when asked (bulk, long term) or when a key is set,
        unless the service takes GET only."""
        suffix = ".cgi" if endpoint == "ecitmatch" else ".fcgi"
        use_post = not get and (post or bool(self.config.api_key))
        return self._send(
            endpoint,
            self.config.eutils_url + endpoint + suffix,
            params,
            fmt=fmt,
            post=use_post,
            with_key=True,
            cancelled=cancelled,
            limiters=(self.limiter,),
        )

    def idconv(self, params: Pairs, *, cancelled: threading.Event | None = None) -> HttpResponse:
        """Send one ID-converter request: GET, without the key (the converter documents only
        tool and email), paced by the client's limiter and the converter's own."""
        return self._send(
            "idconv",
            self.config.idconv_url,
            params,
            fmt="json",
            post=False,
            with_key=False,
            cancelled=cancelled,
            limiters=(self._idconv_limiter, self.limiter),
        )

    def _send(
        self,
        endpoint: str,
        url: str,
        params: Pairs,
        *,
        fmt: Format,
        post: bool,
        with_key: bool,
        cancelled: threading.Event | None,
        limiters: Sequence[RateLimiter],
    ) -> HttpResponse:
        """Send with pacing, classification and retries; return a reply that is data."""
        if self.config.offline:
            raise OfflineMiss(f"offline mode: {endpoint} would need a request to NCBI")
        identity = self.config.identity()
        if not with_key:
            identity.pop("api_key", None)
        pairs = [*params, *identity.items()]
        request = HttpRequest(
            method="POST" if post else "GET",
            url=url,
            params=() if post else pairs,
            data=pairs if post else None,
            timeout=(self.config.connect_timeout, read_timeout(self.config, _id_count(params))),
        )
        shown = mask_params(_joined(pairs))
        secrets = request.secrets()

        def attempt() -> HttpResponse:
            if cancelled is not None and cancelled.is_set():
                raise Cancelled
            for limiter in limiters if self._paced else ():
                limiter.acquire()
            started = self._clock()
            with self._sent_lock:
                self._sent[endpoint] += 1
            reply = self._transport.send(request)
            log.debug(
                "%s %s -> HTTP %d, %d bytes in %.2f s",
                endpoint,
                request.method,
                reply.status,
                len(reply.body),
                self._clock() - started,
                extra={"endpoint": endpoint, "method": request.method, "status": reply.status},
            )
            try:
                classify(
                    endpoint,
                    reply.status,
                    reply.headers,
                    reply.body,
                    fmt=fmt,
                    params=shown,
                    secrets=secrets,
                )
            except RateLimited as exc:
                for limiter in limiters:
                    limiter.penalize(exc.retry_after or RATE_LIMIT_PAUSE)
                raise
            return reply

        return self._retrier.call(attempt, what=endpoint, ids=_id_count(params))


def read_timeout(config: Config, ids: int | None) -> float:
    """Seconds to wait for each read of a reply to a request for ``ids`` ids."""
    wanted = STALL_FLOOR + STALL_PER_ID * max(0, (ids or 0) - STALL_FREE_IDS)
    return min(config.read_timeout, wanted)


def _id_count(params: Pairs) -> int | None:
    """How many ids a request asks for (``id=`` lists or repeats them, idconv's ``ids=``)."""
    values = [v for name, v in params if name in ("id", "ids")]
    if not values:
        return None
    return sum(len([part for part in value.split(",") if part]) for value in values)


def _joined(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Pairs as a dict, repeated names joined by commas (ELink's one ``id=`` per UID)."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return joined
