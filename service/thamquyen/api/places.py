"""Where things are: the province and district of a unit or an authority, read from the
engine's index, so that namesakes can be told apart ("Xã Cầu Kè — Vĩnh Long — từ 01/07/2025")
and lists can be filtered by province."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from ..engine import Index, in_force
from ..namespaces import TQ
from .wording import level_words, span, tr

PROVINCIAL, DISTRICT = str(TQ.ProvincialLevel), str(TQ.DistrictLevel)
ROLE_KIND = str(TQ.AuthorityRole)


def ancestor_at(index: Index, unit: str, level: str) -> str | None:
    """The unit itself or the unit it lies in at this level (None if there is none)."""
    for candidate in sorted(index.ancestors(unit)):
        if index.unit_levels.get(candidate) == level:
            return candidate
    return None


def province_of_authority(index: Index, authority: str) -> set[str]:
    """The provinces the authority's jurisdictions lie in (empty for central bodies)."""
    found = set()
    for unit in index.jurisdictions(authority):
        province = ancestor_at(index, unit, PROVINCIAL)
        if province:
            found.add(province)
    return found


@lru_cache(maxsize=8)
def _children(index: Index) -> dict[str, list[str]]:
    children: dict[str, list[str]] = defaultdict(list)
    for unit, parents in index.unit_parents.items():
        for parent in parents:
            children[parent].append(unit)
    return {k: sorted(v) for k, v in children.items()}


def children_of(index: Index, unit: str) -> list[str]:
    """The units that lie directly in this one (tq:partOf), old and new."""
    return _children(index).get(unit, [])


def provinces_at(index: Index, day: str) -> list[str]:
    """Every province-level unit in force on the day."""
    return sorted(u for u, level in index.unit_levels.items()
                  if level == PROVINCIAL and in_force(*index.unit_validity.get(u, (None, None)), day))


def unit_context(index: Index, labels: dict[str, str], unit: str, lang: str = "vi") -> str:
    """What tells a unit from its namesakes: level, province, district, validity."""
    parts = [level_words(index.unit_levels.get(unit), lang)]
    if index.unit_levels.get(unit) != PROVINCIAL:
        district = ancestor_at(index, unit, DISTRICT)
        if district and district != unit:
            parts.append(labels.get(district, ""))
        province = ancestor_at(index, unit, PROVINCIAL)
        if province:
            parts.append(labels.get(province, ""))
    valid_from, valid_until = index.unit_validity.get(unit, (None, None))
    if valid_from or valid_until:
        parts.append(span(valid_from, valid_until, lang))
    return " — ".join(p for p in parts if p)


def authority_context(index: Index, labels: dict[str, str], authority: str,
                      lang: str = "vi") -> str:
    """What tells an authority from its namesakes: its level, its province, its validity."""
    rec = index.authorities.get(authority)
    if rec is None:
        return ""
    parts = [level_words(rec.level, lang)]
    parts += sorted(labels.get(p, "") for p in province_of_authority(index, authority))
    if rec.valid_from or rec.valid_until:
        parts.append(span(rec.valid_from, rec.valid_until, lang))
    if ROLE_KIND in rec.kinds:
        parts.append(tr(lang, "vai trò (mọi cơ quan cùng loại)", "role (every such body)"))
    return " — ".join(p for p in parts if p)
