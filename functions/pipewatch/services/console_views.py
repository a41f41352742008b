"""The console's HTML: Jinja2 templates (package data, functions/pipewatch/templates/console) with
autoescaping on for every template, StrictUndefined, and one inlined stylesheet allowed by its hash in a
Content-Security-Policy as strict as the reader pages' (no script, no image, no font, no other origin: the
timeline is inline SVG markup, which needs none). Text from feeds goes through `clean` (invisible and
bidirectional controls removed) before autoescaping; only absolute http(s) URLs become outside links.

Jinja2 loads with the first page rendered (a redirect, a CSV export or a feed never needs it). The build
compiles the templates to Python modules (`compile_templates`, run by pipewatch_local.bytecode.finish_build
into templates/console_compiled, then byte-compiled with everything else), so a cold start's first page
imports its templates instead of lexing, parsing and compiling them; without that directory (a source
tree) the templates are compiled from source on first use, as before."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from pipewatch.domain.models import Update
from pipewatch.domain.render.messages import event_word
from pipewatch.domain.render.page import outlet_days, outlets, page_headline, safe_href
from pipewatch.domain.text import plain_text
from pipewatch.services.console_http import STYLESHEET, TEMPLATES

if TYPE_CHECKING:
    from jinja2 import BaseLoader, Environment

    from pipewatch.domain.subscribers.records import SubscriptionRecord

COMPILED_TEMPLATES = "templates/console_compiled"  # written by the build only (see the module's docstring)


def _outlet_names(update: Update) -> str:
    names = [label for label, _ in outlets(update)]
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _described(record: SubscriptionRecord) -> str:
    """A subscription's filter in words (the subscription pages only: their models load with them)."""
    from pipewatch.domain.subscribers.subscriptions import describe

    return describe(record.subscription).split(": ", 1)[-1]


def stylesheet_for_feeds() -> str:
    """The feed's XSL stylesheet, served as it is (not a template)."""
    return resources.files("pipewatch").joinpath(TEMPLATES, "feed.xsl").read_text("utf-8")


def compiled_templates_dir() -> Path:
    return Path(str(resources.files("pipewatch").joinpath(COMPILED_TEMPLATES)))


@cache
def environment() -> Environment:
    """The templates' environment: from the build's compiled templates when present, else the sources."""
    from jinja2 import ModuleLoader

    compiled = compiled_templates_dir()
    return source_environment(ModuleLoader(str(compiled)) if compiled.is_dir() else None)


def source_environment(loader: BaseLoader | None = None) -> Environment:
    """An environment over the template sources (or `loader`): the build compiles the templates with it,
    so lexer options, autoescaping and filters are the ones pages render with."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=loader or PackageLoader("pipewatch", TEMPLATES),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        clean=lambda text: plain_text(str(text)),
        event_word=event_word,
        headline=page_headline,
        http_url=lambda url: safe_href(url) is not None,
        outlet_count=lambda u: len(outlets(u)),
        outlet_names=_outlet_names,
        describe=_described,
    )
    return env


def compile_templates(target: Path) -> list[str]:
    """Compile every HTML template to a Python module in `target` (a directory ModuleLoader reads);
    returns the templates compiled. The build step runs this with the build's own Jinja2."""
    env = source_environment()
    names = sorted(n for n in env.list_templates() if n.endswith(".html"))
    env.compile_templates(str(target), zip=None, filter_func=lambda name: name in names, ignore_errors=False)
    return names


def render(template: str, **context: Any) -> str:
    # The stylesheet is ours and allowed by its hash: inserted as it is (escaping its quotes would change
    # the bytes the hash covers, and the browser would refuse it).
    return environment().get_template(template).render(stylesheet=Markup(STYLESHEET), **context)  # noqa: S704 - our own file


def story_outlets(update: Update) -> list[tuple[str, str, str]]:
    return [(label, url, day) for (label, url), day in zip(outlets(update), outlet_days(update), strict=True)]


# -- the agent timeline (inline SVG) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    axis: int
    start: str
    end: str
    ticks: list[dict[str, Any]]
    dots: list[dict[str, Any]]
    marks: list[dict[str, Any]]


SEVERITY_Y = {"high": 20, "medium": 45, "low": 70}


def timeline(
    updates: Sequence[Update], catalysts: Sequence[tuple[date, str]], today: date, *, width: int = 720
) -> Chart:
    """Updates as dots (higher for more severe) and coming catalysts as squares over one time axis, from
    the oldest update shown (at most a year back) to the last catalyst (at most a year ahead)."""
    height, axis, pad = 140, 100, 16
    first = min((u.first_seen.date() for u in updates), default=today - timedelta(days=90))
    first = max(first, today - timedelta(days=365))
    last = max((when for when, _ in catalysts), default=today + timedelta(days=30))
    last = min(max(last, today + timedelta(days=30)), today + timedelta(days=365))
    span = max((last - first).days, 1)

    def x(day: date) -> int:
        return pad + round((min(max(day, first), last) - first).days * (width - 2 * pad) / span)

    ticks: list[dict[str, Any]] = []
    month = date(first.year, first.month, 1)
    step = 1 if span <= 200 else 3
    while month <= last:
        if month >= first:
            ticks.append(
                {
                    "x": x(month),
                    "label": month.strftime("%b %Y")
                    if month.month == 1 or not ticks
                    else month.strftime("%b"),
                }
            )
        month = date(month.year + (month.month + step - 1) // 12, (month.month + step - 1) % 12 + 1, 1)
    ticks.append({"x": x(today), "label": "today"})
    dots = [
        {
            "x": x(u.first_seen.astimezone(UTC).date()),
            "y": SEVERITY_Y.get(u.classification.severity or "low", 70),
            "severity": u.classification.severity or "low",
            "label": f"{u.first_seen.date().isoformat()}: {page_headline(u)}",
        }
        for u in updates
    ]
    marks = [{"x": x(when), "label": f"{when.isoformat()}: {title}"} for when, title in catalysts]
    return Chart(width, height, axis, first.isoformat(), last.isoformat(), ticks, dots, marks)


def subscription_form(record: SubscriptionRecord | None) -> dict[str, Any]:
    if record is None:
        return {
            "protocol": "email",
            "endpoint": "",
            "agents": (),
            "event_types": (),
            "min_severity": "low",
            "mode": "instant",
        }
    p = record.subscription.preferences
    return {
        "protocol": record.subscription.protocol,
        "endpoint": record.subscription.endpoint,
        "agents": p.agents,
        "event_types": p.event_types,
        "min_severity": p.min_severity,
        "mode": p.mode,
    }
