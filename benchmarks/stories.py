"""Stories: B-cubed precision, recall and F1 of article → story assignments against a gold file,
and the time to add one article to a store of N stories.

    python benchmarks/stories.py [PATH ...] [--gold FILE] [--db FILE] [--tune] [--size 100000]
        [--also DB GOLD] [--seeds-db DB] [--dense K]

PATHs default to the gold file's own `paths` (relative to ../shared), else to
../shared/data/stories/wikiref220 with benchmarks/data/stories_wikiref220.json (the seeds:
../shared/corpus/seeds --gold benchmarks/data/stories_seeds.json; several outlets' reports of
four events: --gold benchmarks/data/stories_multioutlet.json, which names its articles).
`analyze` runs on the PATHs (into --db, reused when given: a second run only adds what is
new), then the stored assignments are scored. Gold files map article file names to story ids.

TimeML files (`.tml`, or folders of them, as TimeBank and AQUAINT ship) are read here, since
`analyze` takes no generic XML: each becomes one JSON Lines record (title from <TITLE>, text
from <TEXT> with its tags removed, `published` from the DCT's TIMEX3 value, the outlet from the
document id's agency prefix), and the gold keys (`APW19980807.0261.tml`) name the records.

`--tune` is how scoring.py's weights were chosen: cross-validation by topic or saga, over the
PATHs' gold and every `--also DB GOLD` (a store this benchmark analyzed into with --db, and its
gold). Each set's units (its gold's `sagas` where it has them, else its stories: WikiRef's
topics) are dealt into four folds (the large ones spread over them, the small ones
round-robin); every grid point replays each whole set from the stored features and vectors, in
arrival order; for each fold the grid point with the best mean over the sets of the B-cubed F1
of the other folds' articles is picked and scored on the held-out fold's articles. The shipped
weights are the grid point best on everything among those that split the seeds exactly
({000, 001, 002}, {003}, {004}; `--seeds-db`, a store the seeds were analyzed into):

    python benchmarks/stories.py ../shared/data/timeml/TBAQ-cleaned/AQUAINT \\
        --gold benchmarks/data/stories_aquaint.json --db /tmp/aq/stories.db \\
        --also /tmp/wr/stories.db benchmarks/data/stories_wikiref220.json \\
        --also /tmp/ptc/stories.db benchmarks/data/stories_ptc.json \\
        --seeds-db /tmp/seeds/stories.db --tune --size 0

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
import re
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsprism.api import analyze  # noqa: E402
from newsprism.encoders.packed import unpack  # noqa: E402
from newsprism.stages.stories import BATCH_ARTICLES, article_features  # noqa: E402
from newsprism.store import Store, open_store  # noqa: E402
from newsprism.stories import DEFAULT_WEIGHTS, ArticleFeatures, StoryIndex, Weights  # noqa: E402
from newsprism.stories.embed import story_embedder  # noqa: E402

SHARED = ROOT.parent / "shared"
DEFAULT_PATHS = [SHARED / "data" / "stories" / "wikiref220"]
DEFAULT_GOLD = ROOT / "benchmarks" / "data" / "stories_wikiref220.json"
SEEDS_GOLD = ROOT / "benchmarks" / "data" / "stories_seeds.json"
# A TimeML document id starts with its agency (AQUAINT, TimeBank): the outlet of its record.
TIMEML_OUTLETS = {
    "APW": "Associated Press", "NYT": "The New York Times", "XIE": "Xinhua", "ABC": "ABC News",
    "CNN": "CNN", "PRI": "Public Radio International", "VOA": "Voice of America",
    "AP": "Associated Press", "WSJ": "The Wall Street Journal", "wsj": "The Wall Street Journal",
}  # fmt: skip
FOLDS = 4
LARGE_TOPIC = 10  # articles: the five large WikiRef topics; the rest are "noise" topics
GRID = {
    "actors": [0.0, 0.2, 0.4],
    "places": [0.0, 0.15],
    "days": [0.0, 0.2, 0.4],
    "claims": [0.0, 0.25, 0.5],
    "join": [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
    "merge_gap": [0.2, 9.0],  # merge = join + gap (9: never merge)
    "late": [0.0, 0.1, 0.2, 0.4],  # per week a story's days stretch past its aftermath
    "aftermath_days": [14.0, 28.0, 42.0],  # (moot where late is 0)
}

Item = tuple[str, ArticleFeatures, np.ndarray]  # (file name, features, lead vector)


def timeml_record(path: Path) -> dict[str, str | None]:
    """One TimeML file as a JSON Lines record: its title, its text without the annotation tags,
    its DCT as `published`, the outlet its document id names."""
    root = ET.parse(path).getroot()
    title = root.find("TITLE")
    body = root.find("TEXT")
    dct = root.find("DCT/TIMEX3")
    agency = re.match(r"[A-Za-z]+", path.name)
    text = "".join(body.itertext()) if body is not None else ""
    # paragraphs are separated by blank lines in the source; inside one, lines are rewrapped
    paragraphs = [" ".join(par.split()) for par in re.split(r"\n\s*\n", text)]
    return {
        "title": " ".join("".join(title.itertext()).split()) if title is not None else None,
        "text": "\n\n".join(par for par in paragraphs if par),
        "published": dct.get("value") if dct is not None else None,
        "outlet": TIMEML_OUTLETS.get(agency[0]) if agency else None,
    }


def timeml_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path] if path.suffix == ".tml" else []
    return sorted(path.rglob("*.tml"))


def convert_timeml(paths: list[Path], folder: Path) -> list[Path]:
    """The paths to analyze, each TimeML file or folder replaced by one JSON Lines file in
    `folder` whose records keep their TimeML file name in `file` (a field analyze ignores;
    article_names reads it back). A file whose records are unchanged is not rewritten, so a
    reused --db skips it."""
    out: list[Path] = []
    for n, path in enumerate(paths):
        files = timeml_files(path)
        if not files:
            out.append(path)
            continue
        target = folder / f"timeml-{n}-{path.stem or 'root'}.jsonl"
        records = [{**timeml_record(tml), "file": tml.name} for tml in files]
        content = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        if not target.exists() or target.read_text(encoding="utf-8") != content:
            target.write_text(content, encoding="utf-8")
        print(f"{path}: {len(files)} TimeML files read into {target}")
        out.append(target)
    return out


_RECORD = re.compile(r"^(?P<file>.+\.jsonl):(?P<line>\d+)$")


def source_name(source: str, cache: dict[str, list[str]]) -> str:
    """The name gold files key an article by: its file name, or for a JSON Lines record that
    names its own file (`file`, as convert_timeml writes), that name."""
    m = _RECORD.match(source)
    if m and Path(m["file"]).is_file():
        if m["file"] not in cache:
            lines = Path(m["file"]).read_text(encoding="utf-8").split("\n")
            cache[m["file"]] = [
                str(json.loads(line).get("file") or "") if line.strip() else "" for line in lines
            ]
        named = cache[m["file"]]
        number = int(m["line"])
        if 0 < number <= len(named) and named[number - 1]:
            return named[number - 1]
    return Path(source).name


def article_names(store: Store) -> dict[str, str]:
    """Article id → its name in gold files; an exact copy stored once (its other sources in
    `seen_in`) is under each of its names, first its own."""
    cache: dict[str, list[str]] = {}
    out = {}
    for a in store.articles():
        seen = [str(c.get("source") or "") for c in a.get("seen_in") or ()]
        names = dict.fromkeys(source_name(x, cache) for x in [a["source"], *seen] if x)
        out[a["id"]] = list(names)
    return out


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
    names = article_names(store)
    dim = story_embedder().dim
    return [
        (names[data["id"]][0], ArticleFeatures.from_dict(data), vector)
        for data, _story, v in store.stored_story_members()
        if (vector := unpack(v, dim)) is not None
    ]


def stored_assignments(store: Store) -> dict[str, str]:
    """File name → story id, exact copies included: a copy is in its original's story."""
    names = article_names(store)
    return {n: s["id"] for s in store.stories() for a in s["article_ids"] for n in names[a]}


