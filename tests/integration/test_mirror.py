"""The local mirror: files applied in order, incremental builds, lookups, and the Enricher.

Every file here is hand-built in the test from the synthetic universe (PMIDs from 98000001,
DOIs under 10.5555/, PMCIDs from PMC90000001) in the layout of NCBI's baseline and update files.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pubenrich import Article, Config, DeletedCitation, Enricher, MirrorError, NoCache
from pubenrich.mirror import BuildProgress, Mirror, build, parse_file
from pubenrich.mirror.store import STORE_NAME
from pubenrich.testing.fake_ncbi import FakeNcbi, SyntheticRecord, SyntheticUniverse
from pubenrich.testing.mirror_files import revised, write_pmc_ids, write_pubmed_file

UNIVERSE = SyntheticUniverse(size=80, seed=11)
RECORDS = list(UNIVERSE.records())
BASE = Path("baseline")
UPD = Path("updatefiles")


def _write(
    root: Path, name: str, records: list[SyntheticRecord], deleted: tuple[str, ...] = ()
) -> Path:
    folder = UPD if int(name[9:13]) > 2 else BASE
    return write_pubmed_file(root / folder / name, UNIVERSE, records, deleted)


@pytest.fixture
def series(tmp_path: Path) -> Path:
    """Two baseline files and two update files: revisions, a deletion, a re-deletion."""
    _write(tmp_path, "pubmed25n0001.xml.gz", RECORDS[:30])
    _write(tmp_path, "pubmed25n0002.xml.gz", RECORDS[30:60])
    # update 1: record 5 revised once, record 10 deleted
    _write(tmp_path, "pubmed25n0003.xml.gz", [revised(RECORDS[5], 1)], (RECORDS[10].pmid,))
    # update 2: record 5 revised again, record 40 deleted
    _write(tmp_path, "pubmed25n0004.xml.gz", [revised(RECORDS[5], 2)], (RECORDS[40].pmid,))
    return tmp_path


@pytest.fixture
def mirror(series: Path) -> Iterator[Mirror]:
    """The series built in one process."""
    build(series, processes=1)
    with Mirror(series) as opened:
        yield opened


def test_a_record_updated_twice_keeps_the_last_version(mirror: Mirror) -> None:
    """The title of the record revised by both update files is the second revision's."""
    record = mirror.get([RECORDS[5].pmid])
    assert [r.title for r in record.values()] == [revised(RECORDS[5], 2).title]


def test_a_deleted_citation_removes_the_pmid(mirror: Mirror) -> None:
    """PMIDs named in an update file's DeleteCitation are no longer found."""
    assert mirror.get([RECORDS[10].pmid, RECORDS[40].pmid]) == {}
    assert mirror.is_deleted(RECORDS[10].pmid)


def test_the_store_holds_every_surviving_record(mirror: Mirror) -> None:
    """All baseline records but the two deleted ones are held, as Articles."""
    assert len(mirror) == 58
    got = mirror.get(r.pmid for r in RECORDS[:60])
    assert all(isinstance(r, Article) for r in got.values())
    assert len(got) == 58


def test_get_json_is_the_stored_form_of_get(mirror: Mirror) -> None:
    """The raw JSON path returns what get() builds its records from."""
    ids = [r.pmid for r in RECORDS[:5]]
    raw = mirror.get_json(ids)
    assert {k: json.loads(v) for k, v in raw.items()} == {
        k: r.to_dict() for k, r in mirror.get(ids).items()
    }


def test_an_uncompressed_build_reads_the_same(series: Path, tmp_path: Path) -> None:
    """build(compress=False) stores plain JSON that reads back to the same records."""
    build(series, processes=1)
    plain = tmp_path / "plain"
    shutil.copytree(series / "baseline", plain / "baseline")
    shutil.copytree(series / "updatefiles", plain / "updatefiles")
    build(plain, processes=1, compress=False)
    ids = [r.pmid for r in RECORDS]
    with Mirror(series) as packed, Mirror(plain) as unpacked:
        assert packed.get(ids) == unpacked.get(ids)
        assert packed.get_json(ids) == unpacked.get_json(ids)
        assert (plain / "mirror.sqlite3").stat().st_size > 0


def test_files_apply_in_file_order(mirror: Mirror) -> None:
    """Baseline files come first, then update files, each by number."""
    assert mirror.files() == [f"pubmed25n000{n}.xml.gz" for n in (1, 2, 3, 4)]


