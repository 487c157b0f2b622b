"""The words of the web pages: dates, citations in Vietnamese order, the kinds of chain steps.

Until the shared `answers/` package exists this is where the pages compose what a legal
officer reads; the CLI keeps its own sentences.
"""

from __future__ import annotations

import re

from ..namespaces import ID

STEP_WORDS = {
    "conferral": ("phân quyền (thẩm quyền gốc)", "conferral (original power)"),
    "reorganization": ("kế thừa do sắp xếp tổ chức", "succession by reorganization"),
    "decentralization": ("phân cấp", "decentralization"),
    "authorization": ("ủy quyền", "authorization"),
}
LEVEL_WORDS = {
    "CentralLevel": ("cấp trung ương", "central level"),
    "ProvincialLevel": ("cấp tỉnh", "provincial level"),
    "DistrictLevel": ("cấp huyện", "district level"),
    "CommuneLevel": ("cấp xã", "commune level"),
}
# doc/…/dieu-103/khoan-3/diem-a → the parts a citation names, innermost first
_PART = re.compile(r"/(dieu|khoan|diem)-([0-9a-zđ]+)")
_PART_WORDS = {"dieu": "Điều", "khoan": "khoản", "diem": "điểm"}


def tr(lang: str, vi: str, en: str) -> str:
    """The text in the page's language (Vietnamese unless English was asked for)."""
    return en if lang == "en" and en else vi


def vn_date(iso: str | None, open_end: str = "…") -> str:
    """2025-07-01 → 01/07/2025 (the order Vietnamese documents write dates in)."""
    if not iso:
        return open_end
    year, month, day = iso[:10].split("-")
    return f"{day}/{month}/{year}"


def span(valid_from: str | None, valid_until: str | None, lang: str = "vi") -> str:
    """A validity as words: "từ 01/07/2025", "từ 01/01/2021 đến 30/06/2025"."""
    if not valid_from and not valid_until:
        return tr(lang, "không ghi thời hạn", "no dates recorded")
    if valid_from and valid_until:
        return tr(lang, f"từ {vn_date(valid_from)} đến {vn_date(valid_until)}",
                  f"from {vn_date(valid_from)} to {vn_date(valid_until)}")
    if valid_from:
        return tr(lang, f"từ {vn_date(valid_from)}", f"from {vn_date(valid_from)}")
    return tr(lang, f"đến {vn_date(valid_until)}", f"until {vn_date(valid_until)}")


def citation(iri: str | None, document_label: str | None, own_label: str | None) -> str:
    """A provision as a lawyer cites it: "khoản 3 Điều 103 Luật Xây dựng 2014".

    The parts come from the IRI pattern of docs/conventions.md (…/dieu-N/khoan-N/diem-x) and the
    document's own label; anything else (plan parts, documents) keeps its label.
    """
    if not iri:
        return "—"
    tail = iri[len(str(ID)):] if iri.startswith(str(ID)) else ""
    parts = _PART.findall(tail)
    if not parts or not document_label:
        return own_label or iri
    words = [f"{_PART_WORDS[kind]} {number}" for kind, number in reversed(parts)]
    return " ".join(words) + " " + document_label


def document_of(iri: str) -> str:
    """The IRI of the document a provision IRI belongs to (the part before /dieu-…)."""
    match = _PART.search(iri)
    return iri[:match.start()] if match else iri


def level_words(level_iri: str | None, lang: str = "vi") -> str:
    """cấp tỉnh / cấp huyện / … for a level IRI."""
    if not level_iri:
        return ""
    vi, en = LEVEL_WORDS.get(level_iri.rsplit("#", 1)[-1], ("", ""))
    return tr(lang, vi, en)


def step_words(kind: str, lang: str = "vi") -> str:
    """The name of a chain step's kind."""
    vi, en = STEP_WORDS.get(kind, (kind, kind))
    return tr(lang, vi, en)
