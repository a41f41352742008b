"""Undated pages (issue 23, judge6cat pass): an implicit year resolves from the one year the sentence names,
else the one year the item's title or URL path names; relative years stay unresolved. Every title, URL and
sentence here is HAND-MADE (none is a labelled row or a pool row)."""

from __future__ import annotations

import pytest

from pipewatch.config import load_data_file
from pipewatch.domain.catalysts.extract import Extractor
from pipewatch.domain.catalysts.implicit_years import page_year
from pipewatch.domain.watch.watchlist import Watchlist


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(load_data_file("watchlist.yaml", Watchlist))


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        ("Pipeline outlook for 2021", "https://example.org/news/x", 2021),
        ("", "https://example.org/2019/pipeline/update.html", 2019),
        ("", "https://example.org/news/outlook-2020-approvals", 2020),
        ("A title that names 2018", "https://example.org/2031/page", 2018),  # the title first
        ("From 2019 to 2021", "https://example.org/news/x", None),  # several years: none
        ("", "https://example.org/article?id=20201234567", None),  # digits inside an id, in the query
        ("", "https://example.org/news/1020771594757566464", None),
    ],
)
def test_given_a_hand_made_title_and_url_then_the_one_year_they_name(
    title: str, url: str, expected: int | None
) -> None:
    assert page_year(title, url) == expected


@pytest.mark.parametrize(
    ("title", "url", "text", "kind", "start", "end"),
    [
        ("Pipeline outlook for 2021", "https://example.org/news/x",
         "The company plans to file in the second quarter.", "filing", "2021-04-01", "2021-06-30"),
        ("", "https://example.org/2019/pipeline/update.html", "Results are expected in March.",
         "readout", "2019-03-01", "2019-03-31"),
        ("", "https://example.org/news/outlook-2020-approvals", "A decision is expected on 12 May.",
         "decision", "2020-05-12", "2020-05-12"),
        ("Nuovi farmaci nel 2023", "https://example.org/it/x", "Il lancio è previsto nel secondo semestre.",
         "launch", "2023-07-01", "2023-12-31"),
        # the sentence's own year before the title's
        ("Outlook 2030", "https://example.org/x",
         "Il lancio è previsto a metà settembre, entro la fine del 2018.",
         "launch", "2018-09-01", "2018-09-30"),
    ],
)  # fmt: skip
def test_given_a_hand_made_undated_item_then_the_implicit_year_from_its_title_or_url(
    extractor: Extractor, title: str, url: str, text: str, kind: str, start: str, end: str
) -> None:
    found = extractor.extract(title, text, published=None, url=url)
    assert found, text
    assert (found[0].kind, str(found[0].window_start), str(found[0].window_end)) == (kind, start, end)


def test_given_a_hand_made_relative_year_on_an_undated_item_then_no_window_from_the_title(
    extractor: Extractor,
) -> None:
    # a year in a title or slug may be the story's subject ("... in 2024"), not the page's date
    found = extractor.extract(
        "Filing plans for 2024", "The filing is planned for next year.", url="https://e.org/x"
    )
    assert [(c.kind, c.window_start) for c in found] == [("filing", None)]


@pytest.mark.parametrize(
    ("text", "kind", "start"),
    [
        # a preterite recounts the first date; the second is the catalyst
        ("El producto llegó al mercado alemán a finales de 2021; "
         "la agencia dará su decisión el 10 de marzo de 2023.", "decision", "2023-03-10"),
        ("O remédio chegou às farmácias em 2021 e a decisão da Anvisa é esperada para 5 de maio de 2023.",
         "decision", "2023-05-05"),
    ],
)  # fmt: skip
def test_given_a_hand_made_preterite_on_an_undated_item_then_the_later_catalyst(
    extractor: Extractor, text: str, kind: str, start: str
) -> None:
    found = extractor.extract("", text)
    assert found, text
    assert (found[0].kind, str(found[0].window_start)) == (kind, start)


def test_given_a_hand_made_chinese_filing_already_made_on_an_undated_item_then_none(
    extractor: Extractor,
) -> None:
    assert extractor.extract("", "该产品 2024 年 5 月已递交上市申请。") == []
