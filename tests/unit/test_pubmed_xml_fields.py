"""Every PubMed field a user could want lands in the record (issue 22, Records).

The XML here is hand-built in the structure of pubmed_250101.dtd (element order and attributes
as the DTD gives them; synthetic PMIDs 99000180-99000182, DOIs under 10.5555/).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pubenrich import Article, BookArticle, PartialDate, parse_pubmed_xml, record_from_dict
from pubenrich.model.records import ArticleId

HEAD = '<?xml version="1.0" ?>\n<PubmedArticleSet>\n'
ARTICLE = """<PubmedArticle>
<MedlineCitation Status="MEDLINE" Owner="NLM" IndexingMethod="Automated">
<PMID Version="1">99000180</PMID>
<DateCompleted><Year>2024</Year><Month>05</Month><Day>02</Day></DateCompleted>
<DateRevised><Year>2025</Year><Month>01</Month><Day>09</Day></DateRevised>
<Article PubModel="Print-Electronic">
<Journal><ISSN IssnType="Print">5555-0004</ISSN>
<JournalIssue CitedMedium="Internet"><Volume>7</Volume><PubDate><Year>2024</Year></PubDate>
</JournalIssue><Title>Synthetic journal of field tests</Title>
<ISOAbbreviation>Synth. J. Field Tests</ISOAbbreviation></Journal>
<ArticleTitle>Synthetic record for field tests.</ArticleTitle>
<Pagination><MedlinePgn>1-2</MedlinePgn></Pagination>
<AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Synthetic</LastName>
<ForeName>Ann</ForeName><Initials>A</Initials></Author></AuthorList>
<Language>eng</Language>
<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>
</PublicationTypeList>
</Article>
<MedlineJournalInfo><Country>United States</Country><MedlineTA>Synth J Field Tests</MedlineTA>
<NlmUniqueID>555500004</NlmUniqueID><ISSNLinking>5555-0004</ISSNLinking></MedlineJournalInfo>
<CitationSubset>IM</CitationSubset><CitationSubset>X</CitationSubset>
<CommentsCorrectionsList><CommentsCorrections RefType="ErratumIn">
<RefSource>Synth J Field Tests. 2024;7:3</RefSource><PMID Version="1">99000181</PMID>
<Note>Synthetic note on the erratum</Note></CommentsCorrections></CommentsCorrectionsList>
<GeneSymbolList><GeneSymbol>SYN1</GeneSymbol><GeneSymbol>SYN2</GeneSymbol></GeneSymbolList>
<NumberOfReferences>42</NumberOfReferences>
<PersonalNameSubjectList><PersonalNameSubject><LastName>Subject</LastName>
<ForeName>Synthetic</ForeName><Initials>S</Initials></PersonalNameSubject>
</PersonalNameSubjectList>
<OtherID Source="NLM">PMC9900180</OtherID><OtherID Source="NASA">99N00180</OtherID>
<OtherAbstract Type="plain-language-summary" Language="spa">
<AbstractText>Resumen sintetico.</AbstractText></OtherAbstract>
<KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">synthetic</Keyword></KeywordList>
<CoiStatement>The synthetic authors declare no conflict.</CoiStatement>
<SpaceFlightMission>Synthetic Mission 1</SpaceFlightMission>
<GeneralNote Owner="NLM">Synthetic general note.</GeneralNote>
</MedlineCitation>
<PubmedData><PublicationStatus>ppublish</PublicationStatus>
<ArticleIdList><ArticleId IdType="pubmed">99000180</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle>
"""
# A record of the DTDs before 2014: one Affiliation under Article, the first author's.
OLD_AFFILIATION = """<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">
<PMID Version="1">99000182</PMID><Article PubModel="Print">
<Journal><JournalIssue CitedMedium="Print"><PubDate><Year>2001</Year></PubDate></JournalIssue>
</Journal><ArticleTitle>Synthetic record of an old DTD.</ArticleTitle>
<Affiliation>Synthetic Institute, Nowhere.</Affiliation>
<AuthorList><Author><LastName>First</LastName></Author><Author><LastName>Second</LastName>
</Author></AuthorList><Language>eng</Language></Article>
<MedlineJournalInfo><MedlineTA>Synth J</MedlineTA></MedlineJournalInfo></MedlineCitation>
</PubmedArticle>
"""
BOOK = """<PubmedBookArticle><BookDocument><PMID Version="1">99000183</PMID>
<ArticleIdList><ArticleId IdType="bookaccession">NBK99000183</ArticleId></ArticleIdList>
<Book><Publisher><PublisherName>Synthetic Press</PublisherName>
<PublisherLocation>Nowhere</PublisherLocation></Publisher>
<BookTitle book="synth">Synthetic Handbook</BookTitle><PubDate><Year>2020</Year></PubDate>
<Volume>2</Volume><VolumeTitle>Synthetic Parts</VolumeTitle><Edition>3rd</Edition>
<CollectionTitle book="synthcoll">Synthetic Series</CollectionTitle><Isbn>9990000000002</Isbn>
<Medium>Internet</Medium><ReportNumber>SYN-1</ReportNumber></Book>
<LocationLabel Type="chapter">4</LocationLabel>
<ArticleTitle book="synth" part="ch4">Synthetic chapter</ArticleTitle>
<Language>eng</Language>
<KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">synthetic</Keyword></KeywordList>
<ContributionDate><Year>2019</Year><Month>06</Month></ContributionDate>
<DateRevised><Year>2021</Year><Month>02</Month><Day>03</Day></DateRevised>
<ReferenceList><Reference><Citation>Synthetic reference.</Citation><ArticleIdList>
<ArticleId IdType="pubmed">99000180</ArticleId></ArticleIdList></Reference></ReferenceList>
</BookDocument>
<PubmedBookData><History><PubMedPubDate PubStatus="pubmed"><Year>2020</Year><Month>1</Month>
<Day>2</Day></PubMedPubDate></History><PublicationStatus>ppublish</PublicationStatus>
<ArticleIdList><ArticleId IdType="pubmed">99000183</ArticleId></ArticleIdList></PubmedBookData>
</PubmedBookArticle>
"""


def parse(*records: str) -> list[object]:
    return list(parse_pubmed_xml(HEAD + "".join(records) + "</PubmedArticleSet>\n"))


@pytest.fixture(scope="module")
def article() -> Article:
    (record,) = parse(ARTICLE)
    assert isinstance(record, Article)
    return record


def test_medline_journal_info_is_kept_whole(article: Article) -> None:
    """Country, MedlineTA, NlmUniqueID and ISSNLinking all land on the journal."""
    j = article.journal
    assert (j.country, j.medline_ta, j.nlm_unique_id, j.issn_linking) == (
        "United States",
        "Synth J Field Tests",
        "555500004",
        "5555-0004",
    )
    assert (j.iso_abbreviation, j.cited_medium) == ("Synth. J. Field Tests", "Internet")


def test_citation_dates_model_and_subsets(article: Article) -> None:
    """DateCompleted, DateRevised, the PubModel attribute and the citation subsets."""
    assert article.date_completed == PartialDate(2024, 5, 2)
    assert article.date_revised == PartialDate(2025, 1, 9)
    assert article.pub_model == "Print-Electronic"
    assert article.citation_subsets == ("IM", "X")


def test_other_ids_other_abstracts_and_notes(article: Article) -> None:
    """Every OtherID by its Source (the PMC one still gives the PMCID), an OtherAbstract with
    its type and language, the COI statement, general notes and a correction's Note."""
    assert article.other_ids == (ArticleId("NLM", "PMC9900180"), ArticleId("NASA", "99N00180"))
    assert article.pmcid is not None
    assert article.pmcid.value == "PMC9900180"
    (other,) = article.other_abstracts
    assert (other.kind, other.language, other.text) == (
        "plain-language-summary",
        "spa",
        "Resumen sintetico.",
    )
    assert article.coi_statement == "The synthetic authors declare no conflict."
    assert article.general_notes == ("Synthetic general note.",)
    assert article.comments_corrections[0].note == "Synthetic note on the erratum"


