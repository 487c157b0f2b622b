"""Dates as a user types them (YYYY-MM-DD) and as a Vietnamese text prints them (dd/mm/yyyy)."""

from __future__ import annotations

import datetime as dt

from ..rdfio import InputError


def parse_date(text: str | None) -> dt.date:
    """YYYY-MM-DD (default: today) or an InputError."""
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"ngày “{text}” không hợp lệ; hãy viết theo dạng YYYY-MM-DD, "
                         "ví dụ 2025-09-01.",
                         f"invalid date “{text}”; write it as YYYY-MM-DD, e.g. 2025-09-01.") from exc


def vn_date(iso: str | None) -> str:
    """2021-01-01 → 01/01/2021; None → …"""
    if not iso:
        return "…"
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def day_before(iso: str) -> str:
    """The day before an ISO date (a validFrom's eve is the last day of what it replaced)."""
    return (dt.date.fromisoformat(iso) - dt.timedelta(days=1)).isoformat()


def day_after(iso: str) -> str:
    """The day after an ISO date (the first day after a validUntil)."""
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()
