"""The administrative structure the benchmark data hangs on: real (data/units/) or synthetic.

Both have the national shape: provinces → districts → communes until 2025-06-30, then
provinces → communes from 2025-07-01, old units merged into new ones by reorganizations.
The synthetic one is written with the generated data (IRIs under `unit/bench-…`), so that it
never meets the project's real units; the real one is only read.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .turtle import Sink, date, iri, lit

ID = "https://w3id.org/thamquyen/id/"
TQ = "https://w3id.org/thamquyen/ontology#"
OLD_UNTIL, NEW_FROM = "2025-06-30", "2025-07-01"
FULL_OLD_PROVINCES, FULL_NEW_PROVINCES = 63, 34
SYLLABLES = ("An", "Bình", "Phú", "Tân", "Long", "Hòa", "Thạnh", "Mỹ", "Đông", "Tây", "Nam", "Bắc",
             "Phước", "Hưng", "Thuận", "Lộc", "Vĩnh", "Quang", "Trung", "Hiệp", "Thành", "Sơn",
             "Hải", "Lâm", "Xuân", "Thới", "Định", "Khánh", "Đức", "Lợi", "Minh", "Nghĩa")
DATASET = "dataset/bench"


@dataclass
class Unit:
    """One administrative unit as the generator needs it."""

    iri: str  # relative to the id: base
    key: str
    level: str  # "P", "D" or "C"
    new: bool
    ubnd: str | None = None
    parent: str | None = None
    label: str = ""


@dataclass
class Structure:
    """Old provinces with their districts and communes, new provinces with their communes."""

    old_provinces: list[Unit] = field(default_factory=list)
    new_provinces: list[Unit] = field(default_factory=list)
    children: dict[str, list[Unit]] = field(default_factory=dict)
    merged_into: dict[str, str] = field(default_factory=dict)  # old province → new province
    synthetic: bool = True

    def districts(self, province: Unit) -> list[Unit]:
        """The districts of an old province."""
        return self.children.get(province.iri, [])

    def communes(self, parent: Unit) -> list[Unit]:
        """The communes of a district (old) or of a province (new)."""
        return self.children.get(parent.iri, [])

    def all_units(self) -> list[Unit]:
        """Every unit, provinces first."""
        found = [*self.old_provinces, *self.new_provinces]
        for parent in list(found):
            for child in self.children.get(parent.iri, []):
                found.append(child)
                found.extend(self.children.get(child.iri, []))
        return found


# ------------------------------------------------------------------ synthetic structure


def unit_name(index: int) -> str:
    """A Vietnamese-looking place name, deterministic for an index."""
    n = len(SYLLABLES)
    first = SYLLABLES[index % n]
    second = SYLLABLES[(index // n + 3 * index + 1) % n]
    if second == first:
        second = SYLLABLES[(index + 5) % n]
    return f"{first} {second}"


def synthetic_structure(provinces: int, seed: int) -> Structure:
    """A national-shaped structure with `provinces` old provinces (63 is the full country)."""
    rng = random.Random(f"structure-{seed}")
    structure = Structure()
    district_no, commune_no = 0, 0
    for p in range(1, provinces + 1):
        code = f"{p:02d}"
        province = Unit(f"unit/bench-{code}", f"bench-{code}", "P", False,
                        f"agency/ubnd-bench-{code}", None, unit_name(p))
        structure.old_provinces.append(province)
        districts = []
        for _ in range(rng.randint(6, 16)):
            district_no += 1
            dcode = f"{district_no:03d}"
            district = Unit(f"unit/bench-{dcode}", f"bench-{dcode}", "D", False,
                            f"agency/ubnd-bench-{dcode}", province.iri, unit_name(district_no + 101))
            districts.append(district)
            communes = []
            for _ in range(rng.randint(8, 21)):
                commune_no += 1
                ccode = f"{commune_no:05d}"
                communes.append(Unit(f"unit/bench-{ccode}", f"bench-{ccode}", "C", False,
                                     f"agency/ubnd-bench-{ccode}", district.iri,
                                     unit_name(commune_no + 257)))
            structure.children[district.iri] = communes
        structure.children[province.iri] = districts
    _merge_synthetic(structure, rng)
    return structure


def _groups(items: list, sizes: tuple[int, ...], rng: random.Random) -> list[list]:
    groups, i = [], 0
    while i < len(items):
        size = rng.choice(sizes)
        groups.append(items[i:i + size])
        i += size
    return groups


def _merge_synthetic(structure: Structure, rng: random.Random) -> None:
    """Merge old provinces 1–3 at a time (63 → ~34) and communes ~3 at a time (~10k → ~3.3k)."""
    for group in _groups(structure.old_provinces, (1, 2, 2, 2, 3), rng):
        code = group[0].key.removeprefix("bench-")
        new = Unit(f"unit/bench-{code}-2025", f"bench-{code}-2025", "P", True,
                   f"agency/ubnd-bench-{code}-2025", None, group[0].label)
        structure.new_provinces.append(new)
        olds = []
        for old in group:
            structure.merged_into[old.iri] = new.iri
            for district in structure.districts(old):
                olds.extend(structure.communes(district))
        communes = []
        for members in _groups(olds, (1, 2, 3, 3, 4, 5), rng):
            ccode = members[0].key.removeprefix("bench-")
            communes.append(Unit(f"unit/bench-{ccode}-2025", f"bench-{ccode}-2025", "C", True,
                                 f"agency/ubnd-bench-{ccode}-2025", new.iri, members[0].label))
            structure.children.setdefault(f"merge:{communes[-1].iri}", members)
        structure.children[new.iri] = communes


UNIT_WORDS = {("P", 0): ("Thành phố", "tq:CentralCity"), ("P", 1): ("Tỉnh", "tq:Province"),
              ("D", 0): ("Quận", "tq:UrbanDistrict"), ("D", 1): ("Huyện", "tq:RuralDistrict"),
              ("D", 2): ("Thị xã", "tq:DistrictTown"), ("D", 3): ("Thành phố", "tq:ProvincialCity"),
              ("C", 0): ("Phường", "tq:Ward"), ("C", 1): ("Xã", "tq:Commune"),
              ("C", 2): ("Thị trấn", "tq:Township")}
LEVELS = {"P": "tq:ProvincialLevel", "D": "tq:DistrictLevel", "C": "tq:CommuneLevel"}
LEVEL_WORDS = {"P": "tỉnh", "D": "huyện", "C": "xã"}


def _unit_word(unit: Unit) -> tuple[str, str]:
    number = int("".join(c for c in unit.key if c.isdigit())[:5] or 0)
    variants = {"P": (0, 1, 1, 1, 1, 1, 1), "D": (1, 1, 1, 1, 2, 3, 0), "C": (1, 1, 1, 1, 0, 2)}
    options = variants[unit.level]
    if unit.new and unit.level == "C":
        options = (1, 1, 1, 0)
    return UNIT_WORDS[(unit.level, options[number % len(options)])]


def write_synthetic(structure: Structure, sink: Sink) -> None:
    """Units, their People's Committees and Councils, and the 2025 reorganizations."""
    sink.section("units")
    basis = _write_reorg_documents(structure, sink)
    for unit in structure.all_units():
        word, unit_type = _unit_word(unit)
        unit.label = f"{word} {unit.label}" if not unit.label.startswith(word) else unit.label
        validity = ("tq:validFrom", date(NEW_FROM)) if unit.new else ("tq:validUntil", date(OLD_UNTIL))
        pairs = [("a", "tq:AdministrativeUnit"), ("skos:prefLabel", lit(unit.label, "vi")),
                 ("tq:unitCode", lit(unit.key.removeprefix("bench-").removesuffix("-2025"))),
                 ("tq:level", LEVELS[unit.level]), ("tq:unitType", unit_type)]
        if unit.parent:
            pairs.append(("tq:partOf", iri(unit.parent)))
        pairs += [validity, ("dcterms:source", iri(DATASET))]
        sink.block(unit.iri, pairs)
        _write_councils(unit, validity, sink)
    _write_unit_reorgs(structure, basis, sink)


