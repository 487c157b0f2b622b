"""Name resolution (thamquyen.names): accents, Unicode forms, tone placement, abbreviations,
ambiguity — on a hand-built index, and on the engine fixtures (validity on a date)."""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from thamquyen import paths
from thamquyen.engine import Index
from thamquyen.names import ABBREVIATIONS, NameIndex, normalize
from thamquyen.namespaces import ID, TQ
from thamquyen.rdfio import InputError

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "engine"
F = "https://example.org/thamquyen-fixture/"
UNIT, AGENCY, POWER = str(TQ.AdministrativeUnit), str(TQ.Agency), str(TQ.Power)
CAU_KE = str(ID["unit/845"])
CAU_KE_TOWN = str(ID["unit/29500"])
UBND_CAU_KE = str(ID["agency/ubnd-845"])


@pytest.fixture
def names() -> NameIndex:
    """A small index written by hand (Trà Vinh names, both tone placements)."""
    index = Index()
    index.level_ranks = {str(TQ.ProvincialLevel): 1, str(TQ.DistrictLevel): 2,
                         str(TQ.CommuneLevel): 3}
    index.unit_levels = {CAU_KE: str(TQ.DistrictLevel), CAU_KE_TOWN: str(TQ.CommuneLevel)}
    n = NameIndex(index)
    entries = [
        (CAU_KE, UNIT, "Huyện Cầu Kè", False, "vi"),
        (CAU_KE, UNIT, "845", True, None),
        (CAU_KE_TOWN, UNIT, "Thị trấn Cầu Kè", False, "vi"),
        (UBND_CAU_KE, AGENCY, "Ủy ban nhân dân huyện Cầu Kè", False, "vi"),
        (str(ID["unit/842"]), UNIT, "Thành phố Trà Vinh", False, "vi"),
        (str(ID["unit/851"]), UNIT, "Thị xã Duyên Hải", False, "vi"),
        (str(ID["agency/hdnd-84"]), AGENCY, "Hội đồng nhân dân tỉnh Trà Vinh", False, "vi"),
        (str(ID["unit/29242"]), UNIT, "Xã Long Hòa", False, "vi"),
        (str(ID["unit/29999"]), UNIT, "Xã Mỹ Thuỷ", False, "vi"),
        (str(ID["power/a"]), POWER, "Cấp giấy phép xây dựng nhà ở riêng lẻ", False, "vi"),
        (str(ID["power/b"]), POWER, "Cấp giấy phép xây dựng công trình", False, "vi"),
    ]
    for entry in entries:
        n.add(*entry)
    return n


def test_folding_ignores_case_accents_and_unicode_form():
    nfd = unicodedata.normalize("NFD", "Cầu Kè")
    assert nfd != "Cầu Kè"
    assert normalize("Cầu Kè") == normalize("cau ke") == normalize("CẦU KÈ") == normalize(nfd)
    assert normalize("Đông Hòa") == "dong hoa"


def test_old_and_new_tone_placement_are_the_same():
    assert normalize("hòa") == normalize("hoà")
    assert normalize("thủy") == normalize("thuỷ")
    assert normalize("Khánh Hòa") == normalize("Khánh Hoà")


@pytest.mark.parametrize("text", ["cau ke", "CẦU KÈ", unicodedata.normalize("NFD", "Cầu Kè"),
                                  "Cầu Kè", "  huyen cau ke ", "845"])
def test_cau_ke_is_found(names, text):
    assert names.resolve(text, "unit") == CAU_KE


def test_bare_name_means_the_higher_unit(names):
    # "Cầu Kè" is both a district and a township: the district (rank 2) wins over rank 3
    assert names.resolve("cau ke", "unit") == CAU_KE
    assert names.resolve("thi tran cau ke", "unit") == CAU_KE_TOWN


@pytest.mark.parametrize("text, iri", [
    ("xa long hoa", str(ID["unit/29242"])),
    ("Xã Long Hoà", str(ID["unit/29242"])),
    ("xã mỹ thủy", str(ID["unit/29999"])),
    ("MỸ THUỶ", str(ID["unit/29999"])),
])
def test_tone_placement_in_lookups(names, text, iri):
    assert names.resolve(text, "unit") == iri