def replay(items: list[Item], weights: Weights) -> dict[str, str]:
    """Place the items afresh with other weights, in the stage's batches (each batch's grown
    stories settled, as the stage does): file name → story id."""
    index = StoryIndex(dim=len(items[0][2]), weights=weights) if items else StoryIndex()
    for begin in range(0, len(items), BATCH_ARTICLES):
        grown = [index.add(f, v).story_id for _, f, v in items[begin : begin + BATCH_ARTICLES]]
        index.settle(grown)
    return {name: index.resolve(index.story_of[f.id]) for name, f, _ in items}


def grid() -> list[Weights]:
    keys = list(GRID)
    points = []
    for values in itertools.product(*(GRID[k] for k in keys)):
        p = dict(zip(keys, values, strict=True))
        if p["late"] == 0 and p["aftermath_days"] != GRID["aftermath_days"][0]:
            continue  # the same point as at the first aftermath
        gap = p.pop("merge_gap")
        points.append(replace(DEFAULT_WEIGHTS, **p, merge=p["join"] + gap))
    return points


def topic_folds(gold: dict[str, str]) -> list[set[str]]:
    """The units (topics, or sagas) of `gold` (name → unit) dealt into FOLDS folds: the large
    ones spread over them, the small ones round-robin."""
    sizes = Counter(gold.values())
    large = sorted((t for t in sizes if sizes[t] >= LARGE_TOPIC), key=lambda t: (-sizes[t], t))
    small = sorted(t for t in sizes if sizes[t] < LARGE_TOPIC)
    folds: list[set[str]] = [set() for _ in range(FOLDS)]
    for n, topic in enumerate(large + small):
        folds[n % FOLDS].add(topic)
    return folds


