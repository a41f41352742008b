"""The classifier's result, built fast: a `Classification` with every field given, as `model_construct`
would build it, for the hot path of `Classifier` (issue 23's speed target)."""

from __future__ import annotations

from pipewatch.domain.models import Classification, EventType, Severity, Tier
from pipewatch.domain.watch.landscape import LandscapeSubject

# Classification with every field given, as `model_construct` builds it (same __dict__, fields set, no extra,
# no private attributes) without its per-field loop; used only when the model has nothing that loop or a
# post-init hook would do differently.
_FIELDS = tuple(Classification.model_fields)
_PLAIN_MODEL = (
    _FIELDS
    == (
        "relevant",
        "agents",
        "indications",
        "event_type",
        "severity",
        "reasons",
        "tier",
        "competitor",
        "competes_with",
    )
    and all(
        field.alias is None and field.validation_alias is None
        for field in Classification.model_fields.values()
    )
    and Classification.__pydantic_post_init__ is None
    and not Classification.__pydantic_root_model__
    and Classification.model_config.get("extra") != "allow"
)
_FIELDS_SET = frozenset(_FIELDS)
_new = Classification.__new__
_set = object.__setattr__


def classification(  # noqa: PLR0917 - one argument per field
    relevant: bool,
    agents: tuple[str, ...],
    indications: tuple[str, ...],
    event_type: EventType | None,
    severity: Severity | None,
    reasons: tuple[str, ...],
    landscape: LandscapeSubject | None = None,
) -> Classification:
    """`Classification.model_construct(...)` of every field: valid by construction (ids from the config,
    literals from the taxonomy). With `landscape`, a landscape update of that competitor."""
    tier: Tier = "own" if landscape is None else "landscape"
    competitor = None if landscape is None else landscape.competitor
    competes_with = () if landscape is None else landscape.competes_with
    if not _PLAIN_MODEL:
        return Classification.model_construct(
            relevant=relevant,
            agents=agents,
            indications=indications,
            event_type=event_type,
            severity=severity,
            reasons=reasons,
            tier=tier,
            competitor=competitor,
            competes_with=competes_with,
        )
    model = _new(Classification)
    _set(
        model,
        "__dict__",
        {
            "relevant": relevant,
            "agents": agents,
            "indications": indications,
            "event_type": event_type,
            "severity": severity,
            "reasons": reasons,
            "tier": tier,
            "competitor": competitor,
            "competes_with": competes_with,
        },
    )
    _set(model, "__pydantic_fields_set__", set(_FIELDS_SET))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model
