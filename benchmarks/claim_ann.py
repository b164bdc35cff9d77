"""The claim index's nearest-neighbour search: the usearch HNSW a run keeps over its claims'
int8 codes (the codes the store keeps), against the f16 index over their float vectors that it
kept before, on the same real claim vectors in the same run.

    python benchmarks/claim_ann.py --db STORE [--copies 1] [--queries 2000]

STORE is a store `newsprism analyze` wrote (SQLite file or PostgreSQL URL), for example one of
benchmarks/scale.py's databases; its claims' stored vectors are added `--copies` times (a
larger corpus of the same sentences, for the times; the copies of a vector tie, and an HNSW
index finds few of a vector's exact duplicates, so take recall from one copy), a dozen at a
time as a run adds an article's claims, on one thread. For a sample of them, each index is
asked for the 64 nearest (NEIGHBOURS) and compared with the exact 64 by cosine of the stored
vectors: recall@64, recall of the exact ten nearest, and recall of the exact top 64 at cosine
>= 0.35 (the lowest threshold a claim joins a group by), counted by cosine, not by key.
Also: microseconds to add a claim and to search, and the index's own memory a claim. The
figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.crosscheck.matching import NEIGHBOURS  # noqa: E402
from newsprism.encoders.packed import SCALE_BYTES, unpack  # noqa: E402
from newsprism.store import open_store  # noqa: E402

DIM = 384
ARTICLE = 12  # claims added at once: about one article's
THRESHOLD = 0.35  # the lowest cosine a claim joins a group by (numeric claims)
ROUNDING = 1e-6


def stored_vectors(url: str) -> tuple[np.ndarray, np.ndarray]:
    """(unit float32 rows as the run compares them, their int8 codes) of the store's claims."""
    blobs = [v for _, _, v in open_store(url).stored_claims() if v and len(v) == SCALE_BYTES + DIM]
    if not blobs:
        sys.exit(f"{url}: no claim vectors of {DIM} dimensions (analyze some articles into it)")
    rows = np.vstack([unpack(b, DIM) for b in blobs])
    codes = np.vstack([np.frombuffer(b, np.int8, offset=SCALE_BYTES) for b in blobs])
    return rows, codes


def measure(name: str, index, added: np.ndarray, queries: np.ndarray, rows: np.ndarray,
            sample: np.ndarray, exact: list[np.ndarray]) -> str:  # fmt: skip
    keys = np.arange(len(added), dtype=np.uint64)
    started = time.perf_counter()
    for lo in range(0, len(added), ARTICLE):
        index.add(keys[lo : lo + ARTICLE], added[lo : lo + ARTICLE], threads=1)
    add_us = 1e6 * (time.perf_counter() - started) / len(added)
    found = []
    started = time.perf_counter()
    for q in queries:
        found.append(np.array([int(k) for k in index.search(q, NEIGHBOURS, threads=1).keys]))
    search_us = 1e6 * (time.perf_counter() - started) / len(queries)
    # by cosine, not by key: the copies of a vector tie, and any of them is as near (within
    # float rounding: a matrix product and a vector product differ in the last bit)
    top = ten = kept = total = 0
    for f, best, q in zip(found, exact, sample, strict=True):
        got = (np.sort(rows[f] @ rows[q])[::-1] if len(f) else np.zeros(0)) + ROUNDING
        top += min(NEIGHBOURS, int((got >= best[NEIGHBOURS - 1]).sum()))
        ten += min(10, int((got >= best[9]).sum()))
        floor = max(THRESHOLD, best[NEIGHBOURS - 1])
        kept += min(int((best >= floor).sum()), int((got >= floor).sum()))
        total += int((best >= floor).sum())
    memory = index.memory_usage / len(added)
    return (f"{name:<22} add {add_us:6.1f} us a claim, search {search_us:6.1f} us; recall@64 "
            f"{top / len(sample) / NEIGHBOURS:.4f}, of the exact ten {ten / len(sample) / 10:.4f}"
            f", of the exact 64 at cosine >= {THRESHOLD} {kept / max(total, 1):.4f}; "
            f"{memory:.0f} bytes a claim")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a store with analyzed articles")
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    from usearch.index import Index

    rows, codes = stored_vectors(args.db)
    rows, codes = np.tile(rows, (args.copies, 1)), np.tile(codes, (args.copies, 1))
    rng = np.random.default_rng(0)
    sample = rng.choice(len(rows), size=min(args.queries, len(rows)), replace=False)
    exact = []  # each query's 64 best cosines, best first
    for chunk in np.array_split(sample, max(1, len(sample) // 200)):
        for c in rows[chunk] @ rows.T:
            exact.append(np.sort(c)[::-1][:NEIGHBOURS])
    print(f"{len(rows):,} claim vectors ({args.copies} copies of the store's), "
          f"{len(sample):,} queries")  # fmt: skip
    settings = {"expansion_add": 64, "expansion_search": 48}
    lines = [
        measure("f16 over float rows", Index(ndim=DIM, metric="cos", dtype="f16", **settings),
                rows, rows[sample], rows, sample, exact),
        measure("i8 over stored codes", Index(ndim=DIM, metric="cos", dtype="i8", **settings),
                codes, codes[sample], rows, sample, exact),
    ]  # fmt: skip
    print(f"command: python {' '.join(sys.argv)}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
