"""KMS envelope encryption of destination credentials (adapters/secrets.py) on moto KMS: a round trip, a
fresh data key and nonce per blob, and no way to open a blob under another subscription's context or after
it was altered."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from pipewatch.adapters.secrets import KmsEnvelopeCipher, SecretError


@pytest.fixture
def cipher() -> Iterator[KmsEnvelopeCipher]:
    import boto3
    from moto import mock_aws

    with mock_aws():
        kms = boto3.client("kms", region_name="us-east-1")
        key = kms.create_key(Description="test")["KeyMetadata"]["Arn"]
        yield KmsEnvelopeCipher(kms, key)


def test_given_a_credential_then_it_round_trips_and_the_blob_holds_no_plaintext(cipher: Any) -> None:
    plain = b'{"url": "https://hooks.slack.com/services/T0/B0/SECRETPATH", "secret": "whsec_x"}'
    blob = cipher.encrypt(plain, {"subscription_id": "sub-a"})
    assert b"SECRETPATH" not in blob.encode()
    assert cipher.decrypt(blob, {"subscription_id": "sub-a"}) == plain
    again = cipher.encrypt(plain, {"subscription_id": "sub-a"})
    assert json.loads(again)["k"] != json.loads(blob)["k"]  # a fresh data key
    assert json.loads(again)["n"] != json.loads(blob)["n"]  # and nonce


def test_given_another_subscriptions_context_or_an_altered_blob_then_it_does_not_open(cipher: Any) -> None:
    blob = cipher.encrypt(b"https://example.com/hook", {"subscription_id": "sub-a"})
    with pytest.raises(SecretError, match="KMS Decrypt failed"):
        cipher.decrypt(blob, {"subscription_id": "sub-b"})
    altered = json.loads(blob)
    sealed = bytearray(base64.b64decode(altered["c"]))
    sealed[0] ^= 1
    altered["c"] = base64.b64encode(bytes(sealed)).decode()
    with pytest.raises(SecretError, match="does not open"):
        cipher.decrypt(json.dumps(altered), {"subscription_id": "sub-a"})
    with pytest.raises(SecretError, match="malformed"):
        cipher.decrypt("not json", {"subscription_id": "sub-a"})
