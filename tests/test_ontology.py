"""Contract tests for the vocabulary (ontology/thamquyen.ttl) and the code lists
(ontology/codelists.ttl).

The term lists below are the public contract (vocabulary.md plus the terms
docs/conventions.md adds): names, kinds, domains and ranges are hard-coded on
purpose, so that a rename or a changed meaning fails here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = ROOT / "ontology" / "thamquyen.ttl"
CODELISTS_FILE = ROOT / "ontology" / "codelists.ttl"

TQ = Namespace("https://w3id.org/thamquyen/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/thamquyen/ontology")
VANN = Namespace("http://purl.org/vocab/vann/")
# a plain Namespace: pytest collection probes module attributes, and the closed
# rdflib XSD namespace warns on unknown names
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

PREFIXES: dict[str, str] = {
    "tq": str(TQ),
    "xsd": str(XSD),
    "rdf": str(RDF),
    "owl": str(OWL),
    "skos": str(SKOS),
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
}

# --- the contract ----------------------------------------------------------

CLASSES: list[str] = [
    "AdministrativeLevel", "AdministrativeUnit", "Authority", "Agency", "Post",
    "AgencyType", "AuthorityRole", "LegalDocument", "Provision", "Power", "Conferral",
    "Delegation", "Decentralization", "Authorization", "ResourceAllocation",
    "Reorganization", "Task", "Procedure",
]

UNIT = "tq:AdministrativeUnit"
AUTH = "tq:Authority"
ROLE = "tq:AuthorityRole"
AUTH_OR_ROLE = frozenset({AUTH, ROLE})
DOC = "tq:LegalDocument"
PROV_ = "tq:Provision"
DOC_OR_PROV = frozenset({DOC, PROV_})

OBJ = "owl:ObjectProperty"
DAT = "owl:DatatypeProperty"


def _s(*names: str) -> frozenset[str]:
    return frozenset(names)


# name -> (kind, domain members, range members); "A or B" is an owl:unionOf.
PROPERTIES: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "level": (OBJ, _s(UNIT, "tq:Agency", ROLE), _s("tq:AdministrativeLevel")),
    "rank": (DAT, _s("tq:AdministrativeLevel"), _s("xsd:integer")),
    "unitCode": (DAT, _s(UNIT), _s("xsd:string")),
    "partOf": (OBJ, _s(UNIT), _s(UNIT)),
    "agencyType": (OBJ, _s("tq:Agency", ROLE), _s("tq:AgencyType")),
    "jurisdiction": (OBJ, _s("tq:Agency"), _s(UNIT)),
    "parentAgency": (OBJ, _s("tq:Agency"), _s("tq:Agency")),
    "postOf": (OBJ, _s("tq:Post"), _s("tq:Agency")),
    "validFrom": (DAT, _s("owl:Thing"), _s("xsd:date")),
    "validUntil": (DAT, _s("owl:Thing"), _s("xsd:date")),
    "documentType": (OBJ, _s(DOC), _s("skos:Concept")),
    "documentNumber": (DAT, _s(DOC), _s("xsd:string")),
    "issuedBy": (OBJ, _s(DOC), _s("tq:Authority")),
    "dateIssued": (DAT, _s(DOC), _s("xsd:date")),
    "partOfDocument": (OBJ, _s(PROV_), DOC_OR_PROV),
    "text": (DAT, _s(PROV_), _s("rdf:langString")),
    "sector": (OBJ, _s("tq:Power", "tq:Procedure"), _s("skos:Concept")),
    "nonDelegable": (DAT, _s("tq:Power"), _s("xsd:boolean")),
    "power": (OBJ, _s("tq:Conferral", "tq:Delegation"), _s("tq:Power")),
    "holder": (OBJ, _s("tq:Conferral"), AUTH_OR_ROLE),
    "legalBasis": (
        OBJ,
        _s("tq:Conferral", "tq:Task", "tq:Procedure", "tq:Reorganization"),
        DOC_OR_PROV,
    ),
    "delegator": (OBJ, _s("tq:Delegation"), _s(AUTH)),
    "delegate": (OBJ, _s("tq:Delegation"), AUTH_OR_ROLE),
    "instrument": (OBJ, _s("tq:Delegation"), DOC_OR_PROV),
    "territory": (OBJ, _s("tq:Delegation"), _s(UNIT)),
    "resources": (OBJ, _s("tq:Delegation"), _s("tq:ResourceAllocation")),
    "budget": (DAT, _s("tq:ResourceAllocation"), _s("xsd:decimal")),
    "staffQuota": (DAT, _s("tq:ResourceAllocation"), _s("xsd:integer")),
    "oversightBy": (OBJ, _s("tq:Delegation"), _s(AUTH)),
    "onwardDelegation": (DAT, _s("tq:Decentralization"), _s("xsd:boolean")),
    "predecessor": (OBJ, _s("tq:Reorganization"), _s("tq:Agency", UNIT)),
    "successor": (OBJ, _s("tq:Reorganization"), _s("tq:Agency", UNIT)),
    "effectiveDate": (DAT, _s("tq:Reorganization"), _s("xsd:date")),
    "lead": (OBJ, _s("tq:Task"), AUTH_OR_ROLE),
    "cooperates": (OBJ, _s("tq:Task"), AUTH_OR_ROLE),
    "reportsTo": (OBJ, _s("tq:Task"), _s(AUTH)),
    # "Provision or Plan": a plan is a LegalDocument whose documentType is tq:Plan.
    "inPlan": (OBJ, _s("tq:Task"), DOC_OR_PROV),
    "procedureCode": (DAT, _s("tq:Procedure"), _s("xsd:string")),
    "exercises": (OBJ, _s("tq:Procedure"), _s("tq:Power")),
    "competentAuthority": (OBJ, _s("tq:Procedure"), AUTH_OR_ROLE),
    "implementingAuthority": (OBJ, _s("tq:Procedure"), AUTH_OR_ROLE),
    "authorizedAuthority": (OBJ, _s("tq:Procedure"), AUTH_OR_ROLE),
    "coordinatingAuthority": (OBJ, _s("tq:Procedure"), AUTH_OR_ROLE),
    # version 2 of the public vocabulary
    "postType": (OBJ, _s("tq:Post", ROLE), _s("skos:Concept")),
    "repeals": (OBJ, _s(DOC), _s(DOC)),
    # terms this project adds (docs/conventions.md)
    "normative": (DAT, _s(DOC), _s("xsd:boolean")),
    "adopts": (OBJ, _s(DOC), _s(DOC)),
    "approves": (OBJ, _s(DOC), _s(DOC)),
    "basedOn": (OBJ, _s(DOC), _s(DOC)),
    "amends": (OBJ, DOC_OR_PROV, DOC_OR_PROV),
    "unitType": (OBJ, _s(UNIT), _s("skos:Concept")),
    "nonDelegableBasis": (OBJ, _s("tq:Power"), _s(PROV_)),
    "procedureLevel": (OBJ, _s("tq:Procedure"), _s("tq:AdministrativeLevel")),
    "processingTime": (DAT, _s("tq:Procedure"), _s("rdf:langString")),
    "fee": (DAT, _s("tq:Procedure"), _s("rdf:langString")),
    "publishedBy": (OBJ, _s("tq:Procedure"), _s(DOC)),
}

SUBCLASS_OF: list[tuple[str, str]] = [
    ("tq:Agency", "tq:Authority"),
    ("tq:Post", "tq:Authority"),
    ("tq:Decentralization", "tq:Delegation"),
    ("tq:Authorization", "tq:Delegation"),
    ("tq:AdministrativeLevel", "skos:Concept"),
    ("tq:AgencyType", "skos:Concept"),
    ("tq:Agency", "org:Organization"),
    ("tq:Post", "org:Post"),
    ("tq:LegalDocument", "eli:LegalResource"),
    ("tq:Provision", "eli:LegalResourceSubdivision"),
    ("tq:Delegation", "prov:Delegation"),
    ("tq:Procedure", "cpsv:PublicService"),
    ("tq:Reorganization", "org:ChangeEvent"),
]

SUBPROPERTY_OF: list[tuple[str, str]] = [
    ("tq:parentAgency", "org:subOrganizationOf"),
    ("tq:postOf", "org:postIn"),
    ("tq:partOfDocument", "eli:is_part_of"),
    ("tq:basedOn", "eli:based_on"),
    ("tq:amends", "eli:amends"),
]

CLOSE_MATCH: list[tuple[str, str]] = [
    ("tq:Agency", "cv:PublicOrganisation"),
    ("tq:AdministrativeUnit", "cv:AdminUnit"),
    ("tq:competentAuthority", "cv:hasCompetentAuthority"),
    ("tq:legalBasis", "cv:hasLegalResource"),
    ("tq:dateIssued", "eli:date_document"),
    ("tq:unitCode", "cv:code"),
    ("tq:documentNumber", "eli:id_local"),
    ("tq:predecessor", "org:originalOrganization"),
    ("tq:successor", "org:resultingOrganization"),
]

LEVEL_RANKS: dict[str, int] = {
    "CentralLevel": 0, "ProvincialLevel": 1, "DistrictLevel": 2, "CommuneLevel": 3,
}

AGENCY_TYPES: dict[str, str | None] = {
    "PeoplesCommittee": "UBND", "PeoplesCouncil": "HĐND", "SpecializedAgency": None,
    "Inspectorate": None, "Office": None, "Ministry": None, "Government": "CP",
    "NationalAssembly": "QH", "NationalAssemblyStandingCommittee": "UBTVQH",
    "PublicServiceCentre": "TTPVHCC", "PublicServiceUnit": None,
    "OtherAdministrativeOrganization": None,
}

DOCUMENT_TYPES: dict[str, str | None] = {
    "Constitution": None, "Law": None, "Ordinance": None, "Resolution": "NQ",
    "Decree": "NĐ", "Circular": "TT", "Decision": "QĐ", "Directive": "CT", "Plan": "KH",
    "Scheme": "ĐA", "OfficialLetter": None, "ConsolidatedText": "VBHN", "Report": "BC",
    "Submission": "TTr",
}

UNIT_TYPE_LEVELS: dict[str, str] = {
    "Province": "ProvincialLevel", "CentralCity": "ProvincialLevel",
    "RuralDistrict": "DistrictLevel", "UrbanDistrict": "DistrictLevel",
    "DistrictTown": "DistrictLevel", "ProvincialCity": "DistrictLevel",
    "Commune": "CommuneLevel", "Ward": "CommuneLevel", "Township": "CommuneLevel",
    "SpecialZone": "CommuneLevel",
}

SECTOR_SLUGS: list[str] = [
    "noi-vu", "tu-phap", "ho-tich", "dat-dai", "xay-dung", "tai-chinh",
    "ke-hoach-va-dau-tu", "dang-ky-kinh-doanh", "cong-thuong", "nong-nghiep",
    "tai-nguyen-va-moi-truong", "giao-duc-va-dao-tao", "y-te",
    "lao-dong-thuong-binh-va-xa-hoi", "van-hoa-the-thao-va-du-lich",
    "thong-tin-va-truyen-thong", "giao-thong-van-tai", "khoa-hoc-va-cong-nghe",
    "thanh-tra", "dan-toc", "ton-giao", "thi-dua-khen-thuong", "cong-chuc-vien-chuc",
    "quan-ly-nha-nuoc-chung",
]

SCHEMES: list[str] = ["AdministrativeLevels", "AgencyTypes", "DocumentTypes", "UnitTypes", "Sectors"]


# --- helpers ---------------------------------------------------------------


def iri(curie: str) -> URIRef:
    """Expand a prefixed name such as ``tq:Agency`` to its IRI."""
    prefix, local = curie.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def curie(node: URIRef) -> str:
    """Compact an IRI to a prefixed name using PREFIXES (or return it unchanged)."""
    text = str(node)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and "/" not in text[len(ns):]:
            return f"{prefix}:{text[len(ns):]}"
    return text


def class_members(g: Graph, node: URIRef | BNode) -> frozenset[str]:
    """Named classes of a class expression: a name, or the operands of a union.

    An intersection contributes its named classes (``LegalDocument and
    documentType value Plan`` counts as ``tq:LegalDocument``).
    """
    if isinstance(node, URIRef):
        return frozenset({curie(node)})
    for operator in (OWL.unionOf, OWL.intersectionOf):
        head = g.value(node, operator)
        if head is not None:
            found: set[str] = set()
            for item in Collection(g, head):
                if operator == OWL.unionOf or isinstance(item, URIRef):
                    found |= class_members(g, item)
            return frozenset(found)
    return frozenset()


def langs(g: Graph, subject: URIRef, predicate: URIRef) -> Counter[str]:
    """Count the language tags of the literal values of ``predicate`` on ``subject``."""
    return Counter(
        o.language or "" for o in g.objects(subject, predicate) if isinstance(o, Literal)
    )


def concepts_in(g: Graph, scheme: str) -> set[URIRef]:
    """Concepts whose skos:inScheme is the given tq: scheme."""
    return {s for s in g.subjects(SKOS.inScheme, TQ[scheme]) if isinstance(s, URIRef)}


@pytest.fixture(scope="module")
def onto() -> Graph:
    """The ontology file alone."""
    g = Graph()
    g.parse(ONTOLOGY_FILE, format="turtle")
    return g


@pytest.fixture(scope="module")
def codes() -> Graph:
    """The code-list file alone."""
    g = Graph()
    g.parse(CODELISTS_FILE, format="turtle")
    return g


@pytest.fixture(scope="module")
def both(onto: Graph, codes: Graph) -> Graph:
    """The ontology and the code lists together."""
    g = Graph()
    for triple in onto:
        g.add(triple)
    for triple in codes:
        g.add(triple)
    return g


# --- ontology --------------------------------------------------------------


def test_header(onto: Graph) -> None:
    o = ONTOLOGY_IRI
    assert (o, RDF.type, OWL.Ontology) in onto
    assert str(onto.value(o, OWL.versionInfo)) == "0.1.0"
    assert set(langs(onto, o, DCTERMS.title)) >= {"vi", "en"}
    assert onto.value(o, DCTERMS.description) is not None
    assert onto.value(o, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(onto.value(o, DCTERMS.creator)) == "thamquyen developers"
    assert onto.value(o, DCTERMS.created) == Literal("2026-11-28", datatype=XSD.date)
    assert str(onto.value(o, VANN.preferredNamespacePrefix)) == "tq"


def _assert_documented(g: Graph, term: URIRef) -> None:
    for predicate in (RDFS.label, SKOS.prefLabel, SKOS.definition):
        found = langs(g, term, predicate)
        assert found["vi"] == 1, f"{curie(term)} needs exactly one {curie(predicate)}@vi"
        assert found["en"] == 1, f"{curie(term)} needs exactly one {curie(predicate)}@en"
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in g, f"{curie(term)} rdfs:isDefinedBy"


@pytest.mark.parametrize("name", CLASSES)
def test_class(onto: Graph, name: str) -> None:
    term = TQ[name]
    assert (term, RDF.type, OWL.Class) in onto, name
    _assert_documented(onto, term)


@pytest.mark.parametrize("name", sorted(PROPERTIES))
def test_property(onto: Graph, name: str) -> None:
    kind, domain, range_ = PROPERTIES[name]
    term = TQ[name]
    assert (term, RDF.type, iri(kind)) in onto, f"tq:{name} should be {kind}"
    _assert_documented(onto, term)
    domains = list(onto.objects(term, RDFS.domain))
    ranges = list(onto.objects(term, RDFS.range))
    assert len(domains) == 1, f"tq:{name}: one rdfs:domain expected"
    assert len(ranges) == 1, f"tq:{name}: one rdfs:range expected"
    assert class_members(onto, domains[0]) == domain, f"tq:{name} domain"
    assert class_members(onto, ranges[0]) == range_, f"tq:{name} range"


def test_in_plan_range_is_provision_or_plan(onto: Graph) -> None:
    restriction = onto.value(predicate=OWL.hasValue, object=TQ.Plan)
    assert restriction is not None
    assert onto.value(restriction, OWL.onProperty) == TQ.documentType


def test_no_undeclared_terms_in_namespace(onto: Graph) -> None:
    declared = {s for s in onto.subjects(RDF.type, None) if isinstance(s, URIRef)}
    contract = {TQ[n] for n in CLASSES} | {TQ[n] for n in PROPERTIES}
    extra = {
        s for s in declared
        if str(s).startswith(str(TQ)) and s not in contract
    }
    assert not extra, f"terms outside the contract: {sorted(map(curie, extra))}"


@pytest.mark.parametrize(("sub", "sup"), SUBCLASS_OF)
def test_subclass(onto: Graph, sub: str, sup: str) -> None:
    assert (iri(sub), RDFS.subClassOf, iri(sup)) in onto


@pytest.mark.parametrize(("sub", "sup"), SUBPROPERTY_OF)
def test_subproperty(onto: Graph, sub: str, sup: str) -> None:
    assert (iri(sub), RDFS.subPropertyOf, iri(sup)) in onto


@pytest.mark.parametrize(("ours", "theirs"), CLOSE_MATCH)
def test_close_match(onto: Graph, ours: str, theirs: str) -> None:
    assert (iri(ours), SKOS.closeMatch, iri(theirs)) in onto


def test_no_statements_about_external_terms(both: Graph) -> None:
    for s in set(both.subjects()):
        if isinstance(s, URIRef) and s != ONTOLOGY_IRI:
            assert str(s).startswith(str(TQ)), f"statement about external term {s}"


# --- code lists ------------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
def test_scheme(both: Graph, scheme: str) -> None:
    node = TQ[scheme]
    assert (node, RDF.type, SKOS.ConceptScheme) in both
    assert langs(both, node, SKOS.prefLabel)["vi"] == 1
    members = concepts_in(both, scheme)
    assert members, scheme
    tops = {c for c in members if (c, SKOS.broader, None) not in both}
    assert set(both.objects(node, SKOS.hasTopConcept)) == tops


def test_every_concept_is_complete(both: Graph) -> None:
    concepts = {s for s in both.subjects(RDF.type, SKOS.Concept) if isinstance(s, URIRef)}
    assert concepts
    for c in concepts:
        found = langs(both, c, SKOS.prefLabel)
        assert found["vi"] == 1, f"{curie(c)} needs one prefLabel@vi"
        assert all(n == 1 for n in found.values()), f"{curie(c)}: one prefLabel per language"
        assert found[""] == 0, f"{curie(c)}: untagged prefLabel"
        assert langs(both, c, SKOS.definition)["vi"] >= 1, f"{curie(c)} definition@vi"
        schemes = set(both.objects(c, SKOS.inScheme))
        assert len(schemes) == 1, f"{curie(c)} needs one skos:inScheme"
        # a concept is a top concept of its scheme or narrower than one of the same scheme
        broader = set(both.objects(c, SKOS.broader))
        if broader:
            assert all((b, SKOS.inScheme, next(iter(schemes))) in both for b in broader), curie(c)
        else:
            assert (next(iter(schemes)), SKOS.hasTopConcept, c) in both


def test_levels_and_ranks(both: Graph) -> None:
    assert {c.removeprefix(str(TQ)) for c in map(str, concepts_in(both, "AdministrativeLevels"))} \
        == set(LEVEL_RANKS)
    for name, rank in LEVEL_RANKS.items():
        level = TQ[name]
        assert (level, RDF.type, TQ.AdministrativeLevel) in both
        values = list(both.objects(level, TQ.rank))
        assert values == [Literal(rank, datatype=XSD.integer)], name
    district = TQ.DistrictLevel
    assert both.value(district, TQ.validUntil) == Literal("2025-06-30", datatype=XSD.date)
    assert both.value(district, DCTERMS.source) == URIRef(
        "https://w3id.org/thamquyen/id/doc/72-2025-qh15"
    )


def test_agency_types(both: Graph) -> None:
    members = concepts_in(both, "AgencyTypes")
    for name, notation in AGENCY_TYPES.items():
        term = TQ[name]
        assert term in members, name
        assert (term, RDF.type, TQ.AgencyType) in both, name
        if notation is not None:
            assert both.value(term, SKOS.notation) == Literal(notation), name
    assert TQ.PrimeMinister not in members
    for term in members:
        assert (term, RDF.type, TQ.AgencyType) in both, curie(term)


def test_document_types(both: Graph) -> None:
    members = concepts_in(both, "DocumentTypes")
    for name, notation in DOCUMENT_TYPES.items():
        term = TQ[name]
        assert term in members, name
        assert both.value(term, SKOS.notation) == (
            None if notation is None else Literal(notation)
        ), name


def test_unit_types(both: Graph) -> None:
    members = concepts_in(both, "UnitTypes")
    for name, level in UNIT_TYPE_LEVELS.items():
        assert TQ[name] in members, name
        assert both.value(TQ[name], TQ.level) == TQ[level], name
    for term in members:
        assert both.value(term, TQ.level) in {TQ[n] for n in LEVEL_RANKS}, curie(term)


def test_sectors(both: Graph) -> None:
    members = concepts_in(both, "Sectors")
    for slug in SECTOR_SLUGS:
        assert TQ[f"sector-{slug}"] in members, slug
    for term in members:
        assert re.fullmatch(r"sector-[a-z0-9]+(-[a-z0-9]+)*", str(term)[len(str(TQ)):])


# --- both files ------------------------------------------------------------


def test_every_tq_term_used_is_defined(both: Graph) -> None:
    defined = {s for s in both.subjects(RDF.type, None)}
    used: set[URIRef] = set()
    for triple in both:
        used |= {n for n in triple if isinstance(n, URIRef) and str(n).startswith(str(TQ))}
    assert not used - defined, f"used but undefined: {sorted(map(curie, used - defined))}"


def test_literals_are_nfc(both: Graph) -> None:
    for s, _p, o in both:
        if isinstance(o, Literal):
            text = str(o)
            assert unicodedata.normalize("NFC", text) == text, f"not NFC: {curie(s)} {text!r}"
