"""Link: per-article findings joined across the corpus (canonical actors, places, dates)."""
