"""Fixtures for the HTTP scenarios. Every scenario runs through `responses`, which replaces
the requests adapter: nothing leaves the process, and an unregistered URL fails at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import responses
from ncbi_fakes import EMAIL, FakeClock

from pubenrich import Config, EutilsClient


@pytest.fixture
def clock() -> FakeClock:
    """A fresh fake clock."""
    return FakeClock()


@pytest.fixture
def make_client(clock: FakeClock) -> Iterator[Callable[..., EutilsClient]]:
    """Build clients on the fake clock with no retry jitter; closes them afterwards."""
    made: list[EutilsClient] = []

    def build(**settings: Any) -> EutilsClient:
        settings.setdefault("email", EMAIL)
        client = EutilsClient(
            Config(**settings), clock=clock, sleep=clock.sleep, random=lambda: 0.0
        )
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """A `responses` mock that fails on any unregistered or unused URL."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps
