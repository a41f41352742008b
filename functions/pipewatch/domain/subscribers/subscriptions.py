"""Subscriptions: who wants what, how, and the SNS filter policy that expresses it.

One subscription per endpoint (SNS keeps one subscription per topic, protocol and endpoint, so a second
`subscribe` for the same address changes its preferences). The id is derived from the endpoint, so a caller
who knows the address can always find, repair or remove it.

Routing: every publish on the alerts topic carries a `delivery` attribute. Instant alerts carry
`delivery=instant` plus `agents`, `indications`, `event_type`, `severity` and `severity_rank`; a digest
carries `delivery=digest` and the `subscription_id` it is for. An instant subscriber's policy requires
`delivery=instant` and its preferences; a digest subscriber's policy requires `delivery=digest` and its own
id, so it never receives instant traffic nor anyone else's digest, and SNS (email is only deliverable through
a topic subscription) still does the delivery.

Pure: no I/O, no clock (times are passed in).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipewatch.domain.limits import FILTER_POLICY_MAX_COMBINATIONS, FILTER_POLICY_MAX_KEYS
from pipewatch.domain.models import SEVERITY_RANK, EventType, Severity, Tier, Update
from pipewatch.domain.subscribers import terms
from pipewatch.domain.subscribers.channels import CHANNEL_KINDS, SubscriptionProtocol

# Defined in terms.py (read without these models, issue 28), named here as ever.
Mode = terms.Mode
SubscriptionError = terms.SubscriptionError
Protocol = SubscriptionProtocol  # every kind of subscription: domain/subscribers/channels.py CHANNELS
# Kinds delivered by the delivery function (POST to a URL) rather than by an SNS subscription of their own.
CHANNEL_PROTOCOLS: frozenset[str] = frozenset(CHANNEL_KINDS)

# SNS limits (domain/limits.py): at most 5 attribute names per filter policy, 150 value combinations.
MAX_POLICY_KEYS = FILTER_POLICY_MAX_KEYS
MAX_POLICY_COMBINATIONS = FILTER_POLICY_MAX_COMBINATIONS

# Matched whole (fullmatch): `$` would also match before a final newline, letting "+15555550123\n" through
# as a second subscription for the same number.
_E164 = re.compile(r"\+[1-9][0-9]{7,14}")
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_TLD = re.compile(r"^[A-Za-z]{2,63}$|^xn--[A-Za-z0-9-]{1,59}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def validate_email(value: str) -> str:
    """An addr-spec as mail servers accept it (no display name, no comments, no quoted local part).
    The domain is lower-cased; the local part is kept as written."""
    if value != value.strip() or any(ch.isspace() for ch in value):
        raise SubscriptionError(f"email {value!r}: no spaces allowed")
    if not value.isascii():
        raise SubscriptionError(f"email {value!r}: only ASCII addresses are accepted")
    if len(value) > 254 or value.count("@") != 1:
        raise SubscriptionError(f"email {value!r}: expected exactly one @ and at most 254 characters")
    local, domain = value.split("@")
    if not local or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        raise SubscriptionError(f"email {value!r}: invalid local part before @")
    labels = domain.split(".")
    if (
        len(labels) < 2
        or not all(_DOMAIN_LABEL.match(label) for label in labels)
        or not _TLD.match(labels[-1])
    ):
        raise SubscriptionError(f"email {value!r}: invalid domain (expected e.g. name@example.com)")
    return f"{local}@{domain.lower()}"


def validate_phone(value: str) -> str:
    """E.164: `+`, a country code that does not start with 0, 8 to 15 digits in all, nothing else."""
    if not isinstance(value, str) or not _E164.fullmatch(value):
        raise SubscriptionError(
            f"phone {value!r}: expected E.164, a + then 8 to 15 digits with no spaces or dashes, "
            "e.g. +15555550123"
        )
    return value


# Calling codes -> ISO country, for the SMS allowlist. North America (+1) is shared by the US, Canada and
# Caribbean states (premium-rate favourites of SMS pumping): their area codes are told apart below.
_CALLING_CODES = {
    "7": "RU", "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES",
    "36": "HU", "39": "IT", "40": "RO", "41": "CH", "43": "AT", "44": "GB", "45": "DK", "46": "SE",
    "47": "NO", "48": "PL", "49": "DE", "52": "MX", "54": "AR", "55": "BR", "61": "AU", "64": "NZ",
    "65": "SG", "81": "JP", "82": "KR", "86": "CN", "90": "TR", "91": "IN", "351": "PT", "353": "IE",
    "354": "IS", "358": "FI", "372": "EE", "420": "CZ", "852": "HK", "886": "TW", "972": "IL",
}  # fmt: skip
_CANADA_AREA_CODES = frozenset(
    [
        "204",
        "226",
        "236",
        "249",
        "250",
        "257",
        "263",
        "289",
        "306",
        "343",
        "354",
        "365",
        "367",
        "368",
        "382",
        "387",
        "403",
        "416",
        "418",
        "428",
        "431",
        "437",
        "438",
        "450",
        "460",
        "468",
        "474",
        "506",
        "514",
        "519",
        "548",
        "579",
        "581",
        "584",
        "587",
        "600",
        "604",
        "613",
        "639",
        "647",
        "672",
        "683",
        "705",
        "709",
        "742",
        "753",
        "778",
        "780",
        "782",
        "807",
        "819",
        "825",
        "867",
        "873",
        "879",
        "902",
        "905",
        "942",
    ]
)
_CARIBBEAN_AREA_CODES = {
    "242": "BS", "246": "BB", "264": "AI", "268": "AG", "284": "VG", "345": "KY", "441": "BM", "473": "GD",
    "649": "TC", "658": "JM", "664": "MS", "721": "SX", "758": "LC", "767": "DM", "784": "VC", "809": "DO",
    "829": "DO", "849": "DO", "868": "TT", "869": "KN", "876": "JM",
}  # fmt: skip


def phone_country(number: str) -> str:
    """ISO country of an E.164 number ("US", "CA", "JM", ...); "" when the calling code is not known."""
    digits = number.removeprefix("+")
    if digits.startswith("1") and len(digits) >= 4:
        area = digits[1:4]
        if area in _CARIBBEAN_AREA_CODES:
            return _CARIBBEAN_AREA_CODES[area]
        return "CA" if area in _CANADA_AREA_CODES else "US"
    for length in (3, 2, 1):
        country = _CALLING_CODES.get(digits[:length])
        if country:
            return country
    return ""


def check_sms_country(number: str, allowed: Collection[str]) -> None:
    """Refuse an SMS number outside the allowlist (template parameter SmsCountries, e.g. US,CA)."""
    country = phone_country(number)
    if country not in {a.strip().upper() for a in allowed}:
        raise SubscriptionError(
            f"phone {number!r}: SMS to {country or 'this calling code'} is not enabled; allowed countries: "
            f"{', '.join(sorted(allowed)) or 'none'} (template parameter SmsCountries)"
        )


def parse_endpoint(value: str) -> tuple[Protocol, str]:
    """(protocol, normalised endpoint). A value starting with + is a phone number, one with @ an email."""
    if value.startswith("+"):
        return "sms", validate_phone(value)
    if "@" in value:
        return "email", validate_email(value)
    raise SubscriptionError(
        f"endpoint {value!r}: expected an email address (name@example.com) "
        "or an E.164 phone number (+15555550123)"
    )


def subscription_id_for(endpoint: str) -> str:
    """Stable id of the subscription of an endpoint (case-insensitive for emails)."""
    protocol, normalised = parse_endpoint(endpoint)
    key = normalised.lower() if protocol == "email" else normalised
    return "sub-" + hashlib.sha256(f"{protocol}:{key}".encode()).hexdigest()[:16]


# Names zoneinfo opens that are no IANA zone: the host's own setting ("localtime": whatever the machine
# running the digest says), tzdata's placeholder "Factory", the POSIX-rules template, and the copies of the
# database under posix/ and right/ (right/ counts leap seconds).
_NOT_ZONES = frozenset({"localtime", "factory", "posixrules"})
_NOT_ZONE_TREES = frozenset({"posix", "right"})


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(value: str) -> str:
    """An IANA time zone name that zoneinfo knows (Europe/Brussels, UTC), nothing host-specific."""
    special = value.casefold() in _NOT_ZONES or value.split("/", 1)[0].casefold() in _NOT_ZONE_TREES
    try:
        if special or value not in _zone_names():
            raise ZoneInfoNotFoundError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SubscriptionError(
            f"time zone {value!r}: not an IANA time zone name (e.g. Europe/Brussels)"
        ) from exc
    return value


class Preferences(BaseModel):
    """What a subscriber wants. An empty list means "any"."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    agents: tuple[str, ...] = ()
    indications: tuple[str, ...] = ()
    event_types: tuple[EventType, ...] = ()
    min_severity: Severity = "low"
    mode: Mode = "instant"
    # "own": the watched agents' news; "landscape": their competitors' events (opt-in)
    tiers: tuple[Tier, ...] = ("own",)
    digest_hour: int = Field(default=7, ge=0, le=23, strict=True)  # "7" and 7.0 are refused, not coerced
    timezone: str = "UTC"

    @field_validator("agents", "indications", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        """Ids as the watchlist writes them: case and surrounding spaces do not matter ("Efgartigimod")."""
        if not isinstance(value, list | tuple):
            return value
        normalised = []
        for item in value:
            text = item.strip().lower() if isinstance(item, str) else item
            if not isinstance(text, str) or not _ID.fullmatch(text):
                raise ValueError(f"{item!r} is not an id (lower-case letters, digits, underscores)")
            normalised.append(text)
        return tuple(sorted(set(normalised)))

    @field_validator("event_types")
    @classmethod
    def _unique_events(cls, value: tuple[EventType, ...]) -> tuple[EventType, ...]:
        return tuple(sorted(set(value)))

    @field_validator("tiers")
    @classmethod
    def _tiers(cls, value: tuple[Tier, ...]) -> tuple[Tier, ...]:
        if not value:
            raise ValueError('tiers lists at least one of "own", "landscape"')
        return tuple(sorted(set(value), key=("own", "landscape").index))

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return validate_timezone(value)


class Subscription(BaseModel):
    """A validated subscription: its id, endpoint and preferences. For email and SMS the endpoint is the
    address; for slack/teams/webhook it is the masked URL (the URL itself is stored encrypted beside the
    record, see services/subscriptions.py) and the id comes from the URL (`channel_subscription_id`).
    `owner` is an e-mail address told when a chat or webhook destination keeps failing."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    subscription_id: str = ""
    endpoint: str
    protocol: Protocol = "email"
    preferences: Preferences = Field(default_factory=Preferences)
    owner: str = ""

    @property
    def is_channel(self) -> bool:
        return self.protocol in CHANNEL_PROTOCOLS

    @field_validator("owner")
    @classmethod
    def _owner(cls, value: str) -> str:
        return validate_email(value) if value else ""

    @model_validator(mode="before")
    @classmethod
    def _endpoint(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("protocol") in CHANNEL_PROTOCOLS:
            if not str(data.get("subscription_id", "")).startswith("sub-"):
                raise SubscriptionError("a slack/teams/webhook subscription needs its id from its URL")
            return data
        if isinstance(data, dict) and isinstance(data.get("endpoint"), str):
            protocol, endpoint = parse_endpoint(data["endpoint"])
            data = {**data, "endpoint": endpoint, "protocol": protocol}
            data["subscription_id"] = subscription_id_for(endpoint)
        return data

    @property
    def mode(self) -> Mode:
        return self.preferences.mode

    def check_known(self, agents: Collection[str], indications: Collection[str]) -> None:
        """Reject agents and indications the watchlist does not know (a typo would silently match nothing)."""
        unknown_agents = sorted(set(self.preferences.agents) - set(agents))
        if unknown_agents:
            raise SubscriptionError(f"unknown agents {unknown_agents}; known: {sorted(agents)}")
        unknown_indications = sorted(set(self.preferences.indications) - set(indications))
        if unknown_indications:
            raise SubscriptionError(
                f"unknown indications {unknown_indications}; known: {sorted(indications)}"
            )

    def filter_policy(self) -> dict[str, list[Any]]:
        return filter_policy(self)


# The filter policy of a paused SNS subscription. SNS has no pause, so the subscription stays and its policy
# asks for a `delivery` value no publish carries: adapters/notifier.py publishes only "instant", "landscape"
# and "digest" (tests/unit/adapters/test_paused_policy.py checks every kind of message against this policy).
PAUSED_DELIVERY = "paused"
PAUSED_FILTER_POLICY: dict[str, list[Any]] = {"delivery": [PAUSED_DELIVERY]}


def filter_policy(subscription: Subscription) -> dict[str, list[Any]]:
    """The SNS filter policy (scope MessageAttributes) that selects exactly what the subscription wants."""
    prefs = subscription.preferences
    if prefs.mode == "digest":
        return {"delivery": ["digest"], "subscription_id": [subscription.subscription_id]}
    # Own news by default: an instant alert of the landscape (a competitor's event, issue 26) is published
    # with delivery "landscape", so this policy (and every one written before the tier existed) never gets
    # one. A subscriber who opts in selects by `tier` instead, which digests (no tier attribute) never carry.
    # Either way one key: SNS allows 5 per policy.
    policy: dict[str, list[Any]] = (
        {"delivery": ["instant"]} if prefs.tiers == ("own",) else {"tier": list(prefs.tiers)}
    )
    if prefs.agents:
        policy["agents"] = list(prefs.agents)
    if prefs.indications:
        policy["indications"] = list(prefs.indications)
    if prefs.event_types:
        policy["event_type"] = list(prefs.event_types)
    rank = SEVERITY_RANK[prefs.min_severity]
    if rank > 0:
        policy["severity_rank"] = [{"numeric": [">=", rank]}]
    combinations = 1
    for values in policy.values():
        combinations *= len(values)
    if len(policy) > MAX_POLICY_KEYS or combinations > MAX_POLICY_COMBINATIONS:
        raise SubscriptionError(
            f"too many choices for one SNS filter policy: {combinations} combinations of "
            "agents x indications x "
            f"event types (SNS allows {MAX_POLICY_COMBINATIONS}); leave a list empty to mean 'any'"
        )
    return policy


def matches(prefs: Preferences, update: Update) -> bool:
    """The filter policy's semantics on an update (used for digests, which SNS does not filter)."""
    c = update.classification
    if not c.relevant or c.event_type is None or c.tier not in prefs.tiers:
        return False
    agents = c.competes_with if c.tier == "landscape" else c.agents
    if prefs.agents and not set(prefs.agents) & set(agents):
        return False
    if prefs.indications and not set(prefs.indications) & set(c.indications):
        return False
    if prefs.event_types and c.event_type not in prefs.event_types:
        return False
    return SEVERITY_RANK[c.severity or "low"] >= SEVERITY_RANK[prefs.min_severity]


def local_digest_date(prefs: Preferences, now: datetime) -> str:
    """The subscriber's calendar date at `now` (aware), which names its digest."""
    return now.astimezone(ZoneInfo(prefs.timezone)).date().isoformat()


def digest_due(prefs: Preferences, now: datetime, last_digest_date: str | None) -> bool:
    """Due once per local day, at or after the local digest hour (a late or missed run still sends it)."""
    if prefs.mode != "digest":
        return False
    local = now.astimezone(ZoneInfo(prefs.timezone))
    if local.hour < prefs.digest_hour:
        return False
    return last_digest_date is None or last_digest_date < local.date().isoformat()


def describe(subscription: Subscription) -> str:
    p = subscription.preferences

    def any_of(values: Iterable[str]) -> str:
        return ",".join(values) or "any"

    how = f"digest at {p.digest_hour:02d}:00 {p.timezone}" if p.mode == "digest" else "instant"
    return (
        f"{subscription.subscription_id} {subscription.protocol} {subscription.endpoint}: "
        f"agents={any_of(p.agents)} indications={any_of(p.indications)} events={any_of(p.event_types)} "
        f"min_severity={p.min_severity} {how}"
    )
