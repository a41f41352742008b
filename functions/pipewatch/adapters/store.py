"""DynamoDB single-table store. Every write that could repeat is conditional, so a re-poll, a retried Lambda
or a replayed batch never duplicates an update; a trial snapshot and the updates it produced are written in
one transaction, so a crash between them loses nothing and a retry adds nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from pipewatch.adapters.dynamo import (
    batch_get,
    conditional_put,
    conditional_update,
    error_message,
    from_item,
    is_refused,
    paged,
    to_item,
    transact_write,
)
from pipewatch.adapters.update_items import (  # the item functions, also read from here (stream, indexes)
    UPDATE_SK,
    agent_key,
    day_key,
    fit_item,
    iso_or_none,
    update_from_item,
    update_to_item,
)
from pipewatch.domain.limits import ITEM_BUDGET_BYTES, item_size, transaction_batches
from pipewatch.domain.models import SourceState, Update
from pipewatch.errors import RecordRejected
from pipewatch.observability import logger

if TYPE_CHECKING:
    from pipewatch.domain.ingest.dedupe import Claim

__all__ = [
    "CLAIM_REMEMBERS",
    "CLAIM_SK",
    "MAX_STORY_URLS",
    "SNAPSHOT_SK",
    "SOURCES_GSI_PK",
    "STATE_SK",
    "UPDATE_SK",
    "Store",
    "agent_key",
    "day_key",
    "fit_item",
    "update_from_item",
    "update_to_item",
]

# At most this many other outlets' URLs are remembered on one story (each is at most MAX_URL_CHARS), so merges
# can never grow an update item past the DynamoDB item limit; later copies are still recognised (alias item).
MAX_STORY_URLS = 50
STATE_SK = "STATE"
SOURCES_GSI_PK = "SOURCES"
SNAPSHOT_SK = "SNAPSHOT"
CLAIM_SK = "CLAIM"
# How many of the latest stories a claim remembers: enough for every story of one neighbourhood (agent,
# event, severity) within the dedupe look-back in any realistic week; older ones are found by the day index.
CLAIM_REMEMBERS = 50


class Store:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._ddb = dynamodb_client
        self._table = table_name
        self.writes = 0  # successful item writes, for benches and the "unchanged cycle writes nothing" check
        self.trimmed = 0  # records truncated to fit the item limit (the poll service counts them)

    # -- updates ---------------------------------------------------------------------------------------
    def sized_update_item(self, update: Update) -> dict[str, Any]:
        """The update's item sized against the item limit (truncated visibly, logged), or RecordRejected."""
        item, truncated = fit_item(update_to_item(update), update.update_id, source_id=update.source_id)
        if truncated:
            self.trimmed += 1
            logger.warning(
                "record truncated to fit the DynamoDB item limit",
                extra={"update_id": update.update_id, "source": update.source_id, "fields": truncated},
            )
        return item

    def put_update(self, update: Update) -> bool:
        """Store a new update. False if it was already stored (the write is conditional). RecordRejected when
        this one record cannot be stored (over the item limit even truncated, or refused by DynamoDB)."""
        try:
            written = conditional_put(
                self._ddb,
                TableName=self._table,
                Item=to_item(self.sized_update_item(update)),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as exc:
            if is_refused(exc):
                raise RecordRejected(
                    update.update_id, error_message(exc), source_id=update.source_id
                ) from exc
            raise
        if not written:
            return False
        self.writes += 1
        return True

    def put_seen(self, update: Update) -> bool:
        """Remember an item without alerting on it (old news, a baseline): a `seen` marker under the update's
        key, so later polls skip it like a stored update; not `kind=update`, so the stream filter, digests
        and dedupe never see it. False if the id was already known."""
        item = {
            "pk": f"UPDATE#{update.update_id}",
            "sk": UPDATE_SK,
            "kind": "seen",
            "update_id": update.update_id,
            "title": update.title[:500],
            "url": update.url,
            "source_id": update.source_id,
            "published": iso_or_none(update.published),
            "first_seen": update.first_seen.isoformat(),
        }
        if not conditional_put(
            self._ddb,
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(pk)",
        ):
            return False
        self.writes += 1
        return True

    def existing_update_ids(self, update_ids: Sequence[str]) -> set[str]:
        """Which of these ids are already stored (BatchGetItem; a read, so re-polls cost no writes)."""
        keys = [update_key(uid) for uid in dict.fromkeys(update_ids)]
        found = batch_get(self._ddb, self._table, keys, ProjectionExpression="update_id")
        return {item["update_id"]["S"] for item in found}

    # -- story claims ------------------------------------------------------------------------------------
    def get_claims(self, keys: Iterable[str]) -> dict[str, Claim]:
        """The current claims (strongly consistent reads), a fresh Claim for a neighbourhood never claimed."""
        # Imported by the poll's paths only: the story rules are not the alert's, digest's or pages' business.
        from pipewatch.domain.ingest.dedupe import Claim

        claims = {key: Claim(key) for key in dict.fromkeys(keys)}
        claim_keys = [claim_key(k) for k in claims]
        for raw in batch_get(self._ddb, self._table, claim_keys, ConsistentRead=True):
            claim = claim_from_item(raw)
            claims[claim.key] = claim
        return claims

    def read_intake(
        self, update_ids: Sequence[str], claim_keys: Iterable[str]
    ) -> tuple[set[str], dict[str, Claim]]:
        """`existing_update_ids(update_ids)` and `get_claims(claim_keys)` in one BatchGetItem (strongly
        consistent, as the claims need): the poll's two reads before it decides, one round trip and one
        request's CPU (issue 28). An update or alias item answers with its `update_id`, a claim item with
        its version and ids; nothing else is read."""
        from pipewatch.domain.ingest.dedupe import Claim

        claims = {key: Claim(key) for key in dict.fromkeys(claim_keys)}
        keys = [update_key(uid) for uid in dict.fromkeys(update_ids)]
        keys += [claim_key(k) for k in claims]
        known: set[str] = set()
        for raw in batch_get(
            self._ddb,
            self._table,
            keys,
            ConsistentRead=True,
            ProjectionExpression="#pk, #uid, #version, #ids",
            ExpressionAttributeNames={"#pk": "pk", "#uid": "update_id", "#version": "version", "#ids": "ids"},
        ):
            if raw["pk"]["S"].startswith("UPDATE#"):
                known.add(raw["update_id"]["S"])
                continue
            claim = claim_from_item(raw)
            claims[claim.key] = claim
        return known, claims

    def get_updates(self, update_ids: Iterable[str]) -> list[Update]:
        """Stored updates by id (strongly consistent: a story another poll stored a moment ago is seen even
        before the day index has it)."""
        keys = [update_key(u) for u in dict.fromkeys(update_ids)]
        return [
            update_from_item(from_item(i))
            for i in batch_get(self._ddb, self._table, keys, ConsistentRead=True)
            if i.get("kind", {}).get("S") == "update"
        ]

    def put_claimed_update(self, update: Update, claims: Mapping[str, Claim]) -> str:
        """Store a new update and move on its neighbourhoods' claims in one transaction, each claim
        conditioned on the version read before deciding the update was a new story. Two concurrent polls
        holding copies of one story cannot both store it: the second's claim condition fails.

        Returns "stored", "exists" (this id is stored already) or "conflict" (another story was claimed in
        a neighbourhood since: re-read and decide again). RecordRejected as put_update."""
        item = self.sized_update_item(update)
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(item),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        for claim in claims.values():
            ids = [*[i for i in claim.ids if i != update.update_id], update.update_id][-CLAIM_REMEMBERS:]
            update_claim: dict[str, Any] = {
                "TableName": self._table,
                "Key": claim_key(claim.key),
                "UpdateExpression": "SET version = :next, ids = :ids, kind = :kind",
                "ExpressionAttributeValues": {
                    ":next": {"N": str(claim.version + 1)},
                    ":ids": {"L": [{"S": i} for i in ids]},
                    ":kind": {"S": "story_claim"},
                },
            }
            if claim.version:
                update_claim["ConditionExpression"] = "version = :seen"
                update_claim["ExpressionAttributeValues"][":seen"] = {"N": str(claim.version)}
            else:
                update_claim["ConditionExpression"] = "attribute_not_exists(pk)"
            actions.append({"Update": update_claim})
        try:
            cancelled = transact_write(self._ddb, actions)
        except ClientError as exc:
            if is_refused(exc):
                raise RecordRejected(
                    update.update_id, error_message(exc), source_id=update.source_id
                ) from exc
            raise
        if cancelled is not None:
            # The update's own put is action 0: its condition failing means this id is stored already.
            return "exists" if cancelled.condition_failed(0) else "conflict"
        self.writes += len(actions)
        return "stored"

    def get_update(self, update_id: str) -> Update | None:
        response = self._ddb.get_item(TableName=self._table, Key=update_key(update_id))
        item = response.get("Item")
        if not item or item.get("kind", {}).get("S") != "update":
            return None
        return update_from_item(from_item(item))

    def updates_between(self, start: datetime, end: datetime) -> list[Update]:
        """Updates first seen in [start, end), by the gsi1 day index (one Query per UTC day)."""
        updates: list[Update] = []
        low = f"{start.astimezone(UTC).isoformat()}#"
        high = f"{end.astimezone(UTC).isoformat()}#"
        day = start.astimezone(UTC).date()
        while day <= end.astimezone(UTC).date():
            kwargs: dict[str, Any] = {
                "TableName": self._table,
                "IndexName": "gsi1",
                "KeyConditionExpression": "gsi1pk = :d AND gsi1sk BETWEEN :lo AND :hi",
                "ExpressionAttributeValues": {
                    ":d": {"S": f"DAY#{day.isoformat()}"},
                    ":lo": {"S": low},
                    ":hi": {"S": high},
                },
            }
            updates.extend(
                update_from_item(from_item(i))
                for i in paged(self._ddb.query, **kwargs)
                if i.get("kind", {}).get("S") == "update" and i["gsi1sk"]["S"] < high
            )
            day += timedelta(days=1)
        return sorted(updates, key=lambda u: (u.first_seen, u.update_id))

    def merge_source(self, story_id: str, duplicate: Update) -> bool:
        """Record that `duplicate` (another outlet's copy) reports the stored update `story_id`: append its
        source and URL with a conditional UpdateItem (a MODIFY stream record, which never alerts), then keep
        an alias item under the duplicate's own id so the next poll skips it with a plain read.
        False when this URL was merged already, is the story's own URL, or the story already lists
        MAX_STORY_URLS others (nothing appended: the item never grows past its limit)."""
        from pipewatch.domain.ingest.dedupe import TITLE_CHARS, outlet_day

        label = duplicate.sources[0] if duplicate.sources else duplicate.source_name or duplicate.source_id
        url = duplicate.url or f"id:{duplicate.update_id}"
        title = duplicate.title[:TITLE_CHARS]  # the story's identity grows with each outlet's title
        merged = (
            conditional_update(
                self._ddb,
                TableName=self._table,
                Key=update_key(story_id),
                UpdateExpression=(
                    "SET sources = list_append(if_not_exists(sources, :empty), :label), "
                    "story_urls = list_append(if_not_exists(story_urls, :empty), :url), "
                    "story_titles = list_append(if_not_exists(story_titles, :empty), :title), "
                    "story_dates = list_append(if_not_exists(story_dates, :empty), :day)"
                ),
                ConditionExpression=(
                    "attribute_exists(pk) AND (attribute_not_exists(#url) OR #url <> :u) AND "
                    "(attribute_not_exists(story_urls) OR "
                    "(NOT contains(story_urls, :u) AND size(story_urls) < :max))"
                ),
                ExpressionAttributeNames={"#url": "url"},
                ExpressionAttributeValues={
                    ":empty": {"L": []},
                    ":label": {"L": [{"S": label}]},
                    ":url": {"L": [{"S": url}]},
                    ":title": {"L": [{"S": title}]},
                    ":day": {"L": [{"S": outlet_day(duplicate)}]},
                    ":u": {"S": url},
                    ":max": {"N": str(MAX_STORY_URLS)},
                },
            )
            is not None
        )
        if merged:
            self.writes += 1
        if conditional_put(
            self._ddb,
            TableName=self._table,
            Item=to_item(
                {
                    "pk": f"UPDATE#{duplicate.update_id}",
                    "sk": UPDATE_SK,
                    "kind": "alias",
                    "update_id": duplicate.update_id,
                    "alias_of": story_id,
                    "url": duplicate.url,
                }
            ),
            ConditionExpression="attribute_not_exists(pk)",
        ):
            self.writes += 1
        return merged

    def scan_updates(self) -> list[Update]:
        """Every stored update (demo and tests; production reads go through the stream or a query)."""
        updates = [
            update_from_item(from_item(i))
            for i in paged(
                self._ddb.scan,
                TableName=self._table,
                FilterExpression="#k = :u",
                ExpressionAttributeNames={"#k": "kind"},
                ExpressionAttributeValues={":u": {"S": "update"}},
            )
        ]
        return sorted(updates, key=lambda u: (u.first_seen, u.update_id))

    # -- source state ----------------------------------------------------------------------------------
    def get_source_state(self, source_id: str) -> SourceState:
        response = self._ddb.get_item(TableName=self._table, Key=source_state_key(source_id))
        return source_state_from_item(source_id, response.get("Item"))

    def put_source_state(self, state: SourceState) -> None:
        self._ddb.put_item(
            TableName=self._table,
            Item=to_item(
                {
                    "pk": f"SOURCE#{state.source_id}",
                    "sk": STATE_SK,
                    "kind": "source_state",
                    "state": state.to_json(),
                    # Listed by the day index's SOURCES partition, so the digest reads every source's health.
                    "gsi1pk": SOURCES_GSI_PK,
                    "gsi1sk": state.source_id,
                }
            ),
        )
        self.writes += 1

    def source_states(self) -> list[SourceState]:
        """Every source's state (validators and health), through gsi1 (partition SOURCES)."""
        items = paged(
            self._ddb.query,
            TableName=self._table,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :p",
            ExpressionAttributeValues={":p": {"S": SOURCES_GSI_PK}},
        )
        return [SourceState.from_json(from_item(i)["state"]) for i in items]

    # -- trial snapshots -------------------------------------------------------------------------------
    def get_snapshot(self, nct_id: str) -> tuple[str, int] | None:
        """The stored snapshot JSON and its version number, or None for a study never seen."""
        response = self._ddb.get_item(
            TableName=self._table, Key={"pk": {"S": f"TRIAL#{nct_id}"}, "sk": {"S": SNAPSHOT_SK}}
        )
        item = response.get("Item")
        if not item:
            return None
        plain = from_item(item)
        return str(plain["snapshot"]), int(plain["version"])

    def save_snapshot_with_updates(
        self, nct_id: str, snapshot_json: str, previous_version: int | None, updates: Iterable[Update]
    ) -> bool:
        """Atomically move the snapshot to the next version and store the updates its diff produced.

        The snapshot write is conditioned on the version read before diffing, so two concurrent polls cannot
        both alert on the same change; False means another writer got there first (nothing was written).
        """
        new_version = (previous_version or 0) + 1
        snapshot_put: dict[str, Any] = {
            "TableName": self._table,
            "Item": to_item(
                {
                    "pk": f"TRIAL#{nct_id}",
                    "sk": SNAPSHOT_SK,
                    "kind": "trial_snapshot",
                    "nct_id": nct_id,
                    "snapshot": snapshot_json,
                    "version": new_version,
                }
            ),
        }
        if previous_version is None:
            snapshot_put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            snapshot_put["ConditionExpression"] = "version = :v"
            snapshot_put["ExpressionAttributeValues"] = {":v": {"N": str(previous_version)}}
        snapshot_size = item_size(from_item(snapshot_put["Item"]))
        if snapshot_size > ITEM_BUDGET_BYTES:
            raise RecordRejected(nct_id, f"snapshot item of {snapshot_size} bytes is over the item limit")
        update_items = [self.sized_update_item(update) for update in updates]
        sizes = [item_size(item) for item in update_items] + [snapshot_size]
        # Sized against the transaction limits (100 actions, 4 MB): the snapshot and the updates that fit with
        # it go in one transaction; any others are put first, one by one. Update ids are deterministic (study,
        # field, value, version) and every put is conditional, so an update written early by a poll that then
        # loses the snapshot race is the very one the winner writes: nothing doubles, and the snapshot never
        # moves before all of its updates are stored.
        last = transaction_batches(sizes)[-1]
        for index in range(len(update_items)):
            if index not in last:
                self._put_if_absent(update_items[index])
        actions: list[dict[str, Any]] = [
            {"Put": snapshot_put}
            if index == len(update_items)
            else {
                "Put": {
                    "TableName": self._table,
                    "Item": to_item(update_items[index]),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
            for index in last
        ]
        try:
            cancelled = transact_write(self._ddb, actions)
        except ClientError as exc:
            if is_refused(exc):
                raise RecordRejected(nct_id, error_message(exc)) from exc
            raise
        if cancelled is not None:
            return False
        self.writes += len(actions)
        return True

    def _put_if_absent(self, item: dict[str, Any]) -> None:
        if conditional_put(
            self._ddb,
            TableName=self._table,
            Item=to_item(item),
            ConditionExpression="attribute_not_exists(pk)",
        ):
            self.writes += 1


def update_key(update_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"UPDATE#{update_id}"}, "sk": {"S": UPDATE_SK}}


def claim_key(key: str) -> dict[str, Any]:
    return {"pk": {"S": f"CLAIM#{key}"}, "sk": {"S": CLAIM_SK}}


def claim_from_item(raw: dict[str, Any]) -> Claim:
    """A stored claim item (as BatchGetItem returns it) as the domain's Claim."""
    from pipewatch.domain.ingest.dedupe import Claim

    item = from_item(raw)
    key = str(item["pk"]).removeprefix("CLAIM#")
    return Claim(key, int(item.get("version", 0)), tuple(item.get("ids", ())))


def source_state_key(source_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"SOURCE#{source_id}"}, "sk": {"S": STATE_SK}}


def source_state_from_item(source_id: str, item: dict[str, Any] | None) -> SourceState:
    """The state stored in `item` (a blank one for a source never polled: no item)."""
    if not item:
        return SourceState(source_id=source_id)
    return SourceState.from_json(from_item(item)["state"])
