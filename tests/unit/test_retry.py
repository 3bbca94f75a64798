"""The retry policy: what is retried, the backoff and its jitter, both bounds, Retry-After."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from pubenrich import BadRequest, NcbiUnavailable, ParseError, RateLimited, TransportError
from pubenrich.ncbi.retry import Retrier, RetryPolicy


class Clock:
    """A fake clock moved only by the fake sleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def failing(*errors: BaseException, then: str = "ok") -> Callable[[], str]:
    """A call that raises the given errors in turn, then returns ``then``."""
    queue = list(errors)

    def call() -> str:
        if queue:
            raise queue.pop(0)
        return then

    return call


def retrier(clock: Clock, draw: float = 0.0, **policy: float) -> Retrier:
    return Retrier(RetryPolicy(**policy), clock=clock, sleep=clock.sleep, draw=lambda: draw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "error",
    [
        TransportError("reset"),
        NcbiUnavailable("Search Backend failed", status=200),
        RateLimited("API rate limit exceeded"),
    ],
)
def test_transient_errors_are_retried(error: Exception) -> None:
    """Transport failures, NCBI being unavailable and rate limits get another attempt."""
    clock = Clock()
    assert retrier(clock).call(failing(error)) == "ok"
    assert clock.sleeps == [0.5]


@pytest.mark.parametrize(
    "error", [BadRequest("Invalid uid abc", status=200), ParseError("bad XML"), ValueError("x")]
)
def test_other_errors_fail_at_once(error: Exception) -> None:
    """A bad request, a parse error or a bug is raised on the first attempt, unchanged."""
    clock = Clock()
    with pytest.raises(type(error)) as caught:
        retrier(clock).call(failing(error))
    assert caught.value is error
    assert clock.sleeps == []


def test_backoff_doubles_up_to_its_cap() -> None:
    """0.5, 1, 2, 4, then capped at max_wait."""
    clock = Clock()
    errors = [TransportError("x") for _ in range(6)]
    retrier(clock, max_attempts=7, max_wait=5.0, max_seconds=100.0).call(failing(*errors))
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_jitter_stretches_each_wait_by_up_to_half() -> None:
    """With the random draw at its top, each wait is 1.5 times the base."""
    clock = Clock()
    retrier(clock, draw=0.999999).call(failing(TransportError("x"), TransportError("y")))
    assert clock.sleeps == pytest.approx([0.75, 1.5], rel=1e-5)


def test_attempts_are_bounded_and_the_last_error_is_raised() -> None:
    """After max_attempts the last error reaches the caller."""
    clock = Clock()
    last = TransportError("third")
    with pytest.raises(TransportError, match="third"):
        retrier(clock, max_attempts=3).call(
            failing(TransportError("first"), TransportError("second"), last)
        )
    assert len(clock.sleeps) == 2


def test_total_time_is_bounded() -> None:
    """No wait is started that would end past max_seconds."""
    clock = Clock()
    errors = [TransportError(str(n)) for n in range(10)]
    with pytest.raises(TransportError):
        retrier(clock, max_attempts=20, max_seconds=3.0).call(failing(*errors))
    assert clock.sleeps == [0.5, 1.0]  # the next wait (2 s) would end at 3.5 s
    assert clock.now <= 3.0


def test_time_spent_inside_attempts_counts_toward_the_bound() -> None:
    """Slow attempts use up the total time too."""
    clock = Clock()

    def slow() -> str:
        clock.now += 2.0
        raise TransportError("slow")

    with pytest.raises(TransportError):
        retrier(clock, max_attempts=20, max_seconds=5.0).call(slow)
    assert clock.sleeps == [0.5]


def test_retry_after_sets_a_floor_on_the_wait() -> None:
    """A rate limit that says how long to wait is waited at least that long."""
    clock = Clock()
    retrier(clock).call(failing(RateLimited("slow down", retry_after=3.0)))
    assert clock.sleeps == [3.0]


