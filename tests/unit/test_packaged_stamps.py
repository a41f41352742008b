"""The pattern checks are paid once, at build: a packaged copy whose stamp matches its content skips them
(pipewatch.config.is_stamped), and every other document - a changed copy, a missing stamp, a path, inline
text - is checked in full. The taxonomies below are hand-made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipewatch import config
from pipewatch.config import (
    content_stamp,
    load_packaged_json_model,
    load_yaml_model,
    packaged_data_path,
    parse_yaml_model,
)
from pipewatch.domain.watch import schema
from pipewatch.domain.watch.taxonomy import Taxonomy
from pipewatch.errors import ConfigError

# A catastrophic-backtracking cue (nested quantifiers): refused by the full pattern checks.
UNSAFE = "(?:a+)+b"


def _hand_made_taxonomy(cue: str) -> dict[str, object]:
    packaged = json.loads(config.packaged_json_path("taxonomy.yaml").read_text(encoding="utf-8"))
    first = dict(packaged["events"][0])
    first["patterns"] = [cue, *first.get("patterns", ())]
    return {**packaged, "events": [first, *packaged["events"][1:]]}


def _packaged_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, taxonomy: dict[str, object]) -> Path:
    """A packaged data directory in tmp_path holding `taxonomy` as its JSON copy (no stamps yet)."""
    copy = tmp_path / "taxonomy.json"
    copy.write_text(json.dumps(taxonomy), encoding="utf-8")
    monkeypatch.setattr(config, "packaged_data_path", lambda name: tmp_path / name)
    return copy


def _stamp(tmp_path: Path, copy: Path, content: bytes | None = None) -> None:
    stamp = content_stamp(copy.read_bytes() if content is None else content)
    (tmp_path / config.STAMPS).write_text(json.dumps({copy.name: stamp}), encoding="utf-8")


def _count_pattern_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    original = schema.backtracking_risk

    def counting(pattern: str) -> str | None:
        calls.append(pattern)
        return original(pattern)

    monkeypatch.setattr(schema, "backtracking_risk", counting)
    return calls


def test_given_the_stamped_packaged_taxonomy_then_no_pattern_is_checked_and_the_model_is_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checks = _count_pattern_checks(monkeypatch)
    stamped = load_packaged_json_model("taxonomy.yaml", Taxonomy)
    assert checks == []
    full = load_yaml_model(packaged_data_path("taxonomy.yaml"), Taxonomy)
    assert checks, "the YAML (not a stamped copy) is checked in full"
    assert stamped == full


def test_given_a_copy_changed_after_its_stamp_then_it_is_checked_in_full_and_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    copy = _packaged_dir(monkeypatch, tmp_path, _hand_made_taxonomy(UNSAFE))
    _stamp(tmp_path, copy, content=b"the content the build validated")
    with pytest.raises(ConfigError, match="refused"):
        load_packaged_json_model("taxonomy.yaml", Taxonomy)


def test_given_a_copy_without_stamps_then_it_is_checked_in_full(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _packaged_dir(monkeypatch, tmp_path, _hand_made_taxonomy(UNSAFE))
    with pytest.raises(ConfigError, match="refused"):
        load_packaged_json_model("taxonomy.yaml", Taxonomy)


def test_given_a_stamp_of_another_pattern_checks_version_then_the_copy_is_checked_in_full(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    copy = _packaged_dir(monkeypatch, tmp_path, _hand_made_taxonomy(UNSAFE))
    _stamp(tmp_path, copy)
    monkeypatch.setattr(schema, "PATTERN_CHECKS_VERSION", schema.PATTERN_CHECKS_VERSION + 1)
    with pytest.raises(ConfigError, match="refused"):
        load_packaged_json_model("taxonomy.yaml", Taxonomy)


def test_given_a_matching_stamp_then_only_the_pattern_checks_are_skipped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What the stamp vouches for is the patterns; the rest of the schema still holds a stamped copy."""
    copy = _packaged_dir(monkeypatch, tmp_path, _hand_made_taxonomy(UNSAFE))
    _stamp(tmp_path, copy)
    assert UNSAFE in load_packaged_json_model("taxonomy.yaml", Taxonomy).events[0].patterns
    broken = {**_hand_made_taxonomy(UNSAFE), "priority": ["approval"]}
    copy.write_text(json.dumps(broken), encoding="utf-8")
    _stamp(tmp_path, copy)
    with pytest.raises(ConfigError, match="priority"):
        load_packaged_json_model("taxonomy.yaml", Taxonomy)


def test_given_inline_text_or_a_path_then_the_patterns_are_checked_whatever_the_stamps(
    tmp_path: Path,
) -> None:
    document = json.dumps(_hand_made_taxonomy(UNSAFE))
    with pytest.raises(ConfigError, match="refused"):
        parse_yaml_model(document, Taxonomy, origin="taxonomy (inline)")
    path = tmp_path / "taxonomy.yaml"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(ConfigError, match="refused"):
        load_yaml_model(path, Taxonomy)
