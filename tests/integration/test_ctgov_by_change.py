"""The by-change ClinicalTrials.gov poll end to end on the moto stack: the real fetcher against the replay
server, the real adapters, classifier and DynamoDB store. Four registry refreshes of ACTT-1 (NCT04280705,
watched through `extra_nct_ids`):

1. the recorded change list (a real search envelope with the full record) -> the baseline, no alert;
2. the record changed twice between polls (a hand-made SUSPENDED version 10, then the recorded record as
   version 11) -> both status changes alert, in order;
3. the record answers 404 (the recorded 404 body) -> one "withdrawn or removed" update;
4. still 404 -> nothing more.

Recorded: the /version body, the search envelope, the history list (of NCT03690141, served here for ACTT-1:
the list names no study), the empty search page, the 404 body. Hand-made: the later /version stamps, the
longer history list, version 10, the moved LastUpdateSubmitDate.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pollkit
import pytest
from pollkit import NOW

from pipewatch.domain.trials.model import TrialSnapshot
from pipewatch.observability import CountingMetrics
from pipewatch_local.replay_server import ReplayServer, Reply

CTGOV = Path(__file__).resolve().parents[1] / "fixtures" / "ctgov"
JSON = {"Content-Type": "application/json"}
NCT = "NCT04280705"


@pytest.fixture
def server(local_stack: Any) -> Any:
    with ReplayServer() as replay:
        yield replay


def _read(name: str) -> bytes:
    return (CTGOV / name).read_bytes()


def test_by_change_poll_alerts_every_version_and_a_vanished_record_once(server: ReplayServer) -> None:
    envelope = _read("v2_search_filter-ids_NCT04280705_2026-08-20_hkm30.json")
    empty = _read("v2_search_empty_filter-ids_NCT99999999_2026-08-20_hkm30.json")
    history = json.loads(_read("int_api_history_excerpt_NCT03690141.json"))
    world: dict[str, Any] = {
        "version": _read("v2_version_2026-08-20_hkm30.json"),
        "changes": envelope,
        "record": envelope,
        "history": json.dumps(history).encode(),
        "direct": Reply(
            404, _read("v2_error_404_study_NCT99999999_2026-08-20_hkm30.txt"), {"Content-Type": "text/plain"}
        ),
    }

    def studies(query: str, _headers: dict[str, str]) -> Reply:
        params = {k: v[0] for k, v in parse_qs(query).items()}
        if "filter.advanced" in params:
            return Reply(200, empty if "pageToken" in params else world["changes"], JSON)
        return Reply(200, world["record"], JSON)

    api = "/ctgov/api/v2"
    server.handle(f"{api}/version", lambda _q, _h: Reply(200, world["version"], JSON))
    server.handle(f"{api}/studies", studies)
    server.handle(f"{api}/studies/{NCT}", lambda _q, _h: world["direct"])
    server.handle(f"/ctgov/api/int/studies/{NCT}/history", lambda _q, _h: Reply(200, world["history"], JSON))
    clock = {"now": NOW}
    metrics = CountingMetrics()
    source = {
        "id": "ctgov",
        "kind": "ctgov",
        "doc_type": "registry",
        "source_class": "registry",
        "ctgov": {
            "strategy": "by_change",
            "base_url": f"{server.base_url}{api}",
            "int_base_url": f"{server.base_url}/ctgov/api/int",
            "extra_nct_ids": [NCT],
        },
    }
    service = pollkit.build(
        [source], metrics=metrics, clock=lambda: clock["now"], poll={"alert_horizon_days": 36_500}
    )

    # 1. baseline
    first = service.poll(["ctgov"]).outcomes[0]
    assert first.ok and first.fetched == 1 and first.trial_changes == 0, first
    state = pollkit.store().get_source_state("ctgov")
    assert (
        state.cursor["version:NCT04280705"] == "9" and state.cursor["data_timestamp"] == "2026-08-19T09:00:06"
    )
    change_queries = [s.query for s in server.hits(f"{api}/studies") if "filter.advanced" in s.query]
    assert len(change_queries) == 2 and "RANGE%5B2026-08-14%2CMAX%5D" in change_queries[0]

    # 2. two changes between polls: both alert, in order
    doc = json.loads(envelope)
    doc["studies"][0]["protocolSection"]["statusModule"]["lastUpdateSubmitDate"] = "2026-08-26"
    world["changes"] = world["record"] = json.dumps(doc).encode()
    suspended = json.loads(envelope)["studies"][0]
    suspended["protocolSection"]["statusModule"]["overallStatus"] = "SUSPENDED"
    suspended["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-08-24"
    server.handle(
        f"/ctgov/api/int/studies/{NCT}/history/10",
        lambda _q, _h: Reply(200, json.dumps({"studyVersion": 10, "study": suspended}).encode(), JSON),
    )
    longer = json.loads(json.dumps(history))
    changes = longer["history"]["changes"]
    changes += [
        {"version": 10, "date": "2026-08-23", "status": "SUSPENDED", "moduleLabels": ["Study Status"]},
        {"version": 11, "date": "2026-08-26", "status": "COMPLETED", "moduleLabels": ["Study Status"]},
    ]
    world["history"] = json.dumps(longer).encode()
    world["version"] = b'{"apiVersion": "2.0.5", "dataTimestamp": "2026-08-27T09:00:00"}'
    clock["now"] = NOW + timedelta(days=1)
    report = service.poll(["ctgov"])
    titles = [u.title for u in report.new_updates if u.change is not None]
    assert titles == [
        "NCT04280705: status Completed -> Suspended",
        "NCT04280705: status Suspended -> Completed",
    ], titles
    assert pollkit.store().get_source_state("ctgov").cursor["version:NCT04280705"] == "11"
    assert metrics.total("CtgovHistoryFallbacks") == 0

    # 3. the record is gone: one update
    world["changes"], world["record"] = empty, empty
    world["version"] = b'{"apiVersion": "2.0.5", "dataTimestamp": "2026-08-28T09:00:00"}'
    clock["now"] = NOW + timedelta(days=2)
    report = service.poll(["ctgov"])
    assert [u.title for u in report.new_updates] == [
        "NCT04280705: record withdrawn or removed from ClinicalTrials.gov (HTTP 404) (last status Completed)"
    ]
    assert TrialSnapshot.model_validate_json(pollkit.store().get_snapshot(NCT)[0]).vanished == "removed"

    # 4. still gone: nothing more
    world["version"] = b'{"apiVersion": "2.0.5", "dataTimestamp": "2026-08-29T09:00:00"}'
    clock["now"] = NOW + timedelta(days=3)
    again = service.poll(["ctgov"])
    assert again.outcomes[0].ok and again.new_updates == []
    assert metrics.total("RecordsVanished") == 1
