"""read_citations on one reference in each shape people paste (NLM/Vancouver, APA, Harvard,
Chicago author-date, and the free forms of issue 17).

The paper is a real one, as reference lists print it: Bone RC et al., Chest 1992;101(6):1644-55
(PMID 1303622), the failure quoted in issue 17.
"""

from __future__ import annotations

import pytest

from pubenrich.model.citation import Cues
from pubenrich.text.citations import read_citations, searchable
from pubenrich.text.reference_line import natural_authors, parse_author_block, read_reference

TITLE = (
    "Definitions for sepsis and organ failure and guidelines for the use of innovative "
    "therapies in sepsis"
)
SIX = "Bone RC, Balk RA, Cerra FB, Dellinger RP, Fein AM, Knaus WA"


def _cues(text: str) -> Cues:
    citations = read_citations(text)
    assert len(citations) == 1
    return citations[0].cues


def _surnames(cues: Cues) -> list[str]:
    return [a.last_name for a in cues.authors]


def test_vancouver_with_et_al_after_six_authors_is_read_whole() -> None:
    """The issue's failure: authors, the right title, Chest, 1992, 101, 6, 1644."""
    cues = _cues(f"{SIX}, et al. {TITLE}. Chest. 1992;101(6):1644-55.")
    assert _surnames(cues) == ["Bone", "Balk", "Cerra", "Dellinger", "Fein", "Knaus"]
    assert cues.title == TITLE
    assert (cues.journal, cues.year, cues.volume, cues.issue, cues.first_page) == (
        "Chest",
        1992,
        "101",
        "6",
        "1644",
    )


@pytest.mark.parametrize(
    "line",
    [
        f"12. {SIX}, et al. {TITLE}. Chest. 1992 Jun;101(6):1644-55.",
        f"[12] {SIX}, et al. {TITLE}. Chest. 1992;101:1644\u201355. - PubMed",
        f"{SIX}, et al. {TITLE}. Chest. 1992 Jun;101(6):1644-55. doi: 10.1378/chest.101.6.1644.",
    ],
)
def test_vancouver_numbered_month_no_issue_en_dash_and_trailers(line: str) -> None:
    """Numbers, a month, a missing issue, an en dash and trailing ids or " - PubMed"."""
    cues = read_reference(line)
    assert cues is not None
    assert cues.title == TITLE
    assert (cues.journal, cues.year, cues.volume, cues.first_page) == ("Chest", 1992, "101", "1644")
    assert _surnames(cues)[0] == "Bone"


def test_collective_author_first_or_last() -> None:
    """An organization stands as an author, first or after the persons."""
    group = "ACCP/SCCM Consensus Conference Committee"
    first = read_reference(f"{group}. {TITLE}. Chest. 1992;101(6):1644-55.")
    last = read_reference(f"Bone RC, Balk RA; {group}. {TITLE}. Chest. 1992;101(6):1644-55.")
    assert first is not None
    assert last is not None
    assert _surnames(first) == [group]
    assert _surnames(last) == ["Bone", "Balk", group]
    assert first.title == last.title == TITLE


def test_bracketed_translated_title_loses_its_brackets() -> None:
    """NLM puts a translated title in square brackets."""
    cues = read_reference(
        "Schmidt H. [Sepsis in old age]. Dtsch Med Wochenschr. 2001;126(9):233-7."
    )
    assert cues is not None
    assert (cues.title, cues.journal, cues.first_page) == (
        "Sepsis in old age",
        "Dtsch Med Wochenschr",
        "233",
    )


def test_journal_abbreviation_with_periods_stays_whole() -> None:
    """Older ISO abbreviations keep their periods: "J. Med. Chem."."""
    cues = read_reference(f"Bone RC. {TITLE}. J. Med. Chem. 1991;34(8):2489-95.")
    assert cues is not None
    assert (cues.title, cues.journal) == (TITLE, "J. Med. Chem")


def test_apa() -> None:
    """APA 7: "Surname, I. I., ... & Surname, I. I. (Year). Title. Journal, Vol(Issue), Pages."."""
    cues = _cues(
        f"Bone, R. C., Balk, R. A., & Cerra, F. B. (1992). {TITLE}. Chest, 101(6), 1644\u20131655."
    )
    assert _surnames(cues) == ["Bone", "Balk", "Cerra"]
    assert cues.authors[0].initials == "RC"
    assert (cues.title, cues.journal, cues.year, cues.volume, cues.issue, cues.first_page) == (
        TITLE,
        "Chest",
        1992,
        "101",
        "6",
        "1644",
    )


