"""Envelope encryption of destination credentials (webhook URL + signing secret) with AWS KMS.

`encrypt` asks KMS for a fresh AES-256 data key (GenerateDataKey), encrypts locally with AES-GCM and keeps
only the KMS-encrypted data key beside the ciphertext; `decrypt` has KMS decrypt the data key (Decrypt) and
opens the ciphertext. The encryption context (the subscription id) is bound to both: a blob copied onto
another subscription's record does not decrypt. Plaintext never leaves this module except to the caller.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

# cryptography (~30 ms of import) is imported by encrypt/decrypt: the services holding a cipher (the
# subscription API, reader, console) mostly answer requests that never open a credential.

BLOB_VERSION = 1
_NONCE_BYTES = 12


class SecretError(Exception):
    """A credential could not be encrypted or decrypted (KMS refused, or the blob was altered)."""


def _aad(context: dict[str, str]) -> bytes:
    return json.dumps(context, sort_keys=True, separators=(",", ":")).encode()


class KmsEnvelopeCipher:
    def __init__(self, kms_client: Any, key_id: str) -> None:
        self._kms = kms_client
        self._key_id = key_id

    def encrypt(self, plaintext: bytes, context: dict[str, str]) -> str:
        try:
            key = self._kms.generate_data_key(
                KeyId=self._key_id, KeySpec="AES_256", EncryptionContext=context
            )
        except (ClientError, BotoCoreError) as exc:
            raise SecretError(f"KMS GenerateDataKey failed: {exc}") from exc
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(key["Plaintext"]).encrypt(nonce, plaintext, _aad(context))
        blob = {
            "v": BLOB_VERSION,
            "k": base64.b64encode(key["CiphertextBlob"]).decode(),
            "n": base64.b64encode(nonce).decode(),
            "c": base64.b64encode(sealed).decode(),
        }
        return json.dumps(blob, separators=(",", ":"))

    def decrypt(self, token: str, context: dict[str, str]) -> bytes:
        try:
            blob = json.loads(token)
            if blob.get("v") != BLOB_VERSION:
                raise SecretError(f"unknown credential blob version {blob.get('v')!r}")
            data_key = base64.b64decode(blob["k"])
            nonce, sealed = base64.b64decode(blob["n"]), base64.b64decode(blob["c"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SecretError("credential blob is malformed") from exc
        try:
            plain_key = self._kms.decrypt(
                CiphertextBlob=data_key, EncryptionContext=context, KeyId=self._key_id
            )["Plaintext"]
        except (ClientError, BotoCoreError) as exc:
            raise SecretError(f"KMS Decrypt failed: {exc}") from exc
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            return AESGCM(plain_key).decrypt(nonce, sealed, _aad(context))
        except InvalidTag as exc:
            raise SecretError("credential blob does not open (altered, or another subscription's)") from exc
