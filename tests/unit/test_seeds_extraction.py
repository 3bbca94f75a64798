"""The three seed pages read into the citations the issue describes."""

from __future__ import annotations

from pathlib import Path

from pubenrich.model.citation import Citation
from pubenrich.text.citations import read_citations


def _read(seeds_dir: Path, prefix: str) -> list[Citation]:
    (path,) = seeds_dir.glob(prefix + "_*.txt")
    return read_citations(path.read_text(encoding="utf-8"))


def test_seed_002_has_one_primary_with_its_three_ids(seeds_dir: Path) -> None:
    """The PubMed page's own ids at the top form the one primary citation."""
    primaries = [c for c in _read(seeds_dir, "002") if c.role == "primary"]
    assert [(c.pmid, c.pmcid, c.doi) for c in primaries] == [
        ("25211170", "PMC4206665", "10.1097/ALN.0000000000000446")
    ]


def test_seed_002_primary_title_is_the_first_line(seeds_dir: Path) -> None:
    """The primary citation's title cue is the page's heading line."""
    (primary,) = [c for c in _read(seeds_dir, "002") if c.role == "primary"]
    assert primary.cues.title is not None
    assert primary.cues.title.startswith("Cell-based therapy for acute organ injury")


def test_seed_002_related_papers_carry_their_pmids_in_order(seeds_dir: Path) -> None:
    """Similar articles and Cited by give ten related citations with their PMIDs."""
    related = [c for c in _read(seeds_dir, "002") if c.role == "related"]
    assert [c.pmid for c in related] == [
        "27888550",
        "33397585",
        "32942796",
        "32671645",
        "27011289",
        "33766127",
        "36611801",
        "39934819",
        "30514375",
        "30766604",
    ]


def test_seed_002_related_dois_where_given(seeds_dir: Path) -> None:
    """Each related citation has the DOI its line gives, and none where the line has none."""
    related = {c.pmid: c.doi for c in _read(seeds_dir, "002") if c.role == "related"}
    assert related["27888550"] == "10.1002/stem.2551"
    assert related["33397585"] == "10.1016/j.cytogfr.2020.12.002"
    assert related["32942796"] is None
    assert related["30766604"] == "10.1155/2019/5654324"
    assert sum(doi is not None for doi in related.values()) == 9


def test_seed_002_related_cues(seeds_dir: Path) -> None:
    """A related line yields title, journal, year, volume, issue and pages."""
    (first,) = [c for c in _read(seeds_dir, "002") if c.pmid == "27888550"]
    cues = first.cues
    assert cues.title is not None
    assert cues.title.startswith("Concise Review: Mesenchymal Stem (Stromal) Cells")
    assert (cues.journal, cues.year, cues.volume, cues.issue, cues.pages) == (
        "Stem Cells",
        2017,
        "35",
        "2",
        "316-324",
    )
    assert first.section == "Similar articles"


def test_seed_002_references_have_cues_without_ids(seeds_dir: Path) -> None:
    """The four references carry no ids but authors, title, journal, year, volume, page."""
    references = [c for c in _read(seeds_dir, "002") if c.role == "reference"]
    assert len(references) == 4
    assert all(c.pmid is None and c.doi is None for c in references)
    bone = references[0].cues
    assert bone.authors[0].last_name == "Bone"
    assert bone.authors[0].initials == "RC"
    assert (bone.journal, bone.year, bone.volume, bone.first_page) == ("Chest", 1992, "101", "1644")
    assert bone.title is not None
    assert bone.title.startswith("Definitions for sepsis and organ failure")


def test_seed_002_reference_with_hyphenated_initials(seeds_dir: Path) -> None:
    """'Vincent J-L' is read as an author with initials J-L."""
    references = [c for c in _read(seeds_dir, "002") if c.role == "reference"]
    vincent = references[2].cues
    assert vincent.authors[0].last_name == "Vincent"
    assert vincent.journal == "Crit Care Med"
    assert vincent.year == 2006


def test_seed_000_is_one_primary_without_ids(seeds_dir: Path) -> None:
    """Seed 000 has no identifiers: one primary citation."""
    citations = _read(seeds_dir, "000")
    assert [(c.role, c.pmid, c.pmcid, c.doi) for c in citations] == [("primary", None, None, None)]


def test_seed_000_authors_from_last_first_pairs(seeds_dir: Path) -> None:
    """'Choudhery, Mahmood S, Arif, Taqdees, Mahmood, Ruhma' gives three authors."""
    (citation,) = _read(seeds_dir, "000")
    names = [a.last_name for a in citation.cues.authors]
    assert names == ["Choudhery", "Arif", "Mahmood"]
    assert citation.cues.authors[0].initials == "MS"


def test_seed_000_topic_words(seeds_dir: Path) -> None:
    """Topic words name what the page is about."""
    (citation,) = _read(seeds_dir, "000")
    assert {"sclerosis", "systemic"} <= set(citation.cues.topic_words)


def test_seed_001_is_one_primary_without_ids(seeds_dir: Path) -> None:
    """Phone numbers and postcodes of seed 001 give no identifiers."""
    citations = _read(seeds_dir, "001")
    assert [(c.role, c.pmid, c.pmcid, c.doi) for c in citations] == [("primary", None, None, None)]


def test_seed_001_title_and_bylines(seeds_dir: Path) -> None:
    """Seed 001's first line is its title; 'O. V. Payushina' bylines give the authors."""
    (citation,) = _read(seeds_dir, "001")
    assert citation.cues.title == (
        "Role of mesenchymal stromal cells and their secretory products in kidney regeneration"
    )
    assert [a.last_name for a in citation.cues.authors] == [
        "Payushina",
        "Tsomartova",
        "Chereshneva",
        "Ivanova",
        "Lomanovskaya",
        "Kuznetsov",
    ]
    assert citation.cues.authors[0].initials == "OV"


def test_citations_serialize_to_dicts(seeds_dir: Path) -> None:
    """to_dict gives plain data for every citation of every seed."""
    for prefix in ("000", "001", "002"):
        for citation in _read(seeds_dir, prefix):
            data = citation.to_dict()
            assert data["role"] == citation.role
            assert isinstance(data["cues"]["authors"], list)
