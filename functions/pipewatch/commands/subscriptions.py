"""`pipewatch subscribe / unsubscribe / subscriptions / pause / resume`: manage subscriptions in the account
of the current AWS credentials (the table and topic of a deployed stack: $PIPEWATCH_TABLE and
$PIPEWATCH_TOPIC_ARN, or --table and --topic-arn). Against a moto server, set $PIPEWATCH_ENDPOINT_URL. Output:
one JSON line per subscription. There is no --local: an in-process moto would forget the subscription when the
command exits."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, get_args

if TYPE_CHECKING:
    from pipewatch.services.subscriptions import SubscriptionService


def _target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--table", help="DynamoDB table of the stack (None: $PIPEWATCH_TABLE)")
    parser.add_argument("--topic-arn", help="alerts topic of the stack (None: $PIPEWATCH_TOPIC_ARN)")


def add_subscribe_arguments(parser: argparse.ArgumentParser) -> None:
    from pipewatch.domain.models import EventType
    from pipewatch.domain.subscribers.channels import CHANNELS

    url_kinds = {kind: spec.display_name for kind, spec in CHANNELS.items() if spec.is_url_destination}
    names = list(url_kinds.values())
    parser.description = (
        "Subscribe an email address or an E.164 phone number (SMS), or change its preferences. "
        "Repeat --agent, --indication, --event to select several; none means any."
    )
    parser.add_argument(
        "endpoint", help="name@example.com or +15555550123, or with --channel the destination URL"
    )
    parser.add_argument(
        "--channel",
        choices=tuple(url_kinds),
        help=f"a {', '.join(names[:-1])} or {names[-1]} URL as the endpoint (needs "
        "$PIPEWATCH_CHANNELS_KEY_ID, the stack's ChannelsKeyArn). Its signing secret is printed once.",
    )
    parser.add_argument(
        "--owner", default="", help="e-mail told when the --channel destination keeps failing"
    )
    parser.add_argument("--agent", action="append", default=[], help="watchlist agent id, e.g. efgartigimod")
    parser.add_argument(
        "--indication", action="append", default=[], help="indication id, e.g. dermatomyositis"
    )
    parser.add_argument(
        "--event", action="append", default=[], choices=get_args(EventType), help="event type"
    )
    parser.add_argument(
        "--min-severity", choices=("low", "medium", "high"), default="low", help="lowest severity to send"
    )
    parser.add_argument(
        "--landscape",
        action="store_true",
        help="also the agents' competitors' approvals, phase 3 results, drops and safety events",
    )
    parser.add_argument("--digest", action="store_true", help="one daily digest instead of instant alerts")
    parser.add_argument("--hour", type=int, default=7, help="local hour of the digest, 0-23")
    parser.add_argument("--timezone", default="UTC", help="IANA time zone of --hour")
    _target_arguments(parser)


def add_unsubscribe_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Remove a subscription (by endpoint or id). SNS stops delivering when this returns."
    parser.add_argument("subscription", help="endpoint (name@example.com, +15555550123) or id (sub-...)")
    _target_arguments(parser)


def add_pause_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Pause a subscription (by endpoint or id): nothing is sent to it, its filter is kept. "
        "`pipewatch resume` sends again."
    )
    parser.add_argument("subscription", help="endpoint (name@example.com, +15555550123) or id (sub-...)")
    _target_arguments(parser)


def add_resume_arguments(parser: argparse.ArgumentParser) -> None:
    add_pause_arguments(parser)
    parser.description = "Resume a paused subscription (by endpoint or id) with its stored filter."


def add_subscriptions_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "List subscriptions, one JSON line each."
    parser.add_argument("--mode", choices=("instant", "digest"), help="only instant or only digest ones")
    _target_arguments(parser)


def _service(args: argparse.Namespace) -> SubscriptionService:
    from pipewatch.composition import build_subscription_service
    from pipewatch.settings import Settings

    settings = Settings.from_env()
    overrides: dict[str, Any] = {}
    if args.table:
        overrides["table_name"] = args.table
    if args.topic_arn:
        overrides["topic_arn"] = args.topic_arn
    settings = settings.model_copy(update=overrides)
    if not settings.topic_arn:
        raise ValueError("no alerts topic: set $PIPEWATCH_TOPIC_ARN or pass --topic-arn")
    return build_subscription_service(settings)


def _run(args: argparse.Namespace, name: str, action: str) -> int:
    from botocore.exceptions import BotoCoreError, ClientError
    from pydantic import ValidationError

    from pipewatch.domain.subscribers.subscriptions import Subscription, SubscriptionError
    from pipewatch.errors import ConfigError, SnsSubscriptionError
    from pipewatch.services.subscriptions import SubscriptionConflict, SubscriptionNotFound

    try:
        if action == "subscribe":
            request = {
                "endpoint": args.endpoint,
                "preferences": {
                    "agents": args.agent,
                    "indications": args.indication,
                    "event_types": args.event,
                    "min_severity": args.min_severity,
                    "tiers": ["own", "landscape"] if getattr(args, "landscape", False) else ["own"],
                    "mode": "digest" if args.digest else "instant",
                    "digest_hour": args.hour,
                    "timezone": args.timezone,
                },
            }
            if args.channel:
                record, secret = _service(args).subscribe_channel(
                    args.channel, args.endpoint, request["preferences"], owner=args.owner
                )
                output = record.as_output() | ({"webhook_secret": secret} if secret else {})
                print(json.dumps(output))
                if secret:
                    print(
                        f"pipewatch {name}: store the webhook secret now; it is not shown again",
                        file=sys.stderr,
                    )
                return 0
            subscription = Subscription.model_validate(request)  # a bad request fails before any AWS call
            records = [_service(args).subscribe(subscription)]
        elif action == "unsubscribe":
            records = [_service(args).unsubscribe(args.subscription)]
        elif action == "pause":
            records = [_service(args).pause(args.subscription)]
        elif action == "resume":
            records = [_service(args).resume(args.subscription)]
        else:
            records = _service(args).list(args.mode)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        print(
            f"pipewatch {name}: {where + ': ' if where else ''}{first['msg'].removeprefix('Value error, ')}",
            file=sys.stderr,
        )
        return 2
    except (
        SubscriptionError,
        SubscriptionNotFound,
        SubscriptionConflict,
        SnsSubscriptionError,
        ConfigError,
        ValueError,
    ) as exc:
        print(f"pipewatch {name}: {exc}", file=sys.stderr)
        return 2
    except (ClientError, BotoCoreError) as exc:
        print(f"pipewatch {name}: AWS error: {exc}", file=sys.stderr)
        return 1
    for record in records:
        print(json.dumps(record.as_output()))
    return 0


def run_subscribe(args: argparse.Namespace) -> int:
    return _run(args, "subscribe", "subscribe")


def run_unsubscribe(args: argparse.Namespace) -> int:
    return _run(args, "unsubscribe", "unsubscribe")


def run_subscriptions(args: argparse.Namespace) -> int:
    return _run(args, "subscriptions", "list")


def run_pause(args: argparse.Namespace) -> int:
    return _run(args, "pause", "pause")


def run_resume(args: argparse.Namespace) -> int:
    return _run(args, "resume", "resume")
