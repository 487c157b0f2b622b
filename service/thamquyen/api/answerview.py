"""The answer page's content: the engine's who-holds answer in words a legal officer reads —
each holder with its chain, every basis cited in Vietnamese order and linked, why nobody holds
it, and the before/after timeline.

Every holder, explanation and period comes from the engine (`Engine.who_holds`,
`Engine.timeline`); nothing here decides who holds a power.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import quote

from ..kb import KB
from . import places
from .describe import display_names, local_path
from .wording import span, step_words, tr, vn_date

LEVEL_END = """PREFIX tq: <https://w3id.org/thamquyen/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?until ?source WHERE { ?level tq:validUntil ?until OPTIONAL { ?level dcterms:source ?source } }"""
MAX_LISTED = 60


@dataclass
class Link:
    """A named thing with its page."""

    text: str
    href: str | None = None
    iri: str | None = None
    note: str = ""


@dataclass
class Source:
    """Where a basis is published: its URL, kind (official | secondary) and the kind's words."""

    url: str
    kind: str
    words: str


@dataclass
class Step:
    """One arrow of a chain: kind, from → to, on what basis, for how long."""

    kind: str
    kind_words: str
    source: Link | None
    target: Link
    basis: Link | None
    validity: str
    sources: list[Source] = field(default_factory=list)  # official publication first
    wording: str | None = None  # the basis's Vietnamese text, quoted as the data holds it


@dataclass
class Holder:
    """A final holder and the chain that brought the power to it."""

    who: Link
    steps: list[Step]


@dataclass
class Explanation:
    """Why the list is empty, or why the holders are elsewhere."""

    code: str
    text: str
    refs: list[Link] = field(default_factory=list)


@dataclass
class Period:
    """An interval over which the answer stays the same, and why it began."""

    start: str
    end: str
    holders: list[Link]
    reason: str


@dataclass
class AnswerView:
    """Everything answer.html shows."""

    power: Link
    unit: Link | None
    at: str
    at_iso: str
    holders: list[Holder]
    explanations: list[Explanation]
    timeline: list[Period]
    answer: dict


class Namer:
    """Labels and page links for the IRIs of one answer (one label query per page)."""

    def __init__(self, kb: KB, root: str, lang: str):
        self.kb, self.root, self.lang = kb, root, lang
        self.labels: dict[str, str] = {}

    def load(self, iris: set[str | None]) -> None:
        """Fetch the names of these IRIs (citations for provisions) in one query."""
        missing = sorted({i for i in iris if i and i not in self.labels})
        self.labels.update(display_names(self.kb, missing))

    def link(self, iri: str | None, note: str = "") -> Link | None:
        """The IRI as a link to its page."""
        if not iri:
            return None
        return Link(self.labels.get(iri, iri), local_path(iri, self.root), iri, note)

    def cite(self, iri: str | None) -> Link | None:
        """A provision as a citation in Vietnamese order, linked to its page."""
        return self.link(iri)


def chain_iris(answer: dict) -> set[str | None]:
    """Every IRI an answer names."""
    found = {answer["power"], answer.get("in")}
    for holder in answer["holders"]:
        found.add(holder["authority"])
        for s in holder["chain"]:
            found |= {s["from"], s["to"], s["basis"]}
    for item in answer.get("explanations") or ():
        found |= set(item.get("refs") or ())
    return found


def holders_of(answer: dict, namer: Namer) -> list[Holder]:
    """The holders with their chains, origin first."""
    lang = namer.lang
    return [Holder(namer.link(h["authority"]),
                   [Step(s["step"], step_words(s["step"], lang), namer.link(s["from"]),
                         namer.link(s["to"]), namer.cite(s["basis"]),
                         span(s["validFrom"], s["validUntil"], lang),
                         [Source(src["url"], src["kind"], tr(lang, src["vi"], src["en"]))
                          for src in s.get("sources") or ()], s.get("basisText"))
                    for s in h["chain"]])
            for h in answer["holders"]]


