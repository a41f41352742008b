"""The live watchlist in a versioned S3 bucket (issue 26), on moto: push, pull, history and rollback through
the CLI; an invalid version uploaded behind the CLI's back is never applied (metric counted, last good kept);
a container sees a new version after the refresh interval and not before (controlled clock)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from moto import mock_aws

from fakes import CountingMetrics, InMemorySubscriptionTable, subscription_record
from pipewatch.adapters.config_store import S3ConfigStore
from pipewatch.cli import main
from pipewatch.config import CONFIG_FILES, packaged_data_path
from pipewatch.services.config_admin import ConfigAdmin
from pipewatch.services.live_config import PACKAGED, LiveConfig
from watchlist_edits import INVALID_WATCHLIST, with_anifrolumab, without

BUCKET = "pipewatch-config-test"
REGION = "us-east-1"
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for name in ("PIPEWATCH_WATCHLIST", "PIPEWATCH_TAXONOMY", "PIPEWATCH_SOURCES", "PIPEWATCH_TABLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIPEWATCH_CONFIG_BUCKET", BUCKET)
    monkeypatch.setenv("USER", "analyst-a")
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield client


def _agents(live: LiveConfig) -> list[str]:
    watchlist, _version = live.document("watchlist.yaml")
    return [a.id for a in watchlist.agents]


def test_given_an_empty_bucket_then_the_packaged_files_apply(s3: Any) -> None:
    live = LiveConfig(S3ConfigStore(s3, BUCKET), clock=Clock())
    config = live.current()
    assert config.read_versions() == {}  # nothing is read before it is asked for
    assert [a.id for a in config.watchlist.agents] == ["efgartigimod", "brepocitinib", "dazukibart"]
    assert config.taxonomy.default_event and config.sources.sources
    assert config.read_versions() == dict.fromkeys(CONFIG_FILES, PACKAGED)


def test_given_push_pull_history_rollback_through_the_cli_then_each_version_is_kept_with_who_and_why(
    s3: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    added = tmp_path / "added.yaml"
    added.write_text(with_anifrolumab(), encoding="utf-8")
    assert main(["watchlist", "push", str(added), "--note", "watch anifrolumab"]) == 0
    pushed = capsys.readouterr().out
    assert "agents added: anifrolumab" in pushed
    first = pushed.strip().splitlines()[-1].split("version ")[1].split(" ")[0]

    removed = tmp_path / "removed.yaml"
    removed.write_text(without("dazukibart"), encoding="utf-8")
    assert main(["watchlist", "push", str(removed), "--by", "analyst-b"]) == 0
    second = capsys.readouterr().out
    assert "agents removed: dazukibart, anifrolumab" in second  # against the current (pushed) version

    assert main(["watchlist", "history"]) == 0
    history = capsys.readouterr().out.splitlines()
    rows = [line for line in history if not line.startswith("    note:")]
    assert len(rows) == 2
    assert "(current)" in rows[0] and "analyst-b" in rows[0] and "-2 agent(s)" in rows[0]
    assert rows[1].startswith(first) and "analyst-a" in rows[1] and "+1 agent(s)" in rows[1]
    assert "    note: watch anifrolumab" in history

    pulled = tmp_path / "pulled.yaml"
    assert main(["watchlist", "pull", "--version", first, "-o", str(pulled)]) == 0
    assert pulled.read_text(encoding="utf-8") == with_anifrolumab()

    assert main(["watchlist", "rollback", first]) == 0
    rolled = capsys.readouterr().out
    assert "agents added: dazukibart, anifrolumab" in rolled
    assert main(["watchlist", "pull"]) == 0
    assert capsys.readouterr().out == with_anifrolumab()
    assert len(S3ConfigStore(s3, BUCKET).history("watchlist.yaml")) == 3


def test_given_an_invalid_file_then_the_cli_refuses_it_and_uploads_nothing(
    s3: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(INVALID_WATCHLIST, encoding="utf-8")
    assert main(["watchlist", "push", str(bad)]) == 1
    assert "agents[nameless].name: Field required" in capsys.readouterr().err
    assert s3.list_object_versions(Bucket=BUCKET).get("Versions", []) == []


def test_given_a_trial_acronym_that_is_an_ordinary_word_then_the_push_is_refused_and_uploads_nothing(
    s3: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("wordfreq")
    document = yaml.safe_load(with_anifrolumab())
    document["agents"][-1]["aliases"]["trials"] = ["JASMINE"]  # hand-made: issue 26's trap
    trap = tmp_path / "jasmine.yaml"
    trap.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["watchlist", "push", str(trap)]) == 1
    err = capsys.readouterr().err
    assert "JASMINE" in err and "nothing uploaded" in err
    assert s3.list_object_versions(Bucket=BUCKET).get("Versions", []) == []


def test_given_a_taxonomy_push_through_config_then_it_is_versioned_the_same_way(
    s3: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text(packaged_data_path("taxonomy.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["config", "push", "taxonomy", str(taxonomy)]) == 0
    assert "no change" in capsys.readouterr().out
    assert [v.changed_by for v in S3ConfigStore(s3, BUCKET).history("taxonomy.yaml")] == ["analyst-a"]


def test_given_a_push_removing_an_agent_then_the_subscriptions_naming_it_are_listed(s3: Any) -> None:
    table = InMemorySubscriptionTable.of(
        subscription_record("a@example.com", now=T0, owner="arn:aws:iam::1:user/a", agents=["dazukibart"]),
        subscription_record("b@example.com", now=T0, agents=["efgartigimod"]),
    )
    admin = ConfigAdmin(S3ConfigStore(s3, BUCKET), subscriptions=table)
    packaged = packaged_data_path("watchlist.yaml").read_text(encoding="utf-8")
    pushed = admin.push("watchlist.yaml", without("dazukibart"), changed_by="ops", note="", packaged=packaged)
    assert pushed.change.removed == ("dazukibart",)
    assert list(pushed.orphaned.values()) == [("arn:aws:iam::1:user/a", "dazukibart")]


def test_given_an_invalid_version_uploaded_behind_the_clis_back_then_it_is_never_applied(s3: Any) -> None:
    clock, metrics = Clock(), CountingMetrics()
    store = S3ConfigStore(s3, BUCKET)
    good = store.put("watchlist.yaml", with_anifrolumab(), changed_by="ops", note="")
    live = LiveConfig(store, clock=clock, metrics=metrics)
    assert _agents(live)[-1] == "anifrolumab"

    s3.put_object(Bucket=BUCKET, Key="watchlist.yaml", Body=INVALID_WATCHLIST.encode())  # not via the CLI
    clock.now += timedelta(minutes=5)
    watchlist, version = live.document("watchlist.yaml")
    assert version == good and watchlist.agents[-1].id == "anifrolumab"
    assert metrics.counts == {("ConfigRejected", (("key", "watchlist.yaml"),)): 1, ("ConfigRejected", ()): 1}

    # Still invalid at the next check: still refused, counted again (the alarm stays on).
    clock.now += timedelta(minutes=5)
    assert live.document("watchlist.yaml")[1] == good
    assert metrics.counts[("ConfigRejected", (("key", "watchlist.yaml"),))] == 2

    # A container started after the bad upload has no good version of its own: the packaged file applies.
    fresh = LiveConfig(store, clock=clock, metrics=metrics)
    assert fresh.document("watchlist.yaml")[1] == PACKAGED


def test_given_a_push_then_a_container_sees_it_after_the_refresh_interval_and_not_before(s3: Any) -> None:
    clock = Clock()
    store = S3ConfigStore(s3, BUCKET)
    live = LiveConfig(store, clock=clock, refresh=timedelta(minutes=5))
    assert "anifrolumab" not in _agents(live)
    reads: list[dict[str, Any]] = []
    s3.meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **_: reads.append(dict(params))
    )

    version = store.put("watchlist.yaml", with_anifrolumab(), changed_by="ops", note="")
    clock.now += timedelta(minutes=4, seconds=59)
    assert "anifrolumab" not in _agents(live)
    assert reads == []  # within the interval: no request at all
    clock.now += timedelta(seconds=1)
    assert "anifrolumab" in _agents(live)
    assert live.document("watchlist.yaml")[1] == version

    # Unchanged: the next check is conditional on the ETag held, and nothing is parsed again.
    clock.now += timedelta(minutes=5)
    before = live.document("watchlist.yaml")[0]
    clock.now += timedelta(minutes=5)
    assert live.document("watchlist.yaml")[0] is before
    assert reads[-1]["IfNoneMatch"] == s3.head_object(Bucket=BUCKET, Key="watchlist.yaml")["ETag"]
