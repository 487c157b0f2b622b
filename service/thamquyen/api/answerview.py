"""The answer page's content: the engine's who-holds answer in words a legal officer reads —
each holder with its chain, every basis cited in Vietnamese order and linked, why nobody holds
it, and the before/after timeline.

Every holder comes from the engine (`Engine.who_holds`); nothing here decides who holds a power.
Where the engine's answer carries `explanations` they are shown as they are; for an engine that
does not give them yet, `fallback_explanations` states what the index plainly shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import rdflib

from ..engine import Index, in_force
from ..kb import KB
from . import places
from .describe import local_path
from .wording import citation, document_of, span, step_words, tr, vn_date

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
class Step:
    """One arrow of a chain: kind, from → to, on what basis, for how long."""

    kind: str
    kind_words: str
    source: Link | None
    target: Link
    basis: Link | None
    validity: str


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
        """Fetch the labels of these IRIs (and of the documents their provisions belong to)."""
        wanted = {i for i in iris if i}
        wanted |= {document_of(i) for i in wanted}
        missing = [i for i in wanted if i not in self.labels]
        known = self.kb.names.labels
        self.labels.update({i: known[i] for i in missing if i in known})
        self.labels.update(self.kb.labels([i for i in missing if i not in self.labels]))

    def link(self, iri: str | None, note: str = "") -> Link | None:
        """The IRI as a link to its page."""
        if not iri:
            return None
        return Link(self.labels.get(iri, iri), local_path(iri, self.root), iri, note)

    def cite(self, iri: str | None) -> Link | None:
        """A provision as a citation, linked to its page."""
        if not iri:
            return None
        text = citation(iri, self.labels.get(document_of(iri)), self.labels.get(iri))
        return Link(text, local_path(iri, self.root), iri)


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
                         span(s["validFrom"], s["validUntil"], lang)) for s in h["chain"]])
            for h in answer["holders"]]


def build_answer(kb: KB, power: str, unit: str | None, day: dt.date, root: str = "",
                 lang: str = "vi") -> AnswerView:
    """The answer page for (power, unit, day), from the engine's answer."""
    answer = kb.engine.who_holds(power, unit, day)
    namer = Namer(kb, root, lang)
    explanations_raw = answer.get("explanations")
    fallback: list[tuple[str, str, str, list[str]]] = []
    if explanations_raw is None and not answer["holders"]:
        fallback = fallback_explanations(kb, power, unit, day.isoformat())
    timeline_raw = timeline(kb.engine.index, kb, power, unit) if unit else []
    iris = chain_iris(answer) | {r for _, _, _, refs in fallback for r in refs}
    iris |= {h for _, _, hs, _, basis in timeline_raw for h in [*hs, basis]}
    namer.load(iris)
    if explanations_raw is not None:
        explanations = [Explanation(e["code"], tr(lang, e["vi"], e["en"]),
                                    [namer.cite(r) for r in e.get("refs") or ()])
                        for e in explanations_raw]
    else:
        explanations = [Explanation(code, tr(lang, vi, en), [namer.cite(r) for r in refs])
                        for code, vi, en, refs in fallback]
    periods = [Period(vn_date(start), vn_date(end, ""), [namer.link(h) for h in hs],
                      _reason(namer, why, basis)) for start, end, hs, why, basis in timeline_raw]
    unit_link = namer.link(unit) if unit else None
    if unit_link:
        unit_link.note = places.unit_context(kb.engine.index, namer.labels, unit, lang)
    return AnswerView(namer.link(power), unit_link, vn_date(day.isoformat()), day.isoformat(),
                      holders_of(answer, namer), explanations, periods, answer)


def _reason(namer: Namer, why: tuple[str, str], basis: str | None) -> str:
    text = tr(namer.lang, *why)
    cited = namer.cite(basis)
    return f"{text} ({cited.text})" if cited else text


# ---------------------------------------------------------------- why nobody holds it


