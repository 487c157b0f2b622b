"""`thamquyen import procedures|delegations`: the shipped samples, a faulty register, unreadable
input, csv variants, and spreadsheets in the same layouts built here from scratch.

One ImportContext (ontology + data/ + tests/fixtures/import/) is loaded per module and shared:
loading the national data takes a while, each import after that is quick.

Every written file is validated again from disk. Procedure lists: `thamquyen validate OUT.ttl`.
Delegations: the full `thamquyen validate` of a file with delegations takes many minutes on the
national data (the SPARQL rules), so by default the file is re-validated with the incremental
validator (thamquyen.incremental: the same report for the nodes the file adds); set
THAMQUYEN_SLOW_TESTS=1 to also run the full `thamquyen validate OUT.ttl`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from openpyxl import Workbook
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from thamquyen import cli
from thamquyen.importers import (
    DelegationImporter,
    ImportContext,
    Options,
    ProcedureImporter,
    run_import,
)
from thamquyen.importers.table import Column, match_column
from thamquyen.importers.text import (
    DateError,
    amounts_vnd,
    doc_numbers_in,
    parse_date,
    parse_doc_number,
    staff_quotas,
)
from thamquyen.incremental import validate_change
from thamquyen.rdfio import read_turtle

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FIXTURE = ROOT / "tests" / "fixtures" / "import"
TQ = rdflib.Namespace("https://w3id.org/thamquyen/ontology#")
ID = rdflib.Namespace("https://w3id.org/thamquyen/id/")
XSD_DATE = rdflib.URIRef("http://www.w3.org/2001/XMLSchema#date")


# ------------------------------------------------------------------------------ helpers

@pytest.fixture(scope="module")
def ctx() -> ImportContext:
    """Ontology + data/ + the fixture powers, read once for the module."""
    return ImportContext.load([FIXTURE])


def run(kind: str, file: Path, out: Path, ctx: ImportContext | None = None,
        lang: str = "vi") -> tuple[int, str, str]:
    """Run one import in-process; (exit code, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    importer = ProcedureImporter() if kind == "procedures" else DelegationImporter()
    context = ctx if ctx is not None else _must_not_load
    code = run_import(importer, file, out, [FIXTURE],
                      Options(lang=lang, quiet=True, stdout=stdout, stderr=stderr), context)
    return code, stdout.getvalue(), stderr.getvalue()


def _must_not_load() -> ImportContext:
    raise AssertionError("the graph must not be loaded for a file that cannot be read")


def validate_cli(*paths: Path) -> int:
    """`thamquyen validate PATH…` in-process: the CLI contract of the written file."""
    return cli.main(["validate", *map(str, paths)])


def revalidate_delegations(ctx: ImportContext, out: Path, *extra: Path) -> None:
    """Validate a written file of delegations again, read from disk: incrementally against the
    shipped graph always, and with the full `thamquyen validate` when THAMQUYEN_SLOW_TESTS=1."""
    report = validate_change(read_turtle(out), ctx.base, ctx.shapes)
    violations = [r.as_json() for r in report.results if r.severity == "Violation"]
    assert not violations, violations
    if os.environ.get("THAMQUYEN_SLOW_TESTS"):
        assert validate_cli(out, *extra) == 0


def graph_of(path: Path) -> rdflib.Graph:
    """The written Turtle."""
    return rdflib.Graph().parse(path, format="turtle")


def of_type(g: rdflib.Graph, cls: rdflib.URIRef) -> set:
    """Subjects of a class."""
    return set(g.subjects(RDF.type, cls))


# ------------------------------------------------------------------------------ samples

def test_annex_sample_conforms(ctx: ImportContext, tmp_path: Path) -> None:
    """The “công bố” annex: title rows, group rows setting level and sector, 15 procedures."""
    out = tmp_path / "annex.ttl"
    code, stdout, stderr = run("procedures", SAMPLES / "danh-muc-tthc-cap-xa.xlsx", out, ctx)
    assert code == 0, stderr
    g = graph_of(out)
    procedures = of_type(g, TQ.Procedure)
    assert len(procedures) == 15
    birth = ID["procedure/1.001193"]
    assert birth in procedures
    assert g.value(birth, TQ.procedureCode) == rdflib.Literal("1.001193")
    assert g.value(birth, SKOS.prefLabel) == rdflib.Literal("Thủ tục đăng ký khai sinh", lang="vi")
    for node in procedures:
        assert g.value(node, TQ.competentAuthority) == ID["role/ubnd-cap-xa"]  # from the title
        assert g.value(node, TQ.implementingAuthority) == ID["role/ubnd-cap-xa"]
        assert g.value(node, TQ.procedureLevel) == TQ.CommuneLevel  # group row A.
        assert g.value(node, TQ.sector) == TQ["sector-ho-tich"]  # group row I.
        bases = set(g.objects(node, TQ.legalBasis))  # 123/2015/NĐ-CP too once data/ has it
        assert ID["doc/60-2014-qh13"] in bases
        assert bases <= {ID["doc/60-2014-qh13"], ID["doc/123-2015-nd-cp"]}
        source = str(g.value(node, DCTERMS.source))
        assert source.startswith("danh-muc-tthc-cap-xa.xlsx, dòng ") and "/" not in source
    assert g.value(birth, TQ.fee).language == "vi"
    assert "2 dòng nhóm, 1 dòng trống: dòng 16)" in stdout
    if ID["doc/123-2015-nd-cp"] not in set(g.objects(None, TQ.legalBasis)):
        assert "123/2015/NĐ-CP" in stdout  # a basis not in the graph is a warning, not dropped
    assert validate_cli(out) == 0


def test_national_csv_sample_conforms(ctx: ImportContext, tmp_path: Path) -> None:
    """The national database's column names, comma-separated UTF-8."""
    out = tmp_path / "national.ttl"
    code, _, stderr = run("procedures", SAMPLES / "tthc-csdl-quoc-gia.csv", out, ctx)
    assert code == 0, stderr
    g = graph_of(out)
    assert len(of_type(g, TQ.Procedure)) == 8
    foreign = ID["procedure/2.000528"]
    assert g.value(foreign, TQ.procedureLevel) == TQ.DistrictLevel
    assert g.value(foreign, TQ.competentAuthority) == ID["role/ubnd-cap-huyen"]
    assert validate_cli(out) == 0


def test_register_sample_conforms(ctx: ImportContext, tmp_path: Path) -> None:
    """The delegation register: 12 lawful rows, instruments, resources, oversight."""
    out = tmp_path / "register.ttl"
    code, stdout, stderr = run("delegations", SAMPLES / "so-dang-ky-phan-cap-uy-quyen.xlsx", out,
                               ctx)
    assert code == 0, stderr
    g = graph_of(out)
    decentralizations = of_type(g, TQ.Decentralization)
    authorizations = of_type(g, TQ.Authorization)
    assert len(decentralizations) == 6 and len(authorizations) == 6
    assert all(g.value(a, TQ.validUntil) is not None for a in authorizations)
    # row 6: phân cấp by a normative decision of UBND tỉnh, two oversight bodies
    first = ID["delegation/15-2023-qd-ubnd-6"]
    doc = ID["doc/15-2023-qd-ubnd"]
    assert g.value(first, TQ.instrument) == doc
    assert g.value(first, TQ.delegator) == ID["agency/ubnd-84"]
    assert g.value(first, TQ.delegate) == ID["role/ubnd-cap-huyen"]
    assert set(g.objects(first, TQ.oversightBy)) == {ID["agency/so-xay-dung-84"],
                                                      ID["agency/thanh-tra-84"]}
    assert g.value(doc, TQ.documentType) == TQ.Decision
    assert g.value(doc, TQ.normative) == rdflib.Literal(True)
    assert g.value(doc, TQ.dateIssued) == rdflib.Literal("2023-07-20", datatype=XSD_DATE)
    resources = g.value(first, TQ.resources)
    assert (resources, RDF.type, TQ.ResourceAllocation) in g
    assert Decimal(str(g.value(resources, TQ.budget))) == Decimal(300_000_000)
    assert "300 triệu" in str(g.value(resources, RDFS.comment))
    # rows 7 and 8 share one individual decision (no year: the IRI gets the year of issue)
    shared = ID["doc/1520-qd-ubnd-2023"]
    assert g.value(ID["delegation/1520-qd-ubnd-7"], TQ.instrument) == shared
    assert g.value(ID["delegation/1520-qd-ubnd-8"], TQ.instrument) == shared
    assert g.value(shared, TQ.normative) == rdflib.Literal(False)
    assert g.value(g.value(ID["delegation/1520-qd-ubnd-7"], TQ.resources),
                   TQ.staffQuota) == rdflib.Literal(2)
    # row 9: a post delegates; row 11: an Excel serial date; row 12: no onward delegation
    assert g.value(ID["delegation/2145-qd-ubnd-9"], TQ.delegator) == ID["post/chu-tich-ubnd-84"]
    assert g.value(ID["delegation/312-qd-ubnd-11"], TQ.validFrom) == \
        rdflib.Literal("2024-05-10", datatype=XSD_DATE)
    assert g.value(ID["delegation/08-2024-qd-ubnd-12"], TQ.onwardDelegation) == \
        rdflib.Literal(False)
    assert "12 dòng dữ liệu" in stdout
    assert "<doc/15-2023-qd-ubnd>" in out.read_text(encoding="utf-8")  # relative to @base
    revalidate_delegations(ctx, out)


def test_bad_register_rejected_nothing_written(ctx: ImportContext, tmp_path: Path) -> None:
    """Each faulty row is reported with its number and reason; OUT is not created."""
    out = tmp_path / "bad.ttl"
    code, _, stderr = run("delegations", SAMPLES / "so-dang-ky-loi.xlsx", out, ctx)
    assert code == 1
    assert not out.exists()
    lines = stderr.splitlines()

    def row(n: int) -> str:
        found = [line for line in lines if line.startswith(f"Dòng {n}:")]
        assert found, f"row {n} not reported:\n{stderr}"
        return " ".join(found)

    assert not any(line.startswith("Dòng 6:") for line in lines)  # the good row
    assert "không tìm thấy cơ quan “Sở Xây dng tỉnh Trà Vinh” (cột Bên nhận)" in row(7)
    assert "gợi ý: Sở Xây dựng tỉnh Trà Vinh" in row(7)
    assert "vi phạm R2" in row(8)
    assert "vi phạm R6" in row(9)
    assert "31/02/2024" in row(10) and "Hiệu lực từ" in row(10)
    assert "vi phạm R4" in row(11)
    assert "KHÔNG GHI" in stderr


def test_bad_register_in_english(ctx: ImportContext, tmp_path: Path) -> None:
    """--lang en renders the same report in English."""
    out = tmp_path / "bad.ttl"
    code, _, stderr = run("delegations", SAMPLES / "so-dang-ky-loi.xlsx", out, ctx, lang="en")
    assert code == 1 and not out.exists()
    assert "Row 7: no authority matches “Sở Xây dng tỉnh Trà Vinh” (column Bên nhận)" in stderr
    assert "Row 8: violates R2" in stderr
    assert "NOTHING WRITTEN" in stderr


# ------------------------------------------------------------------------------ unreadable input

def test_missing_required_column_exits_2(tmp_path: Path) -> None:
    """No Tên thủ tục column: exit 2 with what is missing and how to fix it; nothing loaded."""
    bad = tmp_path / "no-name.csv"
    bad.write_text("Mã thủ tục,Lĩnh vực,Cấp thực hiện\n1.001193,Hộ tịch,Cấp Xã\n", encoding="utf-8")
    out = tmp_path / "out.ttl"
    code, _, stderr = run("procedures", bad, out)
    assert code == 2 and not out.exists()
    assert "thiếu cột bắt buộc: Tên thủ tục" in stderr and "Tên TTHC" in stderr
    assert "Mã thủ tục, Lĩnh vực, Cấp thực hiện" in stderr


def test_missing_register_column_exits_2_via_cli(tmp_path: Path) -> None:
    """The console command: exit 2 and a Vietnamese message, without a traceback."""
    bad = tmp_path / "register.csv"
    bad.write_text("Số hiệu;Ngày ban hành;Cơ quan ban hành;Loại;Thẩm quyền\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "thamquyen.cli", "import", "delegations",
                           str(bad), "-o", str(tmp_path / "o.ttl")],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert "Bên nhận" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o.ttl").exists()


@pytest.mark.parametrize(("name", "content"), [
    ("broken.xlsx", b"this is not a zip file"),
    ("utf16.csv", "Tên thủ tục;Mã TTHC\nĐăng ký\n".encode("utf-16")),
    ("list.ods", b"anything"),
])
def test_unreadable_files_exit_2(tmp_path: Path, name: str, content: bytes) -> None:
    """A damaged xlsx, a csv that is not UTF-8, an unsupported format: exit 2."""
    path = tmp_path / name
    path.write_bytes(content)
    code, _, stderr = run("procedures", path, tmp_path / "out.ttl")
    assert code == 2 and stderr.startswith("Lỗi: ")
    assert not (tmp_path / "out.ttl").exists()


def test_missing_file_exits_2(tmp_path: Path) -> None:
    """A FILE that does not exist."""
    code, _, stderr = run("delegations", tmp_path / "nope.xlsx", tmp_path / "out.ttl")
    assert code == 2 and "không tìm thấy tệp" in stderr


# ------------------------------------------------------------------------------ csv variants

def test_csv_with_bom_and_semicolons(ctx: ImportContext, tmp_path: Path) -> None:
    """Excel's “CSV UTF-8” with a BOM and `;` as separator (the Vietnamese locale)."""
    rows = list(csv.reader(io.StringIO((SAMPLES / "tthc-csdl-quoc-gia.csv")
                                       .read_text(encoding="utf-8"))))
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=";", lineterminator="\r\n").writerows(rows)
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.getvalue().encode("utf-8"))
    out = tmp_path / "bom.ttl"
    code, _, stderr = run("procedures", path, out, ctx)
    assert code == 0, stderr
    g = graph_of(out)
    assert len(of_type(g, TQ.Procedure)) == 8
    assert g.value(ID["procedure/1.001193"], TQ.fee) is not None  # "Phí, lệ phí" column found