def test_pmid_for_doi_ignores_case(mirror: Mirror) -> None:
    """A DOI in upper case finds its record."""
    rec = next(r for r in RECORDS[:30] if r.doi)
    found = mirror.pmid_for_doi(rec.doi.upper() if rec.doi else "")
    assert str(found) == rec.pmid


def test_pmid_for_pmcid_uses_the_records(mirror: Mirror) -> None:
    """A record's PMCID finds its PMID."""
    rec = next(r for r in RECORDS[:30] if r.pmcid)
    found = mirror.pmid_for_pmcid(rec.pmcid or "")
    assert str(found) == rec.pmid


def test_pmid_for_pmcid_falls_back_to_pmc_ids(series: Path) -> None:
    """A PMCID known only to PMC-ids.csv.gz is still mapped to its PMID and DOI."""
    rec = next(r for r in RECORDS[:30] if not r.pmcid)
    write_pmc_ids(series / "PMC-ids.csv.gz", [("PMC90099999", rec.pmid, "10.5555/Only.In.PMC")])
    build(series, processes=1)
    with Mirror(series) as opened:
        assert opened.pmid_for_pmcid("PMC90099999") == opened.pmid_for_doi("10.5555/only.in.pmc")
        assert str(opened.pmid_for_pmcid("pmc90099999")) == rec.pmid


def test_search_title_finds_a_record_by_title_and_first_author(mirror: Mirror) -> None:
    """The record's own title words and first author rank it first."""
    rec = RECORDS[20]
    hits = mirror.search_title(rec.title, author=rec.authors[0].last, year=rec.year)
    assert hits[0].pmid.value == rec.pmid


def test_as_of_is_the_date_of_the_last_applied_file(series: Path) -> None:
    """as_of follows the last update file's modification date."""
    stamp = time.mktime((2025, 3, 4, 12, 0, 0, 0, 0, -1))
    for path in (series / UPD).iterdir():
        os.utime(path, (stamp, stamp))
    build(series, processes=1)
    with Mirror(series) as opened:
        assert str(opened.as_of) == "2025-03-04"


def test_a_rebuild_does_not_parse_applied_files_again(
    series: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a newly added update file is parsed on the second build."""
    build(series, processes=1)
    _write(series, "pubmed25n0005.xml.gz", [revised(RECORDS[6], 1)])
    parsed: list[str] = []
    import pubenrich.mirror.builder as module

    def counting(path: str, compress: bool = True) -> list[object]:
        parsed.append(Path(path).name)
        return parse_file(path, compress)  # type: ignore[return-value]

    monkeypatch.setattr(module, "parse_file", counting)
    report = build(series, processes=1)
    assert (parsed, report.files_applied, report.files_skipped) == (
        ["pubmed25n0005.xml.gz"],
        1,
        4,
    )


def test_an_interrupted_build_resumes_after_the_last_applied_file(series: Path) -> None:
    """A build stopped after two files applies only the other two when run again."""

    class Stop(Exception):
        pass

    def stop_after_two(step: BuildProgress) -> None:
        if step.files_done == 2:
            raise Stop

    with pytest.raises(Stop):
        build(series, processes=1, progress=stop_after_two)
    report = build(series, processes=1)
    assert (report.files_applied, report.files_skipped) == (2, 2)
    with Mirror(series) as opened:
        assert opened.get([RECORDS[10].pmid]) == {}


def test_a_file_that_sorts_before_an_applied_one_is_refused(series: Path) -> None:
    """Files apply in order only: a late-arriving earlier file is an error, not silently mixed."""
    build(series, processes=1)
    (series / UPD / "pubmed25n0003.xml.gz").rename(series / BASE / "pubmed25n0000.xml.gz")
    with pytest.raises(MirrorError, match="sorts before"):
        build(series, processes=1)


def test_a_broken_file_fails_the_build_with_its_name(series: Path) -> None:
    """A file that is not gzip-compressed XML is named in the error."""
    (series / UPD / "pubmed25n0005.xml.gz").write_bytes(b"not gzip")
    with pytest.raises(MirrorError, match=r"pubmed25n0005\.xml\.gz"):
        build(series, processes=1)


def test_a_process_pool_build_equals_the_one_process_build(series: Path, tmp_path: Path) -> None:
    """Parsing in two processes stores the same records as parsing in this one."""
    build(series, processes=1)
    other = tmp_path / "copy"
    for path in series.rglob("*.xml.gz"):
        target = other / path.relative_to(series)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    build(other, processes=2)
    ids = [r.pmid for r in RECORDS]
    with Mirror(series) as one, Mirror(other) as two:
        assert one.get(ids) == two.get(ids)


def test_progress_reports_files_and_rate(series: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The callback sees every file; the log says records/s and time left."""
    steps: list[BuildProgress] = []
    with caplog.at_level(logging.INFO, logger="pubenrich.mirror.builder"):
        build(series, processes=1, progress=steps.append)
    assert [s.files_done for s in steps] == [1, 2, 3, 4]
    assert steps[-1].records == 62  # 60 baseline records and two revisions
    assert "records/s" in caplog.text
    assert "s left" in caplog.text


def test_the_enricher_answers_from_the_mirror_with_no_request(mirror: Mirror) -> None:
    """Records the mirror holds come back found while the fake NCBI sees no request."""
    ids = [r.pmid for r in RECORDS[:30] if r.pmid != RECORDS[10].pmid]
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=mirror.directory) as enricher:
            results = list(enricher.fetch(ids))
        assert [r.status for r in results] == ["found"] * len(ids)
        revised_title = revised(RECORDS[5], 2).title  # the fake NCBI serves the original
        assert [r.record.title for r in results if r.input == RECORDS[5].pmid] == [revised_title]
        assert fake.stats.requests == {}


