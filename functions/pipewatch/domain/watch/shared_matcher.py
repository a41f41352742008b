"""One `Matcher` per watchlist for the process: the poll service's classifier and its catalyst extractor
match names over the same watchlist, and building a matcher (tries of every alias, spellings, drug words)
is one of the larger costs of a cold start. `Matcher.match` is pure, so sharing one changes no result."""

from __future__ import annotations

from pipewatch.domain.watch.match import Matcher
from pipewatch.domain.watch.watchlist import Watchlist

# A few recent watchlists (a service's, a reloaded one, tests'): each entry keeps its watchlist alive, so
# the id it is found by cannot be reused by another object while the entry is here.
_KEEP = 4
_MATCHERS: dict[int, tuple[Watchlist, Matcher]] = {}


def matcher_for(watchlist: Watchlist) -> Matcher:
    entry = _MATCHERS.get(id(watchlist))
    if entry is None or entry[0] is not watchlist:
        entry = (watchlist, Matcher(watchlist))
        _MATCHERS[id(watchlist)] = entry
        while len(_MATCHERS) > _KEEP:
            del _MATCHERS[next(iter(_MATCHERS))]  # the oldest
    return entry[1]