def test_subjects_missions_genes_and_reference_count(article: Article) -> None:
    """People the article is about, space flight missions, gene symbols, NumberOfReferences."""
    (subject,) = article.personal_name_subjects
    assert (subject.last_name, subject.fore_name, subject.initials) == ("Subject", "Synthetic", "S")
    assert article.space_flight_missions == ("Synthetic Mission 1",)
    assert article.gene_symbols == ("SYN1", "SYN2")
    assert article.number_of_references == 42


def test_new_fields_survive_the_dict_form(article: Article) -> None:
    """to_dict and record_from_dict (checked and trusted) give the same record back."""
    data = article.to_dict()
    assert data["schema"] == 2
    assert record_from_dict(data) == article
    assert record_from_dict(data, trusted=True) == article


def test_an_old_article_affiliation_goes_to_the_first_author() -> None:
    """Before 2014 PubMed kept only the first author's affiliation, under Article."""
    (record,) = parse(OLD_AFFILIATION)
    assert isinstance(record, Article)
    first, second = record.authors
    assert [a.name for a in first.affiliations] == ["Synthetic Institute, Nowhere."]
    assert second.affiliations == ()


def test_book_fields_are_kept() -> None:
    """Volume, edition, series, medium, report number, chapter label, keywords, dates,
    references and PubMed's history of a book chapter."""
    (book,) = parse(BOOK)
    assert isinstance(book, BookArticle)
    assert (book.volume, book.volume_title, book.edition, book.collection_title) == (
        "2",
        "Synthetic Parts",
        "3rd",
        "Synthetic Series",
    )
    assert (book.medium, book.report_number, book.location_label) == ("Internet", "SYN-1", "4")
    assert [k.text for k in book.keywords] == ["synthetic"]
    assert book.contribution_date == PartialDate(2019, 6)
    assert book.date_revised == PartialDate(2021, 2, 3)
    assert [r.pmid.value for r in book.references if r.pmid] == ["99000180"]
    assert [h.status for h in book.history] == ["pubmed"]
    assert book.publication_status == "ppublish"
    assert record_from_dict(book.to_dict()) == book


@pytest.mark.shared
def test_real_samples_keep_journal_info(shared_dir: Path) -> None:
    """In the real samples every MedlineJournalInfo child the XML holds is in the record."""
    folder = shared_dir / "ncbi-samples" / "efetch_pubmed_xml"
    checked = 0
    for path in sorted(folder.glob("*.xml")):
        text = path.read_text(encoding="utf-8")
        records = [r for r in parse_pubmed_xml(path) if isinstance(r, Article)]
        countries = text.count("<Country>") - text.count("</Agency><Country>")
        with_country = [r for r in records if r.journal.country]
        if countries and "<Grant>" not in text:
            assert len(with_country) == countries, path.name
        for record in records:
            assert record.journal.medline_ta, f"{path.name} PMID {record.pmid}"
            checked += 1
    assert checked >= 100
