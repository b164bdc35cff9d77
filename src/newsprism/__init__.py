"""newsprism: many news articles in, one cross-checked picture out."""

__version__ = "0.1.0"

from newsprism.api import Corpus, analyze, open_corpus

__all__ = ["Corpus", "analyze", "open_corpus", "__version__"]
