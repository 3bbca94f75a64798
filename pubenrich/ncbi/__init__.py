"""L1 the wire: HTTP transport, pacing, retries, and NCBI's endpoints and replies."""
