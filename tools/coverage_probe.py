"""Coverage probe (issue 13): does every question since 2020 get a holder or a real explanation?

    .venv/bin/python tools/coverage_probe.py                 # the shipped data, the full grid
    .venv/bin/python tools/coverage_probe.py --triples       # and every failing question
    .venv/bin/python tools/coverage_probe.py --json > probe.json
    .venv/bin/python tools/coverage_probe.py --province 04 --unit 845 --at 2024-05-01

Asks the who-holds engine every modelled power × a grid of dates (quarterly from 2020-01-01 to
today, and the days the law changed) × sample units at each level: the units of Trà Vinh and
Vĩnh Long (before and after the 2025 reorganization) and of two provinces that no data file
outside data/units names. Each answer is a holder, an explanation, or nothing. It fails when the
explanation is `no-conferral-in-data` (the data has no text for that day) or when there is no
explanation at all; `power-not-yet-in-force` and `holder-not-in-data` are listed as doubtful (an
earlier text, or an agency or post, may be missing from the data). Prints one row per sector and
the failing questions, grouped; exits 1 when any question fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "service"))

from thamquyen.index import Index, in_force  # noqa: E402

ID = "https://w3id.org/thamquyen/id/"
START = dt.date(2020, 1, 1)
CHANGE_DAYS = ["2021-01-01", "2022-01-01", "2024-08-01", "2025-03-01", "2025-07-01",
               "2025-11-01"]
NAMED = ["unit/84", "unit/86"]  # Trà Vinh and Vĩnh Long (the list of 2025-01-04)
FAILING = "no-conferral-in-data"
DOUBTFUL = ("power-not-yet-in-force", "holder-not-in-data")
BEFORE, AFTER = "2025-06-30", "2025-07-01"  # the last day of the old units, the first of the new
NO_SECTOR = "(chưa ghi lĩnh vực)"


@dataclass(frozen=True)
class Sample:
    """A unit asked about, with the province group it was picked for."""

    unit: str
    group: str
    label: str


@dataclass
class Outcome:
    """The answers of the probe: one outcome per (power, unit, day)."""

    answers: dict[tuple[str, str, str], tuple[str, ...]] = field(default_factory=dict)

    def failing(self) -> list[tuple[str, str, str]]:
        """The questions answered by nothing, or by `no-conferral-in-data`."""
        return sorted(k for k, codes in self.answers.items() if is_failing(codes))

    def doubtful(self) -> list[tuple[str, str, str]]:
        """The questions explained only by a code that may hide a gap in the data."""
        return sorted(k for k, codes in self.answers.items()
                      if not is_failing(codes) and codes != ("holder",)
                      and set(codes) & set(DOUBTFUL))


def is_failing(codes: tuple[str, ...]) -> bool:
    """No holder and no explanation, or the data has no conferral for the day."""
    return not codes or FAILING in codes


def probe_dates(today: dt.date, start: dt.date = START) -> list[str]:
    """The first day of each quarter from `start` to `today`, the change days, and today."""
    days = {today.isoformat()} | {d for d in CHANGE_DAYS if d <= today.isoformat()}
    year, month = start.year, start.month
    while dt.date(year, month, 1) <= today:
        days.add(dt.date(year, month, 1).isoformat())
        month += 3
        if month > 12:
            year, month = year + 1, month - 12
    return sorted(d for d in days if d >= start.isoformat())


# ---------------------------------------------------------------- which units


def data_text(root: Path = ROOT) -> str:
    """The text of every data file outside data/units (generated for every province), lower
    case: what "named in a data file" is looked up in."""
    return "\n".join(path.read_text(encoding="utf-8").lower()
                     for path in sorted((root / "data").rglob("*.ttl"))
                     if path.relative_to(root / "data").parts[0] != "units")


def provinces(index: Index, day: str = BEFORE) -> list[str]:
    """The provinces in force on the day, by code."""
    top = [u for u, level in index.unit_levels.items()
           if level.endswith("#ProvincialLevel") and in_force(*index.unit_validity[u], day)]
    return sorted(top, key=_code)


def unnamed_provinces(index: Index, labels: dict[str, str], text: str,
                      count: int = 2) -> list[str]:
    """`count` provinces of the 2025-01-04 list that no data file names (by IRI, or by name,
    nor any unit inside them, nor the province they became): the first whose area was merged
    with another province's in 2025, and the first that was not."""
    iris = {ID + m for m in re.findall(r"unit/[0-9]+(?:-[0-9]{4})?", text)}
    picked: dict[bool, str] = {}
    for province in provinces(index):
        if _is_named(index, labels, province, iris, text):
            continue
        merged = any(len(r.predecessors) > 1 for s in _successors(index, province)
                     for r in index.reorgs_into.get(s, ()))
        picked.setdefault(merged, province)
        if len(picked) == count:
            break
    return [picked[k] for k in sorted(picked, reverse=True)]


