"""SES e-mails' List-Unsubscribe links are the reader pages' signed /unsub links (adapters.link_keys)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pipewatch.adapters.link_keys import LinkKeysMissing, UnsubscribeLinksFromKeys
from pipewatch.domain.subscribers.links import LinkKeys, SignedLinks

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
KEYS = LinkKeys(current_id=1, keys={1: b"k" * 32})


class _Keys:
    def __init__(self, keys: LinkKeys | None) -> None:
        self.keys = keys

    def get(self, *, create: bool = False) -> LinkKeys:
        assert not create  # the delivery function never creates keys
        if self.keys is None:
            raise LinkKeysMissing("none yet")
        return self.keys


def _links(keys: LinkKeys | None) -> UnsubscribeLinksFromKeys:
    store: Any = _Keys(keys)
    return UnsubscribeLinksFromKeys(store, "https://pw.example/dev", clock=lambda: NOW)


def test_given_the_stack_keys_then_the_link_is_a_signed_unsubscribe_link_for_that_subscriber() -> None:
    url = _links(KEYS).unsubscribe_url("sub-0123456789abcdef")
    assert url.startswith("https://pw.example/dev/unsub/")
    claims = SignedLinks(KEYS, "https://pw.example/dev", clock=lambda: NOW).verify(
        url.rsplit("/", 1)[1], "unsub"
    )
    assert claims.subscription_id == "sub-0123456789abcdef"


def test_given_no_key_yet_then_no_header_rather_than_a_failed_delivery() -> None:
    assert _links(None).unsubscribe_url("sub-0123456789abcdef") == ""
