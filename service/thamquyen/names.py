"""Name resolution shared by every command: IRI, prefixed name, official code or free text.

Text matching ignores case, accents, Unicode form and old/new tone placement (hòa = hoà), and
reads the abbreviations of Vietnamese documents as their full forms (UBND, HĐND, TP., TX., TT.).
A name that holds the query as a phrase ranks before one that only holds its words, and words
after "trừ" / "không bao gồm" (an exception clause) do not count: "giấy phép xây dựng nhà ở riêng
lẻ" means the power for houses, not the one "trừ … nhà ở riêng lẻ". Candidates carry what tells
namesakes apart: the units they lie in, their level, their validity.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from .answers.dates import vn_date
from .index import Index, engine_query, in_force
from .namespaces import PREFIXES, TQ
from .rdfio import InputError
from .store import Store

ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "tp": "thanh pho",
    "tx": "thi xa",
    "tt": "thi tran",
}
KINDS = {
    "power": {str(TQ.Power)},
    "unit": {str(TQ.AdministrativeUnit)},
    "authority": {str(TQ.Agency), str(TQ.Post), str(TQ.AuthorityRole)},
    "agency": {str(TQ.Agency)},
    "document": {str(TQ.LegalDocument)},
    "procedure": {str(TQ.Procedure)},
    "task": {str(TQ.Task)},
}
EXCEPTION = re.compile(r"\b(ngoại trừ|trừ|không bao gồm|không áp dụng)\b.*$")
KIND_WORDS = {"power": ("thẩm quyền", "power"), "unit": ("đơn vị hành chính", "unit"),
              "authority": ("chủ thể", "authority"), None: ("đối tượng", "item")}


class _Unaccent(dict):
    """str.translate's table that drops combining marks and reads đ as d, filled as characters
    are met: a per-character generator was half of reading the name index (~200k names at 1M)."""

    def __missing__(self, code: int) -> int | str | None:
        value: int | str | None = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


UNACCENT = _Unaccent({ord("đ"): "d"})


def normalize(text: str) -> str:
    """Fold a name for matching: lower-case, no accents (đ → d), abbreviations expanded."""
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    folded = folded.translate(UNACCENT)
    tokens = re.sub(r"[^\w]+", " ", folded).split()
    return " ".join(ABBREVIATIONS.get(t, t) for t in tokens)


@dataclass(frozen=True)
class Candidate:
    """One named thing in the graph."""

    iri: str
    types: frozenset[str]
    label: str
    code: str | None


class NameIndex:
    """Folded names and codes of every power, unit, authority, document and procedure."""

    def __init__(self, index: Index | None = None):
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.by_code: dict[str, set[str]] = defaultdict(set)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, str] = {}
        self.codes: dict[str, str] = {}
        self.positive: dict[str, str] = {}  # folded name → its part before an exception clause
        self.sectors: dict[str, str] = {}
        self.index = index

    @classmethod
    def from_store(cls, store: Store, index: Index | None = None) -> NameIndex:
        """Read every name and code with queries/engine/names.rq."""
        names = cls(index)
        for row in store.select(engine_query("names")):
            names.add(str(row["node"]), str(row["type"]), str(row["name"]),
                      str(row["isCode"]).lower() == "true",
                      getattr(row["name"], "language", None))
        for row in store.select(engine_query("power-sectors")):
            names.sectors.setdefault(str(row["power"]), str(row["label"]))
        return names

    def add(self, iri: str, type_: str, name: str, is_code: bool, lang: str | None) -> None:
        """Record one name or code of a node."""
        self.types[iri].add(type_)
        if is_code:
            self.by_code[normalize(name)].add(iri)
            self.codes.setdefault(iri, name)
        else:
            folded = normalize(name)
            self.by_name[folded].add(iri)
            lowered = unicodedata.normalize("NFC", name).lower()
            if EXCEPTION.search(lowered):  # else the positive part is the whole name
                positive = normalize(EXCEPTION.sub("", lowered))
                if positive != folded:
                    self.positive[folded] = positive
            if lang == "vi" and (iri not in self.labels or len(name) > len(self.labels[iri])):
                self.labels[iri] = name

    def known(self, iri: str) -> bool:
        """True if the IRI names something in the index."""
        return iri in self.types

    def _of_kind(self, iris: set[str], kind: str | None) -> set[str]:
        wanted = KINDS.get(kind) if kind else None
        return {i for i in iris if wanted is None or self.types[i] & wanted}

    def expand(self, text: str) -> str | None:
        """A full IRI or a prefixed name (tq:…, id:…) as a full IRI, else None."""
        if re.match(r"^https?://\S+$", text):
            return text
        match = re.match(r"^([A-Za-z][\w-]*):(\S+)$", text)
        if match and match.group(1) in PREFIXES:
            return PREFIXES[match.group(1)] + match.group(2)
        return None

    def resolve(self, text: str, kind: str | None = None, at: dt.date | None = None) -> str:
        """The one IRI a user meant, or an InputError (unknown, or ambiguous with candidates)."""
        text = unicodedata.normalize("NFC", text.strip())
        iri = self.expand(text)
        if iri is not None:
            if self.known(iri) and self._of_kind({iri}, kind):
                return iri
            raise self._unknown(text, kind)
        key = normalize(text)
        for pool in (self.by_code.get(key, set()), self.by_name.get(key, set())):
            matches = self._of_kind(pool, kind)
            if matches:
                return self._pick(text, matches, kind, at)
        scored = {i: score for i, score in self._containing(key).items()
                  if self._of_kind({i}, kind)}
        if scored:
            best = max(scored.values())
            return self._pick(text, {i for i, score in scored.items() if score == best}, kind, at)
        raise self._unknown(text, kind)

    def score(self, key: str, name: str) -> tuple[bool, int]:
        """How well a folded name answers a folded query: (holds it as a phrase, how many of
        its words), both outside an exception clause ("trừ …")."""
        positive = self.positive.get(name, name)
        return (f" {key} " in f" {positive} ",
                len(set(key.split()) & set(positive.split())))

    def _containing(self, key: str) -> dict[str, tuple[bool, int]]:
        """Names that hold every word of the key (in any order), with their best score:
        `ubnd cau ke` finds `Ủy ban nhân dân huyện Cầu Kè`."""
        words = set(key.split())
        found: dict[str, tuple[bool, int]] = {}
        if not words:
            return found
        for name, iris in self.by_name.items():
            if all(w in name for w in words) and words <= set(name.split()):
                score = self.score(key, name)
                for iri in iris:
                    if score > found.get(iri, (False, -1)):
                        found[iri] = score
        return found

    def _pick(self, text: str, matches: set[str], kind: str | None, at: dt.date | None) -> str:
        if len(matches) == 1:
            return next(iter(matches))
        narrowed = matches
        if at is not None and self.index is not None:
            day = at.isoformat()
            current = {m for m in narrowed if self._valid(m, day)}
            narrowed = current or narrowed
        if len(narrowed) > 1:
            ranks = {m: self._rank(m) for m in narrowed}
            best = min(ranks.values())
            top = {m for m, r in ranks.items() if r == best}
            if best < 99 and len(top) == 1:
                narrowed = top
        if len(narrowed) == 1:
            return next(iter(narrowed))
        raise self._ambiguous(text, sorted(matches))

    def _valid(self, iri: str, day: str) -> bool:
        index = self.index
        if iri in index.unit_validity:
            return in_force(*index.unit_validity[iri], day)
        return index.authority_in_force(iri, day)

    def _rank(self, iri: str) -> int:
        """Administrative level rank (0 central … 3 commune): a bare name means the higher unit."""
        level = None
        if self.index is not None:
            rec = self.index.authorities.get(iri)
            level = rec.level if rec else self.index.unit_levels.get(iri)
        return self.index.level_ranks.get(level, 99) if self.index and level else 99

    def _unknown(self, text: str, kind: str | None) -> InputError:
        vi, en = KIND_WORDS.get(kind, KIND_WORDS[None])
        return InputError(
            f"không tìm thấy {vi} “{text}”. Hãy thử IRI, mã, hoặc một phần tên "
            f"(có thể gõ không dấu), hoặc tra bằng `thamquyen` search / /api/search.",
            f"no {en} matches “{text}”. Try an IRI, a code, or part of the name "
            "(accents optional).")

    def _ambiguous(self, text: str, iris: list[str]) -> InputError:
        shown = "\n".join(f"  - {self.describe(i)['description']} <{i}>" for i in iris[:15])
        more = f"\n  … (+{len(iris) - 15})" if len(iris) > 15 else ""
        return InputError(
            f"“{text}” khớp với nhiều đối tượng; hãy ghi rõ hơn hoặc dùng IRI/mã:\n{shown}{more}",
            f"“{text}” is ambiguous; be more specific or use an IRI/code:\n{shown}{more}")

    def search(self, q: str, type: str | None = None, limit: int = 20) -> list[dict]:
        """Accent-insensitive search over labels and codes, best matches first: exact names and
        codes, then names holding the query as a phrase (outside an exception clause first,
        names starting with it first, shorter first), then names holding all its words."""
        key = normalize(q)
        if not key:
            return []
        exact = self.by_code.get(key, set()) | self.by_name.get(key, set())
        ranks: dict[str, tuple] = {i: (0,) for i in exact}
        words = set(key.split())
        for name, iris in self.by_name.items():
            if key in name:
                phrase, _ = self.score(key, name)
                rank = (1, not phrase, not name.startswith(key), len(name))
            elif (len(words) > 1 and all(w in name for w in words)
                  and words <= set(name.split())):
                rank = (2, -self.score(key, name)[1], len(name))
            else:
                continue
            for i in iris:
                if rank < ranks.get(i, (9,)):
                    ranks[i] = rank
        for code, iris in self.by_code.items():
            if code.startswith(key):
                for i in iris:
                    ranks.setdefault(i, (1, True, False, len(code)))
        ordered = sorted(self._of_kind(set(ranks), type), key=lambda i: (ranks[i], i))
        return [{"iri": i, "label": self.labels.get(i), "type": sorted(self.types[i]),
                 "code": self.codes.get(i), **self.describe(i)} for i in ordered[:limit]]

    def describe(self, iri: str) -> dict:
        """What tells namesakes apart: {"parents": [labels of the units it lies in, nearest
        first], "level", "validFrom", "validUntil", "sector", "description"} — the description
        as "Xã Cầu Kè — Tỉnh Vĩnh Long — từ 01/07/2025"."""
        index = self.index
        parents: list[str] = []
        level = valid_from = valid_until = None
        if index is not None:
            if iri in index.unit_validity:
                parents = self._units_above(iri)
                level = index.unit_levels.get(iri)
                valid_from, valid_until = index.unit_validity[iri]
            elif iri in index.authorities:
                rec = index.authorities[iri]
                agency = index.authorities.get(rec.post_of) if rec.post_of else None
                level = rec.level or (agency.level if agency else None)
                valid_from = rec.valid_from or (agency.valid_from if agency else None)
                valid_until = rec.valid_until or (agency.valid_until if agency else None)
                for unit in sorted(index.jurisdictions(iri))[:1]:
                    parents = self._units_above(unit)
        level_label = index.level_labels.get(level) if index is not None and level else None
        sector = self.sectors.get(iri)
        parts = [self.labels.get(iri, iri), ", ".join(parents), sector or "",
                 validity_words(valid_from, valid_until)]
        return {"parents": parents, "level": level_label, "validFrom": valid_from,
                "validUntil": valid_until, "sector": sector,
                "description": " — ".join(p for p in parts if p)}

    def _units_above(self, unit: str) -> list[str]:
        """Labels of the units a unit lies in, nearest first (one parent per step)."""
        labels, seen = [], {unit}
        current = unit
        while self.index is not None:
            parents = sorted(self.index.unit_parents.get(current, ()))
            if not parents or parents[0] in seen:
                break
            current = parents[0]
            seen.add(current)
            labels.append(self.labels.get(current, current))
        return labels


def validity_words(valid_from: str | None, valid_until: str | None) -> str:
    """'từ 01/07/2025', 'đến 30/06/2025', '01/01/2020 – 30/06/2025' or ''."""
    if valid_from and valid_until:
        return f"{vn_date(valid_from)} – {vn_date(valid_until)}"
    if valid_from:
        return f"từ {vn_date(valid_from)}"
    if valid_until:
        return f"đến {vn_date(valid_until)}"
    return ""
