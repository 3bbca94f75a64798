"""L0 files: PubMed XML and MEDLINE in, CSL-JSON, BibTeX, RIS and CSV out. Pure."""
