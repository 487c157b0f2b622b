"""The words of an explanation (vi first, en), from a finding of `thamquyen.explain`.

Each text says what the data shows and, where the answer is empty for want of data, that it is
about our data and not the law: a legal officer must never read "nobody holds it by law".
"""

from __future__ import annotations

from collections.abc import Callable

from .dates import day_after, vn_date

Name = Callable[[str | None], str]
SHOWN = 10  # names listed in a sentence; the rest are counted (all are in refs)


def word(finding, day: str, name: Name) -> dict:
    """{"code", "vi", "en", "refs"} of a finding (explain.Finding) for the answer on `day`."""
    vi, en = WORDS[finding.code](finding.facts, day, name)
    return {"code": finding.code, "vi": vi, "en": en, "refs": list(dict.fromkeys(finding.refs))}


def listing(iris: list[str], name: Name, more_vi: str = "khác", more_en: str = "more") -> tuple:
    """('A, B, C và 12 khác', 'A, B, C and 12 more')."""
    shown = ", ".join(name(i) for i in iris[:SHOWN])
    rest = len(iris) - SHOWN
    if rest <= 0:
        return shown, shown
    return f"{shown} và {rest} đơn vị {more_vi}", f"{shown} and {rest} {more_en}"


def _bases(iris: list[str], name: Name) -> str:
    return "; ".join(name(i) for i in iris)


def unit_not_in_force(f: dict, day: str, name: Name) -> tuple[str, str]:
    """U ended before D: read as its successors (with the reorganizations' bases)."""
    unit, until = name(f["unit"]), vn_date(f["until"])
    vi = f"{unit} không còn là đơn vị hành chính vào ngày {vn_date(day)} (tồn tại đến hết ngày {until})."
    en = f"{unit} is no longer an administrative unit on {vn_date(day)} (it existed until {until})."
    bases = sorted({s["basis"] for s in f["steps"] if s["basis"]})
    if f["successors"]:
        units_vi, units_en = listing(f["successors"], name)
        cite = f" theo {_bases(bases, name)}" if bases else ""
        cite_en = f" under {_bases(bases, name)}" if bases else ""
        vi += f" Địa bàn của đơn vị này nay thuộc {units_vi}{cite}; câu trả lời được tính cho địa bàn đó."
        en += f" Its area now belongs to {units_en}{cite_en}; the answer is given for that area."
    elif not f["steps"]:
        vi += " Dữ liệu không ghi việc sắp xếp nào chuyển địa bàn của đơn vị này cho đơn vị khác."
        en += " The data records no reorganization that hands its area to another unit."
    return vi, en


def unit_not_yet_in_force(f: dict, day: str, name: Name) -> tuple[str, str]:
    """U did not exist yet on D."""
    unit, start = name(f["unit"]), vn_date(f["from"])
    return (f"{unit} chưa tồn tại vào ngày {vn_date(day)}: đơn vị này có từ ngày {start}. "
            "Hãy hỏi về đơn vị có trước đó, hoặc một ngày từ ngày thành lập.",
            f"{unit} did not exist yet on {vn_date(day)}: it exists from {start}. Ask about the "
            "unit that preceded it, or about a date from then on.")


def level_abolished(f: dict, day: str, name: Name) -> tuple[str, str]:
    """The unit's level (or the holder's) ended: the district level after 2025-06-30."""
    level, start = name(f["level"]), vn_date(day_after(f["until"]))
    cite = f" ({name(f['basis'])})" if f["basis"] else ""
    vi = f"Từ ngày {start} không còn {level}{cite}."
    en = f"From {start} the level “{level}” no longer exists{cite}."
    if f["unit"] is None:
        return (vi + " Thẩm quyền được giao cho một chủ thể ở cấp này, nên không còn ai ở cấp "
                "đó giữ nó; hãy xem văn bản giao thẩm quyền thay thế.",
                en + " The power is given to an authority at that level, so no one at that level "
                "holds it now; look for the text that replaced the conferral.")
    unit = name(f["unit"])
    vi += f" {unit} chỉ tồn tại đến hết ngày {vn_date(f['unitUntil'])}."
    en += f" {unit} existed until {vn_date(f['unitUntil'])}."
    if f["successors"]:
        units_vi, units_en = listing(f["successors"], name)
        count = len(f["successors"])
        vi += f" Địa bàn của nó nay thuộc {count} đơn vị: {units_vi}; hãy hỏi về từng đơn vị đó."
        en += (f" Its area now belongs to {units_en}; ask about that unit." if count == 1 else
               f" Its area now belongs to {count} units: {units_en}; ask about each of them.")
    return vi, en


