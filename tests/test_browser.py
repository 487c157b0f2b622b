"""A real browser (headless Chromium from Debian, driven by selenium) on a real uvicorn server:
the YASGUI page of /sparql with the named queries as tabs, and a Vietnamese /id/ page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AT, CHROMEDRIVER, CHROMIUM, UBND_84, start_chromium, wait

DRIVER = CHROMEDRIVER

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() or not Path(DRIVER).exists(),
                       reason="needs Debian's chromium and chromium-driver "
                              "(apt-get install chromium chromium-driver)"),
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium; selenium is told where everything is, so it downloads nothing."""
    driver = start_chromium(("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                             "--window-size=1280,1000", "--lang=vi", "--no-proxy-server"))
    yield driver
    driver.quit()


def test_sparql_page_runs_yasgui_with_named_query_tabs(browser, site, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/sparql")
    tabs = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasgui .tabsList .tab"))
    names = [t.text.strip().splitlines()[0] for t in tabs]  # the tab text ends with its ✖
    app = browser.execute_script("return window.thamquyenYasgui !== undefined")
    assert app is True
    assert names[0] == "Ví dụ"
    browser.execute_script("window.thamquyenYasgui.selectTabId("
                           "Object.keys(window.thamquyenYasgui._tabs)[0]);"
                           "window.thamquyenYasgui.getTab().getYasqe().query();")
    cells = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table tbody td"), 60)
    text = " ".join(c.text for c in cells)
    assert "/id/power/" in text  # the example lists powers (the table shows its first page)
    browser.save_screenshot(str(tmp_path / "sparql.png"))
    catalog = [q.name for q in _catalog()]
    if not catalog:
        pytest.skip("no named queries in queries/ yet: only the starter tab was checked")
    assert names[1:] == [q.summary["vi"] for q in _catalog()]  # Vietnamese tab titles


def test_id_page_in_vietnamese(browser, site, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(f"{site}/id/power/kiem-thu-api-mot?at={AT}")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    assert browser.find_element(By.ID, "label").text == "Thẩm quyền kiểm thử API một"
    holders = browser.find_element(By.CSS_SELECTOR, "section.holders")
    assert "Ủy ban nhân dân tỉnh Trà Vinh" in holders.text
    link = holders.find_element(By.CSS_SELECTOR, "a")
    assert link.get_attribute("title") == UBND_84
    link.click()
    wait(browser, lambda d: d.find_element(By.ID, "label").text == "Ủy ban nhân dân tỉnh Trà Vinh")
    browser.save_screenshot(str(tmp_path / "id.png"))


def _catalog() -> list:
    from thamquyen.api.named import load

    return load()
