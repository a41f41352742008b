"""Cold-start guard: importing a handler module loads only what every invocation of it needs.

Each check runs in a fresh interpreter (sys.modules in this process is shared by every test). What is
deferred and why is in bench/cold_start.py and the handler modules; this pins it so a top-level import
added later shows up here rather than as a slower cold start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pipewatch_local.functions import by_module

pytestmark = pytest.mark.slow  # stack, demo, soak and build suites: `-m 'not slow'` skips them

# Loaded later (when the service is built or tracing is on), never by importing the handler module.
NEVER_AT_IMPORT = {
    "deliver": [
        "aws_xray_sdk",
        "pipewatch.services.delivery",
        "pipewatch.adapters.secrets",
        "pipewatch.domain.render.chat",
        "cryptography",
    ],
    "alert": [
        "aws_xray_sdk",
        "aws_lambda_powertools.utilities.batch",  # handlers/_batch.py answers the stream batch
        "aws_lambda_powertools.utilities.data_classes",
        "aws_lambda_powertools.utilities.idempotency",
        "aws_lambda_powertools.utilities.parser",
        "pydantic",
        "pipewatch.services.alert",
        "pipewatch.adapters.store",
    ],
    "poll": [
        "aws_xray_sdk",
        "aws_lambda_powertools.utilities.batch",  # ~60 ms with asyncio: handlers/_batch.py answers SQS
        "aws_lambda_powertools.utilities.data_classes",
        "asyncio",
        "aws_lambda_powertools.utilities.parser",
        "feedparser",
        "pipewatch.services.poll",
        "pipewatch.domain.watch.classify",
        "pipewatch.adapters.http",
    ],
    "page": [
        "aws_lambda_powertools.event_handler",  # ~150 ms: handlers/_rest.py routes (ADR 0012)
        "aws_lambda_powertools.utilities.data_classes",
        "aws_xray_sdk",
        "pydantic",
        "feedparser",
        "pipewatch.services.reader",
        "pipewatch.adapters.store",
        "pipewatch.domain.watch.classify",
    ],
    "api": [
        "aws_lambda_powertools.event_handler",
        "aws_lambda_powertools.utilities.data_classes",
        "aws_xray_sdk",
        "pipewatch.handlers._openapi",
    ],
    "console": [
        "aws_lambda_powertools.event_handler",
        "aws_lambda_powertools.utilities.data_classes",
        "aws_xray_sdk",
    ],
    "plan": [
        "aws_xray_sdk",
        "aws_lambda_powertools.utilities.batch",
        "aws_lambda_powertools.utilities.parser",
        "feedparser",
        "pipewatch.domain.watch.classify",
        "pipewatch.adapters.http",
    ],
}


def _loaded_after(
    statement: str, candidates: list[str], extra_env: dict[str, str] | None = None
) -> list[str]:
    code = (
        f"import json, sys; {statement}; print(json.dumps([m for m in {candidates!r} if m in sys.modules]))"
    )
    env = {
        **os.environ,
        "AWS_DEFAULT_REGION": "us-east-1",
        "PIPEWATCH_XRAY_SDK": "false",
        **(extra_env or {}),
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize("name", sorted(NEVER_AT_IMPORT))
def test_given_a_handler_module_when_imported_then_deferred_modules_stay_unloaded(name: str) -> None:
    assert _loaded_after(f"import pipewatch.handlers.{name}", NEVER_AT_IMPORT[name]) == []


def test_given_settings_when_imported_and_read_then_pydantic_is_not_needed() -> None:
    statement = "from pipewatch.settings import get_settings; get_settings()"
    assert _loaded_after(statement, ["pydantic", "boto3"]) == []


def test_given_the_alert_service_when_built_then_its_dependencies_load_then() -> None:
    """The deferral is a move, not a removal: building the service (first invocation) loads them."""
    statement = (
        "import pipewatch.handlers.alert as h; "
        "from pipewatch.composition import build_alert_service; from pipewatch.settings import Settings; "
        "build_alert_service(Settings(table_name='t', topic_arn='arn:aws:sns:us-east-1:123456789012:t'), "
        "dynamodb_client=object(), sns_client=object())"
    )
    wanted = ["pipewatch.services.alert", "aws_lambda_powertools.utilities.idempotency", "aws_xray_sdk"]
    assert _loaded_after(statement, wanted) == wanted[:1]


# Loaded by the first publish, never by building the service (an invocation with nothing to send skips them).
NEVER_AT_BUILD = {
    "alert": [
        "aws_lambda_powertools.utilities.idempotency",
        "pipewatch.adapters.idempotency_store",
        "pipewatch.domain.render.digest",
        "pipewatch.domain.ingest.dedupe",  # the poll's story rules (adapters/store.py imports them there)
        "pipewatch.services.ports",  # Protocols: annotations only
    ],
    "digest": [
        "aws_lambda_powertools.utilities.idempotency",
        "pipewatch.adapters.idempotency_store",
        "pipewatch.domain.ingest.dedupe",
        # A run renders (and reads the calendar) only when a digest is due: most hourly runs do neither.
        "pipewatch.domain.render.digest",
        "pipewatch.domain.render.chat",
        "pipewatch.domain.catalysts.calendar",
        "pipewatch.services.ports",
    ],
}


@pytest.mark.parametrize("name", sorted(NEVER_AT_BUILD))
def test_given_a_publishing_service_when_built_then_idempotency_is_not_loaded(name: str) -> None:
    default = by_module(name).defaults["service"]
    statement = (
        f"import pipewatch.handlers.{name}; from pipewatch.handlers import _defaults; _defaults.{default}()"
    )
    assert _loaded_after(statement, NEVER_AT_BUILD[name], _DEPLOYED_ENV) == []


# A live service reads (and imports the model of) only the configuration files it uses, and when it first
# uses them (the plan when it plans, the catalyst check when it folds a catalyst: cold8sched, issue 28); the
# catalyst check builds its extractor when it first refolds a stored update.
NEVER_AT_LIVE_BUILD = {
    "catalyst_check": [
        "pipewatch.domain.ingest.sources",
        "pipewatch.domain.watch.taxonomy",
        "pipewatch.domain.watch.watchlist",
        "pipewatch.domain.catalysts.extract",
        "pipewatch.services.ports",  # Protocols: annotations only
        "yaml",
    ],
    "plan": [
        "pipewatch.domain.watch.taxonomy",
        "pipewatch.domain.watch.watchlist",
        "pipewatch.domain.ingest.sources",
        "pipewatch.services.ports",
        "yaml",
    ],
}
# What shows the build ran (so an empty list above is not vacuous): the service's store or queue adapter.
_BUILT_PROOF = {
    "catalyst_check": "pipewatch.adapters.catalyst_store",
    "plan": "pipewatch.adapters.task_queue",
    "api": "pipewatch.adapters.subscriptions",
    "poll": "pipewatch.domain.watch.watchlist",
}


@pytest.mark.parametrize("name", sorted(NEVER_AT_LIVE_BUILD))
def test_given_a_live_service_when_built_then_unused_configuration_stays_unloaded(name: str) -> None:
    environ = dict(_DEPLOYED_ENV)
    for override in ("PIPEWATCH_WATCHLIST", "PIPEWATCH_TAXONOMY", "PIPEWATCH_SOURCES"):
        environ[override] = ""
    default = by_module(name).defaults["service"]
    statement = (
        f"import pipewatch.handlers.{name}; from pipewatch.handlers import _defaults; "
        f"_defaults.{default}().current()"
    )
    wanted = [*NEVER_AT_LIVE_BUILD[name], _BUILT_PROOF[name]]
    assert _loaded_after(statement, wanted, environ) == [_BUILT_PROOF[name]]


def test_given_an_idempotent_publisher_when_first_set_up_then_powertools_idempotency_loads() -> None:
    """The move, not a removal: what a first publish does before publishing loads it."""
    statement = (
        "from pipewatch.adapters.idempotency import make_idempotent_publish; "
        "make_idempotent_publish(str, table_name='t', dynamodb_client=object(), ttl_seconds=60).persistence"
    )
    wanted = ["aws_lambda_powertools.utilities.idempotency", "pipewatch.adapters.idempotency_store"]
    assert _loaded_after(statement, wanted) == wanted


# The environment a deployed function has (no AWS call is made: building a service only creates clients).
_DEPLOYED_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
    "PIPEWATCH_TABLE": "pipewatch-test",
    "PIPEWATCH_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:pipewatch-test",
    "PIPEWATCH_POLL_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/pipewatch-test",
}


@pytest.mark.parametrize("name", ["plan", "poll", "api"])
def test_given_the_packaged_data_when_a_service_is_built_then_pyyaml_is_never_imported(name: str) -> None:
    """The packaged watchlist, taxonomy and sources are read from their JSON copies (pipewatch.config)."""
    environ = dict(_DEPLOYED_ENV)
    for override in ("PIPEWATCH_WATCHLIST", "PIPEWATCH_TAXONOMY", "PIPEWATCH_SOURCES"):
        environ[override] = ""
    default = by_module(name).defaults["service"]  # what the first invocation builds
    # A live service (issue 26) builds on its first call: `current()` is that first call.
    statement = (
        f"import pipewatch.handlers.{name}; from pipewatch.handlers import _defaults; "
        f"service = _defaults.{default}(); getattr(service, 'current', lambda: service)()"
    )
    # poll reads the watchlist at build; plan and api when they first use it (the plan's read is checked
    # by the cold8sched test below)
    assert _loaded_after(statement, ["yaml", _BUILT_PROOF[name]], environ) == [_BUILT_PROOF[name]]


def test_given_an_override_file_when_loaded_then_it_is_still_read_as_yaml() -> None:
    statement = (
        "from pipewatch.config import load_data_file, packaged_data_path; "
        "from pipewatch.domain.watch.watchlist import Watchlist; "
        "load_data_file('watchlist.yaml', Watchlist, str(packaged_data_path('watchlist.yaml')))"
    )
    assert _loaded_after(statement, ["yaml"]) == ["yaml"]


def _models_built_after(statement: str, extra_env: dict[str, str] | None = None) -> tuple[list[str], int]:
    """The pipewatch pydantic models whose validator is built once `statement` has run, and how many
    pipewatch models exist then (so an empty list is not vacuous)."""
    code = (
        f"import json, pydantic; {statement}; "
        "seen, todo = [], [pydantic.BaseModel]\n"
        "while todo:\n"
        "    model = todo.pop(); todo.extend(model.__subclasses__())\n"
        "    if model.__module__.startswith('pipewatch.'): seen.append(model)\n"
        "print(json.dumps([sorted(m.__name__ for m in seen if m.__pydantic_complete__), len(seen)]))"
    )
    env = {
        **os.environ,
        "AWS_DEFAULT_REGION": "us-east-1",
        "PIPEWATCH_XRAY_SDK": "false",
        **(extra_env or {}),
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    built, count = json.loads(out.stdout.strip().splitlines()[-1])
    return built, count


# Models a field holds an instance of as its default (`rules: LandscapeRules = LandscapeRules()`): creating
# that instance, when the owning class is defined, builds them. The sources' settings blocks default to `{}`
# validated in place instead (cold9web): none of them is built before sources.yaml is read.
_DEFAULT_INSTANCES = (
    "FuzzyNames",
    "LandscapeRules",
    "PublicationRule",
    "QuestionRule",
    "RegistryRule",
    "Salience",
)


def test_given_the_domain_models_when_imported_then_only_default_instances_are_built() -> None:
    """Issue 28: a model builds its validator (pydantic's core schema, ~2 ms a class) on first use
    (`defer_build`), so importing the models a handler may never validate costs no schema building; only
    the models instantiated at class definition (field defaults) are built then."""
    statement = (
        "import pipewatch.domain.models, pipewatch.domain.watch.watchlist, pipewatch.domain.watch.taxonomy, "
        "pipewatch.domain.ingest.sources, pipewatch.domain.trials.model, "
        "pipewatch.domain.catalysts.calendar, pipewatch.domain.subscribers.records, "
        "pipewatch.domain.subscribers.feedback, pipewatch.domain.ingest.polling, pipewatch.services.plan, "
        "pipewatch.services.delivery, pipewatch.handlers.schedule"
    )
    built, count = _models_built_after(statement)
    assert count > 20
    assert built == sorted(_DEFAULT_INSTANCES)


def test_cold9web_given_the_sources_models_when_imported_then_none_is_built() -> None:
    """Issue 28 (cold9web): each settings block's validator was built twice (alone, by its default instance
    at import, and again inside the file's model); now only the file's model builds it, when read."""
    built, count = _models_built_after("import pipewatch.domain.ingest.sources")
    assert count > 20
    assert built == []
    statement = (
        "from pipewatch.config import load_data_file; from pipewatch.domain.ingest.sources import "
        "SourcesConfig; load_data_file('sources.yaml', SourcesConfig)"
    )
    built, _ = _models_built_after(statement)
    assert "SourcesConfig" in built and "CtgovSettings" not in built and "HttpDefaults" not in built


def test_given_a_deferred_model_when_first_validated_then_its_validator_is_built() -> None:
    """The deferral is a move, not a removal: the first validation builds the model and its nested ones."""
    statement = (
        "from pipewatch.domain.subscribers.records import DigestState; "
        "DigestState.model_json_schema(); import pipewatch.domain.subscribers.subscriptions"
    )
    built, _ = _models_built_after(statement)
    assert built == ["DigestState"]  # the calendar's Observation was this example: a dataclass now


# Loaded neither by the handler's import nor by its service's build (the first call of a live service
# included): only by the requests that use them - cryptography by the first credential encrypted or opened,
# PyJWT by the first console session checked, Jinja2 by the first console page rendered; and the config
# files' models a function does not read (issue 28).
WEB_NEVER_AT_BUILD = {
    "api": [
        "cryptography",
        "jwt",
        "jinja2",
        "pipewatch.domain.watch.taxonomy",
        "pipewatch.domain.ingest.sources",
        "pipewatch.domain.watch.watchlist",  # read by the first subscription checked (cold8sched)
    ],
    "page": ["cryptography", "jwt", "jinja2", "pipewatch.domain.watch.taxonomy"],
    "console": ["cryptography", "jwt", "jinja2", "pipewatch.domain.watch.taxonomy"],
}
_CONSOLE_ENV = {
    "PIPEWATCH_COGNITO_POOL_ID": "us-east-1_test",
    "PIPEWATCH_COGNITO_CLIENT_ID": "test-client",
    "PIPEWATCH_COGNITO_DOMAIN": "https://pipewatch-test.auth.us-east-1.amazoncognito.com",
}


def _built(name: str) -> str:
    default = by_module(name).defaults["service"]
    return (
        f"import pipewatch.handlers.{name}; from pipewatch.handlers import _defaults; "
        f"service = _defaults.{default}(); getattr(service, 'current', lambda: service)()"
    )


@pytest.mark.parametrize("name", sorted(WEB_NEVER_AT_BUILD))
def test_given_a_web_handler_when_its_service_is_built_then_per_request_modules_stay_unloaded(
    name: str,
) -> None:
    environ = {**_DEPLOYED_ENV, **_CONSOLE_ENV}
    # the service's module is loaded: the build did run (the empty rest is not vacuous)
    built = {
        "page": "pipewatch.services.reader",
        "api": "pipewatch.adapters.subscriptions",
        "console": "pipewatch.services.console",  # its watchlist: read by its first filter (cold9web)
    }[name]
    assert _loaded_after(_built(name), [*WEB_NEVER_AT_BUILD[name], built], environ) == [built]


# The console's signed-in build (cold9web, issue 28): what only some pages use is imported by them, not
# with the service the first page (the updates) needs - the subscription models (pydantic classes), the
# calendar's rules, the feeds' syndication, the watchlist history.
COLD9WEB_CONSOLE_PAGES_ONLY = [
    "pipewatch.domain.subscribers.records",
    "pydantic",  # the configuration (a filter's choices, the watchlist page) and the subscription models
    "pipewatch.domain.subscribers.subscriptions",
    "pipewatch.domain.catalysts.calendar",
    "pipewatch.domain.render.syndication",
    "pipewatch.services.config_admin",
]


def test_cold9web_given_the_console_when_its_service_is_built_then_page_only_modules_stay_unloaded() -> None:
    environ = {**_DEPLOYED_ENV, **_CONSOLE_ENV}
    wanted = [*COLD9WEB_CONSOLE_PAGES_ONLY, "pipewatch.services.console"]  # the build ran
    assert _loaded_after(_built("console"), wanted, environ) == ["pipewatch.services.console"]


def test_cold9web_given_the_console_when_a_subscription_form_is_read_then_its_models_load() -> None:
    """The move, not a removal: the subscription pages import the models when they use them."""
    statement = (
        f"{_built('console')}; "
        "prefs = service.current()._preferences({'agents': 'efgartigimod', 'mode': 'digest'}); "
        "assert prefs.agents == ('efgartigimod',) and prefs.mode == 'digest', prefs"
    )
    environ = {**_DEPLOYED_ENV, **_CONSOLE_ENV}
    models = ["pipewatch.domain.subscribers.records", "pipewatch.domain.subscribers.subscriptions"]
    assert _loaded_after(statement, models, environ) == ["pipewatch.domain.subscribers.subscriptions"]


def test_cold9web_given_the_console_when_a_filter_is_first_offered_then_its_configuration_is_read() -> None:
    """The move, not a removal: the first page with a filter (the updates) reads and validates the watchlist
    and the sources (pydantic) for the choices it offers."""
    statement = (
        f"{_built('console')}; vocabulary = service.current()._vocabulary; "
        "assert 'efgartigimod' in vocabulary.agents and vocabulary.sources, vocabulary"
    )
    environ = {
        **_DEPLOYED_ENV,
        **_CONSOLE_ENV,
        **{override: "" for override in ("PIPEWATCH_WATCHLIST", "PIPEWATCH_TAXONOMY", "PIPEWATCH_SOURCES")},
    }
    wanted = ["pydantic", "pipewatch.domain.watch.watchlist", "pipewatch.domain.ingest.sources"]
    assert _loaded_after(statement, [*wanted, "pipewatch.domain.watch.taxonomy"], environ) == wanted


def test_given_the_console_when_a_page_is_asked_without_a_session_then_no_service_is_built() -> None:
    """The sign-in redirect needs nothing read: no configuration, no client, no template, no model."""
    statement = (
        "import json; from pathlib import Path; from pipewatch.handlers import console, _defaults; "
        "event = json.loads(Path('events/console_no_session.json').read_text()); "
        "from pipewatch_local.event_sources import LambdaContext; "
        "answer = console.handler(event, LambdaContext('console')); "
        "assert answer['statusCode'] == 303, answer; "
        "assert answer['headers']['Location'] == '/dev/console/signin', answer; "
        "assert _defaults.console_service.cache_info().currsize == 0"
    )
    candidates = [
        "pydantic",
        "jinja2",
        "jwt",
        "pipewatch.services.console",
        "pipewatch.services.console_http",
    ]
    environ = {**_DEPLOYED_ENV, **_CONSOLE_ENV, "POWERTOOLS_SERVICE_NAME": "pipewatch"}
    assert _loaded_after(statement, candidates, environ) == ["pipewatch.services.console_http"]


# Issue 28 (cold8models): the records alert and page handle (updates, alerts, calendar entries, feedback) are
# plain dataclasses, so neither function imports pydantic unless it validates configuration or a
# subscription. `built` is loaded: the build (or the invocation) did run.
@pytest.mark.parametrize(
    ("name", "built"), [("alert", "pipewatch.services.alert"), ("page", "pipewatch.services.reader")]
)
def test_cold8models_given_alert_or_page_when_imported_and_built_then_pydantic_stays_unloaded(
    name: str, built: str
) -> None:
    environ = {**_DEPLOYED_ENV, **_CONSOLE_ENV}
    assert _loaded_after(_built(name), ["pydantic", built], environ) == [built]


# A fresh moto account with the table (pk/sk) and the topic: enough for alert's first invocation (stream
# decode, render, short link, idempotent publish) and page's sample events. moto itself loads no pydantic.
_COLD8_MOTO = (
    "from moto import mock_aws; mock = mock_aws(); mock.start(); import boto3; "
    "boto3.client('dynamodb').create_table(TableName='pipewatch-test', BillingMode='PAY_PER_REQUEST', "
    "KeySchema=[{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}], "
    "AttributeDefinitions=[{'AttributeName': 'pk', 'AttributeType': 'S'}, "
    "{'AttributeName': 'sk', 'AttributeType': 'S'}]); "
    "boto3.client('sns').create_topic(Name='pipewatch-test'); "
    "from pathlib import Path; from pipewatch_local.event_sources import LambdaContext"
)


def test_cold8models_given_the_alert_sample_when_first_invoked_then_it_publishes_without_pydantic() -> None:
    statement = (
        f"{_COLD8_MOTO}; from pipewatch.handlers import alert; "
        "answer = alert.handler(json.loads(Path('events/alert_stream.json').read_text()), "
        "LambdaContext('alert')); assert answer == {'batchItemFailures': []}, answer"
    )
    published = "pipewatch.adapters.idempotency_store"  # set up by the first publish: it did publish
    environ = {**_DEPLOYED_ENV, "POWERTOOLS_SERVICE_NAME": "pipewatch"}
    assert _loaded_after(statement, ["pydantic", published], environ) == [published]


@pytest.mark.parametrize(
    ("event", "status"), [("page_unsigned_link.json", 403), ("page_short_link.json", 404)]
)
def test_cold8models_given_a_page_sample_when_first_invoked_then_pydantic_stays_unloaded(
    event: str, status: int
) -> None:
    statement = (
        f"{_COLD8_MOTO}; from pipewatch.handlers import page; "
        f"answer = page.handler(json.loads(Path('events/{event}').read_text()), LambdaContext('page')); "
        f"assert answer['statusCode'] == {status}, answer"
    )
    environ = {**_DEPLOYED_ENV, "POWERTOOLS_SERVICE_NAME": "pipewatch"}
    assert _loaded_after(statement, ["pydantic", "pipewatch.services.reader"], environ) == [
        "pipewatch.services.reader"
    ]


def test_cold8models_given_a_route_that_reads_a_subscription_then_its_models_load_then() -> None:
    """The deferral is a move, not a removal: the first subscription read builds the subscription service
    (whose pydantic models load in turn with the first record it makes or reads)."""
    statement = (
        "from pipewatch.services.reader import SubscriptionLookup\n"
        "class Service:\n    def get(self, sid): return None\n"
        "assert SubscriptionLookup(Service).find('sub-1') is None"
    )
    assert _loaded_after(statement, ["pydantic", "pipewatch.services.subscriptions"]) == [
        "pipewatch.services.subscriptions",
    ]


# -- cold8sched (issue 28): the scheduled functions and the subscription API start without pydantic ---------
# Importing the handler and building its service (a live service's first call included) loads no pydantic:
# the schedule event is parsed by hand (handlers/schedule.py), the configuration files are read and
# validated (pydantic, as ever) by the first call that uses them, the api's request models are imported by
# the first request with a body, and the record models by the first record made or read.
_COLD8SCHED_HANDLERS = ["plan", "digest", "catalyst_check", "api"]


@pytest.mark.parametrize("name", _COLD8SCHED_HANDLERS)
def test_cold8sched_given_a_scheduled_or_api_handler_when_imported_and_built_then_no_pydantic(
    name: str,
) -> None:
    environ = dict(_DEPLOYED_ENV)
    for override in ("PIPEWATCH_WATCHLIST", "PIPEWATCH_TAXONOMY", "PIPEWATCH_SOURCES"):
        environ[override] = ""
    service_module = {
        "plan": "pipewatch.services.plan",
        "digest": "pipewatch.services.digest",
        "catalyst_check": "pipewatch.services.calendar",
        "api": "pipewatch.services.subscriptions",
    }[name]
    # the service's module is loaded: the build did run (the empty rest is not vacuous)
    assert _loaded_after(_built(name), ["pydantic", service_module], environ) == [service_module]


def test_cold8sched_given_the_plan_when_it_first_plans_then_its_configuration_is_read_with_pydantic() -> None:
    """The move, not a removal: the first plan reads watchlist and sources, validated by pydantic."""
    statement = (
        "from pipewatch.composition import build_plan_service; from pipewatch.settings import Settings; "
        "from pipewatch.services.plan import PlanRequest\n"
        "class Sqs:\n"
        "    def send_message_batch(self, **_): return {'Failed': []}\n"
        "service = build_plan_service(Settings(poll_queue_url='https://sqs.us-east-1.amazonaws.com/1/q'), "
        "sqs_client=Sqs())\n"
        "assert service.plan(PlanRequest()).tasks > 0"
    )
    environ = {
        override: "" for override in ("PIPEWATCH_WATCHLIST", "PIPEWATCH_TAXONOMY", "PIPEWATCH_SOURCES")
    }
    wanted = ["pydantic", "pipewatch.domain.ingest.sources", "pipewatch.domain.watch.watchlist"]
    never = ["yaml", "pipewatch.domain.watch.taxonomy"]  # the packaged JSON copies; no taxonomy
    assert _loaded_after(statement, [*wanted, *never], environ) == wanted


def test_cold9web_given_the_news_plan_when_it_first_plans_then_the_watchlist_stays_unread() -> None:
    """Issue 28 (cold9web): the news cycle (the plan's sample event) plans feeds alone, so it reads and
    validates sources.yaml only; the registry cycle still reads the watchlist (the agents split its
    tasks)."""
    statement = (
        "import json; from pathlib import Path; from pipewatch.handlers import plan; "
        "from pipewatch.composition import build_plan_service; from pipewatch.settings import Settings; "
        "from pipewatch.services.plan import PlanRequest\n"
        "from pipewatch_local.event_sources import LambdaContext\n"
        "class Sqs:\n"
        "    def send_message_batch(self, **_): return {'Failed': []}\n"
        "service = build_plan_service(Settings(poll_queue_url='https://sqs.us-east-1.amazonaws.com/1/q'), "
        "sqs_client=Sqs())\n"
        "event = json.loads(Path('events/plan_news.json').read_text())\n"
        "answer = plan.handler(event, LambdaContext('plan'), service=service)\n"
        "assert answer['tasks'] > 0, answer\n"
        "import sys; loaded = 'pipewatch.domain.watch.watchlist' in sys.modules\n"
        "assert service.plan(PlanRequest(source_class='registry')).tasks > 0\n"
        "assert not loaded and 'pipewatch.domain.watch.watchlist' in sys.modules"
    )
    environ = {
        **_DEPLOYED_ENV,
        "POWERTOOLS_SERVICE_NAME": "pipewatch",
        **{override: "" for override in ("PIPEWATCH_WATCHLIST", "PIPEWATCH_TAXONOMY", "PIPEWATCH_SOURCES")},
    }
    assert _loaded_after(statement, ["pipewatch.domain.ingest.sources", "yaml"], environ) == [
        "pipewatch.domain.ingest.sources"
    ]


def test_cold8sched_given_the_api_when_a_get_lists_no_subscription_then_no_pydantic() -> None:
    """The api's first GET (router, caller, service, table adapter, answer) with nothing stored: the answer is
    plain data, so only a record read or a body validated imports the models (a hand-made DynamoDB client
    answers the query with no item)."""
    statement = (
        "import json; from pathlib import Path; from pipewatch.handlers import api; "
        "from pipewatch.adapters.subscriptions import SubscriptionTable; "
        "from pipewatch.services.subscriptions import SubscriptionService; "
        "from pipewatch_local.event_sources import LambdaContext\n"
        "class Ddb:\n"
        "    def query(self, **_): return {'Items': []}\n"
        "service = SubscriptionService(table=SubscriptionTable(Ddb(), 't'), sns=object())\n"
        "event = json.loads(Path('events/api_list_subscriptions.json').read_text())\n"
        "answer = api.handler(event, LambdaContext('api'), service=service)\n"
        "assert answer['statusCode'] == 200 and json.loads(answer['body']) == {'subscriptions': []}, answer"
    )
    environ = {**_DEPLOYED_ENV, "POWERTOOLS_SERVICE_NAME": "pipewatch"}
    candidates = ["pydantic", "pipewatch.domain.subscribers.records", "pipewatch.handlers.api_models"]
    assert _loaded_after(statement, [*candidates, "pipewatch.adapters.subscriptions"], environ) == [
        "pipewatch.adapters.subscriptions"
    ]


# Poll (cold8poll): a poll task reads one source, so building the service imports no source kind's request
# and parsing code (adapters/source_kinds.py imports it in the kind's poller); the catalyst calendar waits
# for the first update stored and the classifier's name matcher (tries, alias regex) for the first document.
COLD8POLL_NEVER_AT_POLL_BUILD = [
    "pipewatch.services.calendar",
    "pipewatch.domain.catalysts.calendar",
    "pipewatch.adapters.catalyst_store",
    "pipewatch.adapters.authority_kinds",
    "pipewatch.adapters.ctgov",
    "pipewatch.adapters.ctgov_changes",
    "pipewatch.adapters.ctgov_history",
    "pipewatch.adapters.ctis",
    "pipewatch.adapters.edgar",
    "pipewatch.adapters.pubmed",
]


def test_cold8poll_given_the_poll_service_when_built_then_no_source_adapter_and_no_matcher_load() -> None:
    statement = (
        "import pipewatch.handlers.poll; from pipewatch.handlers import _defaults; "
        "service = _defaults.poll_service().current(); "
        "assert 'pipewatch.adapters.sources' in sys.modules; "
        "assert '_matcher' not in vars(service._classifier)"
    )
    assert _loaded_after(statement, COLD8POLL_NEVER_AT_POLL_BUILD, _DEPLOYED_ENV) == []


def test_cold8poll_given_a_source_kind_when_its_payload_is_first_read_then_its_adapter_loads() -> None:
    """The move, not a removal: the kind's poller or parser imports its adapter module when it runs."""
    statement = (
        "from pipewatch.adapters.source_kinds import SOURCE_KIND_SPECS; "
        "parse = SOURCE_KIND_SPECS['openfda'].file_parser.parse; "
        "before = 'pipewatch.adapters.authority_kinds' in sys.modules; "
        'exec(\'try:\\n    parse(b"{}", "x")\\nexcept Exception:\\n    pass\'); '
        "assert not before"
    )
    wanted = ["pipewatch.adapters.authority_kinds", "pipewatch.adapters.openfda"]
    assert _loaded_after(statement, wanted) == wanted


# cold9poll (issue 28): a poll service builds its registry intake (the trial differ, snapshot rules) when a
# registry source's studies first arrive; a news poll's build and first documents never import it.
COLD9POLL_NEVER_AT_POLL_BUILD = [
    "pipewatch.services.trial_intake",
    "pipewatch.domain.ingest.trial_intake",
    "pipewatch.domain.trials.diff",
]


def test_cold9poll_given_the_poll_service_when_built_then_the_registry_intake_stays_unloaded() -> None:
    environ = dict(_DEPLOYED_ENV)
    for override in ("PIPEWATCH_WATCHLIST", "PIPEWATCH_TAXONOMY", "PIPEWATCH_SOURCES"):
        environ[override] = ""
    statement = (
        "import pipewatch.handlers.poll; from pipewatch.handlers import _defaults; "
        "_defaults.poll_service().current()"
    )
    wanted = [*COLD9POLL_NEVER_AT_POLL_BUILD, _BUILT_PROOF["poll"]]
    assert _loaded_after(statement, wanted, environ) == [_BUILT_PROOF["poll"]]


def test_cold9poll_given_a_built_poll_service_when_its_registry_intake_is_asked_for_then_it_loads() -> None:
    """The move, not a removal: the registry intake a poll service hands a registry result loads then."""
    environ = dict(_DEPLOYED_ENV)
    for override in ("PIPEWATCH_WATCHLIST", "PIPEWATCH_TAXONOMY", "PIPEWATCH_SOURCES"):
        environ[override] = ""
    statement = (
        "import pipewatch.handlers.poll; from pipewatch.handlers import _defaults; "
        "_defaults.poll_service().current()._trials"
    )
    assert _loaded_after(statement, COLD9POLL_NEVER_AT_POLL_BUILD, environ) == COLD9POLL_NEVER_AT_POLL_BUILD


COLD10POLL_CALENDAR_RULES = ["pipewatch.domain.catalysts.calendar", "pipewatch.domain.catalysts.moves"]
_COLD10POLL_OBSERVE = (
    "from datetime import UTC, datetime; "
    "from pipewatch.domain.models import Classification, Update; "
    "from pipewatch.services.calendar import CalendarService; "
    "Empty = type('Empty', (), {'list': lambda self, agent=None: [], "
    "'extract': lambda self, *a, **k: STATED}); "
    "update = Update(update_id='u1', title='Hand-made: argenx reports efgartigimod sales', summary='', "
    "url='https://example.com/u1', source_id='wire', source_name='wire', published=None, "
    "first_seen=datetime(2026, 12, 8, tzinfo=UTC), classification=Classification(relevant=True, "
    "agents=('efgartigimod',), event_type='pipeline', severity='medium')); "
    "CalendarService(store=Empty(), extractor=Empty(), watchlist=None).observe_update(update)"
)


def test_cold10poll_given_an_item_stating_no_catalyst_when_folded_then_the_calendar_rules_stay_unloaded() -> (
    None
):
    statement = "STATED = []; " + _COLD10POLL_OBSERVE
    assert _loaded_after(statement, COLD10POLL_CALENDAR_RULES) == []


def test_cold10poll_given_an_item_stating_a_catalyst_when_folded_then_the_calendar_rules_load() -> None:
    """The move, not a removal: an item whose text states a catalyst loads the rules to fold it."""
    statement = (
        "from pipewatch.domain.catalysts.models import ExtractedCatalyst; "
        "STATED = [ExtractedCatalyst(kind='readout', drug='efgartigimod', agent='efgartigimod', trial=None, "
        "window_start=None, window_end=None, precision='year', sentence='Hand-made: data in 2027.')]; "
        + _COLD10POLL_OBSERVE
    )
    assert _loaded_after(statement, COLD10POLL_CALENDAR_RULES) == COLD10POLL_CALENDAR_RULES


def test_cold10poll_given_the_poll_handler_when_a_task_is_read_then_pydantic_stays_unloaded() -> None:
    statement = (
        "import pipewatch.handlers.poll; from pipewatch.services.plan import PollTask; "
        'PollTask.from_json(\'{"source_id": "fda-press"}\')'
    )
    assert _loaded_after(statement, ["pydantic", "pipewatch.domain.ingest.polling"]) == []
