"""The benchmark results as a Markdown table (what `bench run` prints and the docs copy)."""

from __future__ import annotations


def _ms(entry: dict | None) -> str:
    if not entry or entry.get("p50_ms") is None:
        if entry and entry.get("timeouts"):
            return (f"every question > {entry['query_cap_s']:.0f} s ({entry['timeouts']} stopped "
                    f"at the cap, budget {entry.get('stopped_after_s', 0):.0f} s)")
        if entry and entry.get("stopped_after_s"):
            loaded = f"graph loaded in {entry['load_s']:.0f} s, " if entry.get("load_s") else ""
            return f"{loaded}no answer within {entry['stopped_after_s']:.0f} s"
        return "—"
    text = f"{entry['p50_ms']:,.2f} / {entry['p99_ms']:,.2f} ms (n={entry['n']})"
    if entry.get("timeouts"):
        text += f", {entry['timeouts']} more > {entry['query_cap_s']:.0f} s"
        if entry.get("unanswered_questions"):
            text += f" (question {', '.join(map(str, entry['unanswered_questions']))})"
    if entry.get("stopped_after_s") and not entry.get("finished", True):
        text += f", stopped at {entry['stopped_after_s']:.0f} s"
    ratios = [v for k, v in sorted(entry.items()) if k.startswith("ratio_")]
    if ratios:
        shown = " / ".join(f"×{r:,.0f}" if r >= 100 else f"×{r:g}" for r in ratios[:2])
        text += f" — {shown} ours"
    return text


def _cpu(entry: dict | None) -> str:
    if not entry or entry.get("cpu_p50_ms") is None:
        return "—"
    return f"{entry['cpu_p50_ms']:.2f} / {entry['cpu_p99_ms']:.2f} ms"


def _failed(entry: dict | None) -> str:
    """Why a baseline has no figure, or the figures of the questions it answered before its
    server ended (empty when it ran to its end)."""
    entry = entry or {}
    if entry.get("not_run"):
        return entry["not_run"]
    if not entry.get("error"):
        return ""
    if entry.get("p50_ms") is not None:
        return f"{_ms(entry)}; then {entry['error']}"
    return f"no answer: {entry['error']}"


def _server_cpu(entry: dict | None) -> str:
    if not entry or entry.get("server_cpu_p50_ms") is None:
        return "—"
    return f"{entry['server_cpu_p50_ms']:.0f} / {entry['server_cpu_p99_ms']:.0f} ms"


def _cpu_s(results: dict, label: str) -> str:
    cpu = results.get("startup_cpu_s", {}).get(label)
    return "" if cpu is None else f" ({cpu:.1f} s CPU)"


def _s(value: float | None, timed_out: float | None = None) -> str:
    if value is None:
        return f"> {timed_out:.0f} s (stopped)" if timed_out else "—"
    return f"{value:.2f} s"


def _peak(val: dict, key: str) -> str:
    if val.get(f"{key}_peak_mib"):
        return f", peak {_mib(val[f'{key}_peak_mib'])}"
    if val.get(f"{key}_peak_mib_at_stop"):
        return f", {_mib(val[f'{key}_peak_mib_at_stop'])} when stopped"
    return ""


def _mib(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} MiB"


def _yes(value: bool | None) -> str:
    return {True: "yes", False: "NO", None: "—"}[value]


def _sample(sample: dict | None) -> str:
    if not sample:
        return "—"
    return (f"{sample.get('triples_generated', 0):,} triples: "
            f"{_s(sample.get('pyshacl_s'), sample.get('pyshacl_timed_out_after_s'))} / "
            f"{_s(sample.get('ours_s'))}, {_yes(sample.get('same_report'))}")


def _open(results: dict) -> str:
    found = results.get("remote", {}).get("open_s")
    if not found:
        return "—"
    return (f"{found['cold']:.1f} s / {found['warm']:.1f} s (CPU {found.get('cold_cpu_s', 0):.1f}"
            f" / {found.get('warm_cpu_s', 0):.1f} s; load {found.get('loadavg', '?')})")


def _replicas(results: dict) -> str:
    found = results.get("remote", {}).get("two_replicas")
    if not found:
        return "—"
    return (f"{found['rps']:,.0f} req/s, p50 / p99 {found.get('p50_ms') or 0:.1f} / "
            f"{found.get('p99_ms') or 0:.1f} ms ({found['errors']} errors; load "
            f"{found.get('loadavg', '?')})")


