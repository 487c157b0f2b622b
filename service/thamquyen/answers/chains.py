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


def describe_chain(chain: list[dict], name: Callable[[str | None], str]) -> str:
    """One Vietnamese sentence for a chain; `name` turns an IRI into its label or citation."""
    parts = []
    for s in reversed(chain):
        span = f"({vn_date(s['validFrom'])} – {vn_date(s['validUntil'])})"
        if s["step"] == "conferral":
            parts.append(f"thẩm quyền gốc: {name(s['to'])}, {name(s['basis'])} {span}")
        elif s["step"] == "authorization":
            parts.append(f"được ủy quyền theo {name(s['basis'])} {span}; bên ủy quyền "
                         f"(chịu trách nhiệm về kết quả): {name(s['from'])}")
        elif s["step"] == "decentralization":
            parts.append(f"được phân cấp theo {name(s['basis'])} {span} từ {name(s['from'])}")
        else:
            parts.append(f"kế thừa {name(s['from'])} theo {name(s['basis'])} "
                         f"(từ {vn_date(s['validFrom'])})")
    return "; ".join(parts)
