"""What `pipewatch demo` checks before it starts anything: the user's watchlist ($PIPEWATCH_WATCHLIST) and
their own subscriber (--subscriber and its choices). A refusal is one line naming the user's own file or the
option, the value given and what is allowed; the stack, the servers and the temporary copies come after.

The checks are the product's own (the watchlist's pydantic model, the subscription's validators and
`check_known`), so the demo refuses exactly what a deployed stack would; the subscription API still checks
the request again when the demo creates it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from pipewatch.config import is_inline_document, load_data_file, packaged_data_path
from pipewatch.domain.subscribers.subscriptions import (
    Subscription,
    SubscriptionError,
    check_sms_country,
    parse_endpoint,
)
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.errors import ConfigError
from pipewatch.settings import Settings

# The agent the demo adds to any watchlist, to show a recorded registry change (demo.py's DEMO_AGENT).
DEMO_AGENT_ID = "remdesivir"


class DemoRefused(ValueError):
    """The demo cannot start as asked; the message is the one line to show the user."""


@dataclass(frozen=True)
class DemoWatchlist:
    """The watchlist the demo runs with, as the user chose it."""

    origin: str  # how the user would name it: their file's path, or the packaged one
    document: dict[str, Any]  # the validated YAML document, before the demo adds its agent
    agents: tuple[str, ...]
    indications: tuple[str, ...]
    own: bool  # the user's ($PIPEWATCH_WATCHLIST), not the packaged one

    def describe(self) -> str:
        """One line for the analyst's view: which watchlist, which agents."""
        whose = (
            f"yours, {self.origin} ($PIPEWATCH_WATCHLIST)" if self.own else f"the packaged one, {self.origin}"
        )
        return f"Watchlist: {whose}: {', '.join(self.agents)}"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def load_watchlist(override: str) -> DemoWatchlist:
    """The user's watchlist ($PIPEWATCH_WATCHLIST: a path or the document's text) or the packaged one,
    validated by the product's model; DemoRefused (one line naming the user's file) when it is not valid."""
    try:
        watchlist = load_data_file("watchlist.yaml", Watchlist, override or None)
    except ConfigError as exc:
        raise DemoRefused(
            f"your watchlist ($PIPEWATCH_WATCHLIST) is not valid: {one_line(str(exc))}"
        ) from exc
    if not override:
        origin, text = "functions/pipewatch/data/watchlist.yaml", packaged_data_path("watchlist.yaml")
        document = yaml.safe_load(text.read_text(encoding="utf-8"))
    elif is_inline_document(override):
        origin, document = "(inline text)", yaml.safe_load(override)
    else:
        with open(override, encoding="utf-8") as handle:
            origin, document = override, yaml.safe_load(handle)
    return DemoWatchlist(
        origin=origin,
        document=document,
        agents=tuple(a.id for a in watchlist.agents),
        indications=tuple(i.id for i in watchlist.indications),
        own=bool(override),
    )


def own_subscriber(args: argparse.Namespace, watchlist: DemoWatchlist) -> list[tuple[str, dict[str, Any]]]:
    """The user's subscriber as a subscription request, checked as the subscription API checks it; none
    without --subscriber. DemoRefused names the option, the value given and what is allowed."""
    chosen = [f"--{name}" for name in ("agent", "indication", "event") if getattr(args, name)]
    if args.digest:
        chosen.append("--digest")
    if not args.subscriber:
        if chosen:
            raise DemoRefused(
                f"{', '.join(chosen)} choose what your own subscriber gets: add --subscriber EMAIL"
            )
        return []
    if not 0 <= args.hour <= 23:
        raise DemoRefused(f"--hour {args.hour}: the digest hour is a whole hour from 0 to 23")
    preferences: dict[str, Any] = {
        "agents": args.agent,
        "indications": args.indication,
        "event_types": args.event,
        "min_severity": args.min_severity,
    }
    if args.digest:
        preferences |= {"mode": "digest", "digest_hour": args.hour, "timezone": args.timezone}
    try:
        protocol, endpoint = parse_endpoint(args.subscriber)
        if protocol == "sms":  # the demo's stack allows the template's default countries
            check_sms_country(endpoint, Settings().sms_countries)
    except SubscriptionError as exc:
        raise DemoRefused(f"--subscriber {args.subscriber!r}: {_reason(str(exc))}") from exc
    try:
        subscription = Subscription.model_validate({"endpoint": args.subscriber, "preferences": preferences})
    except ValidationError as exc:
        raise DemoRefused(_preference_refusal(exc, args)) from exc
    agents = (*watchlist.agents, DEMO_AGENT_ID) if DEMO_AGENT_ID not in watchlist.agents else watchlist.agents
    _check_known("--agent", subscription.preferences.agents, agents, watchlist)
    _check_known("--indication", subscription.preferences.indications, watchlist.indications, watchlist)
    return [("You (--subscriber)", {"endpoint": args.subscriber, "preferences": preferences})]


def _reason(message: str) -> str:
    """The validator's explanation without its own restatement of the value ("email 'x': ...")."""
    head, sep, rest = message.partition(": ")
    return rest if sep and "'" in head else message


def _preference_refusal(exc: ValidationError, args: argparse.Namespace) -> str:
    error = exc.errors()[0]
    field = next((str(part) for part in reversed(error["loc"]) if isinstance(part, str)), "")
    option = {"agents": "--agent", "indications": "--indication", "timezone": "--timezone"}.get(field, field)
    value = {"agents": args.agent, "indications": args.indication, "timezone": args.timezone}.get(field)
    shown = ", ".join(map(repr, value)) if isinstance(value, list) else repr(value)
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{option} {shown}: {_reason(message)}"


def _check_known(
    option: str, chosen: tuple[str, ...], known: tuple[str, ...], watchlist: DemoWatchlist
) -> None:
    unknown = [c for c in chosen if c not in known]
    if unknown:
        where = f"your watchlist {watchlist.origin}" if watchlist.own else "the watchlist"
        raise DemoRefused(
            f"{option} {', '.join(unknown)}: not in {where}; allowed: {', '.join(sorted(known)) or '(none)'}"
        )
