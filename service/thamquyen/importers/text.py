"""Text helpers of the importers: folding, slugs, dates, amounts and document numbers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_EXCEL_SERIAL = 2958465


def nfc(text: str) -> str:
    """Unicode NFC with runs of spaces collapsed (line breaks kept) and the ends stripped."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def fold(text: str) -> str:
    """Lower case, no accents (đ → d), words separated by single spaces: for comparing labels."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def slug(text: str, limit: int = 80) -> str:
    """A slug for IRIs: folded, `-` between words, cut at a word boundary within the limit."""
    words = fold(text.replace("/", " ")).replace("_", " ").split()
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or "x"


def number_slug(number: str) -> str:
    """A document number as conventions.md wants it: lower case, no accents, `/` → `-`."""
    return "-".join(fold(number.replace("/", " ").replace("-", " ")).split())


def cell_text(value: object) -> str:
    """A cell as text: '' for empty, NFC otherwise; whole floats lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


# ---------------------------------------------------------------------------------- dates

_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?$")
_WORDS = re.compile(r"^(?:ngay\s*)?(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})$")


class DateError(ValueError):
    """A cell that should hold a date but does not."""


def parse_date(value: object) -> dt.date | None:
    """A date from a cell: datetime/date, an Excel serial number, dd/mm/yyyy, d/m/yyyy,
    yyyy-mm-dd or “ngày 5 tháng 9 năm 2023”. Empty → None; anything else → DateError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(float(value), str(value))
    text = nfc(str(value))
    if re.fullmatch(r"\d{4,6}(\.0+)?", text):
        return _excel_serial(float(text), text)
    for pattern, order in ((_DMY, "dmy"), (_YMD, "ymd"), (_WORDS, "dmy")):
        match = pattern.match(text if pattern is not _WORDS else fold(text))
        if match:
            parts = [int(g) for g in match.groups()]
            day, month, year = parts if order == "dmy" else parts[::-1]
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                raise DateError(text) from exc
    raise DateError(text)


def _excel_serial(number: float, text: str) -> dt.date:
    if not 1 <= number <= MAX_EXCEL_SERIAL or not float(number).is_integer():
        raise DateError(text)
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def vn_date(day: dt.date) -> str:
    """A date as printed in Vietnamese documents: 05/09/2023."""
    return day.strftime("%d/%m/%Y")


# ---------------------------------------------------------------------------------- amounts

_MULTIPLIERS = {"ty": Decimal(10) ** 9, "ti": Decimal(10) ** 9, "trieu": Decimal(10) ** 6,
                "nghin": Decimal(1000), "ngan": Decimal(1000)}
_AMOUNT = re.compile(r"(\d[\d.,]*)\s*(ty|ti|trieu|nghin|ngan)?\s*(?:dong|vnd|d)\b")
_STAFF = re.compile(r"(\d+)\s*(?:chi tieu\s*)?bien che\b")


def _to_decimal(digits: str, has_unit: bool) -> Decimal | None:
    """Read 1.500.000 / 1,5 / 2.5 / 1,234,567 the way Vietnamese texts write them."""
    digits = digits.rstrip(".,")
    if "." in digits and "," in digits:
        decimal_sep = "." if digits.rfind(".") > digits.rfind(",") else ","
        thousands = "," if decimal_sep == "." else "."
        digits = digits.replace(thousands, "").replace(decimal_sep, ".")
    else:
        sep = "." if "." in digits else ("," if "," in digits else "")
        if sep:
            groups = digits.split(sep)
            grouped = len(groups) > 1 and all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3
            if grouped and not (has_unit and len(groups) == 2):
                digits = digits.replace(sep, "")
            elif len(groups) == 2:
                digits = digits.replace(sep, ".")
            else:
                return None
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def amounts_vnd(text: str) -> list[Decimal]:
    """Every amount of money in VND a text states: “500 triệu đồng”, “1,2 tỷ đồng”,
    “300.000.000 đồng”, “2.000.000 VNĐ”."""
    found = []
    folded = _fold_keep_numbers(text)
    for match in _AMOUNT.finditer(folded):
        unit = match.group(2)
        value = _to_decimal(match.group(1), unit is not None)
        if value is not None:
            value = value * _MULTIPLIERS.get(unit or "", Decimal(1))
            if value == value.to_integral_value():
                value = value.quantize(Decimal(1))
            found.append(value)
    return found


def staff_quotas(text: str) -> list[int]:
    """Every staffing quota a text states: “02 biên chế”, “3 biên chế công chức”."""
    return [int(m.group(1)) for m in _STAFF.finditer(_fold_keep_numbers(text))]


def _fold_keep_numbers(text: str) -> str:
    """Fold like fold() but keep `.` and `,` between digits (they are part of numbers)."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).lower())
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("đ", "d")
    text = re.sub(r"(?<=\d)[.,](?=\d)", lambda m: "\x00" if m.group() == "." else "\x01", text)
    text = " ".join(re.sub(r"[^\w\x00\x01]+", " ", text).split())
    return text.replace("\x00", ".").replace("\x01", ",")


# ---------------------------------------------------------------------------------- numbers

@dataclass(frozen=True)
class DocNumber:
    """A document number split into its parts: 12/2023/QĐ-UBND → 12, 2023, QĐ, UBND."""

    text: str
    serial: str
    year: int | None
    symbol: str

    @property
    def type_abbreviation(self) -> str | None:
        """The type part of the symbol (QĐ, NQ, …), None when the symbol has only an issuer
        (laws: 60/2014/QH13; official letters: 267/VPCP-TTĐT have no type either)."""
        parts = self.symbol.split("-")
        return parts[0] if len(parts) > 1 else None


_DOC_NUMBER = re.compile(r"^(\d+)/(?:(\d{4})/)?([^\s/]+)$")
DOC_NUMBER_IN_TEXT = re.compile(
    r"(?<![\w/])\d+/(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ0-9]*(?:\s*-\s*[A-ZĐ][A-Za-zĐđ0-9&]*)*")


def clean_number(text: str) -> str:
    """Normalise the spacing noise of real numbers: “3236/TTr -SNN” → “3236/TTr-SNN”."""
    text = nfc(text).replace("\n", " ")
    text = re.sub(r"^(số|so|số hiệu)\s*:?\s*", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s*([/-])\s*", r"\1", text).strip()


def parse_doc_number(text: str) -> DocNumber | None:
    """Split a printed number; None when it does not look like N/…/SYMBOL."""
    cleaned = clean_number(text)
    match = _DOC_NUMBER.match(cleaned)
    if not match:
        return None
    year = int(match.group(2)) if match.group(2) else None
    return DocNumber(cleaned, match.group(1), year, match.group(3))


def doc_numbers_in(text: str) -> list[str]:
    """The document numbers a free text cites (“Luật Hộ tịch số 60/2014/QH13; …”)."""
    return [clean_number(m.group()) for m in DOC_NUMBER_IN_TEXT.finditer(nfc(text))]
