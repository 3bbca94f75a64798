"""How close does ``EutilsClient.efetch`` get to the bound NCBI's limits set? Prints figures.

Fetches N = 1,000 and 10,000 PMIDs from the local fake NCBI (127.0.0.1, NCBI's 3 / 10
requests-per-second limit enforced with 429s) without and with an API key, with the fake's
latency at 0.25 s and at 1 s a request, and prints requests made, 429s received, wall time,
the lower bound and their ratio. Targets (issue 21): at most ceil(N/200) requests, zero
429s, ratio <= 1.1.

The lower bound. With R = ceil(N / 200) requests, a rate r (3 or 10 per second), a latency L
and at most W requests in flight (the client's ``max_in_flight``, 10 by default):

    bound = max((R - 1) / r, (ceil(R / W) - 1) * L) + L

The rate allows the first request at 0 and the last no sooner than (R - 1) / r; the window
of W in flight lets the last wave of requests start no sooner than (ceil(R / W) - 1) * L;
whichever is later, the last reply still needs L after its request. Serialisation and
parsing time are ignored, so the bound is strict.

Run: ``PYTHONPATH=. python benchmarks/bench_client.py``.
"""

from __future__ import annotations

import math
import time

from pubenrich.config import Config
from pubenrich.ncbi.client import EutilsClient
from pubenrich.testing.fake_ncbi import FakeNcbi, SyntheticUniverse

SIZES = (1_000, 10_000)
LATENCIES = (0.25, 1.0)
BATCH = 200
API_KEY = "synthetic0benchmark0key0000000000000"
RATIO = 1.1  # the target: within 1.1 x of the bound


def bound(requests: int, rate: float, latency: float, window: int) -> float:
    """The lower bound on wall time explained in the module docstring."""
    return max((requests - 1) / rate, (math.ceil(requests / window) - 1) * latency) + latency


def run(n: int, latency: float, api_key: str | None) -> dict[str, float | int | str]:
    """Fetch ``n`` PMIDs once and return the figures."""
    universe = SyntheticUniverse(size=n, seed=0)
    pmids = [str(universe.first_pmid + i) for i in range(n)]
    for pmid in pmids[:50]:  # build the records before timing (the fake's cost, not NCBI's)
        universe.record(pmid)
    with FakeNcbi(universe, latency=latency) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, api_key=api_key)
        start = time.perf_counter()
        with EutilsClient(config) as client:
            records = sum(batch.body.count(b"<PubmedArticle>") for batch in client.efetch(pmids))
        wall = time.perf_counter() - start
        stats = fake.stats.snapshot()
    requests = stats["requests"].get("efetch", 0)
    low = bound(math.ceil(n / BATCH), config.rate, latency, config.max_in_flight)
    return {
        "n": n,
        "key": "yes" if api_key else "no",
        "latency": latency,
        "requests": requests,
        "target": math.ceil(n / BATCH),
        "429s": stats["status_429"],
        "records": records,
        "wall": wall,
        "bound": low,
        "ratio": wall / low,
    }


def main() -> None:
    """Run every case and print a table."""
    print(
        f"{'N':>6} {'key':>3} {'latency':>7} {'requests':>8} {'target':>6} {'429s':>4} "
        f"{'records':>7} {'wall s':>7} {'bound s':>7} {'ratio':>5}  verdict"
    )
    for n in SIZES:
        for api_key in (None, API_KEY):
            for latency in LATENCIES:
                r = run(n, latency, api_key)
                ok = r["requests"] <= r["target"] and r["429s"] == 0 and float(r["ratio"]) <= RATIO
                print(
                    f"{r['n']:>6} {r['key']:>3} {r['latency']:>7.2f} {r['requests']:>8} "
                    f"{r['target']:>6} {r['429s']:>4} {r['records']:>7} {r['wall']:>7.2f} "
                    f"{r['bound']:>7.2f} {r['ratio']:>5.2f}  {'ok' if ok else 'MISSED'}"
                )


if __name__ == "__main__":
    main()
