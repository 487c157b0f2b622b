"""Why a who-holds answer is empty, or why its holders are elsewhere than the unit asked about.

Each finding is read from the data the engine already holds (units and their reorganizations,
the levels' own validity, the conferrals of the power), never from a rule written here: the
district level ends when the data says `tq:DistrictLevel tq:validUntil`, and the law cited is
the one the data gives for it. The words are composed by `answers.explanations`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .index import in_force
from .namespaces import TQ

if TYPE_CHECKING:
    from .engine import Engine
    from .index import Conferral, Index

MAX_BELOW = 5000  # units looked at below U for held-at-lower-level (a province has ~1,000)
SHOWN = 10  # the nodes an explanation's words name; refs list them all


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
        return _without_conferral(index, conferrals, power, day, findings)
    findings = _level_findings(index, active, day, findings, ended=False)
    if unit is not None and index.units_at(unit, day):
        below = held_below(engine, power, unit, day)
        if below:
            return [*findings, Finding("held-at-lower-level", [u for u, _ in below], {
                "unit": unit, "units": below[:SHOWN], "count": len(below)})]
    if not findings:
        findings.append(Finding("holder-not-in-data", sorted({c.holder for c in active}),
                                {"unit": unit, "holders": sorted({c.holder for c in active})}))
    return findings


def _unit_findings(index: Index, unit: str, day: str) -> list[Finding]:
    valid_from, valid_until = index.unit_validity.get(unit, (None, None))
    if in_force(valid_from, valid_until, day):
        return []
    if valid_from and day < valid_from:
        came_from = index.reorgs_into.get(unit, [])
        predecessors = sorted({p for r in came_from for p in r.predecessors})
        bases = sorted({r.basis for r in came_from if r.basis})
        return [Finding("unit-not-yet-in-force", [unit, *(r.iri for r in came_from), *bases,
                                                  *predecessors], {
            "unit": unit, "from": valid_from, "predecessors": predecessors[:SHOWN],
            "count": len(predecessors), "bases": bases[:3]})]
    findings = []
    level = index.unit_levels.get(unit)
    _, level_until, basis = index.level_validity.get(level, (None, None, None))
    if level and level_until and level_until < day:
        successors = successors_below(index, unit, valid_until, day)
        findings.append(Finding("level-abolished", [level, *([basis] if basis else []),
                                                    *successors], {
            "unit": unit, "level": level, "until": level_until, "basis": basis,
            "unitUntil": valid_until, "successors": successors[:SHOWN],
            "count": len(successors)}))
    steps, successors = lineage(index, unit, day)
    if steps or not findings:
        refs = [unit] + [iri for step in steps for iri in (step["reorganization"],
                                                             step["basis"]) if iri]
        bases = sorted({step["basis"] for step in steps if step["basis"]})
        facts = {"unit": unit, "until": valid_until, "reorganized": bool(steps),
                 "bases": bases[:3], "successors": successors[:SHOWN],
                 "count": len(successors), "through": []}
        if not steps:
            facts["through"] = through_agencies(index, unit, day)
            refs += [move[k] for move in facts["through"]
                     for k in ("agency", "successor", "unit", "basis") if move[k]]
        findings.insert(0, Finding("unit-not-in-force", refs + successors, facts))
    return findings


def through_agencies(index: Index, unit: str, day: str) -> list[dict]:
    """A unit that ended with no reorganization of its own (a province kept as it was, given a
    new IRI in 2025): the reorganizations of the agencies that governed it, to the units their
    successors govern at D — where to ask instead."""
    level = index.unit_levels.get(unit)
    committee = str(TQ.PeoplesCommittee)  # named first: the body a reader knows the unit by
    agencies = sorted({a for (_, lvl, where), found in index.agencies_by_role.items()
                       if where == unit and lvl == level for a in found},
                      key=lambda a: (index.authorities[a].agency_type != committee, a))
    moves: dict[str, dict] = {}  # one per unit now governed: the first agency that leads there
    for agency in agencies:
        for reorg in index.reorgs.get(agency, ()):
            if not reorg.in_force(day):
                continue
            for successor in reorg.successors:
                for governed in sorted(index.jurisdictions(successor)):
                    validity = index.unit_validity.get(governed, (None, None))
                    if in_force(*validity, day):
                        moves.setdefault(governed, {
                            "agency": agency, "successor": successor, "unit": governed,
                            "basis": reorg.basis, "from": validity[0]})
    return [moves[u] for u in sorted(moves)][:SHOWN]


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


def _without_conferral(index: Index, conferrals: list[Conferral], power: str, day: str,
                       findings: list[Finding]) -> list[Finding]:
    """No conferral of P is in force at D: not yet; ended with its holders' level; ended with
    its basis (the power is no longer in force); or a gap in the data."""
    later = [c for c in conferrals if c.valid_from and c.valid_from > day]
    ended = [c for c in conferrals if c.valid_until and c.valid_until < day]
    if later and not ended:
        first = min(c.valid_from for c in later if c.valid_from)
        starting = [c for c in later if c.valid_from == first]
        return [*findings, Finding("power-not-yet-in-force", [power, *_conferral_refs(starting)], {
            "from": first, "bases": sorted({c.basis for c in starting if c.basis})})]
    last = max((c.valid_until for c in ended if c.valid_until), default=None)
    closing = [c for c in ended if c.valid_until == last]
    if closing and not later:
        with_level = _level_findings(index, closing, day, findings, ended=True)
        if with_level is not findings:
            return with_level
        gone = _basis_ended(index, power, closing, day)
        if gone is not None:
            return [*findings, gone]
    following = min((c.valid_from for c in later if c.valid_from), default=None)
    return [*findings, Finding("no-conferral-in-data", [power, *_conferral_refs(closing)], {
        "endedOn": last, "bases": sorted({c.basis for c in closing if c.basis}),
        "nextFrom": following})]


def _conferral_refs(conferrals: list[Conferral]) -> list[str]:
    return [iri for c in conferrals for iri in (c.iri, c.basis) if iri]


def _basis_ended(index: Index, power: str, closing: list[Conferral],
                 day: str) -> Finding | None:
    """The last conferrals ended because their basis did (it, or its document, has a
    tq:validUntil no later than theirs): the power is no longer given by that text."""
    for conferral in closing:
        end = index.basis_ends.get(conferral.basis or "")
        if end is None:
            continue
        ended, until, repealers, replaced_from = end
        if until < day and conferral.valid_until and until <= conferral.valid_until:
            return Finding("power-no-longer-in-force", [
                power, *_conferral_refs(closing), ended, *repealers], {
                "endedOn": conferral.valid_until, "bases": sorted(
                    {c.basis for c in closing if c.basis}), "ended": ended, "until": until,
                "replacedBy": list(repealers), "replacedFrom": replaced_from})
    return None


def holder_level(index: Index, holder: str) -> str | None:
    """The level of a role or agency, or of a post's agency."""
    rec = index.authorities.get(holder)
    if rec is None:
        return None
    if rec.level or not rec.post_of or rec.post_of == holder:
        return rec.level
    return holder_level(index, rec.post_of)


