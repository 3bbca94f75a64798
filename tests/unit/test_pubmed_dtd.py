"""docs/pubmed-dtd.md has a row for every element of PubMed's DTD (issue 22, Records)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "pubmed-dtd.md"

# The <!ELEMENT ...> names of pubmed_250101.dtd, in the DTD's order (138).
ELEMENTS = [
    "PubmedArticleSet",
    "BookDocumentSet",
    "PubmedBookArticleSet",
    "PubmedArticle",
    "PubmedBookArticle",
    "BookDocument",
    "DeleteCitation",
    "DeleteDocument",
    "MedlineCitation",
    "PubmedData",
    "PubmedBookData",
    "Article",
    "Abstract",
    "AbstractText",
    "AccessionNumber",
    "AccessionNumberList",
    "Acronym",
    "Affiliation",
    "AffiliationInfo",
    "Agency",
    "ArticleDate",
    "ArticleId",
    "ArticleIdList",
    "ArticleTitle",
    "Author",
    "AuthorList",
    "b",
    "BeginningDate",
    "Book",
    "BookTitle",
    "Chemical",
    "ChemicalList",
    "Citation",
    "CitationSubset",
    "CoiStatement",
    "CollectionTitle",
    "CollectiveName",
    "CommentsCorrections",
    "CommentsCorrectionsList",
    "ContractNumber",
    "ContributionDate",
    "CopyrightInformation",
    "Country",
    "DataBank",
    "DataBankList",
    "DataBankName",
    "DateCompleted",
    "DateRevised",
    "Day",
    "DescriptorName",
    "DispFormula",
    "Edition",
    "ELocationID",
    "EndingDate",
    "EndPage",
    "ForeName",
    "GeneSymbol",
    "GeneSymbolList",
    "GeneralNote",
    "Grant",
    "GrantID",
    "GrantList",
    "History",
    "Hour",
    "i",
    "Identifier",
    "Initials",
    "Investigator",
    "InvestigatorList",
    "Isbn",
    "ISOAbbreviation",
    "ISSN",
    "ISSNLinking",
    "Issue",
    "Item",
    "ItemList",
    "Journal",
    "JournalIssue",
    "Keyword",
    "KeywordList",
    "Language",
    "LastName",
    "LocationLabel",
    "Medium",
    "MedlineDate",
    "MedlineJournalInfo",
    "MedlinePgn",
    "MedlineTA",
    "MeshHeading",
    "MeshHeadingList",
    "Minute",
    "Month",
    "NameOfSubstance",
    "NlmUniqueID",
    "Note",
    "NumberOfReferences",
    "Object",
    "ObjectList",
    "OtherAbstract",
    "OtherID",
    "PMID",
    "Pagination",
    "Param",
    "PersonalNameSubject",
    "PersonalNameSubjectList",
    "PubDate",
    "PublicationStatus",
    "PublicationType",
    "PublicationTypeList",
    "PubMedPubDate",
    "Publisher",
    "PublisherLocation",
    "PublisherName",
    "QualifierName",
    "Reference",
    "ReferenceList",
    "RefSource",
    "RegistryNumber",
    "ReportNumber",
    "Season",
    "Second",
    "Section",
    "Sections",
    "SectionTitle",
    "SpaceFlightMission",
    "StartPage",
    "sub",
    "Suffix",
    "sup",
    "SupplMeshList",
    "SupplMeshName",
    "Title",
    "u",
    "URL",
    "VernacularTitle",
    "Volume",
    "VolumeTitle",
    "Year",
]


def rows() -> dict[str, str]:
    found = re.findall(r"^\| `([A-Za-z:]+)` \| (.+) \|$", DOC.read_text(encoding="utf-8"), re.M)
    return dict(found)


def test_every_dtd_element_has_a_row_saying_where_it_lands() -> None:
    """Each of the DTD's elements has one row, with a destination or a reason."""
    table = rows()
    assert len(ELEMENTS) == len(set(ELEMENTS)) == 138
    assert sorted(set(ELEMENTS) - set(table)) == []
    assert sorted(set(table) - set(ELEMENTS)) == []  # no row for an element it lacks
    for name in ELEMENTS:
        assert len(table[name]) > 5, name


def test_the_list_is_the_dtd_biopython_bundles() -> None:
    """When biopython's bundled copy of the DTD is at hand, the list above is its elements."""
    try:
        import Bio.Entrez
    except ImportError:  # pragma: no cover - biopython is a dependency
        pytest.skip("biopython absent")
    dtd = Path(Bio.Entrez.__file__).parent / "DTDs" / "pubmed_250101.dtd"
    if not dtd.is_file():
        pytest.skip("this biopython does not bundle pubmed_250101.dtd")
    names = re.findall(r"<!ELEMENT\s+([A-Za-z:]+)", dtd.read_text(encoding="utf-8"))
    assert names == ELEMENTS
