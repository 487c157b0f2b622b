"""The who-holds index: everything a question reads, keyed for direct lookup.

It is read from the store with the SELECTs in queries/engine/, so it is the same on the embedded
store and on any SPARQL store; `Engine` (engine.py) answers questions over it, `NameIndex`
(names.py) finds names in it, `indexcache` keeps it between start-ups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import paths
from .namespaces import TQ
from .store import Row, Store

ROLE, POST = str(TQ.AuthorityRole), str(TQ.Post)


def engine_query(name: str) -> str:
    """The text of one engine query from queries/engine/."""
    return (paths.queries_dir() / "engine" / f"{name}.rq").read_text(encoding="utf-8")


def in_force(valid_from: str | None, valid_until: str | None, day: str) -> bool:
    """vocabulary.md: in force at D iff validFrom <= D (or none) and D <= validUntil (or none)."""
    return (valid_from is None or valid_from <= day) and (valid_until is None or day <= valid_until)


def _s(row: Row, key: str) -> str | None:
    value = row.get(key)
    return None if value is None else str(value)


@dataclass(slots=True)
class Authority:
    """An agency, post or role as the engine sees it."""

    kinds: set[str] = field(default_factory=set)
    agency_type: str | None = None
    level: str | None = None
    jurisdictions: set[str] = field(default_factory=set)
    post_of: str | None = None
    post_type: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    label: str | None = None


@dataclass(slots=True, frozen=True)
class Conferral:
    iri: str
    holder: str
    basis: str | None
    valid_from: str | None
    valid_until: str | None


@dataclass(slots=True, frozen=True)
class Delegation:
    iri: str
    kind: str
    delegate: str
    instrument: str | None
    territories: frozenset[str]
    valid_from: str | None
    valid_until: str | None


@dataclass(slots=True, frozen=True)
class Reorganization:
    iri: str
    successors: tuple[str, ...]
    effective: str | None
    basis: str | None
    valid_from: str | None
    valid_until: str | None
    predecessors: tuple[str, ...] = ()

    def in_force(self, day: str) -> bool:
        """A reorganization applies from its effective date, within its own validity."""
        started = self.effective is None or self.effective <= day
        return started and in_force(self.valid_from, self.valid_until, day)


class Index:
    """Everything who-holds needs, keyed for direct lookup."""

    def __init__(self) -> None:
        self.unit_parents: dict[str, set[str]] = defaultdict(set)
        self.unit_validity: dict[str, tuple[str | None, str | None]] = {}
        self.authorities: dict[str, Authority] = defaultdict(Authority)
        self.agencies_by_role: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self.agencies_by_type: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.type_broader: dict[str, set[str]] = defaultdict(set)
        self.posts_by_agency: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.conferrals: dict[str, list[Conferral]] = defaultdict(list)
        self.delegations: dict[tuple[str, str], list[Delegation]] = defaultdict(list)
        self.delegators: dict[str, list[str]] = defaultdict(list)
        self.reorgs: dict[str, list[Reorganization]] = defaultdict(list)
        self.reorgs_into: dict[str, list[Reorganization]] = defaultdict(list)
        self.powers: dict[str, str | None] = {}
        self.unit_levels: dict[str, str] = {}
        self.unit_children: dict[str, set[str]] = defaultdict(set)
        self.level_ranks: dict[str, int] = {}
        self.level_validity: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.level_labels: dict[str, str] = {}
        # basis of a conferral → (the basis or what it is part of that ended, its last day,
        # the documents that repealed it, the first day of the earliest of them)
        self.basis_ends: dict[str, tuple[str, str, tuple[str, ...], str | None]] = {}

    @classmethod
    def from_store(cls, store: Store) -> Index:
        """Read the index from any store with the engine queries."""
        index = cls()
        index.add_units(store.select(engine_query("units")))
        index.add_authorities(store.select(engine_query("authorities")))
        for row in store.select(engine_query("agency-types")):
            index.type_broader[str(row["type"])].add(str(row["broader"]))
        index.add_conferrals(store.select(engine_query("conferrals")))
        index.add_delegations(store.select(engine_query("delegations")))
        index.add_reorganizations(store.select(engine_query("reorganizations")))
        for row in store.select(engine_query("levels")):
            index.add_level(row)
        index.add_basis_ends(store.select(engine_query("basis-ends")))
        for row in store.select(engine_query("powers")):
            index.powers.setdefault(str(row["power"]), _s(row, "label"))
        index.finish()
        return index

    def add_units(self, rows: Iterable[Row]) -> None:
        """Units: their parents and validity."""
        for row in rows:
            unit = str(row["unit"])
            if "partOf" in row:
                self.unit_parents[unit].add(str(row["partOf"]))
            self.unit_validity[unit] = (_s(row, "validFrom"), _s(row, "validUntil"))
            if "level" in row:
                self.unit_levels[unit] = str(row["level"])

    def add_level(self, row: Row) -> None:
        """A level's rank and life (the district level ends on 2025-06-30) with its basis."""
        level = str(row["level"])
        self.level_ranks[level] = int(row["rank"])
        if "label" in row:
            self.level_labels.setdefault(level, str(row["label"]))
        basis = _s(row, "basis")
        old = self.level_validity.get(level)
        if old and old[2] and (basis is None or old[2] < basis):
            basis = old[2]
        self.level_validity[level] = (_s(row, "validFrom"), _s(row, "validUntil"), basis)

    def add_basis_ends(self, rows: Iterable[Row]) -> None:
        """When each conferral's basis ended (the earliest end of it or what it is part of),
        and the documents that repealed what ended."""
        found: dict[str, tuple[str, str]] = {}
        repealers: dict[str, dict[str, str | None]] = defaultdict(dict)
        for row in rows:
            basis, ended, until = str(row["basis"]), str(row["ended"]), str(row["until"])
            if basis not in found or (until, ended) < found[basis][::-1]:
                found[basis] = (ended, until)
            if "by" in row:
                repealers[ended][str(row["by"])] = _s(row, "byFrom")
        for basis, (ended, until) in sorted(found.items()):
            by = repealers.get(ended, {})
            starts = sorted(d for d in by.values() if d)
            self.basis_ends[basis] = (ended, until, tuple(sorted(by)), starts[0] if starts else None)

    def add_authorities(self, rows: Iterable[Row]) -> None:
        """Agencies, posts and roles with their type, level, jurisdiction and validity."""
        for row in rows:
            rec = self.authorities[str(row["authority"])]
            rec.kinds.add(str(row["kind"]))
            rec.agency_type = rec.agency_type or _s(row, "agencyType")
            rec.level = rec.level or _s(row, "level")
            if "jurisdiction" in row:
                rec.jurisdictions.add(str(row["jurisdiction"]))
            rec.post_of = rec.post_of or _s(row, "postOf")
            rec.post_type = rec.post_type or _s(row, "postType")
            rec.valid_from = rec.valid_from or _s(row, "validFrom")
            rec.valid_until = rec.valid_until or _s(row, "validUntil")
            rec.label = rec.label or _s(row, "label")

    def add_conferrals(self, rows: Iterable[Row]) -> None:
        """Conferrals by power; of several bases the smallest IRI is reported."""
        seen: dict[tuple[str, str, str], Conferral] = {}
        for row in rows:
            key = (str(row["conferral"]), str(row["power"]), str(row["holder"]))
            old = seen.get(key)
            basis = _s(row, "basis")
            if old is None or (basis and (old.basis is None or basis < old.basis)):
                seen[key] = Conferral(key[0], key[2], basis, _s(row, "validFrom"), _s(row, "validUntil"))
        for (_, power, _), conferral in sorted(seen.items()):
            self.conferrals[power].append(conferral)

    def add_delegations(self, rows: Iterable[Row]) -> None:
        """Delegations by (power, delegator), with all their territories."""
        grouped: dict[tuple[str, str, str, str, str], dict] = {}
        for row in rows:
            key = (str(row["delegation"]), str(row["kind"]), str(row["power"]),
                   str(row["delegator"]), str(row["delegate"]))
            rec = grouped.setdefault(key, {"territories": set(), "instrument": None,
                                           "vf": _s(row, "validFrom"), "vu": _s(row, "validUntil")})
            if "territory" in row:
                rec["territories"].add(str(row["territory"]))
            instrument = _s(row, "instrument")
            if instrument and (rec["instrument"] is None or instrument < rec["instrument"]):
                rec["instrument"] = instrument
        for (iri, kind, power, delegator, delegate), rec in sorted(grouped.items()):
            self.delegations[(power, delegator)].append(Delegation(
                iri, kind, delegate, rec["instrument"], frozenset(rec["territories"]),
                rec["vf"], rec["vu"]))

    def add_reorganizations(self, rows: Iterable[Row]) -> None:
        """Reorganizations by predecessor."""
        grouped: dict[str, dict] = {}
        for row in rows:
            rec = grouped.setdefault(str(row["reorg"]), {
                "pred": set(), "succ": set(), "eff": _s(row, "effectiveDate"), "basis": None,
                "vf": _s(row, "validFrom"), "vu": _s(row, "validUntil")})
            rec["pred"].add(str(row["predecessor"]))
            rec["succ"].add(str(row["successor"]))
            basis = _s(row, "basis")
            if basis and (rec["basis"] is None or basis < rec["basis"]):
                rec["basis"] = basis
        for iri, rec in sorted(grouped.items()):
            reorg = Reorganization(iri, tuple(sorted(rec["succ"])), rec["eff"], rec["basis"],
                                   rec["vf"], rec["vu"], tuple(sorted(rec["pred"])))
            for predecessor in reorg.predecessors:
                self.reorgs[predecessor].append(reorg)
            for successor in reorg.successors:
                self.reorgs_into[successor].append(reorg)

    def finish(self) -> None:
        """Build the role lookup tables once everything is read.

        An agency is listed under its own type and every broader one (vocabulary v2, 1a), so
        that a role of type T finds the agencies of type T or narrower with one lookup."""
        for iri, rec in sorted(self.authorities.items()):
            if ROLE in rec.kinds:
                continue
            if POST in rec.kinds and rec.post_of and rec.post_type:
                self.posts_by_agency[(rec.post_of, rec.post_type)].append(iri)
            if not rec.agency_type or not rec.level:
                continue
            for agency_type in sorted(self.broader_types(rec.agency_type)):
                self.agencies_by_type[(agency_type, rec.level)].append(iri)
                for unit in rec.jurisdictions:
                    self.agencies_by_role[(agency_type, rec.level, unit)].append(iri)
        for unit, parents in self.unit_parents.items():
            for parent in parents:
                self.unit_children[parent].add(unit)
        for power, delegator in sorted(self.delegations):
            self.delegators[power].append(delegator)
            self.powers.setdefault(power, None)
        for power in self.conferrals:
            self.powers.setdefault(power, None)

    def broader_types(self, agency_type: str) -> set[str]:
        """The type and every type it is narrower than (skos:broader, transitively)."""
        found, todo = {agency_type}, [agency_type]
        while todo:
            for broader in self.type_broader.get(todo.pop(), ()):
                if broader not in found:
                    found.add(broader)
                    todo.append(broader)
        return found

    # ---- territory -------------------------------------------------------------------

    def ancestors(self, unit: str) -> set[str]:
        """The unit and every unit it lies in through tq:partOf."""
        found, todo = {unit}, [unit]
        while todo:
            for parent in self.unit_parents.get(todo.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    def units_at(self, unit: str, day: str) -> set[str]:
        """A unit no longer in force on the day is read as its successor(s), repeatedly."""
        result, todo, seen = set(), [unit], {unit}
        while todo:
            current = todo.pop()
            valid_from, valid_until = self.unit_validity.get(current, (None, None))
            if in_force(valid_from, valid_until, day):
                result.add(current)
                continue
            for reorg in self.reorgs.get(current, ()):
                if reorg.in_force(day):
                    for successor in reorg.successors:
                        if successor not in seen:
                            seen.add(successor)
                            todo.append(successor)
        return result

    def jurisdictions(self, authority: str) -> set[str]:
        """The territory an authority governs (a post: that of its agency)."""
        rec = self.authorities.get(authority)
        if rec is None:
            return set()
        if rec.jurisdictions:
            return rec.jurisdictions
        if rec.post_of and rec.post_of != authority:
            return self.jurisdictions(rec.post_of)
        return set()

    def authority_in_force(self, authority: str, day: str) -> bool:
        """An authority with no recorded validity is in force; a post also needs its agency
        in force (a post without validity of its own lives as long as its agency)."""
        rec = self.authorities.get(authority)
        if rec is None:
            return True
        if not in_force(rec.valid_from, rec.valid_until, day):
            return False
        if rec.post_of and rec.post_of != authority and POST in rec.kinds:
            return self.authority_in_force(rec.post_of, day)
        return True

    def is_role(self, authority: str) -> bool:
        """True for a tq:AuthorityRole."""
        rec = self.authorities.get(authority)
        return rec is not None and ROLE in rec.kinds
