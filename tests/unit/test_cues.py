"""read_citations on generic texts: reference lists, a single paper, records and dicts.

Texts are synthetic (titles say so; DOIs under 10.5555/, PMIDs 99000001+)."""

from __future__ import annotations

import attrs
import pytest

from pubenrich.model.citation import AuthorCue, Citation, Cues
from pubenrich.text.citations import read_citations

NUMBERED = """\
1. Smith J, Doe A. Synthetic record for parser tests: first. J Synth. 2019;12(3):145-56. \
doi:10.5555/syn.0001. PMID: 99000001.
2. Roe R. Synthetic record for parser tests: second. Synth Rep. 2020;7:1-9.
3. Poe E, Moe B, Zoe C. Synthetic record for parser tests: third. J Synth. 2021;13:200-10. \
PMCID: PMC9900001
"""

BLANK_SEPARATED = """\
Alpha, A., & Beta, B. C. (2008). Synthetic record for parser tests: APA one. Journal of \
Synthetic Studies, 82(1), 150-159. doi: 10.5555/apa.1

Gamma, G. (2010). Synthetic record for parser tests: APA two. Synthetic Letters, 5, 10-20.
"""


def test_numbered_list_gives_one_reference_per_entry() -> None:
    """A numbered list yields one reference citation per entry and no primary."""
    citations = read_citations(NUMBERED)
    assert [c.role for c in citations] == ["reference"] * 3
    assert [(c.pmid, c.pmcid, c.doi) for c in citations] == [
        ("99000001", None, "10.5555/syn.0001"),
        (None, None, None),
        (None, "PMC9900001", None),
    ]


def test_numbered_entry_cues() -> None:
    """A Vancouver entry yields authors, title, journal, year, volume, issue and pages."""
    cues = read_citations(NUMBERED)[0].cues
    assert cues.authors == (AuthorCue("Smith", "J"), AuthorCue("Doe", "A"))
    assert cues.title == "Synthetic record for parser tests: first"
    assert (cues.journal, cues.year, cues.volume, cues.issue, cues.pages, cues.first_page) == (
        "J Synth",
        2019,
        "12",
        "3",
        "145-56",
        "145",
    )
    assert 0.0 < cues.confidence <= 1.0


def test_blank_line_separated_list_gives_references() -> None:
    """Blank-line separated entries with years are references, with APA cues."""
    citations = read_citations(BLANK_SEPARATED)
    assert [c.role for c in citations] == ["reference", "reference"]
    first = citations[0]
    assert first.doi == "10.5555/apa.1"
    assert [a.last_name for a in first.cues.authors] == ["Alpha", "Beta"]
    assert first.cues.year == 2008
    assert first.cues.title == "Synthetic record for parser tests: APA one"
    assert first.cues.journal == "Journal of Synthetic Studies"
    assert (first.cues.volume, first.cues.issue, first.cues.first_page) == ("82", "1", "150")


def test_citation_spans_point_into_the_text() -> None:
    """Each citation's mentions have offsets into the whole text, not into the entry."""
    for citation in read_citations(NUMBERED):
        for mention in citation.mentions:
            assert NUMBERED[mention.start : mention.end] == mention.raw
        assert citation.text in NUMBERED


def test_single_record_with_ids_is_one_primary() -> None:
    """A page about one paper with ids and no list is one primary citation."""
    text = "Synthetic record for parser tests: a paper page\nPMID: 99000002\nDOI: 10.5555/one\n"
    (citation,) = read_citations(text)
    assert (citation.role, citation.pmid, citation.doi) == ("primary", "99000002", "10.5555/one")
    assert citation.cues.title == "Synthetic record for parser tests: a paper page"


def test_text_without_ids_is_one_primary_with_a_title() -> None:
    """Prose without identifiers gives one primary citation carrying a title cue."""
    text = "Synthetic record for parser tests: kidney regeneration\n\n" + "Kidney cells. " * 30
    (citation,) = read_citations(text)
    assert citation.role == "primary"
    assert citation.mentions == ()
    assert citation.cues.title == "Synthetic record for parser tests: kidney regeneration"
    assert "kidney" in citation.cues.topic_words


def test_empty_text_gives_one_empty_primary() -> None:
    """Empty text still reads: one primary citation with no ids and no title."""
    (citation,) = read_citations("")
    assert (citation.role, citation.pmid, citation.cues.title) == ("primary", None, None)


def test_records_are_frozen() -> None:
    """Citation and Cues are immutable."""
    (citation,) = read_citations("PMID: 99000003")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        citation.pmid = "1"  # type: ignore[misc]


def test_confidence_is_bounded() -> None:
    """Cues refuse a confidence outside 0..1."""
    with pytest.raises(ValueError, match="confidence"):
        Cues(confidence=1.5)


