"""The by-change ClinicalTrials.gov poll (adapters/ctgov_changes.py) on recorded pages served by a
hand-made in-memory fetcher: one global query per refresh, matched locally, full records by NCT id, record
history in order with a counted fallback, vanished records. The studies are the recorded Phelan-McDermid
search pages (tests/fixtures/ctgov/README.sources.md); agents and routing are hand-made."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from pipewatch.adapters.ctgov_changes import poll_by_change, study_keys
from pipewatch.adapters.source_poll import SourcePoll, WatchInputs
from pipewatch.domain.ingest.sources import CtgovSource, parse_source_config
from pipewatch.domain.models import SourceState
from pipewatch.errors import PayloadError, SourceError
from pipewatch.services.ports import HttpResponse

CTGOV = Path(__file__).resolve().parents[2] / "fixtures" / "ctgov"
PAGE1 = json.loads((CTGOV / "v2_search_phelan-mcdermid_pageSize5_page1_2026-08-11_biomcp.json").read_bytes())
PAGE2 = json.loads((CTGOV / "v2_search_phelan-mcdermid_pageSize5_page2_2026-08-11_biomcp.json").read_bytes())
EMPTY = (CTGOV / "v2_search_empty_filter-ids_NCT99999999_2026-08-20_hkm30.json").read_bytes()
VERSION = (CTGOV / "v2_version_2026-08-20_hkm30.json").read_bytes()
HISTORY_LIST = (CTGOV / "int_api_history_excerpt_NCT03690141.json").read_bytes()
OTHER_STUDY = (CTGOV / "v2_study_NCT04280705_full_2026-08-20_hkm30.json").read_bytes()
NOT_FOUND = (CTGOV / "v2_error_404_study_NCT99999999_2026-08-20_hkm30.txt").read_bytes()
RECORDED = {
    s["protocolSection"]["identificationModule"]["nctId"]: s for s in PAGE1["studies"] + PAGE2["studies"]
}

BASE = "https://clinicaltrials.gov/api/v2"
# Hand-made watch inputs: two real names from the recorded pages and one watched NCT id.
WATCH = WatchInputs(
    terms=["NNZ-2591"], nct_ids=["NCT02710084"], sponsors=["Icahn School of Medicine at Mount Sinai"]
)
MATCHED = ["NCT02710084", "NCT01525901", "NCT05187377", "NCT05025241", "NCT07281079"]

Answer = Callable[[Mapping[str, str]], bytes]


class HandMadeFetcher:
    """Routes (path -> answer(params)) to recorded bodies; an answer raising SourceError is an HTTP error."""

    contact = ""

    def __init__(self, routes: dict[str, Answer]) -> None:
        self.routes = routes
        self.calls: list[tuple[str, dict[str, str]]] = []

    def get(self, url: str, *, params: Mapping[str, str] | None = None, **_options: Any) -> HttpResponse:
        path = urlsplit(url).path
        self.calls.append((path, dict(params or {})))
        answer = self.routes.get(path)
        if answer is None:
            raise SourceError("ctgov", f"HTTP 404: {NOT_FOUND.decode()}", retryable=False, status=404)
        return HttpResponse(url=url, status=200, body=answer(params or {}))


def _studies(params: Mapping[str, str]) -> bytes:
    if "filter.advanced" in params:
        token = params.get("pageToken", "")
        if not token:
            return json.dumps(PAGE1).encode()
        return json.dumps(PAGE2).encode() if token == PAGE1["nextPageToken"] else EMPTY
    wanted = params["filter.ids"].split(",")
    return json.dumps({"studies": [RECORDED[n] for n in wanted if n in RECORDED]}).encode()


def _routes(**extra: Answer) -> dict[str, Answer]:
    return {"/api/v2/version": lambda _p: VERSION, "/api/v2/studies": _studies, **extra}


def _source(**settings: Any) -> CtgovSource:
    config = parse_source_config(
        {"id": "ctgov", "kind": "ctgov", "ctgov": {"strategy": "by_change", "base_url": BASE, **settings}}
    )
    assert isinstance(config, CtgovSource)
    return config


def _poll(fetcher: HandMadeFetcher, cursor: dict[str, str] | None = None, **settings: Any) -> SourcePoll:
    return SourcePoll(
        config=_source(**settings),
        state=SourceState(source_id="ctgov", cursor=cursor or {}),
        fetcher=fetcher,
        deadline=1e12,
        environ={},
    )


def test_study_keys_read_names_conditions_and_sponsors() -> None:
    keys = study_keys(RECORDED["NCT05025241"])
    assert keys.nct_id == "NCT05025241"
    assert "NNZ-2591" in keys.names and keys.conditions == ("Phelan-McDermid Syndrome",)
    assert keys.sponsors == ("Neuren Pharmaceuticals Limited",)


def test_one_global_query_followed_to_the_end_and_matched_locally() -> None:
    fetcher = HandMadeFetcher(_routes())
    result = poll_by_change(_poll(fetcher), _source(), WATCH)
    change_calls = [params for path, params in fetcher.calls if "filter.advanced" in params]
    assert len(change_calls) == 3  # two recorded pages, then the empty page for page 2's token
    first = change_calls[0]
    # no watermark yet: dataTimestamp 2026-08-19 less first_window_days (3) less overlap_days (2)
    assert first["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2026-08-14,MAX]"
    assert first["pageSize"] == "1000" and first["sort"] == "LastUpdatePostDate:asc"
    assert "LastUpdateSubmitDate" in first["fields"] and "protocolSection" not in first["fields"]
    assert [study_keys(s).nct_id for s in result.studies] == MATCHED
    assert [item.guid for item in result.items] == MATCHED
    assert result.counts["CtgovChangedStudiesRead"] == 10 and result.counts["CtgovMatchedChanges"] == 5
    assert result.new_state.cursor["data_timestamp"] == "2026-08-19T09:00:06"
    assert result.new_state.cursor["change_watermark"] == "2026-08-16"
    (ids_call,) = [params for _path, params in fetcher.calls if "filter.ids" in params]
    assert ids_call["filter.ids"].split(",") == MATCHED


def test_the_request_count_does_not_grow_with_the_agents() -> None:
    few, many = HandMadeFetcher(_routes()), HandMadeFetcher(_routes())
    poll_by_change(_poll(few), _source(), WATCH)
    hand_made_agents = [f"hand-made agent {n:04d}" for n in range(1000)]
    poll_by_change(
        _poll(many),
        _source(),
        WatchInputs([*WATCH.terms, *hand_made_agents], WATCH.nct_ids, [], WATCH.sponsors),
    )
    assert len(many.calls) == len(few.calls) == 1 + 3 + 1 + 5  # version, change pages, ids, 5 history lists


def test_an_unmoved_data_timestamp_costs_one_request() -> None:
    fetcher = HandMadeFetcher(_routes())
    result = poll_by_change(_poll(fetcher, {"data_timestamp": "2026-08-19T09:00:06"}), _source(), WATCH)
    assert result.not_modified and len(fetcher.calls) == 1


def test_a_study_seen_again_through_the_overlap_with_the_same_mark_is_not_fetched_again() -> None:
    fetcher = HandMadeFetcher(_routes())
    seen = {f"mark:{n}": "" for n in MATCHED}  # recorded pages carry no dates: an empty mark is "changed"
    result = poll_by_change(_poll(fetcher, {"change_watermark": "2026-08-18", **seen}), _source(), WATCH)
    assert fetcher.calls[1][1]["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2026-08-16,MAX]"
    assert len(result.studies) == 5
    hand_made = json.loads(json.dumps(PAGE1))
    for study in hand_made["studies"]:
        study["protocolSection"]["statusModule"] = {"lastUpdateSubmitDate": "2026-08-18"}
    fetcher = HandMadeFetcher(_routes(**{"/api/v2/studies": lambda p: json.dumps(hand_made).encode()}))
    marks = {"mark:NCT02710084": "2026-08-18", "mark:NCT01525901": "2026-08-18"}
    result = poll_by_change(_poll(fetcher, marks, history=False), _source(history=False), WATCH)
    assert result.studies == [] and result.counts["CtgovMatchedChanges"] == 0


def _version(nct_id: str, number: int, status: str) -> bytes:
    """Hand-made history version: the recorded study, status edited, in the recorded envelope's shape."""
    study = json.loads(json.dumps(RECORDED[nct_id]))
    study["protocolSection"]["statusModule"] = {"overallStatus": status}
    return json.dumps({"studyVersion": number, "study": study}).encode()