@pytest.mark.parametrize("text, kind, iri", [
    ("UBND huyện Cầu Kè", "agency", UBND_CAU_KE),
    ("ubnd huyen cau ke", "authority", UBND_CAU_KE),
    ("HĐND tỉnh Trà Vinh", "agency", str(ID["agency/hdnd-84"])),
    ("hdnd tinh tra vinh", None, str(ID["agency/hdnd-84"])),
    ("TP. Trà Vinh", "unit", str(ID["unit/842"])),
    ("tp tra vinh", "unit", str(ID["unit/842"])),
    ("TX. Duyên Hải", "unit", str(ID["unit/851"])),
    ("TT. Cầu Kè", "unit", CAU_KE_TOWN),
    ("tt cau ke", "unit", CAU_KE_TOWN),
])
def test_abbreviations_match_full_forms(names, text, kind, iri):
    assert normalize("UBND") == normalize("Ủy ban nhân dân")
    assert names.resolve(text, kind) == iri


def test_kind_restricts_the_candidates(names):
    assert names.resolve("cau ke", "agency") == UBND_CAU_KE
    with pytest.raises(InputError):
        names.resolve("tra vinh", "power")


def test_ambiguous_name_lists_the_candidates(names):
    with pytest.raises(InputError) as err:
        names.resolve("cap giay phep xay dung", "power")
    for label in ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Cấp giấy phép xây dựng công trình"):
        assert label in err.value.vi and label in err.value.en
    assert str(ID["power/a"]) in err.value.vi


def test_iris_and_prefixed_names(names):
    assert names.resolve(CAU_KE, "unit") == CAU_KE
    assert names.resolve("id:unit/845", "unit") == CAU_KE
    with pytest.raises(InputError):
        names.resolve("id:unit/845", "power")
    with pytest.raises(InputError):
        names.resolve("id:unit/000", "unit")
    with pytest.raises(InputError):
        names.resolve("khong co ten nay", "unit")


# ---------------------------------------------------------------- on the fixtures


def test_fixture_names(kb):
    assert kb.names.resolve("xa hoa lac", "unit") == F + "unit/99202"     # stored as "Hoà"
    assert kb.names.resolve("Huyện Đông Hoà", "unit") == F + "unit/991"   # stored as "Hòa"
    assert kb.names.resolve("tay thuy", "unit") == F + "unit/992"
    assert kb.names.resolve("UBND xã An Phú", "authority") == F + "agency/ubnd-99101"
    assert kb.names.resolve("99101", "unit") == F + "unit/99101"


def test_namesakes_are_told_apart_by_the_date(kb):
    # two "Xã Bắc Hà": one until 2023-12-31, its successor from 2024-01-01
    with pytest.raises(InputError) as err:
        kb.names.resolve("xa bac ha", "unit")
    assert F + "unit/99301" in err.value.vi and F + "unit/99103" in err.value.vi
    assert kb.names.resolve("xa bac ha", "unit", dt.date(2023, 12, 31)) == F + "unit/99301"
    assert kb.names.resolve("xa bac ha", "unit", dt.date(2024, 1, 1)) == F + "unit/99103"


# ---------------------------------------------------------------- phrases, exceptions, namesakes

HOUSES, OTHERS = str(ID["power/gpxd-nha-o"]), str(ID["power/gpxd-tru-nha-o"])


@pytest.fixture
def permits() -> NameIndex:
    """Two powers whose names hold the same words, one of them in an exception clause."""
    n = NameIndex(Index())
    n.add(HOUSES, POWER, "Cấp giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở "
                         "riêng lẻ", False, "vi")
    n.add(OTHERS, POWER, "Cấp giấy phép xây dựng đối với công trình phải có giấy phép trên địa "
                         "bàn tỉnh, trừ công trình cấp III, cấp IV và nhà ở riêng lẻ", False, "vi")
    n.add(str(ID["power/tru-so"]), POWER, "Bố trí trụ sở làm việc", False, "vi")
    return n