@dataclass
class Dataset:
    """A labelled corpus for --tune: its stored items, gold stories and the unit its folds are
    made of (the gold's `sagas` where it has them, so that no saga is on both sides of a fold:
    its stories share actors and places; else the story itself, as WikiRef's topics)."""

    label: str
    items: list[Item]
    gold: dict[str, str]
    unit: dict[str, str]

    @classmethod
    def load(cls, label: str, items: list[Item], gold_file: Path) -> Dataset:
        data = json.loads(gold_file.read_text(encoding="utf-8"))
        gold, sagas = data["stories"], data.get("sagas") or {}
        items = [it for it in items if it[0] in gold]  # (an exact copy is not an item)
        gold = {n: gold[n] for n, _, _ in items}
        return cls(label, items, gold, {n: sagas.get(gold[n], gold[n]) for n in gold})


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


SHOWN_POINTS = 12  # a sweep this small prints every point's figures


def tune(
    datasets: list[Dataset], seed_items: list[Item] | None, points: list[Weights] | None = None
) -> Weights:
    """Every grid point places each whole corpus (so held-out topics meet all the others as
    distractors); a fold's figure is the B-cubed of its units' articles, precision counting
    every other article their stories took in. The weights of a fold are those with the best
    mean over the datasets of the F1 of their training articles (each dataset counts the same,
    however many articles it has). `points`: the weights tried (the whole GRID by default)."""
    points = points or grid()
    print(f"tuning: {len(points)} grid points, {FOLDS} folds by topic or saga, over "
          f"{', '.join(d.label for d in datasets)}")  # fmt: skip
    scores = [[per_item(replay(d.items, w), d.gold) for d in datasets] for w in points]
    # the seeds are an acceptance item: only grid points that split them exactly are eligible
    eligible = [
        k for k, w in enumerate(points) if seed_items is None or seeds_exact(replay(seed_items, w))
    ] or list(range(len(points)))
    print(f"{len(eligible)} grid points split the seeds exactly" if seed_items else "no seeds")
    folds = [topic_folds(d.unit) for d in datasets]
    names = [[n for n, _, _ in d.items] for d in datasets]
    held: list[dict[str, tuple[float, float]]] = [{} for _ in datasets]
    for i in range(FOLDS):
        sides = [(d, ns, f[i]) for d, ns, f in zip(datasets, names, folds, strict=True)]
        train = [[n for n in ns if d.unit[n] not in fold] for d, ns, fold in sides]
        test = [[n for n in ns if d.unit[n] in fold] for d, ns, fold in sides]

        def fit(k: int, train: list[list[str]] = train) -> float:
            return statistics.mean(
                prf(sc, tr)[2] for sc, tr in zip(scores[k], train, strict=True) if tr
            )

        best = max(eligible, key=fit)
        parts = []
        for j, d in enumerate(datasets):
            held[j].update({n: scores[best][j][n] for n in test[j]})
            if test[j]:
                p, r, f = prf(scores[best][j], test[j])
                parts.append(f"{d.label} ({', '.join(sorted(folds[j][i]))}; {len(test[j])}): "
                             f"P {p:.3f} R {r:.3f} F1 {f:.3f}")  # fmt: skip
        print(f"fold {i + 1} with {_short(points[best])}:\n  " + "\n  ".join(parts))
    for j, d in enumerate(datasets):
        p, r, f = prf(held[j], names[j])
        print(f"cross-validated {d.label} (each article scored with the weights chosen without "
              f"its topic or saga): P {p:.3f} R {r:.3f} F1 {f:.3f}")  # fmt: skip

    def overall(k: int) -> float:
        return statistics.mean(prf(sc, ns)[2] for sc, ns in zip(scores[k], names, strict=True))

    if len(points) <= SHOWN_POINTS:  # a sweep: every point on everything, for the record
        for n, w in enumerate(points):
            each = ", ".join(f"{d.label} {prf(scores[n][j], names[j])[2]:.3f}"
                             for j, d in enumerate(datasets))  # fmt: skip
            seeds = "splits the seeds" if n in eligible else "merges or splits the seeds wrongly"
            print(f"  {_short(w)}: mean F1 {overall(n):.3f} ({each}); {seeds}")
    k = max(eligible, key=overall)
    top = max(range(len(points)), key=overall)
    each = ", ".join(
        f"{d.label} {prf(scores[k][j], names[j])[2]:.3f}" for j, d in enumerate(datasets)
    )
    print(f"chosen (best of the eligible on everything): mean F1 {overall(k):.3f} ({each}) with "
          f"{_short(points[k])}; unconstrained best {overall(top):.3f} with "
          f"{_short(points[top])}")  # fmt: skip
    return points[k]