def _is_named(index: Index, labels: dict[str, str], province: str, iris: set[str],
              text: str) -> bool:
    family = {province} | _successors(index, province)
    for unit in list(family):
        family |= {p for r in index.reorgs_into.get(unit, ()) for p in r.predecessors}
    if family & {a for iri in iris for a in index.ancestors(iri)}:
        return True
    names = {re.sub(r"^(tỉnh|thành phố) ", "", labels.get(u, "").lower()) for u in family}
    return any(name and name in text for name in names)


def sample_units(index: Index, labels: dict[str, str], groups: Sequence[str]) -> list[Sample]:
    """For each province (of the 2025-01-04 list): itself, a rural district (the first by code),
    a commune of it, and the units that followed each on 2025-07-01."""
    samples: dict[str, Sample] = {}
    for province in groups:
        district = _first_child(index, labels, province, prefer="Huyện")
        commune = _first_child(index, labels, district, prefer="Xã") if district else None
        picked = [u for u in (province, district, commune) if u]
        for unit in [*picked, *sorted(set().union(*(_successors(index, u) for u in picked)))]:
            samples.setdefault(unit, Sample(unit, labels.get(province, province),
                                            labels.get(unit, unit)))
    return list(samples.values())


def _successors(index: Index, unit: str) -> set[str]:
    return index.units_at(unit, AFTER) - {unit}


def _first_child(index: Index, labels: dict[str, str], unit: str, prefer: str) -> str | None:
    children = sorted((c for c in index.unit_children.get(unit, ())
                       if in_force(*index.unit_validity.get(c, (None, None)), BEFORE)), key=_code)
    preferred = [c for c in children if labels.get(c, "").startswith(prefer)]
    return (preferred or children or [None])[0]


def _code(unit: str) -> str:
    return unit.rsplit("/", 1)[-1]


def resolve_units(kb, texts: Iterable[str]) -> list[Sample]:
    """Units given on the command line (a code, a name, an IRI), as samples of their own."""
    found = []
    for text in texts:
        unit = kb.names.resolve(text, "unit")
        found.append(Sample(unit, "--unit", kb.names.labels.get(unit, unit)))
    return found


# ---------------------------------------------------------------- asking


def outcome_of(doc: dict) -> tuple[str, ...]:
    """("holder",) for an answer with holders, else its explanation codes (maybe none)."""
    if doc["holders"]:
        return ("holder",)
    return tuple(e["code"] for e in doc["explanations"])


def probe(engine, powers: Sequence[str], units: Sequence[Sample],
          days: Sequence[str]) -> Outcome:
    """Ask every power × unit × day; the engine's words are not composed (codes only)."""
    from thamquyen.explain import explain

    result = Outcome()
    for power in powers:
        for sample in units:
            for day in days:
                holders = engine.resolve(power, sample.unit, day)
                codes = ("holder",) if holders else tuple(
                    f.code for f in explain(engine, power, sample.unit, day, holders))
                result.answers[(power, sample.unit, day)] = codes
    return result


# ---------------------------------------------------------------- printing


def by_sector(outcome: Outcome, sectors: dict[str, str]) -> dict[str, Counter]:
    """Per sector: questions, holders, each explanation code, failing and doubtful answers."""
    rows: dict[str, Counter] = defaultdict(Counter)
    powers: dict[str, set[str]] = defaultdict(set)
    for (power, _, _), codes in outcome.answers.items():
        row = rows[sectors.get(power, NO_SECTOR)]
        powers[sectors.get(power, NO_SECTOR)].add(power)
        row["questions"] += 1
        for code in codes or ("nothing",):
            row[code] += 1
        row["failing"] += is_failing(codes)
    for sector, row in rows.items():
        row["powers"] = len(powers[sector])
    return dict(sorted(rows.items()))


def table(outcome: Outcome, sectors: dict[str, str]) -> str:
    """The per-sector table, plain text."""
    rows = by_sector(outcome, sectors)
    codes = sorted({c for row in rows.values() for c in row}
                   - {"questions", "powers", "holder", "failing", "nothing"})
    head = ["Lĩnh vực", "powers", "questions", "holder", *codes, "nothing", "failing"]
    body = [[sector, *(str(row.get(c, 0)) for c in head[1:])] for sector, row in rows.items()]
    total = Counter()
    for row in rows.values():
        total.update(row)
    body.append(["Tổng", *(str(total.get(c, 0)) for c in head[1:])])
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(line, widths, strict=True)))
             for line in [head, *body]]
    return "\n".join(lines)


