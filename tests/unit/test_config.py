"""Config: defaults, the rate it implies, validation messages, the environment, scrubbing."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from pubenrich import Config
from pubenrich._secrets import mask_values, secret_values
from pubenrich.config import scrub, scrub_query


def test_defaults_point_at_ncbi() -> None:
    """Out of the box: NCBI's E-utilities, the current ID converter, tool "pubenrich"."""
    config = Config()
    assert config.eutils_url == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
    assert config.idconv_url == "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/"
    assert (config.tool, config.email, config.api_key) == ("pubenrich", None, None)
    assert (config.batch_size, config.max_attempts, config.offline) == (200, 20, False)
    assert (config.max_retry_seconds, config.max_outage_seconds) == (120.0, 300.0)


@pytest.mark.parametrize(
    ("settings", "rate"),
    [
        ({}, 3.0),
        ({"api_key": "k"}, 10.0),
        ({"requests_per_second": 1.5}, 1.5),
        ({"api_key": "k", "requests_per_second": 20}, 20.0),
    ],
)
def test_rate_follows_the_key_unless_set(settings: dict[str, object], rate: float) -> None:
    """3 requests/s without a key, 10 with one, or what requests_per_second says."""
    assert Config(**settings).rate == rate  # type: ignore[arg-type]


def test_config_is_frozen() -> None:
    """A Config cannot be changed in place; evolve makes a new one."""
    config = Config()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.tool = "other"  # type: ignore[misc]
    assert attrs.evolve(config, tool="other").tool == "other"


def test_identity_holds_tool_email_and_key_when_given() -> None:
    """The parameters NCBI asks for on every request."""
    assert Config().identity() == {"tool": "pubenrich"}
    assert Config(email="a@example.org", api_key="k").identity() == {
        "tool": "pubenrich",
        "email": "a@example.org",
        "api_key": "k",
    }


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"email": "not an address"}, "email must be an address like name@example.org"),
        ({"email": "nobody@localhost"}, "email must be an address like name@example.org"),
        ({"api_key": "has space"}, "api_key must not contain spaces"),
        ({"tool": "my tool"}, "tool must be a non-empty string without spaces"),
        ({"tool": ""}, "tool must be a non-empty string without spaces"),
        (
            {"eutils_url": "ftp://x/"},
            "eutils_url must be an http:// or https:// URL, got 'ftp://x/'",
        ),
        ({"requests_per_second": 0}, "requests_per_second must be a positive number, got 0"),
        ({"read_timeout": -1.0}, "read_timeout must be a positive number, got -1.0"),
        ({"batch_size": 0}, "batch_size must be an integer of at least 1, got 0"),
        ({"batch_size": 10_001}, "batch_size must be at most 10000, got 10001"),
        ({"max_attempts": 0}, "max_attempts must be an integer of at least 1, got 0"),
        ({"max_in_flight": 0}, "max_in_flight must be an integer of at least 1, got 0"),
        ({"max_retry_seconds": float("inf")}, "max_retry_seconds must be a positive number"),
    ],
)
def test_invalid_settings_are_refused_with_an_exact_message(
    settings: dict[str, object], message: str
) -> None:
    """Each validator says what is wrong, in words a user can act on."""
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        Config(**settings)  # type: ignore[arg-type]


def test_the_email_is_not_echoed_in_its_error() -> None:
    """An address is personal data: a bad one is refused without being repeated."""
    with pytest.raises(ValueError, match="email must be") as caught:
        Config(email="private person@example.org")
    assert "private" not in str(caught.value)


def test_urls_gain_a_trailing_slash_and_paths_become_paths() -> None:
    """Small conveniences: a base URL without "/" and a cache path given as a string."""
    config = Config(eutils_url="http://127.0.0.1:8080/entrez/eutils", cache_path="c.sqlite")
    assert config.eutils_url == "http://127.0.0.1:8080/entrez/eutils/"
    assert config.cache_path == Path("c.sqlite")


def test_blank_key_and_email_count_as_absent() -> None:
    """Empty strings (an exported but empty variable) mean "not given"."""
    config = Config(api_key="  ", email="")
    assert (config.api_key, config.email, config.rate) == (None, None, 3.0)


def test_from_env_reads_key_and_email(monkeypatch: pytest.MonkeyPatch) -> None:
    """NCBI_API_KEY and NCBI_EMAIL fill the config."""
    monkeypatch.setenv("NCBI_API_KEY", "envkey")
    monkeypatch.setenv("NCBI_EMAIL", "env@example.org")
    config = Config.from_env()
    assert (config.api_key, config.email, config.rate) == ("envkey", "env@example.org", 10.0)


def test_from_env_overrides_win(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keyword arguments beat the environment, including an explicit None."""
    monkeypatch.setenv("NCBI_API_KEY", "envkey")
    config = Config.from_env(api_key=None, batch_size=50)
    assert (config.api_key, config.batch_size) == (None, 50)


def test_from_env_without_variables_is_the_default() -> None:
    """With nothing exported (conftest clears NCBI_*), from_env equals Config()."""
    assert Config.from_env() == Config()


def test_the_key_is_not_in_the_repr() -> None:
    """repr shows the settings but never the key."""
    assert "topsecret" not in repr(Config(api_key="topsecret"))


def test_scrub_masks_key_and_email_and_shortens_long_values() -> None:
    """Parameters fit for a log line or an error message."""
    params = {"api_key": "k", "email": "a@example.org", "db": "pubmed", "id": "1," * 300}
    clean = scrub(params)
    assert (clean["api_key"], clean["email"], clean["db"]) == ("***", "***", "pubmed")
    assert clean["id"].endswith("(600 chars)")
    assert scrub(None) == {}


def test_scrub_query_masks_secret_values_in_quoted_urls() -> None:
    """A logged request line keeps its parameters but not the key's or the email's value."""
    line = '"GET /e.cgi?db=pubmed&email=a%40example.org&api_key=K3y&tool=t HTTP/1.1" 200'
    assert scrub_query(line) == '"GET /e.cgi?db=pubmed&email=***&api_key=***&tool=t HTTP/1.1" 200'
    assert scrub_query("my_api_key=1 stays") == "my_api_key=1 stays"


def test_secrets_are_masked_as_given_and_url_encoded_longest_first() -> None:
    """One rule for literal values: the longer secret first, its URL-encoded form too."""
    text = "key=abc123 abc email=me%40example.org me@example.org"
    masked = mask_values(text, ["abc", "abc123", "me@example.org"])
    assert masked == "key=*** *** email=*** ***"
    assert mask_values("me@example.org", ["me@example.org"], "SCRUBBED") == "SCRUBBED"


def test_secret_values_are_read_from_request_pairs() -> None:
    """Only api_key and email are secrets; empty values are none."""
    pairs = [("api_key", "K"), ("email", ""), ("tool", "t"), ("email", "a@b.org")]
    assert secret_values(pairs) == ["a@b.org", "K"]
