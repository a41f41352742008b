"""The packaged watchlist/taxonomy load and validate; bad files fail with file, key and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipewatch.config import load_classifier, load_yaml_model, packaged_data_path
from pipewatch.domain.watch.classify import literal_stems
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.errors import ConfigError


@pytest.fixture(scope="module")
def watchlist() -> Watchlist:
    return load_yaml_model(packaged_data_path("watchlist.yaml"), Watchlist)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_yaml_model(packaged_data_path("taxonomy.yaml"), Taxonomy)


def _raw(name: str) -> dict:
    return yaml.safe_load(packaged_data_path(name).read_text(encoding="utf-8"))


def _write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_packaged_watchlist_has_the_three_agents(watchlist: Watchlist) -> None:
    assert [a.id for a in watchlist.agents] == ["efgartigimod", "brepocitinib", "dazukibart"]
    assert {"dermatomyositis", "myositis", "inclusion_body_myositis"} <= watchlist.iim_ids()
    assert "myasthenia_gravis" not in watchlist.iim_ids()


def test_search_terms_are_generic_code_and_brand_names(watchlist: Watchlist) -> None:
    efg = watchlist.agent("efgartigimod")
    assert efg is not None
    terms = efg.search_terms()
    assert terms[0] == "efgartigimod"
    assert {"ARGX-113", "VYVGART", "VYVGART Hytrulo", "VYVDURA"} <= set(terms)
    assert "ALKIVIA" not in terms  # trial acronyms are not drug names
    brepo = watchlist.agent("brepocitinib")
    assert brepo is not None and {"brepocitinib", "PF-06700841", "LISRAYA"} <= set(brepo.search_terms())


def test_watched_trials_and_agent_for_nct(watchlist: Watchlist) -> None:
    trials = watchlist.watched_trials()
    assert ("NCT05523167", "efgartigimod", "ALKIVIA") in trials
    assert ("NCT05437263", "brepocitinib", "VALOR") in trials
    assert ("NCT05895786", "dazukibart", "") in trials
    assert watchlist.agent_for_nct("NCT05895786") == "dazukibart"
    assert watchlist.agent_for_nct("nct05523167") == "efgartigimod"
    assert watchlist.agent_for_nct("NCT06284954") is None  # empasiprubart's DM trial is a near-miss


def test_packaged_taxonomy_is_fully_gated(taxonomy: Taxonomy) -> None:
    for rule in taxonomy.events:
        for pattern in rule.all_patterns():
            assert literal_stems(pattern), pattern


def test_literal_stems() -> None:
    assert literal_stems("results?") == ["result"]
    assert literal_stems("(?:halt|stop) (?:\\S+ ){0,2}trial|top ?line") == ["halt", "stop", "top"]
    assert literal_stems("(?:a|b)?x") is None
    assert literal_stems("\\w+") is None


@pytest.mark.parametrize(
    ("mutate", "key", "problem"),
    [
        (
            lambda d: d["agents"][0]["trials"][0].update(nct_id="NCT123"),
            "agents[efgartigimod].trials.0.nct_id",
            "NCT",
        ),
        (lambda d: d["agents"][1].update(id="efgartigimod"), "(top level)", "duplicate agent id"),
        (
            lambda d: d["agents"][0]["aliases"]["codes"].append(17),
            "agents[efgartigimod].aliases.codes.1",
            "string",
        ),
        (
            lambda d: d["agents"][0]["aliases"]["brands"].append("---"),
            "agents[efgartigimod].aliases.brands",
            "no letter",
        ),
        (lambda d: d["agents"][1]["aliases"]["brands"].append("Vyvgart"), "(top level)", "claimed by agents"),
        (
            lambda d: d["agents"][0]["programs"][0].update(cues=[]),
            "agents[efgartigimod].programs.0",
            "company alone",
        ),
        (
            lambda d: d["agents"][0]["trials"][0].update(indications=["nope"]),
            "(top level)",
            "unknown indication",
        ),
        (
            lambda d: d["agents"][0]["near_misses"].append("VYVGART"),
            "agents[efgartigimod]",
            "also one of its aliases",
        ),
        (
            lambda d: d["indications"][0].update(abbreviations=["jdm!"]),
            "indications[juvenile_dm].abbreviations.0",
            "pattern",
        ),
        (lambda d: d.update(agents=[]), "agents", "at least 1"),
    ],
)
def test_bad_watchlist_names_file_key_and_problem(tmp_path: Path, mutate, key: str, problem: str) -> None:
    data = _raw("watchlist.yaml")
    mutate(data)
    path = _write(tmp_path, "watchlist.yaml", data)
    with pytest.raises(ConfigError) as err:
        load_yaml_model(path, Watchlist)
    message = str(err.value)
    assert str(path) in message and key in message and problem in message, message


@pytest.mark.parametrize(
    ("mutate", "key", "problem"),
    [
        (
            lambda d: d["events"][0]["patterns"].append("safety ("),
            "events.0.patterns",
            "invalid regular expression",
        ),
        (lambda d: d["events"][0]["patterns"].append("(?P<x>a)"), "events.0.patterns", "named groups"),
        (lambda d: d["events"][0]["patterns"].append("x*"), "events.0.patterns", "empty string"),
        (lambda d: d["events"][0].update(event="gossip"), "events.0.event", "Input should be"),
        (lambda d: d.update(priority=["safety"]), "(top level)", "every event type"),
        (
            lambda d: d.update(severity=[r for r in d["severity"] if r["event"] != "safety"]),
            "(top level)",
            "safety",
        ),
        (lambda d: d["publication"].update(title_patterns=["[a-"]), "publication.title_patterns", "invalid"),
        # malformed event families: each refused with what is wrong and where
        (lambda d: d["events"][0]["cues"].update(xx=["word"]), "events.0.cues", "unknown language 'xx'"),
        (lambda d: d["events"][0]["cues"].update(en=[]), "events.0.cues", "language 'en' lists no cue"),
        (
            lambda d: d["events"][0]["cues"]["de"].append("tod ("),
            "events.0.cues",
            "invalid regular expression",
        ),
        (
            lambda d: d["events"].append({"family": "empty", "event": "results"}),
            f"events.{len(_raw('taxonomy.yaml')['events'])}",
            "event family 'empty' has no cue",
        ),
        (lambda d: d["events"][1]["subject"].update(cues={}), "events.1.subject.cues", "at least 1"),
        (lambda d: d["events"][1]["subject"].pop("who"), "events.1.subject.who", "Field required"),
        (lambda d: d["severity"][1]["cues"].update(jp=["x"]), "severity.1.cues", "unknown language 'jp'"),
    ],
)
def test_bad_taxonomy_names_file_key_and_problem(tmp_path: Path, mutate, key: str, problem: str) -> None:
    data = _raw("taxonomy.yaml")
    mutate(data)
    path = _write(tmp_path, "taxonomy.yaml", data)
    with pytest.raises(ConfigError) as err:
        load_yaml_model(path, Taxonomy)
    message = str(err.value)
    assert str(path) in message and key in message and problem in message, message


def test_unreadable_and_non_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_yaml_model(tmp_path / "missing.yaml", Watchlist)
    bad = tmp_path / "watchlist.yaml"
    bad.write_text("agents: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_yaml_model(bad, Watchlist)


def test_adding_an_agent_needs_no_code(tmp_path: Path) -> None:
    data = _raw("watchlist.yaml")
    data["agents"].append(
        {
            "id": "anifrolumab",
            "name": "anifrolumab",
            "sponsor": "AstraZeneca",
            "aliases": {"generic": ["anifrolumab"], "brands": ["Saphnelo"], "trials": ["JASMINE"]},
            "near_misses": [],
            "trials": [
                {"nct_id": "NCT06455449", "acronym": "JASMINE", "phase": "3", "indications": ["polymyositis"]}
            ],
        }
    )
    data["indications"].append({"id": "scleroderma", "iim": False, "terms": {"en": ["systemic sclerosis"]}})
    path = _write(tmp_path, "watchlist.yaml", data)
    classifier = load_classifier(path, packaged_data_path("taxonomy.yaml"))
    assert classifier.watchlist.agent_for_nct("NCT06455449") == "anifrolumab"
    out = classifier.classify("AstraZeneca starts Phase 3 JASMINE trial of Saphnelo in dermatomyositis")
    assert out.relevant and out.agents == ("anifrolumab",)
    assert out.event_type == "trial_start" and out.severity == "medium"
    assert "dermatomyositis" in out.indications
    assert 'agent anifrolumab: "JASMINE" (trial) in title' in out.reasons  # first name in the title
    other = classifier.classify("Anifrolumab in systemic sclerosis: results")
    assert other.agents == ("anifrolumab",) and "scleroderma" in other.indications
