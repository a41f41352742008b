"""The limits AWS enforces on what pipewatch writes and sends, as documented, and the sizing that keeps every
write and message under them. moto accepts some of these (a 500 KB item, a 201st filter policy); AWS does not,
so nothing here trusts the emulator: each record is sized before it is written or published.

Documented limits (AWS service quotas, not adjustable unless marked):
  - DynamoDB item: 400 KB, attribute names and values together (UTF-8), `DDB_ITEM_MAX_BYTES`.
  - DynamoDB transaction: 100 actions and 4 MB in all, `TRANSACT_MAX_ITEMS` / `TRANSACT_MAX_BYTES`.
  - SNS message: 256 KiB (262,144 bytes), body and message attributes together, `SNS_MESSAGE_MAX_BYTES`;
    the subject at most 100 characters.
  - SNS filter policy: 5 attribute names, 150 value combinations; 200 filter policies per topic (adjustable),
    `FILTER_POLICY_MAX_KEYS`, `FILTER_POLICY_MAX_COMBINATIONS`, `FILTER_POLICIES_PER_TOPIC`.
pipewatch's own caps (not AWS's): a link of at most `MAX_URL_CHARS` characters (longer is not a usable link).

Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

DDB_ITEM_MAX_BYTES = 400 * 1024
TRANSACT_MAX_ITEMS = 100
TRANSACT_MAX_BYTES = 4 * 1024 * 1024
SNS_MESSAGE_MAX_BYTES = 256 * 1024
SNS_SUBJECT_MAX_CHARS = 100
FILTER_POLICY_MAX_KEYS = 5
FILTER_POLICY_MAX_COMBINATIONS = 150
FILTER_POLICIES_PER_TOPIC = 200

MAX_URL_CHARS = 2048
# Head-room under each hard limit for what the estimate may miss (number encoding, envelope fields).
ITEM_MARGIN_BYTES = 4 * 1024
MESSAGE_MARGIN_BYTES = 4 * 1024
# What one item may hold: the limit less the margin. A trial snapshot gets at most `SNAPSHOT_MAX_BYTES`, so
# the snapshot item and the updates of its transaction stay far under both the item and transaction limits.
ITEM_BUDGET_BYTES = DDB_ITEM_MAX_BYTES - ITEM_MARGIN_BYTES
SNAPSHOT_MAX_BYTES = 300 * 1024
MESSAGE_BUDGET_BYTES = SNS_MESSAGE_MAX_BYTES - MESSAGE_MARGIN_BYTES

TRUNCATION_MARK = " [... truncated: {n} more characters not shown]"


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _value_size(value: Any) -> int:  # noqa: PLR0911 - one return per DynamoDB type
    """DynamoDB's documented sizing: strings and binary by length, numbers about 1 byte per 2 digits + 1,
    booleans and null 1 byte, lists and maps 3 bytes plus 1 byte per element plus the elements."""
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, str):
        return utf8_len(value)
    if isinstance(value, bytes | bytearray):
        return len(value)
    if isinstance(value, int | float | Decimal):
        digits = len(str(value).lstrip("-").replace(".", "").lstrip("0")) or 1
        return (digits + 1) // 2 + 1
    if isinstance(value, Mapping):
        return 3 + sum(1 + utf8_len(str(k)) + _value_size(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return 3 + sum(1 + _value_size(v) for v in value)
    return utf8_len(str(value))


def item_size(item: Mapping[str, Any]) -> int:
    """Size of a plain (not DynamoDB-JSON) item as DynamoDB counts it: names plus values."""
    return sum(utf8_len(str(name)) + _value_size(value) for name, value in item.items() if value is not None)


def truncate_text(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` UTF-8 bytes, on a character boundary, with a visible mark saying how
    much was left out. Unchanged when it fits."""
    if utf8_len(text) <= max_bytes:
        return text
    mark_room = utf8_len(TRUNCATION_MARK.format(n=len(text)))
    keep = max(0, max_bytes - mark_room)
    head = text.encode("utf-8")[:keep].decode("utf-8", "ignore")
    return head + TRUNCATION_MARK.format(n=len(text) - len(head))


def json_text_size(text: str) -> int:
    """Bytes `text` takes inside a JSON document as the notifier writes it (UTF-8, escapes counted)."""
    return utf8_len(json.dumps(text, ensure_ascii=False)) - 2


def sns_attributes_size(attributes: Mapping[str, Mapping[str, str]]) -> int:
    """Message attributes count towards the SNS limit: name, data type and value of each."""
    return sum(
        utf8_len(name) + utf8_len(spec.get("DataType", "")) + utf8_len(spec.get("StringValue", ""))
        for name, spec in attributes.items()
    )


def fit_sns_body(
    default: str, sms: str, subject: str, attributes: Mapping[str, Mapping[str, str]]
) -> tuple[str, bool]:
    """The MessageStructure=json body (`default` for e-mail and queues, `sms` for SMS), with `default`
    truncated visibly when the whole would pass the SNS message limit. Returns (body, truncated)."""

    def body_of(text: str) -> str:
        return json.dumps({"default": text, "sms": sms}, ensure_ascii=False)

    body = body_of(default)
    overhead = utf8_len(subject) + sns_attributes_size(attributes)
    if utf8_len(body) + overhead <= MESSAGE_BUDGET_BYTES:
        return body, False
    room = MESSAGE_BUDGET_BYTES - overhead - (utf8_len(body) - json_text_size(default))
    text = truncate_text(default, max(0, room))
    while utf8_len(body_of(text)) + overhead > MESSAGE_BUDGET_BYTES:  # escapes grew it: cut a little more
        room -= max(64, (utf8_len(body_of(text)) + overhead - MESSAGE_BUDGET_BYTES) * 2)
        text = truncate_text(default, max(0, room))
    return body_of(text), True


def transaction_batches(sizes: list[int]) -> list[list[int]]:
    """Indexes of the actions, grouped into transactions of at most 100 actions and 4 MB (order kept)."""
    batches: list[list[int]] = []
    current: list[int] = []
    total = 0
    for index, size in enumerate(sizes):
        if current and (len(current) >= TRANSACT_MAX_ITEMS or total + size > TRANSACT_MAX_BYTES):
            batches.append(current)
            current, total = [], 0
        current.append(index)
        total += size
    if current:
        batches.append(current)
    return batches
