from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipewatch.adapters import ctgov
from pipewatch.domain.ingest.sources import CtgovSettings
from pipewatch.errors import PayloadError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ctgov"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_version_timestamp() -> None:
    assert ctgov.parse_version(read("v2_version_2026-08-20_hkm30.json")) == "2026-08-19T09:00:06"
    with pytest.raises(PayloadError, match="dataTimestamp"):
        ctgov.parse_version(b'{"apiVersion": "2.0.5"}')
    with pytest.raises(PayloadError, match="not JSON"):
        ctgov.parse_version(b"<html>maintenance</html>")


def test_search_page_with_next_page_token() -> None:
    studies, token = ctgov.parse_studies_page(
        read("v2_search_phelan-mcdermid_pageSize5_page1_2026-08-11_biomcp.json")
    )
    assert len(studies) == 5
    assert token == "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4dnDeTsPkw"  # page 2 was requested with this token
    studies2, token2 = ctgov.parse_studies_page(
        read("v2_search_phelan-mcdermid_pageSize5_page2_2026-08-11_biomcp.json")
    )
    assert len(studies2) == 5 and token2 and token2 != token
    assert not {ctgov._nct_id(s) for s in studies} & {ctgov._nct_id(s) for s in studies2}


def test_empty_search_and_single_study_document() -> None:
    assert ctgov.parse_studies_page(read("v2_search_empty_filter-ids_NCT99999999_2026-08-20_hkm30.json")) == (
        [],
        "",
    )
    studies, token = ctgov.parse_studies_page(read("v2_study_NCT04280705_fields_2026-08-20_hkm30.json"))
    assert [ctgov._nct_id(s) for s in studies] == ["NCT04280705"] and token == ""


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (FIXTURES / "v1_classic_fullstudies_element_NCT05594173_2022-11-22_aact.json", "API v1"),
        (FIXTURES / "v2_error_400_search_filter-ids_ABC123_2026-08-20_hkm30.txt", "not JSON"),
        (b"[]", "expected a JSON object"),
        (b'{"studies": [{"protocolSection": {}}]}', "without protocolSection nctId"),
        (b'{"studies": "x"}', "not a list"),
        (b'{"apiVersion": "2.0.5"}', "no 'studies' list"),
    ],
)
def test_payloads_that_are_not_v2_studies(payload: Path | bytes, reason: str) -> None:
    data = payload.read_bytes() if isinstance(payload, Path) else payload
    with pytest.raises(PayloadError, match=reason):
        ctgov.parse_studies_page(data)


def test_study_to_item() -> None:
    [study], _ = ctgov.parse_studies_page(read("v2_search_filter-ids_NCT04280705_2026-08-20_hkm30.json"))
    item = ctgov.study_to_item(study, source_id="ctgov", source_name="ClinicalTrials.gov")
    assert item.title == "Adaptive COVID-19 Treatment Trial (ACTT)"
    assert item.url == "https://clinicaltrials.gov/study/NCT04280705"
    assert item.guid == "NCT04280705" and item.doc_type == "registry"
    assert item.extra["overall_status"] == "COMPLETED" and item.extra["phases"] == "PHASE3"
    assert "Remdesivir" in item.summary and "Status: COMPLETED" in item.summary
    assert item.published is not None and item.published.tzinfo is UTC


def test_observational_study_without_phases() -> None:
    [study], _ = ctgov.parse_studies_page(read("v2_search_observational_no_phases_2026-08-20_hkm30.json"))
    item = ctgov.study_to_item(study, source_id="ctgov")
    assert "phases" not in item.extra and "Phase:" not in item.summary


def test_partial_dates_become_utc() -> None:
    [study], _ = ctgov.parse_studies_page(read("v2_search_all_countTotal_pageSize1_2026-08-11_biomcp.json"))
    study = json.loads(json.dumps(study))
    study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2012-05"}
    assert ctgov.study_to_item(study, source_id="c").published == datetime(2012, 5, 1, tzinfo=UTC)


def test_requests_by_intervention_alias_and_by_nct_id() -> None:
    settings = CtgovSettings(terms_per_query=3, page_size=50)
    terms = ["efgartigimod", "ARGX-113", "efgartigimod alfa", "VYVGART Hytrulo", "Efgartigimod", " "]
    requests = ctgov.build_search_requests(
        settings, terms, ["NCT05523167", "nct05979441", "bad", "NCT05523167"]
    )
    assert [r.get("query.intr") for r in requests[:2]] == [
        'efgartigimod OR ARGX-113 OR "efgartigimod alfa"',
        '"VYVGART Hytrulo"',
    ]
    assert requests[2]["filter.ids"] == "NCT05523167,NCT05979441"
    for request in requests:
        assert request["pageSize"] == "50" and request["format"] == "json"
        assert "protocolSection" in request["fields"].split(",") and "hasResults" in request["fields"].split(
            ","
        )
        assert not any(key.startswith("filter.phase") for key in request)  # the API has no filter.phase


def test_dedupe_studies_keeps_first() -> None:
    a = {"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}, "v": 1}
    b = {"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}, "v": 2}
    assert ctgov.dedupe_studies([a, b]) == [a]
