"""Date expressions in text -> windows with a precision (the rules of the labelled set's README).

"March 3, 2027" = that day; "June 2027" = the month; "Q2 2027" = the quarter; "2H 2026" = the half; "in 2027"
= the year; "mid-2026" (Apr-Sep), "early 2026" (Jan-Apr), "late 2026" (Sep-Dec), "by year-end 2026" (Oct-Dec),
seasons, a qualified month ("mid-September": the whole month), "by the end of <month or quarter>", ranges
("late 2026 to early 2027", "6월 말~7월 초") and "within 60 days" are `vague`. A year left implicit is
resolved from the reference date (the item's date); a fiscal year is the
sponsor's when one is configured, else the calendar year.

Pure: the reference date is passed in; nothing here reads the clock.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from pipewatch.domain.catalysts import implicit_years as iy
from pipewatch.domain.catalysts import relative_dates as rd
from pipewatch.domain.catalysts import vocabulary as v
from pipewatch.domain.catalysts.date_patterns import MONTH_OF, ORDINAL_OF

Precision = Literal["day", "month", "quarter", "half", "year", "vague"]
Modifier = Literal["early", "mid", "late", "end", ""]


@dataclass(frozen=True)
class FiscalYear:
    """A sponsor's fiscal year: the month it starts, and whether "FY2025" names the year it starts or ends
    in."""

    start_month: int = 1
    named_for: Literal["start", "end"] = "start"


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    precision: Precision

    def label(self) -> str:
        """Short human form: "2H 2026", "Q1 2027", "June 2027", "2027-03-03", "2026-09-01..2027-04-30"."""
        s, e = self.start, self.end
        if self.precision == "day":
            return s.isoformat()
        if self.precision == "month":
            return f"{calendar.month_name[s.month]} {s.year}"
        if self.precision == "quarter" and s.month in (1, 4, 7, 10) and s.year == e.year:
            return f"Q{(s.month - 1) // 3 + 1} {s.year}"
        if self.precision == "half" and s.month in (1, 7) and s.year == e.year:
            return f"{1 if s.month == 1 else 2}H {s.year}"
        if self.precision == "year" and (s.month, s.day, e.month, e.day) == (1, 1, 12, 31):
            return str(s.year)
        return f"{s.isoformat()}..{e.isoformat()}"


@dataclass(frozen=True)
class Mention:
    """One date expression found in a text: its span, and its window (None when its year cannot be told)."""

    start: int
    end: int
    precision: Precision
    window: Window | None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# Within a period of n months, the months an early/mid/late/end phrase covers: (offset, length)
def _sub_period(months: int, modifier: Modifier) -> tuple[int, int]:
    table = {
        12: {"early": (0, 4), "mid": (3, 6), "late": (8, 4), "end": (9, 3)},
        6: {"early": (0, 2), "mid": (1, 4), "late": (4, 2), "end": (4, 2)},
        3: {"early": (0, 1), "mid": (1, 1), "late": (2, 1), "end": (2, 1)},
    }
    return table[months][modifier] if modifier else (0, months)


_CJK_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# Japanese fiscal years ("2025年度") start in April unless the sponsor's is known
_JAPANESE_FISCAL = FiscalYear(4, "start")


# ------------------------------------------------------------------------------------------- resolving


@dataclass(frozen=True)
class Reference:
    """What resolves a date expression: the item's date (None: unknown) and the sponsor's fiscal year."""

    today: date | None = None
    fiscal: FiscalYear | None = None
    year: int | None = None  # with no date: the one year the item's title or URL names (implicit_years.py)


_Found = tuple[Precision, Window | None]


def _modifier(text: str | None) -> Modifier:
    if not text:
        return ""
    low = text.lower()
    if re.match(rf"(?:by\s+)?(?:{v.END})$", low):
        return "end"
    if re.match(rf"(?:{v.LATE})$", low):
        return "late"
    if re.match(rf"(?:{v.MID})$", low):
        return "mid"
    return "early"


def _year(groups: dict[str, str | None], ref: Reference) -> int | None:
    """The year a match names; None when it names none (implicit) or names a relative year with no date."""
    raw = groups.get("y") or groups.get("y2")
    if raw:
        number = int(raw)
        return number + 2000 if number < 100 else number
    rel = groups.get("rel")
    if rel:
        if ref.today is None:
            return None
        return ref.today.year + rd.RELATIVE_YEARS.get(re.sub(r"\s+", " ", rel.lower()), 0)
    zrel = groups.get("zrel")
    if zrel and ref.today is not None:
        return ref.today.year + rd.CJK_RELATIVE_YEARS.get(zrel, 0)
    season_year = groups.get("zs")  # "今秋" this autumn, "来春" next spring
    if season_year and ref.today is not None:
        return ref.today.year + (0 if season_year in ("今", "올") else 1)
    return None


def _names_a_year(groups: dict[str, str | None]) -> bool:
    return any(groups.get(k) for k in ("y", "y2", "rel", "zrel", "same", "zs"))


def _period(
    ref: Reference,
    year: int | None,
    first: int,
    months: int,
    *,
    modifier: Modifier,
    fiscal: bool,
    named: Precision,
) -> _Found:
    """A period of `months` months starting at month `first` (1-based) of a (fiscal) year, maybe narrowed by
    early/mid/late/end. With no year, the first such period not already over at the reference date."""
    offset, length = _sub_period(months, modifier)
    precision: Precision = "vague" if modifier else named
    implicit = year is None
    if year is None:
        if ref.today is None:
            return precision, None
        year = ref.today.year
    fy = ref.fiscal if fiscal and ref.fiscal is not None else FiscalYear()
    base_year = year if fy.named_for == "start" or fy.start_month == 1 else year - 1
    base = date(base_year, fy.start_month, 1)
    start = add_months(base, first - 1 + offset)
    end = add_months(start, length) - timedelta(days=1)
    if implicit and ref.today is not None and end < ref.today:
        start, end = add_months(start, 12), add_months(end + timedelta(days=1), 12) - timedelta(days=1)
    return precision, Window(start, end, precision)


def _day(ref: Reference, year: int | None, month: int, day: int) -> _Found | None:
    if year is None:
        if ref.today is None:
            return "day", None
        year = ref.today.year
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        # "June 20" said in November is next June; a date up to two months back is this year's (a recap)
        if candidate < ref.today - timedelta(days=60):
            year += 1
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return "day", Window(found, found, "day")


def _month(ref: Reference, year: int | None, month: int, modifier: Modifier) -> _Found:
    precision: Precision = "vague" if modifier else "month"
    if year is None:
        if ref.today is None:
            return precision, None
        year = ref.today.year
        if _month_end(year, month) < ref.today:
            year += 1
    # "mid-September", "by the end of June", "6월 말": the labelled rule keeps the whole month, as vague
    return precision, Window(date(year, month, 1), _month_end(year, month), precision)


def _coming_day(ref: Reference, day: int) -> _Found | None:
    """ "오는 26일": the next 26th on or after the reference date."""
    if ref.today is None:
        return "day", None
    month_start = ref.today.replace(day=1)
    for ahead in range(3):
        start = add_months(month_start, ahead)
        if day <= calendar.monthrange(start.year, start.month)[1] and start.replace(day=day) >= ref.today:
            found = start.replace(day=day)
            return "day", Window(found, found, "day")
    return None


def _relative_period(g: dict[str, str | None], ref: Reference) -> _Found:
    """ "next quarter", "this month", "le trimestre prochain": counted from the reference date."""
    phrase = g.get("rperiod")
    if phrase is not None:
        period, ahead = rd.RELATIVE_PERIODS.get(re.sub(r"\s+", " ", phrase.lower()), ("quarter", 0))
    else:
        period, ahead = rd.CJK_RELATIVE_PERIODS.get(g.get("cperiod") or "", ("quarter", 0))
    quarterly = period == "quarter"
    precision: Precision = "quarter" if quarterly else "month"
    if ref.today is None:
        return precision, None
    size = 3 if quarterly else 1
    first = date(ref.today.year, size * ((ref.today.month - 1) // size) + 1, 1)
    start = add_months(first, size * ahead)
    return precision, Window(start, add_months(start, size) - timedelta(days=1), precision)


def _month_number(text: str) -> int | None:
    """A month name; None for an ambiguous short form written in lower case ("may", "mar")."""
    low = text.lower()
    if low in v.AMBIGUOUS_MONTHS and not text[0].isupper():
        return None
    return MONTH_OF.get(low)


def _ordinal(text: str | None) -> int:
    return ORDINAL_OF.get((text or "").lower(), 1)


_IMPLICIT_DAY_OR_MONTH = frozenset({"day_month_first", "day_first", "month", "week_of_month", "half_month"})


def resolve(name: str, m: re.Match[str], ref: Reference) -> _Found | None:
    g = m.groupdict()
    year = iy.year_named_before(m) if g.get("same") else _year(g, ref)
    if g.get("jfy") or g.get("jfy2") or (g.get("zrel") or "").endswith("度"):
        # "2025年度": a fiscal year, the sponsor's or else the Japanese one
        ref = replace(ref, fiscal=ref.fiscal or _JAPANESE_FISCAL)
        g["fy"] = "fy"
    if year is None and name in _IMPLICIT_DAY_OR_MONTH and not _names_a_year(g):
        year = iy.year_named_just_before(m)
    if year is None and ref.today is None and name in _IMPLICIT_YEAR_FORMS and not _names_a_year(g):
        # no page date: the sentence's one year, else the title's or the URL's
        year = iy.only_year_in(m.string) or ref.year
    if name in _DATE_FORMS:
        return _resolve_date(name, g, year, ref)
    if name in _PERIOD_FORMS:
        return _resolve_period(name, g, year, ref)
    return _resolve_year(name, m, g, year, ref)


_DATE_FORMS = frozenset(
    {
        "iso",
        "iso_month",
        "numeric",
        "cjk_day",
        "day_month_first",
        "day_first",
        "month_year",
        "month",
        "cjk_month",
        "cjk_month_range",
        "week_of_month",
        "half_month",
    }
)
_PERIOD_FORMS = frozenset({"quarter", "quarter_short", "cjk_quarter", "half", "half_short", "cjk_half"})
_IMPLICIT_YEAR_FORMS = _IMPLICIT_DAY_OR_MONTH | _PERIOD_FORMS | {"cjk_day", "cjk_month"}
_CJK_SEASONS: dict[str, tuple[int, int]] = {
    "春": (3, 5), "봄": (3, 5), "夏": (6, 8), "여름": (6, 8), "秋": (9, 11), "가을": (9, 11),
    "冬": (12, 14), "겨울": (12, 14),
}  # fmt: skip


def _resolve_date(  # noqa: PLR0911 - one return per date form
    name: str, g: dict[str, str | None], year: int | None, ref: Reference
) -> _Found | None:
    """A day or a month."""
    if name == "numeric":
        first, second = int(g["a"] or 0), int(g["b"] or 0)
        month_first = (g["sep"] == "/" and first <= 12) or second > 12
        number, day = (first, second) if month_first else (second, first)
        return None if number > 12 else _day(ref, year, number, day)
    if name in ("iso", "cjk_day"):
        return _day(ref, year, int(g["m"] or 1), int(g["d"] or 1))
    if name in ("day_month_first", "day_first"):
        month = _month_number(g["mon"] or "")
        if month is None:
            return None
        return _day_span(_day(ref, year, month, int(g["d"] or 1)), int(g.get("d2") or 0))
    if name in ("month_year", "month", "cjk_month", "iso_month"):
        month = int(g["m"] or 1) if name in ("cjk_month", "iso_month") else _month_number(g["mon"] or "")
        modifier = _cjk_modifier(g["cmod"]) if name == "cjk_month" else _modifier(g.get("mod"))
        return None if month is None else _month(ref, year, month, modifier)
    if name == "cjk_month_range":
        first, last = int(g["m"] or 1), int(g["m2"] or 1)
        if last <= first:
            return None
        _, opening = _month(ref, year, first, "")
        if opening is None:
            return "vague", None
        end = _month_end(opening.start.year, last)
        return "vague", Window(opening.start, end, "vague")
    if name in ("half_month", "week_of_month"):
        return _part_of_month(name, g, year, ref)
    return None


def _day_span(found: _Found | None, last: int) -> _Found | None:
    """A span of days in one month ("Dec. 10-13"): vague, from the first day to the last."""
    if found is None or found[1] is None or last <= found[1].start.day:
        return found
    opening = found[1].start
    try:
        return "vague", Window(opening, opening.replace(day=last), "vague")
    except ValueError:  # "Feb. 27-30"
        return found


def _part_of_month(name: str, g: dict[str, str | None], year: int | None, ref: Reference) -> _Found | None:
    """Half a month ("primeira quinzena de maio") or a week of one ("the third week of November"): vague."""
    if name == "half_month":
        month = _month_number(g["mon"] or "")
        if month is None:
            return None
        _, whole = _month(ref, year, month, "")
        if whole is None:
            return "vague", None
        first = (g["hm"] or "").lower() in ("first", "primeira", "primera", "première", "premiere", "prima")
        start = whole.start if first else whole.start.replace(day=16)
        return "vague", Window(start, whole.start.replace(day=15) if first else whole.end, "vague")
    # the week of a month
    month = _month_number(g["mon"] or "")
    if month is None:
        return None
    _, whole = _month(ref, year, month, "")
    if whole is None:
        return "vague", None
    word = (g["ord"] or "").lower()
    number = _ordinal(word) if word in ORDINAL_OF else 5
    first_day = min(7 * (number - 1) + 1, whole.end.day - 6)
    start = whole.start.replace(day=first_day)
    return "vague", Window(start, min(start + timedelta(days=6), whole.end), "vague")


_MODIFIER_NAMES: dict[str, Modifier] = {"early": "early", "mid": "mid", "late": "late", "end": "end"}


def _cjk_modifier(word: str | None) -> Modifier:
    return _MODIFIER_NAMES.get(v.CJK_MONTH_MODIFIERS.get(word or "", ""), "")


def _resolve_period(name: str, g: dict[str, str | None], year: int | None, ref: Reference) -> _Found | None:
    """A quarter or a half, maybe of a fiscal year, maybe early/mid/late/end."""
    mod = _cjk_modifier(g.get("cmod")) if name == "cjk_quarter" else _modifier(g.get("mod"))
    fiscal = bool(g.get("fy") or g.get("fq")) and not g.get("cy")
    if name in ("quarter", "quarter_short", "cjk_quarter"):
        if name == "quarter_short" and (g.get("ql") or "").lower() == "t" and not g.get("y"):
            return None  # "T2" alone is not a quarter (T2 diabetes); "T3 2025" is
        if name == "cjk_quarter":
            number = _CJK_NUM[g["q"] or g["qq"] or "1"]
        elif name == "quarter":
            number = 4 if (g.get("ord") or "").lower() in v.LAST_ORDINALS else _ordinal(g.get("ord"))
        else:
            number = int(g.get("q") or g.get("q2") or 1)
        return _period(ref, year, 3 * (number - 1) + 1, 3, modifier=mod, fiscal=fiscal, named="quarter")
    if name in ("half", "half_short", "cjk_half"):
        if name == "half_short" and (g.get("hl") or "").lower() == "s" and not g.get("y"):
            return None
        if name == "cjk_half":
            number = int(g["hh"]) if g["hh"] else 1 if (g["h"] or g["jh"]) in ("上", "상", "前") else 2
        elif name == "half":
            number = _ordinal(g.get("ord"))
        else:
            number = int(g.get("h") or g.get("h2") or 1)
        return _period(ref, year, 6 * (number - 1) + 1, 6, modifier=mod, fiscal=fiscal, named="half")
    return None


def _resolve_year(  # noqa: C901, PLR0911, PLR0912 - one branch per year form, each a line or two
    name: str, m: re.Match[str], g: dict[str, str | None], year: int | None, ref: Reference
) -> _Found | None:
    """A year, a part of one (early/mid/late/end, a season), a relative year or a span of days."""
    mod = _modifier(g.get("mod"))
    fiscal = bool(g.get("fy") or g.get("fq")) and not g.get("cy")
    if name == "year_mod":
        return _period(ref, year, 1, 12, modifier=mod or "early", fiscal=fiscal, named="year")
    if name == "months_of_year":
        return _period(
            ref, year, 1, 12, modifier="early" if g.get("first") else "late", fiscal=fiscal, named="year"
        )
    if name == "cjk_mod":
        word = g.get("cmod") or g.get("cmod2") or "말"
        cmod = v.CJK_YEAR_MODIFIERS.get(word, v.CJK_YEAR_MODIFIERS.get(word[-1], "end"))
        return _period(
            ref, year, 1, 12, modifier=_MODIFIER_NAMES.get(cmod, "end"), fiscal=fiscal, named="year"
        )
    if name == "year_end":
        if (g.get("endword") or "").lower().strip() == "ye" and year is None:
            return None
        return _period(ref, year, 1, 12, modifier="end", fiscal=False, named="year")
    if name == "mid_year":
        return _period(ref, None, 1, 12, modifier="mid", fiscal=False, named="year")
    if name == "later_this_year":
        if ref.today is None:
            return "vague", None
        start = ref.today + timedelta(days=1)
        return "vague", Window(start, date(ref.today.year, 12, 31), "vague")
    if name == "season":
        first, last = v.SEASONS[(g["season"] or "").lower()]
        if g.get("this") and year is None and ref.today is not None:
            year = ref.today.year + (1 if (g["this"] or "").lower() in ("next", "komende") else 0)
        if g.get("next") and year is None and ref.today is not None:
            year = ref.today.year + 1
        return _period(ref, year, first, last - first + 1, modifier="", fiscal=False, named="vague")
    if name == "fiscal_ending":
        month = _month_number(g["mon"] or "")
        if month is None or year is None:
            return None
        end = _month_end(year, month)
        return "year", Window(add_months(end + timedelta(days=1), -12), end, "year")
    if name in (
        "fiscal",
        "year",
        "relative_year",
        "cjk_year",
        "cjk_short_year",
        "cy",
        "year_attributive",
        "year_label",
        "year_moved",
        "year_moved_after",
        "year_after_link",
    ):
        if name == "cjk_year" and g.get("within"):
            year = ref.today.year if ref.today else None
        if name == "year" and "fiscal" in m.group(0).lower() and not g.get("cy"):
            fiscal = True
        if name == "fiscal":
            fiscal = True
        if year is None:
            return "year", None
        return _period(ref, year, 1, 12, modifier="", fiscal=fiscal, named="year")
    if name == "cjk_coming_day":
        return _coming_day(ref, int(g["d"] or g.get("d2") or 1))
    if name == "cjk_fiscal_ending":
        end = _month_end(year or 1, int(g["m"] or 3))
        return "year", Window(add_months(end + timedelta(days=1), -12), end, "year")
    if name == "cjk_fiscal":
        return _period(ref, year, 1, 12, modifier="", fiscal=True, named="year")
    if name == "cjk_season":
        first, last = _CJK_SEASONS[g["cseason"] or "春"]
        return _period(ref, year, first, last - first + 1, modifier="", fiscal=False, named="vague")
    if name in ("relative_period", "cjk_relative_period"):
        return _relative_period(g, ref)
    if name == "within":
        if ref.today is None:
            return "vague", None
        raw = (g["n"] or "1").lower()
        count = int(raw) if raw.isdigit() else v.NUMBER_WORDS.get(raw, 1)
        unit = (g["unit"] or "days").lower()
        if unit.startswith(("week", "sem", "woch", "sett", "wek")):
            end = ref.today + timedelta(days=7 * count)
        elif unit.startswith(("month", "mois", "monat", "mes", "maand")):
            end = add_months(ref.today, count)
        else:
            end = ref.today + timedelta(days=count)
        return "vague", Window(ref.today, end, "vague")
    return None
