"""Engines run the per-source functions: locally over worker processes (Dask comes later)."""
