"""Who holds power P in unit U on date D — vocabulary.md's meaning, over an in-memory index.

The index is read from the store with the SELECTs in queries/engine/, so the engine runs the
same on the embedded store and on any SPARQL store; a question is then a few dict lookups.

Version 2 of the vocabulary: a role of agency type T matches the agencies of type T or of a
narrower type (skos:broader, transitively); a role with a tq:postType K names the post of kind
K of each such agency (posts are data). A post is in force while its own validity (if any) and
its agency's hold.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from . import paths
from .namespaces import TQ
from .store import Row, Store

DECENTRALIZATION, AUTHORIZATION = str(TQ.Decentralization), str(TQ.Authorization)
STEP_KIND = {DECENTRALIZATION: "decentralization", AUTHORIZATION: "authorization"}
ROLE, POST = str(TQ.AuthorityRole), str(TQ.Post)
CENTRAL = str(TQ.CentralLevel)


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

    def in_force(self, day: str) -> bool:
        """A reorganization applies from its effective date, within its own validity."""
        started = self.effective is None or self.effective <= day
        return started and in_force(self.valid_from, self.valid_until, day)


def step(kind: str, source: str | None, target: str, basis: str | None,
         valid_from: str | None, valid_until: str | None) -> dict:
    """One step of a chain, as architecture.md's JSON."""
    return {"step": kind, "from": source, "to": target, "basis": basis,
            "validFrom": valid_from, "validUntil": valid_until}


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
        self.powers: dict[str, str | None] = {}
        self.unit_levels: dict[str, str] = {}
        self.unit_children: dict[str, set[str]] = defaultdict(set)
        self.level_ranks: dict[str, int] = {}
        self.level_validity: dict[str, tuple[str | None, str | None, str | None]] = {}
        self.level_labels: dict[str, str] = {}

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
                                   rec["vf"], rec["vu"])
            for predecessor in sorted(rec["pred"]):
                self.reorgs[predecessor].append(reorg)

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


Namer = Callable[[Sequence[str]], dict[str, str]]


def iris_in(value: object) -> set[str]:
    """Every IRI (http… string) inside nested facts."""
    if isinstance(value, str):
        return {value} if value.startswith(("http://", "https://", "urn:")) else set()
    if isinstance(value, dict):
        return set().union(*map(iris_in, value.values())) if value else set()
    if isinstance(value, list | tuple | set):
        return set().union(*map(iris_in, value)) if value else set()
    return set()


