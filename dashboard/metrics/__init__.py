"""Thin functions over named queries: each returns a ``queries.Result`` (frame + provenance)."""
