"""Cross-checking cost: the time to add one article's claims to claim indexes built over 1k, 10k
and 100k articles, next to the cost of the same article's understanding pass, in one run.

    python benchmarks/claims.py [PATH ...] [--sizes 1000 10000 100000] [--probes 20] [--memory]

PATHs are GeoWebNews-/LGL-style XML files or directories of .txt articles (default:
../shared/data/geoparsing/{GWN,lgl}.xml and ../shared/data/ptc/train-articles). A sample of those
real articles is understood once; their claims (with their real MiniLM embeddings) are then
copied with perturbation (values moved by up to ±20%, embeddings nudged and renormalised, new
article ids and outlets) until the index holds the claims of N articles. Each probe is a real
article not in the index: its understanding pass (spaCy and our components), then the adding of
its claims (claim extraction, embedding, nearest-neighbour search, grouping, verdicts of the
groups it touched). The index is the in-memory one a run keeps; storing a batch is one insert.
`--memory` also says what the index holds in memory per article at each size (what Python and
NumPy allocate for it, by tracemalloc, and the native ANN index's own figure): what a run's
process grows by as the corpus grows (issue 21 asks that the peak memory of a run not grow by
more than 10% from 1k to 10k articles). The builds are then slower. The figures are the last
lines printed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from newsprism.crosscheck import Claim, ClaimIndex, extract_claims, verdict  # noqa: E402
from newsprism.crosscheck.claims import claim_id  # noqa: E402
from newsprism.crosscheck.embed import default_embedder  # noqa: E402
from newsprism.encoders.packed import pack  # noqa: E402
from newsprism.link.entities import EntityIndex  # noqa: E402
from newsprism.link.span_rows import link_article  # noqa: E402
from newsprism.understand.article import ArticleInput, understand_batch  # noqa: E402
from throughput import DEFAULT_DATA, load_texts  # noqa: E402

SAMPLE = 200  # real articles understood to seed the synthetic stores


def understand(texts: list[str], prefix: str) -> tuple[list[dict[str, Any]], float]:
    """(article, records) pairs as the store would hold them, and the seconds it took."""
    started = time.perf_counter()
    index = EntityIndex.from_entities([])
    out = []
    batch = [
        ArticleInput(id=f"{prefix}{n}", text=t, published=None, dateline=None)
        for n, t in enumerate(texts)
    ]
    for i in range(0, len(batch), 16):
        chunk = batch[i : i + 16]
        for result, article in zip(understand_batch(chunk), chunk, strict=True):
            rows = link_article(result, index, article.text)
            records = [
                {**r, **r["data"], "type": r["type"]} for r in rows
            ]  # the stored row read back as the API gives it
            published = result.anchor.isoformat() if result.anchor else None
            out.append(
                {
                    "article": {"id": article.id, "text": article.text, "published": published},
                    "records": records,
                }
            )
    return out, time.perf_counter() - started


def perturbed(claim: Claim, copy: int, rng: random.Random) -> Claim:
    scale = 1 + rng.uniform(-0.2, 0.2)

    def move(v: float | None) -> float | None:
        return None if v is None else round(v * scale, 2)

    article_id = f"{claim.article_id}-{copy}"
    return replace(
        claim,
        # an id of the form a run's claims have (a SHA-1's first 20 hex digits), as the index
        # keeps such ids in 10 bytes each (crosscheck/claim_positions.py)
        id=claim_id(article_id, claim.kind, claim.start, claim.end, claim.id),
        article_id=article_id,
        value=move(claim.value),
        low=move(claim.low),
        high=move(claim.high),
    )


class TableEmbedder:
    """Hands back the precomputed vectors of the seeded claims, so that building a 100k-article
    index does not re-embed a million copies; probes use the real model."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.dim = real.dim
        self.table: dict[str, np.ndarray] = {}
        self.thresholds = getattr(real, "thresholds", None)

    def seed(self, texts: list[str]) -> None:
        texts = [t for t in dict.fromkeys(texts) if t not in self.table]
        if texts:
            self.table.update(zip(texts, self.real.encode(texts), strict=True))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Seeded texts from the table; anything else (a probe's claims) through the real
        model every time, so that every probe pays for its embeddings."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        fresh = [i for i, t in enumerate(texts) if t not in self.table]
        for i, t in enumerate(texts):
            if t in self.table:
                out[i] = self.table[t]
        if fresh:
            out[fresh] = self.real.encode([texts[i] for i in fresh])
        return out


def build_index(
    seeds: list[tuple[dict[str, Any], list[Claim]]], articles: int, embedder: TableEmbedder
) -> tuple[ClaimIndex, dict[str, dict[str, Any]]]:
    rng = random.Random(articles)
    noise = np.random.default_rng(articles)
    index = ClaimIndex(embedder=embedder)
    claims: list[Claim] = []
    groups: list[str] = []
    blocks: list[np.ndarray] = []
    meta: dict[str, dict[str, Any]] = {}
    copy = 0
    while len(meta) < articles:
        copy_claims = []
        for article, seed_claims in seeds[: articles - len(meta)]:
            article_id = f"{article['id']}-{copy}"
            meta[article_id] = {"outlet": f"outlet-{rng.randrange(400)}", "published": None}
            copy_claims += [perturbed(c, copy, rng) for c in seed_claims]
        if copy_claims:
            base = np.vstack([embedder.table[c.meaning_text] for c in copy_claims])
            # nudged, so that copies are near their original but not identical to it
            moved = base + noise.normal(0, 0.05 / np.sqrt(embedder.dim), base.shape)
            blocks.append(moved / np.linalg.norm(moved, axis=1, keepdims=True))
            claims += copy_claims
            groups += ["g" + c.id for c in copy_claims]
        copy += 1
    if claims:
        index.restore(claims, groups, [pack(v) for v in np.vstack(blocks)])
    return index, meta


def add_one(
    index: ClaimIndex, item: dict[str, Any], meta: dict[str, dict[str, Any]]
) -> float:
    started = time.perf_counter()
    article = item["article"]
    claims = extract_claims(article, item["records"])
    meta[article["id"]] = {"outlet": "probe", "published": article["published"]}
    changes = index.add(claims, {article["id"]: meta[article["id"]]})
    for group_id in {c.group_id for c in changes}:
        verdict(index.group(group_id), meta)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000, 100000])
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--memory", action="store_true",
                        help="also measure what the index holds in memory per article")
    args = parser.parse_args()
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        sys.exit(f"not found: {', '.join(map(str, missing))} (give XML files or directories)")
    texts = load_texts(args.paths)
    random.Random(7).shuffle(texts)
    seed_texts, probe_texts = texts[:SAMPLE], texts[SAMPLE : SAMPLE + args.probes]
    print(f"{len(texts)} real articles; {len(seed_texts)} seed the stores, "
          f"{len(probe_texts)} are added one at a time")  # fmt: skip
    understand(texts[:4], "warm")  # load the model and the gazetteer outside the timings
    seeded, _ = understand(seed_texts, "s")
    probes, understanding_seconds = understand(probe_texts, "p")
    embedder = TableEmbedder(default_embedder())
    seeds = []
    for item in seeded:
        claims = extract_claims(item["article"], item["records"])
        embedder.seed([c.meaning_text for c in claims])
        seeds.append((item["article"], claims))
    per_claims = sum(len(c) for _, c in seeds) / len(seeds)
    print(f"{per_claims:.1f} claims per article; embedder {type(embedder.real).__name__}")
    understanding_ms = 1000 * understanding_seconds / len(probes)
    lines = []
    for size in args.sizes:
        index = meta = None  # the previous size's index is freed before this one is built
        if args.memory:
            tracemalloc.start()
        built = time.perf_counter()
        index, meta = build_index(seeds, size, embedder)
        build_seconds = time.perf_counter() - built
        held = ""
        if args.memory:
            python_bytes = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
            native = index.native_bytes
            held = (f"; held {(python_bytes + native) / size / 1024:.1f} KB an article "
                    f"({python_bytes / size / 1024:.1f} Python and NumPy, "
                    f"{native / size / 1024:.1f} the ANN index)")
        times = [1000 * add_one(index, item, meta) for item in probes]
        median = statistics.median(times)
        lines.append(
            f"{size:>7,} articles ({len(index):,} claims, built in {build_seconds:.0f} s): "
            f"add one article {median:.1f} ms median, {max(times):.1f} ms max; "
            f"its understanding {understanding_ms:.0f} ms; ratio {median / understanding_ms:.3f}"
            f"{held}"
        )
        print(lines[-1], flush=True)
    print(f"command: python {' '.join(sys.argv)}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