def _refresh(results: dict) -> str:
    found = results.get("remote", {}).get("refresh")
    if not found:
        return "—"
    seconds = "not within 600 s" if found.get("refresh_s") is None else f"{found['refresh_s']:.1f} s"
    return (f"{seconds} after the load ({found['load_s']:.0f} s; interval {found['interval_s']:g} s);"
            f" {found['requests_failed']} of {found['requests_ok'] + found['requests_failed']} "
            f"requests failed meanwhile; CPU s replicas, store "
            f"{found.get('cpu_s_replicas_then_store', '?')}; load {found.get('loadavg_at_load_end', '?')}")


def table(results: dict) -> str:
    """A Markdown table of one run, with the targets of the issue beside each number."""
    who = results.get("who_holds", {})
    start = results.get("startup_s", {})
    val = results.get("validation", {})
    rows = [
        ("triples in the store", f"{results.get('triples', '—'):,}" if isinstance(
            results.get("triples"), int) else "—", ""),
        ("`serve` start-up, store not built (cold)", _s(start.get("cold")) + _cpu_s(results, "cold"),
         "first build ≤ 60 s at ~3M"),
        ("`serve` start-up, store built (warm)", _s(start.get("warm")) + _cpu_s(results, "warm"),
         "≤ 3 s at ~3M"),
        ("who-holds in-process p50 / p99", _ms(who.get("in_process")), "p50 ≤ 1 ms"),
        ("… the same, CPU time of the answering thread", _cpu(who.get("in_process")), ""),
        ("who-holds over HTTP (our server) p50 / p99", _ms(who.get("http")),
         "p50 ≤ 5 ms, p99 ≤ 20 ms at ~3M"),
        ("pure-SPARQL who-holds, Oxigraph server p50 / p99 (× our HTTP)",
         _failed(who.get("oxigraph_sparql")) or _ms(who.get("oxigraph_sparql")),
         "p50 ≤ 100 ms at ~1M, ≤ 300 ms at ~3M"),
        ("… the same, CPU time of the Oxigraph server", _server_cpu(who.get("oxigraph_sparql")),
         ""),
        ("pure-SPARQL who-holds, rdflib Graph p50 / p99 (× our in-process)",
         _ms(who.get("rdflib_sparql")), ""),
        ("pure-SPARQL who-holds, Virtuoso p50 / p99 (× our HTTP)",
         _failed(who.get("virtuoso_sparql")) or _ms(who.get("virtuoso_sparql")), ""),
        ("… the same, CPU time of Virtuoso", _server_cpu(who.get("virtuoso_sparql")), ""),
        ("remote store: open, cold (bulk read) / warm (index cache)", _open(results), "warm ≤ 10 s"),
        ("remote store: two `serve` replicas, who-holds with 8 clients", _replicas(results), ""),
        ("remote store: both replicas on the new data after a `load`", _refresh(results),
         "≤ 30 s + interval, no failed request"),
        ("who-holds over HTTP, 8 clients", f"{results['http_rps_8_clients']:,.0f} req/s"
         if results.get("http_rps_8_clients") is not None else "—", "≥ 500 req/s at ~1M"),
        ("full SHACL validation, pySHACL (rdflib graph)",
         _s(val.get("pyshacl_s"), val.get("pyshacl_timed_out_after_s"))
         + _peak(val, "pyshacl"), ""),
        ("full SHACL validation, pyshacl-turbo alone (per focus node)",
         _s(val.get("turbo_per_node_s"), val.get("turbo_per_node_timed_out_after_s"))
         + _peak(val, "turbo_per_node"), ""),
        ("full SHACL validation, ours (pyshacl-turbo + SPARQL constraints over all targets)",
         _s(val.get("ours_s"), val.get("ours_timed_out_after_s"))
         + _peak(val, "ours"), "≤ 60 s at ~1M"),
        ("same report: pySHACL = ours / pyshacl-turbo alone = ours",
         f"{_yes(val.get('same_report'))} / {_yes(val.get('same_report_turbo_per_node'))}", ""),
        ("sample (standalone, generated): pySHACL / ours, same report",
         _sample(val.get("sample")), ""),
        ("one new delegation checked against the full graph", _s(results.get("one_delegation_check_s")),
         "≤ 1 s at ~1M"),
        ("server peak memory (with its workers)", _mib(results.get("server_peak_mib")), "≤ 2 GB at ~3M"),
    ]
    lines = ["| measure | result | target (issue) |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    m = results.get("machine", {})
    lines.append("")
    lines.append(f"Machine: {m.get('nproc')} cores, {m.get('cpu')}, {m.get('mem_gib')} GiB; "
                 f"load average at start {m.get('load_avg')}. Questions: {results.get('questions')}; "
                 f"answers with a holder: {results.get('answers_with_holders', '—')}; same holders "
                 f"as the engine: {results.get('same_holders_as_engine', {})}.")
    for note in results.get("notes", []):
        lines.append(f"Note: {note}")
    return "\n".join(lines) + "\n"
