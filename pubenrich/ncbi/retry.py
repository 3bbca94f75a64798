"""The retry policy for NCBI requests: what is retried, how long to wait, when to stop.

This is the only module that imports ``tenacity``. Only failures that a later attempt can cure
are retried: :class:`TransportError` (reset, timeout, cut body) and :class:`NcbiUnavailable`
(5xx, "Backend failed", an HTML error page, and its subclass :class:`RateLimited`). A
:class:`BadRequest` fails at once with NCBI's message.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import attrs
import tenacity

from pubenrich.config import Config
from pubenrich.errors import (
    ConnectionFailed,
    NcbiError,
    NcbiUnavailable,
    RateLimited,
    TransportError,
)

__all__ = ["CONNECTION_ATTEMPTS", "RETRIED", "Outage", "Retrier", "RetryPolicy", "reason"]

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRIED: tuple[type[BaseException], ...] = (TransportError, NcbiUnavailable)
# A connection that cannot be made at all (DNS, refused) is tried once more, in case the
# network was changing hands, and then given up: six tries would keep a user without network
# waiting tens of seconds for an answer the first try already gave.
CONNECTION_ATTEMPTS = 2
_REASON_CHARS = 120
RATE_LIMITED_UNCOUNTED = 1_000_000
# Failing this long with no reply between is an outage worth telling the user about.
OUTAGE_NOTICE = 5.0


def _worth_retrying(error: BaseException) -> bool:
    return isinstance(error, RETRIED) and getattr(error, "retried", True) is not False


def reason(error: BaseException | None) -> str:
    """A failure in a few words for a log line: the cause, never the whole request URL."""
    if error is None:
        return "unknown"
    if isinstance(error, ConnectionFailed):
        return error.cause
    if isinstance(error, NcbiError):
        code = f"HTTP {error.status}: " if error.status is not None else ""
        text = code + error.message
    else:
        # A TransportError names its request after ": HttpRequest(", too long to repeat.
        text = str(error).split(": HttpRequest(", 1)[0]
    text = " ".join(text.split())
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 1] + "…"


class Outage:
    """Whether NCBI is failing now, shared by every request of a session.

    An outage starts with a request's failure after a reply that was data (or at the start)
    and ends with the next reply that is data. Failures cured within ``notice`` seconds are
    the weather of a long run (a 5xx here, a reset there) and are logged at debug level. An
    outage that outlasts them gets one warning, and one line when it ends, however many
    requests fail in between: a nightly job that rides out a two-minute outage logs two
    lines, not one per attempt. A 429 is no outage: NCBI answered; it said "later".

    Args:
        max_seconds: the run's deadline, how long an outage is waited out; past it a failed
            request is not retried (it fails with its error) until NCBI answers again.
        clock: a monotonic clock in seconds.
        notice: seconds of failing with no reply in between that make an outage worth a
            warning.
    """

    def __init__(
        self,
        max_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        notice: float = OUTAGE_NOTICE,
    ) -> None:
        self.max_seconds = max_seconds
        self.notice = notice
        self._clock = clock
        self._lock = threading.Lock()
        self._since: float | None = None
        self._failures = 0
        self._warned = False

    def failed(self, error: BaseException | None = None) -> None:
        """Count a failure; warn once when the outage has lasted ``notice`` seconds."""
        with self._lock:
            now = self._clock()
            self._failures += 1
            if self._since is None:
                self._since = now
            lasted = now - self._since
            warn = not self._warned and lasted >= self.notice
            self._warned = self._warned or warn
        if warn:
            log.warning(
                "NCBI has been failing for %.0f s (%s); waiting it out for up to %.0f s",
                lasted,
                reason(error),
                self.max_seconds,
                extra={"outage_seconds": lasted, "error": type(error).__name__},
            )

    def answered(self) -> None:
        """NCBI answered: an outage in progress is over."""
        if self._since is None:  # the common case, read without the lock
            return
        with self._lock:
            since, failures, warned = self._since, self._failures, self._warned
            self._since, self._failures, self._warned = None, 0, False
        if since is not None:
            log.log(
                logging.WARNING if warned else logging.DEBUG,
                "NCBI answers again after %.1f s (%d failed attempts meanwhile)",
                self._clock() - since,
                failures,
                extra={"outage_seconds": self._clock() - since, "failures": failures},
            )

    def expired(self) -> bool:
        """True when the outage in progress has lasted longer than the run's deadline."""
        since = self._since
        return since is not None and self._clock() - since > self.max_seconds


