"""The marshal cache of the engine Index and NameIndex (thamquyen.indexcache).

The knowledge base of tests/fixtures/engine (with the version-2 cases of engine-v2) is opened
twice on the same temporary workdir: the first opening builds the index and writes
kb-index.marshal, the second reads it back (record maps as LazyRecords). Both must answer
who-holds identically. LazyRecords is also tested alone.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import marshal
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from thamquyen import kb as kbmod
from thamquyen.engine import Conferral
from thamquyen.indexcache import CACHE_NAME, LazyRecords, _decode_map, _encode_map

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "engine"
V2_FIXTURES = REPO / "tests" / "fixtures" / "engine-v2"
F = "https://example.org/thamquyen-fixture/"
DATES = ["2017-12-31", "2020-01-01", "2021-03-01", "2023-07-01", "2024-01-01", "2024-06-01",
         "2025-07-01", "2026-01-01"]
SAMPLE = 200


@pytest.fixture(scope="module")
def two_kbs(fixture_home: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """(built, cached): the fixture KB opened twice on one workdir; the second reads the cache."""
    workdir = tmp_path_factory.mktemp("kb-work")
    built = kbmod.open_kb([FIXTURES, V2_FIXTURES], workdir=workdir)
    caches = list(workdir.rglob(CACHE_NAME))
    assert len(caches) == 1, caches
    cached = kbmod.open_kb([FIXTURES, V2_FIXTURES], workdir=workdir)
    return built, cached


def combos(kb: kbmod.KB) -> list[tuple[str, str | None, str]]:
    """A fixed random sample of (power, unit or none, date) over the fixture's powers and units."""
    powers = sorted(p for p in kb.engine.index.powers if p.startswith(F))
    units = sorted(u for u in kb.engine.index.unit_validity if u.startswith(F))
    assert len(powers) >= 10 and len(units) >= 10
    every = [(p, u, d) for p in powers for u in [*units, None] for d in DATES]
    return random.Random(20261128).sample(every, min(SAMPLE, len(every)))


def test_second_opening_reads_the_cache(two_kbs: tuple) -> None:
    built, cached = two_kbs
    assert not isinstance(built.engine.index.conferrals, LazyRecords)
    assert isinstance(cached.engine.index.conferrals, LazyRecords)
    assert len(cached.engine.index.conferrals) == len(built.engine.index.conferrals)


def test_cached_index_answers_who_holds_like_the_built_one(two_kbs: tuple) -> None:
    built, cached = two_kbs
    sample = combos(built)
    differences = []
    answered = 0
    for power, unit, day in sample:
        at = dt.date.fromisoformat(day)
        expected = built.engine.who_holds(power, unit, at)
        if cached.engine.who_holds(power, unit, at) != expected:
            differences.append((power, unit, day))
        answered += bool(expected["holders"])
    assert differences == []
    assert answered > len(sample) // 5  # not trivially empty


def test_cached_names_and_plain_maps_equal_the_built_ones(two_kbs: tuple) -> None:
    built, cached = two_kbs
    for name, value in vars(built.engine.index).items():
        if isinstance(value, dict):
            restored = getattr(cached.engine.index, name)
            assert {k: restored[k] for k in restored} == dict(value), name


# ---------------------------------------------------------------- encode / decode of one map


def conferral(n: int) -> Conferral:
    """A Conferral record whose fields are all distinct strings (or None)."""
    values = [f"{f.name}-{n}" for f in dataclasses.fields(Conferral)]
    return Conferral(*values)


def test_record_lists_round_trip() -> None:
    original: dict[str, list[Conferral]] = collections.defaultdict(list)
    original["a"] = [conferral(1), conferral(2)]
    original["b"] = [conferral(3)]
    encoded = _encode_map(original)
    assert encoded[0] == "record-lists"
    restored = _decode_map(*marshal.loads(marshal.dumps(encoded)))
    assert isinstance(restored, LazyRecords)
    assert dict(restored.items()) == dict(original)
    assert restored["missing"] == []


