"""The authorities' parsers (openFDA, Federal Register, Europe PMC, EU CTIS) on real recorded payloads
(tests/fixtures/<kind>/README.md), and hostile inputs for each: truncated, an HTML error page, the wrong
JSON shape, a huge body. Hostile inputs are hand-made (built in the test), never called recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pipewatch.adapters import ctis, europepmc, federal_register, openfda
from pipewatch.adapters.pubmed import parse_esummary
from pipewatch.domain.ingest.ids import update_id
from pipewatch.domain.ingest.sources import EuropePmcSettings, OpenFdaSettings
from pipewatch.domain.models import FetchedItem
from pipewatch.errors import PayloadError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
OPENFDA = "openfda/drugsfda_imatinib_NDA021588_reduced_2026-08-11_biomcp.json"
FEDERAL_REGISTER = "federal_register/documents_uscis_newest_perpage5_trimmed_2026-09-13_EXCERPT.json"
EPMC_ONE = "europepmc/search_ext-id-20516115_pageSize1_2026-08-05_biomcp.json"
EPMC_SIX = "europepmc/search_MLH1-p.Gly67Glu_not-retracted_pageSize25_2026-08-06_biomcp.json"
CTIS_RETRIEVE = "ctis/retrieve_2025-523333-26-00_argenx-graves_reduced_2026-08_ctcm.json"
CTIS_SEARCH = "ctis/search_record_2025-523726-40-00_2026-07-18_gregory_TRANSCRIBED.json"


def read(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def _items(parsed: Any) -> list[FetchedItem]:
    return list(parsed[0])


# -- openFDA ------------------------------------------------------------------------------------------------


def test_openfda_one_item_per_submission_with_status_and_date() -> None:
    items, notes = openfda.parse_drugsfda(read(OPENFDA), source_id="openfda", source_name="openFDA")
    [item] = items
    assert notes == []
    assert item.title == "FDA approved: GLEEVEC (NDA021588) original application 1, Type 3 - New Dosage Form"
    assert item.guid == "openfda:NDA021588:ORIG:1:AP" and item.doc_type == "regulator"
    assert item.published == datetime(2003, 4, 18, tzinfo=UTC)
    assert item.url == ""  # the guid identifies: no URL is both the submission's own and stable
    letter = "http://www.accessdata.fda.gov/drugsatfda_docs/appletter/2003/21588ltr.pdf"
    assert item.extra["letter_url"] == letter
    assert "IMATINIB MESYLATE" in item.summary and "Orphan" in item.summary
    assert item.extra["application_url"].endswith("ApplNo=021588")
    assert openfda.last_updated(read(OPENFDA)) == "2026-08-11"


def test_openfda_a_letter_added_later_is_the_same_update() -> None:
    without_docs = json.loads(read(OPENFDA))
    without_docs["results"][0]["submissions"][0]["application_docs"] = []  # derived: before the docs came
    [early], _ = openfda.parse_drugsfda(json.dumps(without_docs).encode(), source_id="s")
    [later], _ = openfda.parse_drugsfda(read(OPENFDA), source_id="s")
    assert update_id(early) == update_id(later)


def test_openfda_a_status_change_is_a_new_update() -> None:
    doc = json.loads(read(OPENFDA))
    tentative = json.loads(read(OPENFDA))
    tentative["results"][0]["submissions"][0]["submission_status"] = "TA"  # derived: one field changed
    tentative["results"][0]["submissions"][0]["application_docs"] = []
    [approved], _ = openfda.parse_drugsfda(json.dumps(doc).encode(), source_id="s")
    [pending], _ = openfda.parse_drugsfda(json.dumps(tentative).encode(), source_id="s")
    assert pending.title.startswith("FDA tentatively approved")
    assert update_id(approved) != update_id(pending)


def test_openfda_search_queries_batch_names_and_keep_application_numbers_apart() -> None:
    settings = OpenFdaSettings(application_numbers=("BLA761195",), names=("VYVGART",), names_per_query=2)
    queries = openfda.search_queries(settings, ["efgartigimod alfa", 'a "quoted" name', "ab"])
    assert queries[0] == 'application_number:"BLA761195"'
    assert queries[1] == (
        'openfda.brand_name:"efgartigimod alfa" OR openfda.generic_name:"efgartigimod alfa" OR '
        'openfda.brand_name:"a quoted name" OR openfda.generic_name:"a quoted name"'
    )
    assert queries[2] == 'openfda.brand_name:"VYVGART" OR openfda.generic_name:"VYVGART"'  # "ab" too short
    url, params = openfda.build_request(settings, queries[0], api_key="k")
    assert url.endswith("/drug/drugsfda.json") and params["api_key"] == "k" and params["limit"] == "100"


def test_openfda_error_body_is_a_payload_error() -> None:
    not_found = (
        b'{"error": {"code": "NOT_FOUND", "message": "No matches found!"}}'  # hand-made, documented shape
    )
    with pytest.raises(PayloadError, match="NOT_FOUND"):
        openfda.parse_drugsfda(not_found, source_id="s")


# -- Federal Register ---------------------------------------------------------------------------------------


def test_federal_register_documents_are_items_keyed_on_document_number() -> None:
    items, notes = federal_register.parse_documents(read(FEDERAL_REGISTER), source_id="fr")
    assert [i.guid for i in items] == [
        "federal-register:2026-18736",
        "federal-register:2026-18724",
        "federal-register:2026-18722",
    ]
    assert items[0].published == datetime(2026, 9, 14, tzinfo=UTC)
    assert items[0].url.startswith("https://www.federalregister.gov/documents/2026/09/14/2026-18736/")
    assert notes == ["2086 documents match, 3 on this page"]


def test_federal_register_next_page_url_is_read_and_followed_only_on_the_api_host() -> None:
    items, following, notes = federal_register.parse_page(read(FEDERAL_REGISTER), source_id="fr")
    assert len(items) == 3 and notes == ["2086 documents match, 3 on this page"]
    assert following.startswith("https://www.federalregister.gov/api/v1/documents?")
    assert "page=2" in following and "search_after_cursor=WzE3ODkzNDQwMDAwMDAsIjIwMjYtMTg3MjAiXQ" in following
    hostile = json.loads(
        read(FEDERAL_REGISTER)
    )  # derived: the recorded body, next_page_url pointed elsewhere
    for elsewhere in (
        "https://attacker.example/api/v1/documents?page=2",
        "http://www.federalregister.gov/api/x",
    ):
        hostile["next_page_url"] = elsewhere
        _items, following, notes = federal_register.parse_page(json.dumps(hostile).encode(), source_id="fr")
        assert following == "" and notes[0].startswith("next_page_url refused")


def test_federal_register_keeps_only_notices_naming_a_watched_term() -> None:
    items, _ = federal_register.parse_documents(read(FEDERAL_REGISTER), source_id="fr")
    assert [federal_register.names_any(i, ["Regional Center"]) for i in items] == [False, False, True]
    assert not any(federal_register.names_any(i, ["efgartigimod", "ab"]) for i in items)


def test_federal_register_request_is_fda_notices_in_the_window() -> None:
    from pipewatch.domain.ingest.sources import FederalRegisterSettings

    _url, params = federal_register.build_request(FederalRegisterSettings(window_days=30), date(2026, 9, 30))
    assert params["conditions[agencies][]"] == "food-and-drug-administration"
    assert params["conditions[publication_date][gte]"] == "2026-08-31"
    assert params["conditions[type][]"] == "NOTICE" and params["conditions[term]"] == "advisory committee"


# -- Europe PMC ---------------------------------------------------------------------------------------------


def test_europepmc_record_with_a_pmid_is_the_same_update_as_pubmeds() -> None:
    [item], cursor, notes = europepmc.parse_search(read(EPMC_ONE), source_id="europepmc")
    assert cursor == "" and notes == []
    assert item.url == "https://pubmed.ncbi.nlm.nih.gov/20516115/" and item.guid == "pmid:20516115"
    assert item.extra["doi"] == "10.1158/0008-5472.can-09-4563"
    assert item.published == datetime(2010, 6, 1, tzinfo=UTC)
    # The PubMed item of the same PMID (what pubmed.summary_to_item makes) gets the same update id.
    esummary = {"result": {"uids": ["20516115"], "20516115": {"uid": "20516115", "title": "x"}}}
    [from_pubmed], _ = parse_esummary(json.dumps(esummary).encode(), source_id="pubmed")  # hand-made docsum
    assert update_id(item) == update_id(from_pubmed)


def test_europepmc_six_results_and_no_next_cursor_when_all_fit() -> None:
    items, cursor, _ = europepmc.parse_search(read(EPMC_SIX), source_id="e")
    assert len(items) == 6 and cursor == ""
    assert all(i.doc_type == "publication" and i.title for i in items)


def test_europepmc_next_cursor_is_followed_until_it_stops_moving() -> None:
    doc = json.loads(read(EPMC_ONE))
    doc["nextCursorMark"] = "AoIIP4AAACgyMDUxNjExNQ=="  # derived: the paging field added
    _, cursor, _ = europepmc.parse_search(json.dumps(doc).encode(), source_id="e")
    assert cursor == "AoIIP4AAACgyMDUxNjExNQ=="
    doc["request"]["cursorMark"] = doc["nextCursorMark"]
    assert europepmc.parse_search(json.dumps(doc).encode(), source_id="e")[1] == ""


def test_europepmc_preprint_without_pmid_is_keyed_on_its_europepmc_page() -> None:
    doc = json.loads(read(EPMC_ONE))
    record = doc["resultList"]["result"][0]
    record.update({"source": "PPR", "id": "PPR123456"})  # derived: a preprint's source and id
    del record["pmid"]
    [item], _, _ = europepmc.parse_search(json.dumps(doc).encode(), source_id="e")
    assert item.url == "https://europepmc.org/article/PPR/PPR123456" and item.summary.startswith("Preprint")


def test_europepmc_query_has_the_first_index_date_window() -> None:
    query = europepmc.search_query(
        EuropePmcSettings(window_days=30), ["efgartigimod", "ARGX-113"], date(2026, 9, 30)
    )
    assert query == '("efgartigimod" OR "ARGX-113") AND FIRST_IDATE:[2026-08-31 TO *]'
    assert europepmc.search_query(EuropePmcSettings(), [], date(2026, 9, 30)) == ""


# -- EU CTIS ------------------------------------------------------------------------------------------------


def test_ctis_retrieve_record_is_a_status_update() -> None:
    [item], _ = ctis.parse_ctis(read(CTIS_RETRIEVE), source_id="ctis")
    assert item.title == "EU trial 2025-523333-26-00 Under evaluation: Graves' Disease (GD)"
    assert item.guid == "ctis:2025-523333-26-00:under evaluation" and item.doc_type == "registry"
    assert "Sponsor Argenx" in item.summary
    assert item.published == datetime(2026, 8, 7, 18, 27, 53, tzinfo=UTC)


def test_ctis_search_record_names_the_status_codes_seen_beside_their_text() -> None:
    [item], _ = ctis.parse_ctis(read(CTIS_SEARCH), source_id="ctis")
    assert item.extra["status"] == "Ongoing, recruiting"  # ctStatus 4, as the RSS item says
    assert "France: Authorised, recruitment pending" in item.summary
    assert item.published == datetime(2026, 7, 9, tzinfo=UTC)  # lastUpdated 09/07/2026, day first
    wrapped = json.dumps({"data": [json.loads(read(CTIS_SEARCH)), {"no": "number"}]}).encode()
    items, notes = ctis.parse_ctis(wrapped, source_id="ctis")
    assert len(items) == 1 and notes == ["a record without ctNumber"]


# -- hostile inputs (hand-made) -----------------------------------------------------------------------------

Parser = Callable[[bytes], Any]
PARSERS: dict[str, tuple[Parser, str]] = {
    "openfda": (lambda d: openfda.parse_drugsfda(d, source_id="s"), OPENFDA),
    "federal-register": (lambda d: federal_register.parse_documents(d, source_id="s"), FEDERAL_REGISTER),
    "europepmc": (lambda d: europepmc.parse_search(d, source_id="s"), EPMC_SIX),
    "ctis": (lambda d: ctis.parse_ctis(d, source_id="s"), CTIS_RETRIEVE),
}
HTML_ERROR = (
    b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>busy</body></html>"
)


@pytest.mark.parametrize("kind", list(PARSERS))
def test_truncated_body_is_a_payload_error(kind: str) -> None:
    parse, fixture = PARSERS[kind]
    body = read(fixture)
    with pytest.raises(PayloadError, match="not JSON"):
        parse(body[: len(body) // 2])


@pytest.mark.parametrize("kind", list(PARSERS))
def test_html_error_page_is_a_payload_error(kind: str) -> None:
    with pytest.raises(PayloadError, match="not JSON"):
        PARSERS[kind][0](HTML_ERROR)


@pytest.mark.parametrize("kind", list(PARSERS))
@pytest.mark.parametrize("shape", [b"[]", b'{"results": {"a": 1}}', b'"text"', b'{"data": "x"}', b"null"])
def test_wrong_json_shape_is_a_payload_error(kind: str, shape: bytes) -> None:
    with pytest.raises(PayloadError):
        PARSERS[kind][0](shape)


WRONG_RECORDS = {  # hand-made: every nested field of the wrong JSON type
    "openfda": {
        "meta": {},
        "results": [
            {
                "application_number": "BLA1",
                "submissions": [{"application_docs": 5, "submission_property_type": "x"}],
                "products": "abc",
                "openfda": [1],
            },
            7,
        ],
    },
    "federal-register": {"count": "many", "results": [{"document_number": 5, "title": ["x"]}, "y"]},
    "europepmc": {"request": [], "resultList": {"result": [{"id": {"a": 1}, "authorString": 3}, 4]}},
    "ctis": {"data": [{"ctNumber": "2025-1", "authorizedApplication": [], "trialCountries": 3}, None]},
}


@pytest.mark.parametrize("kind", list(PARSERS))
def test_records_with_wrongly_typed_fields_are_read_as_empty_never_raised(kind: str) -> None:
    items = _items(PARSERS[kind][0](json.dumps(WRONG_RECORDS[kind]).encode()))
    assert len(items) == 1 and items[0].title


@pytest.mark.parametrize("kind", list(PARSERS))
def test_deeply_nested_json_is_a_payload_error(kind: str) -> None:
    with pytest.raises(PayloadError, match="nested"):
        PARSERS[kind][0](b"[" * 100_000 + b"]" * 100_000)


def _huge(kind: str) -> bytes:
    """A real recorded document with a 5 MB title (or equivalent) and its records repeated past the cap."""
    doc = json.loads(read(PARSERS[kind][1]))
    blob = "word " * 1_000_000
    if kind == "openfda":
        doc["results"] = doc["results"] * 1500
        doc["results"][0] = {**doc["results"][0], "sponsor_name": blob}
    elif kind == "federal-register":
        doc["results"] = doc["results"] * 1500
        doc["results"][0] = {**doc["results"][0], "title": blob}
    elif kind == "europepmc":
        doc["resultList"]["result"] = doc["resultList"]["result"] * 300
        doc["resultList"]["result"][0] = {**doc["resultList"]["result"][0], "title": blob}
    else:
        doc["authorizedApplication"]["authorizedPartI"]["medicalConditions"][0]["medicalCondition"] = blob
    return json.dumps(doc).encode()


@pytest.mark.parametrize("kind", list(PARSERS))
def test_huge_body_gives_bounded_items(kind: str) -> None:
    parsed = PARSERS[kind][0](_huge(kind))
    items = _items(parsed)
    assert 1 <= len(items) <= 1000
    assert all(len(i.title) <= 301 and len(i.summary) <= 4000 for i in items)
