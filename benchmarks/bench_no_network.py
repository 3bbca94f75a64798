"""How long a command takes to give up when NCBI cannot be reached, and what it says.

"No network" is made the way a firewall makes it: every proxy variable points at a closed
loopback port, so each connection is refused at once. The command is run as a user runs it
(a subprocess, default settings, no cache), a few times, for 1 and for 400 PMIDs (two batches).

    python benchmarks/bench_no_network.py [--repo PATH] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEAD_PROXY = "http://127.0.0.1:9"


def once(repo: Path, ids: list[str], home: str) -> tuple[float, int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NCBI_")}
    env.update(PYTHONPATH=str(repo), HOME=home, XDG_CACHE_HOME="")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env[name] = DEAD_PROXY
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pubenrich", "fetch", "--no-cache", *ids],
        capture_output=True,
        text=True,
        cwd=repo,
        env=env,
        check=False,
    )
    return time.perf_counter() - started, done.returncode, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        for count in (1, 400):
            ids = [str(25211170 + i) for i in range(count)]
            results = [once(args.repo, ids, home) for _ in range(args.runs)]
            seconds = [r[0] for r in results]
            _, code, stderr = results[-1]
            lines = stderr.splitlines()
            longest = max((len(line) for line in lines), default=0)
            print(
                f"{count} PMIDs: median {statistics.median(seconds):.2f} s over {args.runs} runs "
                f"(max {max(seconds):.2f} s), exit {code}, {len(lines)} stderr lines, "
                f"longest {longest} chars"
            )
            print(f"  last line: {lines[-1] if lines else ''}")


if __name__ == "__main__":
    main()
