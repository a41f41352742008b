"""SMS short codes (domain/subscribers/short_links.py): deterministic per key and update, unguessable without
the key, of a fixed shape; SignedLinks gives them the page link's lifetime and the site's `/s/` route."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipewatch.domain.subscribers.links import LinkKeys, SignedLinks
from pipewatch.domain.subscribers.short_links import (
    CODE_LENGTH,
    ShortLink,
    is_short_code,
    short_code,
    short_url,
)

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def test_given_the_same_key_and_update_then_the_code_is_the_same_so_a_retry_reuses_it() -> None:
    assert short_code(KEY, "u-approval") == short_code(KEY, "u-approval")


def test_given_a_code_then_it_has_ten_base62_characters() -> None:
    codes = [short_code(KEY, f"u-{n}") for n in range(200)]
    assert all(len(code) == CODE_LENGTH == 10 and is_short_code(code) for code in codes)
    assert len(set(codes)) == len(codes)  # no two of 200 updates share a code


def test_given_another_key_then_the_code_differs_so_it_cannot_be_derived_from_the_update_id() -> None:
    assert short_code(KEY, "u-approval") != short_code(OTHER_KEY, "u-approval")


@pytest.mark.parametrize(
    "text", ["", "abc", "Zq4k7TnP2x1", "Zq4k7TnP2-", "../u/token", "Zq4k7TnP2\u00e9", "Zq4k7TnP2x\n"]
)
def test_given_text_of_another_shape_then_it_is_not_a_code(text: str) -> None:
    assert not is_short_code(text)


def test_given_an_empty_update_id_then_no_code_is_made() -> None:
    with pytest.raises(ValueError, match="names an update"):
        short_code(KEY, "")


def test_given_signed_links_then_the_short_link_lives_as_long_as_a_page_link_on_the_sites_s_route() -> None:
    links = SignedLinks(LinkKeys(1, {1: KEY}), "https://pw.example/dev/", clock=lambda: NOW)

    link = links.short_link("u-approval")

    assert link == ShortLink(short_code(KEY, "u-approval"), "u-approval", NOW + timedelta(days=90), 1)
    assert links.accepts_key(1) and not links.accepts_key(2)
    assert links.short_url(link.code) == f"https://pw.example/dev/s/{link.code}"
    assert short_url("https://pw.example/dev/", link.code) == links.short_url(link.code)
    assert not link.expired(NOW + timedelta(days=89)) and link.expired(NOW + timedelta(days=90))
