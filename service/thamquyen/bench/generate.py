"""`thamquyen bench generate`: deterministic national-scale data in the public vocabulary.

On the unit structure (real from data/units/, or synthetic of the same shape) the generator
adds departments (sở) and district offices (phòng), ≥ 2,000 synthetic powers, their conferrals
(on roles and on specific authorities, ended and current), delegation decisions (phân cấp and
ủy quyền in chains of 1–3 steps, some limited to a territory, ended and current), the legal
documents they rest on, department reorganizations and procedures. Everything is synthetic and
labelled so; IRIs carry `bench` so that they never meet the project's real data.

The size is steered by one density (the share of units that issue a given delegation), fitted
to the requested number of triples with three cheap counting passes before the real one.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import paths
from .catalog import (
    DEPARTMENT_SUCCESSOR,
    DISTRICT_OFFICES,
    MINISTRIES,
    NEW_DEPARTMENTS,
    OLD_DEPARTMENTS,
    SECTOR_OBJECTS,
    SECTORS,
    VERBS,
    Body,
    body_for,
    ministry_for,
    successor_body,
)
from .structure import (
    DATASET,
    FULL_OLD_PROVINCES,
    LEVELS,
    NEW_FROM,
    OLD_UNTIL,
    Structure,
    Unit,
    real_structure,
    synthetic_structure,
    write_synthetic,
)
from .turtle import Sink, date, iri, lit

MANIFEST = "bench-manifest.json"
QUOC_HOI, UBTVQH, CHINH_PHU = "agency/bench-quoc-hoi", "agency/bench-ubtvqh", "agency/bench-chinh-phu"
THANH_TRA_CP = "agency/bench-thanh-tra-chinh-phu"
ROLES = {"P": "role/bench-ubnd-cap-tinh", "D": "role/bench-ubnd-cap-huyen",
         "C": "role/bench-ubnd-cap-xa"}
FAMILIES = ("central", "provincial", "provincial", "local", "local", "local", "specific")
TRIPLES_PER_OLD_PROVINCE = 6_100  # units + councils + departments + offices, measured


def add_days(day: str, days: int) -> str:
    """An ISO date moved by a number of days."""
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def half_year(rng: random.Random, first: int, last: int) -> str:
    """A decision day: the 15th of March or September of a year in [first, last]."""
    return f"{rng.randint(first, last)}-{rng.choice(('03', '09'))}-15"


@dataclass
class Power:
    """One synthetic power and how it is conferred and delegated."""

    index: int
    iri: str
    sector: str
    family: str
    label: str
    non_delegable: bool = False
    basis: str = ""


@dataclass
class Plan:
    """What to generate: sizes and the delegation density."""

    seed: int
    provinces: int
    powers: int
    procedures: int
    density: float
    units: str  # "synthetic" or "real"


@dataclass
class Counts:
    """How many of each thing were generated."""

    values: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, name: str, n: int = 1) -> None:
        """Count n more of a thing."""
        self.values[name] += n


class Documents:
    """Legal documents and provisions, written once, the first time they are needed."""

    def __init__(self, sink: Sink):
        self.sink = sink
        self.seen: set[str] = set()
        self.numbers: dict[tuple[str, int], int] = defaultdict(int)
        self.known: dict[tuple, str] = {}

    def _emit(self, subject: str, pairs: list) -> None:
        if subject not in self.seen:
            self.seen.add(subject)
            self.sink.block(subject, pairs)

    def document(self, key: tuple, title: str, doc_type: str, number_fmt: str, issuer: str,
                 issuer_key: str, day: str, normative: bool) -> str:
        """A document of an issuer on a day (one per key); numbers count up per issuer and year."""
        if key in self.known:
            return self.known[key]
        year = int(day[:4])
        self.numbers[(issuer, year)] += 1
        n = self.numbers[(issuer, year)] + (900 if normative else 9000)
        number = number_fmt.format(n=n, year=year)
        slug = number.lower().replace("/", "-").replace("đ", "d")
        subject = f"doc/bench-{slug}-{issuer_key}" + ("" if normative else f"-{year}")
        self._emit(subject, [
            ("a", "tq:LegalDocument"), ("skos:prefLabel", lit(f"{title} [thử nghiệm]", "vi")),
            ("tq:documentType", doc_type), ("tq:documentNumber", lit(number)),
            ("tq:issuedBy", iri(issuer)), ("tq:dateIssued", date(day)),
            ("dcterms:source", iri(DATASET))])
        self.known[key] = subject
        return subject

    def article(self, doc: str, title: str, n: int) -> str:
        """Article n of a document."""
        subject = f"{doc}/dieu-{n}"
        self._emit(subject, [("a", "tq:Provision"),
                             ("skos:prefLabel", lit(f"Điều {n}, {title} [thử nghiệm]", "vi")),
                             ("tq:partOfDocument", iri(doc)), ("dcterms:source", iri(doc))])
        return subject


class Generator:
    """Writes one benchmark dataset into a Sink."""

    def __init__(self, structure: Structure, plan: Plan, sink: Sink):
        self.s, self.plan, self.sink = structure, plan, sink
        self.docs = Documents(sink)
        self.counts = Counts()
        self.delegation_no = 0
        self.resource_no = 0

    # ---------------------------------------------------------------- agencies

    def agency_iri(self, slug: str, unit: Unit) -> str:
        """IRI of a department or office of a unit."""
        return f"agency/{slug}-{unit.key}" if self.s.synthetic else f"agency/bench-{slug}-{unit.key}"

    def chair_iri(self, unit: Unit) -> str:
        """IRI of the post of chair of a unit's People's Committee."""
        return f"post/bench-chu-tich-ubnd-{unit.key.removeprefix('bench-')}"

    @staticmethod
    def place(unit: Unit) -> str:
        """`tỉnh An Bình` from `Tỉnh An Bình`."""
        return unit.label[:1].lower() + unit.label[1:]

    @staticmethod
    def validity(unit: Unit) -> tuple[str, str]:
        """The validity of the old or new structure."""
        return ("tq:validFrom", date(NEW_FROM)) if unit.new else ("tq:validUntil", date(OLD_UNTIL))

    def write_central(self) -> None:
        """The central bodies and the authority roles the data refers to."""
        central = [(QUOC_HOI, "Quốc hội (thử nghiệm)", "tq:NationalAssembly"),
                   (UBTVQH, "Ủy ban Thường vụ Quốc hội (thử nghiệm)",
                    "tq:NationalAssemblyStandingCommittee"),
                   (CHINH_PHU, "Chính phủ (thử nghiệm)", "tq:Government"),
                   (THANH_TRA_CP, "Thanh tra Chính phủ (thử nghiệm)", "tq:Inspectorate")]
        central += [(f"agency/bench-bo-{key}", label, "tq:Ministry") for key, label, _ in MINISTRIES]
        for subject, label, agency_type in central:
            self.sink.block(subject, [("a", "tq:Agency"), ("skos:prefLabel", lit(label, "vi")),
                                      ("tq:agencyType", agency_type), ("tq:level", "tq:CentralLevel"),
                                      ("dcterms:source", iri(DATASET))])
        for level, role in ROLES.items():
            word = {"P": "tỉnh", "D": "huyện", "C": "xã"}[level]
            self.sink.block(role, [("a", "tq:AuthorityRole"),
                                   ("skos:prefLabel", lit(f"Ủy ban nhân dân cấp {word} (thử nghiệm)", "vi")),
                                   ("tq:agencyType", "tq:PeoplesCommittee"), ("tq:level", LEVELS[level]),
                                   ("dcterms:source", iri(DATASET))])

    def write_local_bodies(self) -> None:
        """Departments of every province, offices of every district, the chairs' posts."""
        for province in [*self.s.old_provinces, *self.s.new_provinces]:
            bodies = NEW_DEPARTMENTS if province.new else OLD_DEPARTMENTS
            for body in bodies:
                self._body(body, province)
            if province.ubnd:
                self.sink.block(self.chair_iri(province), [
                    ("a", "tq:Post"),
                    ("skos:prefLabel", lit(f"Chủ tịch Ủy ban nhân dân {self.place(province)}", "vi")),
                    ("tq:postOf", iri(province.ubnd)), self.validity(province),
                    ("dcterms:source", iri(DATASET))])
            for district in [] if province.new else self.s.districts(province):
                for body in DISTRICT_OFFICES:
                    self._body(body, district)
        self._department_reorgs()

    def _body(self, body: Body, unit: Unit) -> None:
        if not unit.ubnd:
            return
        label = f"{body.label} {self.place(unit)}"
        pairs = [("a", "tq:Agency"), ("skos:prefLabel", lit(label, "vi")),
                 ("tq:agencyType", body.agency_type), ("tq:level", LEVELS[unit.level]),
                 ("tq:jurisdiction", iri(unit.iri)), ("tq:parentAgency", iri(unit.ubnd)),
                 self.validity(unit), ("dcterms:source", iri(DATASET))]
        self.sink.block(self.agency_iri(body.slug, unit), pairs)
        self.counts.add("agencies")

    def _department_reorgs(self) -> None:
        """Old departments → the new province's department that took them over (2025-07-01)."""
        olds: dict[str, list[Unit]] = defaultdict(list)
        for old, new in self.s.merged_into.items():
            olds[new].append(next(p for p in self.s.old_provinces if p.iri == old))
        for new in self.s.new_provinces:
            if not new.ubnd or not olds.get(new.iri):
                continue
            basis = self.docs.document(
                ("org", new.iri), f"Quyết định thành lập các cơ quan chuyên môn thuộc Ủy ban nhân "
                f"dân {self.place(new)}", "tq:Decision", "{n}/QĐ-UBND", new.ubnd,
                new.key.removeprefix("bench-"), NEW_FROM, normative=False)
            for body in NEW_DEPARTMENTS:
                preds = [self.agency_iri(o.slug, old) for old in olds[new.iri] if old.ubnd
                         for o in OLD_DEPARTMENTS if DEPARTMENT_SUCCESSOR.get(o.slug, o.slug) == body.slug]
                if not preds:
                    continue
                self.sink.block(f"reorg/bench-{body.slug}-{new.key.removeprefix('bench-')}", [
                    ("a", "tq:Reorganization"), *(("tq:predecessor", iri(p)) for p in preds),
                    ("tq:successor", iri(self.agency_iri(body.slug, new))),
                    ("tq:effectiveDate", date(NEW_FROM)), ("tq:legalBasis", iri(basis)),
                    ("dcterms:source", iri(basis))])
                self.counts.add("reorganizations")

    # ---------------------------------------------------------------- laws and powers

    def law(self, k: int) -> tuple[str, str, str]:
        """Synthetic law k: (IRI, title, first day in force)."""
        year = 2015 + (k % 8)
        term = 13 if year < 2016 else 14 if year < 2021 else 15
        day = f"{year}-06-{10 + k % 15:02d}"
        title = f"Luật thử nghiệm số {900 + k}"
        doc = self.docs.document(("law", k), title, "tq:Law", f"{900 + k}/{{year}}/QH{term}",
                                 QUOC_HOI, "qh", day, normative=True)
        return doc, title, f"{year + 1}-01-01"

    def decree_2025(self, k: int) -> tuple[str, str]:
        """Synthetic 2025 decree k that re-assigns district powers: (IRI, title)."""
        title = f"Nghị định thử nghiệm phân định thẩm quyền số {k + 1}"
        doc = self.docs.document(("decree", k), title, "tq:Decree", "{n}/{year}/NĐ-CP", CHINH_PHU,
                                 "cp", "2025-06-12", normative=True)
        return doc, title

    def make_powers(self) -> list[Power]:
        """The powers, each with a sector and a family of conferral/delegation pattern."""
        powers = []
        for i in range(self.plan.powers):
            rng = random.Random(f"power-{self.plan.seed}-{i}")
            sector = SECTORS[i % len(SECTORS)]
            obj = rng.choice(SECTOR_OBJECTS[sector])
            label = f"{rng.choice(VERBS)} {obj} (thẩm quyền thử nghiệm {i + 1:05d})"
            family = rng.choice(FAMILIES)
            non_delegable = family == "provincial" and rng.random() < 0.06
            powers.append(Power(i, f"power/bench-{i + 1:05d}", sector, family, label, non_delegable))
        return powers

    def write_power(self, power: Power) -> None:
        """A power, its conferrals and its delegations."""
        rng = random.Random(f"delegations-{self.plan.seed}-{power.index}")
        law, title, in_force = self.law(power.index % 40)
        article = self.docs.article(law, title, 1 + power.index % 60)
        power.basis = article
        pairs = [("a", "tq:Power"), ("skos:prefLabel", lit(power.label, "vi")),
                 ("tq:sector", f"tq:sector-{power.sector}")]
        if power.non_delegable:
            pairs += [("tq:nonDelegable", "true"), ("tq:nonDelegableBasis", iri(article))]
        self.sink.block(power.iri, [*pairs, ("dcterms:source", iri(article))])
        self.counts.add("powers")
        getattr(self, f"_family_{power.family}")(power, rng, article, in_force)

    def conferral(self, power: Power, holder: str, basis: str, start: str | None,
                  end: str | None = None, tag: str = "") -> None:
        """One conferral of a power on a holder."""
        pairs = [("a", "tq:Conferral"), ("tq:power", iri(power.iri)), ("tq:holder", iri(holder)),
                 ("tq:legalBasis", iri(basis))]
        if start:
            pairs.append(("tq:validFrom", date(start)))
        if end:
            pairs.append(("tq:validUntil", date(end)))
        self.sink.block(f"conferral/bench-{power.index + 1:05d}{tag}",
                        [*pairs, ("dcterms:source", iri(basis))])
        self.counts.add("conferrals")

    # ---------------------------------------------------------------- delegations

    def delegation(self, power: Power, kind: str, delegator: str, delegate: str, instrument: str,
                   start: str, end: str | None, **extra: object) -> None:
        """One phân cấp (kind "pc") or ủy quyền (kind "uq") decision."""
        self.delegation_no += 1
        subject = f"delegation/bench-{self.delegation_no:07d}"
        pairs = [("a", "tq:Decentralization" if kind == "pc" else "tq:Authorization"),
                 ("tq:power", iri(power.iri)), ("tq:delegator", iri(delegator)),
                 ("tq:delegate", iri(delegate)), ("tq:instrument", iri(instrument)),
                 ("tq:validFrom", date(start))]
        if end:
            pairs.append(("tq:validUntil", date(end)))
        pairs += [("tq:territory", iri(t)) for t in extra.get("territories", ())]  # type: ignore[union-attr]
        if extra.get("onward") is False:
            pairs.append(("tq:onwardDelegation", "false"))
        if extra.get("oversight"):
            pairs.append(("tq:oversightBy", iri(str(extra["oversight"]))))
        if extra.get("resources"):
            self.resource_no += 1
            resources = f"resources/bench-{self.resource_no:07d}"
            self.sink.block(resources, [("a", "tq:ResourceAllocation"),
                                        ("tq:budget", f'"{extra["resources"]}"^^xsd:decimal'),
                                        ("tq:staffQuota", str(1 + self.resource_no % 4)),
                                        ("dcterms:source", iri(instrument))])
            pairs.append(("tq:resources", iri(resources)))
        self.sink.block(subject, [*pairs, ("dcterms:source", iri(instrument))])
        self.counts.add("decentralizations" if kind == "pc" else "authorizations")

    def decision(self, issuer: str, issuer_label: str, issuer_key: str, day: str,
                 normative: bool, abbreviation: str = "QĐ-UBND") -> str:
        """The decision an issuer delegates with on a day (normative: with the year)."""
        what = "quy định phân cấp" if normative else "ủy quyền"
        number = "{n}/{year}/" + abbreviation if normative else "{n}/" + abbreviation
        return self.docs.document(("qd", issuer, day, normative), f"Quyết định {what} của {issuer_label}",
                                  "tq:Decision", number, issuer, issuer_key, day, normative)

    def ubnd_decision(self, unit: Unit, day: str, normative: bool) -> str:
        """A decision of a unit's People's Committee."""
        assert unit.ubnd
        return self.decision(unit.ubnd, f"Ủy ban nhân dân {self.place(unit)}",
                             unit.key.removeprefix("bench-"), day, normative)

    def oversight(self, unit: Unit | None, rng: random.Random) -> str | None:
        """Who inspects a delegation (the inspectorate of the delegator's unit), 9 times in 10."""
        if rng.random() >= 0.9:
            return None
        return self.agency_iri("thanh-tra", unit) if unit else THANH_TRA_CP

    def authorize(self, power: Power, rng: random.Random, unit: Unit, delegate: str,
                  span: tuple[str, str], delegator: str | None = None, body: Body | None = None) -> None:
        """ủy quyền by a unit's UBND (or one of its bodies) for one or two terms inside span."""
        lo, hi = span
        first, last = max(int(lo[:4]), 2016), int(hi[:4])
        if first > last:
            return
        day = max(half_year(rng, first, last), lo)
        for _ in range(2 if rng.random() < 0.3 else 1):
            start = add_days(day, 10)
            if start > hi:
                return
            end = min(add_days(start, 365 * rng.randint(1, 4) - 1), hi)
            if body and delegator:
                abbreviation = "QĐ-" + "".join(w[0].upper() for w in body.slug.split("-"))
                instrument = self.decision(delegator, f"{body.label} {self.place(unit)}",
                                           f"{body.slug}-{unit.key.removeprefix('bench-')}", day,
                                           False, abbreviation)
            else:
                instrument = self.ubnd_decision(unit, day, normative=False)
            self.delegation(power, "uq", delegator or str(unit.ubnd), delegate, instrument, start,
                            end, oversight=self.oversight(unit, rng))
            day = add_days(end, 1)

    def decentralize(self, power: Power, rng: random.Random, unit: Unit, delegate: str,
                     lo: str, hi: str | None, **extra: object) -> tuple[str, str | None] | None:
        """phân cấp by a unit's UBND, from inside [lo, hi]; returns its (start, end)."""
        last = int((hi or "2026-12-31")[:4])
        first = max(int(lo[:4]), 2016)
        if first > last:
            return None
        day = max(half_year(rng, first, last), lo)
        start = add_days(day, 15)
        if hi and start > hi:
            return None
        end = hi
        if rng.random() < 0.15:
            end = min(add_days(start, 730), hi or "2099-12-31")
        if rng.random() < 0.8:
            extra["resources"] = f"{rng.randint(1, 90) * 100_000_000}"
        instrument = self.ubnd_decision(unit, day, normative=True)
        self.delegation(power, "pc", str(unit.ubnd), delegate, instrument, start, end,
                        oversight=self.oversight(unit, rng), **extra)
        return start, end

    def _province_to_districts(self, power: Power, rng: random.Random, province: Unit,
                               lo: str) -> None:
        """phân cấp from an old province to its district UBNDs (maybe only some of them); each
        district that received it may then ủy quyền to its office (a 2-step chain)."""
        districts = self.s.districts(province)
        territories: list[str] = []
        if districts and rng.random() < 0.3:
            territories = sorted(d.iri for d in rng.sample(districts, min(len(districts),
                                                                         rng.randint(1, 3))))
        span = self.decentralize(power, rng, province, ROLES["D"], lo, OLD_UNTIL,
                                 territories=territories)
        if not span:
            return
        chance = min(1.0, 2 * self.plan.density)
        office = body_for(DISTRICT_OFFICES, power.sector)
        for district in districts:
            if territories and district.iri not in territories:
                continue
            if district.ubnd and rng.random() < chance:
                self.authorize(power, rng, district, self.agency_iri(office.slug, district),
                               (span[0], span[1] or OLD_UNTIL))

    def _to_departments(self, power: Power, rng: random.Random, lo: str) -> None:
        """ủy quyền from provincial UBNDs (old and new) to the department of the sector."""
        old_dept = body_for(OLD_DEPARTMENTS, power.sector)
        for province in self.s.old_provinces:
            if province.ubnd and rng.random() < self.plan.density:
                self.authorize(power, rng, province, self.agency_iri(old_dept.slug, province),
                               (lo, OLD_UNTIL))
        new_dept = body_for(NEW_DEPARTMENTS, power.sector)
        for province in self.s.new_provinces:
            if province.ubnd and rng.random() < self.plan.density:
                self.authorize(power, rng, province, self.agency_iri(new_dept.slug, province),
                               (max(lo, NEW_FROM), "2029-12-31"))

    def _family_central(self, power: Power, rng: random.Random, article: str, in_force: str) -> None:
        """Conferred on a ministry; phân cấp to every provincial UBND; some ủy quyền to a sở.

        No phân cấp further down: with the ministry (central) and the provinces, a third level
        would break R8 (one matter, at most two levels)."""
        key, label = ministry_for(power.sector)
        ministry = f"agency/bench-bo-{key}"
        self.conferral(power, ministry, article, in_force)
        day = max(half_year(rng, 2017, 2022), in_force)
        root_start = add_days(day, 45)
        instrument = self.decision(ministry, label, f"bo-{key}", day, True, "TT-BTN" + key.upper())
        self.delegation(power, "pc", ministry, ROLES["P"], instrument, root_start, None,
                        oversight=self.oversight(None, rng),
                        resources=f"{rng.randint(1, 90) * 1_000_000_000}")
        self._to_departments(power, rng, root_start)

    def _family_provincial(self, power: Power, rng: random.Random, article: str,
                           in_force: str) -> None:
        """Conferred on the provincial UBND role (sometimes re-conferred by a later law); each
        province delegates: ủy quyền to a sở, or phân cấp to its districts (and ủy quyền below);
        new provinces: phân cấp to the communes (not onward) or ủy quyền to a sở."""
        if rng.random() < 0.2 and in_force < "2021-12-31":
            self.conferral(power, ROLES["P"], article, in_force, "2021-12-31", "-a")
            law, title, _ = self.law(40 + power.index % 20)
            self.conferral(power, ROLES["P"], self.docs.article(law, title, 1 + power.index % 50),
                           "2022-01-01", None, "-b")
        else:
            self.conferral(power, ROLES["P"], article, in_force)
        if power.non_delegable:
            return
        old_dept = body_for(OLD_DEPARTMENTS, power.sector)
        for province in self.s.old_provinces:
            if not province.ubnd or rng.random() >= self.plan.density:
                continue
            if rng.random() < 0.5:
                self.authorize(power, rng, province, self.agency_iri(old_dept.slug, province),
                               (in_force, OLD_UNTIL))
            else:
                self._province_to_districts(power, rng, province, in_force)
        new_dept = body_for(NEW_DEPARTMENTS, power.sector)
        for province in self.s.new_provinces:
            if not province.ubnd or rng.random() >= self.plan.density:
                continue
            if rng.random() < 0.5:
                self.decentralize(power, rng, province, ROLES["C"], NEW_FROM, None, onward=False)
            else:
                self.authorize(power, rng, province, self.agency_iri(new_dept.slug, province),
                               (NEW_FROM, "2029-12-31"))

    def _family_local(self, power: Power, rng: random.Random, article: str, in_force: str) -> None:
        """Conferred on district UBNDs until 2025-06-30, then on commune UBNDs (a 2025 decree);
        districts ủy quyền to their offices."""
        self.conferral(power, ROLES["D"], article, in_force, OLD_UNTIL, "-a")
        decree, title = self.decree_2025(power.index % 12)
        self.conferral(power, ROLES["C"], self.docs.article(decree, title, 1 + power.index % 40),
                       NEW_FROM, None, "-b")
        office = body_for(DISTRICT_OFFICES, power.sector)
        for province in self.s.old_provinces:
            for district in self.s.districts(province):
                if district.ubnd and rng.random() < self.plan.density:
                    self.authorize(power, rng, district, self.agency_iri(office.slug, district),
                                   (in_force, OLD_UNTIL))

    def _family_specific(self, power: Power, rng: random.Random, article: str,
                         in_force: str) -> None:
        """Conferred on one named department of one old province: from 2025-07-01 the chain goes
        through the department reorganization to the new province's department, which may
        ủy quyền to the commune People's Committees (a department authorizes only lower-level
        bodies: Law 72/2025/QH15 Điều 14 khoản 1); sometimes also on a new province's chair."""
        provinces = [p for p in self.s.old_provinces if p.ubnd and p.iri in self.s.merged_into]
        if not provinces:
            self.conferral(power, ROLES["P"], article, in_force)
            return
        province = rng.choice(provinces)
        department = body_for(OLD_DEPARTMENTS, power.sector)
        self.conferral(power, self.agency_iri(department.slug, province), article, in_force)
        new = next(p for p in self.s.new_provinces if p.iri == self.s.merged_into[province.iri])
        successor = successor_body(department.slug)
        if new.ubnd and rng.random() < 0.5:
            self.authorize(power, rng, new, ROLES["C"], (NEW_FROM, "2029-12-31"),
                           self.agency_iri(successor.slug, new), successor)
        new_provinces = [p for p in self.s.new_provinces if p.ubnd]
        if new_provinces and rng.random() < 0.5:
            self.conferral(power, self.chair_iri(rng.choice(new_provinces)), article, NEW_FROM,
                           None, "-b")

    # ---------------------------------------------------------------- procedures

    def write_procedures(self, powers: list[Power]) -> None:
        """Procedures exercising the powers, with the competent role or body of each."""
        level_of = {"central": "tq:CentralLevel", "provincial": "tq:ProvincialLevel",
                    "local": "tq:CommuneLevel", "specific": "tq:ProvincialLevel"}
        for i in range(self.plan.procedures):
            power = powers[i % len(powers)]
            code = f"{1 + i % 3}.9{i:05d}"
            competent = {"central": f"agency/bench-bo-{ministry_for(power.sector)[0]}",
                         "local": ROLES["C"]}.get(power.family, ROLES["P"])
            name = power.label.split(" (")[0]
            self.sink.block(f"procedure/bench-{code}", [
                ("a", "tq:Procedure"),
                ("skos:prefLabel", lit(f"Thủ tục {name[:1].lower()}{name[1:]} (thử nghiệm)", "vi")),
                ("tq:procedureCode", lit(code)), ("tq:competentAuthority", iri(competent)),
                ("tq:exercises", iri(power.iri)), ("tq:sector", f"tq:sector-{power.sector}"),
                ("tq:procedureLevel", level_of[power.family]), ("dcterms:source", iri(power.basis))])
            self.counts.add("procedures")

    # ---------------------------------------------------------------- all

    def run(self) -> list[Power]:
        """Write everything; returns the powers."""
        if self.s.synthetic:
            write_synthetic(self.s, self.sink)
        self.sink.section("agencies")
        self.write_central()
        self.write_local_bodies()
        powers = self.make_powers()
        self.sink.section("powers")
        for power in powers:
            self.write_power(power)
        self.sink.section("procedures")
        self.write_procedures(powers)
        self.sink.close()
        return powers


