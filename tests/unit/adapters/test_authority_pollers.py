"""The authorities' pollers with a scripted fetcher answering recorded bodies (tests/fixtures/<kind>): which
requests a poll makes, openFDA's change signal and its 404-for-no-match, Europe PMC's cursor paging, the
Federal Register's watched-term filter and CTIS's retrieve per EU CT number."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pipewatch.adapters.sources import poll_source
from pipewatch.domain.ingest.sources import parse_source_config
from pipewatch.domain.models import SourceState
from pipewatch.errors import SourceError
from pipewatch.services.ports import HttpResponse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NOW = datetime(2026, 9, 30, tzinfo=UTC)


@dataclass
class ScriptedFetcher:
    """Answers each GET with the next scripted body (or raises the scripted SourceError); records requests."""

    answers: list[bytes | SourceError]
    contact: str = ""
    requests: list[tuple[str, dict[str, str], float | None]] = field(default_factory=list)

    def get(self, url: str, *, params: Mapping[str, str] | None = None, **kwargs: Any) -> HttpResponse:
        self.requests.append((url, dict(params or {}), kwargs.get("min_interval")))
        answer = self.answers.pop(0)
        if isinstance(answer, SourceError):
            raise answer
        return HttpResponse(url=url, status=200, body=answer, headers={"content-type": "application/json"})


def read(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


OPENFDA = read("openfda/drugsfda_imatinib_NDA021588_reduced_2026-08-11_biomcp.json")
OPENFDA_CONFIG = {
    "id": "openfda",
    "kind": "openfda",
    "openfda": {"application_numbers": ["NDA021588"], "names": ["imatinib mesylate"], "use_watchlist": False},
}


def _poll(
    config: dict[str, Any], fetcher: ScriptedFetcher, state: SourceState | None = None, **kw: Any
) -> Any:
    source = parse_source_config(config)
    return poll_source(
        source, state or SourceState(source_id=source.id), fetcher, None, now=NOW, deadline=1e9, **kw
    )


def test_openfda_polls_application_numbers_then_names_and_remembers_last_updated() -> None:
    fetcher = ScriptedFetcher([OPENFDA, OPENFDA])
    result = _poll(OPENFDA_CONFIG, fetcher, environ={"PIPEWATCH_OPENFDA_API_KEY": "secret"})
    assert [r[1]["search"] for r in fetcher.requests] == [
        'application_number:"NDA021588"',
        'openfda.brand_name:"imatinib mesylate" OR openfda.generic_name:"imatinib mesylate"',
    ]
    assert all(r[1]["api_key"] == "secret" and r[2] == 0.25 for r in fetcher.requests)  # key: faster pace
    assert [i.guid for i in result.items] == ["openfda:NDA021588:ORIG:1:AP"]  # one, though found twice
    assert result.new_state.cursor["last_updated"] == "2026-08-11"


def test_openfda_same_last_updated_is_not_modified_after_one_request() -> None:
    fetcher = ScriptedFetcher([OPENFDA, OPENFDA])
    state = SourceState(source_id="openfda", cursor={"last_updated": "2026-08-11"})
    result = _poll(OPENFDA_CONFIG, fetcher, state)
    assert result.not_modified and result.items == [] and len(fetcher.requests) == 1
    assert "api_key" not in fetcher.requests[0][1] and fetcher.requests[0][2] is None  # host pace, no key


def test_openfda_404_is_no_match_but_other_errors_fail_the_poll() -> None:
    not_found = SourceError("openfda", "api.fda.gov: HTTP 404: {", retryable=False)
    result = _poll(OPENFDA_CONFIG, ScriptedFetcher([not_found, OPENFDA]))
    assert len(result.items) == 1 and any("no match" in n for n in result.notes)
    with pytest.raises(SourceError, match="HTTP 403"):
        _poll(OPENFDA_CONFIG, ScriptedFetcher([SourceError("openfda", "api.fda.gov: HTTP 403")]))


def test_openfda_without_numbers_or_names_is_a_permanent_error() -> None:
    config = {"id": "openfda", "kind": "openfda", "openfda": {"use_watchlist": False}}
    with pytest.raises(SourceError, match="no openFDA query") as err:
        _poll(config, ScriptedFetcher([]))
    assert err.value.retryable is False


def test_federal_register_keeps_documents_naming_a_watched_or_extra_term() -> None:
    body = read("federal_register/documents_uscis_newest_perpage5_trimmed_2026-09-13_EXCERPT.json")
    config = {
        "id": "fr",
        "kind": "federal-register",
        "federal_register": {"use_watchlist": False, "extra_terms": ["Certificate of Citizenship"]},
    }
    fetcher = ScriptedFetcher([body, _fr_last_page()])  # the recorded page, then its derived last page
    result = _poll(config, fetcher)
    assert [i.guid for i in result.items] == ["federal-register:2026-18724"]  # one update for both pages
    assert fetcher.requests[0][1]["conditions[agencies][]"] == "food-and-drug-administration"


def test_europepmc_follows_the_cursor_until_the_last_page() -> None:
    first = json.loads(read("europepmc/search_ext-id-20516115_pageSize1_2026-08-05_biomcp.json"))
    first["nextCursorMark"] = "NEXT"  # derived: the paging field added
    last = read("europepmc/search_MLH1-p.Gly67Glu_not-retracted_pageSize25_2026-08-06_biomcp.json")
    config = {"id": "epmc", "kind": "europepmc", "europepmc": {"use_watchlist": False, "query": "MLH1"}}
    fetcher = ScriptedFetcher([json.dumps(first).encode(), last])
    result = _poll(config, fetcher)
    assert [r[1]["cursorMark"] for r in fetcher.requests] == ["*", "NEXT"]
    assert fetcher.requests[0][1]["query"].startswith("(MLH1) AND FIRST_IDATE:[")
    assert len(result.items) == 7


FR_PAGE = read("federal_register/documents_uscis_newest_perpage5_trimmed_2026-09-13_EXCERPT.json")
FR_NEXT = json.loads(FR_PAGE)["next_page_url"]


def _fr_last_page() -> bytes:
    """Derived from the recorded page: no next_page_url, as the API's last page has none."""
    doc = json.loads(FR_PAGE)
    del doc["next_page_url"]
    return json.dumps(doc).encode()


