"""The coverage probe (tools/coverage_probe.py, issue 13) on the shipped data, and the acceptance
checks on districts it picks: questions since 2020 in units of Trà Vinh / Vĩnh Long and of two
provinces no data file names get a holder or an explanation that is not `no-conferral-in-data`.

The probe runs on a sample (every power × the sample units × one date a year and the days the
law changed); `tools/coverage_probe.py` runs the whole grid. No power is left with a gap
(GAPS_TODAY); a new one fails the test of the target, which lists its questions.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/thamquyen/id/"
TQ = "https://w3id.org/thamquyen/ontology#"
SAMPLE_DAYS = ["2020-01-01", "2021-01-01", "2022-01-01", "2023-01-01", "2024-01-01",
               "2024-08-01", "2025-03-01", "2025-06-30", "2025-07-01", "2025-11-01",
               "2026-01-01"]
# Powers with questions since 2020 answered by no-conferral-in-data on the shipped data (none since
# the specific land price of khoản 2 Điều 91 Luật Đất đai 2024 got its holder after 31/01/2026).
GAPS_TODAY = 0


def _load_probe():
    spec = importlib.util.spec_from_file_location("coverage_probe",
                                                  REPO / "tools" / "coverage_probe.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


probe = _load_probe()


@pytest.fixture(scope="module")
def kb(shipped_kb):
    """The shipped data on the persistent embedded store (conftest's `shipped_kb`)."""
    return shipped_kb


@pytest.fixture(scope="module")
def units(kb):
    """The probe's sample units."""
    return probe.default_units(kb)


@pytest.fixture(scope="module")
def outcome(kb, units):
    """Every power × the sample units × SAMPLE_DAYS."""
    return probe.probe(kb.engine, sorted(kb.engine.index.powers), units, SAMPLE_DAYS)


def _level(kb, unit: str) -> str:
    return kb.engine.index.unit_levels[unit].removeprefix(TQ)


def test_dates_are_quarterly_with_the_change_days():
    days = probe.probe_dates(dt.date(2025, 12, 1))
    assert days[:3] == ["2020-01-01", "2020-04-01", "2020-07-01"]
    assert set(probe.CHANGE_DAYS) <= set(days) and days[-1] == "2025-12-01"
    assert len(days) == 24 + 1 + 3  # 24 quarters, the day asked, 2024-08-01, 2025-03-01, 2025-11-01
    assert days == sorted(set(days))


def test_units_cover_every_level_before_and_after_2025_in_four_provinces(kb, units):
    groups = {s.group for s in units}
    assert {"Tỉnh Trà Vinh", "Tỉnh Vĩnh Long"} <= groups and len(groups) == 4
    text = probe.data_text()
    for group in groups - {"Tỉnh Trà Vinh", "Tỉnh Vĩnh Long"}:
        short = group.removeprefix("Tỉnh ").removeprefix("Thành phố ").lower()
        assert short not in text, group
        mine = [s.unit for s in units if s.group == group]
        assert not any(u.removeprefix(ID) in text for u in mine)
        levels = {(_level(kb, u), kb.engine.index.unit_validity[u][1] is None) for u in mine}
        assert {("ProvincialLevel", False), ("DistrictLevel", False), ("CommuneLevel", False),
                ("CommuneLevel", True)} <= levels, (group, levels)


def test_an_unknown_power_fails_the_probe(kb, units):
    """A power the data has no conferral for is reported on every question (the probe can fail)."""
    power = ID + "power/khong-co-trong-du-lieu"
    found = probe.probe(kb.engine, [power], units[:2], ["2024-01-01"])
    assert found.failing() == sorted((power, s.unit, "2024-01-01") for s in units[:2])
    assert all(found.answers[k] == ("no-conferral-in-data",) for k in found.failing())
    text = probe.report(found, {}, str, triples=True)
    assert "failing: 2 questions of 1 powers" in text and "khong-co-trong-du-lieu" in text


def test_table_counts_every_question_once_per_sector(kb, outcome):
    rows = probe.by_sector(outcome, kb.names.sectors)
    assert sum(r["questions"] for r in rows.values()) == len(outcome.answers)
    assert sum(r["powers"] for r in rows.values()) == len(kb.engine.index.powers)
    assert sum(r["nothing"] for r in rows.values()) == 0  # the engine always says why


def test_every_question_gets_a_holder_or_an_explanation(kb, outcome):
    failing = outcome.failing()
    assert len({power for power, _, _ in failing}) == GAPS_TODAY, "\n".join(
        probe.grouped(failing, outcome, lambda p: p.removeprefix(ID)))


# ---------------------------------------------------------------- acceptance: districts


def _districts(kb, units) -> list[str]:
    found = [s.unit for s in units if _level(kb, s.unit) == "DistrictLevel"]
    return [ID + "unit/845", *found]  # Cầu Kè (Trà Vinh), then one per sampled province


def _commune_power(kb, day: str) -> str:
    """A power every conferral of which at D names a commune-level role."""
    index = kb.engine.index
    for power in sorted(index.powers):
        active = [c for c in index.conferrals.get(power, ())
                  if (c.valid_from or "") <= day <= (c.valid_until or "9999")]
        if active and all(index.is_role(c.holder) and index.authorities[c.holder].level
                          == TQ + "CommuneLevel" for c in active):
            return power
    raise AssertionError(f"no commune power on {day}")


def test_a_district_after_2025_07_01_gets_level_abolished_with_its_communes(kb, units):
    day = dt.date(2025, 9, 1)
    power = _commune_power(kb, day.isoformat())
    index = kb.engine.index
    for district in _districts(kb, units):
        doc = kb.engine.who_holds(power, district, day)
        [item] = [e for e in doc["explanations"] if e["code"] == "level-abolished"]
        successors = [r for r in item["refs"] if r.startswith(ID + "unit/")]
        assert successors, (district, item)
        for unit in successors:  # communes in force, covering part of the district
            assert _level(kb, unit) == "CommuneLevel"
            assert index.unit_validity[unit][0] == "2025-07-01"
        assert kb.names.labels[successors[0]] in item["vi"], item["vi"]


def test_a_district_before_2025_07_01_gets_held_at_lower_level_with_its_communes(kb, units):
    day = dt.date(2024, 9, 1)
    power = _commune_power(kb, day.isoformat())
    index = kb.engine.index
    for district in _districts(kb, units):
        doc = kb.engine.who_holds(power, district, day)
        assert doc["holders"] == []
        [item] = [e for e in doc["explanations"] if e["code"] == "held-at-lower-level"]
        communes = {c for c in index.unit_children[district]
                    if probe.in_force(*index.unit_validity[c], day.isoformat())}
        assert set(item["refs"]) == communes, district
        assert kb.names.labels[sorted(communes)[0]] in item["vi"] or "đơn vị khác" in item["vi"]


def test_the_command_prints_json_and_exits_0_without_failures(kb, capsys):
    code = probe.main(["--power", "id:power/dang-ky-khai-sinh", "--at", "2024-01-01",
                       "--at", "2025-09-01", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["failing"] == [] and doc["dates"] == ["2024-01-01", "2025-09-01"]
    assert sum(row["questions"] for row in doc["sectors"].values()) == 2 * len(doc["units"])
