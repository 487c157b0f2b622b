"""The sentence of a who-holds chain: the last step first (how the holder got it), then the
origin — the order in which a legal officer cites it."""

from __future__ import annotations

from collections.abc import Callable

from .dates import vn_date

STEP_WORDS = {
    "conferral": "thẩm quyền gốc (phân quyền)",
    "reorganization": "kế thừa do sắp xếp tổ chức",
    "decentralization": "được phân cấp",
    "authorization": "được ủy quyền",
}


def describe_chain(chain: list[dict], name: Callable[[str | None], str], lang: str = "vi") -> str:
    """One sentence for a chain (Vietnamese, or English with lang="en"); `name` turns an IRI
    into its label or citation."""
    words = EN if lang == "en" else VI
    parts = []
    for s in reversed(chain):
        span = f"({vn_date(s['validFrom'])} – {vn_date(s['validUntil'])})"
        parts.append(words[s["step"]].format(to=name(s["to"]), frm=name(s["from"]),
                                             basis=name(s["basis"]), span=span,
                                             start=vn_date(s["validFrom"])))
    return "; ".join(parts)


VI = {
    "conferral": "thẩm quyền gốc: {to}, {basis} {span}",
    "authorization": "được ủy quyền theo {basis} {span}; bên ủy quyền (chịu trách nhiệm về kết "
                     "quả): {frm}",
    "decentralization": "được phân cấp theo {basis} {span} từ {frm}",
    "reorganization": "kế thừa {frm} theo {basis} (từ {start})",
}
EN = {
    "conferral": "conferred by law: {to}, {basis} {span}",
    "authorization": "authorized (ủy quyền) by {basis} {span}; the authorizing body (answerable "
                     "for the result): {frm}",
    "decentralization": "decentralized (phân cấp) by {basis} {span} from {frm}",
    "reorganization": "took over from {frm} under {basis} (from {start})",
}
