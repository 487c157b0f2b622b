"""The named-query catalog as the service sees it: loading, example values, YASGUI tabs."""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger("thamquyen.api")

DEFAULT_TAB = {
    "name": "Ví dụ",
    "query": """PREFIX tq: <https://w3id.org/thamquyen/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

# Các thẩm quyền có trong dữ liệu — the powers in the data
SELECT ?power ?label WHERE {
  ?power a tq:Power ;
         skos:prefLabel ?label .
  FILTER(langMatches(lang(?label), "vi"))
}
ORDER BY ?label
LIMIT 100
""",
}


def load() -> list[Any]:
    """The named queries of queries/ (an empty list if the catalog module is not installed)."""
    try:
        from ..catalog import load_catalog
    except ImportError:
        log.warning("thamquyen.catalog is not available: no named queries")
        return []
    return list(load_catalog())


def is_iri(text: str) -> bool:
    """True for an absolute IRI that every SPARQL store will parse."""
    import pyoxigraph as ox

    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text) or re.search(r'[\x00-\x20<>"{}|^`\\]', text):
        return False
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def with_examples(query: Any, store: Any = None) -> str:
    """The query text with its example values bound, ready to run in YASGUI; for a store
    without LATERAL, its without-lateral version (catalog.for_store)."""
    from ..catalog import bindings_for, bound_text

    examples = {p.name: p.example for p in query.params if p.example is not None}
    try:
        return bound_text(store, query, bindings_for(query, examples))
    except Exception:  # an example the binder refuses, a store not answering: the query as written
        return query.text


_PROBES: dict[tuple[str, str | None], Any] = {}


def remote_store(remote: Any) -> Any:
    """A RemoteStore to ask whether the remote store has LATERAL (one per endpoint and graph,
    asked once, no index read); None for the embedded store."""
    if remote is None:
        return None
    key = (remote.query_url, remote.graph)
    if key not in _PROBES:
        from ..store import RemoteStore

        _PROBES[key] = RemoteStore(remote)
    return _PROBES[key]


def title(query: Any) -> str:
    """The Vietnamese summary of a named query, or its name."""
    summary = getattr(query, "summary", None) or {}
    return summary.get("vi") or summary.get("en") or query.name


def yasgui_tabs(catalog: list[Any], store: Any = None) -> list[dict[str, str]]:
    """The example tabs of the YASGUI page: a starter query, then every named query (as the
    store runs it, when given)."""
    tabs = [DEFAULT_TAB]
    for query in catalog:
        tabs.append({"name": query.name, "title": title(query),
                     "query": with_examples(query, store)})
    return tabs
