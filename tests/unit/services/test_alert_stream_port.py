"""AlertService on fakes: it reads stream records only through its StreamUpdates port and publishes an
alertable update once through the idempotent Publisher; nothing else is published."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pipewatch.domain.models import Alert, Classification, Update
from pipewatch.services.alert import AlertService

ALERTABLE = Update(
    update_id="u-" + "c" * 24,
    title="Priovant starts VALOR extension",
    url="https://news.example/valor",
    source_id="press",
    source_name="Press wire",
    first_seen=datetime(2026, 12, 1, 6, 0, tzinfo=UTC),
    classification=Classification(relevant=True, agents=("brepocitinib",), event_type="trial_status"),
)
IRRELEVANT = replace(ALERTABLE, update_id="u-" + "d" * 24, classification=Classification(relevant=False))


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[tuple[str, Alert]] = []

    def publish_once(self, *, update_id: str, alert: Alert) -> str:
        self.published.append((update_id, alert))
        return f"msg-{len(self.published)}"

    def register_lambda_context(self, context: Any) -> None:
        return None


def _service(publisher: RecordingPublisher) -> AlertService:
    by_id = {"alertable": ALERTABLE, "irrelevant": IRRELEVANT}

    def stream_updates(record: dict[str, Any]) -> Update | None:
        return by_id.get(record["id"])

    return AlertService(publisher, stream_updates=stream_updates)


def test_given_an_alertable_update_then_it_is_published_once_under_its_id() -> None:
    publisher = RecordingPublisher()
    assert _service(publisher).handle_record({"id": "alertable"}) == "msg-1"
    assert [update_id for update_id, _alert in publisher.published] == [ALERTABLE.update_id]
    alert = publisher.published[0][1]
    assert alert.update_id == ALERTABLE.update_id
    assert "VALOR" in alert.subject + alert.message


def test_given_no_update_or_an_irrelevant_one_then_nothing_is_published() -> None:
    publisher = RecordingPublisher()
    service = _service(publisher)
    assert service.handle_record({"id": "not an update"}) is None
    assert service.handle_record({"id": "irrelevant"}) is None
    assert publisher.published == []
