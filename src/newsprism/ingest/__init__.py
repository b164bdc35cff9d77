"""Ingest: read sources into documents, clean them into articles, find duplicates."""
