"""The JSON documents of the API, for the OpenAPI description (handlers return plain dicts)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Source(BaseModel):
    """Where the basis of a step is published: the official publication first."""

    url: str
    kind: str = Field(description="official (Công báo, the Government's or the National "
                                  "Assembly's publication, vbpl.vn, the province's portal) | "
                                  "secondary (kept after the official one)")
    vi: str = Field(description="the kind in Vietnamese: Công báo / văn bản chính thức | nguồn thứ cấp")
    en: str = Field(description="the kind in English: official | secondary")


class Step(BaseModel):
    """One step of the chain that led to a holder."""

    model_config = ConfigDict(populate_by_name=True)

    step: str = Field(description="conferral | reorganization | decentralization | authorization")
    from_: str | None = Field(None, alias="from", description="IRI of the giver, or null")
    to: str = Field(description="IRI of the receiver")
    basis: str | None = Field(None, description="IRI of the provision or instrument")
    validFrom: str | None = None
    validUntil: str | None = None
    sources: list[Source] = Field(default_factory=list,
                                  description="web sources of the basis, official first (who-holds)")


class Holder(BaseModel):
    """A final holder of the power."""

    authority: str
    label: str | None = None
    chain: list[Step]


class Explanation(BaseModel):
    """Why the answer is empty, or why its holders are elsewhere than the unit asked about."""

    code: str = Field(description="unit-not-in-force | unit-not-yet-in-force | level-abolished | "
                                  "held-at-lower-level | holder-not-in-data | "
                                  "power-not-yet-in-force | power-no-longer-in-force | "
                                  "no-conferral-in-data")
    vi: str
    en: str
    refs: list[str] = Field(description="IRIs of the nodes the explanation refers to")


class WhoHolds(BaseModel):
    """The who-holds answer (the same document as `thamquyen who-holds --format json`)."""

    model_config = ConfigDict(populate_by_name=True)

    power: str
    at: str
    in_: str | None = Field(None, alias="in")
    holders: list[Holder]
    explanations: list[Explanation] = []


class PowerEntry(BaseModel):
    """One power an authority holds or exercises."""

    power: str
    label: str | None = None
    exercises: bool
    holder: str
    chain: list[Step]


class PowersOf(BaseModel):
    """What an authority holds or exercises on a date."""

    authority: str
    label: str | None = None
    at: str
    powers: list[PowerEntry]


class SearchHit(BaseModel):
    """One search result."""

    iri: str
    label: str | None = None
    type: list[str]
    code: str | None = None
    parents: list[str] = Field([], description="the units it lies in, nearest first")
    level: str | None = Field(None, description="its level, e.g. cấp xã")
    validFrom: str | None = None
    validUntil: str | None = None
    sector: str | None = Field(None, description="a power's sector (lĩnh vực)")
    description: str = Field("", description="e.g. Xã Cầu Kè — Tỉnh Vĩnh Long — từ 01/07/2025")


class Health(BaseModel):
    """The service and its store."""

    status: str
    store: str
    reachable: bool
    triples: int | None = None
    fingerprint: str | None = None
    index_age_s: float | None = None
    sparql_workers: dict[str, int] | None = None  # live, idle, size (embedded store)
    version: str


class ValidationResult(BaseModel):
    """One SHACL result."""

    severity: str
    focus: str | None = None
    path: str | None = None
    value: str | None = None
    shape: str | None = None
    message: dict[str, str]
    source: str | None = Field(None, description="IRI of the provision the rule comes from")


class ValidationReport(BaseModel):
    """The SHACL report (the same document as `thamquyen validate --format json`)."""

    conforms: bool = Field(description="SHACL sh:conforms: false as soon as there is any result, "
                                       "whatever its severity")
    fails: bool = Field(description="true when a result is a Violation (what makes "
                                    "`thamquyen validate` exit 1 by default)")
    results: list[ValidationResult]


class QueryParamInfo(BaseModel):
    """A parameter of a named query."""

    name: str
    type: str
    description: str | None = None
    example: str | None = None
    required: bool
    default: str | None = None


class NamedQueryInfo(BaseModel):
    """A named query of the catalog."""

    name: str
    summary: dict[str, str]
    description: str | None = None
    params: list[QueryParamInfo]
    path: str
    text: str


class TableAnswer(BaseModel):
    """A named query's answer as JSON: variables and rows of plain values."""

    variables: list[str]
    rows: list[dict[str, str | int | float | bool | None]]
