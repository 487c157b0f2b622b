"""The web pages over HTTP (TestClient): the answer page says what GET /api/who-holds says, on
data written for the test (tests/fixtures/engine, not the shipped data); bad input gets a page
with the right status; pages stay small; reports download; browsers get HTML, API clients JSON."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "engine"
ID = "https://w3id.org/thamquyen/id/"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture(scope="module")
def web(fixture_home):
    """The app on ontology + tests/fixtures/engine only (an in-memory store)."""
    from fastapi.testclient import TestClient
    from thamquyen.api import create_app
    from thamquyen.api.settings import Settings
    from thamquyen.kb import open_kb

    kb = open_kb([FIXTURES], persistent=False)
    with TestClient(create_app(Settings(sparql_workers=1), kb),
                    raise_server_exceptions=False) as client:
        client.kb = kb
        yield client


class Steps(HTMLParser):
    """The holders and chain steps an answer page shows (its data-* attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.holders: list[tuple[str, list[tuple[str, str, str, str]]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "div" and a.get("class") == "holder":
            self.holders.append((a["data-iri"], []))
        elif tag == "li" and "data-step" in a:
            self.holders[-1][1].append((a["data-step"], a["data-from"] or "", a["data-to"],
                                        a["data-basis"] or ""))


def questions(kb) -> list[tuple[str, str | None, str]]:
    """Every power of the fixture × every unit (and none) × a few dates."""
    index = kb.engine.index
    units = [None, *sorted(index.unit_validity)]
    return [(p, u, d) for p in sorted(index.powers) for u in units
            for d in ("2019-06-01", "2024-05-01", "2025-09-01")]


def test_answer_page_shows_what_the_api_says(web):
    compared = 0
    for power, unit, day in questions(web.kb):
        params = {"power": power, "at": day, **({"in": unit} if unit else {})}
        api = web.get("/api/who-holds", params=params).json()
        page = web.get("/tra-cuu", params=params, headers=HTML)
        assert page.status_code == 200, page.text
        parsed = Steps()
        parsed.feed(page.text)
        want = [(h["authority"], [(s["step"], s["from"] or "", s["to"], s["basis"] or "")
                                  for s in h["chain"]]) for h in api["holders"]][:50]
        assert parsed.holders == want, (power, unit, day)
        for item in api.get("explanations") or ():
            assert f'data-code="{item["code"]}"' in page.text
        compared += bool(want)
    assert compared >= 10


def test_unknown_name_offers_candidates(web):
    page = web.get("/tra-cuu", params={"power": "quan ly", "at": "2024-05-01"}, headers=HTML)
    assert page.status_code == 200 and "Chọn đúng tên" in page.text
    assert page.text.count("/tra-cuu?power=") >= 2


def test_bad_date_is_a_400_page(web):
    page = web.get("/tra-cuu", params={"power": "power/cap-phep-xay-dung", "at": "2024-13-01"},
                   headers=HTML)
    assert page.status_code == 400 and "YYYY-MM-DD" in page.text
    assert page.headers["content-type"].startswith("text/html")


def test_errors_are_pages_for_browsers_and_json_for_clients(web):
    page = web.get("/khong-co", headers=HTML)
    assert page.status_code == 404 and "<html" in page.text and "Không tìm thấy" in page.text
    api = web.get("/khong-co", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.json()["error"] == "not_found"
    bad = web.get("/api/who-holds", params={"power": "khong co that"}, headers=HTML)
    assert bad.status_code == 400 and "<html" in bad.text


def test_pages_are_small_and_strict_about_hosts(web):
    for url in ("/", "/bao-cao", "/kiem-tra", "/tra-cuu?power=xay+dung+thu+nghiem&at=2024-05-01"):
        page = web.get(url, headers=HTML)
        assert page.status_code == 200, url
        assert len(page.content) < 200_000
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert not re.search(r'(src="|<link[^>]*href=")(https?:)?//', page.text), url


def test_english_on_request(web):
    page = web.get("/?lang=en", headers=HTML)
    assert '<html lang="en">' in page.text and "Who holds this power" in page.text


def test_suggestions_tell_namesakes_apart(web):
    hits = web.get("/goi-y", params={"q": "xa", "type": "unit"}).json()
    assert hits and all(h["context"] for h in hits)
    assert any("cấp xã" in h["context"] for h in hits)


def test_report_downloads(web):
    url = "/bao-cao/changes-between-dates?from=2020-01-01&to=2026-12-31"
    page = web.get(url, headers=HTML)
    assert page.status_code == 200
    rows = page.text.count("<tr>") - 1
    sheet = web.get(url + "&tai=csv")
    assert sheet.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert len(table) - 1 == rows
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(web.get(url + "&tai=xlsx").content))
    assert book.active.max_row - 3 == rows
    assert web.get("/bao-cao/khong-co", headers=HTML).status_code == 404
    assert web.get("/bao-cao/changes-between-dates?from=2020-99-01", headers=HTML).status_code == 400


def test_check_page_reports_a_turtle_error_with_its_line(web):
    bad = b"@prefix tq: <https://w3id.org/thamquyen/ontology#> .\n<x> a tq:Power \n"
    page = web.post("/kiem-tra", files={"tep": ("sai.ttl", bad)}, headers=HTML)
    assert page.status_code == 400 and ":2: lỗi cú pháp Turtle" in page.text
    empty = web.post("/kiem-tra", data={"x": "1"}, headers=HTML)
    assert empty.status_code == 400 and "Hãy chọn một tệp" in empty.text


def test_sparql_link_opens_yasgui_for_a_browser(web):
    page = web.get("/sparql", params={"query": "ASK {}"}, headers=HTML)
    assert page.status_code == 200 and "ASK {}" in page.text
    assert web.get("/sparql", params={"query": "ASK {}"},
                   headers={"Accept": "application/sparql-results+json"}).json()["boolean"] is True


def test_answer_page_on_either_store(client):
    """The shipped data on the embedded store and on a real Oxigraph server."""
    page = client.get("/tra-cuu", params={
        "power": "power/cap-giay-phep-xay-dung-cong-trinh-cap-iii-cap-iv-nha-o-rieng-le",
        "in": "unit/845", "at": "2025-09-01"}, headers=HTML)
    assert page.status_code == 200
    assert 'data-code="level-abolished"' in page.text and "Xã Cầu Kè" in page.text
