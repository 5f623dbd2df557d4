"""The vendor registry: who a supplier, manufacturer, author, publisher or package namespace is.

``queries/reference/vendor_registry.csv`` ships sourced facts (headquarters, ultimate parent and
its country, aliases, package-URL namespaces, source URL, as-of date) about the vendors an AI
factory's stack really has. It is a record kind like any other (``vendor_registry``): loaded
through the ingest log, checked in SQL (``queries/ingest/vendor_registry_check.sql``), revised by
ingesting a CSV with the same columns (``aifd ingest --kind vendor_registry my_registry.csv``).

``Resolver`` answers, for an SBOM, which vendor a name or a package URL belongs to:

- names are compared after ``normalise``: accents, case, punctuation, an e-mail address in
  ``<...>``, text in parentheses, a leading "the" and trailing legal forms (Inc., GmbH, Ltd,
  AG, SE, S.A., Oyj, ...) do not count, so "NVIDIA Corporation", "Nvidia Corp." and "NVIDIA"
  are one key. Stored vendors (the user's own records) are tried before the registry; a key
  that two registry entries share is ambiguous and resolves to nothing.
- package URLs match the longest registry prefix (``pkg:pypi/torch``, ``pkg:maven/org.apache``,
  ``pkg:npm/@aws-sdk``, ``pkg:golang/github.com/nvidia``): the type and path are compared in lower
  case, ``%40`` read as ``@``, PyPI names with ``_``/``.`` as ``-``; a prefix matches the whole
  next path segment (``pkg:pypi/torch`` is not ``torchvision``) unless it ends in ``-``, ``.``
  or ``/``, and a Maven group prefix also matches its sub-groups (``org.apache`` covers
  ``org.apache.commons``).

See docs/vendor_registry.md.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from urllib.parse import unquote

import duckdb

from .. import queries
from ..config import QUERIES_DIR
from .domains import VENDOR_REGISTRY  # noqa: F401  the record kind, listed in domains.DOMAINS

REGISTRY_CSV = QUERIES_DIR / "reference" / "vendor_registry.csv"
UNKNOWN = "ZZ"  # the jurisdiction "unknown" (migration 010)

# Legal forms dropped from the end of a name (after dots are removed and other punctuation is
# a space): "S.A." -> "sa", "GmbH & Co. KG" -> "gmbh co kg", "A/S" -> "as", "spol. s r.o." ->
# "spol s ro".
LEGAL_FORMS = frozenset("""
    inc incorporated corp corporation co company ltd limited llc lc plc gmbh mbh ag kgaa kg se sa sas
    sasu sarl spa srl bv nv oy oyj ab publ asa as aps kk pbc lp llp pte pty sro spol aisbl ev ug sl
    bhd sdn cv ohg ro s
""".split())
_EMAIL = re.compile(r"<[^>]*>|\S+@\S+")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def normalise(name: str | None) -> str:
    """The key a name is matched by (see the module docstring); '' when nothing is left."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _PARENS.sub(" ", _EMAIL.sub(" ", text))
    text = text.replace("a/s", "as").replace("&", " ").replace(".", "").replace("'", "").replace("’", "")
    tokens = re.sub(r"[^a-z0-9]+", " ", text).split()
    if tokens and tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in LEGAL_FORMS:
        tokens.pop()
    return " ".join(tokens)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", unicodedata.normalize("NFKD", name).encode("ascii", "ignore")
                  .decode().lower()).strip("_")


def purl_key(purl: str | None) -> str | None:
    """``pkg:<type>/<namespace>/<name>`` of a package URL, lower case, without version, qualifiers
    and subpath; None when it is not a package URL."""
    if not purl or not isinstance(purl, str) or not purl.lower().startswith("pkg:"):
        return None
    raw = purl.split("#", 1)[0].split("?", 1)[0][4:].lstrip("/")
    ptype, _, path = raw.partition("/")
    if not ptype or not path:
        return None
    at = path.rfind("@")
    if at > 0 and path[at - 1] != "/":  # the version; a leading '@' is an npm scope written unencoded
        path = path[:at]
    path = unquote(path).lower().strip("/")
    ptype = ptype.lower()
    if ptype == "pypi":
        path = re.sub(r"[-_.]+", "-", path)
    return f"pkg:{ptype}/{path}" if path else None


