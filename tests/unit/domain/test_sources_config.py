from __future__ import annotations

from typing import Any

import pytest

from pipewatch.config import load_yaml_model, packaged_data_path, parse_yaml_model
from pipewatch.domain.ingest.sources import (
    GOOGLE_NEWS_TERMS,
    CtgovSettings,
    CtgovSource,
    EdgarSource,
    EuropePmcSource,
    FeedSource,
    OpenFdaSource,
    PubmedSource,
    SourcesConfig,
    parse_source_config,
)
from pipewatch.errors import ConfigError


@pytest.fixture(scope="module")
def packaged() -> SourcesConfig:
    return load_yaml_model(packaged_data_path("sources.yaml"), SourcesConfig)


def test_packaged_sources_cover_every_required_feed(packaged: SourcesConfig) -> None:
    kinds = {s.kind for s in packaged.sources}
    assert {"ctgov", "pubmed", "edgar", "rss", "google_news"} <= kinds
    by_id = {s.id: s for s in packaged.sources}
    assert by_id["ctgov"].source_class == "registry" and by_id["ctgov"].poll_minutes == 60
    assert by_id["fda-press"].source_class == "news" and by_id["fda-press"].poll_minutes == 15
    assert by_id["fda-press"].doc_type == "regulator"
    assert by_id["ema-news"].url.startswith("https://www.ema.europa.eu/")
    assert any(isinstance(s, FeedSource) and "globenewswire.com" in s.url for s in packaged.sources)


def test_packaged_edgar_sources(packaged: SourcesConfig) -> None:
    edgar = {s.edgar.cik: s.edgar.forms for s in packaged.sources if isinstance(s, EdgarSource)}
    assert edgar == {"0001697862": ("6-K",), "0000078003": ("8-K",), "0001635088": ("8-K",)}
    assert all(s.doc_type == "filing" for s in packaged.sources if s.kind == "edgar")


def test_google_news_is_off_by_default_with_its_terms(packaged: SourcesConfig) -> None:
    google = [s for s in packaged.sources if s.kind == "google_news"]
    assert google and not any(s.enabled for s in google)
    assert all("non-commercial" in s.note for s in google)
    assert not any(s.kind == "google_news" for s in packaged.enabled())
    text = packaged_data_path("sources.yaml").read_text(encoding="utf-8")
    assert "personal, non-commercial" in text


def test_enabling_google_news_requires_acknowledging_its_terms() -> None:
    raw = {
        "id": "gn",
        "kind": "google_news",
        "url": "https://news.google.com/rss/search?q=x",
        "enabled": True,
    }
    with pytest.raises(ValueError, match="non-commercial"):
        parse_source_config(raw)
    assert parse_source_config({**raw, "terms_acknowledged": True}).enabled
    assert "non-commercial" in GOOGLE_NEWS_TERMS


def test_host_politeness(packaged: SourcesConfig) -> None:
    hosts = packaged.host_intervals()
    assert hosts["www.sec.gov"] >= 0.1  # <= 10 requests/second
    assert hosts["eutils.ncbi.nlm.nih.gov"] >= 1 / 3  # <= 3/s without a key
    assert hosts["clinicaltrials.gov"] >= 1.0


def test_enabled_by_class(packaged: SourcesConfig) -> None:
    assert {s.source_class for s in packaged.enabled("registry")} == {"registry"}
    assert {s.id for s in packaged.enabled("registry")} == {"ctgov", "pubmed"}
    assert packaged.get("pubmed").kind == "pubmed"
    with pytest.raises(KeyError):
        packaged.get("nope")


