"""Identifiers in the shapes real text prints them (issue 22), each with its near misses.

Cases are built from the formats' specifications: a DOI is ``10.`` + a registrant code of four
or more digits (optionally subdivided) + ``/`` + a suffix (DOI Handbook 2.2); bioRxiv/medRxiv
DOIs are ``10.1101/`` + a date-stamped or six-digit number and their URLs append ``v`` + a
version; a PMCID is ``PMC`` + digits; MEDLINE comment fields end with ``PMID: n``; Highwire
and Dublin Core meta tags carry ids in ``content``. Identifiers are synthetic (prefix
``10.5555``, PMIDs 99000001+) except where a prefix is the subject of the rule (``10.1101``).
"""

from __future__ import annotations

import pytest

from pubenrich.errors import InvalidIdentifier
from pubenrich.model.identifiers import DOI
from pubenrich.text.extract import extract

P, C, D = "pmid", "pmcid", "doi"

CASES: list[tuple[str, str, list[tuple[str, str]]]] = [
    # --- network notation is no DOI prefix; real DOIs beside it still are
    ("cidr-k3s", "--cluster-cidr=10.42.0.0/16 --service-cidr=10.43.0.0/16", []),
    ("cidr-flannel", 'net-conf.json: {"Network": "10.244.0.0/16"}', []),
    ("cidr-three-digit", "route add 10.100.0.0/16 via 10.100.0.1", []),
    ("ip-mask", "inet 10.1.2.3/24 brd 10.1.2.255", []),
    ("cidr-shorthand", "allow 10.100.0/24 and 10.200.1/24", []),
    ("ip-url", "open http://10.0.0.12/admin/login", []),
    ("ip-broadcast", "allow 10.255.255.255/32;", []),
    ("ip-beside-doi", "host 10.0.0.1/8 and doi:10.5555/net.1", [(D, "10.5555/net.1")]),
    ("registrant-subdivided", "doi:10.5555.12/abc", [(D, "10.5555.12/abc")]),
    ("registrant-five-digits", "10.55555/xyz.9", [(D, "10.55555/xyz.9")]),
    # --- a year and a month or season is no DOI, unless a DOI label says so
    ("version-date", "released as version 10.2021/04 in spring", []),
    ("season", "the 10.2020/21 season", []),
    ("version-date-labelled", "doi: 10.2021/04", [(D, "10.2021/04")]),
    ("numeric-suffix-kept", "10.5555/12345", [(D, "10.5555/12345")]),
    ("season-years", "valid 10.2019/2020 only", []),
    ("date-slashes", "logged on 10.2021/04/05 at noon", []),
    ("date-url-labelled", "https://doi.org/10.2021/04", [(D, "10.2021/04")]),
    ("handbook-short-suffix", "see 10.1000/1 for the handbook", [(D, "10.1000/1")]),
    # --- "PMC 1234567" with a space, in a citation
    (
        "pmc-space-wikipedia",
        'Synthetic A (2019). "A title". J Synth. 12 (3): 1-9. doi:10.5555/w.1. '
        "PMC 9000001. PMID 99000001.",
        [(D, "10.5555/w.1"), (C, "PMC9000001"), (P, "99000001")],
    ),
    (
        "pmc-nbsp-wikipedia",
        "J Synth. 12 (3): 1-9. PMC\u00a09000002. PMID\u00a099000002.",
        [(C, "PMC9000002"), (P, "99000002")],
    ),
    ("pmc-space-after-label", "PMCID PMC 9000003", [(C, "PMC9000003")]),
    ("pmc-space-after-colon", "PMCID: PMC 9000004", [(C, "PMC9000004")]),
    (
        "pmc-space-refmanager",
        "Synthetic A. Title. J Synth. 2019;12:1-9. PMID: 99000005; PMC 9000005.",
        [(P, "99000005"), (C, "PMC9000005")],
    ),
    (
        "pmc-space-before-pmid",
        "Synthetic B. Title. J Synth. 2019. PMC 9000006 PMID 99000006",
        [(C, "PMC9000006"), (P, "99000006")],
    ),
    ("pmc-space-prose", "The PMC 1234567 lot shipped on Monday.", []),
    ("pmc-space-year", "At PMC 2023 in Boston (doi:10.5555/conf.1)", [(D, "10.5555/conf.1")]),
    ("pmc-space-meeting", "PMC 12 met twice; no article", []),
    ("pmc-space-dose", "PMC 10 mg daily (doi:10.5555/dose.1)", [(D, "10.5555/dose.1")]),
    ("pmc-space-decimal", "PMC 1.5 mg with PMID context", []),
    ("pmc-two-spaces", "PMC  9000007 PMID 99000007", [(P, "99000007")]),
    # --- bioRxiv and medRxiv URLs: the version and view are no part of the DOI
    (
        "biorxiv-version",
        "https://www.biorxiv.org/content/10.1101/2023.05.06.539700v3",
        [(D, "10.1101/2023.05.06.539700")],
    ),
    (
        "biorxiv-full-pdf",
        "https://www.biorxiv.org/content/10.1101/2023.05.06.539700v1.full.pdf",
        [(D, "10.1101/2023.05.06.539700")],
    ),
    (
        "medrxiv-full-text",
        "https://www.medrxiv.org/content/10.1101/2020.03.01.20029876v2.full-text.",
        [(D, "10.1101/2020.03.01.20029876")],
    ),
    (
        "biorxiv-old-six-digit",
        "(https://www.biorxiv.org/content/10.1101/123456v1.abstract)",
        [(D, "10.1101/123456")],
    ),
    (
        "biorxiv-supplementary",
        "www.biorxiv.org/content/10.1101/2021.01.02.425001v2.supplementary-material?x=1",
        [(D, "10.1101/2021.01.02.425001")],
    ),
    ("biorxiv-doi-plain", "doi: 10.1101/2023.05.06.539700", [(D, "10.1101/2023.05.06.539700")]),
    ("cshl-journal-kept", "doi:10.1101/gr.123456.110", [(D, "10.1101/gr.123456.110")]),
    ("other-version-kept", "doi:10.5555/rs.3.rs-123/v1", [(D, "10.5555/rs.3.rs-123/v1")]),
    # --- a DOI glued to the next word or to a note in brackets
    ("glued-abstract", "DOI:10.5555/abc.123Abstract", [(D, "10.5555/abc.123")]),
    ("glued-background", "doi: 10.5555/jsb.2019.00001Background", [(D, "10.5555/jsb.2019.00001")]),
    ("glued-after-letter", "https://doi.org/10.5555/natureabcAbstract", [(D, "10.5555/natureabc")]),
    ("glued-upper", "DOI 10.5555/x.42ABSTRACT", [(D, "10.5555/x.42")]),
    (
        "glued-pmid",
        "doi:10.5555/x.43PMID: 99000008",
        [(D, "10.5555/x.43"), (P, "99000008")],
    ),
    (
        "glued-pmid-after-dot",
        "doi: 10.5555/j.x.2020.01.001.PMID: 99000025",
        [(D, "10.5555/j.x.2020.01.001"), (P, "99000025")],
    ),
    (
        "glued-pmid-url",
        "https://doi.org/10.5555/x.2020.01.001PMID:99000026",
        [(D, "10.5555/x.2020.01.001"), (P, "99000026")],
    ),
    ("glued-pmcid", "doi:10.5555/x.44PMCID: PMC9000026", [(D, "10.5555/x.44"), (C, "PMC9000026")]),
    ("glued-scholar", "doi:10.5555/x.45Google Scholar", [(D, "10.5555/x.45")]),
    ("glued-epub", "doi: 10.5555/x.46.Epub 2020 Jan 1", [(D, "10.5555/x.46")]),
    ("lowercase-pm-not-label", "the 5pmid: 99000027 shift", []),
    ("capital-suffix-kept", "doi:10.5555/0Abcd", [(D, "10.5555/0Abcd")]),
    (
        "sici-capital-end-kept",
        "10.5555/(SICI)1097-0000(1997)36:1<1::AID-X1>3.0.CO;2-N",
        [(D, "10.5555/(SICI)1097-0000(1997)36:1<1::AID-X1>3.0.CO;2-N")],
    ),
    (
        "bracket-note",
        "Synthetic A. J Synth. 2019. doi: 10.5555/xyz-123.[PMC free article] [PubMed]",
        [(D, "10.5555/xyz-123")],
    ),
    ("bracket-glued", "doi:10.5555/xyz-124[PubMed]", [(D, "10.5555/xyz-124")]),
    ("paren-note", "doi:10.5555/xyz-125.(PubMed)", [(D, "10.5555/xyz-125")]),
    (
        "balanced-parens-kept",
        "10.5555/S0140-6736(20)30183-5.",
        [(D, "10.5555/S0140-6736(20)30183-5")],
    ),
    # --- HTML meta tags
    ("meta-pmid", '<meta name="citation_pmid" content="99000009">', [(P, "99000009")]),
    ("meta-pmid-reversed", '<meta content="99000010" name="citation_pmid" />', [(P, "99000010")]),
    (
        "meta-pmid-single-quotes",
        "<META NAME='citation_pmid' CONTENT='0099000011'>",
        [(P, "99000011")],
    ),
    ("meta-property", '<meta property="citation_pmid" content=" 99000012 ">', [(P, "99000012")]),
    ("meta-pmcid", '<meta name="citation_pmcid" content="PMC9000013">', [(C, "PMC9000013")]),
    (
        "meta-dc-scheme",
        '<meta name="dc.identifier" scheme="pmid" content="99000014">',
        [(P, "99000014")],
    ),
    (
        "meta-dc-info-uri",
        '<meta name="DC.Identifier" content="info:pmid/99000015">',
        [(P, "99000015")],
    ),
    ("meta-doi", '<meta name="citation_doi" content="10.5555/meta.1">', [(D, "10.5555/meta.1")]),
    (
        "meta-dc-doi",
        '<meta name="dc.identifier" content="doi:10.5555/meta.2">',
        [(D, "10.5555/meta.2")],
    ),
    ("meta-description-number", '<meta name="description" content="99000016">', []),
    ("meta-empty-pmid", '<meta name="citation_pmid" content="">', []),
    ("meta-issn", '<meta name="citation_issn" content="0027-8424">', []),
    ("meta-unclosed", '<meta name="citation_pmid" content="99000017"', []),
    (
        "openurl-info-pmid",
        "rft_id=info:pmid/99000018&rft_id=info:doi/10.5555/ou.1",
        [(P, "99000018"), (D, "10.5555/ou.1")],
    ),
    # --- XML elements that type their content (PubMed XML, JATS)
    ("xml-pmid", '<PMID Version="1">99000028</PMID>', [(P, "99000028")]),
    (
        "xml-articleid",
        '<ArticleId IdType="pubmed">99000029</ArticleId><ArticleId IdType="pmc">PMC9000029'
        "</ArticleId>",
        [(P, "99000029"), (C, "PMC9000029")],
    ),
    (
        "jats-pub-id",
        "<pub-id pub-id-type='pmid'>99000030</pub-id> <article-id pub-id-type=\"pmc\">9000030<",
        [(P, "99000030"), (C, "PMC9000030")],
    ),
    ("xml-other-type", '<ArticleId IdType="pii">99000031</ArticleId>', []),
    ("xml-pmid-text-after", '<PMID Version="1">99000032 and more</PMID>', []),
    # --- BibTeX fields in braces
    (
        "bibtex-braces",
        "@article{x, pmid = {99000033}, pmcid = {9000033}, doi = {10.5555/bib.1}}",
        [(P, "99000033"), (C, "PMC9000033"), (D, "10.5555/bib.1")],
    ),
    # --- MEDLINE (.nbib) comment and correction lines
    (
        "medline-cin",
        "CIN - J Synth. 2005 Jan 4;142(1):77; author reply 77-8. PMID: 99000019",
        [(P, "99000019")],
    ),
    (
        "medline-wrapped",
        "CON - Synthetic Journal of Long Titles. 2001 Mar;2(3):3-4; discussion 5. PMID:\n"
        "      99000020\nRIN - J Synth. 2003;4:5. PMID: 99000021",
        [(P, "99000020"), (P, "99000021")],
    ),
    (
        "medline-ein-rof",
        "EIN - J Synth. 2002 Feb;3(1):9. PMID: 99000022\nROF - J Synth. 2001;2:3. PMID: 99000023",
        [(P, "99000022"), (P, "99000023")],
    ),
    ("medline-ein-no-pmid", "EIN - J Synth. 2002 Feb;3(1):9\nPG  - 1-9", []),
    # --- percent-encoding, doubled or twice applied
    (
        "percent-doubled",
        "\\doi{10.5555/(SICI)1097-0000(199707)36:1%%3C1::AID-X1%%3E3.0.CO;2-N}",
        [(D, "10.5555/(SICI)1097-0000(199707)36:1<1::AID-X1>3.0.CO;2-N")],
    ),
    (
        "percent-twice",
        "https://doi.org/10.5555/(SICI)1097-0000(199707)36:1%253C1::AID-X1%253E3.0.CO;2-N",
        [(D, "10.5555/(SICI)1097-0000(199707)36:1<1::AID-X1>3.0.CO;2-N")],
    ),
    # --- text with no identifier yields nothing
    ("prose-numbers", "Call +1 (555) 010-2000 on 10.04.2021 at 10.30; 10.5 mg/kg twice daily.", []),
    ("prose-ratio", "the ratio was 10.12/34 of cases and 10.5/1 of controls", []),
    ("prose-pmc-word", "PMC, PubMed and MEDLINE were searched in 2020/21.", []),
    ("rate-units", "WBC 10.5000/mm3 and 10.2500/min; infusion 10.1234/h", []),
    ("rate-labelled", "doi:10.5555/min", [(D, "10.5555/min")]),
    ("config-yaml", "podSubnet: 10.85.0.0/16\nserviceSubnet: 10.96.0.0/12", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in CASES], ids=[name for name, _, _ in CASES]
)
def test_extracts_exactly(text: str, expected: list[tuple[str, str]]) -> None:
    """Each text yields exactly its identifiers, in order."""
    assert [(m.kind, m.value) for m in extract(text)] == expected