def test_every_version_between_the_stored_one_and_the_current_one_is_read_in_order() -> None:
    history = "/api/int/studies/NCT05025241/history"
    fetcher = HandMadeFetcher(
        _routes(
            **{
                history: lambda _p: HISTORY_LIST,  # the recorded list (versions 0-9), served for this study
                f"{history}/7": lambda _p: _version("NCT05025241", 7, "RECRUITING"),
                f"{history}/8": lambda _p: _version("NCT05025241", 8, "SUSPENDED"),
            }
        )
    )
    poll = _poll(fetcher, {"version:NCT05025241": "6"})
    result = poll_by_change(poll, _source(), WATCH)
    nct = [study_keys(s).nct_id for s in result.studies]
    assert nct == [
        "NCT02710084",
        "NCT01525901",
        "NCT05187377",
        "NCT05025241",
        "NCT05025241",
        "NCT05025241",
        "NCT07281079",
    ]
    statuses = [s["protocolSection"]["statusModule"].get("overallStatus") for s in result.studies[3:6]]
    current = RECORDED["NCT05025241"]["protocolSection"]["statusModule"]["overallStatus"]
    assert statuses == ["RECRUITING", "SUSPENDED", current]  # versions 7, 8, then the current record (9)
    assert result.new_state.cursor["version:NCT05025241"] == "9"
    assert result.counts["CtgovHistoryFallbacks"] == 4  # the other four studies have no recorded history


