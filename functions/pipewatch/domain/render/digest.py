"""A subscriber's daily digest: the matching updates since the last digest, grouped by agent and ordered by
severity, as an email (subject + plain-text body) and a one-message SMS summary. Pure: time is passed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from pipewatch.domain.catalysts.bounds import COMING_UP_MAX, OVERDUE_MAX
from pipewatch.domain.limits import MESSAGE_BUDGET_BYTES, json_text_size, truncate_text
from pipewatch.domain.models import SEVERITY_RANK, Classification, Update
from pipewatch.domain.render.chat import FOOTER_MARK
from pipewatch.domain.render.messages import (
    DEFAULT_LINK_BASE,
    DEFAULT_MANAGE_HINT,
    SMS_LIMIT,
    ascii_subject,
    event_word,
    fit_words,
    headline,
    short_link,
    to_gsm7,
    when_published,
)
from pipewatch.domain.subscribers.links import SignedLinks
from pipewatch.domain.subscribers.subscriptions import Subscription, matches
from pipewatch.domain.text import clean_line

if TYPE_CHECKING:
    from pipewatch.domain.catalysts.calendar import CalendarEntry

COMING_UP_DAYS = 30
OVERDUE_LISTED_DAYS = 365


@dataclass(frozen=True)
class DigestMessage:
    subscription_id: str
    digest_date: str
    until: str  # ISO time the digest covers up to (exclusive): the next digest starts here
    update_ids: tuple[str, ...]
    subject: str
    email: str  # the first (often only) part
    sms: str
    # A digest over one SNS message is sent in parts, each under the limit ("part 2 of 3"); `email` is part 1.
    parts: tuple[str, ...] = ()
    omitted: int = 0  # updates past MAX_DIGEST_PARTS parts (named in the last part, counted by the service)

    @property
    def key(self) -> str:
        """Idempotency key: one digest per subscriber per local date."""
        return f"{self.subscription_id}#{self.digest_date}"

    @property
    def all_parts(self) -> tuple[str, ...]:
        return self.parts or (self.email,)

    def part_key(self, index: int) -> str:
        """Idempotency key of one part: part 1 keeps the digest's key, so a one-part digest is unchanged."""
        return self.key if index == 0 else f"{self.key}#part{index + 1}"

    def part_subject(self, index: int) -> str:
        total = len(self.all_parts)
        return self.subject if total == 1 else ascii_subject(f"{self.subject} [part {index + 1} of {total}]")


# One part's e-mail text: the SNS budget less room for the subject, the SMS text and the attributes.
DIGEST_PART_BYTES = MESSAGE_BUDGET_BYTES - 4 * 1024
MAX_DIGEST_PARTS = 10


