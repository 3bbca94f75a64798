"""Suite-wide guards: no NCBI settings leak in from the environment, and no test reaches the
internet. A request to anything but loopback fails at once instead of hanging."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pubenrich.testing.pytest_plugin"]

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# Subprocesses (CLI and example tests) inherit these: any request that escapes `responses`
# goes to a closed loopback port and is refused in milliseconds.
_DEAD_PROXY = "http://127.0.0.1:9"
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
    os.environ[_name] = _DEAD_PROXY
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost,::1"

_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(host: object) -> bool:
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


class NetworkBlocked(RuntimeError):
    """Raised when a test tries to reach a host other than loopback."""


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
        raise NetworkBlocked(f"test tried to reach {address!r}; tests never touch the network")
    _real_connect(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not _is_loopback(host):
        raise NetworkBlocked(f"test tried to resolve {host!r}; tests never touch the network")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.getaddrinfo = _guarded_getaddrinfo


@pytest.fixture(autouse=True)
def _no_ncbi_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear NCBI_* so a developer's own key or email never shapes a test."""
    for name in list(os.environ):
        if name.startswith("NCBI_"):
            monkeypatch.delenv(name)


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared reference folder; skips the test where it is absent (a fresh clone)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (reference data is not part of the project)")
    return SHARED


@pytest.fixture
def seeds_dir() -> Path:
    """The project's own seeds/ folder."""
    return REPO / "seeds"