# ------------------------------------------------------------------------------ unshipped files

def _workbook(rows: list[list]) -> Workbook:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    return book


def test_unshipped_annex_other_order_extra_columns(ctx: ImportContext, tmp_path: Path) -> None:
    """An annex built here: other column order, extra columns, header in row 4, a level group
    (cấp huyện) then a sector group, a numeric code cell, a multi-line cell."""
    book = _workbook([
        ["QUYẾT ĐỊNH CÔNG BỐ DANH MỤC THỦ TỤC HÀNH CHÍNH"],
        ["Phụ lục kèm theo Quyết định (dữ liệu kiểm thử)"],
        [],
        ["Tên thủ tục hành chính", "Ghi chú", "STT", "Cơ quan thực hiện", "Mức độ DVC",
         "Mã số TTHC", "Thời hạn giải quyết (ngày làm việc)", "Lệ phí", "Căn cứ pháp lý"],
        ["B. THỦ TỤC HÀNH CHÍNH CẤP HUYỆN"],
        ["I", "LĨNH VỰC HỘ TỊCH"],
        ["Thủ tục đăng ký kết hôn có\nyếu tố nước ngoài", "", 1, "UBND cấp huyện", "Toàn trình",
         "2.000806", "", "", "Luật Hộ tịch số 60/2014/QH13"],
        ["Thủ tục đăng ký khai sinh có yếu tố nước ngoài", "mẫu", 2,
         "Ủy ban nhân dân cấp huyện.", "Một phần", 2.000528,
         "", "", ""],
        [],
    ])
    path = tmp_path / "annex-khac.xlsx"
    book.save(path)
    out = tmp_path / "annex-khac.ttl"
    code, stdout, stderr = run("procedures", path, out, ctx)
    assert code == 0, stderr + stdout
    g = graph_of(out)
    for code_text in ("2.000806", "2.000528"):
        node = ID[f"procedure/{code_text}"]
        assert g.value(node, TQ.procedureCode) == rdflib.Literal(code_text)
        assert g.value(node, TQ.procedureLevel) == TQ.DistrictLevel
        assert g.value(node, TQ.sector) == TQ["sector-ho-tich"]
        assert g.value(node, TQ.competentAuthority) == ID["role/ubnd-cap-huyen"]
    label = g.value(ID["procedure/2.000806"], SKOS.prefLabel)
    assert str(label) == "Thủ tục đăng ký kết hôn có yếu tố nước ngoài"
    assert "lấy Cơ quan thực hiện" in stdout  # no competent column, no title phrase: a warning


