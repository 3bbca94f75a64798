"""L0 values: identifiers, records and results. Pure: no network, no disk, no clock."""