def test_words_in_an_exception_clause_do_not_count(permits):
    assert permits.resolve("giấy phép xây dựng nhà ở riêng lẻ", "power") == HOUSES
    assert permits.resolve("giay phep xay dung nha o rieng le", "power") == HOUSES
    assert permits.resolve("giấy phép xây dựng trên địa bàn tỉnh", "power") == OTHERS
    # "trụ sở" is not "trừ": no exception there
    assert permits.resolve("tru so", "power") == str(ID["power/tru-so"])
    assert "bo tri tru so lam viec" not in permits.positive


def test_a_phrase_ranks_before_scattered_words(names):
    names.add(str(ID["power/c"]), POWER, "Xây dựng kế hoạch cấp phép nhà ở", False, "vi")
    # "nha o rieng le" is a phrase of power/a only; power/c holds "nha o" but not as the query
    assert names.resolve("nhà ở riêng lẻ", "power") == str(ID["power/a"])
    hits = names.search("cap giay phep xay dung")
    assert [h["iri"] for h in hits][:2] == [str(ID["power/b"]), str(ID["power/a"])]


def test_search_ranks_phrase_outside_exception_first(permits):
    hits = permits.search("nha o rieng le")
    assert [h["iri"] for h in hits] == [HOUSES, OTHERS]
    words = permits.search("rieng le nha o")  # the words, not the phrase
    assert {h["iri"] for h in words} == {HOUSES, OTHERS}


def test_search_results_tell_namesakes_apart(kb):
    hits = kb.names.search("xa bac ha", "unit")
    assert [(h["iri"], h["description"]) for h in hits] == [
        (F + "unit/99103", "Xã Bắc Hà — Huyện Đông Hòa, Tỉnh Thử Nghiệm — từ 01/01/2024"),
        (F + "unit/99301", "Xã Bắc Hà — Huyện Bắc Sơn, Tỉnh Thử Nghiệm — đến 31/12/2023")]
    first = hits[0]
    assert first["parents"] == ["Huyện Đông Hòa", "Tỉnh Thử Nghiệm"]
    assert first["level"] == "cấp xã" and first["validFrom"] == "2024-01-01"
    assert first["validUntil"] is None
    agency = kb.names.search("ubnd xa bac ha", "agency")[0]
    assert agency["description"].endswith("— Huyện Đông Hòa, Tỉnh Thử Nghiệm — từ 01/01/2024")


def test_ambiguity_lists_candidates_with_what_tells_them_apart(kb):
    with pytest.raises(InputError) as err:
        kb.names.resolve("xa bac ha", "unit")
    assert "Xã Bắc Hà — Huyện Bắc Sơn, Tỉnh Thử Nghiệm — đến 31/12/2023" in err.value.vi
    assert "Xã Bắc Hà — Huyện Đông Hòa, Tỉnh Thử Nghiệm — từ 01/01/2024" in err.value.en


def _reference_normalize(text: str) -> str:
    """The definition of normalize(): strip each combining mark after NFD, then đ → d."""
    folded = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c)).replace("đ", "d")
    tokens = re.sub(r"[^\w]+", " ", folded).split()
    return " ".join(ABBREVIATIONS.get(t, t) for t in tokens)


def test_normalize_folds_like_its_definition() -> None:
    """The translate table of normalize() gives what the per-character definition gives, on the
    names of the project's data and on random text over Vietnamese and other scripts."""
    texts = ["Đà Nẵng", "ĐẶNG", "Ủy ban nhân dân TP. Hồ Chí Minh", "thị xã Sơn Tây (trừ …)", ""]
    for path in sorted(paths.data_dir().rglob("*.ttl"))[:40]:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if isinstance(quad.object, ox.Literal):
                texts.append(quad.object.value)
    alphabet = "aăâeêioôơuưyđĐ AĂÂÊÔƠỰ́̀̉̃-.,()" + "".join(map(chr, range(0x300, 0x370))) \
        + "ñçøßİıﬁ日本Ωא١٢ỹỳ"
    rng = random.Random(20261205)
    texts += ["".join(rng.choices(alphabet, k=rng.randint(1, 30))) for _ in range(3000)]
    assert len(texts) > 3000
    for text in texts:
        assert normalize(text) == _reference_normalize(text), text
