"""Typed errors. Each carries what a log line, a metric and an operator need: the source, the reason."""

from __future__ import annotations


class PipewatchError(Exception):
    """Base of every error pipewatch raises on purpose."""


class ConfigError(PipewatchError):
    """A configuration file is missing, unparsable or invalid. The message names file, key and problem."""


class ConfigStoreUnavailable(ConfigError):
    """The configuration store (the stack's config bucket) did not answer: an S3 error or no network. The
    message names the store and the error code; what it held is unknown, not invalid."""


class SourceError(PipewatchError):
    """A source could not be fetched or parsed. The poll records it and carries on with the other sources."""

    def __init__(self, source_id: str, reason: str, *, retryable: bool = True, status: int = 0) -> None:
        super().__init__(f"{source_id}: {reason}")
        self.source_id = source_id
        self.reason = reason
        self.retryable = retryable
        self.status = status  # the HTTP status of a final 4xx answer (0 otherwise): a 404 can be news


class PayloadError(PipewatchError):
    """A payload is not what its source promised (not a feed, not a study document, an HTML challenge)."""


class PublishError(PipewatchError):
    """Publishing one alert failed; the batch reports only this record as failed so it is retried."""

    def __init__(self, update_id: str, reason: str, *, outcome_unknown: bool = False) -> None:
        super().__init__(f"publish {update_id}: {reason}")
        self.update_id = update_id
        self.reason = reason
        # SNS may have accepted it: the request was sent and no answer came back (read timeout, connection
        # closed). The retry publishes again: the one case, with a lost success record, of a duplicate.
        self.outcome_unknown = outcome_unknown


class RecordRejected(PipewatchError):
    """One record cannot be stored or sent as it is (over an AWS size limit even after trimming, or refused
    by DynamoDB's validation). It is skipped, counted and logged with its source; its neighbours go on."""

    def __init__(self, record_id: str, reason: str, *, source_id: str = "") -> None:
        super().__init__(f"record {record_id}: {reason}")
        self.record_id = record_id
        self.reason = reason
        self.source_id = source_id


class StoreBusy(PipewatchError):
    """DynamoDB kept leaving keys of a batch read unprocessed (throttling) past the retries: the read is
    incomplete, so the caller must not act on it; the invocation fails and the next run retries."""


class PublishInProgress(PipewatchError):
    """Another invocation is publishing this very message right now (an overlapping run): skip it, it is
    not lost and must not be sent twice."""

    def __init__(self, key: str) -> None:
        super().__init__(f"publish {key}: already in progress in another invocation")
        self.key = key


# -- raised by the subscription adapters (adapters/subscriptions.py), caught by the services, API and CLI --


class SnsSubscriptionError(Exception):
    """SNS refused a subscription change; the message is SNS's reason."""


class TopicFull(SnsSubscriptionError):
    """The alerts topic holds as many filter policies as SNS allows (200 per topic unless raised)."""


class ConcurrentChange(Exception):
    """The subscription record changed since it was read (a concurrent subscribe or unsubscribe)."""


class SignInRefused(PipewatchError):
    """The identity provider refused a sign-in or a code exchange (wrong password, used or expired code);
    the message is safe to show (it names no secret)."""