class Engine:
    """Answers who-holds and powers-of from an Index."""

    def __init__(self, index: Index, namer: Namer | None = None):
        self.index = index
        self.namer = namer  # labels/citations for explanations (the KB's, read from the store)

    @classmethod
    def from_store(cls, store: Store) -> Engine:
        """Read the index from a store."""
        return cls(Index.from_store(store))

    def label(self, iri: str) -> str | None:
        """The Vietnamese label of an authority or power, if known."""
        rec = self.index.authorities.get(iri)
        return rec.label if rec and rec.label else self.index.powers.get(iri)

    def names(self, iris: Sequence[str]) -> dict[str, str]:
        """Labels (citations for provisions) of IRIs: the KB's namer, else the index's labels."""
        if self.namer is not None:
            return self.namer(iris)
        return {i: label for i in iris if (label := self.label(i))}

    def who_holds(self, power: str, unit: str | None, at: dt.date) -> dict:
        """The who-holds JSON document of architecture.md, with its explanations."""
        day = at.isoformat()
        holders = self.resolve(power, unit, day)
        return {"power": power, "at": day, "in": unit,
                "holders": [{"authority": who, "label": self.label(who), "chain": chain}
                            for who, chain in holders],
                "explanations": self.explanations(power, unit, day, holders)}

    def timeline(self, power: str, unit: str | None, start: dt.date, end: dt.date) -> dict:
        """The periods over which the answer for P in U is constant between start and end, each
        with its holders, what began or ended on its first day, and its explanations."""
        from .timeline import timeline

        return timeline(self, power, unit, start, end)

    def explanations(self, power: str, unit: str | None, day: str,
                     holders: list[tuple[str, list[dict]]]) -> list[dict]:
        """Why the answer is empty or elsewhere than U: [{"code", "vi", "en", "refs"}]."""
        from .explain import explain

        return self.worded(explain(self, power, unit, day, holders), day)

    def worded(self, findings: list, day: str) -> list[dict]:
        """The explanations of findings (explain.Finding), named through the namer."""
        from .answers.explanations import word

        if not findings:
            return []
        wanted = sorted(set().union(*(iris_in(f.facts) | set(f.refs) for f in findings)))
        names = self.names(wanted)

        def name(iri: str | None) -> str:
            return names.get(iri, iri) if iri else "—"

        return [word(f, day, name) for f in findings]

    def resolve(self, power: str, unit: str | None, day: str) -> list[tuple[str, list[dict]]]:
        """Final holders with their chains, sorted and without duplicates."""
        area = None
        if unit is not None:
            area = set()
            for current in self.index.units_at(unit, day):
                area |= self.index.ancestors(current)
        found: dict[str, tuple[str, list[dict]]] = {}
        for conferral in self.index.conferrals.get(power, ()):
            if not in_force(conferral.valid_from, conferral.valid_until, day):
                continue
            for holder, chain in self._conferral_holders(conferral, area, day):
                for final, full in self._follow(power, holder, chain, area, day, {holder}):
                    found.setdefault(repr((final, full)), (final, full))
        return [found[key] for key in sorted(found)]

    def _conferral_holders(self, conferral: Conferral, area: set[str] | None,
                           day: str) -> list[tuple[str, list[dict]]]:
        first = [conferral.basis, conferral.valid_from, conferral.valid_until]
        if self.index.is_role(conferral.holder):
            return [(agency, [step("conferral", None, agency, *first)])
                    for agency in self._role_holders(conferral.holder, area, day, None)]
        return [(final, [step("conferral", None, conferral.holder, *first), *extra])
                for final, extra in self._current(conferral.holder, area, day, set())]

    def _role_holders(self, role: str, area: set[str] | None, day: str,
                      inside: str | None) -> list[str]:
        """The authorities a role names at D: the agencies of its type (or narrower) and level
        in force, in U's territory and inside `inside`'s; with a post type, their posts."""
        rec = self.index.authorities[role]
        agencies = self._role_agencies(rec, area, day, inside)
        if not rec.post_type:
            return agencies
        return [post for agency in agencies
                for post in self.index.posts_by_agency.get((agency, rec.post_type), ())
                if self.index.authority_in_force(post, day)]

    def _role_agencies(self, rec: Authority, area: set[str] | None, day: str,
                       inside: str | None) -> list[str]:
        if not rec.agency_type or not rec.level:
            return []
        if area is None or rec.level == CENTRAL:  # central bodies govern every unit
            candidates = self.index.agencies_by_type.get((rec.agency_type, rec.level), [])
        else:
            candidates = sorted({a for unit in area for a in self.index.agencies_by_role.get(
                (rec.agency_type, rec.level, unit), ())})
        bounds = self.index.jurisdictions(inside) if inside else set()
        result = []
        for agency in candidates:
            if not self.index.authority_in_force(agency, day):
                continue
            if bounds and not any(bounds & self.index.ancestors(j)
                                  for j in self.index.jurisdictions(agency)):
                continue
            result.append(agency)
        return result

    def _current(self, authority: str, area: set[str] | None, day: str,
                 seen: set[str]) -> list[tuple[str, list[dict]]]:
        """An authority no longer in force is replaced by its successors, repeatedly."""
        if self.index.authority_in_force(authority, day):
            return [(authority, [])]
        result = []
        for reorg in self.index.reorgs.get(authority, ()):
            if not reorg.in_force(day):
                continue
            successors = list(reorg.successors)
            if len(successors) > 1 and area is not None:
                successors = [s for s in successors if not self.index.jurisdictions(s)
                              or self.index.jurisdictions(s) & area]
            for successor in successors:
                if successor in seen:
                    continue
                move = step("reorganization", authority, successor, reorg.basis,
                            reorg.effective or reorg.valid_from, reorg.valid_until)
                for final, extra in self._current(successor, area, day, seen | {successor}):
                    result.append((final, [move, *extra]))
        return result

    def _follow(self, power: str, holder: str, chain: list[dict], area: set[str] | None,
                day: str, visited: set[str]) -> list[tuple[str, list[dict]]]:
        """Pass the exercise along every delegation that applies, until none does."""
        applicable = [d for d in self.index.delegations.get((power, holder), ())
                      if in_force(d.valid_from, d.valid_until, day)
                      and (not d.territories or (area is not None and d.territories & area))]
        if not applicable:
            return [(holder, chain)]
        result = []
        for delegation in applicable:
            kind = STEP_KIND[delegation.kind]
            extra_args = (delegation.instrument, delegation.valid_from, delegation.valid_until)
            if self.index.is_role(delegation.delegate):
                targets = [(a, [step(kind, holder, a, *extra_args)])
                           for a in self._role_holders(delegation.delegate, area, day, holder)]
            else:
                first = step(kind, holder, delegation.delegate, *extra_args)
                targets = [(final, [first, *extra]) for final, extra in
                           self._current(delegation.delegate, area, day, set(visited))]
            for target, steps in targets:
                if target in visited:
                    continue
                result.extend(self._follow(power, target, [*chain, *steps], area, day,
                                           visited | {target}))
        return result

    def powers_of(self, authority: str, at: dt.date) -> dict:
        """Every power the authority holds (and may have handed on) or exercises on the date."""
        day = at.isoformat()
        units = sorted(self.index.jurisdictions(authority))
        entries = []
        for power in sorted(self.index.powers):
            for unit in units or [None]:
                for final, chain in self.resolve(power, unit, day):
                    involved = final == authority or any(s["to"] == authority for s in chain)
                    if involved:
                        entries.append({"power": power, "label": self.index.powers.get(power),
                                        "exercises": final == authority, "holder": final,
                                        "chain": chain})
        unique = {repr(e): e for e in entries}
        return {"authority": authority, "label": self.label(authority), "at": day,
                "powers": [unique[k] for k in sorted(unique)]}
