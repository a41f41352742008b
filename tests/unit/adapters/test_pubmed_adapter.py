from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipewatch.adapters import pubmed
from pipewatch.domain.ingest.sources import PubmedSettings
from pipewatch.errors import PayloadError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pubmed"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_esearch_ids() -> None:
    ids = pubmed.parse_esearch(read("esearch_high_blood_pressure.json"))
    assert ids[:2] == ["40642747", "40642746"] and len(ids) == 10
    assert pubmed.parse_esearch(read("esearch_uid_31452104_found_2026-08-20_hkm30.json")) == ["31452104"]


@pytest.mark.parametrize(
    "name",
    [
        "esearch_uid_ABC123_invalid_2026-08-20_hkm30.json",
        "esearch_uid_999999999_notfound_2026-08-20_hkm30.json",
    ],
)
def test_esearch_no_items_found_is_empty(name: str) -> None:
    assert pubmed.parse_esearch(read(name)) == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"esearchresult": {"ERROR": "Invalid query"}}', "Invalid query"),
        (b'{"error": "API rate limit exceeded", "api-key": "1.2.3.4"}', "rate limit"),
        (b'{"header": {}}', "no esearchresult"),
        (b"<eSearchResult><ERROR>x</ERROR></eSearchResult>", "not JSON"),
    ],
)
def test_esearch_errors(data: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        pubmed.parse_esearch(data)


def test_esummary_full_docsum() -> None:
    items, skipped = pubmed.parse_esummary(
        read("esummary_40642746.json"), source_id="pubmed", source_name="PubMed"
    )
    assert skipped == []
    [item] = items
    assert (
        item.title
        == "Interaction of ferroptosis and cuproptosis in the perspective of pulmonary hypertension."
    )
    assert item.url == "https://pubmed.ncbi.nlm.nih.gov/40642746/"
    assert item.guid == "pmid:40642746" and item.doc_type == "publication"
    assert item.extra["doi"] == "10.3389/fcvm.2025.1611449" and item.extra["pmc"] == "PMC12240957"
    assert item.published == datetime(2025, 6, 26, tzinfo=UTC)
    assert "Frontiers in cardiovascular medicine" in item.summary


def test_esummary_year_only_pubdate() -> None:
    [item], _ = pubmed.parse_esummary(read("esummary_31452104_found_2026-08-20_hkm30.json"), source_id="p")
    assert item.published == datetime(2019, 1, 1, tzinfo=UTC)  # sortpubdate "2019/01/01 00:00"


def test_esummary_per_uid_error_is_skipped() -> None:
    items, skipped = pubmed.parse_esummary(
        read("esummary_999999999_notfound_2026-08-20_hkm30.json"), source_id="p"
    )
    assert items == [] and skipped == ["999999999: cannot get document summary"]


def test_esummary_top_level_error() -> None:
    with pytest.raises(PayloadError, match="Invalid uid ABC123"):
        pubmed.parse_esummary(read("esummary_ABC123_invalid_2026-08-20_hkm30.json"), source_id="p")
    with pytest.raises(PayloadError, match=r"no result\.uids"):
        pubmed.parse_esummary(b'{"header": {}}', source_id="p")


def test_requests_carry_tool_email_and_key() -> None:
    settings = PubmedSettings(reldate_days=30, retmax=50)
    term = pubmed.search_term(settings, ["efgartigimod", "ARGX-113", "Efgartigimod", 'PF-06700841 "x"'])
    assert term == '"efgartigimod"[tiab] OR "ARGX-113"[tiab] OR "PF-06700841 x"[tiab]'
    url, params = pubmed.build_esearch(settings, term, email="ci@example.org", api_key="k")
    assert url == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi"
    assert params["tool"] == "pipewatch" and params["email"] == "ci@example.org" and params["api_key"] == "k"
    assert params["retmode"] == "json" and params["reldate"] == "30" and params["retmax"] == "50"
    url, params = pubmed.build_esummary(settings, ["1", "2"])
    assert url.endswith("/esummary.fcgi") and params["id"] == "1,2" and "email" not in params
    assert pubmed.search_term(PubmedSettings(term="custom[ti]"), ["ignored"]) == "custom[ti]"
