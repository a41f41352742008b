"""Accuracy of `pipewatch classify` on every labelled headline file, each file scored separately and split
into a tuning half and a checking half by a fixed hash of the row id (`_devset.half`).

Runs the real command (`python -m pipewatch.cli classify`, the same code path as the installed `pipewatch`
script) in a subprocess:
- tests/fixtures/labeled/headlines_dev.jsonl with the packaged watchlist: relevance precision / recall / F1,
  agent-set accuracy on relevant rows, IIM accuracy (any myositis indication among the predicted indications
  vs label `iim`), event-type and severity accuracy;
- tests/fixtures/labeled/headlines_broad_dev.jsonl (rows about any drug) with a watchlist built from the rows
  (`--watchlist FILE`): one agent per `drug.id` with its aliases, beside the packaged indications and
  settings. Every row is relevant to exactly its drug: relevance recall, agents, event type and severity.

Relevance counts the watched agents' own news; a landscape item (a competitor's event, tier `landscape`) is
counted apart, with the items that would name a watched agent or that the label says are own news (both
must be 0).

An event type or severity counts when it is in the label's list; null labels are skipped. For each file it
prints the scores of the tuning half, the checking half and all rows, and the gap tuning - checking. Rules are
written from the tuning half's misses only (`--misses tuning`); the checking half shows whether they hold on
rows nobody looked at. `--detail` adds the event-type confusion and the scores by language and source kind
(both guessed here from the text, the source name and the link: the rows carry no such label).

    .venv/bin/python bench/classify_eval.py [--data PATH ...] [--misses tuning|checking|all] [--detail]
        [--learned-fallback]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from _devset import LABELED, ROOT, detection, half, run_cli

DEFAULT_DATA = (LABELED / "headlines_dev.jsonl", LABELED / "headlines_broad_dev.jsonl")
HALVES = ("tuning", "checking", "all")


# `--learned-fallback`: the classifier asks the learned event model where no rule cue fires (ADR 0015)
LEARNED = ["--learned-fallback"] if "--learned-fallback" in sys.argv else []


def classify(rows: list[dict[str, Any]], watchlist: Path | None) -> list[dict[str, Any]]:
    fields = ("title", "summary", "source", "url", "published")
    command = (
        ["classify", *LEARNED] if watchlist is None else ["classify", *LEARNED, "--watchlist", str(watchlist)]
    )
    return run_cli(command, [{key: row.get(key) for key in fields} for row in rows])


def iim_ids() -> frozenset[str]:
    from pipewatch.config import load_data_file
    from pipewatch.domain.watch.watchlist import Watchlist

    return load_data_file("watchlist.yaml", Watchlist).iim_ids()


# ------------------------------------------------------------------------------ watchlist of the broad set


def agent_id(drug_id: str) -> str:
    """A watchlist id for a drug id as written ("vla15 (lyme ...)" -> "vla15_lyme_...")."""
    slug = re.sub(r"[^a-z0-9]+", "_", drug_id.lower()).strip("_")
    return slug if slug[:1].isalpha() else f"d_{slug}"


def broad_watchlist(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The packaged watchlist's settings and indications, with one agent per drug of the rows (its aliases as
    generic names, or code names when they hold a digit). An alias two drugs share is kept by the first."""
    from pipewatch.config import packaged_json_path
    from pipewatch.domain.watch.normalize import match_key

    data = json.loads(packaged_json_path("watchlist.yaml").read_text(encoding="utf-8"))
    agents: dict[str, dict[str, Any]] = {}
    owner: dict[str, str] = {}
    for row in rows:
        drug = row["drug"]
        ident = agent_id(drug["id"])
        agent = agents.setdefault(
            ident,
            {
                "id": ident,
                "name": drug["id"],
                "sponsor": drug.get("company") or "unknown",
                "aliases": {"generic": [], "codes": []},
            },
        )
        for alias in (drug["id"], *drug["aliases"]):
            key = match_key(alias)
            if not key or owner.setdefault(key, ident) != ident:
                continue
            kind = "codes" if any(ch.isdigit() for ch in alias) else "generic"
            if alias not in agent["aliases"][kind]:
                agent["aliases"][kind].append(alias)
    data["agents"] = list(agents.values())
    return data