def fallback_explanations(kb: KB, power: str, unit: str | None,
                          day: str) -> list[tuple[str, str, str, list[str]]]:
    """(code, vi, en, refs) for an empty answer, from what the index plainly shows."""
    index = kb.engine.index
    conferrals = index.conferrals.get(power, [])
    if not conferrals:
        return [("no-conferral-in-data",
                 "Dữ liệu chưa ghi nhận văn bản nào giao thẩm quyền này (chưa có phân quyền trong "
                 "dữ liệu). Điều đó không có nghĩa là pháp luật không giao thẩm quyền này cho ai.",
                 "The data records no document conferring this power. That does not mean the law "
                 "gives it to nobody.", [])]
    if all(c.valid_from and c.valid_from > day for c in conferrals):
        first = min(conferrals, key=lambda c: c.valid_from or "")
        return [("power-not-yet-in-force",
                 f"Thẩm quyền này chỉ có từ ngày {vn_date(first.valid_from)}.",
                 f"This power exists only from {vn_date(first.valid_from)}.",
                 [first.basis] if first.basis else [])]
    found = _unit_explanations(kb, index, power, unit, day) if unit else []
    return found or [("no-holder-in-data",
                      "Vào ngày này, dữ liệu không có chủ thể nào giữ thẩm quyền này ở địa bàn đã "
                      "chọn (các căn cứ giao thẩm quyền trong dữ liệu chưa có hiệu lực hoặc đã "
                      "hết hiệu lực, hoặc không áp dụng cho địa bàn này).",
                      "On this date the data has no holder of this power in this unit (the "
                      "conferrals it records are not in force, or do not apply here).",
                      sorted({c.basis for c in conferrals if c.basis}))]


def _unit_explanations(kb: KB, index: Index, power: str, unit: str,
                       day: str) -> list[tuple[str, str, str, list[str]]]:
    if in_force(*index.unit_validity.get(unit, (None, None)), day):
        return []
    found = []
    successors = sorted(index.units_at(unit, day) - {unit})
    bases = sorted({r.basis for r in index.reorgs.get(unit, ()) if r.basis})
    if successors:
        names = ", ".join(kb.names.labels.get(s, s) for s in successors)
        found.append(("unit-not-in-force",
                      f"Đơn vị này không còn vào ngày đó; đơn vị kế thừa: {names}.",
                      f"This unit no longer exists on that date; its successor: {names}.", bases))
    level = index.unit_levels.get(unit)
    ended = kb.store.select(LEVEL_END, {"level": rdflib.URIRef(level)}) if level else []
    if ended and str(ended[0]["until"]) < day:
        until = str(ended[0]["until"])
        source = str(ended[0]["source"]) if ended[0].get("source") else None
        words = places.level_words(level)
        found.append(("level-abolished",
                      f"{words.capitalize()} kết thúc hoạt động sau ngày {vn_date(until)}.",
                      f"The {places.level_words(level, 'en')} ended after {vn_date(until)}.",
                      [source] if source else []))
        found.extend(_held_below(kb, index, power, unit, day))
    return found


def _held_below(kb: KB, index: Index, power: str, unit: str,
                day: str) -> list[tuple[str, str, str, list[str]]]:
    """Who holds the power, on the day, in the units that now cover the old unit's territory."""
    areas = {s for child in places.children_of(index, unit) for s in index.units_at(child, day)}
    holders = sorted({who for area in areas for who, _ in kb.engine.resolve(power, area, day)})
    if not holders:
        return []
    shown = holders[:MAX_LISTED]
    more = len(holders) - len(shown)
    tail_vi = f" và {more} chủ thể khác" if more else ""
    tail_en = f" and {more} more" if more else ""
    return [("held-at-lower-level",
             f"Trên địa bàn trước đây của đơn vị này, thẩm quyền do {len(holders)} chủ thể giữ "
             f"(mỗi đơn vị mới giữ trên địa bàn của mình){tail_vi}:",
             f"On the former territory of this unit the power is held by {len(holders)} "
             f"authorities (each new unit on its own territory){tail_en}:", shown)]


# ---------------------------------------------------------------- before and after


