"""Accuracy of `pipewatch catalysts extract` on every labelled catalyst file, each scored separately.

Runs the real command (`python -m pipewatch.cli catalysts extract`) in a subprocess on each file of
tests/fixtures/labeled/ (catalysts_dev.jsonl, catalysts_broad_dev.jsonl; each row's sentence as the summary,
with its title, date, source and URL) and prints, for each file, each half (tuning, checking, all; fixed by a
hash of the row id, see _devset.half) and each of English / other languages: detection precision / recall /
F1 (a row has a catalyst or not), kind accuracy and window exactness (start and end both equal) on the
labelled catalysts, and the gap between the tuning and the checking half. A row's label names one catalyst;
the prediction compared with it is the first catalyst extracted (sentence order).

Rules are written from the tuning half's misses only (`--misses` prints them); the checking half shows
whether they hold on rows nobody tuned on.

    .venv/bin/python bench/catalyst_eval.py [--data PATH ...] [--misses]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _devset import LABELED, detection, half, run_cli

DEFAULT_FILES = (LABELED / "catalysts_dev.jsonl", LABELED / "catalysts_broad_dev.jsonl")

# Language of a row, for the English / other split: a script that is not Latin, or more function words of
# the other nine languages than of English.
_NON_LATIN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ENGLISH_WORDS = frozenset(
    {"the", "and", "of", "to", "is", "are", "will", "be", "expected", "in", "for", "with", "its", "from"}
    | {"by", "on", "this", "that", "an", "at", "as", "was", "has"}
)
_OTHER_WORDS = frozenset(
    {"de", "la", "le", "les", "des", "du", "et", "est", "sur", "dans"}  # French
    | {"een", "het", "van", "zijn", "op"}  # Dutch
    | {"il", "della", "del", "di", "per", "con", "nel", "che"}  # Italian
    | {"der", "die", "das", "und", "mit", "für", "wird", "ist", "zu"}  # German
    | {"el", "los", "las", "que", "en", "una"}  # Spanish
    | {"em", "os", "da", "do", "dos", "na", "no", "ao", "uma"}  # Portuguese
)


def language(sentence: str) -> str:
    """ "en" or "other"."""
    if _NON_LATIN.search(sentence):
        return "other"
    words = re.findall(r"[a-zà-ÿ]+", sentence.lower())
    english = sum(w in _ENGLISH_WORDS for w in words)
    other = sum(w in _OTHER_WORDS for w in words)
    return "other" if other > english else "en"


@dataclass
class Score:
    rows: int = 0
    positives: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    kind_ok: int = 0
    window_ok: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, row: dict[str, Any], out: dict[str, Any]) -> None:
        label = row["label"]
        found = out.get("catalysts") or []
        truth = bool(label["is_catalyst"])
        self.rows += 1
        if "error" in out:
            self.misses.append(f"{row['id']}: error {out['error']}")
        if truth and found:
            self.tp += 1
        elif found:
            self.fp += 1
            first = found[0]
            self.misses.append(
                f"{row['id']}: false positive {first['kind']} {first['window_start']}..{first['window_end']}"
            )
        elif truth:
            self.fn += 1
            self.misses.append(
                f"{row['id']}: missed {label['kind']} {label['window_start']}..{label['window_end']}"
            )
        if not truth:
            return
        self.positives += 1
        if not found:
            return
        first = found[0]
        want = (label["window_start"], label["window_end"])
        if first["kind"] == label["kind"]:
            self.kind_ok += 1
        else:
            self.misses.append(f"{row['id']}: kind {first['kind']} (label {label['kind']})")
        if (first["window_start"], first["window_end"]) == want:
            self.window_ok += 1
        else:
            self.misses.append(
                f"{row['id']}: window {first['window_start']}..{first['window_end']} {first['precision']}"
                f" (label {want[0]}..{want[1]} {label['precision']})"
            )

    def figures(self) -> tuple[float, float, float, float, float]:
        precision, recall, f1 = detection(self.tp, self.fp, self.fn)
        kind = self.kind_ok / self.positives if self.positives else 0.0
        window = self.window_ok / self.positives if self.positives else 0.0
        return precision, recall, f1, kind, window


def extract(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    inputs: list[dict[str, object]] = [
        {
            "title": row.get("title"),
            "summary": row.get("sentence"),
            "published": row.get("published"),
            "source": row.get("source"),
            "url": row.get("url"),
        }
        for row in rows
    ]
    return run_cli(["catalysts", "extract"], inputs)


def score_file(path: Path, show_misses: bool) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    outputs = extract(rows)
    scores: dict[tuple[str, str], Score] = {
        (h, lang): Score() for h in ("tuning", "checking", "all") for lang in ("all", "en", "other")
    }
    for row, out in zip(rows, outputs, strict=True):
        for h in (half(row["id"]), "all"):
            for lang in (language(row["sentence"]), "all"):
                scores[(h, lang)].add(row, out)
    print(f"== {path.name}: {len(rows)} rows")
    print(f"  {'half':<9}{'language':<9}{'rows':>5}{'pos':>5}   P      R      F1     kind   window")
    for h in ("tuning", "checking", "all"):
        for lang in ("all", "en", "other"):
            s = scores[(h, lang)]
            p, r, f1, kind, window = s.figures()
            print(
                f"  {h:<9}{lang:<9}{s.rows:>5}{s.positives:>5}   "
                f"{p:.3f}  {r:.3f}  {f1:.3f}  {kind:.3f}  {window:.3f}"
            )
    undated = sum(1 for row in rows if row["label"]["is_catalyst"] and not row.get("published"))
    print(
        f"  labelled catalysts with no page date: {undated} (where the year is implicit, no window can match)"
    )
    for lang in ("all", "en", "other"):
        tuning, checking = scores[("tuning", lang)].figures(), scores[("checking", lang)].figures()
        print(
            f"  gap tuning-checking ({lang}): F1 {tuning[2] - checking[2]:+.3f}  "
            f"kind {tuning[3] - checking[3]:+.3f}  window {tuning[4] - checking[4]:+.3f}"
        )
    if show_misses:
        misses = scores[("tuning", "all")].misses
        print("  tuning misses:" if misses else "  tuning misses: none")
        for miss in misses:
            print(f"    {miss}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, action="append", help="a labelled file (default: every one)")
    parser.add_argument("--misses", action="store_true", help="print the tuning half's misses")
    args = parser.parse_args()
    for path in args.data or DEFAULT_FILES:
        score_file(path, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