def build_answer(kb: KB, power: str, unit: str | None, day: dt.date, root: str = "",
                 lang: str = "vi") -> AnswerView:
    """The answer page for (power, unit, day), from the engine's answer and timeline."""
    answer = kb.with_sources(kb.engine.who_holds(power, unit, day))
    periods = timeline_periods(kb, power, unit, day) if unit else []
    namer = Namer(kb, root, lang)
    iris = chain_iris(answer)
    for period in periods:
        iris |= {h["authority"] for h in period["holders"]}
        iris |= {n for c in period["changes"] for n in (c["node"], c.get("basis"))}
    namer.load(iris)
    units = kb.engine.index.unit_validity
    explanations = [Explanation(e["code"], tr(lang, e["vi"], e["en"]),
                                [_ref(namer, r, power, day, r in units) for r in e.get("refs") or ()])
                    for e in answer.get("explanations") or ()]
    last = periods[-1]["until"] if periods else ""
    timeline = [period_view(p, namer, i == 0, last) for i, p in enumerate(periods)]
    unit_link = namer.link(unit) if unit else None
    if unit_link:
        unit_link.note = places.unit_context(kb.engine.index, namer.labels, unit, lang)
    return AnswerView(namer.link(power), unit_link, vn_date(day.isoformat()), day.isoformat(),
                      holders_of(answer, namer), explanations, timeline, answer)


def _ref(namer: Namer, iri: str, power: str, day: dt.date, is_unit: bool) -> Link | None:
    """A reference of an explanation; a unit links to the answer for this power there."""
    link = namer.link(iri)
    if link is not None and is_unit:
        link.href = (f"{namer.root}/tra-cuu?power={quote(power, safe='')}"
                     f"&in={quote(iri, safe='')}&at={day.isoformat()}")
    return link


# ---------------------------------------------------------------- before and after

EVENT_KINDS = {
    "conferral": ("phân quyền", "conferral"), "decentralization": ("phân cấp", "decentralization"),
    "authorization": ("ủy quyền", "authorization"), "unit": ("đơn vị hành chính", "unit"),
    "reorganization": ("sắp xếp tổ chức", "reorganization"), "level": ("cấp chính quyền", "level"),
    "authority": ("cơ quan, chức danh", "authority"),
}
# the change a reader looks for first: the legal basis, then the level, then the units
REASON_ORDER = {"conferral": 0, "decentralization": 1, "authorization": 2, "level": 3,
                "reorganization": 4, "unit": 5, "authority": 6}
SHOWN_REASONS = 3
EVENT_WORDS = {"began": ("bắt đầu", "began"), "ended": ("chấm dứt", "ended")}


def timeline_periods(kb: KB, power: str, unit: str, day: dt.date) -> list[dict]:
    """The engine's periods of the answer for P in U, from 2000 to five years after the day."""
    start = dt.date(2000, 1, 1)
    end = max(day, dt.date.today()) + dt.timedelta(days=5 * 365)
    return kb.engine.timeline(power, unit, start, end)["periods"]


def change_words(change: dict, namer: Namer) -> str:
    """"phân cấp bắt đầu: … (căn cứ …)" for one thing that began or ended."""
    lang = namer.lang
    kind = tr(lang, *EVENT_KINDS.get(change["kind"], (change["kind"], change["kind"])))
    event = tr(lang, *EVENT_WORDS.get(change["event"], (change["event"], change["event"])))
    name = namer.labels.get(change["node"])  # conferrals and delegations have no label
    text = f"{kind} {event}: {name}" if name else f"{kind} {event}"
    basis = change.get("basis")
    if basis and basis != change["node"]:
        text += f" ({namer.labels.get(basis, basis)})"
    return text[:1].upper() + text[1:]


def period_view(period: dict, namer: Namer, first: bool, last_day: str) -> Period:
    """One period as the page shows it."""
    lang = namer.lang
    changes = sorted(period["changes"], key=lambda c: REASON_ORDER.get(c["kind"], 9))
    reasons = [change_words(c, namer) for c in changes[:SHOWN_REASONS]]
    if len(changes) > SHOWN_REASONS:
        reasons.append(tr(lang, f"và {len(changes) - SHOWN_REASONS} thay đổi khác",
                          f"and {len(changes) - SHOWN_REASONS} more changes"))
    if first:
        reasons = [tr(lang, "Tình trạng đầu tiên trong dữ liệu", "Earliest state in the data")]
    return Period("…" if first else vn_date(period["from"]),
                  "" if period["until"] == last_day else vn_date(period["until"]),
                  [namer.link(h["authority"]) for h in period["holders"]], "; ".join(reasons))
