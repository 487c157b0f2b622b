"""The namespaces of the public vocabulary and its alignments."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

TQ = Namespace("https://w3id.org/thamquyen/ontology#")
TQS = Namespace("https://w3id.org/thamquyen/shapes#")
ID = Namespace("https://w3id.org/thamquyen/id/")
SH = Namespace("http://www.w3.org/ns/shacl#")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")

PREFIXES: dict[str, str] = {
    "tq": str(TQ),
    "tqs": str(TQS),
    "id": str(ID),
    "sh": str(SH),
    "org": str(ORG),
    "eli": str(ELI),
    "prov": str(PROV),
    "cpsv": str(CPSV),
    "cv": str(CV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}

__all__ = ["CPSV", "CV", "DCTERMS", "ELI", "ID", "ORG", "OWL", "PREFIXES", "PROV", "RDF",
           "RDFS", "SH", "SKOS", "TQ", "TQS", "XSD"]
