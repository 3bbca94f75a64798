"""``python -m pubenrich.testing.fake_ncbi``: run the fake NCBI by hand on 127.0.0.1."""

from __future__ import annotations

from pubenrich.testing.fake_ncbi.server import main

if __name__ == "__main__":
    raise SystemExit(main())