def held_at_lower_level(f: dict, day: str, name: Name) -> tuple[str, str]:
    """U holds nothing here: the units below it do (each its own holder)."""
    unit = name(f["unit"])
    units = [u for u, _ in f["units"]]
    shown_vi = ", ".join(f"{name(u)} ({', '.join(name(h) for h in hs)})"
                         for u, hs in f["units"][:SHOWN])
    rest = len(units) - SHOWN
    more_vi = f" và {rest} đơn vị khác" if rest > 0 else ""
    more_en = f" and {rest} more" if rest > 0 else ""
    return (f"Ở {unit} không có chủ thể chung giữ thẩm quyền này vào ngày {vn_date(day)}: "
            f"thẩm quyền thuộc cấp dưới, mỗi đơn vị do chủ thể của mình giữ — {len(units)} đơn vị: "
            f"{shown_vi}{more_vi}.",
            f"No single authority holds this power for {unit} on {vn_date(day)}: it is held at "
            f"the level below, each unit by its own authority — {len(units)} units: "
            f"{shown_vi}{more_en}.")


def holder_not_in_data(f: dict, day: str, name: Name) -> tuple[str, str]:
    """A conferral is in force, but its holder cannot be found in U on D in the data."""
    holders = ", ".join(name(h) for h in f["holders"]) if "holders" in f else ""
    where_vi = f" ở {name(f['unit'])}" if f["unit"] else ""
    where_en = f" for {name(f['unit'])}" if f["unit"] else ""
    return (f"Dữ liệu có văn bản giao thẩm quyền này cho {holders}, nhưng chưa ghi chủ thể đó"
            f"{where_vi} vào ngày {vn_date(day)} (cơ quan hoặc chức danh chưa có trong dữ liệu). "
            "Đây là giới hạn của dữ liệu, không phải kết luận rằng pháp luật không giao cho ai.",
            f"The data has a text giving this power to {holders}, but does not record that "
            f"authority{where_en} on {vn_date(day)} (an agency or post missing from the data). "
            "This is a limit of our data, not a finding that the law gives it to no one.")


def power_not_yet_in_force(f: dict, day: str, name: Name) -> tuple[str, str]:
    """The power is conferred only from a later date."""
    start, bases = vn_date(f["from"]), _bases(f["bases"], name)
    cite_vi = f" theo {bases}" if bases else ""
    cite_en = f" under {bases}" if bases else ""
    return (f"Thẩm quyền này chỉ được giao từ ngày {start}{cite_vi}; dữ liệu chưa có văn bản "
            f"nào giao nó vào ngày {vn_date(day)} (văn bản trước đó có thể chưa được đưa vào "
            "dữ liệu).",
            f"This power is conferred only from {start}{cite_en}; the data has no text giving it "
            f"on {vn_date(day)} (an earlier text may be missing from the data).")


def no_conferral_in_data(f: dict, day: str, name: Name) -> tuple[str, str]:
    """No conferral of the power in force on D in the data — about the data, not the law."""
    vi = f"Dữ liệu chưa có văn bản nào giao thẩm quyền này còn hiệu lực vào ngày {vn_date(day)}."
    en = f"Our data has no text in force on {vn_date(day)} that gives this power."
    if f.get("endedOn"):
        bases = _bases(f["bases"], name)
        vi += f" Văn bản cuối cùng trong dữ liệu ({bases}) hết hiệu lực sau ngày {vn_date(f['endedOn'])}."
        en += f" The last one in the data ({bases}) ended after {vn_date(f['endedOn'])}."
    vi += (" Điều này nói về dữ liệu của chúng tôi, không có nghĩa là pháp luật không giao "
           "thẩm quyền này cho ai.")
    en += " This is about our data; it does not mean that the law gives this power to no one."
    return vi, en


WORDS = {
    "unit-not-in-force": unit_not_in_force,
    "unit-not-yet-in-force": unit_not_yet_in_force,
    "level-abolished": level_abolished,
    "held-at-lower-level": held_at_lower_level,
    "holder-not-in-data": holder_not_in_data,
    "power-not-yet-in-force": power_not_yet_in_force,
    "no-conferral-in-data": no_conferral_in_data,
}