def test_unshipped_register_other_order_fixture_power(ctx: ImportContext, tmp_path: Path) -> None:
    """A register built here: other column order and names, an extra column, title rows, a
    power that only the extra PATH (tests/fixtures/import/) defines."""
    book = _workbook([
        ["SỔ THEO DÕI VĂN BẢN ỦY QUYỀN (dữ liệu kiểm thử)"],
        ["STT", "Loại", "Số, ký hiệu", "Ngày ký", "Cơ quan, người ban hành", "Bên nhận",
         "Nhiệm vụ, quyền hạn", "Trích yếu", "Từ ngày", "Đến ngày", "Cơ quan thanh tra, kiểm tra",
         "Nguồn lực", "Ghi chú"],
        [1, "ủy quyền", "1700 / QĐ-UBND", dt.date(2024, 2, 1), "Ủy ban nhân dân tỉnh Trà Vinh",
         "Sở Tư pháp tỉnh Trà Vinh", "Tổng hợp tình hình và thống kê hộ tịch báo cáo Bộ Tư pháp",
         "V/v ủy quyền thống kê hộ tịch", "05/02/2024", "31/12/2024", "Thanh tra tỉnh Trà Vinh",
         "1,5 tỷ đồng", ""],
    ])
    path = tmp_path / "so-khac.xlsx"
    book.save(path)
    out = tmp_path / "so-khac.ttl"
    code, stdout, stderr = run("delegations", path, out, ctx)
    assert code == 0, stderr + stdout
    g = graph_of(out)
    node = ID["delegation/1700-qd-ubnd-3"]
    assert (node, RDF.type, TQ.Authorization) in g
    assert g.value(node, TQ.power) == ID["power/thong-ke-ho-tich-bao-cao-bo-tu-phap"]
    assert g.value(node, TQ.delegate) == ID["agency/so-tu-phap-84"]
    doc = g.value(node, TQ.instrument)
    assert g.value(doc, TQ.documentNumber) == rdflib.Literal("1700/QĐ-UBND")
    budget = g.value(g.value(node, TQ.resources), TQ.budget)
    assert Decimal(str(budget)) == Decimal(1_500_000_000)
    revalidate_delegations(ctx, out, FIXTURE)


