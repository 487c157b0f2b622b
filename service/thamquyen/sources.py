"""Official publications and secondary sources of the legal texts the data cites.

A lawyer cites a text from its official publication: the Official Gazette (Công báo), the
Government's or the National Assembly's publication of the text, the national database of legal
documents, or the issuing province's portal for a provincial decision. Law-firm blogs, news and
copies are secondary: kept as a second `dcterms:source`, shown after the official one.

`OFFICIAL_HOSTS` is the one list of hosts counted as official (tests/test_sources.py, the
answers and the pages read it); each entry says why. A host matches exactly, with or without
"www." — a subdomain is not official unless listed (chinhsachonline.chinhphu.vn answers
questions, it does not publish texts).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

OFFICIAL_HOSTS: dict[str, str] = {
    # national publications of legal texts
    "congbao.chinhphu.vn": "Công báo nước CHXHCN Việt Nam, published by the Government Office "
                           "(Văn phòng Chính phủ): the official gazette of legal documents",
    "vanban.chinhphu.vn": "Hệ thống văn bản of the Government portal: the texts as issued, "
                          "with the signed file",
    "datafiles.chinhphu.vn": "the signed PDF files that vanban.chinhphu.vn links to",
    "chinhphu.vn": "Cổng Thông tin điện tử Chính phủ (Government portal), which publishes the "
                   "texts it issues",
    "xaydungchinhsach.chinhphu.vn": "the Government portal's policy section, which publishes the "
                                    "full text (toàn văn) of new laws and decrees",
    "quochoi.vn": "Cổng thông tin điện tử Quốc hội: the laws and resolutions as passed",
    "vbpl.vn": "Cơ sở dữ liệu quốc gia về văn bản pháp luật, kept by the Ministry of Justice",
    "moj.gov.vn": "Ministry of Justice portal; its /vbpq pages are the same national database "
                  "of legal documents as vbpl.vn",
    # provincial portals: the issuer's own publication of a provincial decision
    "doanhnghiep.vinhphuc.gov.vn": "portal of Vĩnh Phúc province (the business section), where "
                                   "the province published its Quyết định số 36/2020/QĐ-UBND",
}

KIND_WORDS = {"official": ("Công báo / văn bản chính thức", "official"),
              "secondary": ("nguồn thứ cấp", "secondary")}


def host_of(url: str) -> str:
    """The host of a URL, lower-case, without "www."."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def is_official(url: str) -> bool:
    """True if the URL is on a host of OFFICIAL_HOSTS."""
    return host_of(url) in OFFICIAL_HOSTS


def source_entry(url: str) -> dict:
    """One source as the JSON answer gives it: URL, kind and the kind's words (vi, en)."""
    kind = "official" if is_official(url) else "secondary"
    vi, en = KIND_WORDS[kind]
    return {"url": url, "kind": kind, "vi": vi, "en": en}


def ordered_sources(urls: Iterable[str]) -> list[dict]:
    """The web sources among URLs, official publications first, each once, order kept
    otherwise; data IRIs (https://w3id.org/thamquyen/…) are not web sources."""
    seen = list(dict.fromkeys(u for u in urls if u.startswith(("http://", "https://"))
                              and not u.startswith("https://w3id.org/thamquyen/")))
    entries = [source_entry(u) for u in seen]
    return sorted(entries, key=lambda e: e["kind"] != "official")