def sweep_points(spec: str) -> list[Weights]:
    """"elsewhere=0,0.25,0.5": the shipped weights with one of them at each value."""
    name, _, values = spec.partition("=")
    if name not in Weights.__dataclass_fields__ or not values:
        sys.exit(f"--sweep {spec!r}: expected NAME=V1,V2,... with NAME one of "
                 f"{', '.join(Weights.__dataclass_fields__)}")  # fmt: skip
    return [replace(DEFAULT_WEIGHTS, **{name: float(v)}) for v in values.split(",")]


def _short(w: Weights) -> str:
    return (f"actors {w.actors} places {w.places} days {w.days} claims {w.claims} "
            f"elsewhere {w.elsewhere} late {w.late} aftermath {w.aftermath_days:.0f} d "
            f"join {w.join} "
            f"merge {w.merge:.2f}")  # fmt: skip


def time_add_one(store: Store, items: list[Item], size: int, probes: int) -> str:
    """Median and max ms to add one real article (embedding its lead included) to an index of
    `size` synthetic one-article stories."""
    rng = np.random.default_rng(size)
    embedder = story_embedder()
    index = StoryIndex(dim=embedder.dim)
    # with fewer articles than probes + 1, the probes are copied into the index too (renamed)
    probe_items, seed_items = items[:probes], items[probes:] or items
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
        placed = index.add(replace(f, id=f.id + "-probe"), vector)
        index.settle([placed.story_id])  # as the stage does for the stories a batch grew
        t2 = time.perf_counter()
        embed_ms.append(1000 * (t1 - t0))
        place_ms.append(1000 * (t2 - t1))
    total = [a + b for a, b in zip(embed_ms, place_ms, strict=True)]
    return (
        f"{size:,} stories (built in {built:.0f} s): add one article "
        f"{statistics.median(total):.1f} ms median ({max(total):.1f} max): search and placement "
        f"{statistics.median(place_ms):.1f} ms, lead embedding {statistics.median(embed_ms):.1f} ms"
    )


