"""The pages as a person uses them, in headless Chromium from Debian's packages driven by Selenium (no
browser download): ask a figure question and see the figure and its citation chip, open the chip and see the
quoted sentence highlighted, ask a follow-up, find a directive by a number typed without diacritics, upload a
file and find it. Screenshots go to test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import ROOT, Server, copy_data

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ARTIFACTS = ROOT / "test-artifacts"
pytestmark = pytest.mark.skipif(not (shutil.which(CHROMIUM) and shutil.which(DRIVER)),
                                reason="Debian chromium + chromium-driver are installed by `make test`")


@pytest.fixture(scope="module")
def site(samples_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    srv = Server(copy_data(samples_data, tmp_path_factory, "browser-data")).start()
    yield srv.base
    srv.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,860",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def wait(driver: webdriver.Chrome, css: str, timeout: float = 60):  # type: ignore[no-untyped-def]
    return WebDriverWait(driver, timeout).until(ec.visibility_of_element_located((By.CSS_SELECTOR, css)))


def answers(driver: webdriver.Chrome) -> list:  # type: ignore[type-arg]
    return driver.find_elements(By.CSS_SELECTOR, ".msg.assistant")


def ask(driver: webdriver.Chrome, question: str) -> str:
    before = len(driver.find_elements(By.CSS_SELECTOR, ".msg.assistant .chips"))
    box = driver.find_element(By.ID, "question")
    box.send_keys(question)
    driver.find_element(By.ID, "send").click()
    WebDriverWait(driver, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".msg.assistant .chips")) > before
                                    or "abstained" in (answers(d)[-1].get_attribute("class") or ""))
    return str(answers(driver)[-1].text)


def test_chat_figure_citation_and_follow_up(site: str, browser: webdriver.Chrome) -> None:
    browser.get(site + "/")
    text = ask(browser, "Tổng thu ngân sách nhà nước lũy kế quý I ước đạt bao nhiêu?")
    assert "640,5 tỷ đồng" in text
    figures = [m.text for m in answers(browser)[-1].find_elements(By.CSS_SELECTOR, "mark.fig")]
    assert "640,5 tỷ đồng" in figures
    browser.save_screenshot(str(ARTIFACTS / "chat-answer.png"))
    answers(browser)[-1].find_element(By.CSS_SELECTOR, "button.chip").click()
    quote = wait(browser, "#citation mark.quote")
    assert "640,5 tỷ đồng" in quote.text
    assert "Báo cáo" in browser.find_element(By.ID, "cite-label").text
    assert "/doc/" in (browser.find_element(By.ID, "cite-read").get_attribute("href") or "")
    browser.save_screenshot(str(ARTIFACTS / "chat-citation.png"))
    browser.find_element(By.ID, "cite-close").click()

    follow = ask(browser, "còn chi ngân sách địa phương thì sao?")
    assert "1.020,4 tỷ đồng" in follow
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chat-list li")) >= 1
    browser.set_window_size(390, 844)  # a phone
    browser.save_screenshot(str(ARTIFACTS / "chat-phone.png"))
    browser.set_window_size(1280, 860)

    nothing = ask(browser, "Chỉ số giá tiêu dùng CPI tháng 3 tăng bao nhiêu?")
    assert "Không tìm thấy thông tin trong tài liệu" in nothing

    browser.find_element(By.ID, "lang-button").click()
    assert browser.find_element(By.ID, "send").text == "Send"
    browser.find_element(By.ID, "lang-button").click()


def test_directive_catalog_by_number_without_diacritics(site: str, browser: webdriver.Chrome) -> None:
    browser.get(site + "/directives")
    wait(browser, "#results tbody tr")
    field = browser.find_element(By.ID, "f-number")
    field.clear()
    field.send_keys("345/qd-ubnd")
    browser.find_element(By.ID, "f-search").click()
    WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "summary").text.startswith("1 "))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert len(rows) == 1 and "345/QĐ-UBND" in rows[0].text and "07/03/2025" in rows[0].text
    rows[0].click()
    record = wait(browser, "#record h2")
    assert "345/QĐ-UBND" in record.text
    assert "Sở Văn hóa, Thể thao và Du lịch" in browser.find_element(By.ID, "record").text
    browser.save_screenshot(str(ARTIFACTS / "directives.png"))
    field = browser.find_element(By.ID, "f-number")
    field.clear()
    field.send_keys("9999/qd-ubnd")
    browser.find_element(By.ID, "f-search").click()
    WebDriverWait(browser, 30).until(lambda d: "Không có văn bản" in d.find_element(By.ID, "summary").text)


def test_upload_then_find(site: str, browser: webdriver.Chrome, tmp_path: Path) -> None:
    doc = tmp_path / "thong-bao-kiem-thu.txt"
    doc.write_text("THÔNG BÁO\nKết quả tiêm phòng đàn gia súc quý I\n\nTrong quý I toàn tỉnh đã tiêm phòng lở mồm "
                   "long móng cho 12.345 con trâu, bò, đạt 61,7% kế hoạch năm.\n", encoding="utf-8")
    browser.get(site + "/admin")
    wait(browser, "#docs tbody tr")
    browser.find_element(By.ID, "files").send_keys(str(doc))
    browser.find_element(By.ID, "upload").click()
    status = WebDriverWait(browser, 120).until(
        lambda d: (s := d.find_element(By.CSS_SELECTOR, "#uploads .status")).text and s)
    assert status.text.startswith("✓"), status.text
    WebDriverWait(browser, 30).until(lambda d: "thong-bao-kiem-thu.txt" in d.find_element(By.ID, "docs").text)
    browser.save_screenshot(str(ARTIFACTS / "admin-upload.png"))
    browser.get(site + "/")
    browser.find_element(By.ID, "new-chat").click()
    text = ask(browser, "Quý I đã tiêm phòng lở mồm long móng cho bao nhiêu con trâu, bò?")
    assert "12.345 con" in text


def test_reader_escapes_once_and_marks_figures_on_text(site: str, browser: webdriver.Chrome) -> None:
    """Apostrophes and quotes show as written (never `&#39;`), and only figures of the text are marked: the 39
    of an escaped apostrophe is not a figure."""
    import httpx

    page = ("<html><body><h1>Tin chỉ đạo</h1><p>UBND tỉnh chỉ đạo các sở triển khai kế hoạch năm 2025.</p>"
            "<p>it&#39;s 12&#39;34 &quot;x&quot; done; tổng diện tích đạt 6.137,6 ha.</p></body></html>")
    r = httpx.post(site + "/v1/documents", files={"files": ("tin-nhay-don.html", page.encode())}, timeout=120)
    doc_id = r.json()["reports"][0]["doc_id"]
    browser.get(f"{site}/doc/{doc_id}")
    body = WebDriverWait(browser, 30).until(
        lambda d: (p := d.find_element(By.ID, "passages")).text and p)
    assert "it's 12'34 \"x\" done" in body.text and "&#39;" not in body.text and "&quot;" not in body.text
    marks = [m.text for m in body.find_elements(By.CSS_SELECTOR, "mark.fig")]
    assert "6.137,6 ha" in marks and "39" not in marks