def test_federal_register_follows_next_page_url_bounded_and_the_next_poll_resumes() -> None:
    config = {
        "id": "fr",
        "kind": "federal-register",
        "federal_register": {"use_watchlist": False, "extra_terms": ["Regional Center"], "max_pages": 2},
    }
    fetcher = ScriptedFetcher([FR_PAGE, FR_PAGE])  # the recorded page 1 twice: its next link again
    first = _poll(config, fetcher)
    assert [r[0] for r in fetcher.requests] == [
        "https://www.federalregister.gov/api/v1/documents.json",
        FR_NEXT,
    ]
    assert fetcher.requests[1][1] == {}  # the link carries the whole query
    assert first.new_state.cursor["next_page_url"] == FR_NEXT
    assert first.counts["SourcePagesResumed"] == 1 and "the next poll goes on" in first.notes[-1]
    assert [i.guid for i in first.items] == ["federal-register:2026-18722"]
    fetcher = ScriptedFetcher([_fr_last_page()])
    second = _poll(config, fetcher, first.new_state)
    assert [r[0] for r in fetcher.requests] == [FR_NEXT]  # resumed, not restarted
    assert "next_page_url" not in second.new_state.cursor  # read to the end: a new walk next time
    fetcher = ScriptedFetcher([_fr_last_page()])
    _poll(config, fetcher, second.new_state)
    assert fetcher.requests[0][0] == "https://www.federalregister.gov/api/v1/documents.json"


def test_europepmc_stops_at_max_pages_and_resumes_the_same_query_next_poll() -> None:
    first_page = json.loads(read("europepmc/search_ext-id-20516115_pageSize1_2026-08-05_biomcp.json"))
    first_page["nextCursorMark"] = "NEXT"  # derived: the paging field added (no recording pages further)
    last = read("europepmc/search_MLH1-p.Gly67Glu_not-retracted_pageSize25_2026-08-06_biomcp.json")
    config = {
        "id": "epmc",
        "kind": "europepmc",
        "europepmc": {"use_watchlist": False, "query": "MLH1", "max_pages": 1},
    }
    fetcher = ScriptedFetcher([json.dumps(first_page).encode()])
    first = _poll(config, fetcher)
    query = fetcher.requests[0][1]["query"]
    assert first.new_state.cursor["resume_query"] == query
    assert first.new_state.cursor["resume_cursor"] == "NEXT" and len(first.items) == 1
    later = SourceState(source_id="epmc", cursor=dict(first.new_state.cursor))
    fetcher = ScriptedFetcher([last])
    second = _poll(config, fetcher, later)
    assert fetcher.requests[0][1]["query"] == query and fetcher.requests[0][1]["cursorMark"] == "NEXT"
    assert len(second.items) == 6
    assert "resume_query" not in second.new_state.cursor and "resume_cursor" not in second.new_state.cursor


