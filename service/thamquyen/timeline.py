"""Who held power P in unit U over time: the periods over which the who-holds answer is constant.

The answer can only change on a day something that it reads begins or ends: a conferral or
delegation of P, a unit of U's lineage or one of the units it lies in, U's level, an authority
that holds or could hold P there (the agencies a role names, their posts), a reorganization of
any of them. Those days are collected from the index, the answer is computed on each, and equal
neighbours are merged. Each period says what began or ended on its first day (the reason for the
change), restricted to the nodes the answers before and after read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING

from .explain import explain

if TYPE_CHECKING:
    from .engine import Engine, Index

ROUNDS = 4  # new authorities found in the answers bring their own dates; a fixpoint is quick


def _next_day(iso: str) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


def _previous_day(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


class Events:
    """Days on which something begins (its validFrom) or ends (the day after its validUntil)."""

    def __init__(self) -> None:
        self.by_day: dict[str, dict[tuple[str, str], dict]] = defaultdict(dict)

    def add(self, node: str, kind: str, valid_from: str | None, valid_until: str | None,
            basis: str | None = None) -> None:
        """Record the beginning and the end of a node."""
        if valid_from:
            self.by_day[valid_from][(node, "began")] = {
                "node": node, "kind": kind, "event": "began", "basis": basis}
        if valid_until:
            self.by_day[_next_day(valid_until)][(node, "ended")] = {
                "node": node, "kind": kind, "event": "ended", "basis": basis}

    def days(self, start: str, end: str) -> set[str]:
        """The event days inside [start, end], and start."""
        return {d for d in self.by_day if start < d <= end} | {start}

    def on(self, day: str, nodes: set[str]) -> list[dict]:
        """What began or ended on the day, among the given nodes, in a stable order."""
        found = [e for e in self.by_day.get(day, {}).values() if e["node"] in nodes
                 or (e["kind"] == "reorganization" and e["basis"] in nodes)]
        return sorted(found, key=lambda e: (e["kind"], e["event"], e["node"]))


def timeline(engine: Engine, power: str, unit: str | None, start: dt.date,
             end: dt.date) -> dict:
    """{"power", "in", "from", "until", "periods": [{"from", "until", "holders", "changes",
    "explanations"}]}: consecutive periods covering [start, end], the answer constant in each."""
    first, last = start.isoformat(), end.isoformat()
    index = engine.index
    events, power_nodes = Events(), {power}
    power_nodes |= _power_events(index, power, events)
    unit_nodes = _unit_events(index, unit, events) if unit else set()
    _candidate_events(index, power, unit, events)
    seen: set[str] = set()
    answers: dict[str, list] = {}
    for _ in range(ROUNDS):
        days = sorted(events.days(first, last))
        answers = {d: answers[d] if d in answers else engine.resolve(power, unit, d)
                   for d in days}
        found = {n for answer in answers.values() for n in _nodes(answer)} - seen
        if not found:
            break
        for node in found:
            _authority_events(index, node, events)
        seen |= found
    return {"power": power, "in": unit, "from": first, "until": last,
            "periods": _periods(engine, power, unit, answers, events,
                                power_nodes | unit_nodes, last)}


def _periods(engine: Engine, power: str, unit: str | None, answers: dict[str, list],
             events: Events, fixed: set[str], last: str) -> list[dict]:
    """Merge equal neighbours: the same holders and chains, and the same explanations."""
    periods: list[dict] = []
    previous = None
    for day in sorted(answers):
        answer = answers[day]
        findings = explain(engine, power, unit, day, answer)
        key = (sorted(repr(item) for item in answer), [(f.code, f.refs) for f in findings])
        if previous is not None and key == previous[0]:
            continue
        if periods:
            periods[-1]["until"] = _previous_day(day)
        nodes = fixed | _nodes(answer) | (_nodes(previous[1]) if previous else set())
        nodes |= {ref for f in findings for ref in f.refs}
        periods.append({
            "from": day, "until": last,
            "holders": [{"authority": who, "label": engine.label(who), "chain": chain}
                        for who, chain in answer],
            "changes": events.on(day, nodes) if periods else [],
            "explanations": engine.worded(findings, day)})
        previous = (key, answer)
    return periods


def _nodes(answer: list | None) -> set[str]:
    """The holders and every node of their chains."""
    found: set[str] = set()
    for who, chain in answer or ():
        found.add(who)
        for step in chain:
            found |= {v for v in (step["from"], step["to"], step["basis"]) if v}
    return found


def _power_events(index: Index, power: str, events: Events) -> set[str]:
    """Conferrals and delegations of the power; the nodes recorded."""
    nodes = set()
    for c in index.conferrals.get(power, ()):
        events.add(c.iri, "conferral", c.valid_from, c.valid_until, c.basis)
        nodes |= {c.iri, c.holder}
    for delegator in index.delegators.get(power, ()):
        for d in index.delegations.get((power, delegator), ()):
            kind = "decentralization" if d.kind.endswith("Decentralization") else "authorization"
            events.add(d.iri, kind, d.valid_from, d.valid_until, d.instrument)
            nodes |= {d.iri, delegator, d.delegate}
    return nodes


def _unit_events(index: Index, unit: str, events: Events) -> set[str]:
    """U, the units it lies in, its successors (repeatedly), their reorganizations, its level."""
    nodes, todo = set(), [unit]
    while todo:
        current = todo.pop()
        if current in nodes:
            continue
        nodes.add(current)
        events.add(current, "unit", *index.unit_validity.get(current, (None, None)))
        todo.extend(index.unit_parents.get(current, ()))
        for reorg in index.reorgs.get(current, ()):
            events.add(reorg.iri, "reorganization", reorg.effective or reorg.valid_from,
                       reorg.valid_until, reorg.basis)
            nodes.add(reorg.iri)
            todo.extend(reorg.successors)
    level = index.unit_levels.get(unit)
    if level in index.level_validity:
        valid_from, valid_until, basis = index.level_validity[level]
        events.add(level, "level", valid_from, valid_until, basis)
        nodes.add(level)
    return nodes


def _candidate_events(index: Index, power: str, unit: str | None, events: Events) -> None:
    """The agencies (and posts) a role holder or delegate of P could name in U's area."""
    roles = {c.holder for c in index.conferrals.get(power, ()) if index.is_role(c.holder)}
    for delegator in index.delegators.get(power, ()):
        roles |= {d.delegate for d in index.delegations.get((power, delegator), ())
                  if index.is_role(d.delegate)}
    area = _area_over_time(index, unit) if unit else None
    for role in roles:
        rec = index.authorities[role]
        if not rec.agency_type or not rec.level:
            continue
        if area is None:
            agencies = set(index.agencies_by_type.get((rec.agency_type, rec.level), ()))
        else:
            agencies = {a for u in area
                        for a in index.agencies_by_role.get((rec.agency_type, rec.level, u), ())}
        for agency in agencies:
            _authority_events(index, agency, events)
            for post in index.posts_by_agency.get((agency, rec.post_type or ""), ()):
                _authority_events(index, post, events)


def _area_over_time(index: Index, unit: str) -> set[str]:
    """U, its successors (repeatedly) and every unit any of them lies in."""
    units, todo = set(), [unit]
    while todo:
        current = todo.pop()
        if current in units:
            continue
        units.add(current)
        for reorg in index.reorgs.get(current, ()):
            todo.extend(reorg.successors)
    return set().union(*(index.ancestors(u) for u in units))


def _authority_events(index: Index, node: str, events: Events) -> None:
    """An authority's life (a post's agency's too) and the reorganizations it went into."""
    rec = index.authorities.get(node)
    if rec is None:
        return
    kind = "authority"
    events.add(node, kind, rec.valid_from, rec.valid_until)
    if rec.post_of and rec.post_of != node:
        agency = index.authorities.get(rec.post_of)
        if agency is not None:
            events.add(rec.post_of, kind, agency.valid_from, agency.valid_until)
    for reorg in index.reorgs.get(node, ()):
        events.add(reorg.iri, "reorganization", reorg.effective or reorg.valid_from,
                   reorg.valid_until, reorg.basis)

