"""How `pipewatch demo` reads: the analyst's view by default (what happened to which drug, who got what and
why), the engine's view with --verbose (cycles, queue batches, filter policies, publishes)."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from typing import Any

from pipewatch_local.demo_calendar import CalendarDemoResult
from pipewatch_local.demo_preflight import DEMO_AGENT_ID, DemoWatchlist
from pipewatch_local.demo_subscribers import DIGEST_HOUR
from pipewatch_local.demo_webhook import WebhookDemoResult
from pipewatch_local.local_stack import ShadowSubscriber

# The demo's deliberately broken source: its URL serves an HTML error page where RSS is expected.
BROKEN_SOURCE = "ema-news"
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass
class SubscriberView:
    name: str
    channel: str
    endpoint: str
    filter_policy: dict[str, Any] | None
    shadow: ShadowSubscriber
    mode: str = "instant"
    subscription_id: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)
    digests: list[dict[str, Any]] = field(default_factory=list)
    digest_hour: int = DIGEST_HOUR
    timezone: str = "UTC"
    preferences: dict[str, Any] = field(default_factory=dict)


@dataclass
class DemoResult:
    stack_name: str
    cycles: list[dict[str, Any]]
    updates: list[dict[str, Any]]
    subscribers: list[SubscriberView]
    replayed_batch_new_messages: int
    topic_publishes: int
    digest_runs: list[dict[str, Any]] = field(default_factory=list)
    merged_copies: int = 0
    webhook: WebhookDemoResult | None = None  # the signed-webhook subscriber (demo_webhook.py)
    calendar: CalendarDemoResult | None = None  # the catalyst calendar (demo_calendar.py)
    watchlist: DemoWatchlist | None = None  # what it watched, as the user chose it (demo_preflight.py)
    source_names: dict[str, str] = field(default_factory=dict)  # source id -> the name a reader knows
    watchlist_push: Any = None  # the live watchlist push (demo_watchlist.py, issue 26)

    @property
    def ok(self) -> bool:
        return bool(self.updates) and self.replayed_batch_new_messages == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack_name,
            "cycles": self.cycles,
            "updates": self.updates,
            "subscribers": [
                {
                    "name": s.name,
                    "channel": s.channel,
                    "endpoint": s.endpoint,
                    "mode": s.mode,
                    "subscription_id": s.subscription_id,
                    "filter_policy": s.filter_policy,
                    "alerts": s.messages,
                    "digests": s.digests,
                }
                for s in self.subscribers
            ],
            "replayed_batch_new_messages": self.replayed_batch_new_messages,
            "topic_publishes": self.topic_publishes,
            "digest_runs": self.digest_runs,
            "merged_copies": self.merged_copies,
            "webhook": self.webhook.as_dict() if self.webhook else None,
            "calendar": self.calendar.as_dict() if self.calendar else None,
            "watchlist": (
                {
                    "origin": self.watchlist.origin,
                    "own": self.watchlist.own,
                    "agents": list(self.watchlist.agents),
                }
                if self.watchlist
                else None
            ),
            "sources": self.source_names,
            "watchlist_push": self.watchlist_push.as_dict() if self.watchlist_push else None,
        }

    def render(self) -> str:
        """The engine's view (cycles, batches, filter policies): `pipewatch demo --verbose`."""
        return render_verbose(self)

    def render_analyst(self) -> str:
        """What happened to which drug, who got what and why: `pipewatch demo`."""
        return render_analyst(self)


def _wanted(sub: SubscriberView) -> str:
    p = sub.preferences
    severity = p.get("min_severity") or "low"
    parts = [
        ", ".join(p.get("agents") or []) or "every agent",
        ", ".join(i.replace("_", " ") for i in p.get("indications") or []),
        ", ".join(e.replace("_", " ") for e in p.get("event_types") or []),
        f"{severity} severity and above" if severity != "low" else "",
        "and competitors' news" if "landscape" in (p.get("tiers") or []) else "",
    ]
    if sub.mode == "digest":
        how = f"one digest a day at {sub.digest_hour:02d}:00 {sub.timezone}"
    else:
        how = "as it happens"
    return f"{'; '.join(x for x in parts if x)}; {how}"


def _watched(result: DemoResult) -> list[str]:
    if result.watchlist is None:
        return []
    out = [result.watchlist.describe()]
    if DEMO_AGENT_ID not in result.watchlist.agents:
        out.append(f"  (plus {DEMO_AGENT_ID}, added for the demo to show a recorded registry change)")
    return out


