"""Id-less citations against real PubMed records: right / wrong / not_found / ambiguous per shape.

The local fake NCBI serves the real PubMed records of ../shared/ncbi-samples (efetch XML files)
in its real-records mode, answering esearch with PubMed's query syntax and ECitMatch from the
same records. Every served record is rendered as citations in the shapes people paste; about
one record in six is *withheld* from the served set (a paper PubMed lacks: any PMID is wrong),
and *near misses* (same first author, same year and journal, half the title, the rest from
another paper) must not be enriched either.

Run: ``PYTHONPATH=. python benchmarks/bench_idless.py [--limit N]``
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from pubenrich import Config, Enricher, MemoryCache
from pubenrich.model.records import Article
from pubenrich.testing.fake_ncbi import FakeNcbi
from pubenrich.testing.fake_ncbi.real import RealUniverse, load_articles

SAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "ncbi-samples"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _names(a: Article) -> list[tuple[str, str, str]]:
    """(surname or group, initials, fore name) of each author."""
    return [
        (x.last_name or x.collective_name or "", x.initials or "", x.fore_name or "")
        for x in a.authors
        if x.last_name or x.collective_name
    ]


def _facts(a: Article) -> dict[str, str]:
    j = a.journal
    assert j is not None
    pages = j.pages or j.start_page or ""
    month = MONTHS[a.pub_date.month - 1] if a.pub_date.month else ""
    return {
        "title": a.title.rstrip("."),
        "ta": j.iso_abbreviation or j.title or "",
        "jt": j.title or j.iso_abbreviation or "",
        "year": str(a.pub_date.year),
        "month": month,
        "vol": j.volume or "",
        "iss": j.issue or "",
        "pages": pages.replace("-", "–"),
    }


def vancouver(a: Article) -> str:
    f, names = _facts(a), _names(a)
    shown = [f"{n} {i}".strip() for n, i, _ in names[:6]]
    authors = ", ".join(shown) + (", et al" if len(names) > 6 else "")
    issue = f"({f['iss']})" if f["iss"] else ""
    return f"{authors}. {f['title']}. {f['ta']}. {f['year']};{f['vol']}{issue}:{f['pages']}."


def vancouver_numbered(a: Article) -> str:
    f, names = _facts(a), _names(a)
    authors = ", ".join(f"{n} {i}".strip() for n, i, _ in names[:3])
    authors += ", et al" if len(names) > 3 else ""
    month = f" {f['month']}" if f["month"] else ""
    return (
        f"12. {authors}. {f['title']}. {f['ta']}. {f['year']}{month};{f['vol']}:{f['pages']}."
        " - PubMed"
    )


def apa(a: Article) -> str:
    f, names = _facts(a), _names(a)
    people = [f"{n}, {'. '.join(i)}." if i else n for n, i, _ in names[:20]]
    authors = people[0] if len(people) == 1 else ", ".join(people[:-1]) + ", & " + people[-1]
    issue = f"({f['iss']})" if f["iss"] else ""
    return f"{authors} ({f['year']}). {f['title']}. {f['jt']}, {f['vol']}{issue}, {f['pages']}."


def harvard(a: Article) -> str:
    f, names = _facts(a), _names(a)
    people = [f"{n}, {'.'.join(i)}." if i else n for n, i, _ in names[:3]]
    authors = ", ".join(people[:-1]) + " and " + people[-1] if len(people) > 1 else people[0]
    if len(names) > 3:
        authors = f"{people[0]} et al."
    return f"{authors} ({f['year']}) '{f['title']}', {f['jt']}, {f['vol']}, pp. {f['pages']}."


def chicago(a: Article) -> str:
    f, names = _facts(a), _names(a)
    first = f"{names[0][0]}, {names[0][2]}".rstrip(", ")
    rest = [f"{fore} {n}".strip() for n, _, fore in names[1:3]]
    authors = ", ".join([first, *rest[:-1]]) + (f", and {rest[-1]}" if rest else "")
    authors += ", et al" if len(names) > 3 else ""
    issue = f" ({f['iss']})" if f["iss"] else ""
    title = f"\u201c{f['title']}.\u201d"
    return f"{authors}. {f['year']}. {title} {f['jt']} {f['vol']}{issue}: {f['pages']}."


def title_period(a: Article) -> str:
    return _facts(a)["title"] + "."


def title_bare(a: Article) -> str:
    return _facts(a)["title"]


def etal_year_title(a: Article) -> str:
    n, i, _ = _names(a)[0]
    return f"{n} {i}, et al. ({_facts(a)['year']}) {_facts(a)['title']}."


def title_by(a: Article) -> str:
    n, _, fore = _names(a)[0]
    return f"{_facts(a)['title']} by {fore} {n} et al. ({_facts(a)['year']})"


def web_summary(a: Article) -> str:
    f, names = _facts(a), _names(a)
    people = ", ".join(f"{fore} {n}".strip() for n, _, fore in names[:4])
    return f"{f['title']}\n{people}\n{f['jt']}, {f['year']}"


def title_abstract(a: Article) -> str:
    body = " ".join(s.text for s in a.abstract.sections) if a.abstract else ""
    return f"{_facts(a)['title']}\n\n{body}" if body else ""


SHAPES: dict[str, Callable[[Article], str]] = {
    "vancouver": vancouver,
    "vancouver_numbered": vancouver_numbered,
    "apa": apa,
    "harvard": harvard,
    "chicago": chicago,
    "title_period": title_period,
    "title_bare": title_bare,
    "etal_year_title": etal_year_title,
    "title_by": title_by,
    "web_summary": web_summary,
    "title_abstract": title_abstract,
}


def _near_miss(a: Article, other: Article) -> str:
    """Same first author, year and journal; half the title, the other half another paper's."""
    words, more = a.title.rstrip(".").split(), other.title.rstrip(".").split()
    half = words[: max(2, len(words) // 2)] + more[len(more) // 2 :]
    fake = vancouver(a).replace(_facts(a)["title"], " ".join(half), 1)
    pages = _facts(a)["pages"]
    first = pages.split("–")[0]
    moved = str(int(first) + 100) if first.isdigit() else first + "1"
    return fake.replace(f":{pages}.", f":{moved}.")


def _usable(a: Article) -> bool:
    j = a.journal
    return bool(_names(a) and j and j.volume and (j.pages or j.start_page) and a.pub_date.year)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="records rendered (0: all)")
    parser.add_argument("--show", default="", help="print the failures of this shape")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the client's notes on ignored search terms
    folder = SAMPLES / "efetch_pubmed_xml"
    if not folder.is_dir():
        print(f"no samples at {folder}", file=sys.stderr)
        return 2
    articles = load_articles(folder.glob("*.xml"))
    usable = [a for a, _ in articles if _usable(a) and len(a.title.split()) >= 4]
    rng = random.Random(17)
    withheld = {a.pmid.value for a in usable if rng.random() < 1 / 6}
    universe = RealUniverse(articles, withheld=withheld)
    chosen = usable[: args.limit] if args.limit else usable
    cases: list[tuple[str, str, str | None]] = []  # (shape, text, right pmid or None)
    for a in chosen:
        right = None if a.pmid.value in withheld else a.pmid.value
        for shape, render in SHAPES.items():
            text = render(a)
            if text:
                cases.append((shape if right else f"withheld:{shape}", text, right))
    served = [a for a in chosen if a.pmid.value not in withheld]
    for a in served:
        other = rng.choice([b for b in usable if b is not a])
        cases.append(("near_miss", _near_miss(a, other), None))
    cases.append(("not_a_citation", "A note with no identifier at all.", None))
    listed = served[:12]
    reference_list = "\n".join(f"{n}. {vancouver(a)}" for n, a in enumerate(listed, start=1))
    print(f"{len(articles)} real records read, {len(usable)} renderable, {len(withheld)} withheld")
    print(f"{len(cases)} single inputs + one reference list of {len(listed)} lines\n")
    with FakeNcbi(universe, enforce_rate=False) as fake:
        config = Config(
            eutils_url=fake.eutils_url, idconv_url=fake.idconv_url, requests_per_second=200
        )
        with Enricher(config, cache=MemoryCache()) as enricher:
            results = list(enricher.enrich([text for _, text, _ in cases]))
            asked = sum(fake.stats.requests.values())
        fake.reset_stats()
        with Enricher(config, cache=MemoryCache()) as enricher:
            listing = next(iter(enricher.enrich([reference_list])))
            list_asked = sum(fake.stats.requests.values())
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for (shape, text, right), result in zip(cases, results, strict=True):
        got = result.article.pmid.value if result.article is not None else None
        verdict = "right" if got and got == right else "wrong" if got else result.status
        table[shape][verdict] += 1
        if shape == args.show and verdict != "right":
            route = result.route.steps if result.route else ()
            print(f"--- {verdict}: {text!r}\n    {result.citation and result.citation.cues}")
            print(f"    {route} {[(c.pmid, round(c.score.total, 2)) for c in result.candidates]}")
    for item, a in zip(listing.related, listed, strict=False):
        got = item.article.pmid.value if item.article is not None else None
        verdict = "right" if got == a.pmid.value else "wrong" if got else item.status
        table["reference_list"][verdict] += 1
    columns = ["right", "wrong", "not_found", "ambiguous", "other"]
    print(f"{'shape':28}" + "".join(f"{c:>10}" for c in columns) + f"{'n':>6}")
    for shape in sorted(table):
        row = table[shape]
        other = sum(v for k, v in row.items() if k not in columns)
        cells = [row["right"], row["wrong"], row["not_found"], row["ambiguous"], other]
        print(f"{shape:28}" + "".join(f"{c:>10}" for c in cells) + f"{sum(row.values()):>6}")
    print(f"\nrequests: {asked} for {len(cases)} inputs ({asked / len(cases):.2f} per input)")
    print(f"reference list: {list_asked} requests for {len(listed)} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
