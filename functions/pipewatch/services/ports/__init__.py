"""Ports: what the use cases need from the outside world, as Protocols, and the records they exchange.

Services are typed against these, never against an adapter class, so a service runs in a unit test on an
in-memory fake (tests/fakes.py) and the composition root alone decides which adapter stands behind each.
Each port is narrow: it names only what its service calls. A port two services share is written once and
composed (`UpdateReader` is `UpdateLookup` + `RecentUpdates`). Adapters may import this module (the
contracts they fulfil); nothing here imports an adapter or a service, and the domain types are imported
for type checking only, so importing a port costs a Lambda's cold start nothing.

Sections follow the use cases, one module each, all re-exported here (import ports from this package):
shared.py (read by several), ingest.py (poll, calendar, plan), delivery.py (alert, digest, subscriptions,
delivery), web.py (reader, console), config.py (live configuration, watchlist check).
"""

from __future__ import annotations

from pipewatch.services.ports.config import (
    ConfigObject,
    ConfigSource,
    ConfigStore,
    ConfigVersion,
    HeadlineCorpus,
    WordFrequencies,
)
from pipewatch.services.ports.delivery import (
    CatalystObserver,
    Decrypter,
    DeliveryState,
    DigestPublisher,
    DigestSubscriptions,
    DigestUpdates,
    EmailSender,
    Encrypter,
    JobQueue,
    Poster,
    Publisher,
    RedeliveryQueue,
    ShortLinkWriter,
    StreamUpdates,
    SubscriptionRecords,
    TopicSubscriptions,
    UnsubscribeLinks,
)
from pipewatch.services.ports.ingest import (
    AgentLike,
    CatalystExtractor,
    CatalystRepository,
    Expect,
    Fetcher,
    HttpResponse,
    RegistryWatchlistLike,
    SourcePoller,
    SourceStateWithMarks,
    TaskQueue,
    UpdateStore,
    WatchlistLike,
    WatchMarkEraser,
    WatchMarkStore,
)
from pipewatch.services.ports.shared import (
    CatalystLister,
    MetricsSink,
    RecentUpdates,
    SubscriptionReader,
    UpdateLookup,
)
from pipewatch.services.ports.web import (
    CatalystSource,
    FeedbackLabels,
    FeedbackStore,
    IdentityProvider,
    IndexedUpdate,
    KeySetSource,
    KeySource,
    ShortLinkReader,
    SourceHealth,
    Subscriptions,
    UpdateIndex,
    UpdateReader,
)

__all__ = [
    "AgentLike",
    "CatalystExtractor",
    "CatalystLister",
    "CatalystObserver",
    "CatalystRepository",
    "CatalystSource",
    "ConfigObject",
    "ConfigSource",
    "ConfigStore",
    "ConfigVersion",
    "Decrypter",
    "DeliveryState",
    "DigestPublisher",
    "DigestSubscriptions",
    "DigestUpdates",
    "EmailSender",
    "Encrypter",
    "Expect",
    "FeedbackLabels",
    "FeedbackStore",
    "Fetcher",
    "HeadlineCorpus",
    "HttpResponse",
    "IdentityProvider",
    "IndexedUpdate",
    "JobQueue",
    "KeySetSource",
    "KeySource",
    "MetricsSink",
    "Poster",
    "Publisher",
    "RecentUpdates",
    "RedeliveryQueue",
    "RegistryWatchlistLike",
    "ShortLinkReader",
    "ShortLinkWriter",
    "SourceHealth",
    "SourcePoller",
    "SourceStateWithMarks",
    "StreamUpdates",
    "SubscriptionReader",
    "SubscriptionRecords",
    "Subscriptions",
    "TaskQueue",
    "TopicSubscriptions",
    "UnsubscribeLinks",
    "UpdateIndex",
    "UpdateLookup",
    "UpdateReader",
    "UpdateStore",
    "WatchMarkEraser",
    "WatchMarkStore",
    "WatchlistLike",
    "WordFrequencies",
]