# --------------------------------------------------------------------------------------- guessed groups

# Function words by language: the language with the most hits in title + summary (English on a tie or none).
_STOPWORDS = {
    "en": ["the", "and", "of", "for", "with", "in", "to", "is", "from", "its", "on", "at", "as", "by"],
    "nl": [
        "de",
        "het",
        "een",
        "van",
        "en",
        "met",
        "voor",
        "niet",
        "zijn",
        "dat",
        "bij",
        "ook",
        "naar",
        "wordt",
    ],
    "it": ["il", "la", "di", "che", "per", "con", "una", "della", "nel", "sono", "degli", "alla", "gli"],
    "fr": ["le", "la", "les", "des", "du", "et", "une", "pour", "dans", "est", "sur", "avec", "au", "aux"],
    "de": ["der", "die", "das", "und", "mit", "fur", "von", "den", "ist", "im", "zur", "zum", "eine", "bei"],
    "es": ["el", "la", "los", "las", "de", "del", "y", "con", "para", "en", "una", "por", "que", "su"],
    "pt": ["o", "a", "os", "as", "de", "do", "da", "e", "com", "para", "em", "uma", "que", "no", "na"],
}
_WORD = re.compile(r"[a-zà-ÿ]+")


def language(row: dict[str, object]) -> str:
    text = f"{row.get('title') or ''} {row.get('summary') or ''}"
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\uac00-\ud7af]", text):
        return "ko"
    if re.search(r"[\u4e00-\u9fff]", text):
        return "zh"
    words = Counter(_WORD.findall(text.lower()))
    scores = {lang: sum(words[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] else "en"


_REGISTRY = re.compile(
    r"clinicaltrials|clinical-?trials?/|trial regist|clinicaltrialsregister|ichgcp|centerwatch|medifind"
    r"|trialx|trials\.co|withpower|trial listing|research-summaries|studi-clinici|/find-a-trial"
    r"|encuentre-un-estudio",
    re.IGNORECASE,
)
_JOURNAL = re.compile(
    r"abstract|pubmed|pmid|journal|lancet|nejm|annals|rheumatol|expert rev|congress|editors|pmc\d",
    re.IGNORECASE,
)
_RELEASE = re.compile(
    r"press release|globenewswire|business wire|sec edgar|newsroom|exhibit 99|6-k|8-k", re.I
)


def source_kind(row: dict[str, object]) -> str:
    where = f"{row.get('source') or ''} {row.get('url') or ''}"
    title = str(row.get("title") or "")
    if _REGISTRY.search(where):
        kind = "registry/trial finder"
    elif _JOURNAL.search(where):
        kind = "journal/abstract"
    elif _RELEASE.search(where):
        kind = "press release/filing"
    else:
        kind = "news"
    if title and title == title.lower() and title.isascii():
        kind += " (slug title)"
    return kind


# -------------------------------------------------------------------------------------------------- scores


def row_label(row: dict[str, Any], agent_of: dict[str, str] | None) -> dict[str, Any]:
    """The row's label in the headlines_dev shape (a broad row is relevant to exactly its drug)."""
    if agent_of is None:
        return dict(row["label"])
    return {"relevant": True, "agents": [agent_of[row["drug"]["id"]]], "iim": None, **row["label"]}


class Scores:
    """Hits and totals of one group of rows, and its misses."""

    def __init__(self) -> None:
        self.n = self.tp = self.fp = self.fn = self.tn = 0
        self.agent_ok = self.agent_n = self.iim_ok = self.iim_n = 0
        self.ev_ok = self.ev_n = self.sev_ok = self.sev_n = 0
        # landscape tier (issue 26): items, those naming a watched agent (must be 0), and labelled own news
        # classified as landscape (must be 0)
        self.landscape = self.landscape_attributed = self.landscape_own = 0
        self.misses: list[str] = []

    def add(  # noqa: C901 - one flat tally per score
        self, row: dict[str, Any], label: dict[str, Any], out: dict[str, Any], iim: frozenset[str]
    ) -> None:
        self.n += 1
        rid = f"{row['id']}: {str(row.get('title') or '')[:90]!r}"
        if "error" in out:
            self.misses.append(f"{rid}: CLI error {out['error']}")
            return
        # A landscape item is a competitor's news, not the watched agent's: relevance scores own news only.
        landscape = out.get("tier") == "landscape"
        relevant = bool(out["relevant"]) and not landscape
        if landscape:
            self.landscape += 1
            self.landscape_attributed += bool(out["agents"])
            self.landscape_own += bool(label["relevant"])
            if out["agents"] or label["relevant"]:
                self.misses.append(f"{rid}: landscape item {out['competitor']} with agents {out['agents']}")
        if label["relevant"] is not None:
            if relevant and label["relevant"]:
                self.tp += 1
            elif relevant:
                self.fp += 1
                self.misses.append(f"{rid}: relevance: predicted {out['agents']}, label not relevant")
            elif label["relevant"]:
                self.fn += 1
                self.misses.append(f"{rid}: relevance: predicted not relevant, label {label['agents']}")
            else:
                self.tn += 1
        if label["relevant"]:
            self.agent_n += 1
            if sorted(out["agents"]) == sorted(label["agents"]):
                self.agent_ok += 1
            elif relevant:
                self.misses.append(f"{rid}: agents: predicted {out['agents']}, label {label['agents']}")
        if label["iim"] is not None:
            self.iim_n += 1
            predicted_iim = any(ind in iim for ind in out["indications"])
            self.iim_ok += predicted_iim == label["iim"]
            if predicted_iim != label["iim"]:
                self.misses.append(f"{rid}: iim: predicted {predicted_iim} {out['indications']}")
        if label["event_type"]:
            self.ev_n += 1
            predicted = out["event_type"] or "null"
            if predicted in label["event_type"]:
                self.ev_ok += 1
            else:
                self.misses.append(f"{rid}: event: predicted {predicted}, label {label['event_type']}")
        if label["severity"]:
            self.sev_n += 1
            if out["severity"] in label["severity"]:
                self.sev_ok += 1
            else:
                self.misses.append(f"{rid}: severity: predicted {out['severity']}, label {label['severity']}")

    def values(self) -> dict[str, float | None]:
        def share(ok: int, n: int) -> float | None:
            return ok / n if n else None

        precision, recall, f1 = detection(self.tp, self.fp, self.fn)
        scored = self.tp + self.fp + self.fn
        return {
            "rel P": precision if scored else None,
            "rel R": recall if scored else None,
            "rel F1": f1 if scored else None,
            "agents": share(self.agent_ok, self.agent_n),
            "iim": share(self.iim_ok, self.iim_n),
            "event": share(self.ev_ok, self.ev_n),
            "severity": share(self.sev_ok, self.sev_n),
        }

    def counts(self) -> dict[str, str]:
        return {
            "rel P": f"{self.tp}/{self.tp + self.fp}",
            "rel R": f"{self.tp}/{self.tp + self.fn}",
            "rel F1": "",
            "agents": f"{self.agent_ok}/{self.agent_n}",
            "iim": f"{self.iim_ok}/{self.iim_n}",
            "event": f"{self.ev_ok}/{self.ev_n}",
            "severity": f"{self.sev_ok}/{self.sev_n}",
        }


def cell(value: float | None, count: str = "") -> str:
    text = "-" if value is None else f"{value:.3f}"
    return f"{text} {('(' + count + ')') if count else '':<9}"


def print_file(name: str, halves: dict[str, Scores]) -> None:
    columns = [key for key in halves["all"].values() if halves["all"].values()[key] is not None]
    print(f"{'half':<9} {'rows':>4}  " + "  ".join(f"{c:<15}" for c in columns))
    for which in HALVES:
        scores = halves[which]
        values, counts = scores.values(), scores.counts()
        print(f"{which:<9} {scores.n:>4}  " + "  ".join(f"{cell(values[c], counts[c]):<15}" for c in columns))
    tuning, checking = halves["tuning"].values(), halves["checking"].values()
    gaps = []
    for column in columns:
        first, second = tuning[column], checking[column]
        gaps.append("-" if first is None or second is None else f"{first - second:+.3f}")
    print(f"{'gap t-c':<9} {'':>4}  " + "  ".join(f"{gap:<15}" for gap in gaps))


def print_detail(
    rows: list[dict[str, Any]], labels: list[dict[str, Any]], outputs: list[dict[str, Any]]
) -> None:
    confusion: Counter[tuple[str, str]] = Counter()
    groups: dict[str, dict[str, Scores]] = {"language": defaultdict(Scores), "source": defaultdict(Scores)}
    for row, label, out in zip(rows, labels, outputs, strict=True):
        if label["event_type"] and "error" not in out:
            confusion[(label["event_type"][0], out["event_type"] or "null")] += 1
        groups["language"][language(row)].add(row, label, out, frozenset())
        groups["source"][source_kind(row)].add(row, label, out, frozenset())
    print("event-type confusion (label's first value -> predicted):")
    gold_values = sorted({gold for gold, _ in confusion})
    predicted_values = sorted({pred for _, pred in confusion})
    width = max([len(v) for v in gold_values + predicted_values] + [12])
    print(" " * width + " | " + " ".join(p[:width].rjust(width) for p in predicted_values))
    for gold in gold_values:
        cells = " ".join(str(confusion[(gold, pred)] or ".").rjust(width) for pred in predicted_values)
        print(f"{gold.ljust(width)} | {cells}")
    for title, by_group in groups.items():
        print(f"by {title} (guessed):   rows  event           severity")
        for group in sorted(by_group, key=lambda g: (-by_group[g].n, g)):
            scores = by_group[group]
            values, counts = scores.values(), scores.counts()
            print(
                f"  {group[:28]:<28} {scores.n:>4}  {cell(values['event'], counts['event']):<15} "
                f"{cell(values['severity'], counts['severity'])}"
            )


def evaluate(data: Path, misses: str | None, detail: bool) -> None:
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    broad = any("drug" in row for row in rows)
    agent_of = {row["drug"]["id"]: agent_id(row["drug"]["id"]) for row in rows} if broad else None
    with tempfile.TemporaryDirectory() as tmp:
        watchlist = None
        if broad:
            watchlist = Path(tmp) / "broad_watchlist.json"
            watchlist.write_text(json.dumps(broad_watchlist(rows)), encoding="utf-8")
        outputs = classify(rows, watchlist)
    iim = iim_ids()
    halves = {which: Scores() for which in HALVES}
    labels = [row_label(row, agent_of) for row in rows]
    for row, label, out in zip(rows, labels, outputs, strict=True):
        halves[half(row["id"])].add(row, label, out, iim)
        halves["all"].add(row, label, out, iim)
    how = "a watchlist built from its rows" if broad else "the packaged watchlist"
    print(f"\n== {data.name}: {len(rows)} rows, {how}")
    print_file(data.name, halves)
    landscape = "  ".join(
        f"{which} {halves[which].landscape} (attributed to a watched agent "
        f"{halves[which].landscape_attributed}, labelled own news {halves[which].landscape_own})"
        for which in HALVES
    )
    print(f"landscape items: {landscape}")
    if detail:
        print_detail(rows, labels, outputs)
    if misses:
        print(f"misses of the {misses} half ({len(halves[misses].misses)}):")
        for miss in halves[misses].misses:
            print(f"  {miss}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, action="append", help="a labelled file (default: both headline sets)"
    )
    parser.add_argument("--misses", choices=HALVES, help="list the misses of this half")
    parser.add_argument(
        "--detail", action="store_true", help="confusion table, scores by language and source"
    )
    parser.add_argument(
        "--learned-fallback", action="store_true", help="ask the learned event fallback (ADR 0015)"
    )
    args = parser.parse_args()
    for data in args.data or DEFAULT_DATA:
        evaluate(data if data.is_absolute() else Path.cwd() / data, args.misses, args.detail)
    print(f"\n(rules are written from the tuning half's misses only; run from {ROOT.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
