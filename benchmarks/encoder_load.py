"""What loading the claims' and stories' sentence encoder costs a process: the onnxruntime
session built from a graph that holds the weights (as before) and the session handed the weight
arrays in place (`encoders.sentence_graph.sentence_session`), each in a fresh process, in one
run: CPU seconds to build it, the memory it keeps and the peak over the process's start, and
whether the two give the same vectors, bit for bit.

    python benchmarks/encoder_load.py

Every Dask worker, a Dask client that takes items itself, and every local run build it once.
The figures are the last lines printed.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SENTENCES = [
    "The army said 40 soldiers were wounded near the border on Monday.",
    "At least 82 people were killed and 1,700 injured in Nairobi on Friday, police said.",
    "The council voted to close the bridge until engineers had inspected it.",
]
WAYS = ("graph holding the weights", "weights handed in place")


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def build(way: str) -> dict[str, object]:
    """Build the session one way in this process, encode the sentences."""
    import numpy as np
    import onnxruntime

    from newsprism.crosscheck.embed import MiniLMEmbedder
    from newsprism.encoders.minilm import load_safetensors, model_dir
    from newsprism.encoders.sentence_graph import sentence_graph, sentence_session

    tokenizer = MiniLMEmbedder(threads=1).tokenizer
    start, peak_before = rss_mb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.process_time()
    weights = load_safetensors(model_dir() / "model.safetensors")
    if way == WAYS[0]:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(
            sentence_graph(weights), options, providers=["CPUExecutionProvider"]
        )
    else:
        session = sentence_session(weights, 1)
    del weights
    seconds = time.process_time() - started
    batch = tokenizer.encode_batch(SENTENCES)
    ids = np.array([e.ids for e in batch], np.int64)
    mask = np.array([e.attention_mask for e in batch], np.float32)
    (vectors,) = session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "kept_mb": rss_mb() - start,
        "peak_mb": peak - max(start, peak_before),
        "vectors": vectors.view(np.uint32).tolist(),
    }


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(build(sys.argv[2])))
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    results = {}
    for way in WAYS:
        done = subprocess.run([sys.executable, __file__, "--one", way], env=env,
                              capture_output=True, text=True, check=True)  # fmt: skip
        results[way] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"command: python {' '.join(sys.argv)}")
    for way, r in results.items():
        print(f"{way:<26} build {r['seconds']:.2f} s CPU, keeps {r['kept_mb']:.0f} MB, "
              f"peak {r['peak_mb']:.0f} MB over the start")  # fmt: skip
    same = results[WAYS[0]]["vectors"] == results[WAYS[1]]["vectors"]
    print(f"the same vectors, bit for bit: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
