"""L2 work: records and id mappings from cache, mirror or NCBI; resolution; the Enricher."""