def test_the_enricher_asks_ncbi_only_for_what_the_mirror_lacks(mirror: Mirror) -> None:
    """A PMID beyond the mirror goes to E-utilities and says so; the held one does not."""
    held = RECORDS[0].pmid
    beyond = RECORDS[70].pmid
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=mirror) as enricher:
            results = {r.input: r for r in enricher.fetch([held, beyond])}
        assert fake.stats.snapshot()["ids_served"] == 1
    assert {k: (r.status, r.source) for k, r in results.items()} == {
        held: ("found", "mirror"),
        beyond: ("found", "eutils"),
    }


def test_a_pmid_deleted_by_an_update_file_is_answered_deleted_with_no_request(
    mirror: Mirror,
) -> None:
    """The mirror knows its deletions: fetch says ``deleted``, enrich ``not_found``, no ask."""
    deleted = RECORDS[10].pmid
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=mirror) as enricher:
            (fetched,) = enricher.fetch([deleted])
            (enriched,) = enricher.enrich([f"PMID: {deleted}"])
        assert fake.stats.requests == {}
    assert (fetched.status, fetched.source, fetched.as_of) == ("deleted", "mirror", mirror.as_of)
    assert isinstance(fetched.record, DeletedCitation)
    assert [p.value for p in fetched.record.pmids] == [deleted]
    assert enriched.status == "not_found"


def _date_files(series: Path, day: date) -> None:
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp()
    for path in series.glob("*/pubmed*.xml.gz"):
        os.utime(path, (noon, noon))


def test_records_from_the_mirror_carry_the_date_of_its_last_update_file(series: Path) -> None:
    """Fetch and enrich from the mirror say ``mirror``, as of the last applied file's date."""
    _date_files(series, date(2025, 1, 15))
    build(series, processes=1)
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=series) as enricher:
            (fetched,) = enricher.fetch([RECORDS[3].pmid])
            (enriched,) = enricher.enrich([{"pmid": RECORDS[3].pmid}])
        assert fake.stats.requests == {}
    assert (fetched.status, fetched.source, fetched.as_of) == (
        "found",
        "mirror",
        date(2025, 1, 15),
    )
    assert (enriched.status, enriched.source, enriched.as_of) == (
        "enriched",
        "mirror",
        date(2025, 1, 15),
    )
    assert (enriched.to_dict()["source"], enriched.to_dict()["as_of"]) == ("mirror", "2025-01-15")


def test_an_enriched_record_from_eutils_says_so(mirror: Mirror) -> None:
    """A paper the mirror lacks is enriched from E-utilities and sourced ``eutils``."""
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=mirror) as enricher:
            (enriched,) = enricher.enrich([{"pmid": RECORDS[70].pmid}])
    assert (enriched.status, enriched.source) == ("enriched", "eutils")
    assert enriched.as_of == datetime.now(tz=UTC).date()


def test_the_mirror_falls_back_to_its_build_date_when_files_carry_none(series: Path) -> None:
    """With no file dated, ``as_of`` is the day of the last build."""
    build(series, processes=1)
    with sqlite3.connect(series / STORE_NAME) as conn:
        conn.execute("UPDATE files SET day = NULL")
    conn.close()
    with Mirror(series) as opened:
        assert opened.as_of == datetime.now(tz=UTC).date()