@pytest.mark.parametrize(
    "hand_made_answer",
    [lambda _p: OTHER_STUDY, lambda _p: b"<html>Service unavailable</html>", lambda _p: HISTORY_LIST[:300]],
)
def test_a_history_that_fails_or_changes_shape_falls_back_to_the_snapshot_diff(
    hand_made_answer: Answer,
) -> None:
    fetcher = HandMadeFetcher(_routes(**{"/api/int/studies/NCT05025241/history": hand_made_answer}))
    result = poll_by_change(_poll(fetcher, {"version:NCT05025241": "6"}), _source(), WATCH)
    assert [study_keys(s).nct_id for s in result.studies] == MATCHED  # current records only
    assert result.counts["CtgovHistoryFallbacks"] == 5
    assert result.new_state.cursor["version:NCT05025241"] == "6"


def test_watched_records_are_rechecked_in_turn_and_a_404_or_a_redirect_is_vanished() -> None:
    merged = {"/api/v2/studies/NCT00000002": lambda _p: OTHER_STUDY}  # the API followed a redirect
    watch = WatchInputs([], ["NCT99999999", "NCT00000002", "NCT02710084"])
    source = _source(vanish_checks_per_cycle=2)
    fetcher = HandMadeFetcher(_routes(**merged))
    result = poll_by_change(_poll(fetcher, vanish_checks_per_cycle=2), source, watch)
    # this turn: NCT00000002 and NCT02710084 (in the change list, so read there, not re-checked)
    assert result.vanished == [("NCT00000002", "NCT04280705")]
    assert result.new_state.cursor["vanish_offset"] == "2"
    fetcher = HandMadeFetcher(_routes(**merged))
    result = poll_by_change(_poll(fetcher, {"vanish_offset": "2"}, vanish_checks_per_cycle=2), source, watch)
    assert result.vanished == [("NCT99999999", ""), ("NCT00000002", "NCT04280705")]
    assert result.new_state.cursor["vanish_offset"] == "1"
    direct = [path for path, _params in fetcher.calls if path.startswith("/api/v2/studies/")]
    assert direct == ["/api/v2/studies/NCT99999999", "/api/v2/studies/NCT00000002"]


def test_a_404_on_another_request_still_fails_the_poll() -> None:
    fetcher = HandMadeFetcher({"/api/v2/version": lambda _p: VERSION})
    with pytest.raises(SourceError, match="404"):
        poll_by_change(_poll(fetcher), _source(), WATCH)


def test_by_change_sources_are_one_task_whatever_the_agents() -> None:
    assert _source().splits_by_agent() is False
    by_agent = parse_source_config({"id": "ctgov", "kind": "ctgov"})
    assert by_agent.splits_by_agent() is True