def _write_councils(unit: Unit, validity: tuple[str, str], sink: Sink) -> None:
    place = unit.label[0].lower() + unit.label[1:]
    for kind, full, short, agency_type in (
            ("ubnd", "Ủy ban nhân dân", "UBND", "tq:PeoplesCommittee"),
            ("hdnd", "Hội đồng nhân dân", "HĐND", "tq:PeoplesCouncil")):
        sink.block(f"agency/{kind}-{unit.key}", [
            ("a", "tq:Agency"), ("skos:prefLabel", lit(f"{full} {place}", "vi")),
            ("skos:altLabel", lit(f"{short} {place}", "vi")), ("tq:agencyType", agency_type),
            ("tq:level", LEVELS[unit.level]), ("tq:jurisdiction", iri(unit.iri)), validity,
            ("dcterms:source", iri(DATASET))])


def _write_reorg_documents(structure: Structure, sink: Sink) -> dict[str, str]:
    """The (synthetic) resolutions the unit reorganizations rest on: one per new province."""
    qh = "agency/bench-quoc-hoi"
    ubtv = "agency/bench-ubtvqh"
    sink.block(DATASET, [("skos:prefLabel", lit(
        "Dữ liệu sinh tự động để đo hiệu năng (không phải dữ kiện pháp lý)", "vi")),
        ("skos:prefLabel", lit("Generated benchmark data (not legal facts)", "en")),
        ("dcterms:source", iri("dataset/bench"))])
    national = "doc/bench-9001-2025-qh15"
    sink.block(national, _document("Nghị quyết thử nghiệm về sắp xếp đơn vị hành chính cấp tỉnh",
                                   "tq:Resolution", "9001/2025/QH15", qh, "2025-06-12"))
    basis = {}
    for i, province in enumerate(structure.new_provinces):
        number = 9100 + i
        doc = f"doc/bench-{number}-nq-ubtvqh15-2025"
        sink.block(doc, _document(
            f"Nghị quyết thử nghiệm về sắp xếp đơn vị hành chính cấp xã của {province.label}",
            "tq:Resolution", f"{number}/NQ-UBTVQH15", ubtv, "2025-06-16"))
        basis[province.iri] = doc
    basis["national"] = national
    return basis


