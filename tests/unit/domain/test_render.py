"""SMS and email formats on real labelled headlines, plus hostile text."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipewatch.config import load_classifier
from pipewatch.domain.models import Classification, TrialChange, Update
from pipewatch.domain.render.messages import (
    SMS_LIMIT,
    fit_words,
    is_gsm7,
    render_alert,
    render_email_body,
    render_email_subject,
    render_sms,
    to_gsm7,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _labelled() -> list[Update]:
    classifier = load_classifier()
    updates = []
    for line in (FIXTURES / "labeled" / "headlines_dev.jsonl").read_text().splitlines():
        row = json.loads(line)
        c = classifier.classify(row["title"], row["summary"] or "")
        if not c.relevant:
            continue
        updates.append(
            Update(
                update_id=f"u-{row['id'].lower()}0123456789abcdef01234",
                title=row["title"],
                summary=row["summary"] or "",
                url=row["url"],
                source_id="labelled",
                source_name=row["source"],
                classification=c,
                first_seen=NOW,
            )
        )
    return updates


LABELLED = _labelled()


def _update(title: str, **kwargs: object) -> Update:
    values: dict[str, object] = {
        "update_id": "u-0123456789abcdef01234567",
        "title": title,
        "url": "https://example.com/a",
        "source_id": "test",
        "source_name": "Test Wire",
        "classification": Classification(
            relevant=True,
            agents=("efgartigimod",),
            indications=("myasthenia_gravis",),
            event_type="regulatory",
            severity="high",
            reasons=('agent efgartigimod: "Vyvgart" (brand) in title',),
        ),
        "first_seen": NOW,
    }
    values.update(kwargs)
    return Update(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("update", LABELLED, ids=lambda u: u.update_id[2:5])
def test_given_a_real_headline_when_rendered_as_sms_then_one_gsm7_message_severity_agent_first_link_last(
    update: Update,
) -> None:
    sms = render_sms(update)

    assert len(sms) <= SMS_LIMIT
    assert is_gsm7(sms)
    c = update.classification
    subject = f"landscape {c.competitor}" if c.tier == "landscape" else c.agents[0]
    assert sms.startswith(f"{(c.severity or 'low').upper()} {subject}")
    assert sms.split(" ")[-1].startswith("http")
    text = sms.rsplit(" ", 1)[0].split(": ", 1)[1]
    if text.endswith("..."):
        # nothing cut mid-word: the kept words are whole words of the headline
        words = text[:-3].split()
        # (a comma right before the ellipsis may be dropped: "Controlled," -> "Controlled...")
        assert words[-1].rstrip(",;:") in [word.rstrip(",;:") for word in to_gsm7(update.title).split()]


@pytest.mark.parametrize("update", LABELLED, ids=lambda u: u.update_id[2:5])
def test_given_a_real_headline_when_rendered_as_email_then_subject_and_body_carry_the_contract(
    update: Update,
) -> None:
    alert = render_alert(update)

    assert alert.subject.isascii() and len(alert.subject) <= 100 and "\n" not in alert.subject
    assert alert.subject.startswith(f"[{update.classification.severity.upper()}] ")  # type: ignore[union-attr]
    body = alert.message
    assert f"Source: {update.source_name}" in body
    assert "Indications: " in body and "Link: " + update.url in body
    assert "Why you got this:" in body and update.classification.reasons[0] in body
    # The footer speaks to readers: how to stop alerts in plain words, never a command or an API path.
    assert "unsubscribe" in body.splitlines()[-1] and "administrator" in body.splitlines()[-1]
    assert "pipewatch unsubscribe" not in body and "`" not in body and "DELETE" not in body


def test_given_curly_quotes_and_emoji_then_the_sms_transliterates_them() -> None:
    sms = render_sms(
        _update("argenx\u2019s \u201cVyvgart\u201d wins \U0001f389 approval \u2014 finally\u2026 [US] \u00e9")
    )

    assert 'argenx\'s "Vyvgart" wins approval - finally... (US) e' in sms
    assert is_gsm7(sms)


def test_given_a_very_long_headline_then_the_sms_is_cut_between_words_and_keeps_the_link() -> None:
    sms = render_sms(_update("word " * 60 + "end"))

    assert len(sms) <= SMS_LIMIT
    assert "wor..." not in sms and "word..." in sms
    assert sms.endswith("https://example.com/a")


def test_given_a_long_url_then_the_sms_uses_the_configured_short_base() -> None:
    update = _update("Approval", url="https://example.com/" + "x" * 120)

    assert render_sms(update, "https://pw.example/u").endswith(
        "https://pw.example/u/u-0123456789abcdef01234567"
    )


def test_given_a_page_link_too_long_for_any_sms_then_the_short_link_is_used_instead() -> None:
    update = _update("Approval", url="https://example.com/" + "x" * 120)
    page = "https://pw.example/dev/u/" + "T" * 140

    sms = render_sms(update, "https://pw.example/u", page_link=page)
    assert len(sms) <= SMS_LIMIT
    assert sms.endswith("https://pw.example/u/u-0123456789abcdef01234567")


def test_given_a_trial_change_then_the_email_says_what_changed() -> None:
    change = TrialChange(
        nct_id="NCT01",
        field="overallStatus",
        old="RECRUITING",
        new="TERMINATED",
        event_type="trial_status",
        severity="high",
        summary="ALKIVIA (NCT01): status Recruiting -> Terminated",
    )
    body = render_email_body(_update("ignored", change=change))

    assert body.startswith("ALKIVIA (NCT01): status Recruiting -> Terminated")
    expected = "ALKIVIA (NCT01): status Recruiting -> Terminated (overallStatus: RECRUITING -> TERMINATED)"
    assert f"What changed: {expected}" in body


def test_given_markup_and_control_characters_then_neither_format_carries_them() -> None:
    update = _update(
        '<script>alert(1)</script>Vyvgart\x07 <b>approved</b> <a href="javascript:x()">here</a>\u202e',
        summary="<img src=x onerror=alert(1)>text\x00\x1b[31m",
    )
    alert = render_alert(update)

    for text in (alert.subject, alert.message, alert.sms):
        assert "<" not in text and "javascript:" not in text.lower()
        assert not any(ord(ch) < 32 and ch != "\n" for ch in text) and "\u202e" not in text
    assert "Vyvgart approved here" in alert.message


def test_given_subject_limits_then_long_subjects_end_on_a_word() -> None:
    subject = render_email_subject(_update("Approval " * 30))

    assert len(subject) <= 100 and subject.endswith("Approval...")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("a bc def", 8, "a bc def"), ("a bc def", 7, "a bc..."), ("abcdef", 4, "")],
)
def test_given_fit_words_then_it_never_cuts_inside_a_word(text: str, limit: int, expected: str) -> None:
    assert fit_words(text, limit) == expected
