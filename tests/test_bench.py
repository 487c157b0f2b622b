"""The benchmark: deterministic generator in the public vocabulary, incremental validation that
agrees with validating the whole graph, and a tiny `thamquyen bench run --quick`."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from thamquyen import paths
from thamquyen.bench.generate import MANIFEST, generate
from thamquyen.incremental import Union, touched_nodes, validate_change
from thamquyen.namespaces import ID, TQ
from thamquyen.rdfio import read_all
from thamquyen.validation import Report, load_shapes, validate_files, validate_triples

TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def digest(folder: Path) -> str:
    """A hash of every generated file."""
    h = hashlib.sha256()
    for f in sorted(folder.iterdir()):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A small standalone dataset (2 provinces, 120 powers)."""
    out = tmp_path_factory.mktemp("bench-small")
    return out, generate(out, 30_000, 3, powers=120, standalone=True)


@pytest.fixture(scope="module")
def small_triples(small: tuple[Path, dict]) -> list[ox.Triple]:
    """Ontology + the small dataset."""
    return read_all([paths.ontology_dir(), small[0]])


def test_same_seed_same_bytes(small: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = small
    again = generate(tmp_path / "again", 30_000, 3, powers=120, standalone=True)
    assert digest(tmp_path / "again") == digest(folder)
    other = generate(tmp_path / "other", 30_000, 4, powers=120, standalone=True)
    assert digest(tmp_path / "other") != digest(folder)
    assert again["triples"] == small[1]["triples"] and other["triples"] > 0


@pytest.fixture(scope="module")
def mid(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The ~100k standalone dataset."""
    out = tmp_path_factory.mktemp("bench-100k")
    return out, generate(out, 100_000, 1, standalone=True)


def test_100k_has_the_national_shape(mid: tuple[Path, dict]) -> None:
    manifest = mid[1]
    counts = manifest["counts"]
    assert 90_000 <= manifest["triples"] <= 110_000
    assert counts["powers"] >= 2000
    assert counts["decentralizations"] > 0 and counts["authorizations"] > 0
    assert counts["reorganizations"] > 0 and counts["procedures"] > 0
    assert counts["conferrals"] > counts["powers"]
    assert manifest["provinces_new"] < manifest["provinces_old"]


def test_public_vocabulary_only(small_triples: list[ox.Triple], small: tuple[Path, dict]) -> None:
    """Every predicate and class of the generated data is defined in the ontology (or is one of
    the alignments the vocabulary itself uses); every subject carries dcterms:source and has an
    IRI marked `bench`, so that it never meets the project's real data."""
    ontology = read_all([paths.ontology_dir()])
    defined = {t.subject.value for t in ontology}
    allowed = defined | {TYPE.value, "http://www.w3.org/2004/02/skos/core#prefLabel",
                         "http://www.w3.org/2004/02/skos/core#altLabel",
                         "http://purl.org/dc/terms/source"}
    generated = read_all([small[0]])
    assert {t.predicate.value for t in generated} <= allowed
    classes = {t.object.value for t in generated if t.predicate == TYPE}
    assert classes <= defined
    subjects = {t.subject for t in generated}
    sourced = {t.subject for t in generated if t.predicate.value == "http://purl.org/dc/terms/source"}
    assert subjects == sourced
    assert all("bench" in s.value for s in subjects if isinstance(s, ox.NamedNode))


def test_chains_and_periods(mid: tuple[Path, dict]) -> None:
    """Territory-limited, ended and current delegations; conferrals on roles and authorities."""
    preds: dict[str, list[ox.Triple]] = {}
    for t in read_all([mid[0]]):
        preds.setdefault(t.predicate.value, []).append(t)
    assert preds.get(str(TQ.territory)), "a territory-limited delegation"
    until = [t.object.value for t in preds[str(TQ.validUntil)]]
    assert any(u < "2025-06-30" for u in until) and any(u > "2026-01-01" for u in until)
    holders = {t.object.value for t in preds[str(TQ.holder)]}
    assert any("/role/" in h for h in holders) and any("/agency/" in h for h in holders)
    assert any("/post/" in h for h in holders)


def test_100k_conforms(mid: tuple[Path, dict]) -> None:
    report = validate_files([mid[0]], include_data=False, engine="turbo")
    assert not report.fails, [r.as_json() for r in report.results if r.severity == "Violation"][:5]


def test_small_conforms(small: tuple[Path, dict]) -> None:
    report = validate_files([small[0]], include_data=False, engine="turbo")
    assert not report.fails, [r.as_json() for r in report.results if r.severity == "Violation"][:5]


# ------------------------------------------------------------------ validate_change


def _subject_triples(triples: list[ox.Triple], iri: str) -> list[ox.Triple]:
    return [t for t in triples if t.subject.value == iri]


def _delegations(triples: list[ox.Triple], kind: str) -> list[str]:
    return sorted({t.subject.value for t in triples
                   if t.predicate == TYPE and t.object.value == str(TQ[kind])})


def _replace(triples: list[ox.Triple], subject: str, changes: dict[str, ox.NamedNode | ox.Literal | None]
             ) -> list[ox.Triple]:
    node = ox.NamedNode(subject)
    out = [ox.Triple(node, t.predicate, t.object) for t in triples
           if t.predicate.value not in changes]
    for predicate, value in changes.items():
        if value is not None:
            out.append(ox.Triple(node, ox.NamedNode(predicate), value))
    return out


def _cases(triples: list[ox.Triple]) -> list[tuple[str, list[ox.Triple]]]:
    """(name, new triples): valid copies of existing delegations and broken variants."""
    auth = _delegations(triples, "Authorization")
    dec = _delegations(triples, "Decentralization")
    first = _subject_triples(triples, auth[0])
    delegate = next(t.object for t in first if t.predicate.value == str(TQ.delegate))
    day = ox.Literal("2025-09-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    new_ubnd = next(t.subject for t in triples if t.predicate.value == str(TQ.agencyType)
                    and t.object.value == str(TQ.PeoplesCommittee) and t.subject.value.endswith("-2025"))
    cases = [
        ("copy-auth", _replace(first, f"{ID}delegation/new-1", {})),
        ("copy-dec", _replace(_subject_triples(triples, dec[0]), f"{ID}delegation/new-2", {})),
        ("copy-dec-last", _replace(_subject_triples(triples, dec[-1]), f"{ID}delegation/new-3", {})),
        ("not-holder", _replace(first, f"{ID}delegation/bad-1", {
            str(TQ.delegator): ox.NamedNode(f"{ID}agency/bench-thanh-tra-chinh-phu")})),
        ("onward-self", _replace(first, f"{ID}delegation/bad-2", {str(TQ.delegator): delegate})),
        ("no-term", _replace(first, f"{ID}delegation/bad-3", {str(TQ.validUntil): None})),
        ("ended-level", _replace(_subject_triples(triples, dec[0]), f"{ID}delegation/bad-4", {
            str(TQ.delegator): new_ubnd, str(TQ.validFrom): day, str(TQ.validUntil): None,
            str(TQ.delegate): ox.NamedNode(f"{ID}role/bench-ubnd-cap-huyen"), str(TQ.territory): None})),
    ]
    banned = [t.subject for t in triples if t.predicate.value == str(TQ.nonDelegable)]
    if banned:
        cases.append(("non-delegable", _replace(first, f"{ID}delegation/bad-5",
                                                {str(TQ.power): banned[0]})))
    return cases


def test_validate_change_agrees_with_the_whole_graph(small_triples: list[ox.Triple]) -> None:
    shapes = load_shapes()
    base = ox.Store()
    base.extend(ox.Quad(t.subject, t.predicate, t.object) for t in small_triples)
    broken = 0
    for name, new in _cases(small_triples):
        focus = [f.value for f in touched_nodes(new, Union(base, new))
                 if isinstance(f, ox.NamedNode)]
        whole = validate_triples([*small_triples, *new], shapes, focus_nodes=focus)
        quick = validate_change(new, base, shapes)
        assert set(quick.results) == set(whole.results), name
        if name.startswith("copy"):
            assert not quick.fails, (name, [r.as_json() for r in quick.results])
        else:
            broken += 1
            assert quick.fails, name
    assert broken >= 4
    assert len(base) == len(set(small_triples)), "the base store is not modified"


# ------------------------------------------------------------------ bench run --quick


def test_bench_run_quick(small: tuple[Path, dict], tmp_path: Path) -> None:
    """A tiny run on ontology + the small dataset only (a project home without data/)."""
    home = tmp_path / "home"
    home.mkdir()
    for name in ("ontology", "shapes", "queries"):
        (home / name).symlink_to(paths.project_root() / name)
    env = {**os.environ, "THAMQUYEN_HOME": str(home)}
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, "-m", "thamquyen.cli", "bench", "run", str(small[0]),
                           "--questions", "50", "--quick", "--throughput-seconds", "1",
                           "--json", str(out), "--workdir", str(tmp_path / "work")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text())
    assert "| who-holds in-process p50 / p99 |" in done.stdout
    assert results["who_holds"]["in_process"]["n"] == 50
    assert results["answers_with_holders"] > 0
    assert results["one_delegation_detail"]["broken_detected"] is True
    assert all(results["one_delegation_detail"]["copies_conform"])
    if results.get("startup_s", {}).get("warm") is not None:  # the HTTP service is installed
        assert results["who_holds"]["http"]["errors"] == 0
        assert results["same_holders_as_engine"]["http"] == "50/50"
        assert results["http_rps_8_clients"] > 0
    manifest = json.loads((small[0] / MANIFEST).read_text())
    assert results["generated_triples"] == manifest["triples"]


# ------------------------------------------------------------------ same report, every engine

BROKEN_DELEGATION = """
@prefix tq: <https://w3id.org/thamquyen/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/tq-bench-test/> .

ex:power a tq:Power ; skos:prefLabel "Thẩm quyền thử nghiệm"@vi .
ex:self a tq:Authorization ;
    tq:delegator ex:agency ; tq:delegate ex:agency ; tq:power ex:power ;
    tq:validFrom "2024-01-01"^^xsd:date .
ex:onward a tq:Decentralization ;
    tq:delegator ex:agency ; tq:delegate ex:other ; tq:power ex:power ;
    tq:validFrom "2024-02-01"^^xsd:date ; tq:validUntil "2023-01-01"^^xsd:date .
"""


def _report_key(report: Report) -> set[tuple]:
    """The results of a report; a blank-node path (a fresh node per engine run) as "_:"."""
    return {(r.severity, r.focus, "_:" if (r.path or "").startswith("_:") else r.path, r.value,
             r.shape, tuple(sorted(r.message.items()))) for r in report.results}


def test_whole_set_report_equals_per_node_report(small: tuple[Path, dict]) -> None:
    """Our path (SPARQL constraints once over all their targets) reports exactly what
    pyshacl-turbo alone (each constraint once per focus node) reports on generated data."""
    shapes = load_shapes()
    ours = validate_files([small[0]], include_data=False, engine="turbo", shapes=shapes)
    alone = validate_files([small[0]], include_data=False, engine="turbo-per-node", shapes=shapes)
    assert ours.results and _report_key(ours) == _report_key(alone)


@pytest.mark.slow  # ~2 min: pySHACL, the reference, on a generated graph; run with -m slow
def test_report_equals_pyshacl_on_generated_data(tmp_path: Path) -> None:
    """The same report as pySHACL, the reference engine, on a small generated dataset with a
    deliberately broken delegation (pySHACL needs minutes beyond a few thousand triples)."""
    folder = tmp_path / "tiny"
    generate(folder, 1_500, 5, powers=20, standalone=True)
    broken = folder / "broken.ttl"
    broken.write_text(BROKEN_DELEGATION, encoding="utf-8")
    shapes = load_shapes()
    ours = validate_files([folder], include_data=False, engine="turbo", shapes=shapes)
    reference = validate_files([folder], include_data=False, engine="pyshacl", shapes=shapes)
    assert ours.fails
    assert _report_key(ours) == _report_key(reference)


# ------------------------------------------------------------------ pure-SPARQL rows


def _pure_sparql_inputs(small: tuple[Path, dict], n: int) -> tuple[list[Path], list[dict]]:
    from thamquyen.bench.run import make_questions
    from thamquyen.rdfio import turtle_files

    return (turtle_files([paths.ontology_dir(), small[0]]),
            make_questions(small[1]["pools"], n, 0))


@pytest.mark.remote
def test_pure_sparql_row_on_an_oxigraph_server(small: tuple[Path, dict], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The bench row on a real `oxigraph serve`: who-holds.rq answers every question, with the
    server's CPU time, and the same final holders as the engine on the same files."""
    import datetime as dt
    import shutil

    from thamquyen.bench import pure_sparql
    from thamquyen.bench.run import holders_of_answer
    from thamquyen.kb import open_kb

    files, questions = _pure_sparql_inputs(small, 6)
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    entry, answers = pure_sparql.oxigraph(files, tmp_path, questions, binary, 60.0, 120.0,
                                          lambda _: None)
    assert entry["query"] == "who-holds" and entry["n"] == 6 and entry["timeouts"] == 0
    assert entry["unanswered_questions"] == []
    assert entry["finished"] and entry["server_cpu_p50_ms"] is not None
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    for name in ("ontology", "shapes", "queries"):
        (home / name).symlink_to(paths.project_root() / name)
    monkeypatch.setenv("THAMQUYEN_HOME", str(home))
    kb = open_kb([small[0]], persistent=False)
    engine = [holders_of_answer(kb.engine.who_holds(q["power"], q["unit"],
                                                    dt.date.fromisoformat(q["at"])))
              for q in questions]
    assert answers == engine and any(engine)


def test_virtuoso_row_says_why_the_server_ended(tmp_path: Path) -> None:
    """The Virtuoso row's reason: the signal of a crash (no line in its log), else the memory
    failure of its log; the one ini template sized for the tests or the benchmark."""
    from thamquyen.bench.pure_sparql import virtuoso_ini, why_virtuoso_ended

    log = tmp_path / "virtuoso.log"
    assert why_virtuoso_ended(log, -11) == "virtuoso-t crashed (SIGSEGV)"
    assert why_virtuoso_ended(log, 1) == "no log at virtuoso.log"
    log.write_text("12:00:01 Server online\n12:00:09 mmap failed with 12\n"
                   "12:00:09 GPF: Dkpool.c:1740 could not allocate memory with mmap\n")
    assert why_virtuoso_ended(log, -11).startswith("out of memory compiling or running the query: "
                                                   "12:00:09 GPF: Dkpool.c:1740")
    small = virtuoso_ini(tmp_path, 1111, 2222, size="small")
    national = virtuoso_ini(tmp_path, 1111, 2222, dirs=("/b", ".", "/a"), cap_s=30)
    assert "NumberOfBuffers = 10000" in small and "NumberOfBuffers = 170000" in national
    assert "DirsAllowed = ., /a, /b" in national and "MaxQueryExecutionTime = 30" in national
    assert f"DatabaseFile = {tmp_path}/virtuoso.db" in small and "127.0.0.1:2222" in small


def test_a_server_that_ended_keeps_the_figures_it_gave() -> None:
    """A baseline whose server ended after some answers shows them, then why it ended."""
    from thamquyen.bench.report import _failed

    ended = "the server ended during question 3 of 500"
    assert _failed({"error": ended}) == f"no answer: {ended}"
    row = _failed({"p50_ms": 11925.36, "p99_ms": 35071.9, "n": 2, "error": ended,
                   "ratio_p50_vs_ours_http": 10262.8})
    assert row.startswith("11,925.36 / 35,071.90 ms (n=2)") and row.endswith(f"; then {ended}")
    assert "×10,263 ours" in row
    assert _failed({"not_run": "virtuoso-t not installed"}) == "virtuoso-t not installed"
    assert _failed({"p50_ms": 1.0, "p99_ms": 2.0, "n": 5}) == ""


def test_virtuoso_gets_half_the_memory_and_at_least_6_gib() -> None:
    """The benchmark's Virtuoso runs under an address-space cap of half the machine's memory,
    never below the 6 GiB it needs at ~1M."""
    from thamquyen.bench.pure_sparql import virtuoso_memory_cap

    gib = 1024**3
    assert virtuoso_memory_cap(8 * gib) == 6 * gib
    assert virtuoso_memory_cap(24 * gib) == 12 * gib
    assert virtuoso_memory_cap() >= 6 * gib


def test_the_row_names_the_questions_past_the_cap() -> None:
    """A question past the per-question cap is counted and named (1-based), so that it can be
    asked again by hand."""
    from thamquyen.bench.report import _ms

    row = _ms({"p50_ms": 12187.79, "p99_ms": 16645.59, "n": 47, "timeouts": 2,
               "query_cap_s": 120.0, "unanswered_questions": [12, 40], "finished": False,
               "stopped_after_s": 600.0})
    assert row == ("12,187.79 / 16,645.59 ms (n=47), 2 more > 120 s (question 12, 40), "
                   "stopped at 600 s")