@pytest.mark.parametrize("name", [name for name, _, _ in CASES])
def test_raw_is_the_span_of_the_text(name: str) -> None:
    """Every mention's raw is the slice of the text its span points to."""
    text = next(t for n, t, _ in CASES if n == name)
    for mention in extract(text):
        assert text[mention.start : mention.end] == mention.raw


def test_meta_tag_span_covers_the_tag() -> None:
    """A PMID read from a meta tag spans the whole tag (name and content make the mention)."""
    text = 'x <meta name="citation_pmid" content="99000024"> y'
    (mention,) = extract(text)
    assert mention.raw == '<meta name="citation_pmid" content="99000024">'


@pytest.mark.parametrize("text", ["10.244.0.0/16", "doi:10.0.0.1/24", "https://doi.org/10.1.2.3/x"])
def test_doi_type_rejects_network_addresses(text: str) -> None:
    """DOI() says an IPv4 address with a mask or path is no DOI."""
    with pytest.raises(InvalidIdentifier):
        DOI(text)


def test_doi_type_reads_doubled_percent_escapes() -> None:
    """DOI() decodes "%%3C" and "%253C" as "<", like the extractor."""
    assert DOI("10.5555/a%%3Cb%%3E").value == "10.5555/a<b>"
    assert DOI("10.5555/a%253Cb%253E").value == "10.5555/a<b>"


def test_subdivided_short_registrant_still_reads() -> None:
    """A short registrant that is subdivided but no IPv4 address stays a DOI."""
    assert DOI("10.978.819252/12214").value == "10.978.819252/12214"
