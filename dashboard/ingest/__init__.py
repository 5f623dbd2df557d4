"""Ingest: files and scrapes in, validated rows into the store, the rest into ``rejects``."""
from .loader import IngestError, LoadReport, load_path, load_paths
from .reference import ensure_reference

__all__ = ["IngestError", "LoadReport", "ensure_reference", "load_path", "load_paths"]
