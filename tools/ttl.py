"""Small Turtle writers shared by the generators in ``tools/`` (no RDF library: the output is
sorted, plain text, so a re-run gives byte-identical files)."""

from __future__ import annotations

from collections.abc import Iterable


def lit(text: str, lang: str | None = None) -> str:
    """A Turtle string literal."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{body}"@{lang}' if lang else f'"{body}"'


def date(value: str) -> str:
    """An xsd:date literal."""
    return f'"{value}"^^xsd:date'


def block(subject: str, pairs: Iterable[tuple[str, str]]) -> str:
    """One Turtle subject block; ``pairs`` are (predicate, object) in output order."""
    grouped: dict[str, list[str]] = {}
    for pred, obj in pairs:
        grouped.setdefault(pred, []).append(obj)
    body = [f"{pred} {' , '.join(objs)}" for pred, objs in grouped.items()]
    return f"<{subject}> " + " ;\n    ".join(body) + " .\n"
