"""What the calendar tests share: the table they run on (the stack's key schema and its gsi1, in moto) and
a stored item about efgartigimod."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipewatch.domain.models import Classification, Update

TABLE = "pipewatch-test"


def create_calendar_table(client: Any, table: str = TABLE) -> None:
    client.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi1pk", "gsi1sk")
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )


def stored_item(
    uid: str,
    title: str,
    summary: str,
    published: datetime,
    *,
    event: str = "pipeline",
    source: str = "argenx",
    url: str = "",
    first_seen: datetime | None = None,
) -> Update:
    """An update the poll stored about efgartigimod (first seen when published, unless told)."""
    return Update(
        update_id=uid,
        title=title,
        summary=summary,
        url=url or f"https://example.com/{uid}",
        source_id="argenx-press",
        source_name=source,
        published=published,
        classification=Classification(
            relevant=True,
            agents=("efgartigimod",),
            event_type=event,
            severity="medium",  # type: ignore[arg-type]
        ),
        first_seen=first_seen or published,
    )
