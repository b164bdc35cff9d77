"""Train the persuasion-technique tagger shipped in newsprism/understand/technique_model/.

    make techniques-model            # installs torch (CPU build) into the venv, then runs:
    python -m newsprism.training.techniques --ptc ../shared/data/ptc

CPU only, one thread per process, deterministic seeds: the choices on the tune part and each
run on all training articles are independent processes (`--workers`, default up to 4), about
80 minutes on this project's two-core machines.
Data: the PTC training articles of our split (training/ptc.py); the validation articles are
never read here, so `benchmarks/techniques.py` measures on text the model has not seen. The
PTC's unlabeled articles (`unlabeled-articles/`, without it the tune part with its labels
unread) serve only to compare the tagger's outputs with themselves (threshold, exit gate).

Span identification: all six layers of all-MiniLM-L6-v2, fine-tuned as a word-piece tagger
(binary: inside a technique span or not) over the windows the tagger reads at inference, with a
linear head over the last states and spaCy's token vectors; the word-embedding matrix stays
frozen (no gradient for its 12M numbers, and the package need not carry it: 23 MB). The epoch
and the decoding knobs (threshold, peak, smoothing, minimum length) are chosen on the tune part;
then the tagger is trained again on all training articles for that many epochs, three times in
three batch orders, and the three runs' weights averaged (`soup`); its threshold and peak are
moved to flag as much unlabeled text as the tuned ones did (`matched_threshold`). An exit head
after the second layer learns the whole tagger's outputs (`fit_exit_head`). Both parts are
exported as ONNX graphs with int8 weights (what the package runs: `export_onnx`); the exit's
gate is then chosen on those graphs as the highest that skips at most 0.5% of the whole tagger's
spans on unlabeled text (`choose_gate`; `--regate` chooses it again for a model folder, without
training or torch).
Technique classification: logistic regression over understand.techniques.SpanVectoriser
features of the gold spans; C chosen on the tune part, then refitted on all training articles.

This module is the command; the parts it runs are in training/technique_tagger/ (settings,
windows, model, fitting, classifier, gate, onnx_export).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from newsprism.training.ptc import default_split
from newsprism.training.technique_tagger.classifier import fit_classifier, span_items
from newsprism.training.technique_tagger.fitting import (
    flagged_scores,
    matched_threshold,
    run_training,
)
from newsprism.training.technique_tagger.gate import (
    choose_gate,
    fit_exit_head,
    regate,
    unlabeled_articles,
)
from newsprism.training.technique_tagger.model import soup
from newsprism.training.technique_tagger.onnx_export import export_onnx
from newsprism.training.technique_tagger.settings import GATE_LOSS, SEED, say
from newsprism.training.technique_tagger.windows import parse
from newsprism.understand.technique_spans import piece_tokenizers
from newsprism.understand.techniques import MODEL_DIR, TECHNIQUES


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ptc", type=Path, default=Path("../shared/data/ptc"))
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--spacy-model", default=None, help="default: newsprism's spaCy model")
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument(
        "--exit-layer",
        type=int,
        default=2,
        help="layers every window goes through; the rest read only windows the exit head passes",
    )
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument(
        "--no-refit",
        dest="refit",
        action="store_false",
        help="keep the weights trained on the fit part (skip the refit on all training articles)",
    )
    parser.add_argument(
        "--soup",
        type=int,
        default=3,
        help="runs on all training articles, in different batch orders, whose weights are averaged",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes training at once (one thread each; the runs are independent)",
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="first N articles of each part (a quick check)"
    )
    parser.add_argument(
        "--regate",
        action="store_true",
        help="no training: choose the exit gate of the model in --out again (after a change of "
        "GATE_LOSS, or of the unlabeled text)",
    )
    args = parser.parse_args(argv)
    if not (args.ptc / "train-articles").is_dir():
        print(
            f"{args.ptc}: no PTC corpus there (train-articles/, train-labels-TC/)", file=sys.stderr
        )
        return 2
    if args.regate:
        return regate(args)
    if not 1 <= args.exit_layer < args.layers:
        parser.error(f"--exit-layer must be from 1 to {args.layers - 1} (--layers {args.layers})")
    try:
        import torch
    except ImportError:
        print(
            "training needs torch (CPU build): `make techniques-model` installs it, or "
            "`pip install torch==2.13.0`",
            file=sys.stderr,
        )
        return 2
    from newsprism.understand.nlp import load_nlp, model_name

    torch.set_num_threads(1)
    wall, cpu = time.monotonic(), time.process_time()
    split = {k: v[: args.limit] for k, v in default_split(args.ptc).items()}
    nlp = load_nlp(args.spacy_model)
    tokenizers = piece_tokenizers()
    say(f"parsing {len(split['train'])} training articles with spaCy")
    fit, tune = parse(split["fit"], nlp, tokenizers), parse(split["tune"], nlp, tokenizers)
    say(f"fit part: {len(fit)} articles, {sum(len(p.windows) for p in fit)} windows")
    articles, unlabeled_from = unlabeled_articles(args, split)
    say(f"unlabeled text for the threshold and the exit gate: {unlabeled_from}")
    unlabeled = parse(articles, nlp, tokenizers)
    members = args.soup if args.refit else 0
    say(
        f"training on {args.workers} process(es): the choices on the tune part"
        + (f", and {members} run(s) on all training articles" if members else "")
    )
    stage, runs = run_training(fit, tune, unlabeled, args, members)
    decoding, best_epoch = stage["decoding"], stage["best_epoch"]
    tuned = dict(decoding)
    best_c = max(stage["c_scores"], key=stage["c_scores"].__getitem__)
    if runs:
        # every choice is made: the weights now learn from the tune part too (25% more
        # examples; in our prototype runs validation F1 moved by -0.001 to +0.025, within the
        # run-to-run noise of about 0.015), averaged over runs that differ in batch order
        model = soup(torch, [run[best_epoch - 1] for run in runs], args.layers)
        flagged_after = flagged_scores(torch, model, unlabeled, decoding["smooth"])
        for knob in ("threshold", "peak"):  # both compare a probability: both carried over
            if tuned.get(knob):
                decoding[knob] = matched_threshold(stage["flagged"], flagged_after, tuned[knob])
        say(f"refitted tagger's decoding {decoding} (tuned: {tuned})")
    else:
        model = soup(torch, [stage["weights"]], args.layers)
    fit_items, fit_labels = span_items(torch, model, fit)
    tune_items, tune_labels = span_items(torch, model, tune)
    final = fit_classifier(fit_items + tune_items, fit_labels + tune_labels, best_c)

    say(f"exit head after layer {args.exit_layer}")
    fit_exit_head(torch, model, fit + tune + unlabeled, args.exit_layer)

    args.out.mkdir(parents=True, exist_ok=True)
    export_onnx(torch, model, args.exit_layer, args.out)
    for old in ("span_tagger.onnx", "span_tagger.npz"):  # the one-graph and NumPy forms of before
        (args.out / old).unlink(missing_ok=True)
    classifier = final["classifier"]
    np.savez_compressed(
        args.out / "classifier.npz",
        coef=classifier.coef_.astype(np.float16),
        intercept=classifier.intercept_.astype(np.float32),
        **final["vectoriser"].arrays("x_"),
    )
    import sklearn

    meta = {
        "task": "SemEval-2020 Task 11: span identification + technique classification",
        "classes": [str(c) for c in classifier.classes_],
        "decoding": decoding,
        "layers": args.layers,
        "exit": {"layer": args.exit_layer},  # its gate: chosen on the exported graphs, below
        "decoding_tuned_before_refit": tuned,
        "spacy_model": model_name(args.spacy_model),
        "trained_on": "PTC training split (training/ptc.py: every 5th article by id held out)",
        "tune_part": {
            "si_f1": round(stage["tune_si"], 4), "tc_micro_f1": round(stage["c_scores"][best_c], 4)
        },
        "settings": {
            "epochs": args.epochs, "lr": args.lr, "batch": args.batch, "C": best_c,
            "seed": SEED, "frozen_word_embeddings": True, "epochs_kept": best_epoch,
            "refit_on_all_training_articles": args.refit, "soup_of_runs": members,
        },
        "versions": {"torch": torch.__version__, "scikit-learn": sklearn.__version__},
        "training_seconds": {
            "wall": round(time.monotonic() - wall), "cpu": round(time.process_time() - cpu)
        },
    }  # fmt: skip
    gate, read_share = choose_gate(args.out, meta, unlabeled)
    say(f"gate {gate:.4f}: the upper layers read {read_share:.0%} of the unlabeled windows")
    meta["exit"].update(
        gate=gate, upper_reads_windows=round(read_share, 4), most_spans_skipped=GATE_LOSS,
        chosen_on=unlabeled_from,
    )  # fmt: skip
    missing = set(TECHNIQUES) - set(meta["classes"])
    if missing:
        say(f"warning: no training example of {sorted(missing)}")
    (args.out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    say(f"model written to {args.out} ({meta['training_seconds']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
