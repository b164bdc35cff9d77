"""The regular-expression scans that read every sentence of every article: the sentence
splitter (claims' contexts, stories' leads) and the action classes (claims, the timeline), over
the same real articles, in one run.

    python benchmarks/text_scans.py [PATH ...]

PATHs are GeoWebNews- or LGL-style XML files or directories of .txt articles (default: the
1,084 real articles of benchmarks/throughput.py). Run it on two checkouts to compare them: it
imports newsprism from the checkout it lies in. The figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from newsprism.understand.action_classes import actions_in  # noqa: E402
from newsprism.understand.sentences import sentence_spans  # noqa: E402
from throughput import DEFAULT_DATA, load_texts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        sys.exit(f"not found: {', '.join(map(str, missing))} (give XML files or directories)")
    texts = load_texts(args.paths)
    started = time.perf_counter()
    spans = [sentence_spans(t) for t in texts]
    split_seconds = time.perf_counter() - started
    sentences = [t[s:e] for t, found in zip(texts, spans, strict=True) for s, e in found]
    started = time.perf_counter()
    actions = [sorted(actions_in(s)) for s in sentences]
    action_seconds = time.perf_counter() - started
    # digests of what was found: equal on two checkouts means the scans found the same
    split_digest = hashlib.sha1(repr(spans).encode()).hexdigest()[:12]
    action_digest = hashlib.sha1(repr(actions).encode()).hexdigest()[:12]
    print(f"command: python {' '.join(sys.argv)}")
    print(f"{len(texts)} articles, {len(sentences):,} sentences")
    print(f"sentence splitter: {split_seconds:.2f} s, "
          f"{1000 * split_seconds / len(texts):.2f} ms an article (found: {split_digest})")
    print(f"action classes: {action_seconds:.2f} s, "
          f"{1000 * action_seconds / len(sentences):.3f} ms a sentence (found: {action_digest})")


if __name__ == "__main__":
    main()