def test_poll_source_dispatches_by_strategy(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipewatch.adapters import source_kinds

    fetcher = HandMadeFetcher(_routes())
    result = source_kinds.SOURCE_KIND_SPECS["ctgov"].poll(_poll(fetcher), WATCH)
    assert any("filter.advanced" in params for _path, params in fetcher.calls)
    assert len(result.studies) == 5


@pytest.mark.parametrize(
    "hand_made_study",
    [
        {},
        {"protocolSection": []},
        {"protocolSection": {"armsInterventionsModule": {"interventions": "not a list"}}},
        {"protocolSection": {"armsInterventionsModule": {"interventions": [1, None, {"otherNames": 3}]}}},
        {"protocolSection": {"conditionsModule": {"conditions": [1, "Myositis", None]}}},
        {"protocolSection": {"sponsorCollaboratorsModule": {"collaborators": ["x", {"name": 7}]}}},
    ],
)
def test_study_keys_of_a_wrong_shape_are_empty_not_an_error(hand_made_study: dict[str, Any]) -> None:
    keys = study_keys(hand_made_study)
    assert keys.nct_id == "" and keys.sponsors == () and keys.last_update == ""
    assert set(keys.conditions) <= {"Myositis"}


def test_a_change_page_that_is_not_a_search_answer_fails_the_poll() -> None:
    html = b"<!DOCTYPE html><html><title>Access denied</title></html>"
    fetcher = HandMadeFetcher(_routes(**{"/api/v2/studies": lambda _p: html}))
    with pytest.raises(PayloadError, match="not JSON"):
        poll_by_change(_poll(fetcher), _source(), WATCH)
    fetcher = HandMadeFetcher(_routes(**{"/api/v2/version": lambda _p: b'{"dataTimestamp": "soon"}'}))
    with pytest.raises(PayloadError, match="not a date"):
        poll_by_change(_poll(fetcher), _source(), WATCH)


def test_a_page_whose_protocol_section_is_not_an_object_is_a_payload_error() -> None:
    from pipewatch.adapters.ctgov import parse_studies_page

    with pytest.raises(PayloadError, match="without protocolSection nctId"):
        parse_studies_page(b'{"studies": [{"protocolSection": []}]}')  # hand-made


def _dated_page(rows: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The recorded pages as one, with hand-made dates and statuses (nct -> (submit date, OverallStatus))."""
    page = {"studies": json.loads(json.dumps(PAGE1["studies"] + PAGE2["studies"]))}
    for study in page["studies"]:
        nct = study["protocolSection"]["identificationModule"]["nctId"]
        day, status = rows.get(nct, ("2026-08-18", "RECRUITING"))
        study["protocolSection"]["statusModule"] = {
            "lastUpdateSubmitDate": day,
            "lastUpdatePostDateStruct": {"date": day},
            "overallStatus": status,
        }
    return page


def test_marks_are_pruned_when_no_longer_matched_closed_long_ago_or_quiet_too_long() -> None:
    page = _dated_page({})
    fetcher = HandMadeFetcher(_routes(**{"/api/v2/studies": lambda p: json.dumps(page).encode()}))
    cursor = {
        "change_watermark": "2026-08-18",
        # a study of the change list that no longer matches (NCT05105685 names no watched term)
        "mark:NCT05105685": "2026-05-01 RECRUITING",
        "version:NCT05105685": "4",
        # hand-made studies not in the change list
        "mark:NCT00000011": "2026-01-02 COMPLETED",  # closed long ago: pruned
        "version:NCT00000011": "12",
        "mark:NCT00000012": "2026-07-30 COMPLETED",  # closed recently: kept
        "mark:NCT00000013": "2024-02-01 RECRUITING",  # quiet two years, not watched: pruned
        "mark:NCT02710084": "2024-02-01 RECRUITING",  # watched NCT id, in the change list: rewritten
        "version:NCT00000014": "3",  # a history version without a mark: pruned
    }
    poll = _poll(fetcher, cursor, history=False, vanish_checks_per_cycle=0)
    result = poll_by_change(poll, _source(history=False, vanish_checks_per_cycle=0), WATCH)
    state = result.new_state.cursor
    assert "NCT05105685" not in {study_keys(s).nct_id for s in result.studies}
    for gone in ("NCT05105685", "NCT00000011", "NCT00000013"):
        assert f"mark:{gone}" not in state and f"version:{gone}" not in state
    assert "version:NCT00000014" not in state
    assert state["mark:NCT00000012"] == "2026-07-30 COMPLETED"
    assert state["mark:NCT02710084"] == "2026-08-18 RECRUITING"
    assert result.counts["CtgovMarksPruned"] == 4
    kept = sorted(k for k in state if k.startswith("mark:"))
    assert kept == sorted([f"mark:{n}" for n in MATCHED] + ["mark:NCT00000012"])


def test_the_marks_stay_bounded_over_many_polls_of_new_studies() -> None:
    """Hand-made: 200 daily polls, each with a new matched study that completes that day; the marks kept are
    those of the studies closed within closed_mark_retention_days, not all 200."""
    cursor: dict[str, str] = {}
    start = date(2026, 1, 1)
    for day_number in range(200):
        day = (start + timedelta(days=day_number)).isoformat()
        study = json.loads(json.dumps(RECORDED["NCT05025241"]))
        study["protocolSection"]["identificationModule"]["nctId"] = f"NCT1{day_number:07d}"
        study["protocolSection"]["statusModule"] = {
            "lastUpdateSubmitDate": day,
            "lastUpdatePostDateStruct": {"date": day},
            "overallStatus": "COMPLETED",
        }
        body = json.dumps({"studies": [study]}).encode()
        fetcher = HandMadeFetcher(
            {
                "/api/v2/version": lambda _p, d=day: json.dumps({"dataTimestamp": f"{d}T09:00:00"}).encode(),
                "/api/v2/studies": lambda _p, b=body: b,
            }
        )
        settings = {"history": False, "vanish_checks_per_cycle": 0, "closed_mark_retention_days": 30}
        result = poll_by_change(_poll(fetcher, cursor, **settings), _source(**settings), WATCH)
        cursor = dict(result.new_state.cursor)
    marks = [k for k in cursor if k.startswith("mark:")]
    assert len(marks) == 31  # the studies of the last 31 days (age 0..30), not 200
