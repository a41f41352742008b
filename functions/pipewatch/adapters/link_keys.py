"""The link-signing keys, kept encrypted in the table under the stack's KMS key.

One item, `LINKKEY#signing` / `LINKKEY`: the current key and the previous one, each a KMS data key stored
only as its ciphertext (KMS `GenerateDataKey`, encryption context naming the purpose and the key id), so a
table read alone never yields a key. Functions decrypt once per cold start and again after `REFRESH`
(so a rotation reaches warm functions within minutes). The first signer creates the item (a conditional
put, so concurrent cold starts agree on one key); `rotate` makes a new current key and keeps the old one
as previous (links it signed still work); `rotate(revoke=True)` keeps no previous key, so every link
signed before is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pipewatch.adapters.dynamo import conditional_put
from pipewatch.domain.subscribers.links import LinkKeys

KEY_PK = "LINKKEY#signing"
KEY_SK = "LINKKEY"
REFRESH = timedelta(minutes=5)


class LinkKeysMissing(LookupError):
    """No signing key exists yet (no link was ever signed), so no link can be valid."""


def _context(kid: int) -> dict[str, str]:
    return {"pipewatch": "link-signing-key", "kid": str(kid)}


class KmsLinkKeys:
    def __init__(
        self,
        dynamodb_client: Any,
        kms_client: Any,
        table_name: str,
        kms_key_id: str,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._ddb = dynamodb_client
        self._kms = kms_client
        self._table = table_name
        self._key_id = kms_key_id
        self._clock = clock
        self._cached: tuple[datetime, LinkKeys] | None = None

    # -- reading ---------------------------------------------------------------------------------------
    def _item(self) -> dict[str, Any] | None:
        key = {"pk": {"S": KEY_PK}, "sk": {"S": KEY_SK}}
        item: dict[str, Any] | None = self._ddb.get_item(
            TableName=self._table, Key=key, ConsistentRead=True
        ).get("Item")
        return item

    def _decrypt(self, kid: int, blob: bytes) -> bytes:
        response = self._kms.decrypt(CiphertextBlob=blob, KeyId=self._key_id, EncryptionContext=_context(kid))
        return bytes(response["Plaintext"])

    def _keys_of(self, item: dict[str, Any]) -> LinkKeys:
        current = int(item["current_kid"]["N"])
        keys = {current: self._decrypt(current, item["current_blob"]["B"])}
        if "previous_kid" in item:
            previous = int(item["previous_kid"]["N"])
            keys[previous] = self._decrypt(previous, item["previous_blob"]["B"])
        return LinkKeys(current, keys)

    def get(self, *, create: bool = False) -> LinkKeys:
        """The keys (cached for REFRESH). Without `create`, LinkKeysMissing when none exist yet."""
        now = self._clock()
        if self._cached and now - self._cached[0] < REFRESH:
            return self._cached[1]
        item = self._item()
        if item is None:
            if not create:
                raise LinkKeysMissing("no link-signing key in the table yet")
            item = self._create()
        keys = self._keys_of(item)
        self._cached = (now, keys)
        return keys

    # -- writing ---------------------------------------------------------------------------------------
    def _generate(self, kid: int) -> bytes:
        response = self._kms.generate_data_key(
            KeyId=self._key_id, KeySpec="AES_256", EncryptionContext=_context(kid)
        )
        return bytes(response["CiphertextBlob"])

    def _create(self) -> dict[str, Any]:
        item = {
            "pk": {"S": KEY_PK},
            "sk": {"S": KEY_SK},
            "kind": {"S": "link_key"},
            "version": {"N": "1"},
            "current_kid": {"N": "1"},
            "current_blob": {"B": self._generate(1)},
        }
        if conditional_put(
            self._ddb, TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)"
        ):
            return item
        existing = self._item()  # another cold start created it first: use that one
        if existing is None:
            raise LinkKeysMissing("the link-signing key was created by another writer, then not found")
        return existing

    def rotate(self, *, revoke: bool = False) -> int:
        """A new current key; the old current one becomes previous (or, with `revoke`, is dropped, so no
        earlier link verifies). Returns the new key id."""
        item = self._item() or self._create()
        version = int(item["version"]["N"])
        old_kid = int(item["current_kid"]["N"])
        new_kid = old_kid % 15 + 1  # 1..15, never equal to the previous id
        values: dict[str, Any] = {
            ":v": {"N": str(version)},
            ":nv": {"N": str(version + 1)},
            ":kid": {"N": str(new_kid)},
            ":blob": {"B": self._generate(new_kid)},
        }
        if revoke:
            expression = "SET current_kid = :kid, current_blob = :blob, version = :nv "
            expression += "REMOVE previous_kid, previous_blob"
        else:
            expression = (
                "SET previous_kid = current_kid, previous_blob = current_blob, "
                "current_kid = :kid, current_blob = :blob, version = :nv"
            )
        self._ddb.update_item(
            TableName=self._table,
            Key={"pk": {"S": KEY_PK}, "sk": {"S": KEY_SK}},
            UpdateExpression=expression,
            ConditionExpression="version = :v",
            ExpressionAttributeValues=values,
        )
        self._cached = None
        return new_kid


class UnsubscribeLinksFromKeys:
    """`unsubscribe_url` (the delivery service's UnsubscribeLinks port) signed with the stack's link keys,
    read when first needed and never created here; "" (no List-Unsubscribe header, the e-mail footer still
    says how) while no key exists yet."""

    def __init__(self, keys: KmsLinkKeys, site_url: str, clock: Callable[[], datetime]) -> None:
        self._keys = keys
        self._site_url = site_url
        self._clock = clock

    def unsubscribe_url(self, subscription_id: str) -> str:
        from pipewatch.domain.subscribers.links import SignedLinks

        try:
            keys = self._keys.get()
        except LinkKeysMissing:
            return ""
        return SignedLinks(keys, self._site_url, clock=self._clock).unsubscribe_url(subscription_id)
