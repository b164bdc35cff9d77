"""What the training's parts share: its seed, the width of spaCy's token vectors, the grids
the tune part chooses from, how much the exit gate may skip, where the unlabeled text is,
and progress lines."""

from __future__ import annotations

import numpy as np

SEED = 0
TENSOR_WIDTH = 96  # en_core_web_sm's token vectors
DECODING_GRID = {
    "threshold": [round(float(t), 3) for t in np.arange(0.05, 0.8, 0.025)],
    "smooth": [0, 1, 2],
    "min_tokens": [1, 2, 3],
    # 0: no peak (every run above the threshold is a span); otherwise only peaks above it count
    "peak": [0.0] + [round(float(t), 3) for t in np.arange(0.2, 0.65, 0.05)],
}
C_GRID = [0.25, 0.5, 1.0, 2.0]
# share of the whole tagger's spans the exit may skip: spans, not tokens, as the task's measure
# counts each span once whatever its length, and the windows the gate stops hold short ones
GATE_LOSS = 0.005
UNLABELED = "unlabeled-articles"


def say(message: str) -> None:
    print(message, flush=True)

