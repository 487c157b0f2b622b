"""The knowledge base a command or the service works on: store + engine + names."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import rdflib

from .answers.citations import vietnamese_order
from .engine import Engine, engine_query
from .indexcache import build_from_memory, load_or_build
from .names import NameIndex
from .namespaces import TQ
from .sources import ordered_sources
from .sparql import bind_many
from .store import EmbeddedStore, RemoteSettings, RemoteStore, Store

NAME_CACHE = 20_000  # provision names read from the store, kept for the KB's life


@dataclass
class KB:
    """A store with its who-holds engine and name index, read once."""

    store: Store
    engine: Engine
    names: NameIndex
    read_names: dict[str, str | None] = field(default_factory=dict, repr=False)
    read_sources: dict[str, list[dict]] = field(default_factory=dict, repr=False)
    read_texts: dict[str, str | None] = field(default_factory=dict, repr=False)

    def labels(self, iris: Sequence[str]) -> dict[str, str]:
        """Vietnamese labels of the given IRIs (those that have one)."""
        wanted = sorted({i for i in iris if i})
        if not wanted:
            return {}
        query = bind_many(engine_query("labels"), "node", [rdflib.URIRef(i) for i in wanted])
        return {str(r["node"]): str(r["label"]) for r in self.store.select(query)}

    def display_names(self, iris: Sequence[str]) -> dict[str, str]:
        """What a reader sees for each IRI: its Vietnamese label, and for a provision or a
        document its citation in Vietnamese order ("khoản 2 Điều 14 Luật số 72/2025/QH15").

        Names the index already holds (units, authorities, documents, powers, levels) cost no
        query; the others (provisions) are read from the store."""
        found, rest = {}, []
        for iri in {i for i in iris if i}:
            label = self.names.labels.get(iri) or self.engine.index.level_labels.get(iri)
            if label is None:
                rest.append(iri)
            elif str(TQ.LegalDocument) in self.names.types.get(iri, ()):
                found[iri] = vietnamese_order(label, iri, None, self.names.codes.get(iri))
            else:
                found[iri] = label
        missing = [i for i in rest if i not in self.read_names]
        if missing:
            if len(self.read_names) > NAME_CACHE:
                self.read_names.clear()
            read = self._store_names(missing)
            self.read_names.update({i: read.get(i) for i in missing})
        return found | {i: name for i in rest if (name := self.read_names.get(i))}

    def _store_names(self, iris: Sequence[str]) -> dict[str, str]:
        labels = self.labels(iris)
        if not labels:
            return {}
        query = bind_many(engine_query("citations"), "node",
                          [rdflib.URIRef(i) for i in sorted(labels)])
        documents: dict[str, tuple[str, str]] = {}
        for row in self.store.select(query):
            found = (str(row["docType"]), str(row["number"]))
            documents[str(row["node"])] = min(found, documents.get(str(row["node"]), found))
        return {node: vietnamese_order(label, node, *documents.get(node, (None, None)))
                for node, label in labels.items()}

    def sources_of(self, iris: Sequence[str]) -> dict[str, list[dict]]:
        """The web sources of provisions or documents (theirs, then those of the documents they
        are part of), official publications first (sources.py).

        Kept once read (the store of a KB does not change; a refresh makes a new KB): on a
        remote store a who-holds answer would otherwise cost one query over HTTP."""
        return kept(self.read_sources, iris, self._store_sources)

    def _store_sources(self, iris: Sequence[str]) -> dict[str, list[dict]]:
        wanted = sorted(iris)
        query = bind_many(engine_query("sources"), "node", [rdflib.URIRef(i) for i in wanted])
        found: dict[str, list[tuple[int, str]]] = {}
        for row in self.store.select(query):
            found.setdefault(str(row["node"]), []).append((int(row["depth"]), str(row["source"])))
        return {node: ordered_sources(url for _, url in sorted(pairs))
                for node, pairs in found.items()}

    def texts_of(self, iris: Sequence[str]) -> dict[str, str]:
        """The Vietnamese text (`tq:text`) of the given provisions that have one (kept once
        read, as sources are)."""
        return kept(self.read_texts, iris, self._store_texts)

    def _store_texts(self, iris: Sequence[str]) -> dict[str, str]:
        query = bind_many(engine_query("texts"), "node", [rdflib.URIRef(i) for i in sorted(iris)])
        return {str(r["node"]): str(r["text"]) for r in self.store.select(query)}

    def with_sources(self, answer: dict) -> dict:
        """The who-holds answer with each chain step's `sources` (added to architecture.md's
        step: [{"url", "kind": "official"|"secondary", "vi", "en"}], official first) and
        `basisText`, the Vietnamese wording of its basis (null when the data has none)."""
        bases = [s["basis"] for h in answer["holders"] for s in h["chain"] if s.get("basis")]
        table, texts = self.sources_of(bases), self.texts_of(bases)
        for holder in answer["holders"]:
            for s in holder["chain"]:
                s["sources"] = table.get(s.get("basis") or "", [])
                s["basisText"] = texts.get(s.get("basis") or "")
        return answer


def kept(cache: dict, iris: Sequence[str], read: Callable[[list[str]], dict]) -> dict:
    """What `read` gives for the IRIs, each read once and kept in `cache` (cleared past
    NAME_CACHE entries); IRIs it gives nothing for are left out."""
    wanted = {i for i in iris if i}
    missing = [i for i in wanted if i not in cache]
    if missing:
        if len(cache) > NAME_CACHE:
            cache.clear()
        found = read(missing)
        cache.update({i: found.get(i) for i in missing})
    return {i: value for i in wanted if (value := cache.get(i))}


def open_kb(extra: Sequence[Path] = (), remote: RemoteSettings | None = None,
            persistent: bool = True, workdir: Path | None = None) -> KB:
    """Open the store (remote, persistent embedded, or in memory) and read its index."""
    store: Store
    if remote is not None:
        return open_remote(RemoteStore(remote), workdir)
    if persistent:
        store = EmbeddedStore.open(extra, workdir, while_writing=build_from_memory)
    else:
        store = EmbeddedStore.in_memory(extra)
    engine, names = load_or_build(store, getattr(store, "built_extra", None))
    kb = KB(store, engine, names)
    engine.namer = kb.display_names
    return kb


def open_remote(store: RemoteStore, workdir: Path | None = None, in_child: bool = False,
                previous: str | None = None) -> KB:
    """A remote store's knowledge base: its fingerprint read first, then the index from the
    cache of that fingerprint, or read in bulk (one N-Triples export, or the kept copy of the
    `previous` fingerprint's content and what an add-only load added) and cached; `in_child`:
    that read runs in a child process (a refresh while requests are served)."""
    from .remote import BulkRemote, build_in_child, cache_folder, fingerprint

    store.fingerprint = fingerprint(store)
    view = BulkRemote(store, cache_folder(store, workdir), previous)
    engine, names = load_or_build(view, in_child=build_in_child if in_child else None)  # type: ignore[arg-type]
    store.triples = view.triples
    kb = KB(store, engine, names)
    engine.namer = kb.display_names
    return kb
