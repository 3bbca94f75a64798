"""Scoring candidates, comparing fields, and reading enrich inputs."""

from __future__ import annotations

import attrs
import pytest

from pubenrich import PMID, Article, Author, Journal, PartialDate
from pubenrich.errors import InvalidIdentifier, InvalidInput
from pubenrich.model.citation import AuthorCue, Citation, Cues
from pubenrich.model.enriched import EnrichedRecord
from pubenrich.ncbi.queries import search_terms
from pubenrich.services.resolve.compare import compare
from pubenrich.services.resolve.scoring import (
    ACCEPT_SCORE,
    AMBIGUOUS_SCORE,
    TITLE_FLOOR,
    TITLE_FLOOR_PLACED,
    score_record,
    title_in_text,
    title_similarity,
)
from pubenrich.text.citations import searchable
from pubenrich.text.inputs import read_input

ARTICLE = Article(
    pmid=PMID("99000001"),
    title="Synthetic record for scoring tests: Ca<sup>2+</sup> waves in stromal cells.",
    authors=(Author(last_name="Müller", initials="A"), Author(last_name="Okafor", initials="B")),
    journal=Journal(
        title="Journal of Synthetic Tests",
        iso_abbreviation="J Synth Tests",
        volume="12",
        pages="100-110",
        start_page="100",
    ),
    pub_date=PartialDate(year=2020),
)


def test_title_similarity_ignores_case_markup_and_accents() -> None:
    """The same title written differently scores 1; another title scores low."""
    assert title_similarity(
        "synthetic RECORD for scoring tests: Ca2+ waves in stromal cells", ARTICLE.title
    ) == pytest.approx(1.0)
    assert title_similarity("Kidney transplantation outcomes in adults", ARTICLE.title) < 0.5


def test_the_cited_paper_scores_above_the_bar() -> None:
    """Title, authors, year and journal all agreeing give a score past acceptance."""
    cues = Cues(
        title=ARTICLE.title,
        authors=(AuthorCue("Muller", "A"),),
        year=2020,
        journal="J Synth Tests",
        volume="12",
        first_page="100",
    )
    assert score_record(cues, ARTICLE).total >= 0.95


def test_authors_and_year_alone_never_reach_acceptance() -> None:
    """Without a title or topic, a candidate can be ambiguous at most."""
    cues = Cues(authors=(AuthorCue("Müller", "A"), AuthorCue("Okafor", "B")), year=2020)
    score = score_record(cues, ARTICLE).total
    assert AMBIGUOUS_SCORE <= score < ACCEPT_SCORE


def test_a_wrong_paper_on_the_same_topic_scores_low() -> None:
    """Shared topic words with other authors and year stay below the ambiguity floor."""
    cues = Cues(
        title="Calcium waves in stromal cells of the kidney",
        year=2011,
        authors=(AuthorCue("Smith", "J"),),
    )
    assert score_record(cues, ARTICLE).total < AMBIGUOUS_SCORE


def test_search_terms_go_from_exact_title_to_authors() -> None:
    """The exact-title phrase is tried first, then title words with the first author."""
    cues = Cues(
        title="Stromal cells in kidney regeneration today.",
        authors=(AuthorCue("Payushina", "OV"),),
        year=2019,
        topic_words=("kidney",),
    )
    labels = [label for label, _ in search_terms(cues)]
    terms = dict(search_terms(cues))
    assert labels == ["title", "title_words+author", "authors+topic"]
    assert terms["title"] == '"Stromal cells in kidney regeneration today"[ti]'
    assert '"payushina ov"[au]' in terms["title_words+author"]
    assert "2019[dp]" in terms["authors+topic"]


def test_searchable_needs_a_title_or_authors_with_more() -> None:
    """Three words are no title; an author alone is not enough."""
    assert not searchable(Cues(title="no id here"))
    assert not searchable(Cues(authors=(AuthorCue("Smith", "J"),)))
    assert searchable(Cues(authors=(AuthorCue("Smith", "J"),), year=2001))


def test_compare_marks_agreement_and_conflicts() -> None:
    """Agreeing fields are 'both', input-only are 'input', disagreements are conflicts."""
    citation = Citation(
        role="primary",
        pmid="99000001",
        doi="10.5555/X",
        cues=Cues(title=ARTICLE.title.upper(), year=2019, issue="7"),
    )
    provenance, conflicts = compare(citation, ARTICLE)
    assert provenance["pmid"] == "both"
    assert provenance["title"] == "both"
    assert provenance["issue"] == "input"
    assert provenance["volume"] == "pubmed"
    assert provenance["doi"] == "input"  # PubMed's record carries no DOI
    assert {c.field: (c.input, c.pubmed) for c in conflicts} == {"year": (2019, 2020)}