def test_missing_code_is_warned_and_rejected_by_the_shapes(ctx: ImportContext,
                                                           tmp_path: Path) -> None:
    """Without a code the row gets a name+level IRI and a warning; the shapes require a
    procedure code, so the file is rejected and nothing is written."""
    book = _workbook([["Số TT", "Tên TTHC", "Cơ quan thực hiện"],
                      ["A. THỦ TỤC HÀNH CHÍNH CẤP XÃ"],
                      [1, "Thủ tục thử nghiệm không có mã", "UBND cấp xã"]])
    path = tmp_path / "no-code.xlsx"
    book.save(path)
    out = tmp_path / "no-code.ttl"
    code, _, stderr = run("procedures", path, out, ctx)
    assert code == 1 and not out.exists()
    assert "không có mã thủ tục; dùng IRI procedure/thu-tuc-thu-nghiem-khong-co-ma-cap-xa" in stderr
    assert "Dòng 3: vi phạm" in stderr and "tq:procedureCode" in stderr


# ------------------------------------------------------------------------------ units

def test_dates() -> None:
    """dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, Excel serials and date cells; impossible dates fail."""
    assert parse_date("05/09/2023") == dt.date(2023, 9, 5)
    assert parse_date("5/9/2023") == dt.date(2023, 9, 5)
    assert parse_date("2023-09-05") == dt.date(2023, 9, 5)
    assert parse_date(45422) == dt.date(2024, 5, 10)
    assert parse_date("45422") == dt.date(2024, 5, 10)
    assert parse_date(dt.datetime(2024, 1, 2, 0, 0)) == dt.date(2024, 1, 2)
    assert parse_date("ngày 5 tháng 9 năm 2023") == dt.date(2023, 9, 5)
    assert parse_date("  ") is None
    for bad in ("31/02/2024", "2024-13-01", "hôm qua", 1.5):
        with pytest.raises(DateError):
            parse_date(bad)


