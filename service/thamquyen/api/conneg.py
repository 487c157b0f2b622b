"""Content negotiation: parse an Accept header (q-values, wildcards) and pick an offer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """One media range of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """-1 if it does not match, else its specificity (0 */*, 1 type/*, 2 exact)."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[Range]:
    """The media ranges of an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [Range("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            if media == "*":
                media = "*/*"
            else:
                continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        main, _, sub = media.partition("/")
        ranges.append(Range(main, sub, q))
    return ranges


def quality(ranges: Sequence[Range], media_type: str) -> float:
    """The q the client gives this media type (the most specific matching range wins)."""
    best, specificity = 0.0, -1
    for r in ranges:
        s = r.matches(media_type)
        if s > specificity:
            best, specificity = r.q, s
    return best if specificity >= 0 else 0.0


def negotiate(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers (ties go to the server's order), or None (→ 406)."""
    ranges = parse_accept(header)
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best


def prefers_html(header: str | None) -> bool:
    """True when the client asks for HTML explicitly (a browser), not just */*."""
    ranges = parse_accept(header)
    html = max((r.q for r in ranges if r.matches("text/html") == 2), default=0.0)
    return html > 0 and html >= max((r.q for r in ranges if r.matches("text/html") < 2
                                     and r.matches("text/html") >= 0), default=0.0)