def _level_findings(index: Index, conferrals: list[Conferral], day: str,
                    findings: list[Finding], ended: bool) -> list[Finding]:
    """Conferrals to holders of a level that ended before D (UBND cấp huyện read after
    30/06/2025): a level-abolished finding naming them, or the unit's own one enriched.
    Returns `findings` itself when no level applies; with `ended`, only the conferrals that
    lasted until their level ended count (one that ended earlier is another story)."""
    by_level: dict[str, list[Conferral]] = {}
    for conferral in conferrals:
        level = holder_level(index, conferral.holder)
        _, until, _ = index.level_validity.get(level or "", (None, None, None))
        if level and until and until < day and not (
                ended and conferral.valid_until and conferral.valid_until < until):
            by_level.setdefault(level, []).append(conferral)
    result, changed = list(findings), False
    for level, given in sorted(by_level.items()):
        _, until, basis = index.level_validity[level]
        facts = {"holders": sorted({c.holder for c in given}), "conferralUntil": max(
            (c.valid_until for c in given if c.valid_until), default=None) if ended else None,
            "conferralBases": sorted({c.basis for c in given if c.basis})}
        refs = _conferral_refs(given)
        own = next((f for f in result if f.code == "level-abolished"
                    and f.facts["level"] == level), None)
        if own is not None:
            own.facts.update(facts)
            own.refs, changed = [*own.refs, *refs], True
        elif not any(f.code == "level-abolished" for f in result):
            changed = True
            result.append(Finding("level-abolished", [level, *([basis] if basis else []), *refs], {
                "unit": None, "level": level, "until": until, "basis": basis,
                "unitUntil": None, "successors": [], "count": 0, **facts}))
    return result if changed else findings
