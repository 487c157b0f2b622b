"""Start-up of the knowledge base: read the engine Index and the NameIndex fast, and cache them.

Reading the index with rdflib terms costs most of `serve`'s start-up at national scale (each
literal becomes an rdflib Literal). On the embedded store the engine queries are read here with
plain strings instead (the Index and NameIndex only ever call str() / int() on the values and
read a literal's `language`), and the result is cached next to the store as a marshal image,
keyed by the store fingerprint and by the code and queries that build it.
"""

from __future__ import annotations

import collections
import collections.abc
import contextlib
import dataclasses
import fcntl
import gc
import hashlib
import importlib
import logging
import marshal
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

from . import paths, progress
from .engine import Engine
from .index import Index
from .names import NameIndex
from .sparql import bind
from .store import EmbeddedStore, Store, StoreError, solutions_to_rows

log = logging.getLogger("thamquyen.indexcache")
CACHE_NAME = "kb-index.marshal"
CACHE_FORMAT = 8


class LangString(str):
    """A literal's text with its language tag (what NameIndex reads of a label)."""

    language: str | None = None

    def __new__(cls, value: str, language: str | None = None) -> LangString:
        """Make one."""
        text = super().__new__(cls, value)
        text.language = language
        return text


class PlainRows:
    """A store view whose select() returns rows of plain strings (read-only, engine queries)."""

    def __init__(self, store: EmbeddedStore):
        self.store = store

    def select(self, query: str, bindings: dict | None = None) -> list[dict[str, str]]:
        """Rows of the SELECT: IRIs and literals as str, language-tagged literals as LangString."""
        return solutions_to_rows(self.store.store.query(bind(query, bindings)), _plain)


def _plain(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if type(term) is ox.Literal and term.language:  # `type … is`: this runs millions of times
        return LangString(term.value, term.language)
    return term.value


def code_key() -> str:
    """A hash of what builds the index: the engine/names code and the engine queries."""
    digest = hashlib.sha256(f"kb-index-{CACHE_FORMAT}".encode())
    here = Path(__file__).resolve().parent
    for source in (here / "index.py", here / "engine.py", here / "names.py",
                   Path(__file__).resolve()):
        digest.update(source.read_bytes())
    for query in sorted((paths.queries_dir() / "engine").glob("*.rq")):
        digest.update(query.name.encode())
        digest.update(query.read_bytes())
    return digest.hexdigest()[:16]


def build(store: Store) -> tuple[Engine, NameIndex]:
    """Read the Index and NameIndex (plain strings on the embedded store)."""
    source = PlainRows(store) if isinstance(store, EmbeddedStore) else store
    with collector_paused():
        index = Index.from_store(source)  # type: ignore[arg-type]
        names = NameIndex.from_store(source, index)  # type: ignore[arg-type]
    return Engine(index), names


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the index is built or loaded: that only adds
    millions of long-lived objects, so each collection meanwhile scans a growing heap and
    frees nothing (a fifth of the build's CPU at ~1M triples). Collection resumes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_from_memory(memory: ox.Store) -> tuple[Engine, NameIndex]:
    """Read the Index and NameIndex from an in-memory Oxigraph store (during a store build)."""
    return build(EmbeddedStore(memory, "in-memory"))


def _cache_file(store: Store) -> Path | None:
    location = getattr(store, "location", None)
    return None if location is None else Path(location) / CACHE_NAME


# ---- a marshal image of the index: plain containers as they are; the record maps (authorities,
# ---- conferrals, delegations, reorganizations: most of the objects) as one marshal blob per key,
# ---- decoded the first time a question reads that key. Decoding ~10 million objects up front
# ---- was most of a warm start at national scale; a question reads a handful of keys.

ALLOWED_MODULES = ("builtins", "thamquyen.engine", "thamquyen.index", "thamquyen.names")


def _class_name(cls: type) -> str:
    if cls.__module__ not in ALLOWED_MODULES:
        raise TypeError(f"cannot cache {cls!r}")
    return f"{cls.__module__}:{cls.__qualname__}"


def _class(name: str) -> type:
    module, qualname = name.split(":")
    if module not in ALLOWED_MODULES:
        raise TypeError(f"refusing {name}")
    return getattr(importlib.import_module(module), qualname)


def _record_class(value: object) -> type | None:
    return type(value) if dataclasses.is_dataclass(value) and not isinstance(value, type) else None


def _fields(record: object) -> tuple:
    return tuple(getattr(record, f.name) for f in dataclasses.fields(record))


class LazyRecords(collections.abc.Mapping):
    """A read-only mapping whose values are decoded from their marshal blob on first access.

    A missing key reads as the empty value of the original defaultdict (not stored)."""

    def __init__(self, blobs: dict, decode: Callable[[bytes], object],
                 factory: type | None) -> None:
        self._blobs = blobs
        self._decode = decode
        self._factory = factory
        self._values: dict = {}

    def __getitem__(self, key: object) -> object:
        try:
            return self._values[key]
        except KeyError:
            pass
        blob = self._blobs.get(key)
        if blob is None:
            if self._factory is None:
                raise KeyError(key)
            return self._factory()
        value = self._values[key] = self._decode(blob)
        return value

    def get(self, key: object, default: object = None) -> object:
        """The value of key, or default when the key is not there."""
        return self[key] if key in self._blobs else default

    def __contains__(self, key: object) -> bool:
        return key in self._blobs

    def __iter__(self) -> Iterator:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)


def _record_decoder(cls: type, many: bool) -> Callable[[bytes], object]:
    if many:
        return lambda blob: [cls(*fields) for fields in marshal.loads(blob)]
    return lambda blob: cls(*marshal.loads(blob))


def _encode_map(mapping: dict) -> tuple[str, str | None, str | None, dict]:
    """(shape, factory, record class, plain dict) of one attribute of the Index / NameIndex."""
    factory = getattr(mapping, "default_factory", None)
    factory_name = _class_name(factory) if factory is not None else None
    sample = next(iter(mapping.values()), None)
    if _record_class(sample):
        return "records", factory_name, _class_name(_record_class(sample)), {
            k: marshal.dumps(_fields(v)) for k, v in mapping.items()}
    if isinstance(sample, list) and sample and _record_class(sample[0]):
        return "record-lists", factory_name, _class_name(_record_class(sample[0])), {
            k: marshal.dumps([_fields(r) for r in v]) for k, v in mapping.items()}
    return "plain", factory_name, None, dict(mapping)


def _decode_map(shape: str, factory: str | None, record: str | None,
                plain: dict) -> collections.abc.Mapping:
    if shape in ("records", "record-lists"):
        decode = _record_decoder(_class(record or ""), many=shape == "record-lists")
        return LazyRecords(plain, decode, _class(factory) if factory else None)
    return collections.defaultdict(_class(factory), plain) if factory else plain


def _image(obj: object) -> dict:
    return {name: _encode_map(value) for name, value in vars(obj).items() if isinstance(value, dict)}


def _restore(cls: type, image: dict) -> object:
    obj = cls.__new__(cls)
    for name, encoded in image.items():
        setattr(obj, name, _decode_map(*encoded))
    return obj


def _load(path: Path, key: str, store: object = None) -> tuple[Engine, NameIndex] | None:
    try:
        with collector_paused():
            cached = marshal.loads(path.read_bytes())
            if not isinstance(cached, dict) or cached.get("key") != key:
                return None
            index = _restore(Index, cached["index"])
            names = _restore(NameIndex, cached["names"])
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError) as exc:
        log.warning("index cache %s unreadable, rebuilding: %s", path, exc)
        return None
    names.index = index  # type: ignore[attr-defined]
    if store is not None and isinstance(cached.get("triples"), int):
        store.triples = cached["triples"]  # type: ignore[attr-defined]
    return Engine(index), names  # type: ignore[arg-type]