def _positive(_inst: object, attr: attrs.Attribute[float], value: float) -> None:
    if value <= 0:
        raise ValueError(f"{attr.name} must be positive, got {value!r}")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Bounds and backoff of the retries.

    The wait after the ``n``-th failure of a kind is ``min(max_wait, initial_wait *
    2 ** (n - 1))`` stretched by a random factor in ``[1, 1 + jitter)``, so that threads that
    failed together do not come back together. A :class:`RateLimited` error (429) is counted
    apart: it says "later", not "broken", so it spends ``max_rate_limited`` and never the
    attempts meant for real failures; it waits its ``retry_after`` when NCBI names one and
    otherwise the first step (the shared limiter holds every request for NCBI's window), so a
    429 slows a request as long as NCBI asks and no longer. ``max_seconds`` bounds both kinds
    together, so a run still ends in bounded time.

    Attributes:
        max_attempts: tries in all, the first included, not counting those refused with 429.
        max_rate_limited: 429 answers waited out per call before giving up.
        max_seconds: no attempt starts later than this many seconds after the first.
        initial_wait: the first wait, in seconds.
        max_wait: the cap on one wait.
        jitter: the largest random stretch of a wait, as a fraction.
    """

    max_attempts: int = attrs.field(default=6)
    max_rate_limited: int = attrs.field(default=20, validator=attrs.validators.ge(0))
    max_seconds: float = attrs.field(default=120.0, validator=_positive)
    initial_wait: float = attrs.field(default=0.5, validator=_positive)
    # 8 s: the end of an outage is noticed within 8 s (12 s with jitter), while twenty tries
    # still back off over about two minutes (the request's deadline).
    max_wait: float = attrs.field(default=8.0, validator=_positive)
    jitter: float = attrs.field(default=0.5)

    @max_attempts.validator
    def _check_attempts(self, _attr: attrs.Attribute[int], value: int) -> None:
        if value < 1:
            raise ValueError(f"max_attempts must be at least 1, got {value!r}")

    @jitter.validator
    def _check_jitter(self, _attr: attrs.Attribute[float], value: float) -> None:
        if not 0 <= value <= 1:
            raise ValueError(f"jitter must be between 0 and 1, got {value!r}")

    @classmethod
    def from_config(cls, config: Config) -> RetryPolicy:
        """The policy a :class:`Config` asks for; ``max_attempts=1`` turns off every retry,
        429s included."""
        return cls(
            max_attempts=config.max_attempts,
            max_seconds=config.max_retry_seconds,
            # 429s are bounded by the deadline, not counted: another job on the same key can
            # draw many of them, and each only says "later".
            max_rate_limited=0 if config.max_attempts == 1 else RATE_LIMITED_UNCOUNTED,
        )

    def backoff(self, attempt: int, draw: float) -> float:
        """The wait after failed attempt number ``attempt`` (1-based); ``draw`` is in [0, 1)."""
        base = min(self.max_wait, self.initial_wait * 2.0 ** (attempt - 1))
        return float(base * (1.0 + self.jitter * draw))


class Retrier:
    """Run a call under a :class:`RetryPolicy`, with an injectable clock, sleep and randomness.

    Args:
        policy: the bounds and backoff.
        clock: a monotonic clock in seconds, measuring the total time.
        sleep: the sleep between attempts; tests pass a fake, so they never sleep.
        draw: returns a number in [0, 1) for the jitter.
        outage: the outage tracker shared by the calls of a session (one of its own by
            default, with the policy's ``max_seconds`` as its deadline).
    """

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        draw: Callable[[], float] = random.random,
        outage: Outage | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._clock = clock
        self._sleep = sleep
        self._draw = draw
        self.outage = outage or Outage(self.policy.max_seconds, clock)

    def __repr__(self) -> str:
        return f"Retrier({self.policy!r})"

    def call(self, fn: Callable[[], T], *, what: str = "request", ids: int | None = None) -> T:
        """Call ``fn`` until it returns, fails with an error that is not retried, or the bounds
        run out; then re-raise its last error.

        Each retry is one short line (endpoint, id count, attempt, reason, wait); the request's
        URL is left out, as it says nothing the endpoint does not and can run to kilobytes. The
        line is a debug line, except for a connection that cannot be made; an outage that
        lasts is told once by :class:`Outage`. Once the outage has lasted past its deadline,
        a failure is not retried.

        Args:
            fn: the attempt; it raises a ``pubenrich`` error on failure.
            what: a short label for the log (e.g. ``"efetch"``).
            ids: how many ids the request asks for, when it asks for ids.

        Returns:
            What ``fn`` returned.

        Raises:
            PubenrichError: the last error of ``fn``.
        """
        policy = self.policy
        started = self._clock()
        # Failures by kind, counted in wait(), which tenacity calls once per failure.
        failed = {"real": 0, "limited": 0}
        outage = self.outage

        def wait(state: tenacity.RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, RateLimited):
                failed["limited"] += 1
                if error.retry_after is not None:
                    return error.retry_after
                return policy.backoff(1, self._draw())
            failed["real"] += 1
            outage.failed(error)
            return policy.backoff(failed["real"], self._draw())

        label = what if ids is None else f"{what} ({ids:,} id{'s' if ids != 1 else ''})"

        def stop(state: tenacity.RetryCallState) -> bool:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, ConnectionFailed) and failed["real"] >= CONNECTION_ATTEMPTS:
                return True
            if failed["real"] >= policy.max_attempts or failed["limited"] > policy.max_rate_limited:
                return True
            if not isinstance(error, RateLimited) and outage.expired():
                return True
            upcoming = state.upcoming_sleep or 0.0
            return self._clock() - started + upcoming > policy.max_seconds

        def before_sleep(state: tenacity.RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            # A connection that cannot be made is news at once (issue 20); the rest is told
            # by the outage, once, if it lasts.
            log.log(
                logging.WARNING if isinstance(error, ConnectionFailed) else logging.DEBUG,
                "%s: attempt %d failed (%s), retrying in %.1f s",
                label,
                state.attempt_number,
                reason(error),
                state.upcoming_sleep,
                extra={
                    "endpoint": what,
                    "ids": ids,
                    "attempt": state.attempt_number,
                    "wait_seconds": state.upcoming_sleep,
                    "error": type(error).__name__,
                    "status": getattr(error, "status", None),
                },
            )

        def give_up(state: tenacity.RetryCallState) -> T:
            error = state.outcome.exception() if state.outcome else None
            log.error(
                "%s failed after %d attempts in %.1f s: %s",
                label,
                state.attempt_number,
                self._clock() - started,
                reason(error),
                extra={
                    "endpoint": what,
                    "ids": ids,
                    "attempt": state.attempt_number,
                    "error": type(error).__name__,
                    "status": getattr(error, "status", None),
                },
            )
            if error is None:  # pragma: no cover - tenacity only gives up after a failure
                raise RuntimeError("retry stopped without an outcome")
            raise error

        def attempt() -> T:
            result = fn()
            outage.answered()
            return result

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(_worth_retrying),
            wait=wait,
            stop=stop,
            sleep=self._sleep,
            before_sleep=before_sleep,
            retry_error_callback=give_up,
            reraise=True,
        )
        return retrying(attempt)
