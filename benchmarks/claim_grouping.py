"""Claim grouping replayed: the claims of an analyzed store, with the vectors it keeps, added
again one article at a time to an empty claim index, as cross-checking added them. It says how
long the grouping took (no encoding: the stored vectors are given) and whether every claim
landed in the group the store holds, which it must, since grouping depends only on the claims,
their vectors and their order.

    python benchmarks/claim_grouping.py --db STORE [--repeat 3]

STORE is a SQLite file or PostgreSQL URL that `newsprism analyze` filled. Run it with two
versions of the code (a `git worktree` of each) on the same store to compare their speed; the
figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import groupby
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.crosscheck import ClaimIndex, default_embedder  # noqa: E402
from newsprism.stages.crosscheck import load_index  # noqa: E402
from newsprism.store import open_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="an analyzed store (file or URL)")
    parser.add_argument("--repeat", type=int, default=3, help="replays; the fastest is kept")
    args = parser.parse_args()
    store = open_store(args.db)
    embedder = default_embedder()
    stored = load_index(store, embedder)
    store.close()
    claims = stored.claims
    if not claims:
        sys.exit(f"{args.db}: no claims stored (analyze some articles into it first)")
    vectors = {c.id: stored.stored_vector(c.id) for c in claims}
    articles = [list(group) for _, group in groupby(claims, key=lambda c: c.article_id)]
    best = float("inf")
    for _ in range(args.repeat):
        index = ClaimIndex(embedder=embedder, thresholds=stored.thresholds)
        started = time.perf_counter()
        for article in articles:
            index.add(article, vectors={c.meaning_text: vectors[c.id] for c in article})
        best = min(best, time.perf_counter() - started)
    moved = sum(index.group_of_claim(c.id) != stored.group_of_claim(c.id) for c in claims)
    print(f"command: python {' '.join(sys.argv)}")
    print(f"{len(claims)} claims of {len(articles)} articles regrouped in {best:.2f} s "
          f"({1000 * best / len(claims):.3f} ms a claim, fastest of {args.repeat})")  # fmt: skip
    print(f"claims in another group than the store's: {moved}")
    if moved:
        sys.exit(1)


if __name__ == "__main__":
    main()
