"""Ingest: files and scrapes in, validated rows into the store, the rest into ``rejects``."""
from .loader import IngestError, LoadReport, load_path, load_paths

__all__ = ["IngestError", "LoadReport", "load_path", "load_paths"]
