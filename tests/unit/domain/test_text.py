from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipewatch.domain.text import canonical_url, clean_text, fix_mojibake, to_utc


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("safe<script type='text/javascript'>location.href='x';</script> description", "safe description"),
        ("<style>p{color:red}</style>Text", "Text"),
        ("<iframe src='http://evil'>inner</iframe>after", "after"),
        ("<object data='x'><embed src='y'>fallback</embed></object>ok", "ok"),
        ('<div onmouseover="steal()">hover</div>', "hover"),
        ("&lt;b&gt;bold&lt;/b&gt; &amp;amp; co", "bold & co"),  # double-encoded markup and entity
        ("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;hi", "hi"),  # double-encoded script
        ("a<br/>b<p>c</p>\n\n  d\t\te", "a b c d e"),
        ("<!-- <script>x</script> -->visible", "visible"),
        ("Caf\u00e9\x00\x07 \u200bok", "Café ok"),
        ("x < y and y > z", "x < y and y > z"),
        ("  ", ""),
        (None, ""),
    ],
)
def test_clean_text(raw: str | None, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_event_handler_left_as_text_is_removed() -> None:
    assert "onclick" not in clean_text('broken onclick="evil()" tag')
    assert "javascript:" not in clean_text("go javascript:alert(1)")


def test_clean_text_max_length_cuts_at_a_word() -> None:
    out = clean_text("efgartigimod " * 50, max_length=40)
    assert len(out) <= 40
    assert out.endswith("…")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Roivantâ€™s", "Roivant’s"), ("â\x80¦", "…"), ("Ã©tÃ©", "été"), ("naïve", "naïve"), ("Â£5", "£5")],
)
def test_fix_mojibake(raw: str, expected: str) -> None:
    assert fix_mojibake(raw) == expected


@given(st.text())
def test_clean_text_never_raises_and_never_emits_a_tag(raw: str) -> None:
    out = clean_text(raw)
    assert "<script" not in out.lower()
    assert out == out.strip()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "HTTPS://WWW.Example.COM:443/Path?utm_source=x&b=2&a=1&fbclid=z&gclid=q#frag",
            "https://www.example.com/Path?a=1&b=2",
        ),
        ("https://x.com/a?ref=abc&id=5&amp;mc_cid=1&mc_eid=2", "https://x.com/a?id=5"),
        ("http://a.com", "http://a.com/"),
        ("http://a.com:8080/x?utm_medium=rss", "http://a.com:8080/x"),
        ("javascript:alert(1)", ""),
        ("data:text/html,hi", ""),
        ("mailto:a@b.c", ""),
        ("", ""),
        ("not a url", ""),
        ("http://a.com:99999/", ""),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("https://Pubmed.ncbi.nlm.nih.gov/123/?utm_campaign=a&z=1&a=2")
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-08-19T09:00:06", datetime(2026, 8, 19, 9, 0, 6, tzinfo=UTC)),
        ("2016-03-01T06:02:42-05:00", datetime(2016, 3, 1, 11, 2, 42, tzinfo=UTC)),
        ("2025-01-24T10:00:00Z", datetime(2025, 1, 24, 10, tzinfo=UTC)),
        ("2012-05", datetime(2012, 5, 1, tzinfo=UTC)),
        ("2019", datetime(2019, 1, 1, tzinfo=UTC)),
        ("2019 Aug 27", datetime(2019, 8, 27, tzinfo=UTC)),
        ("2019 Aug-Sep", datetime(2019, 8, 1, tzinfo=UTC)),
        ("2019 Spring", datetime(2019, 3, 1, tzinfo=UTC)),
        ("2019/08/28 06:00", datetime(2019, 8, 28, 6, tzinfo=UTC)),
        ("Tue, 05 Dec 2023 16:59:37 EST", datetime(2023, 12, 5, 21, 59, 37, tzinfo=UTC)),
        ("garbage", None),
        ("", None),
        ("2019-13-45", None),
    ],
)
def test_to_utc_strings(raw: str, expected: datetime | None) -> None:
    assert to_utc(raw) == expected


def test_to_utc_other_types() -> None:
    assert to_utc(time.gmtime(0)) == datetime(1970, 1, 1, tzinfo=UTC)
    assert to_utc(datetime(2020, 1, 1)) == datetime(2020, 1, 1, tzinfo=UTC)
    plus2 = timezone(timedelta(hours=2))
    assert to_utc(datetime(2020, 1, 1, 2, tzinfo=plus2)) == datetime(2020, 1, 1, tzinfo=UTC)
    assert to_utc(date(2020, 2, 3)) == datetime(2020, 2, 3, tzinfo=UTC)
    assert to_utc(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert to_utc(None) is None
    assert to_utc(True) is None
    assert to_utc(object()) is None
    result = to_utc("2020-01-01T00:00:00+05:00")
    assert result is not None and result.tzinfo is UTC
