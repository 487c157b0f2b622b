"""The words of an explanation (vi first, en), from a finding of `thamquyen.explain`.

Each text says what the data shows and, where the answer is empty for want of data, that it is
about our data and not the law: a legal officer must never read "nobody holds it by law".
"""

from __future__ import annotations

from collections.abc import Callable

from .dates import day_after, vn_date

Name = Callable[[str | None], str]


def word(finding, day: str, name: Name) -> dict:
    """{"code", "vi", "en", "refs"} of a finding (explain.Finding) for the answer on `day`."""
    vi, en = WORDS[finding.code](finding.facts, day, name)
    return {"code": finding.code, "vi": vi, "en": en, "refs": list(dict.fromkeys(finding.refs))}


def listing(iris: list[str], count: int, name: Name) -> tuple[str, str]:
    """('A, B, C và 12 đơn vị khác', 'A, B, C and 12 more'): the first names, the rest counted
    (every node is in the explanation's refs)."""
    shown = ", ".join(name(i) for i in iris)
    rest = count - len(iris)
    if rest <= 0:
        return shown, shown
    return f"{shown} và {rest} đơn vị khác", f"{shown} and {rest} more"


def _bases(iris: list[str], name: Name) -> str:
    return "; ".join(name(i) for i in iris)


def unit_not_in_force(f: dict, day: str, name: Name) -> tuple[str, str]:
    """U ended before D: read as its successors (with the reorganizations' bases)."""
    unit, until = name(f["unit"]), vn_date(f["until"])
    vi = f"{unit} không còn là đơn vị hành chính vào ngày {vn_date(day)} (tồn tại đến hết ngày {until})."
    en = f"{unit} is no longer an administrative unit on {vn_date(day)} (it existed until {until})."
    bases = f["bases"]
    if f["successors"]:
        units_vi, units_en = listing(f["successors"], f["count"], name)
        cite = f" theo {_bases(bases, name)}" if bases else ""
        cite_en = f" under {_bases(bases, name)}" if bases else ""
        vi += f" Địa bàn của đơn vị này nay thuộc {units_vi}{cite}; câu trả lời được tính cho địa bàn đó."
        en += f" Its area now belongs to {units_en}{cite_en}; the answer is given for that area."
    elif f.get("through"):
        moves = f["through"]
        vi += " Dữ liệu không ghi việc sắp xếp của chính đơn vị này, nhưng " + "; ".join(
            f"{name(m['agency'])} được kế tục bởi {name(m['successor'])}"
            + (f" theo {name(m['basis'])}" if m["basis"] else "") for m in moves)
        en += " The data records no reorganization of the unit itself, but " + "; ".join(
            f"{name(m['agency'])} was succeeded by {name(m['successor'])}"
            + (f" under {name(m['basis'])}" if m["basis"] else "") for m in moves)
        since = [(name(m["unit"]), f" (từ ngày {vn_date(m['from'])})" if m["from"] else "",
                  f" (from {vn_date(m['from'])})" if m["from"] else "") for m in moves]
        vi += ": hãy hỏi về " + ", ".join(u + s for u, s, _ in since) + "."
        en += ": ask about " + ", ".join(u + s for u, _, s in since) + "."
    elif not f["reorganized"]:
        vi += " Dữ liệu không ghi việc sắp xếp nào chuyển địa bàn của đơn vị này cho đơn vị khác."
        en += " The data records no reorganization that hands its area to another unit."
    return vi, en


def unit_not_yet_in_force(f: dict, day: str, name: Name) -> tuple[str, str]:
    """U did not exist yet on D: the units it was formed from, if the data has them."""
    unit, start = name(f["unit"]), vn_date(f["from"])
    vi = f"{unit} chưa tồn tại vào ngày {vn_date(day)}: đơn vị này có từ ngày {start}."
    en = f"{unit} did not exist yet on {vn_date(day)}: it exists from {start}."
    if f["predecessors"]:
        units_vi, units_en = listing(f["predecessors"], f["count"], name)
        bases = _bases(f["bases"], name)
        cite_vi, cite_en = (f" theo {bases}", f" under {bases}") if bases else ("", "")
        return (vi + f" Nó được hình thành từ {units_vi}{cite_vi}; hãy hỏi về các đơn vị đó.",
                en + f" It was formed from {units_en}{cite_en}; ask about those units.")
    return (vi + " Hãy hỏi về một ngày từ ngày thành lập.",
            en + " Ask about a date from then on.")


def level_abolished(f: dict, day: str, name: Name) -> tuple[str, str]:
    """The unit's level (or the holder's) ended: the district level after 2025-06-30."""
    level, start = name(f["level"]), vn_date(day_after(f["until"]))
    cite = f" ({name(f['basis'])})" if f["basis"] else ""
    vi = f"Từ ngày {start} không còn {level}{cite}."
    en = f"From {start} the level “{level}” no longer exists{cite}."
    given_vi, given_en = _given_at_level(f, name)
    if f["unit"] is None:
        if f.get("conferralUntil"):
            return vi + given_vi, en + given_en
        return (vi + (given_vi or " Thẩm quyền được giao cho một chủ thể ở cấp này.")
                + " Không còn ai ở cấp đó giữ nó; hãy xem văn bản giao thẩm quyền thay thế.",
                en + (given_en or " The power is given to an authority at that level.")
                + " No one at that level holds it now; look for the text that replaced the "
                "conferral.")
    unit = name(f["unit"])
    vi += f" {unit} chỉ tồn tại đến hết ngày {vn_date(f['unitUntil'])}."
    en += f" {unit} existed until {vn_date(f['unitUntil'])}."
    if f["successors"]:
        units_vi, units_en = listing(f["successors"], f["count"], name)
        count = f["count"]
        vi += f" Địa bàn của nó nay thuộc {count} đơn vị: {units_vi}; hãy hỏi về từng đơn vị đó."
        en += (f" Its area now belongs to {units_en}; ask about that unit." if count == 1 else
               f" Its area now belongs to {count} units: {units_en}; ask about each of them.")
    return vi + given_vi, en + given_en