def test_each_retry_is_logged_with_extra_fields(caplog: pytest.LogCaptureFixture) -> None:
    """One line per retry (debug: an outage is told once, by the Outage) with endpoint,
    attempt, wait, error class and status; a failure cured at once warns nobody."""
    caplog.set_level(logging.DEBUG, logger="pubenrich.ncbi.retry")
    retrier(Clock()).call(failing(NcbiUnavailable("busy", status=503)), what="efetch")
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    (record,) = [r for r in caplog.records if hasattr(r, "wait_seconds")]
    assert (record.endpoint, record.attempt, record.wait_seconds) == ("efetch", 1, 0.5)  # type: ignore[attr-defined]
    assert (record.error, record.status) == ("NcbiUnavailable", 503)  # type: ignore[attr-defined]


def test_giving_up_is_logged_as_an_error(caplog: pytest.LogCaptureFixture) -> None:
    """When the bounds run out, an error line says after how many attempts."""
    caplog.set_level(logging.ERROR, logger="pubenrich.ncbi.retry")
    with pytest.raises(TransportError):
        retrier(Clock(), max_attempts=2).call(
            failing(TransportError("a"), TransportError("b")), what="esummary"
        )
    assert "esummary failed after 2 attempts" in caplog.records[-1].getMessage()


def test_policy_from_config_takes_its_bounds() -> None:
    """max_attempts and max_retry_seconds come from the Config."""
    from pubenrich import Config

    policy = RetryPolicy.from_config(Config(max_attempts=4, max_retry_seconds=9.0))
    assert (policy.max_attempts, policy.max_seconds) == (4, 9.0)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"max_attempts": 0}, "max_attempts must be at least 1"),
        ({"jitter": 2.0}, "jitter must be between 0 and 1"),
        ({"initial_wait": 0.0}, "initial_wait must be positive"),
    ],
)
def test_policy_validation(settings: dict[str, float], message: str) -> None:
    """Nonsense bounds are refused."""
    with pytest.raises(ValueError, match=message):
        RetryPolicy(**settings)  # type: ignore[arg-type]


def test_429s_do_not_spend_the_attempts_meant_for_real_failures() -> None:
    """Five 429s then a 503, with two attempts allowed: the 503 is retried and the call ends."""
    clock = Clock()
    limited = [RateLimited("API rate limit exceeded") for _ in range(5)]
    call = failing(*limited, NcbiUnavailable("busy", status=503))
    assert retrier(clock, max_attempts=2).call(call) == "ok"
    assert len(clock.sleeps) == 6


def test_429s_back_off_on_their_own_count() -> None:
    """A 429 without Retry-After waits the first step every time (the shared limiter holds
    NCBI's window), never growing; a 503 after three 429s waits the first step too."""
    clock = Clock()
    limited = [RateLimited("API rate limit exceeded") for _ in range(3)]
    retrier(clock).call(failing(*limited, NcbiUnavailable("busy", status=503)))
    assert clock.sleeps == [0.5, 0.5, 0.5, 0.5]


def test_429s_have_their_own_cap() -> None:
    """A server that only ever says 429 is given up on after max_rate_limited waits."""
    clock = Clock()
    calls: list[int] = []

    def always_limited() -> str:
        calls.append(1)
        raise RateLimited("API rate limit exceeded")

    with pytest.raises(RateLimited):
        Retrier(
            RetryPolicy(max_rate_limited=3, max_seconds=1000.0),
            clock=clock,
            sleep=clock.sleep,
            draw=lambda: 0.0,
        ).call(always_limited)
    assert len(calls) == 4


def test_429s_stay_within_the_total_retry_time() -> None:
    """Retry-After waits of 50 s under a 120 s total: the call gives up within 120 s."""
    clock = Clock()
    limited = [RateLimited("slow down", retry_after=50.0) for _ in range(10)]
    with pytest.raises(RateLimited):
        retrier(clock, max_seconds=120.0).call(failing(*limited))
    assert clock.sleeps == [50.0, 50.0]