def _outlet_line(update: dict[str, Any]) -> str:
    names = [o["name"] for o in update.get("outlets", [])] or update["sources"]
    if len(names) > 1:
        return f"{len(names)} outlets, one alert: {', '.join(names)}"
    return f"reported by {names[0]}" if names else ""


LANDSCAPE_HEADING = "landscape: competitors' news (subscribers who opted in)"


def _what_happened(result: DemoResult) -> list[str]:
    out = ["WHAT HAPPENED, BY DRUG"]
    by_agent: dict[str, list[dict[str, Any]]] = {}
    landscape = [u for u in result.updates if u.get("tier") == "landscape"]
    for update in result.updates:
        if update.get("tier") != "landscape":
            by_agent.setdefault((update["agents"] or ["(no agent)"])[0], []).append(update)
    groups = sorted(by_agent.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    # competitors' news last, never under a watched drug's name
    for agent, updates in [*groups, *([(LANDSCAPE_HEADING, landscape)] if landscape else [])]:
        note = " (added for the demo by configuration, to show a recorded registry change)"
        out.append(f"  {agent}{note if agent == DEMO_AGENT_ID else ''}")
        for u in sorted(updates, key=lambda u: SEVERITY_ORDER.get(u["severity"], 3)):
            title = textwrap.shorten(u["title"], 100, placeholder="...")
            out.append(f"    [{u['severity'].upper()}] {u['event_type'].replace('_', ' ')}: {title}")
            seen = "; ".join(x for x in (u.get("when", ""), _outlet_line(u)) if x)
            out.append(f"        {seen}")
            if u.get("url"):
                out.append(f"        link: {u['url']}")
            if u.get("tier") == "landscape":
                rivals = ", ".join(u.get("competes_with") or [])
                out.append(f"        competitor: {u.get('competitor')}, competes with {rivals}")
            if u["indications"]:
                out.append(f"        indications: {', '.join(i.replace('_', ' ') for i in u['indications'])}")
            if u["reasons"]:
                why = textwrap.shorten("; ".join(u["reasons"][:2]), 110, placeholder="...")
                out.append(f"        why: {why}")
    quiet = [a for a in (result.watchlist.agents if result.watchlist else ()) if a not in by_agent]
    out += [f"  {agent}: watched, nothing new" for agent in quiet]
    return out


def _day(update: dict[str, Any] | None) -> str:
    """The day an alert's story was published (else first seen), for the list of who got what."""
    if update is None:
        return ""
    return str(update.get("published") or update.get("first_seen") or "")


def _who_got_what(result: DemoResult) -> list[str]:
    out = ["WHO GOT WHAT"]
    by_id = {u["update_id"]: u for u in result.updates}
    for sub in result.subscribers:
        out += [f"  {sub.name} <{sub.endpoint}>", f"    wants: {_wanted(sub)}"]
        if sub.mode == "digest":
            for digest in sub.digests:
                out.append(f"    got 1 digest: {digest['subject']}")
                out += ["      | " + line for line in digest["message"].splitlines()]
            if not sub.digests:
                out.append("    got no digest (nothing it selects happened)")
            continue
        kind = "SMS" if sub.channel == "sms" else "e-mails"
        out.append(f"    got {len(sub.messages)} {kind}")
        for m in sub.messages:
            day = _day(by_id.get(m["update_id"]))
            text = m["sms"] if sub.channel == "sms" else m["subject"]
            out.append(f"      - {day + '  ' if day else ''}{text}")
    if result.webhook:
        out += result.webhook.summary()
    return out


def _sources(result: DemoResult) -> list[str]:
    names = result.source_names
    out = ["SOURCES"]
    if names:
        polled = ", ".join(names.values())
        out += textwrap.wrap(f"Polled twice: {polled}.", 108, initial_indent="  ", subsequent_indent="    ")
    for source in sorted({f["source"] for c in result.cycles for f in c["failed"]}):
        name = names.get(source, source)
        if source == BROKEN_SOURCE:
            out.append(
                f"  {name}: broken on purpose in this demo (it serves an HTML error page where RSS is "
                "expected), to show how a failing source is handled: retried, set aside, the others carry on."
            )
        else:
            out.append(f"  {name}: failed (see --verbose)")
    if result.replayed_batch_new_messages == 0:
        out.append("  Every update was alerted exactly once (a replayed delivery sent nothing again).")
    return out


def render_analyst(result: DemoResult) -> str:
    out = [
        "pipewatch demo: a day of drug-pipeline news, replayed offline",
        "(recorded press releases, filings, PubMed and ClinicalTrials.gov records; no AWS, no network)",
        *_watched(result),
        "",
        *_what_happened(result),
        "",
        *_who_got_what(result),
        "",
        *(result.calendar.render() if result.calendar else []),
        "",
        *([*result.watchlist_push.lines(), ""] if result.watchlist_push else []),
        *_sources(result),
        "",
        "Each alert links to a signed page: every outlet, what changed, recent updates, one-click feedback.",
        "More: pipewatch demo --verbose (the engine's figures, the webhook signatures and the logs),",
        "      --json (everything), --help.",
    ]
    return "\n".join(out)


def render_verbose(result: DemoResult) -> str:
    """The engine's view: cycles, queue batches, filter policies, publishes (`--verbose`)."""
    out: list[str] = [
        f"pipewatch demo - stack {result.stack_name} (template.yaml on moto, recorded payloads)",
        *_watched(result),
        "",
    ]
    for cycle in result.cycles:
        out.append(
            f"poll cycle {cycle['cycle']}: {cycle['sources']} sources planned as {cycle['tasks']} queue "
            f"tasks ({cycle['deliveries']} deliveries in {cycle['batches']} batches), "
            f"{cycle['new_updates']} new updates, "
            f"{cycle['not_modified']} tasks unchanged (304), {cycle['merged']} syndicated copies merged, "
            f"{len(cycle['failed'])} failed; "
            f"{cycle['alerts_published']} alerts published"
        )
        for failure in cycle["failed"]:
            out.append(
                f"  ! {failure['source']} (task {failure['task']}, parked in the poll DLQ after "
                f"{failure['receives']} receives): {failure['error']}"
                + (" [the demo's deliberately broken source]" if failure["source"] == BROKEN_SOURCE else "")
            )
    out += [
        "",
        "Classified updates",
        _table(
            ["#", "agents", "event", "sev", "indications", "title"],
            [
                [
                    str(i + 1),
                    ",".join(u["agents"]),
                    u["event_type"],
                    u["severity"],
                    ",".join(u["indications"]) or "-",
                    u["title"],
                ]
                for i, u in enumerate(result.updates)
            ],
        ),
    ]
    with_sources = [u for u in result.updates if len(u["sources"]) > 1]
    if with_sources:
        out += [
            "",
            f"Syndicated copies merged into one update ({result.merged_copies} copies, no extra alert):",
        ]
        out += [f"  - {u['title'][:90]}: {'; '.join(u['sources'])}" for u in with_sources]
    for sub in result.subscribers:
        policy = json.dumps(sub.filter_policy, sort_keys=True)
        out += [
            "",
            f"{sub.name} <{sub.endpoint}>",
            f"  SNS filter policy: {policy}",
            f"  {len(sub.messages)} instant alerts, {len(sub.digests)} digests",
        ]
        for message in sub.messages:
            if sub.channel == "sms":
                out.append(f"  - SMS ({len(message['sms'])} chars): {message['sms']}")
            else:
                out.append("  - " + message["subject"])
        for digest in sub.digests:
            out.append(f"  digest: {digest['subject']}")
            out += ["    | " + line for line in digest["message"].splitlines()]
    for run in result.digest_runs:
        out.append(
            f"\ndigest run at {run['now']} ({run['label']}): {len(run['sent'])} sent, "
            f"{len(run['empty'])} empty (not sent), {run['due']} due"
        )
    out += result.webhook.render() if result.webhook else []
    out += [
        "",
        f"Replayed the last stream batch (a Lambda retry): {result.replayed_batch_new_messages} new alerts "
        f"(exactly-once: expected 0). SNS publishes in total: {result.topic_publishes}.",
    ]
    return "\n".join(out)


def _table(headers: list[str], rows: list[list[str]], width: int = 150) -> str:
    fixed = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers[:-1])]
    fixed = [min(w, 28) for w in fixed]
    last = max(20, width - sum(fixed) - 2 * len(fixed))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers[:-1], fixed, strict=True)) + "  " + headers[-1]]
    for row in rows:
        cells = [c[:w].ljust(w) for c, w in zip(row[:-1], fixed, strict=True)]
        lines.append("  ".join(cells) + "  " + textwrap.shorten(row[-1], last, placeholder="..."))
    return "\n".join(lines)
