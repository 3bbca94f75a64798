"""L0 reading prose: identifiers and citations in text, and what an input says. Pure."""