def test_plain_defaultdict_round_trip() -> None:
    original: dict[str, set[str]] = collections.defaultdict(set, {"x": {"y", "z"}})
    restored = _decode_map(*_encode_map(original))
    assert isinstance(restored, collections.defaultdict)
    assert restored == original
    assert restored["missing"] == set()


def test_plain_dict_round_trip() -> None:
    original = {"k": ("2020-01-01", None)}
    restored = _decode_map(*_encode_map(original))
    assert restored == original and not isinstance(restored, collections.defaultdict)


# ---------------------------------------------------------------- LazyRecords


class CountingDecoder:
    """marshal.loads that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, blob: bytes) -> object:
        self.calls += 1
        return marshal.loads(blob)


def lazy(factory: type | None = list) -> tuple[LazyRecords, CountingDecoder]:
    """A LazyRecords over two keys and its counting decoder."""
    decoder = CountingDecoder()
    blobs = {"a": marshal.dumps([1, 2]), "b": marshal.dumps([3])}
    return LazyRecords(blobs, decoder, factory), decoder


def test_lazy_getitem_get_contains_len_iter() -> None:
    records, _ = lazy()
    assert records["a"] == [1, 2]
    assert records.get("b") == [3]
    assert records.get("zz") is None
    assert records.get("zz", "default") == "default"
    assert "a" in records and "zz" not in records
    assert len(records) == 2
    assert sorted(records) == ["a", "b"]
    assert dict(records.items()) == {"a": [1, 2], "b": [3]}


def test_lazy_missing_key_with_factory_is_empty_and_not_stored() -> None:
    records, decoder = lazy(list)
    empty = records["zz"]
    assert empty == []
    empty.append(1)  # a fresh value, not a stored one
    assert records["zz"] == []
    assert "zz" not in records and len(records) == 2
    assert decoder.calls == 0


def test_lazy_missing_key_without_factory_raises() -> None:
    records, _ = lazy(None)
    with pytest.raises(KeyError):
        records["zz"]
    assert records.get("zz") is None


def test_lazy_value_is_decoded_once_and_cached() -> None:
    records, decoder = lazy()
    assert decoder.calls == 0  # nothing decoded up front
    first = records["a"]
    assert decoder.calls == 1
    assert records["a"] is first and records.get("a") is first
    assert decoder.calls == 1
    assert records["b"] == [3]
    assert decoder.calls == 2


def test_lazy_is_read_only() -> None:
    records, _ = lazy()
    with pytest.raises(TypeError):
        records["c"] = [4]  # type: ignore[index]


def keys(records: LazyRecords) -> Iterator[str]:
    """The keys, through iteration (helper for the next test)."""
    yield from records


def test_lazy_iteration_decodes_nothing() -> None:
    records, decoder = lazy()
    assert list(keys(records)) == ["a", "b"]
    assert decoder.calls == 0


def test_cache_carries_the_version_2_tables(two_kbs: tuple) -> None:
    _, cached = two_kbs
    index = cached.engine.index
    assert "https://w3id.org/thamquyen/ontology#Department" in index.broader_types(
        "https://w3id.org/thamquyen/ontology#DepartmentOfJustice")
    assert index.posts_by_agency[(F + "agency/ubnd-99101",
                                  "https://w3id.org/thamquyen/ontology#Chairperson")] == [
        F + "post/chu-tich-ubnd-99101"]
    doc = cached.engine.who_holds(F + "power/v2-thu-hoi-dat", F + "unit/99101",
                                  dt.date(2024, 6, 1))
    assert [h["authority"] for h in doc["holders"]] == [F + "post/chu-tich-ubnd-99101"]


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_paused_restores_the_collector_state(enabled: bool) -> None:
    import gc

    from thamquyen.indexcache import collector_paused

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError), collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("a failed build")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_collector_runs_again_after_a_build_and_a_cache_load(two_kbs: tuple) -> None:
    import gc

    assert all(kb.names is not None for kb in two_kbs)
    assert gc.isenabled()
