"""Citations in Vietnamese order: "khoản 2 Điều 14 Luật số 72/2025/QH15".

The data's provision labels often read "Điều 14 khoản 2 Luật …" (the order of a table of
contents); a lawyer cites the smallest part first. The parts are read from the label, else from
the IRI's tail (…/dieu-14/khoan-2/diem-a, docs/conventions.md).
"""

from __future__ import annotations

import re

PART = re.compile(r"\b(điểm|khoản|Điều|Mục|Chương|Phụ lục)\s+([0-9]+[a-zđ]?|[a-zđ]|[IVXLC]+)"
                  r"(?=[\s,.;:)]|$)", re.IGNORECASE)
ORDER = {"điểm": 0, "khoản": 1, "điều": 2, "mục": 3, "chương": 4, "phụ lục": 5}
CASE = {"điểm": "điểm", "khoản": "khoản", "điều": "Điều", "mục": "Mục", "chương": "Chương",
        "phụ lục": "Phụ lục"}
TAIL = re.compile(r"/(dieu|khoan|diem|muc|chuong|phu-luc)-([0-9a-z]+)", re.IGNORECASE)
TAIL_WORDS = {"dieu": "điều", "khoan": "khoản", "diem": "điểm", "muc": "mục",
              "chuong": "chương", "phu-luc": "phụ lục"}
QUALIFIER = re.compile(r"\s*(\([^()]*\))\s*$")


def parts_of(label: str, iri: str = "") -> list[tuple[str, str]]:
    """(kind, number) of a provision, smallest first: [("điểm", "a"), ("khoản", "2"), …]."""
    found = [(kind.lower(), number) for kind, number in PART.findall(label)]
    if not found and iri:
        found = [(TAIL_WORDS[kind.lower()], number) for kind, number in TAIL.findall(iri)]
    return sorted(found, key=lambda p: ORDER.get(p[0], 9))


def document_name(label: str) -> str:
    """The label without its provision parts: the document's own name."""
    rest = PART.sub("", label)
    return re.sub(r"\s+", " ", rest).strip(" ,")


def vietnamese_order(label: str, iri: str = "", doc_type: str | None = None,
                     number: str | None = None) -> str:
    """The citation of a provision or document, smallest part first; with the document's
    type and number when known ("Luật số 72/2025/QH15"), else the document's name."""
    parts = parts_of(label, iri)
    if not parts:  # a document: its name, with its number when the name does not hold it
        return f"{label} (số {number})" if number and label and number not in label else label
    name = document_name(label)
    if doc_type and number:
        # the label's closing remark ("(sửa đổi năm 2025)") tells two wordings of one provision apart
        qualifier = QUALIFIER.search(label)
        name = f"{doc_type[:1].upper()}{doc_type[1:]} số {number}"
        if qualifier:
            name += f" {qualifier.group(1)}"
    cited = " ".join(f"{CASE.get(kind, kind)} {num}" for kind, num in parts)
    return f"{cited} {name}".strip()
