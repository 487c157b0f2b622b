"""`thamquyen --help` speaks Vietnamese first, English when THAMQUYEN_LANG=en; `query` tables
carry the queries' Vietnamese column names."""

from __future__ import annotations

import pytest
from thamquyen.cli import main


def help_of(argv: list[str], capsys) -> str:
    """The help text a command prints."""
    with pytest.raises(SystemExit):
        main([*argv, "--help"])
    return capsys.readouterr().out


@pytest.mark.parametrize("command", [[], ["who-holds"], ["query"], ["validate"], ["serve"],
                                     ["import", "delegations"]])
def test_help_is_vietnamese_by_default(command, capsys, monkeypatch):
    monkeypatch.delenv("THAMQUYEN_LANG", raising=False)
    text = help_of(command, capsys)
    assert text.startswith("cách dùng: thamquyen") and "tùy chọn:" in text
    assert "in hướng dẫn này rồi thoát" in text and "show this help" not in text


def test_help_in_english_on_request(capsys, monkeypatch):
    monkeypatch.setenv("THAMQUYEN_LANG", "en")
    text = help_of(["who-holds"], capsys)
    assert text.startswith("usage: thamquyen who-holds") and "Resolve who holds POWER" in text


def test_query_table_has_vietnamese_column_names(capsys, monkeypatch):
    monkeypatch.delenv("THAMQUYEN_LANG", raising=False)
    assert main(["query", "powers-without-holder", "--param", "at=2024-05-01"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header.split()[:2] == ["Thẩm", "quyền"] and "Lý do" in header
