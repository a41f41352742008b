"""The checked-in deploy configuration (infra/samconfig.toml) is one the template accepts: every override
names a template parameter and passes its AllowedValues / AllowedPattern / MinValue / MaxValue, as
CloudFormation would check them at deploy. A wrong digest schedule is refused by the template itself."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]
PARAMETERS: dict[str, Any] = yaml_parse((ROOT / "template.yaml").read_text(encoding="utf-8"))["Parameters"]
SAMCONFIG = tomllib.loads((ROOT / "infra" / "samconfig.toml").read_text(encoding="utf-8"))


def _refusal(name: str, value: str) -> str | None:
    """Why CloudFormation would refuse `value` for parameter `name`, or None."""
    spec = PARAMETERS.get(name)
    if spec is None:
        return f"{name} is not a template parameter"
    if "AllowedValues" in spec and value not in [str(v) for v in spec["AllowedValues"]]:
        return f"{name}={value!r} not in {spec['AllowedValues']}"
    if "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], value):
        return f"{name}={value!r}: {spec.get('ConstraintDescription', spec['AllowedPattern'])}"
    if spec.get("Type") == "Number":
        number = float(value)
        if "MinValue" in spec and number < float(spec["MinValue"]):
            return f"{name}={value} below {spec['MinValue']}"
        if "MaxValue" in spec and number > float(spec["MaxValue"]):
            return f"{name}={value} above {spec['MaxValue']}"
    return None


def _overrides(env: str) -> dict[str, str]:
    raw = SAMCONFIG[env]["deploy"]["parameters"]["parameter_overrides"]
    items = raw if isinstance(raw, list) else shlex.split(raw)
    return dict(item.split("=", 1) for item in items)


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_given_a_checked_in_environment_then_the_template_accepts_every_override(env: str) -> None:
    refusals = [r for name, value in _overrides(env).items() if (r := _refusal(name, value))]
    # prod's REPLACE placeholders are free-text parameters: they pass the template and are documented.
    assert refusals == []


@pytest.mark.parametrize(
    "schedule",
    ["cron(0 * * * ? *)", "cron(30 * * * ? *)", "rate(1 hour)", "rate(15 minutes)", "rate(60 minutes)"],
)
def test_given_an_hourly_or_faster_digest_schedule_then_it_is_accepted(schedule: str) -> None:
    assert _refusal("DigestSchedule", schedule) is None


@pytest.mark.parametrize(
    "schedule",
    [
        "cron(0 7 * * ? *)",
        "cron(0 */2 * * ? *)",
        "rate(2 hours)",
        "rate(1 day)",
        "rate(90 minutes)",
        "hourly",
    ],
)
def test_given_a_digest_schedule_slower_than_hourly_then_the_template_refuses_it(schedule: str) -> None:
    assert _refusal("DigestSchedule", schedule) is not None
