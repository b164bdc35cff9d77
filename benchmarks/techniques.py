"""Persuasion-technique tagger on a set in the PTC format (SemEval-2020 Task 11).

    python benchmarks/techniques.py [ARTICLES_DIR LABELS_DIR] [--model DIR] [--ptc DIR]
                                    [--all-layers]

Without folders: our validation split of ../shared/data/ptc (every 5th article by id, never
seen in training; newsprism/training/ptc.py). ARTICLES_DIR holds article<ID>.txt files,
LABELS_DIR *.labels files with `ID<TAB>technique<TAB>start<TAB>end` lines (or `ID<TAB>start<TAB>
end`: then only span identification is scored).

Measures, as the task defines them (scorers in newsprism/training/ptc.py):
- SI: span precision, recall and F1 with partial-overlap credit, over the tagger's own spans;
- TC: micro-F1 of the technique given to each gold span (a span with k techniques gets the
  model's top k);
- cost: CPU seconds of the tagger (spans + techniques on them) against the spaCy pass it reads
  from, on the same texts, in the same run: both on one thread (BLAS; onnxruntime's session
  is always one thread), interleaved in chunks of 8 articles so that load on the machine falls
  on both alike; with the share of windows the exit gate let through to the upper layers
  (`--all-layers` reads every window with all of them, to see what the gate costs).
The figures are the last lines printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

from newsprism.training.ptc import (
    PTCError,
    default_split,
    gold_spans,
    gold_techniques,
    read_articles,
    si_scores,
    tc_micro_f1,
)
from newsprism.understand.nlp import load_nlp
from newsprism.understand.techniques import TechniqueModelError, load_tagger

DEFAULT_PTC = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "ptc"
CHUNK = 8


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles_dir", nargs="?", type=Path)
    parser.add_argument("labels_dir", nargs="?", type=Path)
    parser.add_argument("--model", type=Path, default=None, help="a technique model folder")
    parser.add_argument(
        "--ptc", type=Path, default=DEFAULT_PTC, help="PTC corpus whose validation split is used"
    )
    parser.add_argument("--spacy-model", default=None)
    parser.add_argument("--limit", type=int, default=None, help="first N articles only")
    parser.add_argument(
        "--all-layers",
        action="store_true",
        help="read every window with all layers (no exit gate): what the gate costs in F1",
    )
    args = parser.parse_args()
    try:
        if args.articles_dir is None:
            if not (args.ptc / "train-articles").is_dir():
                print(f"no folders given and no PTC corpus at {args.ptc}", file=sys.stderr)
                return 2
            articles = default_split(args.ptc)["validation"]
            where = f"validation split of {args.ptc.resolve()}"
        else:
            if args.labels_dir is None:
                parser.error("give LABELS_DIR with ARTICLES_DIR")
            articles = read_articles(args.articles_dir, args.labels_dir)
            where = f"{args.articles_dir} with {args.labels_dir}"
    except PTCError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    articles = articles[: args.limit]
    nlp = load_nlp(args.spacy_model)
    try:
        tagger = load_tagger(str(args.model) if args.model else None)
    except TechniqueModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.all_layers:
        tagger.spans.gate = 0.0
    nlp("Warm up the pipeline.")
    words = sum(len(a.text.split()) for a in articles)
    print(f"{len(articles)} articles ({words:,} words) from the {where}")

    predicted: dict[str, list[tuple[int, int]]] = {}
    classified: dict[tuple[str, int, int], list[str]] = {}
    gold_tc = gold_techniques(articles)
    spacy_cpu = tagger_cpu = 0.0
    found = seen = read = 0
    with threadpool_limits(limits=1, user_api="blas"):
        for begin in range(0, len(articles), CHUNK):
            chunk = articles[begin : begin + CHUNK]
            started = time.process_time()
            docs = list(nlp.pipe([a.text for a in chunk]))
            spacy_cpu += time.process_time() - started
            for article, doc in zip(chunk, docs, strict=True):
                counts = tagger.spans.windows_seen, tagger.spans.windows_read
                started = time.process_time()
                techniques = tagger.tag(article.text, doc)
                tagger_cpu += time.process_time() - started
                seen += tagger.spans.windows_seen - counts[0]
                read += tagger.spans.windows_read - counts[1]
                found += len(techniques)
                predicted[article.id] = [(t.start, t.end) for t in techniques]
                # classification of the gold spans (not part of the cost: the task's TC input)
                spans = sorted({(s, e) for (aid, s, e) in gold_tc if aid == article.id})
                probs = tagger.classify(article.text, doc, spans)
                for (s, e), row in zip(spans, probs, strict=True):
                    k = len(gold_tc[(article.id, s, e)])
                    ranked = row.argsort()[::-1][:k]
                    classified[(article.id, s, e)] = [tagger.classes[j] for j in ranked]
            print(f"  {begin + len(chunk)}/{len(articles)} articles", file=sys.stderr, flush=True)

    p, r, f1 = si_scores(predicted, gold_spans(articles))
    gold_count = sum(len(v) for v in gold_spans(articles).values())
    print(f"model: {tagger.meta.get('trained_on', '?')}; decoding {tagger.meta['decoding']}")
    print(f"spans: {found} found, {gold_count} gold span lines")
    print(f"SI span F1 (partial-overlap credit): P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    if gold_tc:
        tc = tc_micro_f1(classified, gold_tc)
        lines = sum(len(v) for v in gold_tc.values())
        print(f"TC micro-F1 (technique of each gold span, {lines} lines): {tc:.3f}")
    else:
        print("TC micro-F1: not scored (the labels give spans without techniques)")
    print(
        f"exit gate: {read:,} of {seen:,} windows read by all {tagger.meta['layers']} layers "
        f"(the others by the first {tagger.meta['exit']['layer']})"
    )
    ratio = tagger_cpu / spacy_cpu if spacy_cpu else float("nan")
    print(
        f"cost: spaCy pass {spacy_cpu:.1f} s CPU, technique tagger {tagger_cpu:.1f} s CPU "
        f"(spans + techniques) -> ratio {ratio:.2f} (goal <= 1)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
