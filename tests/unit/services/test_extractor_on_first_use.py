"""services/calendar.ExtractorOnFirstUse: the catalyst check's extractor is built by its first extraction,
not with the service (cold start, issue 28), and extracts what the extractor itself does."""

from __future__ import annotations

from datetime import date

from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.extract import Extractor
from pipewatch.domain.watch.watchlist import Watchlist
from pipewatch.services.calendar import ExtractorOnFirstUse

WATCHLIST = load_data_file("watchlist.yaml", Watchlist)
# Hand-made headline and lede.
TITLE = "argenx expects topline ADAPT-SERON results for efgartigimod in the second half of 2027"
LEDE = "The company plans a BLA submission for efgartigimod in Q1 2028."


def test_given_the_lazy_extractor_when_not_used_then_nothing_is_built() -> None:
    lazy = ExtractorOnFirstUse(WATCHLIST)
    assert lazy._built is None


def test_given_the_lazy_extractor_when_used_then_it_extracts_what_the_extractor_does_and_keeps_it() -> None:
    lazy = ExtractorOnFirstUse(WATCHLIST)
    expected = Extractor(WATCHLIST).extract(TITLE, LEDE, published=date(2026, 12, 1), source="wire")
    assert expected  # the hand-made text states catalysts, or the comparison proves nothing
    assert lazy.extract(TITLE, LEDE, published=date(2026, 12, 1), source="wire") == expected
    built = lazy._built
    assert lazy.extract(TITLE) == Extractor(WATCHLIST).extract(TITLE)
    assert lazy._built is built
