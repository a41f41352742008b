"""How long configured patterns take on hostile text (issue 27, finding 10): the INN-stem search as it was
built (stems joined as regular expressions) against the literal one, and the taxonomy's protocol-title
pattern before and after its `multi-cent` alternative was closed. Hand-made inputs; prints seconds.

    python bench/regex_safety.py
"""

from __future__ import annotations

import re
import time

from pipewatch.config import load_yaml_model, packaged_data_path
from pipewatch.domain.watch.normalize import trie_regex
from pipewatch.domain.watch.regex_safety import backtracking_risk
from pipewatch.domain.watch.taxonomy import Taxonomy

OLD_TITLE = (
    r"^(?:an?\s+)?(?:(?:open[- ]label|long[- ]?term|multi[- ]?cent\w*|extension|randomi[sz]ed|double[- ]blind"
    r"(?:ed)?|and|,|\s)+)?(?:study|trial)\s+to\b"
)


def _time(pattern: re.Pattern[str], text: str, budget: float = 5.0) -> str:
    started = time.perf_counter()
    pattern.search(text)
    took = time.perf_counter() - started
    return f"{took:.4f} s" + (" (over budget)" if took > budget else "")


def main() -> None:
    hostile_stem = "(a|aa)+c"
    literal = re.compile(rf" ([a-z]{{3,}}(?:{trie_regex([hostile_stem, 'mab'])}))(?= )")
    print(f"INN stems, literal, 'a' x 5000: {_time(literal, ' ' + 'a' * 5000 + ' ')}")
    print(f"INN stem {hostile_stem!r} refused at load: {backtracking_risk(hostile_stem)!r}")
    as_regex = re.compile(rf" ([a-z]{{3,}}(?:{hostile_stem}|mab))(?= )")
    for n in (26, 30, 34):
        print(f"INN stems as regex (before), 'a' x {n}: {_time(as_regex, ' ' + 'a' * n + ' ')}")
    old = re.compile(OLD_TITLE)
    for n in (16, 18, 20):
        print(f"protocol-title pattern (before), 'multicentre' x {n}: {_time(old, 'multicentre' * n + 'x')}")
    taxonomy = load_yaml_model(packaged_data_path("taxonomy.yaml"), Taxonomy)
    title = next(p for p in taxonomy.registry.title_patterns if "multi[- ]?cent" in p)
    now = _time(re.compile(title), "multicentre" * 3000 + "x")
    print(f"protocol-title pattern (now), 'multicentre' x 3000: {now}")
    started = time.perf_counter()
    load_yaml_model(packaged_data_path("taxonomy.yaml"), Taxonomy)
    print(f"taxonomy load with the check: {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    main()