def test_role_is_validated() -> None:
    """A Citation's role is one of the three."""
    with pytest.raises(ValueError, match="role"):
        Citation(role="other")  # type: ignore[arg-type]


def test_to_dict_is_plain_data() -> None:
    """to_dict nests only dicts, lists and scalars."""
    data = read_citations(NUMBERED)[0].to_dict()
    assert data["cues"]["authors"][0] == {"last_name": "Smith", "initials": "J", "fore_name": None}
    assert data["mentions"][0]["kind"] in {"pmid", "doi"}


HANGING = """\
Alpha, A.B., Beta, C., 2000. Synthetic record for parser tests: hanging one. Synth.
    Rev. 5, 108-19. doi:10.5555/hang-
    0001
Gamma, D., 2007. Synthetic record for parser tests: hanging two. Synth. Lett. 8, 98-104.
    doi:10.5555/hang.0002
"""

WITH_DEBRIS = """\
Alpha, A., & Beta, B. (2008). Synthetic record for parser tests: one. Synth J, 1(2), 3-4. \
doi: 10.5555/debris.1

and  Ordered-Subsets  Analysis

Gamma, G. (2010). Synthetic record for parser tests: two. Synth Lett, 5, 10-20. \
doi: 10.5555/debris.2
"""


def test_hanging_indent_list_splits_at_flush_lines() -> None:
    """A PDF list with hanging indents gives one reference per flush-left line."""
    citations = read_citations(HANGING)
    assert [(c.role, c.doi) for c in citations] == [
        ("reference", "10.5555/hang-0001"),
        ("reference", "10.5555/hang.0002"),
    ]


def test_debris_between_entries_joins_the_entry_before() -> None:
    """A fragment without year or source is no entry of its own."""
    citations = read_citations(WITH_DEBRIS)
    assert [c.doi for c in citations] == ["10.5555/debris.1", "10.5555/debris.2"]
    assert "Ordered-Subsets" in citations[0].text


def test_one_entry_wrapped_over_lines_stays_whole() -> None:
    """A single reference wrapped over indented lines is one citation, not one per line."""
    text = HANGING.split("Gamma", maxsplit=1)[0]
    (citation,) = read_citations(text)
    assert citation.doi == "10.5555/hang-0001"


MEDLINE = """\
PMID- 99000100
OWN - NLM
DP  - 2019 Mar
TI  - Synthetic record for parser tests: a MEDLINE title that wraps
      onto a second line.
PG  - 145-56
VI  - 12
IP  - 3
FAU - Smith, John Q
AU  - Smith JQ
FAU - Doe, Ann
AU  - Doe A
TA  - J Synth
IS  - 1234-5678 (Print)
AID - 10.5555/medline.1 [doi]
"""


def test_medline_record_gives_tagged_cues() -> None:
    """A MEDLINE record's TI, FAU, TA, DP, VI, IP and PG fields become its cues."""
    (citation,) = read_citations(MEDLINE)
    assert (citation.role, citation.pmid, citation.doi) == (
        "primary",
        "99000100",
        "10.5555/medline.1",
    )
    cues = citation.cues
    assert cues.title == (
        "Synthetic record for parser tests: a MEDLINE title that wraps onto a second line."
    )
    assert cues.authors == (AuthorCue("Smith", "JQ", "John Q"), AuthorCue("Doe", "A", "Ann"))
    assert (cues.journal, cues.year, cues.volume, cues.issue, cues.first_page) == (
        "J Synth",
        2019,
        "12",
        "3",
        "145",
    )


def test_tagged_record_without_title_has_no_title() -> None:
    """A tagged record lacking TI gets no title guessed from a tag line."""
    text = "PMID- 99000101\nOWN - NLM\nRN  - 0 (Synthetic)\nJID - 0000000\n"
    (citation,) = read_citations(text)
    assert citation.cues.title is None


def test_every_numbered_entry_is_kept_however_short() -> None:
    """A numbered entry with only a title, journal and year is an entry, not debris."""
    text = NUMBERED + "4. Synthetic record for parser tests: fourth entry. Synth Int. 2019.\n"
    citations = read_citations(text)
    assert len(citations) == 4
    assert citations[3].cues.title == "Synthetic record for parser tests: fourth entry"
    assert (citations[3].cues.journal, citations[3].cues.year) == ("Synth Int", 2019)
    assert citations[3].cues.volume is None


def test_year_alone_after_a_semicolon_is_the_source() -> None:
    """'Publisher; 2024.' gives the year though no volume or pages follow."""
    (citation,) = read_citations(
        "Synth Group. Synthetic record for parser tests: a software manual. Synthville: "
        "Synthetic Press; 2024."
    )
    assert citation.cues.year == 2024
    assert "software manual" in (citation.cues.title or "")