def pack_parts(
    head: list[str],
    blocks: list[list[str]],
    foot: list[str],
    *,
    part_bytes: int = DIGEST_PART_BYTES,
    full_list: str = "",
) -> tuple[tuple[str, ...], int]:
    """Blocks (one per update) packed in order into as few texts as fit `part_bytes` each (sized as the
    notifier's JSON carries them), each text with the head and the foot. At most MAX_DIGEST_PARTS parts;
    the updates beyond are counted and named in the last part. Returns (parts, omitted)."""

    def size(lines: list[str]) -> int:
        return sum(json_text_size(line) + 2 for line in lines)

    fixed = size(head) + size(foot) + 200 + len(full_list)  # + the "part k of n" and "more" lines
    room = max(1024, part_bytes - fixed)
    parts: list[list[str]] = [[]]
    used = 0
    omitted = 0
    for n, lines in enumerate(blocks):
        block = [truncate_text(line, room // 2) for line in lines]  # one giant line never fills a part
        cost = size(block)
        if parts[-1] and used + cost > room:
            if len(parts) == MAX_DIGEST_PARTS:
                omitted = len(blocks) - n
                break
            parts.append([])
            used = 0
        parts[-1].extend(block)
        used += cost
    texts = []
    for index, body in enumerate(parts):
        marker = [f"(part {index + 1} of {len(parts)})"] if len(parts) > 1 else []
        more = (
            [f"... and {omitted} more updates not shown (over {MAX_DIGEST_PARTS} messages): "
             + (f"the full list: {full_list}; " if full_list else "")
             + "narrow the subscription or switch to instant alerts."]
            if omitted and index == len(parts) - 1
            else []
        )  # fmt: skip
        texts.append("\n".join([*head, *marker, *body, *more, *foot]))
    return tuple(texts), omitted


def _rank(update: Update) -> int:
    return SEVERITY_RANK[update.classification.severity or "low"]


def select(
    subscription: Subscription, updates: Sequence[Update], since: datetime, until: datetime
) -> list[Update]:
    """The updates first seen in [since, until) that the subscription's preferences select."""
    return [u for u in updates if since <= u.first_seen < until and matches(subscription.preferences, u)]


# The group of landscape updates (competitors' events): not an agent id (ids never hold "~"), shown last in a
# section of its own so a competitor's news never reads as the watched agent's.
LANDSCAPE_GROUP = "~landscape"


def group_by_agent(subscription: Subscription, updates: Sequence[Update]) -> list[tuple[str, list[Update]]]:
    """Each update under its first agent the subscriber asked for (or its first agent); groups with the most
    severe update first, and within a group by severity, then by when it was first seen. Landscape updates
    form one last group, LANDSCAPE_GROUP, in the same order."""
    wanted = subscription.preferences.agents
    groups: dict[str, list[Update]] = {}
    landscape = [u for u in updates if u.classification.tier == "landscape"]
    for update in updates:
        if update.classification.tier == "landscape":
            continue
        agents = update.classification.agents
        agent = next((a for a in agents if a in wanted), None) or (agents[0] if agents else "other")
        groups.setdefault(agent, []).append(update)
    for items in (*groups.values(), landscape):
        items.sort(key=lambda u: (-_rank(u), u.first_seen, u.update_id))
    ordered = sorted(groups.items(), key=lambda kv: (-_rank(kv[1][0]), -len(kv[1]), kv[0]))
    return [*ordered, (LANDSCAPE_GROUP, landscape)] if landscape else ordered


def _section_heading(group: str, count: int) -> str:
    if group == LANDSCAPE_GROUP:
        return f"== landscape: competitors' news ({count}) =="
    return f"== {group} ({count}) =="


def _competitor(c: Classification) -> str:
    """ "nipocalimab (competes with efgartigimod) " before a landscape line's event word, else nothing."""
    if c.tier != "landscape":
        return ""
    return f"{c.competitor or 'competitor'} (competes with {', '.join(c.competes_with) or '-'}) "


def _sources(update: Update) -> str:
    labels = list(
        dict.fromkeys(clean_line(s) for s in (update.source_name or update.source_id, *update.sources))
    )
    return f"{', '.join(label for label in labels if label)}, {when_published(update)}"


def build_digest(
    subscription: Subscription,
    updates: Sequence[Update],
    *,
    digest_date: str,
    since: datetime,
    until: datetime,
    link_base: str = DEFAULT_LINK_BASE,
    manage_hint: str = "",
    catalysts: Sequence[CalendarEntry] = (),
    links: SignedLinks | None = None,
    notices: Sequence[str] = (),
    part_bytes: int = DIGEST_PART_BYTES,
) -> DigestMessage | None:
    """The digest of `updates` (already selected), or None when there is nothing to send. `catalysts` (the
    calendar) adds "coming up in the next 30 days" and "overdue" sections for the subscriber's agents. With
    `links`, each update links to its signed page, and the footer carries the subscriber's own feeds,
    catalyst calendar (iCalendar) and one-click unsubscribe link (a digest is one subscriber's message).
    `notices` are operator lines shown under the heading (e.g. a source failing since a time). A digest too
    long for one SNS message comes in parts (`parts`), each under the limit, in the same order."""
    if not updates:
        return None
    groups = group_by_agent(subscription, updates)
    ordered = [u for _, items in groups for u in items]
    high = sum(1 for u in ordered if u.classification.severity == "high")
    count = f"{len(ordered)} update{'s' if len(ordered) != 1 else ''}"
    subject = ascii_subject(f"pipewatch digest {digest_date}: {count} ({high} high)")
    prefs = subscription.preferences
    head = [
        f"pipewatch daily digest for {subscription.endpoint}, {digest_date} ({prefs.timezone})",
        f"{count} since {since.isoformat(timespec='minutes')}, grouped by agent, most severe first.",
        *(clean_line(note) for note in notices),
    ]
    blocks: list[list[str]] = []
    for agent, items in groups:
        for n, update in enumerate(items):
            c = update.classification
            block = ["", _section_heading(agent, len(items))] if n == 0 else []
            block.append(
                f"- [{(c.severity or 'low').upper()}] {_competitor(c)}{event_word(c.event_type)}: "
                f"{headline(update)}"
            )
            block.append(f"  {_sources(update)}")
            if c.indications:
                block.append(f"  indications: {', '.join(i.replace('_', ' ') for i in c.indications)}")
            if update.change:
                block.append(f"  what changed: {clean_line(update.change.summary)}")
            if update.url:
                block.append(f"  {clean_line(update.url)}")
            if links:
                block.append(f"  page: {links.update_url(subscription.subscription_id, update.update_id)}")
            blocks.append(block)

    coming = catalyst_sections(
        subscription,
        catalysts,
        until.date(),
        more_link=links.calendar_url(subscription.subscription_id) if links else "",
    )
    if coming:
        blocks.append(coming)

    def any_of(values: Sequence[str]) -> str:
        return ", ".join(values) or "any"

    foot = [
        FOOTER_MARK,
        f"Why you got this: your subscription {subscription.subscription_id} selects "
        f"agents {any_of(prefs.agents)}; indications {any_of(prefs.indications)}; "
        f"events {any_of(prefs.event_types)}; severity {prefs.min_severity} or above; "
        f"{'the landscape (competitors of these agents) too; ' if 'landscape' in prefs.tiers else ''}"
        f"one digest a day at {prefs.digest_hour:02d}:00 {prefs.timezone}.",
        clean_line(manage_hint)
        or (
            f"Your feeds: Atom {links.feed_url(subscription.subscription_id, 'atom')} and JSON "
            f"{links.feed_url(subscription.subscription_id, 'json')}\n"
            f"Your catalyst calendar (iCalendar; subscribe to it from Outlook or Google Calendar): "
            f"{links.calendar_url(subscription.subscription_id)}\n"
            f"Unsubscribe (one click, takes effect at once): "
            f"{links.unsubscribe_url(subscription.subscription_id)}"
            if links
            else ""
        )
        or DEFAULT_MANAGE_HINT,
    ]
    full_list = links.feed_url(subscription.subscription_id, "atom") if links else ""
    parts, omitted = pack_parts(head, blocks, foot, part_bytes=part_bytes, full_list=full_list)
    top = ordered[0]
    link = (
        links.update_url(subscription.subscription_id, top.update_id) if links else short_link(top, link_base)
    )
    per_agent = ", ".join(
        f"{'landscape' if agent == LANDSCAPE_GROUP else agent} {len(items)}" for agent, items in groups
    )
    lead = to_gsm7(f"pipewatch digest {digest_date}: {count}, {high} high. {per_agent}.")
    lead = fit_words(lead, SMS_LIMIT - len(link) - 20)
    room = SMS_LIMIT - len(lead) - len(link) - 7
    top_text = fit_words(to_gsm7(headline(top)), room) if room > 10 else ""
    sms = " ".join(part for part in (lead, f"Top: {top_text}" if top_text else "", link) if part)
    return DigestMessage(
        subscription_id=subscription.subscription_id,
        digest_date=digest_date,
        until=until.isoformat(),
        update_ids=tuple(u.update_id for u in ordered),
        subject=subject,
        email=parts[0],
        sms=sms,
        parts=parts,
        omitted=omitted,
    )


def catalyst_sections(
    subscription: Subscription, catalysts: Sequence[CalendarEntry], today: date, more_link: str = ""
) -> list[str]:
    """Digest lines for the calendar: open catalysts whose window overlaps the next 30 days, and overdue
    ones whose window closed in the last OVERDUE_LISTED_DAYS, for the subscriber's agents (all when it names
    none). Each section lists at most COMING_UP_MAX / OVERDUE_MAX, nearest first, then "... and N more"
    with `more_link` (the subscriber's calendar), so a flood of catalysts never crowds out the updates or
    the footer."""
    wanted = set(subscription.preferences.agents)
    mine = [c for c in catalysts if not wanted or c.agent in wanted]
    horizon = today + timedelta(days=COMING_UP_DAYS)
    coming = sorted(
        (
            c
            for c in mine
            if c.state in ("upcoming", "due") and c.window_start <= horizon and c.window_end >= today
        ),
        key=lambda c: (c.window_end, c.catalyst_id),
    )
    # overdue while the calendar watched (alerted), and recently: not every catalyst missed in past years
    recent = today - timedelta(days=OVERDUE_LISTED_DAYS)
    overdue = sorted(
        (c for c in mine if c.state == "overdue" and c.notified and c.window_end >= recent),
        key=lambda c: (c.window_end, c.catalyst_id),
    )
    lines: list[str] = []
    if coming:
        lines += ["", f"== coming up in the next {COMING_UP_DAYS} days ({len(coming)}) =="]
        for c in coming[:COMING_UP_MAX]:
            lines.append(
                f"- {clean_line(c.title())}: {c.window.label()} "
                f"({c.window_start.isoformat()}..{c.window_end.isoformat()}, {c.state})"
            )
            if c.links:
                lines.append(f"  {clean_line(c.links[-1])}")
        lines += _more(len(coming) - COMING_UP_MAX, "coming up", more_link)
    if overdue:
        lines += ["", f"== overdue ({len(overdue)}) =="]
        for c in overdue[-OVERDUE_MAX:]:  # the most recent
            lines.append(
                f"- {clean_line(c.title())} guided for {c.window.label()}: "
                f"window closed {c.window_end.isoformat()}"
            )
        lines += _more(len(overdue) - OVERDUE_MAX, "overdue", more_link)
    return lines


def _more(left: int, what: str, link: str) -> list[str]:
    if left <= 0:
        return []
    where = f"; the full calendar: {clean_line(link)}" if link else ""
    return [f"... and {left} more {what} not shown here{where}"]
