"""Trains the learned event fallback (ADR 0015) and writes functions/pipewatch/data/event_fallback.json.

Training rows: the TUNING halves (`_devset.half`) of tests/fixtures/labeled/headlines_dev.jsonl (packaged
watchlist) and headlines_broad_dev.jsonl (a watchlist built from its rows, as classify_eval.py does), every
row with an event label except `publication` (decided by the source and the document type, never by words).
The checking halves are never read here. A row's class is the first event of its label.

Each row is read as the classifier reads it at the fallback: the matcher's normalised title and summary,
the watched names and every rule cue's match masked (`learned.fallback_text`), so the model learns the words
that remain when the rules find nothing. Model: multinomial naive Bayes over binary features (learned.py),
Laplace smoothing `--alpha`, features held by fewer than `--min-df` training rows dropped, and so are the
words of the watchlists' sponsor names (a company says who, not what happened).

Threshold (least posterior margin a prediction needs): leave-one-out over the same tuning rows (each read
with its cues masked, as the fallback sees a document), the margin on a 0.05 grid with the largest net gain
over the default (+1 a held-out row the prediction gets right and the default wrong, -1 the reverse), the
highest margin on a tie; 1.0 (the model never answers) when no margin gains. The figures are printed.

    .venv/bin/python bench/train_fallback.py [--alpha A] [--min-df N] [--dry-run]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _devset import LABELED, ROOT, half
from classify_eval import broad_watchlist
from pipewatch.config import EVENT_FALLBACK, load_classifier, packaged_data_path
from pipewatch.domain.watch.learned import FEATURE_VERSION, EventModel, fallback_text, features
from pipewatch.domain.watch.normalize import normalize
from pipewatch.domain.watch.shared_matcher import matcher_for

FILES = ("headlines_dev.jsonl", "headlines_broad_dev.jsonl")
EXCLUDED = frozenset({"publication"})
GRID = [round(0.05 * step, 2) for step in range(20)]

Doc = tuple[str, frozenset[str], str, tuple[str, ...]]  # text read, its features, class, acceptable events


def rows_of(name: str) -> list[dict[str, Any]]:
    text = (LABELED / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def documents() -> list[Doc]:
    docs: list[Doc] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in FILES:
            rows = rows_of(name)
            watchlist = None
            if any("drug" in row for row in rows):
                watchlist = Path(tmp) / "broad_watchlist.json"
                watchlist.write_text(json.dumps(broad_watchlist(rows)), encoding="utf-8")
            classifier = load_classifier(watchlist)
            matcher = matcher_for(classifier.watchlist)
            companies = company_words(classifier.watchlist.sponsor_names())
            for row in rows:
                events = tuple(row["label"].get("event_type") or ())
                if half(row["id"]) != "tuning" or not events or events[0] in EXCLUDED:
                    continue
                found = matcher.match(row.get("title") or "", row.get("summary") or "")
                text = fallback_text(found, classifier.cue_spans)
                kept = frozenset(f for f in features(text) if not names_a_company(f, companies))
                docs.append((text, kept, events[0], events))
    return docs


def company_words(sponsors: list[str]) -> frozenset[str]:
    """The words of the watchlist's sponsor names ("roivant", "pfizer"): a company names who, never what
    happened, so its words are no features (a name seen beside results in training would vote results)."""
    return frozenset(word for name in sponsors for word in normalize(name).split() if len(word) > 2)


def names_a_company(feature: str, companies: frozenset[str]) -> bool:
    kind, _, value = feature.partition(":")
    if kind == "p":
        return any(word.startswith(value) for word in companies)
    return any(word in companies for word in value.split())


def counts(docs: list[Doc], min_df: int) -> tuple[list[str], list[int], dict[str, list[int]]]:
    classes = sorted({label for _, _, label, _ in docs})
    index = {label: i for i, label in enumerate(classes)}
    class_documents = [0] * len(classes)
    table: dict[str, list[int]] = {}
    for _, feats, label, _ in docs:
        class_documents[index[label]] += 1
        for feature in feats:
            table.setdefault(feature, [0] * len(classes))[index[label]] += 1
    kept = {feature: row for feature, row in sorted(table.items()) if sum(row) >= min_df}
    return classes, class_documents, kept


def model_data(docs: list[Doc], alpha: float, min_df: int, threshold: float) -> dict[str, Any]:
    classes, class_documents, table = counts(docs, min_df)
    return {
        "feature_version": FEATURE_VERSION,
        "classes": classes,
        "class_documents": class_documents,
        "alpha": alpha,
        "threshold": threshold,
        "feature_counts": table,
    }


def leave_one_out(docs: list[Doc], alpha: float, min_df: int, default: str) -> list[tuple[float, int]]:
    """(margin, gain) of each held-out row whose prediction would replace the default: +1 right where the
    default was wrong, -1 wrong where the default was right, 0 otherwise."""
    results = []
    for i, (text, _, _, acceptable) in enumerate(docs):
        rest = docs[:i] + docs[i + 1 :]
        model = EventModel.from_data(model_data(rest, alpha, min_df, 0.0))
        prediction = model.predict(text)
        if prediction is None or prediction.event == default:
            continue
        right, default_right = prediction.event in acceptable, default in acceptable
        results.append(
            (prediction.margin, int(right and not default_right) - int(default_right and not right))
        )
    return results


def net_gain(results: list[tuple[float, int]], threshold: float) -> int:
    return sum(gain for margin, gain in results if margin >= threshold)


def choose_threshold(results: list[tuple[float, int]]) -> float:
    """The margin with the largest net gain over the default (the highest such margin on a tie); 1.0, the
    model never answering, when no margin gains."""
    best = max(GRID, key=lambda threshold: (net_gain(results, threshold), threshold))
    return best if net_gain(results, best) > 0 else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--alpha", type=float, default=0.5)
    parser.add_argument("--min-df", type=int, default=2)
    parser.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    default = load_classifier().taxonomy.default_event
    docs = documents()
    classes = Counter(label for _, _, label, _ in docs)
    print(f"training rows (tuning halves): {len(docs)}; classes {dict(classes)}")
    results = leave_one_out(docs, args.alpha, args.min_df, default)
    for threshold in GRID[::2]:
        kept = [gain for margin, gain in results if margin >= threshold]
        print(
            f"  leave-one-out, margin >= {threshold:.2f}: {len(kept):>3} replace the default, "
            f"{kept.count(1)} gain, {kept.count(-1)} lose, net {net_gain(results, threshold):+d}"
        )
    threshold = choose_threshold(results)
    print(f"threshold: {threshold:.2f}")
    data = model_data(docs, args.alpha, args.min_df, threshold)
    data["provenance"] = {
        "script": "bench/train_fallback.py",
        "trained_on": [f"tests/fixtures/labeled/{name}: tuning half (_devset.half)" for name in FILES],
        "sha256": {name: hashlib.sha256((LABELED / name).read_bytes()).hexdigest() for name in FILES},
        "rows": len(docs),
        "date": datetime.now(UTC).date().isoformat(),
        "options": {"alpha": args.alpha, "min_df": args.min_df},
    }
    print(f"features kept: {len(data['feature_counts'])}")
    if not args.dry_run:
        path = packaged_data_path(EVENT_FALLBACK)
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
