"""Issue 21 on the fake NCBI: an outage mid-run is waited out, another job on the same key
costs no record, and a batch whose attempts run out is asked again later in the run."""

from __future__ import annotations

import threading

import attrs
from fault_jobs import (
    JOBS,
    compare,
    fast_config,
    open_enricher,
    start_fake,
    virtual_clock,
    virtual_sleep,
)

from pubenrich import Config, EutilsClient
from pubenrich.testing.fake_ncbi import FaultPlan, SyntheticUniverse
from pubenrich.testing.fake_ncbi.faults import OutagePlan

UNIVERSE = SyntheticUniverse(size=1500, seed=11)
API_KEY = "SECRET-outage-suite-key-7a2b"
FETCH = JOBS[0]
DEFAULT_ATTEMPTS = Config().max_attempts


def baseline(n: int) -> tuple[list[object], list[object]]:
    inputs = FETCH.inputs(UNIVERSE, n, 5)
    with start_fake(UNIVERSE) as fake, open_enricher(fast_config(fake)) as enricher:
        return inputs, FETCH.run(enricher, inputs)


def test_an_outage_mid_run_is_waited_out() -> None:
    """Every request answered 503 for 60 virtual seconds (1.2 real), starting just after
    the run does: every input comes back as in the fault-free run, no error."""
    inputs, before = baseline(400)
    plan = OutagePlan(start=0.05, seconds=1.2)
    with start_fake(UNIVERSE) as fake:
        fake.faults = plan
        config = fast_config(fake, api_key=API_KEY, batch_size=20, max_attempts=DEFAULT_ATTEMPTS)
        with open_enricher(config) as enricher:
            results = FETCH.run(enricher, inputs)
        stats = fake.stats.snapshot()
    ledger = compare(FETCH, inputs, before, results)
    assert stats["faults"].get("http_503", 0) > 0
    assert (ledger.lost, ledger.errors, ledger.misplaced, ledger.duplicates) == (0, 0, 0, 0)


def test_an_outage_past_the_runs_deadline_ends_the_run_with_errors() -> None:
    """An outage longer than max_outage_seconds: the run ends without waiting it out, and
    every valid input says ``error`` (never not_found) with the 503."""
    inputs = [str(p) for p in UNIVERSE.pmids()[:60]]
    plan = OutagePlan(start=0.0, seconds=60.0)
    with start_fake(UNIVERSE) as fake:
        fake.faults = plan
        config = fast_config(fake, batch_size=20, max_outage_seconds=40.0)
        with open_enricher(config) as enricher:
            results = FETCH.run(enricher, inputs)
    assert {r.status for r in results} == {"error"}
    assert all("503" in str(r.error) for r in results)


def test_a_second_job_on_the_key_costs_no_record() -> None:
    """Another client fetches on the same key at the key's full rate all along: the 429s
    are absorbed, with two attempts only, and nothing is lost or an error."""
    inputs, before = baseline(600)
    # The fake admits 10 requests per 5 (virtual) seconds on the key; each job paces at
    # 2 a second, the key's whole allowance, so together they ask for twice what it admits.
    with start_fake(UNIVERSE, enforce_rate=True, rate_window=5.0) as fake:
        config = fast_config(
            fake, api_key=API_KEY, requests_per_second=2.0, batch_size=20, max_attempts=2
        )
        stop = threading.Event()
        other = attrs.evolve(config, max_in_flight=10)

        def second_job() -> None:
            with EutilsClient(other, clock=virtual_clock, sleep=virtual_sleep) as client:
                while not stop.is_set():
                    for _ in client.efetch_batches(UNIVERSE.pmids()[:200]):
                        if stop.is_set():
                            break

        thread = threading.Thread(target=second_job, daemon=True)
        thread.start()
        try:
            with open_enricher(config) as enricher:
                results = FETCH.run(enricher, inputs)
        finally:
            stop.set()
            thread.join(timeout=30)
        stats = fake.stats.snapshot()
    ledger = compare(FETCH, inputs, before, results)
    assert stats["status_429"] > 0
    assert (ledger.lost, ledger.errors, ledger.misplaced, ledger.duplicates) == (0, 0, 0, 0)


def test_a_batch_out_of_attempts_is_asked_again_later() -> None:
    """The first and third requests fail (one attempt each): their ids are asked again
    after the rest of the window, and every input comes back as in the fault-free run."""

    @attrs.frozen
    class Early(FaultPlan):
        def fault_for(self, index: int) -> str | None:
            return "http_503" if index in (0, 2) else None

    inputs, before = baseline(400)
    with start_fake(UNIVERSE, faults=Early()) as fake:
        with open_enricher(fast_config(fake, batch_size=20, max_attempts=1)) as enricher:
            results = FETCH.run(enricher, inputs)
        stats = fake.stats.snapshot()
    ledger = compare(FETCH, inputs, before, results)
    assert stats["faults"].get("http_503", 0) == 2
    assert (ledger.lost, ledger.errors, ledger.misplaced, ledger.duplicates) == (0, 0, 0, 0)
