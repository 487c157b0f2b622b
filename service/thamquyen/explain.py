"""Why a who-holds answer is empty, or why its holders are elsewhere than the unit asked about.

Each finding is read from the data the engine already holds (units and their reorganizations,
the levels' own validity, the conferrals of the power), never from a rule written here: the
district level ends when the data says `tq:DistrictLevel tq:validUntil`, and the law cited is
the one the data gives for it. The words are composed by `answers.explanations`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .engine import in_force

if TYPE_CHECKING:
    from .engine import Engine, Index

MAX_BELOW = 5000  # units looked at below U for held-at-lower-level (a province has ~1,000)


@dataclass
class Finding:
    """One explanation: its code, the nodes it refers to, and the facts its words need."""

    code: str
    refs: list[str]
    facts: dict = field(default_factory=dict)


def explain(engine: Engine, power: str, unit: str | None, day: str,
            holders: list[tuple[str, list[dict]]]) -> list[Finding]:
    """The findings of one answer (none for an answer that needs no explanation)."""
    index = engine.index
    findings = _unit_findings(index, unit, day) if unit else []
    if holders:
        return findings
    conferrals = index.conferrals.get(power, [])
    active = [c for c in conferrals if in_force(c.valid_from, c.valid_until, day)]
    if not active:
        return [*findings, _no_conferral(conferrals, power, day)]
    findings += _role_level_findings(index, [c.holder for c in active], day, findings)
    if unit is not None and index.units_at(unit, day):
        below = held_below(engine, power, unit, day)
        if below:
            return [*findings, Finding("held-at-lower-level", [u for u, _ in below], {
                "unit": unit, "units": below})]
    if not findings:
        findings.append(Finding("holder-not-in-data", sorted({c.holder for c in active}),
                                {"unit": unit, "holders": sorted({c.holder for c in active}),
                                 "conferrals": [c.iri for c in active]}))
    return findings


def _unit_findings(index: Index, unit: str, day: str) -> list[Finding]:
    valid_from, valid_until = index.unit_validity.get(unit, (None, None))
    if in_force(valid_from, valid_until, day):
        return []
    if valid_from and day < valid_from:
        return [Finding("unit-not-yet-in-force", [unit], {"unit": unit, "from": valid_from})]
    findings = []
    level = index.unit_levels.get(unit)
    _, level_until, basis = index.level_validity.get(level, (None, None, None))
    if level and level_until and level_until < day:
        successors = successors_below(index, unit, valid_until, day)
        findings.append(Finding("level-abolished", [level, *([basis] if basis else []),
                                                    *successors], {
            "unit": unit, "level": level, "until": level_until, "basis": basis,
            "unitUntil": valid_until, "successors": successors}))
    steps, successors = lineage(index, unit, day)
    if steps or not findings:
        refs = [unit] + [iri for step in steps for iri in (step["reorganization"],
                                                             step["basis"]) if iri]
        findings.insert(0, Finding("unit-not-in-force", refs + successors, {
            "unit": unit, "until": valid_until, "steps": steps, "successors": successors}))
    return findings


def lineage(index: Index, unit: str, day: str) -> tuple[list[dict], list[str]]:
    """The reorganizations that carry a unit no longer in force to the units in force at D."""
    steps, seen, todo = [], {unit}, [unit]
    while todo:
        current = todo.pop(0)
        if current != unit and in_force(*index.unit_validity.get(current, (None, None)), day):
            continue
        for reorg in index.reorgs.get(current, ()):
            if not reorg.in_force(day):
                continue
            steps.append({"reorganization": reorg.iri, "from": current, "basis": reorg.basis,
                          "effective": reorg.effective, "successors": list(reorg.successors)})
            for successor in reorg.successors:
                if successor not in seen:
                    seen.add(successor)
                    todo.append(successor)
    return steps, sorted(index.units_at(unit, day) - {unit})


def successors_below(index: Index, unit: str, last_day: str | None, day: str) -> list[str]:
    """The units in force at D that now cover the area of U: the units below U on its last day,
    each read at D (through their own reorganizations)."""
    if last_day is None:
        return []
    found: set[str] = set()
    todo = [c for c in index.unit_children.get(unit, ())]
    seen = set(todo)
    while todo and len(seen) <= MAX_BELOW:
        child = todo.pop()
        if not in_force(*index.unit_validity.get(child, (None, None)), last_day):
            continue
        now = index.units_at(child, day)
        if now:
            found |= now
            continue
        for grandchild in index.unit_children.get(child, ()):
            if grandchild not in seen:
                seen.add(grandchild)
                todo.append(grandchild)
    return sorted(found)


def held_below(engine: Engine, power: str, unit: str, day: str) -> list[tuple[str, list[str]]]:
    """The units below U, at the first depth where any holds the power at D, with their holders.

    Only units in force at D are looked at; U itself is read at D first (a unit no longer in
    force through its successors)."""
    index = engine.index
    layer = sorted({c for u in index.units_at(unit, day) for c in index.unit_children.get(u, ())
                    if in_force(*index.unit_validity.get(c, (None, None)), day)})
    looked = 0
    while layer and looked <= MAX_BELOW:
        looked += len(layer)
        found = []
        for child in layer:
            holders = sorted({who for who, _ in engine.resolve(power, child, day)})
            if holders:
                found.append((child, holders))
        if found:
            return found
        layer = sorted({c for u in layer for c in index.unit_children.get(u, ())
                        if in_force(*index.unit_validity.get(c, (None, None)), day)})
    return []


def _no_conferral(conferrals: list, power: str, day: str) -> Finding:
    later = [c for c in conferrals if c.valid_from and c.valid_from > day]
    if later:
        first = min(c.valid_from for c in later)
        starting = [c for c in later if c.valid_from == first]
        return Finding("power-not-yet-in-force", [power] + [
            iri for c in starting for iri in (c.iri, c.basis) if iri], {
            "from": first, "bases": sorted({c.basis for c in starting if c.basis})})
    ended = [c for c in conferrals if c.valid_until and c.valid_until < day]
    last = max((c.valid_until for c in ended), default=None)
    closing = [c for c in ended if c.valid_until == last]
    return Finding("no-conferral-in-data", [power] + [
        iri for c in closing for iri in (c.iri, c.basis) if iri], {
        "endedOn": last, "bases": sorted({c.basis for c in closing if c.basis})})


def _role_level_findings(index: Index, holders: list[str], day: str,
                         already: list[Finding]) -> list[Finding]:
    """A role whose level has ended at D (a conferral to UBND cấp huyện read after 2025)."""
    if any(f.code == "level-abolished" for f in already):
        return []
    levels = sorted({index.authorities[h].level for h in holders
                     if index.is_role(h) and index.authorities[h].level})
    found = []
    for level in levels:
        _, until, basis = index.level_validity.get(level, (None, None, None))
        if until and until < day:
            found.append(Finding("level-abolished", [level, *([basis] if basis else [])], {
                "unit": None, "level": level, "until": until, "basis": basis,
                "unitUntil": None, "successors": []}))
    return found