def save(path: Path, key: str, engine: Engine, names: NameIndex,
         triples: int | None = None) -> None:
    """Write the cache file of an index (atomically: a temporary file renamed into place),
    with the number of triples it was read from when known."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        data = marshal.dumps({"key": key, "index": _image(engine.index), "names": _image(names),
                              "triples": triples})
        tmp.write_bytes(data)
        tmp.replace(path)
    except (OSError, ValueError, TypeError) as exc:  # only costs the next start-up
        log.warning("cannot write the index cache %s: %s", path, exc)
        tmp.unlink(missing_ok=True)


def load_or_build(store: Store, built: object = None,
                  in_child: Callable[[Store, Path, str], None] | None = None,
                  ) -> tuple[Engine, NameIndex]:
    """The engine and name index of a store: from the cache when the store and code match,
    else `built` (read while the store was being built), else read now (by `in_child`, which
    writes the cache file, when given); then cached.

    The index is millions of long-lived objects: they are moved out of the garbage collector's
    reach (gc.freeze), so that a full collection never pauses a who-holds answer for ~10 ms.
    A store with a `triples` attribute gets the number of triples the index was read from."""
    path = _cache_file(store)
    if path is None:
        cached = built if isinstance(built, tuple) else _build(store)
    else:
        key = f"{store.fingerprint}-{code_key()}"
        cached = _load(path, key, store) if path.exists() else None
        if cached is None:
            with _building(path):  # another process reading the same index: wait, then load it
                cached = _load(path, key, store) if path.exists() else None
                if cached is None and in_child is not None:
                    in_child(store, path, key)
                    cached = _load(path, key, store)
                    if cached is None:
                        raise StoreError(f"the index read in a child process is not in {path}")
                if cached is None:
                    cached = built if isinstance(built, tuple) else _build(store)
                    save(path, key, *cached, triples=getattr(store, "triples", None))
    gc.collect()
    gc.freeze()
    return cached


def _build(store: Store) -> tuple[Engine, NameIndex]:
    progress.step("Dựng chỉ mục tra cứu…", "Reading the who-holds index…")
    return build(store)


@contextlib.contextmanager
def _building(path: Path) -> Iterator[None]:
    """An exclusive lock beside the cache file: replicas sharing a working folder read a
    remote store's index once (the others wait, then load the cache)."""
    with open(path.with_name(f".{path.name}.lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
