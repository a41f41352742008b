"""Accuracy of `pipewatch classify` on the labelled development headlines.

Runs the real command (`python -m pipewatch.cli classify`, the same code path as the installed `pipewatch`
script) in a subprocess on tests/fixtures/labeled/headlines_dev.jsonl and prints: precision / recall / F1 of
relevance, agent-set accuracy on relevant rows, IIM accuracy (any myositis indication among the predicted
indications vs label `iim`), event-type and severity accuracy (a prediction counts when it is in the label's
list; null labels are skipped), a confusion table of event types, the same scores by language and by
source kind (both guessed here from the text, the source name and the link: the rows carry no such label),
and every miss with its id.

    .venv/bin/python bench/classify_eval.py [--data PATH]
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from typing import Any

from _devset import LABELED, detection, load_devset, run_cli

DEFAULT_DATA = LABELED / "headlines_dev.jsonl"


def classify(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fields = ("title", "summary", "source", "url", "published")
    return run_cli(["classify"], [{key: row.get(key) for key in fields} for row in rows])


def iim_ids() -> frozenset[str]:
    from pipewatch.config import load_data_file
    from pipewatch.domain.watch.watchlist import Watchlist

    return load_data_file("watchlist.yaml", Watchlist).iim_ids()


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


class Scores:
    """Hits and totals of the five scores for one group of rows."""

    def __init__(self) -> None:
        self.n = self.rel_ok = self.rel_n = self.agent_ok = self.agent_n = 0
        self.iim_ok = self.iim_n = self.ev_ok = self.ev_n = self.sev_ok = self.sev_n = 0

    def add(self, label: dict[str, object], out: dict[str, object], iim: frozenset[str]) -> None:
        self.n += 1
        if label["relevant"] is not None:
            self.rel_n += 1
            self.rel_ok += bool(out.get("relevant")) == label["relevant"]
        if label["relevant"]:
            self.agent_n += 1
            self.agent_ok += sorted(out.get("agents") or []) == sorted(label["agents"])  # type: ignore[arg-type]
        if label["iim"] is not None:
            self.iim_n += 1
            self.iim_ok += any(ind in iim for ind in out.get("indications") or []) == label["iim"]  # type: ignore[attr-defined]
        if label["event_type"]:
            self.ev_n += 1
            self.ev_ok += (out.get("event_type") or "null") in label["event_type"]  # type: ignore[operator]
        if label["severity"]:
            self.sev_n += 1
            self.sev_ok += out.get("severity") in label["severity"]  # type: ignore[operator]

    def row(self, name: str) -> str:
        def cell(ok: int, n: int) -> str:
            return f"{ok / n:.2f} ({ok:>3}/{n:<3})" if n else f"{'-':^14}"

        cells = (
            cell(self.rel_ok, self.rel_n),
            cell(self.agent_ok, self.agent_n),
            cell(self.iim_ok, self.iim_n),
            cell(self.ev_ok, self.ev_n),
            cell(self.sev_ok, self.sev_n),
        )
        return f"{name[:36]:<36} {self.n:>4}  " + "  ".join(cells)


def print_groups(title: str, groups: dict[str, Scores]) -> None:
    print(f"\nby {title}:")
    heads = "  ".join(f"{head:<14}" for head in ("relevance", "agents", "iim", "event", "severity"))
    print(f"{'':<36} {'rows':>4}  {heads}")
    for name in sorted(groups, key=lambda g: (-groups[g].n, g)):
        print(groups[name].row(name))


def ratio(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "n/a (0 rows)"


def main() -> int:  # noqa: C901 - a flat report
    data, rows = load_devset(__doc__, DEFAULT_DATA)
    outputs = classify(rows)
    iim = iim_ids()

    tp = fp = fn = tn = 0
    agent_ok = agent_n = iim_ok = iim_n = ev_ok = ev_n = sev_ok = sev_n = 0
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    by_language: dict[str, Scores] = defaultdict(Scores)
    by_kind: dict[str, Scores] = defaultdict(Scores)
    for row, out in zip(rows, outputs, strict=True):
        label = row["label"]
        rid = row["id"]
        if "error" in out:
            misses.append(f"{rid}: CLI error {out['error']}")
            continue
        by_language[language(row)].add(label, out, iim)
        by_kind[source_kind(row)].add(label, out, iim)
        relevant = bool(out["relevant"])
        if label["relevant"] is not None:
            if relevant and label["relevant"]:
                tp += 1
            elif relevant:
                fp += 1
                misses.append(f"{rid}: relevance: predicted relevant {out['agents']}, label not relevant")
            elif label["relevant"]:
                fn += 1
                misses.append(f"{rid}: relevance: predicted not relevant, label relevant {label['agents']}")
            else:
                tn += 1
        if label["relevant"]:
            agent_n += 1
            if sorted(out["agents"]) == sorted(label["agents"]):
                agent_ok += 1
            else:
                misses.append(f"{rid}: agents: predicted {out['agents']}, label {label['agents']}")
        if label["iim"] is not None:
            iim_n += 1
            predicted_iim = any(ind in iim for ind in out["indications"])
            if predicted_iim == label["iim"]:
                iim_ok += 1
            else:
                misses.append(
                    f"{rid}: iim: predicted {predicted_iim} {out['indications']}, label {label['iim']}"
                )
        if label["event_type"]:
            ev_n += 1
            predicted = out["event_type"] or "null"
            confusion[(label["event_type"][0], predicted)] += 1
            if predicted in label["event_type"]:
                ev_ok += 1
            else:
                misses.append(f"{rid}: event: predicted {predicted}, label {label['event_type']}")
        if label["severity"]:
            sev_n += 1
            if out["severity"] in label["severity"]:
                sev_ok += 1
            else:
                misses.append(f"{rid}: severity: predicted {out['severity']}, label {label['severity']}")

    precision, recall, f1 = detection(tp, fp, fn)
    print(f"rows: {len(rows)} ({data.name})")
    print(
        f"relevance: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
        f"(tp {tp} fp {fp} fn {fn} tn {tn})"
    )
    print(f"agent-set accuracy (relevant rows): {ratio(agent_ok, agent_n)}")
    print(f"IIM accuracy: {ratio(iim_ok, iim_n)}")
    print(f"event-type accuracy: {ratio(ev_ok, ev_n)}")
    print(f"severity accuracy: {ratio(sev_ok, sev_n)}")
    print("\nevent-type confusion (label's first value -> predicted):")
    labels = sorted({gold for gold, _ in confusion})
    predicted_values = sorted({pred for _, pred in confusion})
    width = max([len(v) for v in labels + predicted_values] + [12])
    print(" " * width + " | " + " ".join(p[:width].rjust(width) for p in predicted_values))
    for gold in labels:
        cells = " ".join(str(confusion[(gold, pred)] or ".").rjust(width) for pred in predicted_values)
        print(f"{gold.ljust(width)} | {cells}")
    print_groups("language (guessed from the text)", by_language)
    print_groups("source kind (guessed from source name and link)", by_kind)
    print(f"\nmisses: {len(misses)}")
    for miss in misses:
        print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
