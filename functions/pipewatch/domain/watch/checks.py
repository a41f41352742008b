"""Checks of a valid watchlist that its schema cannot make (issue 26): names that are ordinary words, and
names that match recorded headlines not about their agent.

Pure: the word frequencies (a function) and the recorded headlines are given by the caller (the service
`services/watchlist_check.py`, which gets them from adapters).

Ordinary words. A name of these kinds that is a word of everyday text in any configured language matches
news about anything ("Jasmine tea sales soar in China" became an anifrolumab alert through the trial
acronym JASMINE). Such a trial acronym belongs under `ambiguous_trials` (then it needs its exact capitals
and a trial word nearby); any other such name is refused. Generic names (INNs) and code names are exempt:
they are assigned to the drug, so even a frequent one ("insulin") names it. Only one-word names are looked
up: a word list scores a phrase by its rarest word's neighbours, not as a phrase ("ADVANCE IV").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from pipewatch.domain.watch.match import Matcher
from pipewatch.domain.watch.normalize import match_key, normalize
from pipewatch.domain.watch.watchlist import Watchlist

# Zipf frequency (log10 of occurrences per billion words; 3.0 = once per million words) from which a word is
# ordinary. Today's ordinary-word acronyms score from 3.27 (RHO, Italian) to 5.19 (VALOR, Portuguese) and
# JASMINE 3.61 (English); every name, code and brand of the watchlist and its competitors scores below 2.0.
ORDINARY_ZIPF = 3.0
# Alias kinds looked up (generic names and codes are exempt, see above); trial acronyms and competitor
# names are looked up too.
CHECKED_KINDS = ("brands", "trials", "other")
# Unlabelled headlines are listed for names that may be words (a generic name, a code, a program reference
# or an NCT id is the agent's by definition).
NAME_KINDS = frozenset({"brands", "trials", "ambiguous_trials", "other"})
EXAMPLES_PER_NAME = 3  # unlabelled headlines listed per name (the count says how many matched in all)

Zipf = Callable[[str, str], float]  # (word, language) -> zipf frequency, 0.0 for an unknown word


class Finding(NamedTuple):
    """One problem or warning, as `watchlist check` prints it: agent, key, name, what is wrong."""

    agent: str
    key: str
    name: str
    problem: str

    def line(self) -> str:
        return f"agent {self.agent!r}: {self.key}: {self.name!r}: {self.problem}"


class RecordedHeadline(NamedTuple):
    """A headline of the project's recorded corpus, with the agents its label says it is about (None when
    it has no label: a recorded feed)."""

    ref: str  # file and row id, for the report
    title: str
    summary: str
    about: frozenset[str] | None


def _one_word(name: str) -> str:
    """The name as one lower-case word ("ALKIVIA+" -> "alkivia"), or "" when it is a phrase."""
    words = normalize(name).split()
    return words[0] if len(words) == 1 else ""


def _named(watchlist: Watchlist) -> Iterable[tuple[str, str, str, frozenset[str]]]:
    """(agent id, key, name, the agent's ambiguous acronyms) of every name the ordinary-word check reads."""
    for agent in watchlist.agents:
        allowed = frozenset(match_key(term) for term in agent.aliases.ambiguous_trials)
        for kind in CHECKED_KINDS:
            for alias in getattr(agent.aliases, kind):
                yield agent.id, f"aliases.{kind}", alias, allowed
        for trial in agent.trials:
            if trial.acronym:
                yield agent.id, "trials.acronym", trial.acronym, allowed
        for competitor in agent.competitors:
            for name in competitor.aliases:
                yield agent.id, f"competitors[{competitor.drug}].aliases", name, frozenset()


def ordinary_words(
    watchlist: Watchlist, zipf: Zipf, languages: Sequence[str], threshold: float = ORDINARY_ZIPF
) -> list[Finding]:
    """Every checked one-word name that is an ordinary word in one of `languages` and not listed under its
    agent's `ambiguous_trials` (each name once per agent and key)."""
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    for agent_id, key, name, allowed in _named(watchlist):
        word = _one_word(name)
        if not word or match_key(name) in allowed or (agent_id, key, word) in seen:
            continue
        seen.add((agent_id, key, word))
        scores = [(zipf(word, language), language) for language in languages]
        score, language = max(scores, default=(0.0, ""))
        if score >= threshold:
            where = (
                "list it under aliases.ambiguous_trials (then it needs its capitals and a trial word nearby)"
                if key in {"aliases.trials", "trials.acronym"}
                else "remove it (a name that is an ordinary word matches news about anything)"
            )
            findings.append(
                Finding(
                    agent_id,
                    key,
                    name,
                    f"an ordinary word in {language!r} (zipf {score:.2f} >= {threshold:.1f}): {where}",
                )
            )
    return findings


def headline_matches(watchlist: Watchlist, headlines: Iterable[RecordedHeadline]) -> list[Finding]:
    """Recorded headlines an agent's name would match that are not about the agent: every labelled one, and
    up to EXAMPLES_PER_NAME unlabelled ones per name of NAME_KINDS (with their count), to read."""
    matcher = Matcher(watchlist)
    findings: list[Finding] = []
    unlabelled: dict[tuple[str, str, str], list[str]] = {}
    for headline in headlines:
        found = matcher.match(headline.title, headline.summary)
        for evidence in found.agents:
            if headline.about is not None:
                if evidence.target not in headline.about:
                    about = ", ".join(sorted(headline.about)) or "no watched agent"
                    findings.append(
                        Finding(
                            evidence.target,
                            f"aliases.{evidence.kind}",
                            evidence.term,
                            f"matches {headline.ref} {headline.title[:100]!r}, labelled about {about}",
                        )
                    )
            elif evidence.kind in NAME_KINDS:
                key = (evidence.target, evidence.kind, evidence.term)
                unlabelled.setdefault(key, []).append(f"{headline.ref} {headline.title[:100]!r}")
    for (agent_id, kind, term), refs in unlabelled.items():
        shown = "; ".join(refs[:EXAMPLES_PER_NAME])
        findings.append(
            Finding(
                agent_id,
                f"aliases.{kind}",
                term,
                f"matches {len(refs)} unlabelled headline(s), check they are about it: {shown}",
            )
        )
    return findings
