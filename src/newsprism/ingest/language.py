"""Language identification with py3langid (its model ships inside the package: no download)."""

from __future__ import annotations

import re
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

UNDETERMINED = "und"
MIN_CONFIDENCE = 0.5
_SAMPLE_CHARS = 2000  # plenty for a confident guess; the cost grows with the sample


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability); 'und' when there is too little text to tell."""
    sample = text[:_SAMPLE_CHARS]
    if len(re.findall(r"[^\W\d_]{2,}", sample)) < 3:
        return UNDETERMINED, 0.0
    lang, prob = _identifier().classify(sample)
    if prob < MIN_CONFIDENCE:  # tables, code, label lists: no language worth claiming
        return UNDETERMINED, round(float(prob), 4)
    return str(lang), round(float(prob), 4)