# -------------------------------------------------------------------- sizing and entry point


@functools.lru_cache(maxsize=2)
def load_structure(units: str, provinces: int, seed: int) -> Structure:
    """The real structure from data/units/ ("real"), or a synthetic one."""
    if units == "real":
        return real_structure(paths.data_dir() / "units")
    return synthetic_structure(provinces, seed)


def choose_units(units: str) -> str:
    """auto → real when data/units/ holds Turtle, else synthetic."""
    if units != "auto":
        return units
    folder = paths.data_dir() / "units"
    return "real" if folder.is_dir() and any(folder.glob("*.ttl")) else "synthetic"


def count(structure_args: tuple[str, int, int], plan: Plan) -> int:
    """Triples a plan would write (nothing is written)."""
    sink = Sink(None, plan.seed)
    Generator(load_structure(*structure_args), plan, sink).run()
    return sink.triples


def fit_plan(triples: int, seed: int, units: str, powers: int | None = None) -> Plan:
    """Sizes for about `triples` generated triples (powers: at least 2,000 unless given)."""
    provinces = FULL_OLD_PROVINCES
    if units == "synthetic":
        share = round(triples * 0.3 / TRIPLES_PER_OLD_PROVINCE)
        provinces = FULL_OLD_PROVINCES if triples >= 800_000 else max(2, min(FULL_OLD_PROVINCES, share))
    powers = powers or max(2000, triples // 600)
    procedures = min(3 * powers, max(powers // 4, triples // 60), 99_999)
    plan = Plan(seed, provinces, powers, procedures, 0.0, units)
    args = (units, provinces, seed)
    fixed = count(args, plan)
    probe = 0.02
    plan.density = probe
    per_density = (count(args, plan) - fixed) / probe
    if per_density <= 0:
        return plan
    plan.density = max(0.0, min(1.0, (triples - fixed) / per_density))
    if plan.density > 0:  # one correction: documents make the count slightly concave
        got = count(args, plan)
        plan.density = max(0.0, min(1.0, plan.density * (triples - fixed) / max(1, got - fixed)))
    return plan


def base_triples() -> int:
    """Triples of ontology/ + data/: what `serve` loads besides the generated folder."""
    from ..store import knowledge_sources

    return sum(sum(1 for _ in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE))
               for f in knowledge_sources())


def generate(out: Path, triples: int, seed: int, units: str = "auto",
             powers: int | None = None, standalone: bool = False) -> dict:
    """Write the dataset and its manifest into `out`; returns the manifest.

    `triples` counts the whole graph `serve DIR` loads (ontology + data/ + the generated
    files); standalone: synthetic units, and `triples` counts the generated files only."""
    units = "synthetic" if standalone else choose_units(units)
    base = 0 if standalone else base_triples()
    plan = fit_plan(max(triples - base, 0), seed, units, powers)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.ttl"):
        old.unlink()
    structure = load_structure(units, plan.provinces, seed)
    sink = Sink(out, seed)
    generator = Generator(structure, plan, sink)
    powers_made = generator.run()
    manifest = {
        "seed": seed, "target_triples": triples, "triples": sink.triples, "base_triples": base,
        "total_triples": base + sink.triples, "standalone": standalone,
        "units": units, "density": round(plan.density, 6), "provinces_old": len(structure.old_provinces),
        "provinces_new": len(structure.new_provinces),
        "counts": dict(sorted(generator.counts.values.items())),
        "triples_by_section": sink.by_section,
        "files": [f.name for f in sink.files],
        "pools": question_pools(structure, powers_made),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def question_pools(structure: Structure, powers: list[Power]) -> dict:
    """What `bench run` draws its random questions from (full IRIs)."""
    base = "https://w3id.org/thamquyen/id/"
    old = [u for u in structure.all_units() if not u.new]
    new = [u for u in structure.all_units() if u.new]
    return {"powers": [base + p.iri for p in powers],
            "units_old": [base + u.iri for u in old], "units_new": [base + u.iri for u in new]}
