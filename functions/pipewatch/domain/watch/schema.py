"""What the watchlist and taxonomy schemas share: id, term and pattern types, and their load-time checks."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import ConfigDict, StringConstraints, ValidationInfo

from pipewatch.domain.watch.normalize import match_key
from pipewatch.domain.watch.regex_safety import backtracking_risk

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
NctId = Annotated[str, StringConstraints(pattern=r"^NCT\d{8}$")]
Term = Annotated[str, StringConstraints(min_length=1, max_length=200)]

Pattern = Annotated[str, StringConstraints(min_length=1, max_length=500)]
# An INN ending (-mab, -tinib): letters only, matched as written (never a regular expression).
Stem = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,20}$")]

FROZEN = ConfigDict(frozen=True, extra="forbid", defer_build=True)

# The pattern checks below (compile, no named group, no empty match, no backtracking risk) cost ~100 ms on
# the packaged taxonomy: the build pays them once and stamps the packaged copy (pipewatch.config). A load
# whose validation context carries PATTERNS_CHECKED (only a packaged copy whose stamp matches its content
# and this version) skips them; every other load runs them. Bump the version when the checks change what
# they refuse, so a copy stamped under the old checks is checked again.
PATTERN_CHECKS_VERSION = 1
PATTERNS_CHECKED = "patterns_checked"


def check_terms(values: tuple[str, ...]) -> tuple[str, ...]:
    """Every alias or term must keep at least one letter or digit once normalised for matching."""
    for value in values:
        if not match_key(value):
            raise ValueError(f"term {value!r} has no letter or digit, it could never match")
    return values


def patterns_checked(info: ValidationInfo) -> bool:
    """True when the caller vouches that these patterns passed `check_patterns` at build time."""
    context = info.context
    return isinstance(context, dict) and context.get(PATTERNS_CHECKED) is True


def checked_patterns(values: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
    """`check_patterns`, unless the build already ran it on this exact document (`patterns_checked`)."""
    return values if patterns_checked(info) else check_patterns(values)


def check_patterns(values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
        if compiled.groupindex:
            raise ValueError(f"regular expression {value!r} must not define named groups")
        if compiled.match("") is not None:
            raise ValueError(f"regular expression {value!r} matches the empty string")
        risk = backtracking_risk(value)
        if risk:  # Python's re has no time limit: one such pattern could hang every poll
            raise ValueError(f"regular expression {value!r} refused: {risk}")
    return values
