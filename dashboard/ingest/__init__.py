"""Ingest: files and scrapes in, validated rows into the store, the rest into ``rejects``."""
from .loader import IngestError, LoadReport, load_path, load_paths
from . import sbom, vendors  # noqa: F401,E402  sovereignty domains, YAML and CycloneDX readers register here

__all__ = ["IngestError", "LoadReport", "load_path", "load_paths"]
