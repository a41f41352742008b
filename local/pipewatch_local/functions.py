"""The Lambda functions of template.yaml, written out once for the harness, the tests and the benches: each
one's logical id, handler module, the sample events in events/ that drive it, and the composition-root
builders of what its handler is given (`service=`, and the delivery function's `queue=`).

tests/local/test_functions.py holds this list equal to template.yaml's functions and their `Handler:`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from pipewatch.settings import Settings
from pipewatch_local.event_sources import Handler


@dataclass(frozen=True)
class LambdaFunction:
    logical_id: str
    module: str  # pipewatch.handlers.<module>
    sample_events: tuple[str, ...]  # events/<name>; the first is the one a bench's first invocation gets
    builders: Mapping[str, str]  # handler keyword -> pipewatch.composition builder taking the settings

    @property
    def handler_path(self) -> str:
        return f"pipewatch.handlers.{self.module}.handler"

    @property
    def defaults(self) -> dict[str, str]:
        """Handler keyword -> the pipewatch.handlers._defaults function a deployed container builds it with
        (composition's `build_x` is cached there as `x`)."""
        return {key: name.removeprefix("build_") for key, name in self.builders.items()}

    def handler(self, **injected: Any) -> Handler:
        """The entry point as Lambda calls it (`handler(event, context)`), with `injected` bound."""
        module = importlib.import_module(f"pipewatch.handlers.{self.module}")
        bound: Handler = partial(module.handler, **injected)
        return bound

    def wired(self, settings: Settings) -> Handler:
        """The entry point with its service (and any other collaborator) built from `settings` now, as the
        deployed function builds it on its first invocation; a service that reads the watchlist, taxonomy
        or sources is live, as deployed: built again when a pushed version applies (issue 26)."""
        from pipewatch import composition

        def built(name: str) -> Any:
            builder = getattr(composition, name)
            if name not in LIVE_CONFIG_BUILDERS:
                return builder(settings)
            live = composition.build_live_config(settings)
            return composition.live_service(live, lambda config: builder(settings, config=config))

        return self.handler(**{key: built(name) for key, name in self.builders.items()})


# The builders of services that apply the live configuration (handlers/_defaults.py builds them live).
LIVE_CONFIG_BUILDERS = frozenset(
    {"build_plan_service", "build_poll_service", "build_calendar_service", "build_subscription_service"}
)

# In template.yaml's order.
FUNCTIONS: tuple[LambdaFunction, ...] = (
    LambdaFunction(
        "PlanFunction", "plan", ("plan_news.json", "plan_registry.json"), {"service": "build_plan_service"}
    ),
    LambdaFunction(
        "PollFunction",
        "poll",
        ("poll_sqs_task.json", "poll_direct_news.json"),
        {"service": "build_poll_service"},
    ),
    LambdaFunction("AlertFunction", "alert", ("alert_stream.json",), {"service": "build_alert_service"}),
    LambdaFunction(
        "DigestFunction", "digest", ("digest_schedule.json",), {"service": "build_digest_service"}
    ),
    LambdaFunction(
        "CatalystCheckFunction",
        "catalyst_check",
        ("catalyst_check_schedule.json",),
        {"service": "build_calendar_service"},
    ),
    LambdaFunction(
        "DeliverFunction",
        "deliver",
        (),
        {"service": "build_delivery_service", "queue": "build_delivery_queue"},
    ),
    LambdaFunction(
        "ApiFunction",
        "api",
        ("api_list_subscriptions.json", "api_post_subscription.json"),
        {"service": "build_subscription_service"},
    ),
    LambdaFunction(
        "PageFunction",
        "page",
        ("page_unsigned_link.json", "page_short_link.json"),
        {"service": "build_reader_service"},
    ),
    LambdaFunction(
        "ConsoleFunction", "console", ("console_no_session.json",), {"service": "build_console_service"}
    ),
)
LOGICAL_IDS: tuple[str, ...] = tuple(f.logical_id for f in FUNCTIONS)


def by_module(module: str) -> LambdaFunction:
    for function in FUNCTIONS:
        if function.module == module:
            return function
    raise KeyError(f"no Lambda function with handler module {module}")


def reset_settings() -> None:
    """Forget the settings and data files read so far (the environment may point at another stack)."""
    from pipewatch.config import clear_cache
    from pipewatch.settings import get_settings

    get_settings.cache_clear()
    clear_cache()


def load_handlers() -> dict[str, Handler]:
    """Every function's entry point by handler module, wired from the environment as it is now."""
    from pipewatch.settings import get_settings

    reset_settings()
    settings = get_settings()
    return {function.module: function.wired(settings) for function in FUNCTIONS}