def grouped(keys: Sequence[tuple[str, str, str]], outcome: Outcome, label) -> list[str]:
    """One line per power: how many questions, units and days, and their explanation codes."""
    by_power: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for power, unit, day in keys:
        by_power[power].append((unit, day))
    lines = []
    for power, asked in sorted(by_power.items()):
        days = sorted({d for _, d in asked})
        codes = Counter(", ".join(outcome.answers[(power, u, d)]) or "nothing" for u, d in asked)
        lines.append(f"- {label(power)}: {len(asked)} questions, {len({u for u, _ in asked})} "
                     f"units, {len(days)} days ({_spans(days)}); "
                     + "; ".join(f"{c} ×{n}" for c, n in sorted(codes.items())))
    return lines


def _spans(days: list[str]) -> str:
    if len(days) <= 4:
        return ", ".join(days)
    return f"{days[0]} … {days[-1]}"


def report(outcome: Outcome, sectors: dict[str, str], label, triples: bool) -> str:
    """The table, then the failing and doubtful questions."""
    failing, doubtful = outcome.failing(), outcome.doubtful()
    power_count = len({p for p, _, _ in outcome.answers})
    out = [table(outcome, sectors), ""]
    out.append(f"{len(outcome.answers)} questions, {power_count} powers; failing: {len(failing)} "
               f"questions of {len({k[0] for k in failing})} powers; doubtful: {len(doubtful)} "
               f"questions of {len({k[0] for k in doubtful})} powers.")
    if failing:
        out += ["", "Failing (no holder and no explanation, or no-conferral-in-data):",
                *grouped(failing, outcome, label)]
    if doubtful:
        out += ["", "Doubtful (an earlier text, or an agency or post, may be missing):",
                *grouped(doubtful, outcome, label)]
    if triples and failing:
        out += ["", "power\tunit\tday\tcodes",
                *(f"{p}\t{u}\t{d}\t{','.join(outcome.answers[(p, u, d)]) or 'nothing'}"
                  for p, u, d in failing)]
    return "\n".join(out)


def as_json(outcome: Outcome, sectors: dict[str, str], units: Sequence[Sample],
            days: Sequence[str]) -> dict:
    """The probe as JSON: the grid, the per-sector counts, the failing and doubtful triples."""
    def triples(keys):
        return [{"power": p, "unit": u, "at": d, "codes": list(outcome.answers[(p, u, d)])}
                for p, u, d in keys]

    return {"units": [vars(s) for s in units], "dates": list(days),
            "sectors": {s: dict(c) for s, c in by_sector(outcome, sectors).items()},
            "failing": triples(outcome.failing()), "doubtful": triples(outcome.doubtful())}


# ---------------------------------------------------------------- command


def default_units(kb, extra_provinces: Sequence[str] = ()) -> list[Sample]:
    """Trà Vinh and Vĩnh Long, and two (or the given) provinces no data file names."""
    index, labels = kb.engine.index, kb.names.labels
    others = [kb.names.resolve(p, "unit") for p in extra_provinces] or unnamed_provinces(
        index, labels, data_text())
    return sample_units(index, labels, [ID + u for u in NAMED] + others)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the probe on the shipped data (or the given store folder) and print its report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--province", action="append", default=[],
                        help="instead of the two unnamed provinces (code, name or IRI)")
    parser.add_argument("--unit", action="append", default=[], help="an extra unit to ask about")
    parser.add_argument("--at", action="append", default=[], help="only these dates (YYYY-MM-DD)")
    parser.add_argument("--power", action="append", default=[], help="only these powers")
    parser.add_argument("--triples", action="store_true", help="print every failing question")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    from thamquyen.kb import open_kb

    kb = open_kb()
    units = default_units(kb, args.province) + resolve_units(kb, args.unit)
    days = args.at or probe_dates(dt.date.today())
    powers = [kb.names.resolve(p, "power") for p in args.power] or sorted(kb.engine.index.powers)
    outcome = probe(kb.engine, powers, units, days)
    if args.json:
        print(json.dumps(as_json(outcome, kb.names.sectors, units, days), ensure_ascii=False,
                         indent=1))
    else:
        names = kb.display_names(powers)
        print(f"{len(powers)} powers × {len(units)} units × {len(days)} dates; units: "
              + "; ".join(f"{s.label} ({_code(s.unit)})" for s in units))
        print(report(outcome, kb.names.sectors,
                     lambda p: f"{names.get(p, p)[:70]} ({p.removeprefix(ID)})", args.triples))
    return 1 if outcome.failing() else 0


if __name__ == "__main__":
    sys.exit(main())