@pytest.mark.parametrize(
    "line",
    [
        f"Bone, R.C., Balk, R.A. and Cerra, F.B. (1992) '{TITLE}', Chest, 101(6), pp. 1644-1655.",
        f"Bone, R.C. et al. (1992) '{TITLE}', Chest, 101, pp. 1644-1655.",
    ],
)
def test_harvard(line: str) -> None:
    """Harvard: quoted title, "pp." pages, "and" or "et al."."""
    cues = _cues(line)
    assert _surnames(cues)[0] == "Bone"
    assert (cues.title, cues.journal, cues.year, cues.volume, cues.first_page) == (
        TITLE,
        "Chest",
        1992,
        "101",
        "1644",
    )


def test_chicago_author_date() -> None:
    """Chicago: first author inverted, the others in natural order, "Year." after them."""
    cues = _cues(
        f"Bone, Roger C., Robert A. Balk, and Frank B. Cerra. 1992. \u201c{TITLE}.\u201d "
        "Chest 101 (6): 1644\u201355."
    )
    assert _surnames(cues) == ["Bone", "Balk", "Cerra"]
    assert cues.authors[1].fore_name == "Robert A."
    assert (cues.title, cues.journal, cues.year, cues.volume, cues.first_page) == (
        TITLE,
        "Chest",
        1992,
        "101",
        "1644",
    )


@pytest.mark.parametrize("text", [TITLE, f"{TITLE}.", f"  {TITLE}.  "])
def test_bare_title_with_or_without_its_period(text: str) -> None:
    """A title alone is a title, and enough to search on."""
    cues = _cues(text)
    assert cues.title == TITLE
    assert searchable(cues)


def test_title_with_a_subtitle_sentence_is_still_a_title() -> None:
    """ "Title. Subtitle." is one title, not prose."""
    text = "Magnetic studies of Chromatium flavocytochrome C552. A mechanism for heme-flavin."
    assert _cues(text).title == text.rstrip(".")


@pytest.mark.parametrize(
    ("text", "initials"),
    [(f"Bone RC, et al. (1992) {TITLE}.", "RC"), (f"Bone et al. (1992) {TITLE}.", "")],
)
def test_author_et_al_year_title(text: str, initials: str) -> None:
    """ "Author et al. (Year) Title." reads its author, year and title."""
    cues = _cues(text)
    assert (_surnames(cues), cues.authors[0].initials, cues.year, cues.title) == (
        ["Bone"],
        initials,
        1992,
        TITLE,
    )


def test_title_by_author_et_al_year() -> None:
    """ "Title by First Last et al. (Year)", even when the title itself holds "by"."""
    cues = _cues(f"{TITLE} by Roger C. Bone et al. (1992)")
    assert (cues.title, _surnames(cues), cues.authors[0].initials, cues.year) == (
        TITLE,
        ["Bone"],
        "RC",
        1992,
    )
    titled = _cues("Proton MRI by J and chemical shift editing by C Casieri et al. (2001)")
    assert titled.title == "Proton MRI by J and chemical shift editing"


def test_web_summary_gives_title_authors_journal_and_year() -> None:
    """Title / authors in natural order / "Journal, Year" on three lines."""
    cues = _cues(f"{TITLE}\nRoger C. Bone, Robert A. Balk, Frank B. Cerra\nChest, 1992")
    assert cues.title == TITLE
    assert _surnames(cues) == ["Bone", "Balk", "Cerra"]
    assert (cues.journal, cues.year) == ("Chest", 1992)


def test_reference_list_pasted_as_one_text_gives_each_line() -> None:
    """A numbered list in mixed styles gives one reference per line, each read in its style."""
    text = (
        f"1. {SIX}, et al. {TITLE}. Chest. 1992;101(6):1644-55.\n"
        "2. Awad SS. State-of-the-art therapy for severe sepsis and multisystem organ "
        "dysfunction. Am J Surg. 2003;186:S23\u201330.\n"
        f"3. Bone, R. C., & Balk, R. A. (1992). {TITLE}. Chest, 101(6), 1644\u20131655.\n"
    )
    citations = read_citations(text)
    assert [c.role for c in citations] == ["reference"] * 3
    assert [c.cues.authors[0].last_name for c in citations] == ["Bone", "Awad", "Bone"]
    assert citations[1].cues.first_page == "S23"
    assert citations[2].cues.title == TITLE


def test_plain_note_is_read_as_a_title_but_carries_nothing_else() -> None:
    """ "A note with no identifier at all." has no author, year or source."""
    cues = _cues("A note with no identifier at all.")
    assert (cues.authors, cues.year, cues.journal) == ((), None, None)


def test_author_blocks_in_each_style() -> None:
    """Vancouver, APA, Harvard, natural order; a sentence is no author block."""
    assert [a.initials for a in parse_author_block("Le Gall J-R, van der Poll T") or ()] == [
        "J-R",
        "T",
    ]
    assert parse_author_block("Sepsis in European intensive care units") is None
    assert [a.last_name for a in natural_authors("Ada Smith, Bo Jones")] == ["Smith", "Jones"]
    assert natural_authors("Olga V. Payushina, Senior Lecturer, Histology") == ()
