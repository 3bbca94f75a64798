"""Table of extraction cases: each text with exactly the identifiers it holds, in text order.

Identifiers are synthetic (PMIDs 99000001+, DOIs under the test prefix 10.5555/) except where
a form needs a real shape (SICI, Lancet parentheses)."""

from __future__ import annotations

import pytest

from pubenrich.text.extract import extract

P, C, D = "pmid", "pmcid", "doi"

CASES: list[tuple[str, str, list[tuple[str, str]]]] = [
    # --- PMID labels
    ("pmid-colon-space", "PMID: 99000001", [(P, "99000001")]),
    ("pmid-colon", "PMID:99000002", [(P, "99000002")]),
    ("pmid-space", "PMID 99000003", [(P, "99000003")]),
    ("pmid-pubmed-pmid", "PubMed PMID: 99000004.", [(P, "99000004")]),
    ("pmid-lower", "pmid:99000005", [(P, "99000005")]),
    ("pmid-medline-tag", "PMID- 99000006\nOWN - NLM", [(P, "99000006")]),
    ("pmid-equals", "pmid=99000007", [(P, "99000007")]),
    ("pmid-wikitext", "{{cite journal|pmid=99000008|title=X}}", [(P, "99000008")]),
    ("pmid-hash", "PMID #99000009", [(P, "99000009")]),
    ("pmid-pubmed-id", "PubMed ID: 99000010", [(P, "99000010")]),
    ("pmid-in-brackets", "Smith J. Title. [PMID: 99000011]", [(P, "99000011")]),
    ("pmid-in-parens", "(PMID 99000012)", [(P, "99000012")]),
    ("pmid-leading-zeros", "PMID: 0099000013", [(P, "99000013")]),
    ("pmid-short", "PMID: 7", [(P, "7")]),
    ("pmid-zero-rejected", "PMID: 0", []),
    ("pmid-nine-digits-rejected", "PMID: 123456789", []),
    ("pmid-decimal-rejected", "PMID: 12.5", []),
    (
        "pmid-list-commas",
        "PMIDs: 99000014, 99000015, 99000016",
        [(P, "99000014"), (P, "99000015"), (P, "99000016")],
    ),
    ("pmid-list-and", "PMIDs 99000017 and 99000018", [(P, "99000017"), (P, "99000018")]),
    ("pmid-list-semicolon", "PMID: 99000019; 99000020", [(P, "99000019"), (P, "99000020")]),
    ("pmid-html-bold-label", "<b>PMID:</b> 99000021 Version:1", [(P, "99000021")]),
    ("pmid-bibtex-note", "note = {{PMID:} 99000022}", [(P, "99000022")]),
    ("pmid-end-of-sentence", "See PMID 99000023.", [(P, "99000023")]),
    ("pmid-uppercase-word", "PMID:99000024 Review.", [(P, "99000024")]),
    ("pmid-fullwidth", "ＰＭＩＤ： ９９００００２５", [(P, "99000025")]),
    ("pmid-fullwidth-digits", "PMID: ９９００００２６", [(P, "99000026")]),
    ("pmid-nbsp", "PMID:\u00a099000027", [(P, "99000027")]),
    ("pmid-zwsp", "PMID:\u200b99000028", [(P, "99000028")]),
    ("pmid-crlf", "Title.\r\nPMID: 99000029\r\n", [(P, "99000029")]),
    ("pmid-tab", "PMID\t99000030", [(P, "99000030")]),
    ("pmid-glued-word-rejected", "XPMID: 99000031", []),
    ("pmid-predicted-label", "predicted pmid:  99000032", [(P, "99000032")]),
    ("pmid-json", '{"pmid": "99000033"}', [(P, "99000033")]),
    # --- PubMed URLs
    ("pmid-url-new", "https://pubmed.ncbi.nlm.nih.gov/99000040/", [(P, "99000040")]),
    ("pmid-url-new-noslash", "pubmed.ncbi.nlm.nih.gov/99000041", [(P, "99000041")]),
    ("pmid-url-old", "http://www.ncbi.nlm.nih.gov/pubmed/99000042", [(P, "99000042")]),
    (
        "pmid-url-old-query",
        "https://www.ncbi.nlm.nih.gov/pubmed/99000043?dopt=Abstract",
        [(P, "99000043")],
    ),
    ("pmid-url-entrez", "ncbi.nlm.nih.gov/entrez/pubmed/99000044", [(P, "99000044")]),
    ("pmid-url-europepmc", "https://europepmc.org/article/MED/99000045", [(P, "99000045")]),
    ("pmid-url-europepmc-abstract", "europepmc.org/abstract/MED/99000046", [(P, "99000046")]),
    (
        "pmid-url-in-markdown",
        "[abstract](https://pubmed.ncbi.nlm.nih.gov/99000047/)",
        [(P, "99000047")],
    ),
    (
        "pmid-url-in-href",
        '<a href="https://pubmed.ncbi.nlm.nih.gov/99000048/">x</a>',
        [(P, "99000048")],
    ),
    ("pmid-url-uppercase", "HTTPS://PUBMED.NCBI.NLM.NIH.GOV/99000049/", [(P, "99000049")]),
    ("pmid-url-too-long-rejected", "pubmed.ncbi.nlm.nih.gov/123456789/", []),
    # --- PMCIDs
    ("pmcid-bare", "PMC99000050", [(C, "PMC99000050")]),
    ("pmcid-lower", "pmc99000051", [(C, "PMC99000051")]),
    ("pmcid-label", "PMCID: PMC99000052", [(C, "PMC99000052")]),
    ("pmcid-label-number", "PMCID: 99000053", [(C, "PMC99000053")]),
    ("pmcid-label-space", "PMCID: PMC 99000054", [(C, "PMC99000054")]),
    ("pmcid-wikitext", "|pmc=99000055|", [(C, "PMC99000055")]),
    ("pmcid-url-new", "https://pmc.ncbi.nlm.nih.gov/articles/PMC99000056/", [(C, "PMC99000056")]),
    (
        "pmcid-url-old",
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC99000057",
        [(C, "PMC99000057")],
    ),
    ("pmcid-europepmc", "europepmc.org/articles/PMC99000058", [(C, "PMC99000058")]),
    ("pmcid-version", "PMC99000059.1", [(C, "PMC99000059")]),
    ("pmcid-in-parens", "(PMC99000060)", [(C, "PMC99000060")]),
    (
        "pmcid-semicolon",
        "PMID: 99000061; PMCID: PMC99000062.",
        [(P, "99000061"), (C, "PMC99000062")],
    ),
    ("pmcid-glued-word-rejected", "XPMC99000063", []),
    ("pmcid-space-free-text-rejected", "the PMC 99000064 building", []),
    ("pmcid-fullwidth", "ＰＭＣ９９００００６５", [(C, "PMC99000065")]),
    ("pmcid-nihms-rejected", "NIHMS99000066", []),
    ("pmcid-zero-rejected", "PMC0", []),
    # --- bare DOIs
    ("doi-bare", "10.5555/abc123", [(D, "10.5555/abc123")]),
    ("doi-in-sentence", "The DOI is 10.5555/abc124 and more.", [(D, "10.5555/abc124")]),
    ("doi-sentence-end", "see 10.5555/abc125.", [(D, "10.5555/abc125")]),
    ("doi-comma", "10.5555/abc126, 10.5555/abc127", [(D, "10.5555/abc126"), (D, "10.5555/abc127")]),
    ("doi-semicolon", "10.5555/abc128;", [(D, "10.5555/abc128")]),
    ("doi-colon-end", "10.5555/abc129:", [(D, "10.5555/abc129")]),
    ("doi-question", "Is it 10.5555/abc130?", [(D, "10.5555/abc130")]),
    ("doi-exclaim", "10.5555/abc131!", [(D, "10.5555/abc131")]),
    ("doi-quote-end", "\u201c10.5555/abc132\u201d", [(D, "10.5555/abc132")]),
    ("doi-single-quotes", "'10.5555/abc133'", [(D, "10.5555/abc133")]),
    ("doi-parenthesized", "(10.5555/abc134)", [(D, "10.5555/abc134")]),
    (
        "doi-balanced-parens",
        "10.1016/S0140-6736(20)30183-5",
        [(D, "10.1016/S0140-6736(20)30183-5")],
    ),
    (
        "doi-balanced-parens-dot",
        "doi:10.1016/S0140-6736(20)30183-5.",
        [(D, "10.1016/S0140-6736(20)30183-5")],
    ),
    (
        "doi-balanced-in-parens",
        "(doi:10.1016/S0140-6736(20)30183-5)",
        [(D, "10.1016/S0140-6736(20)30183-5")],
    ),
    ("doi-ends-with-paren", "10.1016/0022-2836(81)90087-5", [(D, "10.1016/0022-2836(81)90087-5")]),
    ("doi-brackets", "[10.5555/abc135]", [(D, "10.5555/abc135")]),
    ("doi-multi-slash", "10.5555/abc/def/ghi", [(D, "10.5555/abc/def/ghi")]),
    ("doi-subdivided", "10.1000.10/abc136", [(D, "10.1000.10/abc136")]),
    ("doi-short-subdivided", "10.978.819252/12214", [(D, "10.978.819252/12214")]),
    ("doi-uppercase", "10.5555/ABC137", [(D, "10.5555/ABC137")]),
    (
        "doi-sici",
        "10.1002/(SICI)1097-4636(199706)35:4<473::AID-JBM7>3.0.CO;2-G",
        [(D, "10.1002/(SICI)1097-4636(199706)35:4<473::AID-JBM7>3.0.CO;2-G")],
    ),
    (
        "doi-sici-escaped",
        "10.1002/(SICI)1097-4636(199706)35:4&lt;473::AID-JBM7&gt;3.0.CO;2-G",
        [(D, "10.1002/(SICI)1097-4636(199706)35:4<473::AID-JBM7>3.0.CO;2-G")],
    ),
    ("doi-underscore", "10.5555/abc_138", [(D, "10.5555/abc_138")]),
    ("doi-supplement", "10.5555/journal.x.s005", [(D, "10.5555/journal.x.s005")]),
    ("doi-three-digit-registrant-rejected", "10.123/abc", []),
    ("doi-no-suffix-rejected", "10.5555/", []),
    ("doi-date-path-trap", "https://x.com/25.10.2015/2137303/default.htm", []),
    ("doi-version-number-trap", "version 1.10.2020/3", []),
    ("doi-two-on-line", "10.5555/a1 and 10.5555/a2.", [(D, "10.5555/a1"), (D, "10.5555/a2")]),
    ("doi-glued-pmid", "10.5555/abc139 PMID: 99000070", [(D, "10.5555/abc139"), (P, "99000070")]),
    ("doi-fullwidth-digits", "１０.５５５５/abc140", [(D, "10.5555/abc140")]),
    # --- DOI labels
    ("doi-label", "doi:10.5555/abc150", [(D, "10.5555/abc150")]),
    ("doi-label-space", "doi: 10.5555/abc151", [(D, "10.5555/abc151")]),
    ("doi-label-upper", "DOI: 10.5555/abc152", [(D, "10.5555/abc152")]),
    ("doi-label-no-colon", "DOI 10.5555/abc153", [(D, "10.5555/abc153")]),
    ("doi-label-equals", "doi=10.5555/abc154", [(D, "10.5555/abc154")]),
    ("doi-label-spaced-slash", "DOI: 10.5555 / abc155", [(D, "10.5555/abc155")]),
    ("doi-after-linebreak", "Title. doi:\n10.5555/abc156\n", [(D, "10.5555/abc156")]),
    ("doi-info-uri", "info:doi/10.5555/abc157", [(D, "10.5555/abc157")]),
    ("doi-urn", "urn:doi:10.5555/abc158", [(D, "10.5555/abc158")]),
    ("doi-ris", "DO  - 10.5555/abc159\nER  - ", [(D, "10.5555/abc159")]),
    ("doi-medline-lid", "LID - 10.5555/abc160 [doi]", [(D, "10.5555/abc160")]),
    (
        "doi-medline-aid-pii",
        "AID - S0140-6736(20)30183-5 [pii]\nAID - 10.5555/abc161 [doi]",
        [(D, "10.5555/abc161")],
    ),
    # --- DOI URLs
    ("doi-url-https", "https://doi.org/10.5555/abc170", [(D, "10.5555/abc170")]),
    ("doi-url-dx", "http://dx.doi.org/10.5555/abc171", [(D, "10.5555/abc171")]),
    ("doi-url-encoded-slash", "https://doi.org/10.5555%2Fabc172", [(D, "10.5555/abc172")]),
    (
        "doi-url-encoded-parens",
        "https://doi.org/10.1016/S0140-6736%2820%2930183-5",
        [(D, "10.1016/S0140-6736(20)30183-5")],
    ),
    (
        "doi-url-encoded-angle",
        "https://doi.org/10.1002/(SICI)1097-4636(199706)35:4%3C473::AID-JBM7%3E3.0.CO;2-G",
        [(D, "10.1002/(SICI)1097-4636(199706)35:4<473::AID-JBM7>3.0.CO;2-G")],
    ),
    ("doi-url-trailing-period", "Read https://doi.org/10.5555/abc173.", [(D, "10.5555/abc173")]),
    ("doi-url-query", "https://doi.org/10.5555/abc174?via=ihub", [(D, "10.5555/abc174")]),
    ("doi-url-fragment", "https://example.org/x#/10.5555/abc175#section", [(D, "10.5555/abc175")]),
    (
        "doi-url-publisher-path",
        "https://onlinelibrary.example.com/doi/10.5555/abc176",
        [(D, "10.5555/abc176")],
    ),
    (
        "doi-url-pdf-suffix",
        "https://link.example.com/content/pdf/10.5555/abc177.pdf",
        [(D, "10.5555/abc177")],
    ),
    (
        "doi-url-view-suffix",
        "https://www.example.org/articles/10.5555/abc178/full",
        [(D, "10.5555/abc178")],
    ),
    (
        "doi-url-abstract-suffix",
        "https://onlinelibrary.example.com/doi/10.5555/abc179/abstract",
        [(D, "10.5555/abc179")],
    ),
    ("doi-url-angle-brackets", "<https://doi.org/10.5555/abc180>", [(D, "10.5555/abc180")]),
    ("doi-url-js-escaped", '"\\/doi\\/abs\\/10.5555\\/abc181?tk=1"', [(D, "10.5555/abc181")]),
    (
        "doi-url-proxy-host",
        "https://doi.library.example.ca/10.5555/abc182",
        [(D, "10.5555/abc182")],
    ),
    ("doi-url-www", "https://www.doi.org/10.5555/abc183", [(D, "10.5555/abc183")]),
    ("doi-url-amp-query", "https://doi.org/10.5555/abc184&amp;utm=x", [(D, "10.5555/abc184")]),
    # --- markup
    (
        "doi-html-attr",
        '<meta name="citation_doi" content="10.5555/abc190">',
        [(D, "10.5555/abc190")],
    ),
    ("doi-html-single-attr", "<div data-doi='10.5555/abc191'></div>", [(D, "10.5555/abc191")]),
    (
        "doi-html-link-text",
        '<a href="https://doi.org/10.5555/abc192">10.5555/abc192</a>',
        [(D, "10.5555/abc192"), (D, "10.5555/abc192")],
    ),
    ("doi-html-br", "doi:10.5555/abc193<br/>next", [(D, "10.5555/abc193")]),
    ("doi-html-escaped-tags", "&lt;doi&gt;10.5555/abc194&lt;/doi&gt;", [(D, "10.5555/abc194")]),
    ("doi-html-quot", "content=&quot;10.5555/abc195&quot;", [(D, "10.5555/abc195")]),
    (
        "doi-xml-element",
        '<ArticleId IdType="doi">10.5555/abc196</ArticleId>',
        [(D, "10.5555/abc196")],
    ),
    ("doi-bibtex", "doi = {10.5555/abc197},", [(D, "10.5555/abc197")]),
    ("doi-bibtex-quoted", 'doi = "10.5555/abc198",', [(D, "10.5555/abc198")]),
    ("doi-bibtex-nested-braces", "doi = {{10.5555/abc199}}", [(D, "10.5555/abc199")]),
    ("doi-wikitext", "{{cite journal|doi=10.5555/abc200}}", [(D, "10.5555/abc200")]),
    (
        "doi-wikitext-escaped-sici",
        "{{cite journal|doi=10.1175/1525-7541(2003)004&lt;1147:TVGPCP&gt;2.0.CO;2}}",
        [(D, "10.1175/1525-7541(2003)004<1147:TVGPCP>2.0.CO;2")],
    ),
    ("doi-markdown-link", "[paper](https://doi.org/10.5555/abc201)", [(D, "10.5555/abc201")]),
    (
        "doi-markdown-doi-text",
        "[10.5555/abc202](https://doi.org/10.5555/abc202)",
        [(D, "10.5555/abc202"), (D, "10.5555/abc202")],
    ),
    ("doi-json", '{"doi": "10.5555/abc203"}', [(D, "10.5555/abc203")]),
    ("doi-pipe", "x|10.5555/abc204|y", [(D, "10.5555/abc204")]),
    ("doi-pdf-annotation", "/URI(doi:10.5555/abc205)/S/URI", [(D, "10.5555/abc205")]),
    (
        "doi-primo-delimiter",
        "$$Uhttps://doi.org/10.5555/abc206$$EPDF$$P50",
        [(D, "10.5555/abc206")],
    ),
    # --- line breaks from PDFs
    ("doi-hyphen-break", "doi:10.5555/s10803-008-\n0667-2", [(D, "10.5555/s10803-008-0667-2")]),
    (
        "doi-hyphen-break-indented",
        "doi:10.5555/s10439-\n    009-9852-5",
        [(D, "10.5555/s10439-009-9852-5")],
    ),
    ("doi-slash-break", "doi:10.5555/\nes200351m", [(D, "10.5555/es200351m")]),
    (
        "doi-hyphen-break-period",
        "DOI 10.5555/s11284-009-\n       0601-x.",
        [(D, "10.5555/s11284-009-0601-x")],
    ),
    (
        "doi-break-crlf",
        "doi:10.5555/j.1528-\r\n1167.2005.57504.x",
        [(D, "10.5555/j.1528-1167.2005.57504.x")],
    ),
    ("doi-no-join-plain-word", "doi:10.5555/abc-\nSmith J, Jones K.", [(D, "10.5555/abc-")]),
    ("doi-no-join-after-period", "doi:10.5555/abc210.\n2011. Next entry", [(D, "10.5555/abc210")]),
    (
        "doi-no-join-next-doi",
        "10.5555/abc-\n10.5555/def",
        [(D, "10.5555/abc-"), (D, "10.5555/def")],
    ),
    (
        "doi-line-end-before-period",
        "Journal. 2020;1:2. doi: 10.5555/abc211\n.",
        [(D, "10.5555/abc211")],
    ),
    # --- invisible characters and entities
    ("doi-soft-hyphen", "10.5555/abc\u00ad212", [(D, "10.5555/abc212")]),
    ("doi-zwsp-inside", "10.5555/abc\u200b213", [(D, "10.5555/abc213")]),
    ("doi-zwsp-after", "10.5555/abc214\u200b ", [(D, "10.5555/abc214")]),
    ("doi-nbsp-before", "doi:\u00a010.5555/abc215", [(D, "10.5555/abc215")]),
    ("doi-nbsp-after", "10.5555/abc216\u00a0next", [(D, "10.5555/abc216")]),
    ("doi-amp-entity", "10.5555/a&amp;b217", [(D, "10.5555/a&b217")]),
    ("doi-bom-before", "\ufeff10.5555/abc218", [(D, "10.5555/abc218")]),
    # --- more forms
    (
        "doi-dot-break-unfinished-suffix",
        "doi: 10.5555/j.\ncell.2010.10.016",
        [(D, "10.5555/j.cell.2010.10.016")],
    ),
    (
        "doi-dot-break-journal",
        "doi:10.5555/journal.\npone.0020353",
        [(D, "10.5555/journal.pone.0020353")],
    ),
    ("doi-no-dot-join-sentence", "doi:10.5555/abc.\nThe next", [(D, "10.5555/abc")]),
    ("doi-url-trailing-slash", "https://doi.org/10.5555/abc220/", [(D, "10.5555/abc220")]),
    (
        "doi-openurl-params",
        "https://x.org/openurl?id=doi:10.5555/abc221&issn=1234-5678",
        [(D, "10.5555/abc221")],
    ),
    (
        "doi-openurl-encoded",
        "rft_id=info:doi/10.5555%2Fabc222&rft.jtitle=X",
        [(D, "10.5555/abc222")],
    ),
    ("pmid-pubmed-colon", "[PubMed: 99000080]", [(P, "99000080")]),
    ("pmcid-pubmed-central", "[PubMed Central: PMC99000081]", [(C, "PMC99000081")]),
    ("pmid-url-term", "https://www.ncbi.nlm.nih.gov/pubmed/?term=99000082", [(P, "99000082")]),
    ("pmcid-pmc-id-label", "PMC ID: PMC99000083", [(C, "PMC99000083")]),
    ("pmid-list-stops-at-year", "PMID: 99000084, 2019", [(P, "99000084")]),
    (
        "pmid-medline-pmc-tag",
        "PMC - PMC99000085\nOID - NLM: PMC99000085",
        [(C, "PMC99000085"), (C, "PMC99000085")],
    ),
    ("trap-date-dotted", "season 10.12.2020/21", []),
    ("trap-handle", "hdl:10013/epic.10033", []),
    ("trap-doi-surname", "(Doi and Edwards, 1986) and M. Doi, 2001", []),
    ("trap-pubmed-result", "[Hum Toxicol. 1983] - PubMed result.", []),
    ("trap-empty-openurl", "sfx/?id=pmid:&id=doi:&issn=0378-1127", []),
    ("trap-nlm-jid", "JID - 0376507\nJC  - 9705338", []),
    ("trap-wos-ut", "UT WOS:000290776200020", []),
    ("trap-all-zero-pmid", "PMID- 000000000000", []),
    ("pmid-html-nbsp", "PMID:&nbsp;99000090", [(P, "99000090")]),
    ("pmid-html-definition-list", "<dt>PMID</dt><dd>99000091</dd>", [(P, "99000091")]),
    ("pmid-markdown-bold", "**PMID:** 99000092", [(P, "99000092")]),
    ("pmid-html-table-cells", '<td class="k">PMID</td> <td>99000093</td>', [(P, "99000093")]),
    ("doi-unicode-hyphen", "doi:10.5555/ab\u2010cd", [(D, "10.5555/ab-cd")]),
    ("doi-cjk-full-stop", "见 doi:10.5555/abc223。下一", [(D, "10.5555/abc223")]),
    ("trap-pmid-label-then-words", "PMID</b> pending, see 99000094", []),
    # --- traps: no identifier at all
    ("trap-phone", "+7 (926) 505-84-27", []),
    ("trap-postcode", "8/2, Trubetskaya str., Moscow, 119991", []),
    ("trap-year", "Published in 2014.", []),
    ("trap-bare-number", "The cohort had 25211170 cells.", []),
    ("trap-page-range", "Chest. 1992;101:1644-55.", []),
    ("trap-issn", "ISSN 0027-8424 (Print)", []),
    ("trap-eissn", "eISSN: 1532-2548", []),
    ("trap-grant", "Grant R01 GM123456 and U54-HG004028", []),
    ("trap-isbn", "ISBN 978-3-16-148410-0", []),
    ("trap-date-numbers", "DA  - 19960829\nLR  - 20131121", []),
    ("trap-pubmed-word", "Indexed in PubMed 2020 and Scopus 12345", []),
    ("trap-empty-label", "PMID: \nPMCID: \nDOI: ", []),
    ("trap-decimal", "p < 10.5 and 10.25/3 and 10.2/abc", []),
    ("trap-nbk", "NBK123456", []),
    ("trap-pii", "PII: S0022-3468(12)00390-9", []),
    ("trap-arxiv", "arXiv:2101.00001", []),
    ("trap-version-string", "v10.12345 release", []),
    ("trap-empty", "", []),
    ("trap-whitespace", " \n\r\t\u00a0", []),
    ("trap-just-label", "PMID", []),
    ("trap-cr-only", "Title\rmore", []),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_extract_case(name: str, text: str, expected: list[tuple[str, str]]) -> None:
    """Each case yields exactly its identifiers, in text order."""
    assert [(m.kind, m.value) for m in extract(text)] == expected, name


def test_table_is_large_and_names_unique() -> None:
    """The table keeps at least 150 distinct cases."""
    names = [case[0] for case in CASES]
    assert len(names) >= 150
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_spans_slice_back_to_raw(name: str, text: str, expected: list[tuple[str, str]]) -> None:
    """Every mention's raw text is the slice of the input at its span."""
    del expected
    for mention in extract(text):
        assert text[mention.start : mention.end] == mention.raw, name
