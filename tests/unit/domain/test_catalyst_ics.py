"""The iCalendar text rules of the catalyst feed (domain/catalysts/ics): escaping and folding."""

from __future__ import annotations

from pipewatch.domain.catalysts.ics import escape_text, fold


def test_given_special_characters_then_text_is_escaped_and_folded_on_character_boundaries() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "艾加莫德" * 30
    folded = fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