@pytest.mark.parametrize(
    ("yaml_text", "problem"),
    [
        ("sources: [{id: ab, kind: rss}]", "needs a url"),
        ("sources: [{id: ab, kind: edgar}]", "edgar"),
        ("sources: [{id: ab, kind: edgar, edgar: {cik: 'abc', forms: ['8-K']}}]", "CIK"),
        ("sources: [{id: ab, kind: edgar, edgar: {cik: '1', forms: []}}]", "forms"),
        ("sources: [{id: ab, kind: rss, url: 'ftp://x'}]", "http"),
        ("sources: [{id: ab, kind: telnet, url: 'http://x'}]", "kind"),
        (
            "sources: [{id: ab, kind: rss, url: 'http://x'}, {id: ab, kind: rss, url: 'http://y'}]",
            "duplicate",
        ),
        ("sources: [{id: ab, kind: rss, url: 'http://x', ctgov: {}}]", "cannot have settings"),
        ("sources: [{id: ab, kind: ctgov, ctgov: {extra_nct_ids: [NCT1]}}]", "NCT"),
        ("sources: [{id: ab, kind: pubmed, pubmed: {api_key_env: 'lower case'}}]", "environment variable"),
        ("sources: [{id: ab, kind: rss, url: 'http://x', colour: red}]", "colour"),
        ("sources: [{id: A B, kind: rss, url: 'http://x'}]", "id"),
        ("sources: [{id: ab, kind: ctgov, url: 'http://x'}]", "a ctgov source cannot have settings for url"),
        ("sources: [{id: ab, kind: pubmed, terms_acknowledged: true}]", "settings for terms_acknowledged"),
        ("sources: [{id: ab, url: 'http://x'}]", "discriminator 'kind'"),
    ],
)
def test_invalid_configs_name_the_key_and_problem(yaml_text: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as err:
        parse_yaml_model(yaml_text, SourcesConfig, origin="sources.yaml")
    assert str(err.value).startswith("sources.yaml: ")


def test_cik_is_zero_padded() -> None:
    cfg = parse_yaml_model(
        "sources: [{id: ab, kind: edgar, edgar: {cik: '1635088', forms: ['8-K']}}]", SourcesConfig, origin="x"
    )
    source = cfg.sources[0]
    assert isinstance(source, EdgarSource) and source.edgar.cik == "0001635088"


@pytest.mark.parametrize(
    ("yaml_text", "path"),
    [
        ("sources: [{id: ab, kind: edgar, edgar: {cik: 'abc', forms: ['8-K']}}]", "sources.0.edgar.cik: "),
        ("sources: [{id: ab, kind: rss, url: 'http://x', timeout_s: 0}]", "sources.0.timeout_s: "),
        ("sources: [{id: ab, kind: rss}]", "sources.0: "),
    ],
)
def test_given_an_invalid_source_then_the_error_path_is_the_files_keys_without_the_kind_tag(
    yaml_text: str, path: str
) -> None:
    with pytest.raises(ConfigError) as err:
        parse_yaml_model(yaml_text, SourcesConfig, origin="sources.yaml")
    assert str(err.value).startswith(f"sources.yaml: {path}")


def test_each_kind_is_validated_into_its_own_model_with_its_own_settings(packaged: SourcesConfig) -> None:
    models = {s.kind: type(s).__name__ for s in packaged.sources}
    assert models == {
        "ctgov": "CtgovSource",
        "pubmed": "PubmedSource",
        "edgar": "EdgarSource",
        "rss": "FeedSource",
        "google_news": "GoogleNewsSource",
        # authorities (issue 25)
        "openfda": "OpenFdaSource",
        "federal-register": "FederalRegisterSource",
        "europepmc": "EuropePmcSource",
        "ctis": "CtisSource",
    }
    ctgov = parse_source_config({"id": "ct", "kind": "ctgov"})
    assert isinstance(ctgov, CtgovSource) and ctgov.ctgov == CtgovSettings()  # the block is optional


def test_extras_are_dropped_and_agent_splitting_decided_per_kind() -> None:
    ctgov = parse_source_config(
        {"id": "ct", "kind": "ctgov", "ctgov": {"extra_terms": ["x"], "extra_nct_ids": ["NCT01234567"]}}
    )
    assert isinstance(ctgov, CtgovSource) and ctgov.splits_by_agent()
    bare = ctgov.without_extras()
    assert (bare.ctgov.extra_terms, bare.ctgov.extra_nct_ids) == ((), ())
    pubmed = parse_source_config({"id": "pm", "kind": "pubmed", "pubmed": {"extra_terms": ["y"]}})
    assert isinstance(pubmed, PubmedSource) and pubmed.splits_by_agent()
    assert pubmed.without_extras().pubmed.extra_terms == ()
    fixed_query = parse_source_config({"id": "pm", "kind": "pubmed", "pubmed": {"term": "myositis"}})
    assert not fixed_query.splits_by_agent()
    feed = parse_source_config({"id": "fd", "kind": "rss", "url": "https://example.com/f.xml"})
    assert not feed.splits_by_agent() and feed.without_extras() is feed


def test_authorities_split_by_agent_and_query_their_configured_extras_once() -> None:
    fda = parse_source_config(
        {"id": "fda", "kind": "openfda", "openfda": {"application_numbers": ["BLA761195"], "names": ["X"]}}
    )
    assert isinstance(fda, OpenFdaSource) and fda.splits_by_agent()
    assert (fda.without_extras().openfda.application_numbers, fda.without_extras().openfda.names) == ((), ())
    epmc = parse_source_config({"id": "epmc", "kind": "europepmc", "europepmc": {"extra_terms": ["y"]}})
    assert isinstance(epmc, EuropePmcSource) and epmc.splits_by_agent()
    assert epmc.without_extras().europepmc.extra_terms == ()
    assert not parse_source_config({"id": "fr", "kind": "federal-register"}).splits_by_agent()
    with pytest.raises(ValueError, match="application numbers"):
        parse_source_config({"id": "fda", "kind": "openfda", "openfda": {"application_numbers": ["761195"]}})


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ({"id": "pm", "kind": "pubmed", "pubmed": {"api_key_env": "lower"}}, "api_key_env"),
        ({"id": "pm", "kind": "pubmed", "pubmed": {"email_env": "HOME"}}, "email_env"),
        (
            {"id": "ed", "kind": "edgar", "edgar": {"cik": "1", "forms": ["8-K"], "contact_env": "HOME"}},
            "contact_env",
        ),
    ],
)
def test_given_a_setting_naming_a_foreign_environment_variable_then_it_is_refused(
    raw: dict[str, Any], where: str
) -> None:
    """Only PIPEWATCH_* and NCBI_* variables may be named: a source config cannot read HOME or a secret."""
    with pytest.raises(ValueError, match=rf"{where}[\s\S]*not an environment variable name"):
        parse_source_config(raw)
    kind = str(raw["kind"])
    settings = {**raw[kind], where: "PIPEWATCH_OK"}
    assert parse_source_config({**raw, kind: settings}).id == raw["id"]


