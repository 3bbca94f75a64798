"""Parse PubMed XML (efetch ``PubmedArticleSet``, baseline files) into records, streaming.

:mod:`.stream` finds each record in the bytes and parses it safely, :mod:`.article` builds the
record from its element, with :mod:`.journal` for its journal and :mod:`.elements` for the
small parts (text, ids, dates, authors, indexing) every record shares.
"""

from __future__ import annotations

from pubenrich.formats.pubmed_xml.stream import parse_pubmed_xml
from pubenrich.model.dates import parse_medline_date
from pubenrich.model.records import retraction_status

__all__ = ["parse_medline_date", "parse_pubmed_xml", "retraction_status"]