def _document(title: str, doc_type: str, number: str, issuer: str, issued: str) -> list:
    return [("a", "tq:LegalDocument"), ("skos:prefLabel", lit(f"{title} [thử nghiệm]", "vi")),
            ("tq:documentType", doc_type), ("tq:documentNumber", lit(number)),
            ("tq:issuedBy", iri(issuer)), ("tq:dateIssued", date(issued)),
            ("dcterms:source", iri(DATASET))]


def _write_unit_reorgs(structure: Structure, basis: dict[str, str], sink: Sink) -> None:
    by_new: dict[str, list[str]] = {}
    for old, new in structure.merged_into.items():
        by_new.setdefault(new, []).append(old)
    for new in structure.new_provinces:
        _reorg(sink, f"reorg/bench-{new.key}", by_new[new.iri], new.iri, basis["national"])
        for commune in structure.communes(new):
            members = structure.children[f"merge:{commune.iri}"]
            _reorg(sink, f"reorg/bench-{commune.key}", [m.iri for m in members], commune.iri,
                   basis[new.iri])


def _reorg(sink: Sink, subject: str, predecessors: list[str], successor: str, basis: str) -> None:
    sink.block(subject, [("a", "tq:Reorganization"),
                         *(("tq:predecessor", iri(p)) for p in predecessors),
                         ("tq:successor", iri(successor)), ("tq:effectiveDate", date(NEW_FROM)),
                         ("tq:legalBasis", iri(basis)), ("dcterms:source", iri(basis))])


# ------------------------------------------------------------------ real structure


LEVEL_CODES = {TQ + "ProvincialLevel": "P", TQ + "DistrictLevel": "D", TQ + "CommuneLevel": "C"}


def _node(name: str) -> ox.NamedNode:
    return ox.NamedNode(TQ + name)


def _first(store: ox.Store, subject: ox.NamedNode, predicate: str) -> str | None:
    for quad in store.quads_for_pattern(subject, _node(predicate), None):
        return quad.object.value
    return None


def _tail(node: ox.NamedNode) -> str:
    return node.value.removeprefix(ID)


def real_structure(units_dir: Path) -> Structure:
    """Read the national units (data/units/) into a Structure (nothing of it is re-written)."""
    from ..rdfio import read_all

    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in read_all([units_dir]))
    committees = {}
    for quad in store.quads_for_pattern(None, _node("agencyType"), _node("PeoplesCommittee")):
        for place in store.quads_for_pattern(quad.subject, _node("jurisdiction"), None):
            committees.setdefault(place.object.value, _tail(quad.subject))
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    units: dict[str, Unit] = {}
    for quad in store.quads_for_pattern(None, rdf_type, _node("AdministrativeUnit")):
        node = quad.subject
        assert isinstance(node, ox.NamedNode)
        level = LEVEL_CODES.get(_first(store, node, "level") or "")
        start, end = _first(store, node, "validFrom"), _first(store, node, "validUntil")
        new = start is not None and start >= NEW_FROM
        if level is None or (not new and (end is None or end > OLD_UNTIL)):
            continue
        names = [q.object for q in store.quads_for_pattern(node, label, None)
                 if isinstance(q.object, ox.Literal) and q.object.language == "vi"]
        parent = _first(store, node, "partOf")
        tail = _tail(node)
        units[tail] = Unit(tail, tail.removeprefix("unit/"), level, new,
                           committees.get(node.value),
                           parent.removeprefix(ID) if parent else None,
                           names[0].value if names else tail)
    structure = Structure(synthetic=False)
    for unit in sorted(units.values(), key=lambda u: u.iri):
        if unit.level == "P":
            (structure.new_provinces if unit.new else structure.old_provinces).append(unit)
        elif unit.parent in units:
            structure.children.setdefault(unit.parent, []).append(unit)
    for quad in store.quads_for_pattern(None, _node("predecessor"), None):
        pred = units.get(quad.object.value.removeprefix(ID))
        for succ_quad in store.quads_for_pattern(quad.subject, _node("successor"), None):
            succ = units.get(succ_quad.object.value.removeprefix(ID))
            if pred and succ and pred.level == "P" and succ.level == "P":
                structure.merged_into[pred.iri] = succ.iri
    return structure
