"""The words of the web pages around an answer: the page's language, validity spans, the kinds
of chain steps, levels. The answer's own words (dates, citations, explanations) come from the
shared `answers/` package."""

from __future__ import annotations

from ..answers import vn_date as answer_date

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


def tr(lang: str, vi: str, en: str) -> str:
    """The text in the page's language (Vietnamese unless English was asked for)."""
    return en if lang == "en" and en else vi


def vn_date(iso: str | None, open_end: str = "…") -> str:
    """2025-07-01 → 01/07/2025 (the order Vietnamese documents write dates in)."""
    return answer_date(iso[:10]) if iso else open_end


def vi_number(value: float) -> str:
    """A number as Vietnamese writes it, with a decimal comma: 2.5 → 2,5."""
    return f"{value:g}".replace(".", ",")


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