def test_amounts_and_staff() -> None:
    """VND amounts and staffing quotas as registers write them."""
    assert amounts_vnd("Kinh phí 300 triệu đồng/năm") == [Decimal(300_000_000)]
    assert amounts_vnd("1,5 tỷ đồng") == [Decimal(1_500_000_000)]
    assert amounts_vnd("200.000.000 VNĐ") == [Decimal(200_000_000)]
    assert amounts_vnd("Không phát sinh kinh phí") == []
    assert staff_quotas("Bổ sung 02 biên chế công chức") == [2]


def test_document_numbers() -> None:
    """Numbers: parts, spacing noise, citations in a legal-basis text."""
    number = parse_doc_number("15/2023/QĐ-UBND")
    assert (number.year, number.type_abbreviation) == (2023, "QĐ")
    assert parse_doc_number("3236/TTr -SNN").text == "3236/TTr-SNN"
    assert parse_doc_number("60/2014/QH13").type_abbreviation is None
    assert parse_doc_number("không số") is None
    assert doc_numbers_in("Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014; Nghị định số "
                          "123/2015/NĐ-CP") == ["60/2014/QH13", "123/2015/NĐ-CP"]


def test_header_matching() -> None:
    """Headers match whatever the case and accents, and with a trailing remark."""
    columns = (Column("name", "Tên thủ tục", "Name", ("Tên TTHC",)),
               Column("fee", "Phí, lệ phí", "Fee", ("Phí", "Lệ phí")),
               Column("time", "Thời hạn giải quyết", "Time", ()))
    assert match_column("TÊN TTHC", columns) == "name"
    assert match_column("ten thu tuc", columns) == "name"
    assert match_column("Phí, lệ phí (nếu có)", columns) == "fee"
    assert match_column("Thời hạn giải quyết (ngày làm việc)", columns) == "time"
    assert match_column("Địa điểm", columns) is None


def test_progress_bar_only_for_long_files_on_a_terminal() -> None:
    """tqdm on stderr above ~200 rows, only on a terminal and without --quiet."""
    from thamquyen.importers.common import _progress
    from thamquyen.importers.table import Row, Table

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    long = Table("x.csv", None, 1, {}, [], [], [Row(n, "data") for n in range(2, 300)])
    short = Table("x.csv", None, 1, {}, [], [], [Row(n, "data") for n in range(2, 50)])
    bar = _progress(long, Options(stderr=Terminal()))
    assert bar is not long.rows and len(list(bar)) == len(long.rows)
    assert _progress(long, Options(stderr=Terminal(), quiet=True)) is long.rows
    assert _progress(long, Options(stderr=io.StringIO())) is long.rows
    assert _progress(short, Options(stderr=Terminal())) is short.rows
