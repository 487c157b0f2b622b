"""`thamquyen who-holds` and `powers-of` on the engine fixtures, given as extra PATHs:
exit 0 found / 3 no holder / 2 bad input, and `--format json` equal to the engine's document.

THAMQUYEN_HOME points at a folder with an empty data/, so the answers do not depend on the
shipped data; one run goes through a real subprocess.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from thamquyen import cli

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "engine"
F = "https://example.org/thamquyen-fixture/"


@pytest.fixture(scope="module")
def home(fixture_home):
    """A project folder with the real ontology, shapes and queries and an empty data/."""
    return fixture_home



def run(capsys, *args: str) -> tuple[int, str, str]:
    """thamquyen ARGS… in this process, with the fixtures as extra PATH."""
    code = cli.main([*args, str(FIXTURES)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_equals_the_engine_document(kb, capsys):
    code, out, _ = run(capsys, "who-holds", F + "power/dang-ky-dat-dai", "--in", F + "unit/99101",
                       "--at", "2024-06-01", "--format", "json")
    assert code == 0
    expected = kb.with_sources(kb.engine.who_holds(F + "power/dang-ky-dat-dai", F + "unit/99101",
                                                   dt.date(2024, 6, 1)))
    assert json.loads(out) == expected
    assert [h["authority"] for h in expected["holders"]] == [F + "post/pho-chu-tich-ubnd-99101"]


def test_names_instead_of_iris(kb, capsys):
    code, out, _ = run(capsys, "who-holds", "khai thac cat", "--in", "XÃ CÁT TIÊN",
                       "--at", "2024-06-01", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["power"] == F + "power/khai-thac-cat" and doc["in"] == F + "unit/99201"
    assert [h["authority"] for h in doc["holders"]] == [F + "agency/ubnd-992"]
    # a unit code, and a namesake told apart by the date
    code, out, _ = run(capsys, "who-holds", F + "power/khai-thac-cat", "--in", "xa bac ha",
                       "--at", "2023-12-31", "--format", "json")
    assert code == 0 and json.loads(out)["in"] == F + "unit/99301"


def test_text_answer_in_vietnamese(capsys):
    code, out, _ = run(capsys, "who-holds", F + "power/cap-phep-xay-dung", "--in", "99101",
                       "--at", "2024-12-31")
    assert code == 0
    assert "Thẩm quyền: Cấp giấy phép xây dựng thử nghiệm" in out
    assert "Địa bàn: Xã An Phú" in out and "Ngày: 31/12/2024" in out
    assert "Phòng Tài nguyên và Môi trường huyện Đông Hòa" in out
    assert "được ủy quyền" in out and "được phân cấp" in out


def test_no_holder_exits_3(capsys):
    code, out, _ = run(capsys, "who-holds", F + "power/chua-giao", "--at", "2024-06-01",
                       "--format", "json")
    assert code == 3 and json.loads(out)["holders"] == []
    code, out, _ = run(capsys, "who-holds", F + "power/cap-chung-chi", "--at", "2020-01-01")
    assert code == 3 and "Không có chủ thể nào" in out
    code, _, _ = run(capsys, "who-holds", F + "power/cap-chung-chi", "--at", "2019-12-31")
    assert code == 0


def test_text_answer_explains_an_empty_result(capsys):
    code, out, _ = run(capsys, "who-holds", F + "power/cap-chung-chi", "--at", "2020-01-01")
    assert code == 3
    assert "Giải thích:" in out and "[no-conferral-in-data]" in out
    assert "không có nghĩa là pháp luật không giao" in out
    code, out, _ = run(capsys, "who-holds", F + "power/cap-chung-chi", "--at", "2020-01-01",
                       "--lang", "en")
    assert code == 3
    assert "Why:" in out and "No authority holds this power" in out
    assert "does not mean that the law gives this power to no one" in out


def test_text_answer_explains_a_unit_read_as_its_successors(capsys):
    code, out, _ = run(capsys, "who-holds", F + "power/khai-thac-cat", "--in", F + "unit/990",
                       "--at", "2024-06-01")
    assert code == 0
    assert "[unit-not-in-force]" in out and "Huyện Đông Hòa, Huyện Tây Thủy" in out


@pytest.mark.parametrize("args, needle", [
    (["who-holds", F + "power/khai-thac-cat", "--at", "2024-02-30"], "YYYY-MM-DD"),
    (["who-holds", F + "power/khai-thac-cat", "--at", "01/06/2024"], "YYYY-MM-DD"),
    (["who-holds", "khong co tham quyen nay", "--at", "2024-06-01"], "không tìm thấy"),
    (["who-holds", F + "power/khong-co", "--at", "2024-06-01"], "không tìm thấy"),
    (["who-holds", F + "power/khai-thac-cat", "--in", "khong co xa nay"], "không tìm thấy"),
    (["who-holds", "thu nghiem", "--at", "2024-06-01"], "Quản lý bến đò thử nghiệm"),
    (["powers-of", "khong co co quan nay"], "không tìm thấy"),
])
def test_bad_input_exits_2(capsys, args, needle):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert needle in err


def test_ambiguous_name_lists_every_candidate(capsys):
    code, _, err = run(capsys, "who-holds", "thu nghiem", "--at", "2024-06-01")
    assert code == 2
    for label in ("Quản lý chợ thử nghiệm", "Đăng ký đất đai thử nghiệm",
                  "Cấp giấy phép khai thác cát thử nghiệm"):
        assert label in err
    assert F + "power/quan-ly-cho" in err


def test_unknown_path_exits_2(capsys, tmp_path):
    code = cli.main(["who-holds", F + "power/khai-thac-cat", str(tmp_path / "khong-co.ttl")])
    _, err = capsys.readouterr()
    assert code == 2 and "khong-co.ttl" in err


def test_broken_turtle_exits_2(capsys, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix tq: <https://w3id.org/thamquyen/ontology#> .\n<a> tq:x \n",
                   encoding="utf-8")
    code = cli.main(["who-holds", F + "power/khai-thac-cat", str(FIXTURES), str(bad)])
    _, err = capsys.readouterr()
    assert code == 2 and "bad.ttl" in err


def test_powers_of(kb, capsys):
    code, out, _ = run(capsys, "powers-of", F + "agency/ubnd-991", "--at", "2024-06-01",
                       "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc == kb.engine.powers_of(F + "agency/ubnd-991", dt.date(2024, 6, 1))
    assert {p["power"] for p in doc["powers"]} >= {
        F + "power/khai-thac-cat", F + "power/quan-ly-cho", F + "power/quan-ly-ben-do",
        F + "power/cap-phep-xay-dung"}
    code, out, _ = run(capsys, "powers-of", "Hội đồng nhân dân tỉnh Thử Nghiệm",
                       "--at", "2024-06-01")
    assert code == 3 and "Không có thẩm quyền nào" in out


def test_subprocess_console_run(kb, home):
    env = {**os.environ, "THAMQUYEN_HOME": str(home), "THAMQUYEN_WORKDIR": str(home / ".work"),
           "PYTHONIOENCODING": "utf-8"}
    args = [sys.executable, "-m", "thamquyen.cli", "who-holds", F + "power/bien-quang-cao",
            "--in", F + "unit/99201", "--at", "2025-12-31", "--format", "json", str(FIXTURES)]
    done = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", env=env,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == kb.with_sources(kb.engine.who_holds(
        F + "power/bien-quang-cao", F + "unit/99201", dt.date(2025, 12, 31)))
    done = subprocess.run([*args[:4], F + "power/chua-giao", "--at", "2024-06-01", str(FIXTURES)],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
                          check=False)
    assert done.returncode == 3
    done = subprocess.run([*args[:4], F + "power/chua-giao", "--at", "hôm qua", str(FIXTURES)],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
                          check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_text_answer_in_english(capsys):
    code, out, _ = run(capsys, "who-holds", F + "power/cap-phep-xay-dung", "--in", "99101",
                       "--at", "2024-12-31", "--lang", "en")
    assert code == 0
    assert "Power: Cấp giấy phép xây dựng thử nghiệm" in out and "Date: 31/12/2024" in out
    assert "authorized (ủy quyền) by" in out and "decentralized (phân cấp) by" in out
    assert "conferred by law" in out and "Giải thích" not in out
