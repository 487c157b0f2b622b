"""The check the tests/test_sector_*.py files share: who holds a power in a unit on a day, asked
of the shipped data (conftest's `shipped_kb`), compared with the holders or the explanation the
law (as modelled in data/) calls for.
"""

from __future__ import annotations

from datetime import date

ID = "https://w3id.org/thamquyen/id/"


def _iri(tail: str) -> str:
    """A full data IRI from its tail ("power/…", "unit/…"); a full IRI is kept."""
    return tail if tail.startswith("http") else f"{ID}{tail}"


def ask(kb, power: str, unit: str, day: date | str) -> dict:
    """The engine's answer for `power` (slug, tail or IRI) in `unit` (tail or IRI) on `day`."""
    power_iri = _iri(power if "/" in power else f"power/{power}")
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return kb.engine.who_holds(power_iri, _iri(unit), day)


def holder_tails(answer: dict) -> set[str]:
    """The holders of an answer as IRI tails ("agency/ubnd-29431")."""
    return {h["authority"].removeprefix(ID) for h in answer["holders"]}


def conferral_bases(answer: dict, holder: str) -> set[str]:
    """The legal bases (IRI tails) of the conferral steps by which `holder` holds the power."""
    found = {h["authority"]: h for h in answer["holders"]}
    assert _iri(holder) in found, answer
    return {step["basis"].removeprefix(ID) for step in found[_iri(holder)]["chain"]
            if step["step"] == "conferral"}


def assert_holds(kb, power: str, unit: str, day: date | str, expected: set[str] | str) -> dict:
    """Assert the holders of `power` in `unit` on `day` are exactly `expected` (IRI tails) or,
    when `expected` is an explanation code, that nobody holds it and the answer says why."""
    answer = ask(kb, power, unit, day)
    holders = holder_tails(answer)
    if isinstance(expected, str):
        codes = [e["code"] for e in answer.get("explanations", [])]
        assert not holders and expected in codes, answer
    else:
        assert holders == expected, answer
    return answer
