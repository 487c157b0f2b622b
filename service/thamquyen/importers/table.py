"""Reading a spreadsheet (xlsx or csv) into rows; the header row is found by its column names.

Published lists carry title rows above the header (the decision's name, "Phụ lục …") and group
rows between data rows ("I. Lĩnh vực Hộ tịch", "A. THỦ TỤC HÀNH CHÍNH CẤP XÃ"). Every row after
the header is kept and classified as data, group or blank, so that none is dropped silently.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..rdfio import InputError
from .text import cell_text, fold

HEADER_SCAN_ROWS = 30
MIN_HEADER_SCORE = 2
CSV_DELIMITERS = (",", ";", "\t")
_ENUMERATOR = re.compile(r"^(?:[IVXLCDM]+|[A-ZĐ]|\d+)[.)]?$")
_ENUMERATED = re.compile(r"^(?:[IVXLCDM]+|[A-ZĐ]|\d+)[.)]\s*\S")


@dataclass(frozen=True)
class Column:
    """A column an importer understands: its key, names for messages and accepted headers."""

    key: str
    label_vi: str
    label_en: str
    aliases: tuple[str, ...]
    required: bool = False

    def folded(self) -> tuple[str, ...]:
        """The accepted headers, folded (case and accents ignored)."""
        return tuple(fold(a) for a in (self.label_vi, *self.aliases))

    def label(self, lang: str) -> str:
        """The column name in the report language."""
        return self.label_vi if lang == "vi" else self.label_en


@dataclass
class Row:
    """One row after the header: `kind` is data, group or blank; `number` is as the user sees it."""

    number: int
    kind: str
    cells: dict[str, object] = field(default_factory=dict)
    text: str = ""

    def get(self, key: str) -> str:
        """The cell of a column as NFC text ('' when empty or absent)."""
        return cell_text(self.cells.get(key))

    def raw(self, key: str) -> object:
        """The cell of a column as read (datetime, number or text)."""
        return self.cells.get(key)


@dataclass
class Table:
    """A spreadsheet read for import."""

    file_name: str
    sheet: str | None
    header_row: int
    columns: dict[str, str]
    ignored: list[str]
    title: list[str]
    rows: list[Row]

    def count(self, kind: str) -> int:
        """How many rows of a kind (data, group, blank)."""
        return sum(1 for r in self.rows if r.kind == kind)


Grid = list[tuple[int, list[object]]]


def read_table(path: Path, columns: Sequence[Column], what: tuple[str, str]) -> Table:
    """Read a csv or xlsx file, find its header row and return every row after it.

    `what` names the expected layout (vi, en) for error messages. Unreadable files, files
    without a recognisable header and missing required columns raise InputError (exit 2)."""
    grids = _grids(path)
    best: tuple[int, str | None, Grid, int, dict[int, str]] | None = None
    for sheet, grid in grids:
        for row_number, mapping in _header_candidates(grid, columns):
            score = len(set(mapping.values()))
            if best is None or score > best[0]:
                best = (score, sheet, grid, row_number, mapping)
    if best is None or best[0] < MIN_HEADER_SCORE:
        raise _no_header(path, columns, what)
    _, sheet, grid, header_row, mapping = best
    header_cells = dict(grid)[header_row]
    _check_required(path, columns, mapping, header_cells)
    by_key = {key: cell_text(header_cells[i]) for i, key in mapping.items()}
    ignored = [cell_text(v) for i, v in enumerate(header_cells)
               if i not in mapping and cell_text(v)]
    title = [" ".join(t for t in (cell_text(v) for v in cells) if t)
             for number, cells in grid if number < header_row]
    rows = [_row(number, cells, mapping) for number, cells in grid if number > header_row]
    while rows and rows[-1].kind == "blank":
        rows.pop()
    return Table(path.name, sheet, header_row, by_key, ignored, [t for t in title if t], rows)


# ---------------------------------------------------------------------------------- files

def _grids(path: Path) -> list[tuple[str | None, Grid]]:
    if not path.is_file():
        raise InputError("không tìm thấy tệp; hãy kiểm tra lại đường dẫn.",
                         "no such file; check the path.", file=path.name)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_grids(path)
    if suffix == ".csv":
        return _csv_grids(path)
    if suffix == ".xls":
        raise InputError("định dạng Excel 97–2003 (.xls) chưa được hỗ trợ; hãy mở tệp và lưu "
                         "lại dưới dạng .xlsx hoặc .csv (UTF-8).",
                         "Excel 97–2003 files (.xls) are not supported; save the file as .xlsx "
                         "or as .csv (UTF-8).", file=path.name)
    raise InputError("chỉ nhận tệp .xlsx hoặc .csv; hãy lưu bảng tính dưới một trong hai dạng "
                     "này.", "only .xlsx and .csv files can be imported; save the spreadsheet "
                     "in one of these formats.", file=path.name)


def _xlsx_grids(path: Path) -> list[tuple[str | None, Grid]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError("không đọc được tệp Excel (tệp hỏng hoặc không phải .xlsx); hãy mở "
                         "bằng Excel/LibreOffice và lưu lại dạng .xlsx.",
                         "cannot read the Excel file (damaged or not .xlsx); open it in "
                         "Excel/LibreOffice and save it again as .xlsx.",
                         file=path.name) from exc
    try:
        return [(ws.title, [(n, list(cells)) for n, cells in
                            enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)])
                for ws in book.worksheets]
    finally:
        book.close()


def _csv_grids(path: Path) -> list[tuple[str | None, Grid]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("tệp CSV không phải UTF-8; hãy lưu lại với bảng mã UTF-8 (Excel: "
                         "“CSV UTF-8 (Comma delimited)”).",
                         "the CSV file is not UTF-8; save it as UTF-8 (Excel: “CSV UTF-8 "
                         "(Comma delimited)”).", file=path.name, line=line) from exc
    grids = []
    for delimiter in CSV_DELIMITERS:
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise InputError(f"tệp CSV sai cấu trúc ({exc}); hãy kiểm tra dấu ngoặc kép.",
                             f"malformed CSV ({exc}); check the quotes.",
                             file=path.name) from exc
        grids.append((None, [(n, list(cells)) for n, cells in enumerate(records, start=1)]))
    return grids


# ---------------------------------------------------------------------------------- header

def match_column(header: str, columns: Iterable[Column]) -> str | None:
    """The key of the column a header names (exact or as a prefix: “Thời hạn giải quyết
    (ngày)”), the longest accepted name winning; None when none fits."""
    folded = fold(header)
    if not folded:
        return None
    best, best_len = None, 0
    for column in columns:
        for alias in column.folded():
            if (folded == alias or folded.startswith(alias + " ")) and len(alias) > best_len:
                best, best_len = column.key, len(alias)
    return best


def _header_candidates(grid: Grid, columns: Sequence[Column]) -> Iterable[tuple[int, dict[int, str]]]:
    for number, cells in grid[:HEADER_SCAN_ROWS]:
        mapping: dict[int, str] = {}
        for i, value in enumerate(cells):
            key = match_column(cell_text(value), columns)
            if key is not None and key not in mapping.values():
                mapping[i] = key
        if mapping:
            yield number, mapping


def _expected(columns: Sequence[Column], required_only: bool) -> str:
    return ", ".join(c.label_vi for c in columns if c.required or not required_only)


def _no_header(path: Path, columns: Sequence[Column], what: tuple[str, str]) -> InputError:
    names = _expected(columns, required_only=False)
    return InputError(
        f"không tìm thấy dòng tiêu đề cột của {what[0]} trong {HEADER_SCAN_ROWS} dòng đầu. "
        f"Hãy đặt một dòng tiêu đề với các cột: {names} (không phân biệt hoa thường, dấu).",
        f"no header row of {what[1]} in the first {HEADER_SCAN_ROWS} rows. Add a header row "
        f"with the columns: {names} (case and accents do not matter).", file=path.name)


def _check_required(path: Path, columns: Sequence[Column], mapping: dict[int, str],
                    header_cells: list[object]) -> None:
    missing = [c for c in columns if c.required and c.key not in mapping.values()]
    if not missing:
        return
    found = ", ".join(t for t in (cell_text(v) for v in header_cells) if t) or "—"
    names = "; ".join(" / ".join(dict.fromkeys((c.label_vi, *c.aliases))) for c in missing)
    raise InputError(
        f"thiếu cột bắt buộc: {names}. Các cột có trong tệp: {found}. Hãy thêm cột đó hoặc "
        "sửa tên tiêu đề cột cho đúng.",
        f"required column missing: {names}. Columns in the file: {found}. Add the column or "
        "rename its header.", file=path.name)


# ---------------------------------------------------------------------------------- rows

def _row(number: int, cells: list[object], mapping: dict[int, str]) -> Row:
    texts = [t for t in (cell_text(v) for v in cells) if t]
    if not texts:
        return Row(number, "blank")
    if _is_group(texts):
        return Row(number, "group", text=" ".join(texts))
    values = {key: cells[i] for i, key in mapping.items() if i < len(cells)}
    if all(re.fullmatch(r"[\d.]+", t) for t in texts) and len(texts) == 1:
        return Row(number, "blank", values, text=texts[0])
    return Row(number, "data", values)


def _is_group(texts: list[str]) -> bool:
    """A group row: one text that is not a number (“I. Lĩnh vực Hộ tịch”), or an enumerator
    followed by one text (“I” | “Lĩnh vực Hộ tịch”)."""
    if len(texts) == 1:
        return not re.fullmatch(r"[\d.,\s]+", texts[0]) and (
            _ENUMERATED.match(texts[0]) is not None or len(texts[0].split()) >= 2)
    return len(texts) == 2 and _ENUMERATOR.match(texts[0]) is not None \
        and not re.fullmatch(r"\d+", texts[0])
