"""Who holds power P in unit U on date D — vocabulary.md's meaning, over an in-memory index.

The index (index.py) is read from the store with the SELECTs in queries/engine/, so the engine
runs the same on the embedded store and on any SPARQL store; a question is then a few dict
lookups. The records and the Index are re-exported here for older imports.

Version 2 of the vocabulary: a role of agency type T matches the agencies of type T or of a
narrower type (skos:broader, transitively); a role with a tq:postType K names the post of kind
K of each such agency (posts are data). A post is in force while its own validity (if any) and
its agency's hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from .index import (
    POST,
    ROLE,
    Authority,
    Conferral,
    Delegation,
    Index,
    Reorganization,
    engine_query,
    in_force,
)
from .namespaces import TQ
from .store import Store

__all__ = ["POST", "ROLE", "Authority", "Conferral", "Delegation", "Engine", "Index",
           "Reorganization", "engine_query", "in_force", "step"]

DECENTRALIZATION, AUTHORIZATION = str(TQ.Decentralization), str(TQ.Authorization)
STEP_KIND = {DECENTRALIZATION: "decentralization", AUTHORIZATION: "authorization"}
CENTRAL = str(TQ.CentralLevel)


def step(kind: str, source: str | None, target: str, basis: str | None,
         valid_from: str | None, valid_until: str | None) -> dict:
    """One step of a chain, as architecture.md's JSON."""
    return {"step": kind, "from": source, "to": target, "basis": basis,
            "validFrom": valid_from, "validUntil": valid_until}


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
        plain = holders and (unit is None or in_force(
            *self.index.unit_validity.get(unit, (None, None)), day))  # the common case
        return {"power": power, "at": day, "in": unit,
                "holders": [{"authority": who, "label": self.label(who), "chain": chain}
                            for who, chain in holders],
                "explanations": [] if plain else self.explanations(power, unit, day, holders)}

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
        wanted = sorted(set().union(*(iris_in(f.facts) for f in findings)))  # what the words name
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