def namespace_key(prefix: str) -> str:
    """A registry namespace as it is compared: lower case, '%40' as '@', PyPI names as PEP 503."""
    p = unquote(prefix.strip()).lower()
    if p.startswith("pkg:pypi/"):
        p = "pkg:pypi/" + re.sub(r"[-_.]+", "-", p[9:])
    return p


def _prefix_matches(prefix: str, key: str) -> bool:
    if not key.startswith(prefix):
        return False
    if len(key) == len(prefix) or prefix[-1] in "-./":
        return True
    return key[len(prefix)] in "/."


@dataclass(frozen=True)
class Entry:
    origin: str                 # 'stored' (the vendors table) or 'registry'
    vendor_id: str
    name: str
    hq_country: str
    parent: str | None
    parent_country: str | None
    source: str | None = None
    as_of: date | None = None

    @property
    def control_country(self) -> str:
        return self.parent_country or self.hq_country

    @property
    def ultimate_parent(self) -> str:
        return self.parent or self.name


class Resolver:
    """Name and package-URL lookups over the stored vendors and the vendor registry."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        q = queries.load("ingest/vendor_lookup")
        rows = con.execute(q.sql).fetchall()
        self.stored: dict[str, Entry] = {}
        self.registry: dict[str, Entry] = {}
        stored_names: dict[str, set[str]] = {}
        registry_names: dict[str, set[str]] = {}
        self.prefixes: list[tuple[str, str]] = []  # (prefix, registry vendor_id), longest first
        for origin, vid, name, aliases, hq, parent, pc, namespaces, source, as_of in rows:
            entry = Entry(origin, vid, name, hq, parent, pc, source, as_of)
            names = [name, vid.replace("_", " ")] + (aliases.split("|") if aliases else [])
            target = stored_names if origin == "stored" else registry_names
            (self.stored if origin == "stored" else self.registry)[vid] = entry
            for n in names:
                key = normalise(n)
                if key:
                    target.setdefault(key, set()).add(vid)
            for ns in (namespaces.split("|") if namespaces else []):
                if ns.strip():
                    self.prefixes.append((namespace_key(ns), vid))
        self.prefixes.sort(key=lambda p: -len(p[0]))
        self.ambiguous = sorted(k for k, ids in registry_names.items() if len(ids) > 1)
        self._stored_names = {k: next(iter(v)) for k, v in stored_names.items() if len(v) == 1}
        self._registry_names = {k: next(iter(v)) for k, v in registry_names.items() if len(v) == 1}

    @property
    def empty_registry(self) -> bool:
        return not self.registry

    def _prefer_stored(self, entry: Entry) -> Entry:
        """A registry vendor already stored is the stored one: its recorded history is kept."""
        return self.stored.get(entry.vendor_id, entry)

    def by_name(self, name: str | None) -> tuple[Entry, str] | None:
        """The vendor a name denotes and how it was found ('stored vendor' or 'registry name')."""
        key = normalise(name)
        if not key:
            return None
        vid = self._stored_names.get(key)
        if vid is None and name and slug(name) in self.stored:
            vid = slug(name)
        if vid is not None:
            return self.stored[vid], "stored vendor"
        vid = self._registry_names.get(key)
        if vid is not None:
            return self._prefer_stored(self.registry[vid]), "registry name"
        return None

    def by_purl(self, purl: str | None) -> tuple[Entry, str] | None:
        key = purl_key(purl)
        if key is None:
            return None
        for prefix, vid in self.prefixes:
            if _prefix_matches(prefix, key):
                return self._prefer_stored(self.registry[vid]), f"package namespace {prefix}"
        return None