def test_a_resume_point_the_api_refuses_is_dropped_and_a_new_walk_starts() -> None:
    config = {
        "id": "fr",
        "kind": "federal-register",
        "federal_register": {"extra_terms": ["Regional Center"]},
    }
    kept = SourceState(source_id="fr", cursor={"next_page_url": FR_NEXT})
    expired = SourceError("fr", "HTTP 400: bad search_after_cursor", retryable=False, status=400)  # hand-made
    fetcher = ScriptedFetcher([expired, _fr_last_page()])
    result = _poll(config, fetcher, kept)
    assert [r[0] for r in fetcher.requests] == [
        FR_NEXT,
        "https://www.federalregister.gov/api/v1/documents.json",
    ]
    assert result.counts["SourceResumeAbandoned"] == 1 and "next_page_url" not in result.new_state.cursor
    assert [i.guid for i in result.items] == ["federal-register:2026-18722"]
    html = b"<!DOCTYPE html><html><title>Error</title></html>"  # hand-made error page
    epmc = {"id": "epmc", "kind": "europepmc", "europepmc": {"use_watchlist": False, "query": "MLH1"}}
    state = SourceState(source_id="epmc", cursor={"resume_query": "(MLH1) AND old", "resume_cursor": "OLD"})
    last = read("europepmc/search_MLH1-p.Gly67Glu_not-retracted_pageSize25_2026-08-06_biomcp.json")
    fetcher = ScriptedFetcher([html, last])
    result = _poll(epmc, fetcher, state)
    assert [r[1]["cursorMark"] for r in fetcher.requests] == ["OLD", "*"]
    assert fetcher.requests[1][1]["query"].startswith("(MLH1) AND FIRST_IDATE:[")
    assert "resume_query" not in result.new_state.cursor and len(result.items) == 6


def test_a_retryable_failure_on_the_resume_point_keeps_it_for_the_retry() -> None:
    config = {
        "id": "fr",
        "kind": "federal-register",
        "federal_register": {"extra_terms": ["Regional Center"]},
    }
    kept = SourceState(source_id="fr", cursor={"next_page_url": FR_NEXT})
    busy = SourceError("fr", "HTTP 503", retryable=True, status=503)  # hand-made
    fetcher = ScriptedFetcher([busy, _fr_last_page()])
    # the poll fails (the queue retries it; a failed poll writes no new state, so the point is kept) and
    # does not start a new walk in its place
    with pytest.raises(SourceError, match="503"):
        _poll(config, fetcher, kept)
    assert [r[0] for r in fetcher.requests] == [FR_NEXT]


def test_ctis_retrieves_each_configured_trial() -> None:
    body = read("ctis/retrieve_2025-523333-26-00_argenx-graves_reduced_2026-08_ctcm.json")
    config = {"id": "ctis", "kind": "ctis", "ctis": {"ct_numbers": ["2025-523333-26-00"]}}
    fetcher = ScriptedFetcher([body])
    result = _poll(config, fetcher)
    assert fetcher.requests[0][0] == "https://euclinicaltrials.eu/ctis-public-api/retrieve/2025-523333-26-00"
    assert [i.extra["status"] for i in result.items] == ["Under evaluation"]


def test_ctis_config_refuses_bad_numbers_and_an_enabled_source_without_numbers() -> None:
    with pytest.raises(ValueError, match="EU CT numbers"):
        parse_source_config({"id": "ctis", "kind": "ctis", "ctis": {"ct_numbers": ["NCT01234567"]}})
    with pytest.raises(ValueError, match=r"needs ctis\.ct_numbers"):
        parse_source_config({"id": "ctis", "kind": "ctis"})
    assert parse_source_config({"id": "ctis", "kind": "ctis", "enabled": False}).enabled is False
