"""Stories: B-cubed precision, recall and F1 of article → story assignments against a gold file,
and the time to add one article to a store of N stories.

    python benchmarks/stories.py [PATH ...] [--gold FILE] [--db FILE] [--tune] [--size 100000]

PATHs default to ../shared/data/stories/wikiref220 with benchmarks/data/stories_wikiref220.json
(the seeds: ../shared/corpus/seeds --gold benchmarks/data/stories_seeds.json). `analyze` runs
on the PATHs (into --db, reused when given: a second run only adds what is new), then the
stored assignments are scored. Gold files map article file names to story ids.

`--tune` is how scoring.py's weights were chosen: cross-validation by topic. The topics are
dealt into four folds (the large topics spread over them, the small ones round-robin); for each
fold the grid point with the best mean B-cubed F1 on the other three folds' articles is picked
and scored on the held-out fold's articles (the index replayed on those articles alone, in
arrival order, from the stored features and vectors). The shipped weights are the grid point
best on all topics among those that split the seeds exactly ({000, 001, 002}, {003}, {004};
`--seeds-db`, a store the seeds were analyzed into).

The add-one timing builds a synthetic index of `--size` one-article stories from the real
articles' stored vectors and features, copied with perturbation (vectors nudged and
renormalised, ids renamed), then adds real articles one at a time: the lead's embedding plus
the index search and placement (what the stage does per article on top of analyze). The
figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.api import analyze  # noqa: E402
from newsprism.stages.stories import article_features  # noqa: E402
from newsprism.store import Store, open_store  # noqa: E402
from newsprism.stories import DEFAULT_WEIGHTS, ArticleFeatures, StoryIndex, Weights  # noqa: E402
from newsprism.stories.embed import story_embedder  # noqa: E402

SHARED = ROOT.parent / "shared"
DEFAULT_PATHS = [SHARED / "data" / "stories" / "wikiref220"]
DEFAULT_GOLD = ROOT / "benchmarks" / "data" / "stories_wikiref220.json"
SEEDS_GOLD = ROOT / "benchmarks" / "data" / "stories_seeds.json"
FOLDS = 4
LARGE_TOPIC = 10  # articles: the five large WikiRef topics; the rest are "noise" topics
GRID = {
    "actors": [0.0, 0.2, 0.4],
    "places": [0.0, 0.15, 0.3],
    "days": [0.0, 0.2, 0.4],
    "claims": [0.0, 0.25, 0.5],
    "date": [0.0, 0.2],
    "join": [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
    "merge_gap": [0.2, 9.0],  # merge = join + gap (9: never merge)
}

Item = tuple[str, ArticleFeatures, np.ndarray]  # (file name, features, lead vector)


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 over the items of `gold` (Bagga and Baldwin 1998)."""
    items = [i for i in gold if i in pred]
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for i in items:
        by_pred.setdefault(pred[i], set()).add(i)
        by_gold.setdefault(gold[i], set()).add(i)
    p = r = 0.0
    for i in items:
        both = len(by_pred[pred[i]] & by_gold[gold[i]])
        p += both / len(by_pred[pred[i]])
        r += both / len(by_gold[gold[i]])
    p, r = p / max(len(items), 1), r / max(len(items), 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def stored_items(store: Store) -> list[Item]:
    """Every placed article as the stage stored it, in placement order, by file name."""
    names = {a["id"]: Path(a["source"]).name for a in store.articles()}
    return [
        (names[data["id"]], ArticleFeatures.from_dict(data), np.frombuffer(v, dtype=np.float32))
        for data, _story, v in store.stored_story_members()
        if v is not None
    ]


def stored_assignments(store: Store) -> dict[str, str]:
    names = {a["id"]: Path(a["source"]).name for a in store.articles()}
    return {names[a]: s["id"] for s in store.stories() for a in s["article_ids"]}


def replay(items: list[Item], weights: Weights) -> dict[str, str]:
    """Place the items afresh with other weights: file name → story id."""
    index = StoryIndex(dim=len(items[0][2]), weights=weights) if items else StoryIndex()
    for _, f, v in items:
        index.add(f, v)
    return {name: index.resolve(index.story_of[f.id]) for name, f, _ in items}


def grid() -> list[Weights]:
    keys = list(GRID)
    points = []
    for values in itertools.product(*(GRID[k] for k in keys)):
        p = dict(zip(keys, values, strict=True))
        gap = p.pop("merge_gap")
        points.append(replace(DEFAULT_WEIGHTS, **p, merge=p["join"] + gap))
    return points


def topic_folds(gold: dict[str, str]) -> list[set[str]]:
    sizes = Counter(gold.values())
    large = sorted((t for t in sizes if sizes[t] >= LARGE_TOPIC), key=lambda t: (-sizes[t], t))
    small = sorted(t for t in sizes if sizes[t] < LARGE_TOPIC)
    folds: list[set[str]] = [set() for _ in range(FOLDS)]
    for n, topic in enumerate(large + small):
        folds[n % FOLDS].add(topic)
    return folds


def seeds_exact(pred: dict[str, str]) -> bool:
    groups: dict[str, set[str]] = {}
    for name, story in pred.items():
        groups.setdefault(story, set()).add(name[:3])
    return sorted(map(sorted, groups.values())) == [["000", "001", "002"], ["003"], ["004"]]


def per_item(pred: dict[str, str], gold: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Each gold item's B-cubed precision and recall."""
    by_pred: dict[str, set[str]] = {}
    by_gold: dict[str, set[str]] = {}
    for i in gold:
        by_pred.setdefault(pred[i], set()).add(i)
        by_gold.setdefault(gold[i], set()).add(i)
    out = {}
    for i in gold:
        both = len(by_pred[pred[i]] & by_gold[gold[i]])
        out[i] = (both / len(by_pred[pred[i]]), both / len(by_gold[gold[i]]))
    return out


def prf(scores: dict[str, tuple[float, float]], names: list[str]) -> tuple[float, float, float]:
    p = statistics.mean(scores[n][0] for n in names)
    r = statistics.mean(scores[n][1] for n in names)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def tune(items: list[Item], gold: dict[str, str], seed_items: list[Item] | None) -> Weights:
    """Every grid point places the whole corpus (so held-out topics meet all the others as
    distractors); a fold's figure is the B-cubed of its topics' articles, precision counting
    every other article their stories took in."""
    points = grid()
    folds = topic_folds(gold)
    print(f"tuning: {len(points)} grid points, {FOLDS} folds by topic")
    items = [it for it in items if it[0] in gold]
    scores = [per_item(replay(items, w), gold) for w in points]
    names = [n for n, _, _ in items]
    # the seeds are an acceptance item: only grid points that split them exactly are eligible
    eligible = [
        k for k, w in enumerate(points) if seed_items is None or seeds_exact(replay(seed_items, w))
    ] or list(range(len(points)))
    print(f"{len(eligible)} grid points split the seeds exactly" if seed_items else "no seeds")
    in_fold = [[n for n in names if gold[n] in fold] for fold in folds]
    held: dict[str, tuple[float, float]] = {}
    for i, fold in enumerate(folds):
        train = [n for n in names if gold[n] not in fold]
        best = max(eligible, key=lambda k: prf(scores[k], train)[2])
        p, r, f = prf(scores[best], in_fold[i])
        print(f"fold {i + 1} (held out: {', '.join(sorted(fold))}; {len(in_fold[i])} articles): "
              f"P {p:.3f} R {r:.3f} F1 {f:.3f} with {_short(points[best])}")  # fmt: skip
        held.update({n: scores[best][n] for n in in_fold[i]})
    p, r, f = prf(held, names)
    print(f"cross-validated (each article scored with the weights chosen without its topic): "
          f"P {p:.3f} R {r:.3f} F1 {f:.3f}")  # fmt: skip
    overall = [prf(sc, names)[2] for sc in scores]
    order = sorted(range(len(points)), key=lambda k: -overall[k])
    k = max(eligible, key=lambda k: overall[k])
    print(f"chosen (best of the eligible on all topics): F1 {overall[k]:.3f} with "
          f"{_short(points[k])}; unconstrained best {overall[order[0]]:.3f} with "
          f"{_short(points[order[0]])}")  # fmt: skip
    return points[k]


def _short(w: Weights) -> str:
    return (f"actors {w.actors} places {w.places} days {w.days} claims {w.claims} date {w.date} "
            f"join {w.join} merge {w.merge:.2f}")  # fmt: skip


def time_add_one(store: Store, items: list[Item], size: int, probes: int) -> str:
    """Median and max ms to add one real article (embedding its lead included) to an index of
    `size` synthetic one-article stories."""
    rng = np.random.default_rng(size)
    embedder = story_embedder()
    index = StoryIndex(dim=embedder.dim)
    probe_items, seed_items = items[:probes], items[probes:]
    copies = []
    for n in range(size):
        _, f, v = seed_items[n % len(seed_items)]
        moved = v + rng.normal(0, 0.05 / np.sqrt(len(v)), v.shape).astype(np.float32)
        copies.append((replace(f, id=f"{f.id}-{n}", duplicate_of=None), f"s{n}", moved))
    started = time.perf_counter()
    index.restore((f, sid, (v / np.linalg.norm(v)).astype(np.float32)) for f, sid, v in copies)
    built = time.perf_counter() - started
    ids = [f.id for _, f, _ in probe_items]
    features, texts = article_features(store, ids, store.article_meta(), {})
    embedder.encode(texts[:2])  # warm
    embed_ms, place_ms = [], []
    for f, text in zip(features, texts, strict=True):
        t0 = time.perf_counter()
        vector = embedder.encode([text])[0]
        t1 = time.perf_counter()
        index.add(replace(f, id=f.id + "-probe"), vector)
        t2 = time.perf_counter()
        embed_ms.append(1000 * (t1 - t0))
        place_ms.append(1000 * (t2 - t1))
    total = [a + b for a, b in zip(embed_ms, place_ms, strict=True)]
    return (
        f"{size:,} stories (built in {built:.0f} s): add one article "
        f"{statistics.median(total):.1f} ms median ({max(total):.1f} max): search and placement "
        f"{statistics.median(place_ms):.1f} ms, lead embedding {statistics.median(embed_ms):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=DEFAULT_PATHS)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--db", default=None, help="store to analyze into (kept; reused)")
    parser.add_argument("--tune", action="store_true", help="cross-validate the weights")
    parser.add_argument("--seeds-db", default=None, help="the seeds analyzed, for --tune")
    parser.add_argument("--size", type=int, default=100_000, help="stories for the timing")
    parser.add_argument("--probes", type=int, default=20)
    args = parser.parse_args()
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        sys.exit(f"not found: {', '.join(map(str, missing))}")
    gold = json.loads(args.gold.read_text(encoding="utf-8"))["stories"]
    db = args.db or str(Path(tempfile.mkdtemp()) / "stories.db")
    started = time.perf_counter()
    with analyze(args.paths, db=db, workers=1) as corpus:
        store = corpus.store
        analyzed = time.perf_counter() - started
        pred = stored_assignments(store)
        p, r, f = bcubed(pred, gold)
        lines = [f"{args.gold.name}: {len(pred)} articles in {len(set(pred.values()))} stories "
                 f"(gold {len(set(gold.values()))}): B-cubed P {p:.3f} R {r:.3f} F1 {f:.3f} "
                 f"(analyze {analyzed:.0f} s)"]  # fmt: skip
        if args.gold.name == SEEDS_GOLD.name:
            lines.append(f"seeds split exactly as {{000, 001, 002}}, {{003}}, {{004}}: "
                         f"{seeds_exact(pred)}")  # fmt: skip
        items = stored_items(store)
        if args.tune:
            seed_items = None
            if args.seeds_db:
                seeds_store = open_store(args.seeds_db)
                seed_items = stored_items(seeds_store)
                seeds_store.close()
            tune(items, gold, seed_items)
        if args.size:
            lines.append(time_add_one(store, items, args.size, args.probes))
    print(f"command: python {' '.join(sys.argv)}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
