"""The web application in a real browser (Debian's headless Chromium, driven by selenium) on a
real uvicorn server: each flow a legal officer walks, an accessibility check (axe-core from
npm) on every page, no request to any other host, 360 px wide, one A4 page in print.

Set THAMQUYEN_SCREENSHOTS=folder to keep a screenshot of each page.
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import CHROMEDRIVER, CHROMIUM, start_chromium, wait

DRIVER = CHROMEDRIVER
REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ID = "https://w3id.org/thamquyen/id/"
PERMIT = "power/cap-giay-phep-xay-dung-cong-trinh-cap-iii-cap-iv-nha-o-rieng-le"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=vi", "--no-proxy-server")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() or not Path(DRIVER).exists(),
                       reason="needs Debian's chromium and chromium-driver "
                              "(apt-get install chromium chromium-driver)"),
]


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    """Where the browser saves downloads."""
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    """Headless Chromium with a fresh profile; selenium downloads nothing."""
    driver = start_chromium((*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"),
                            prefs={"download.default_directory": str(downloads),
                                   "download.prompt_for_download": False},
                            page_load_timeout=90)
    driver.execute_cdp_cmd("Page.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    """Keep a screenshot when THAMQUYEN_SCREENSHOTS names a folder."""
    folder = os.environ.get("THAMQUYEN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def check_page(driver, site: str, name: str) -> None:
    """Every page: lang set, no serious or critical axe violation, nothing from another host."""
    from selenium.webdriver.common.by import By

    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") in ("vi", "en")
    origin = urlparse(site).netloc
    entries = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    foreign = [e for e in entries if urlparse(e).netloc not in (origin, "")]
    assert not foreign, f"{name} loaded from other hosts: {foreign}"
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(JSON.stringify(r.violations))).catch(e => done(String(e)));")
    violations = json.loads(result)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
           if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: accessibility violations {bad}"
    shot(driver, name)


def pick_suggestion(driver, field_id: str, text: str, wanted: str) -> None:
    """Type into a field, wait for the suggestions, click the one containing `wanted`."""
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)
    options = wait(driver, lambda d: [o for o in d.find_elements(
        By.CSS_SELECTOR, f"#{field_id}-list [role=option]")
        if wanted in o.find_element(By.CSS_SELECTOR, ".s-label").text] or False)
    options[0].click()


def test_ask_by_typing_without_accents_then_follow_the_basis(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(site + "/")
    check_page(browser, site, "home")
    pick_suggestion(browser, "f-power", "cap giay phep xay dung cong trinh cap iii", "nhà ở riêng lẻ")
    pick_suggestion(browser, "f-in", "cau ke", "Huyện Cầu Kè")
    suggestion_text = browser.find_element(By.ID, "f-in").get_attribute("value")
    assert suggestion_text == "Huyện Cầu Kè"
    date = browser.find_element(By.ID, "f-at")
    browser.execute_script("arguments[0].value = '2024-05-01'", date)
    browser.find_element(By.CSS_SELECTOR, "form.ask button").click()
    holder = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".holder .holder-name"))
    assert holder.text == "Ủy ban nhân dân huyện Cầu Kè"
    assert "/tra-cuu?" in browser.current_url and "at=2024-05-01" in browser.current_url
    step = browser.find_element(By.CSS_SELECTOR, ".holder .arrow")
    assert step.get_attribute("data-step") == "conferral"
    basis = step.find_element(By.CSS_SELECTOR, ".basis a")
    assert basis.text.startswith("khoản 3 Điều 103")
    check_page(browser, site, "answer")
    basis.click()
    wait(browser, lambda d: "/id/doc/" in d.current_url)
    assert "Ủy ban nhân dân cấp huyện cấp giấy phép xây dựng" in browser.page_source
    check_page(browser, site, "provision")


def test_timeline_shows_the_move_from_district_to_commune(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/tra-cuu?power={PERMIT}&in=unit/29308&at=2024-05-01")
    rows = [[c.text for c in r.find_elements(By.TAG_NAME, "td")]
            for r in browser.find_elements(By.CSS_SELECTOR, ".timeline tr.period")]
    district = [r for r in rows if r[1] == "Ủy ban nhân dân huyện Cầu Kè"]
    commune = [r for r in rows if r[1] == "Ủy ban nhân dân xã Cầu Kè"]
    assert district and commune, rows
    assert district[-1][0].endswith("30/06/2025") and commune[0][0].startswith("từ 01/07/2025")
    assert "Nghị định số 140/2025/NĐ-CP" in commune[0][2]  # the reason names the new basis
    check_page(browser, site, "timeline")


def test_no_holder_in_a_district_after_july_2025_is_explained(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/tra-cuu?power={PERMIT}&in=unit/845&at=2025-09-01")
    assert not browser.find_elements(By.CSS_SELECTOR, ".holder")
    codes = [e.get_attribute("data-code") for e in
             browser.find_elements(By.CSS_SELECTOR, ".nobody .explanation")]
    assert "level-abolished" in codes
    text = browser.find_element(By.CSS_SELECTOR, ".nobody").text
    assert "01/07/2025" in text and "Xã Cầu Kè" in text
    link = browser.find_element(By.PARTIAL_LINK_TEXT, "Xã Cầu Kè")
    assert "in=https%3A%2F%2Fw3id.org%2Fthamquyen%2Fid%2Funit%2F29308-2025" in link.get_attribute("href")
    check_page(browser, site, "no-holder")
    link.click()  # the commune's own answer: its People's Committee holds the power
    holder = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".holder .holder-name"))
    assert holder.text == "Ủy ban nhân dân xã Cầu Kè"


def test_power_page_filters_by_province(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"{site}/id/power/dang-ky-khai-sinh?at=2025-09-01")
    total = int(browser.find_element(By.CSS_SELECTOR, ".counts strong").text)
    assert total > 1000
    assert len(browser.page_source.encode()) < 200_000
    check_page(browser, site, "power")
    Select(browser.find_element(By.ID, "f-tinh")).select_by_visible_text("Tỉnh Vĩnh Long (124)")
    browser.find_element(By.CSS_SELECTOR, "form.filter button").click()
    wait(browser, lambda d: "tinh=" in d.current_url)
    counts = browser.find_elements(By.CSS_SELECTOR, ".counts strong")
    assert int(counts[1].text) == 124
    items = browser.find_elements(By.CSS_SELECTOR, "section.holders ol li")
    assert len(items) == 50 and all("xã" in i.text or "phường" in i.text for i in items)
    browser.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    wait(browser, lambda d: "trang=2" in d.current_url)


def test_report_downloads_as_xlsx(browser, site, downloads):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/bao-cao")
    check_page(browser, site, "reports")
    browser.get(f"{site}/bao-cao/changes-between-dates?from=2024-01-01&to=2024-12-31")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.report tbody tr")
    assert len(rows) >= 5
    check_page(browser, site, "report")
    browser.find_element(By.ID, "dl-xlsx").click()
    target = downloads / "changes-between-dates.xlsx"
    deadline = time.monotonic() + 30
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[3]]
    assert "Ngày" in header or "date" in header
    assert sheet.max_row - 3 == len(rows)


def test_upload_a_register_with_a_bad_row(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/kiem-tra")
    check_page(browser, site, "check")
    browser.find_element(By.ID, "f-tep").send_keys(str(REPO / "samples" / "so-dang-ky-loi.xlsx"))
    browser.find_element(By.CSS_SELECTOR, "form button").click()
    finding = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".finding[data-row='10']"), 120)
    assert "31/02/2024" in finding.text and "Dòng 10" in finding.text
    rule = browser.find_element(By.CSS_SELECTOR, ".finding[data-row='8']")
    assert "tqs:R2" in rule.text  # the rule, and its provision as a link
    # the provision of the law in force for that row (Điều 14 of Law 77/2015, 65/2025 or 72/2025)
    href = rule.find_element(By.TAG_NAME, "a").get_attribute("href")
    assert "/id/doc/" in href and "/dieu-14" in href
    check_page(browser, site, "check-result")


def test_english_switch_and_error_page(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/tra-cuu?power={PERMIT}&in=unit/845&at=2024-05-01")
    browser.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert "Holders" in browser.page_source
    browser.get(f"{site}/id/power/khong-co-that")
    assert "Không tìm thấy" in browser.find_element(By.TAG_NAME, "h1").text
    check_page(browser, site, "error")


def test_docs_pages_work_offline(browser, site):
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/docs")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock"), 60)
    origin = urlparse(site).netloc
    entries = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(urlparse(e).netloc in (origin, "") for e in entries), entries
    shot(browser, "docs")
    browser.get(f"{site}/redoc")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "h1, .api-content"), 60)


def test_answer_fits_360_px_and_one_a4_page(browser, site):
    browser.set_window_size(360, 800)
    try:
        browser.get(f"{site}/tra-cuu?power={PERMIT}&in=unit/29308&at=2025-09-01")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 362
        shot(browser, "answer-360")
    finally:
        browser.set_window_size(1280, 1000)
    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True})["data"])
    if os.environ.get("THAMQUYEN_SCREENSHOTS"):
        (Path(os.environ["THAMQUYEN_SCREENSHOTS"]) / "answer-print.pdf").write_bytes(pdf)
    assert _pages(pdf) == 1


def _pages(pdf: bytes) -> int:
    """Pages of a PDF (its /Type /Page objects, not /Pages)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))



def test_other_pages_are_accessible(browser, site):
    for name, url in (("unit", "/id/unit/29308-2025?at=2025-09-01"),
                      ("authority", "/id/agency/ubnd-845?at=2024-05-01"),
                      ("choose", "/tra-cuu?power=giay+phep+xay+dung&in=cau+ke&at=2024-05-01"),
                      ("english", "/?lang=en")):
        browser.get(site + url)
        check_page(browser, site, name)