def _given_at_level(f: dict, name: Name) -> tuple[str, str]:
    """The sentence on the conferrals to holders of the ended level, if the finding has any."""
    if not f.get("holders"):
        return "", ""
    holders = ", ".join(name(h) for h in f["holders"])
    bases = _bases(f.get("conferralBases", []), name)
    cite_vi, cite_en = (f" theo {bases}", f" under {bases}") if bases else ("", "")
    if f.get("conferralUntil"):
        until = vn_date(f["conferralUntil"])
        return (f" Thẩm quyền này được giao cho {holders}{cite_vi} đến hết ngày {until}, khi cấp "
                "đó kết thúc; dữ liệu không có văn bản nào giao nó cho chủ thể khác từ ngày đó.",
                f" This power was given to {holders}{cite_en} until {until}, when that level "
                "ended; the data has no text giving it to another authority from then on.")
    return (f" Thẩm quyền này được giao cho {holders}{cite_vi}, một chủ thể ở cấp đó.",
            f" This power is given to {holders}{cite_en}, an authority at that level.")


def held_at_lower_level(f: dict, day: str, name: Name) -> tuple[str, str]:
    """U holds nothing here: the units below it do (each its own holder)."""
    unit = name(f["unit"])
    count = f["count"]
    shown = ", ".join(f"{name(u)} ({', '.join(name(h) for h in hs)})" for u, hs in f["units"])
    rest = count - len(f["units"])
    more_vi = f" và {rest} đơn vị khác" if rest > 0 else ""
    more_en = f" and {rest} more" if rest > 0 else ""
    return (f"Ở {unit} không có chủ thể chung giữ thẩm quyền này vào ngày {vn_date(day)}: "
            f"thẩm quyền thuộc cấp dưới, mỗi đơn vị do chủ thể của mình giữ — {count} đơn vị: "
            f"{shown}{more_vi}.",
            f"No single authority holds this power for {unit} on {vn_date(day)}: it is held at "
            f"the level below, each unit by its own authority — {count} units: "
            f"{shown}{more_en}.")


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


def power_no_longer_in_force(f: dict, day: str, name: Name) -> tuple[str, str]:
    """The last conferrals ended with their basis: where the power went, if the data says."""
    bases, ended = _bases(f["bases"], name), name(f["ended"])
    start = vn_date(day_after(f["endedOn"]))
    vi = (f"Thẩm quyền này không còn được giao từ ngày {start}: căn cứ giao nó ({bases}) hết "
          f"hiệu lực sau ngày {vn_date(f['until'])}")
    en = (f"This power is no longer given from {start}: the text that gave it ({bases}) ceased "
          f"to be in force after {vn_date(f['until'])}")
    if f["ended"] not in f["bases"]:
        vi += f" cùng với {ended}"
        en += f" with {ended}"
    if f["replacedBy"]:
        by = _bases(f["replacedBy"], name)
        since_vi = f" từ ngày {vn_date(f['replacedFrom'])}" if f["replacedFrom"] else ""
        since_en = f" from {vn_date(f['replacedFrom'])}" if f["replacedFrom"] else ""
        vi += (f", được thay thế bởi {by}{since_vi}. Dữ liệu không ghi quy định nào của văn bản "
               f"thay thế (hay văn bản sau đó) giao lại thẩm quyền này; hãy đối chiếu {by}.")
        en += (f", replaced by {by}{since_en}. The data records no provision of the new text (or "
               f"a later one) giving this power again; check {by}.")
    else:
        vi += ". Dữ liệu không ghi văn bản nào sau đó giao lại thẩm quyền này."
        en += ". The data records no later text giving this power again."
    return vi, en


def no_conferral_in_data(f: dict, day: str, name: Name) -> tuple[str, str]:
    """No conferral of the power in force on D in the data — about the data, not the law."""
    vi = f"Dữ liệu chưa có văn bản nào giao thẩm quyền này còn hiệu lực vào ngày {vn_date(day)}."
    en = f"Our data has no text in force on {vn_date(day)} that gives this power."
    if f.get("endedOn"):
        bases = _bases(f["bases"], name)
        vi += f" Văn bản cuối cùng trong dữ liệu ({bases}) hết hiệu lực sau ngày {vn_date(f['endedOn'])}."
        en += f" The last one in the data ({bases}) ended after {vn_date(f['endedOn'])}."
    if f.get("nextFrom"):
        vi += f" Văn bản tiếp theo trong dữ liệu có hiệu lực từ ngày {vn_date(f['nextFrom'])}."
        en += f" The next one in the data is in force from {vn_date(f['nextFrom'])}."
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
    "power-no-longer-in-force": power_no_longer_in_force,
    "no-conferral-in-data": no_conferral_in_data,
}