def dense_score(items: list[Item], gold: dict[str, str], k: int) -> str:
    """B-cubed of the articles of gold stories of at least `k` articles, placed among
    themselves only (replay): the shape of a set of a few events each told by several
    outlets, without the many one-article stories around them."""
    size = Counter(gold.values())
    kept = [it for it in items if it[0] in gold and size[gold[it[0]]] >= k]
    if not kept:
        return f"stories of {k} articles or more: none"
    p, r, f = bcubed(replay(kept, DEFAULT_WEIGHTS), gold)
    stories = len({gold[name] for name, _, _ in kept})
    return (f"stories of {k} articles or more ({len(kept)} articles in {stories}), placed "
            f"alone: B-cubed P {p:.3f} R {r:.3f} F1 {f:.3f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[],
                        help="what to analyze (default: the gold file's own `paths`, else "
                             "WikiRef220)")  # fmt: skip
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--db", default=None, help="store to analyze into (kept; reused)")
    parser.add_argument("--tune", action="store_true", help="cross-validate the weights")
    parser.add_argument("--seeds-db", default=None, help="the seeds analyzed, for --tune")
    parser.add_argument(
        "--also", nargs=2, action="append", default=[], metavar=("DB", "GOLD"),
        help="for --tune: another labelled store (one this benchmark's --db made) and its gold",
    )  # fmt: skip
    parser.add_argument(
        "--sweep", default=None, metavar="NAME=V1,V2,...",
        help="with --tune: cross-validate one weight over these values, the others as shipped",
    )  # fmt: skip
    parser.add_argument(
        "--dense", type=int, default=0, metavar="K",
        help="also score the articles of gold stories of K articles or more, placed alone (in "
             "arrival order, from their stored features): events told by several outlets",
    )  # fmt: skip
    parser.add_argument("--size", type=int, default=100_000, help="stories for the timing")
    parser.add_argument("--probes", type=int, default=20)
    args = parser.parse_args()
    labels = json.loads(args.gold.read_text(encoding="utf-8"))
    # a gold file over articles of several sets names them itself, relative to ../shared
    args.paths = args.paths or [SHARED / p for p in labels.get("paths", ())] or DEFAULT_PATHS
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        sys.exit(f"not found: {', '.join(map(str, missing))}")
    gold = labels["stories"]
    db = args.db or str(Path(tempfile.mkdtemp()) / "stories.db")
    # TimeML converted beside a kept --db (so that a rerun finds the same records), else in
    # the temporary folder
    converted = Path(db).parent if args.db and "://" not in db else Path(tempfile.mkdtemp())
    paths = convert_timeml(args.paths, converted)
    started = time.perf_counter()
    with analyze(paths, db=db, workers=1) as corpus:
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
        if args.dense:
            lines.append(dense_score(items, gold, args.dense))
        if args.tune:
            seed_items = None
            if args.seeds_db:
                seeds_store = open_store(args.seeds_db)
                seed_items = stored_items(seeds_store)
                seeds_store.close()
            datasets = [Dataset.load(args.gold.stem, items, args.gold)]
            for other_db, other_gold in args.also:
                other = open_store(other_db)
                datasets.append(Dataset.load(Path(other_gold).stem, stored_items(other),
                                             Path(other_gold)))  # fmt: skip
                other.close()
            tune(datasets, seed_items, sweep_points(args.sweep) if args.sweep else None)
        if args.size and not items:
            lines.append("timing skipped: no article was read and placed in a story")
        elif args.size:
            lines.append(time_add_one(store, items, args.size, args.probes))
    print(f"command: python {' '.join(sys.argv)}")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
