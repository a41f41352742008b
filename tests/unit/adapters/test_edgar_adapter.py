from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipewatch.adapters import edgar
from pipewatch.adapters.sources import poll_source
from pipewatch.domain.ingest.sources import EdgarSettings, EdgarSource
from pipewatch.domain.models import SourceState
from pipewatch.errors import PayloadError, SourceError
from pipewatch.services.ports import HttpResponse

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "edgar"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_old_feed_with_accession_nunber_typo() -> None:
    items = edgar.parse_company_atom(
        read("company_atom_twitter_2016_vikram7.xml"), source_id="e", forms=("8-K",)
    )
    assert len(items) == 13
    first = items[0]
    assert first.extra["form"] == "8-K" and first.doc_type == "filing"
    assert first.extra["accession"] == "0001564590-16-012715" and first.guid == "sec:0001564590-16-012715"
    assert first.url.startswith("http://www.sec.gov/Archives/edgar/data/1418091/")
    assert first.title.startswith("TWITTER, INC. (0001418091): 8-K")
    assert first.published is not None and first.published.tzinfo is UTC


def test_modern_feed_with_accession_number() -> None:
    items = edgar.parse_company_atom(
        read("company_atom_keen-vision_8K_2025-01-25_edgarkit.xml"), source_id="e", forms=("8-K",)
    )
    assert len(items) == 11 and all(i.extra["form"] == "8-K" for i in items)
    first = items[0]
    assert first.extra["accession"] == "0001213900-25-006497"
    assert first.extra["items"] == "items 1.01, 2.03, 8.01and9.01"
    assert first.published == datetime(2025, 1, 24, 21, 0, 43, tzinfo=UTC)
    assert "Item 1.01: Entry into a Material Definitive Agreement" in first.summary
    assert "<" not in first.summary


def test_unfiltered_and_6k_filter() -> None:
    every = edgar.parse_company_atom(
        read("company_atom_keen-vision_8K_2025-01-25_edgarkit.xml"), source_id="e"
    )
    assert len(every) == 55 and len({i.extra["form"] for i in every}) > 3
    assert (
        edgar.parse_company_atom(read("company_atom_twitter_2016_vikram7.xml"), source_id="e", forms=("6-K",))
        == []
    )
    [apple] = edgar.parse_company_atom(read("company_atom_apple_10K_2025-10-05_EXCERPT.xml"), source_id="e")
    assert apple.extra["form"] == "10-K" and apple.extra["accession"] == "0000320193-25-000079"


def test_not_a_feed() -> None:
    with pytest.raises(PayloadError, match="HTML"):
        edgar.parse_company_atom(
            b"<!DOCTYPE html><html><body>Request Rate Threshold Exceeded</body></html>", source_id="e"
        )


def test_request_for_a_6k_filer() -> None:
    settings = EdgarSettings(cik="1697862", forms=("6-K",))
    url, params = edgar.build_request(settings, "6-K")
    assert url == "https://www.sec.gov/cgi-bin/browse-edgar"
    assert params == {
        "action": "getcompany",
        "CIK": "0001697862",
        "type": "6-K",
        "dateb": "",
        "owner": "include",
        "count": "40",
        "output": "atom",
    }


def test_user_agent_requires_a_contact() -> None:
    assert "ci@example.org" in edgar.edgar_user_agent("e", "ci@example.org", "https://example.org/pipewatch")
    for missing in ("", "   ", "no-email-here"):
        with pytest.raises(SourceError) as err:
            edgar.edgar_user_agent("edgar-pfizer-8k", missing)
        assert err.value.retryable is False and "PIPEWATCH_EDGAR_CONTACT" in err.value.reason


class _NeverCalled:
    contact = ""
    project_url = ""

    def get(self, url: str, **kwargs: object) -> HttpResponse:
        raise AssertionError("EDGAR must not be polled without a contact")


def test_poll_source_refuses_edgar_without_contact() -> None:
    config = EdgarSource.model_validate(
        {
            "id": "edgar-pfizer-8k",
            "kind": "edgar",
            "doc_type": "filing",
            "edgar": {"cik": "78003", "forms": ["8-K"]},
        }
    )
    state = SourceState(source_id=config.id)
    with pytest.raises(SourceError) as err:
        poll_source(
            config,
            state,
            _NeverCalled(),
            None,
            now=datetime(2026, 1, 1, tzinfo=UTC),
            deadline=1e9,
            environ={},
        )
    assert err.value.retryable is False
    assert state == SourceState(source_id=config.id)
