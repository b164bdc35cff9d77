"""Understand: per-article analysis (places, actors, times, quantities, quotes)."""
