"""The live configuration files in the stack's versioned S3 bucket (issue 26, docs/decisions/0009).

One object per file (`watchlist.yaml`, `taxonomy.yaml`, `sources.yaml`); S3 versioning keeps every version,
with who changed it and their note as object metadata. Functions read the current version with a conditional
GET (If-None-Match on the ETag they hold); the CLI writes, lists and reads back versions.
"""

from __future__ import annotations

from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from pipewatch.errors import ConfigError, ConfigStoreUnavailable
from pipewatch.services.ports import ConfigObject, ConfigVersion

CHANGED_BY = "changed-by"
NOTE = "note"
# Object metadata travels as HTTP headers: ASCII only, and S3 caps all of it at 2 KB.
_METADATA_CHARS = 500
_NOT_FOUND = {"NoSuchKey", "404", "NotFound", "NoSuchVersion"}


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")[:_METADATA_CHARS]


class S3ConfigStore:
    def __init__(self, s3_client: Any, bucket: str) -> None:
        self._s3 = s3_client
        self._bucket = bucket

    def _where(self, key: str) -> str:
        return f"s3://{self._bucket}/{key}"

    def current(self, key: str, *, etag: str = "") -> ConfigObject | Literal["not_modified"] | None:
        params: dict[str, Any] = {"Bucket": self._bucket, "Key": key}
        if etag:
            params["IfNoneMatch"] = etag
        try:
            answer = self._s3.get_object(**params)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in {"304", "NotModified"}:
                return "not_modified"
            if code in _NOT_FOUND:
                return None
            raise ConfigError(f"{self._where(key)}: cannot read: {code or exc}") from exc
        return self._object(key, answer)

    def version(self, key: str, version_id: str) -> ConfigObject:
        try:
            answer = self._s3.get_object(Bucket=self._bucket, Key=key, VersionId=version_id)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            raise ConfigError(f"{self._where(key)}: no version {version_id} ({code or exc})") from exc
        return self._object(key, answer)

    def put(self, key: str, body: str, *, changed_by: str, note: str) -> str:
        answer = self._s3.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=body.encode("utf-8"),
            ContentType="application/yaml",
            Metadata={CHANGED_BY: _ascii(changed_by), NOTE: _ascii(note)},
        )
        return str(answer.get("VersionId", ""))

    def history(self, key: str) -> list[ConfigVersion]:
        """Every version of `key`, newest first (one HEAD per version for its metadata).
        ConfigStoreUnavailable when S3 does not answer the listing (access refused, no bucket, no network)."""
        try:
            return self._history(key)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            raise ConfigStoreUnavailable(f"{self._where(key)}: cannot list versions ({code or exc})") from exc
        except BotoCoreError as exc:
            raise ConfigStoreUnavailable(f"{self._where(key)}: cannot list versions ({exc})") from exc

    def _history(self, key: str) -> list[ConfigVersion]:
        versions: list[ConfigVersion] = []
        paginator = self._s3.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self._bucket, Prefix=key):
            for entry in page.get("Versions", []):
                if entry["Key"] != key:
                    continue
                head = self._s3.head_object(Bucket=self._bucket, Key=key, VersionId=entry["VersionId"])
                metadata = head.get("Metadata", {})
                versions.append(
                    ConfigVersion(
                        key=key,
                        version_id=str(entry["VersionId"]),
                        modified=entry["LastModified"],
                        changed_by=str(metadata.get(CHANGED_BY, "")),
                        note=str(metadata.get(NOTE, "")),
                        latest=bool(entry.get("IsLatest")),
                    )
                )
        versions.sort(key=lambda v: (v.latest, v.modified), reverse=True)
        return versions

    @staticmethod
    def _object(key: str, answer: dict[str, Any]) -> ConfigObject:
        body = answer["Body"].read().decode("utf-8")
        return ConfigObject(
            key=key,
            body=body,
            etag=str(answer.get("ETag", "")),
            version_id=str(answer.get("VersionId", "")),
        )