def test_convert_answers_pmcids_dois_and_pmids_from_the_mirror_with_no_request(
    mirror: Mirror,
) -> None:
    """Ids of records the mirror holds map to one another with no request, sourced mirror."""
    rec = next(r for r in RECORDS[:30] if r.pmcid and r.doi and r.pmid != RECORDS[5].pmid)
    assert rec.pmcid is not None
    assert rec.doi is not None
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=mirror) as enricher:
            results = list(enricher.convert([rec.pmcid, rec.doi.upper(), rec.pmid]))
        assert fake.stats.requests == {}
    assert [(r.status, r.source) for r in results] == [("found", "mirror")] * 3
    assert mirror.as_of is not None
    assert [r.as_of for r in results] == [mirror.as_of] * 3
    assert {(str(r.pmid), str(r.pmcid), str(r.doi).lower()) for r in results} == {
        (rec.pmid, rec.pmcid, rec.doi.lower())
    }
    assert [r.input for r in results] == [rec.pmcid, rec.doi.upper(), rec.pmid]


def test_convert_asks_idconv_for_what_the_mirror_cannot_map(mirror: Mirror) -> None:
    """A PMCID the mirror does not know goes to the PMC ID converter, sourced eutils."""
    unknown = next(r for r in RECORDS[60:] if r.pmcid)
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=mirror) as enricher:
            (result,) = enricher.convert([unknown.pmcid])
        assert sum(fake.stats.requests.values()) == 1
    assert (result.status, str(result.pmid), result.source) == ("found", unknown.pmid, "eutils")


def test_enrich_by_doi_resolves_through_the_mirror_with_no_request(mirror: Mirror) -> None:
    """A DOI the mirror holds resolves to its record, all from the mirror."""
    rec = next(r for r in RECORDS[:30] if r.doi and r.pmid != RECORDS[10].pmid)
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=mirror) as enricher:
            (enriched,) = enricher.enrich([f"doi: {rec.doi}"])
        assert fake.stats.requests == {}
    assert (enriched.status, enriched.pmid, enriched.source) == ("enriched", rec.pmid, "mirror")
    assert enriched.route.method == "doi"


def test_an_unreadable_mirror_record_is_fetched_from_eutils(series: Path) -> None:
    """A damaged stored record is a miss: E-utilities answer for it."""
    build(series, processes=1)
    with sqlite3.connect(series / STORE_NAME) as conn:
        conn.execute("UPDATE records SET data = x'00ff' WHERE pmid = ?", (int(RECORDS[2].pmid),))
    conn.close()
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=series) as enricher:
            (result,) = enricher.fetch([RECORDS[2].pmid])
        assert fake.stats.snapshot()["ids_served"] == 1
    assert (result.status, result.source) == ("found", "eutils")


def _cues_of(rec: SyntheticRecord) -> dict[str, object]:
    first = rec.authors[0]
    return {"title": rec.title, "authors": [f"{first.last} {first.initials}"], "year": rec.year}


def test_a_citation_without_ids_is_found_by_the_mirror_title_search_with_no_request(
    mirror: Mirror,
) -> None:
    """Title, first author and year: the mirror's title index settles it, no ESearch."""
    rec = RECORDS[3]
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=mirror) as enricher:
            (enriched,) = enricher.enrich([_cues_of(rec)])
        assert fake.stats.requests == {}
    assert (enriched.status, enriched.pmid, enriched.source) == ("enriched", rec.pmid, "mirror")
    assert (enriched.route.method, enriched.route.query) == ("search", "mirror title search")
    assert "mirror title search: " in " ".join(enriched.route.steps)


def test_a_citation_the_mirror_does_not_hold_goes_on_to_esearch(mirror: Mirror) -> None:
    """A paper newer than the mirror: its title search finds no clear winner, ESearch does."""
    rec = RECORDS[70]
    with FakeNcbi(UNIVERSE, enforce_rate=False) as fake:
        config = Config(eutils_url=fake.eutils_url, idconv_url=fake.idconv_url)
        with Enricher(config, NoCache(), mirror=mirror) as enricher:
            (enriched,) = enricher.enrich([_cues_of(rec)])
        assert fake.stats.requests.get("esearch", 0) >= 1
    assert (enriched.status, enriched.pmid, enriched.source) == ("enriched", rec.pmid, "eutils")
    assert enriched.route.method == "search"
    assert enriched.route.query != "mirror title search"
