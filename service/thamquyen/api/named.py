"""The named-query catalog as the service sees it: loading, example values, YASGUI tabs."""

from __future__ import annotations

import logging
import re
from typing import Any

from ..sparql import bind

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


def with_examples(query: Any) -> str:
    """The query text with its example values bound, ready to run in YASGUI."""
    from ..catalog import bindings_for

    examples = {p.name: p.example for p in query.params if p.example is not None}
    try:
        return bind(query.text, bindings_for(query, examples))
    except Exception:  # an example the binder refuses: show the query as written
        return query.text


def title(query: Any) -> str:
    """The Vietnamese summary of a named query, or its name."""
    summary = getattr(query, "summary", None) or {}
    return summary.get("vi") or summary.get("en") or query.name


def yasgui_tabs(catalog: list[Any]) -> list[dict[str, str]]:
    """The example tabs of the YASGUI page: a starter query, then every named query."""
    tabs = [DEFAULT_TAB]
    for query in catalog:
        tabs.append({"name": query.name, "title": title(query), "query": with_examples(query)})
    return tabs