@lru_cache(maxsize=4)
def _power_days(index: Index) -> dict[str, set[str]]:
    """For each power, the days its conferrals and delegations begin or end (read once)."""
    days: dict[str, set[str]] = defaultdict(set)
    for power, conferrals in index.conferrals.items():
        for c in conferrals:
            _add(days[power], c.valid_from, c.valid_until)
    for (power, _), delegations in index.delegations.items():
        for d in delegations:
            _add(days[power], d.valid_from, d.valid_until)
    return days


def _add(days: set[str], valid_from: str | None, valid_until: str | None) -> None:
    if valid_from:
        days.add(valid_from)
    if valid_until:
        days.add(_next_day(valid_until))


def change_dates(index: Index, power: str, unit: str,
                 authorities: set[str] = frozenset()) -> list[str]:
    """Every day on which something the answer depends on may begin or end: the power's
    conferrals and delegations, the unit and the units it lies in, and the given authorities."""
    days = set(_power_days(index).get(power, ()))
    for node in index.ancestors(unit) | set(authorities):
        _add(days, *index.unit_validity.get(node, (None, None)))
        rec = index.authorities.get(node)
        if rec is not None:
            _add(days, rec.valid_from, rec.valid_until)
        for reorg in index.reorgs.get(node, ()):
            _add(days, reorg.effective, None)
    return sorted(days)


def _next_day(iso: str) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


def _previous_day(iso: str) -> str:
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def timeline(index: Index, kb: KB, power: str,
             unit: str) -> list[tuple[str | None, str | None, list[str], tuple[str, str], str | None]]:
    """(start, end, holders, reason, basis) for each period over which the answer is constant."""
    days = change_dates(index, power, unit)
    involved = {n for day in days for who, chain in kb.engine.resolve(power, unit, day)
                for n in [who, *(s["from"] for s in chain), *(s["to"] for s in chain)] if n}
    days = change_dates(index, power, unit, involved)
    if not days:
        return []
    first = _previous_day(days[0])
    periods: list[list] = []
    previous: list[tuple[str, list[dict]]] | None = None
    for day in [first, *days]:
        found = kb.engine.resolve(power, unit, day)
        holders = sorted({who for who, _ in found})
        if periods and holders == periods[-1][2]:
            previous = found
            continue
        why, basis = _why(index, unit, previous, found, day)
        if periods:
            periods[-1][1] = _previous_day(day)
        periods.append([None if day == first else day, None, holders, why, basis])
        previous = found
    return [tuple(p) for p in periods]  # type: ignore[misc]


def _why(index: Index, unit: str, before: list | None, after: list,
         day: str) -> tuple[tuple[str, str], str | None]:
    """The unit ending, else the first step that begins (or ends) on the day explains it."""
    if before is None:
        return ("Tình trạng ban đầu trong dữ liệu", "State at the start of the data"), None
    if index.unit_validity.get(unit, (None, None))[1] == _previous_day(day):
        bases = sorted(r.basis for r in index.reorgs.get(unit, ()) if r.basis)
        return (("Đơn vị hành chính này chấm dứt (sắp xếp tổ chức)",
                 "This unit ended (reorganization)"), bases[0] if bases else None)
    started = [s for _, chain in after for s in chain if s["validFrom"] == day]
    for s in started:
        vi, en = STEP_CHANGE.get(s["step"], STEP_CHANGE["conferral"])
        return (vi, en), s["basis"]
    ended = [s for _, chain in before for s in chain if s["validUntil"] == _previous_day(day)]
    for s in ended:
        return (f"Hết hiệu lực: {step_words(s['step'])}", f"Ended: {step_words(s['step'], 'en')}"), \
            s["basis"]
    return ("Thay đổi tổ chức hoặc địa giới có hiệu lực từ ngày này",
            "A change of organization or territory takes effect on this day"), None


STEP_CHANGE = {
    "conferral": ("Căn cứ phân quyền mới có hiệu lực", "A new conferral takes effect"),
    "decentralization": ("Phân cấp bắt đầu có hiệu lực", "A decentralization begins"),
    "authorization": ("Ủy quyền bắt đầu có hiệu lực", "An authorization begins"),
    "reorganization": ("Sắp xếp tổ chức, đơn vị hành chính có hiệu lực",
                       "A reorganization takes effect"),
}