def test_cold9web_given_a_left_out_settings_block_when_validated_then_it_is_the_blocks_defaults() -> None:
    """Issue 28 (cold9web): a left-out block defaults to `{}` validated in place, not to an instance made at
    class definition; the values (and the dump a poll task carries) are the block's defaults either way,
    whether the source comes from the file, one source's mapping or the constructor."""
    from pipewatch.domain.ingest.source_settings import EuropePmcSettings, FederalRegisterSettings
    from pipewatch.domain.ingest.sources import (
        CtisSource,
        FederalRegisterSource,
        HttpDefaults,
        OpenFdaSettings,
        PollLimits,
        PubmedSettings,
    )

    hand_made = SourcesConfig.model_validate(
        {"sources": [{"id": "ct", "kind": "ctgov"}, {"id": "fr", "kind": "federal-register"}]}
    )
    assert hand_made.http == HttpDefaults(connect_timeout_s=5.0, max_retries=3)
    assert hand_made.poll == PollLimits(alert_horizon_days=3.0, max_items_per_poll=500)
    ctgov, register = hand_made.sources
    assert isinstance(ctgov, CtgovSource) and isinstance(ctgov.ctgov, CtgovSettings)
    assert ctgov.ctgov.model_dump() == CtgovSettings().model_dump() and ctgov.ctgov.page_size == 100
    assert isinstance(register, FederalRegisterSource)
    assert register.federal_register == FederalRegisterSettings(term="advisory committee")
    built = {
        "pubmed": PubmedSource(id="pm", kind="pubmed").pubmed,
        "openfda": OpenFdaSource(id="fda", kind="openfda").openfda,
        "europepmc": EuropePmcSource(id="epmc", kind="europepmc").europepmc,
    }
    assert built == {
        "pubmed": PubmedSettings(),
        "openfda": OpenFdaSettings(),
        "europepmc": EuropePmcSettings(),
    }
    assert CtisSource(id="ctis", kind="ctis", enabled=False).ctis.ct_numbers == ()
    with pytest.raises(ValueError, match=r"ctis\.ct_numbers"):
        CtisSource(id="ctis", kind="ctis")  # the block's default still meets the source's own checks
