"""The classifier's result: a `Classification` with every field given, the landscape fields from the
competitor's subject. A plain dataclass builds fast (issue 23's speed target) without the pydantic
`model_construct` shortcut this module used to hold."""

from __future__ import annotations

from pipewatch.domain.models import Classification, EventType, Severity
from pipewatch.domain.watch.landscape import LandscapeSubject


def classification(  # noqa: PLR0917 - one argument per field
    relevant: bool,
    agents: tuple[str, ...],
    indications: tuple[str, ...],
    event_type: EventType | None,
    severity: Severity | None,
    reasons: tuple[str, ...],
    landscape: LandscapeSubject | None = None,
) -> Classification:
    """Every field of a Classification: valid by construction (ids from the config, literals from the
    taxonomy). With `landscape`, a landscape update of that competitor."""
    if landscape is None:
        return Classification(
            relevant=relevant,
            agents=agents,
            indications=indications,
            event_type=event_type,
            severity=severity,
            reasons=reasons,
        )
    return Classification(
        relevant=relevant,
        agents=agents,
        indications=indications,
        event_type=event_type,
        severity=severity,
        reasons=reasons,
        tier="landscape",
        competitor=landscape.competitor,
        competes_with=landscape.competes_with,
    )