def test_author_lists_cut_short_agree() -> None:
    """A cited author list that stops early ('et al.') agrees when it is PubMed's start."""
    citation = Citation(role="primary", cues=Cues(authors=(AuthorCue("Muller", "A"),)))
    provenance, conflicts = compare(citation, ARTICLE)
    assert provenance["authors"] == "both"
    assert conflicts == ()


@pytest.mark.parametrize(
    ("value", "pmid", "pmcid", "doi"),
    [
        ("25211170", "25211170", None, None),
        (25211170, "25211170", None, None),
        ("PMC4206665", None, "PMC4206665", None),
        ("10.1097/ALN.0000000000000446", None, None, "10.1097/ALN.0000000000000446"),
        ({"PMID": "PMID: 25211170"}, "25211170", None, None),
        (ARTICLE, "99000001", None, None),
    ],
)
def test_read_input_takes_bare_ids_mappings_and_records(
    value: object, pmid: str | None, pmcid: str | None, doi: str | None
) -> None:
    """A bare id, a mapping or a record gives one subject citation with its ids."""
    read = read_input(value)
    assert read.problem is None
    assert read.subject is not None
    assert (read.subject.pmid, read.subject.pmcid, read.subject.doi) == (pmid, pmcid, doi)


@pytest.mark.parametrize("value", ["", "   ", "hello", None, 3.5, {"year": 2001}])
def test_read_input_says_why_it_cannot_use_an_input(value: object) -> None:
    """Empty, idless or unreadable inputs get InvalidInput, never an exception."""
    assert isinstance(read_input(value).problem, InvalidInput)


def test_read_input_reports_a_bad_id_in_a_mapping() -> None:
    """An invalid id in a partial record is reported as that id's error."""
    assert isinstance(read_input({"pmid": "12x"}).problem, InvalidIdentifier)


def test_enriched_record_to_dict_is_json_ready() -> None:
    """to_dict carries status, pmid, retraction flag and the article's own dict."""
    record = EnrichedRecord(input={"pmid": 1}, status="enriched", article=ARTICLE)
    data = record.to_dict()
    assert data["pmid"] == "99000001"
    assert data["retracted"] is False
    assert data["article"] == ARTICLE.to_dict()
    with pytest.raises(ValueError, match="status"):
        EnrichedRecord(input="x", status="done")  # type: ignore[arg-type]
    assert attrs.evolve(record, status="not_found").ok is False


def test_title_found_in_order_in_a_badly_cut_line_still_scores_high() -> None:
    """A title cue that kept the author list in front still finds the record's title in the
    whole text, and the words it adds are the record's own authors."""
    text = f"Müller A, Okafor B. {ARTICLE.title} J Synth Tests. 2020;12:100-10."
    cut_wrong = f"Müller A, Okafor B. {ARTICLE.title}"
    assert title_in_text(text, cut_wrong, ARTICLE) >= TITLE_FLOOR


def test_title_in_text_is_low_when_the_record_explains_half_the_cited_title() -> None:
    """A record whose title is only half of the cited one does not pass for it."""
    cited = "Synthetic record for scoring tests in renal transplant recipients after surgery"
    text = f"Müller A, Okafor B. {cited}. J Synth Tests. 2020;12:100-10."
    assert title_in_text(text, cited, ARTICLE) < TITLE_FLOOR


def test_a_near_miss_with_every_other_field_agreeing_is_never_accepted() -> None:
    """Same authors, year and journal but another title: capped below acceptance."""
    cues = Cues(
        title="Synthetic record for scoring tests: calcium sparks in cardiac myocytes",
        authors=(AuthorCue("Muller", "A"), AuthorCue("Okafor", "B")),
        year=2020,
        journal="J Synth Tests",
    )
    score = score_record(cues, ARTICLE)
    assert score.parts["title"] < TITLE_FLOOR
    assert score.total < ACCEPT_SCORE


def test_volume_and_first_page_lower_the_title_floor() -> None:
    """Journal coordinates name one paper, so a title read half right is enough with them."""
    cues = Cues(
        title="Synthetic record for scoring tests: Ca2+ waves",
        authors=(AuthorCue("Muller", "A"),),
        year=2020,
        journal="J Synth Tests",
        volume="12",
        first_page="100",
    )
    placed = score_record(cues, ARTICLE)
    unplaced = score_record(attrs.evolve(cues, volume=None, first_page=None), ARTICLE)
    assert TITLE_FLOOR_PLACED <= placed.parts["title"] < TITLE_FLOOR
    assert placed.total >= ACCEPT_SCORE > unplaced.total
