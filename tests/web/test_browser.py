"""Drive the running demo site in real headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.browser import chromium_driver

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """Build the demo in a scratch var dir and serve it with ``dastan serve``, as make demo does
    (with the demo's settings, whose published Editor login needs no second factor)."""
    var = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "DASTAN_VAR_DIR": str(var),
        "DASTAN_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "dastan.settings.demo",
    }
    env.pop("DASTAN_DATABASE_URL", None)
    cli = [sys.executable, "-m", "dastan"]
    built = subprocess.run(
        [*cli, "demo", "--no-serve"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    addr = f"127.0.0.1:{free_port()}"
    server = subprocess.Popen(
        [*cli, "serve", "--addr", addr, "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://{addr}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield {"base": base, "login": built.stdout, "env": env, "cli": cli}
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    driver = chromium_driver()
    yield driver
    driver.quit()


class DemoSiteTests:
    def test_home_has_header_ticker_slot_and_cards(self, demo_site, browser):
        browser.get(demo_site["base"] + "/")
        header = browser.find_element(By.CSS_SELECTOR, "header.masthead")
        date = header.find_element(By.CSS_SELECTOR, ".masthead__date time").text
        assert len(date.split()) == 3 and date.split()[0].isdigit()
        assert browser.find_elements(By.CSS_SELECTOR, ".masthead__ticker")
        cards = browser.find_elements(By.CSS_SELECTOR, "article.card")
        assert len(cards) >= 6
        assert "[caption" not in browser.find_element(By.TAG_NAME, "main").text

    def test_home_thumbnails_load_under_the_served_site(self, demo_site, browser):
        """Every card picture decodes (naturalWidth > 0): renditions made and served, no icon."""
        browser.get(demo_site["base"] + "/")
        images = browser.find_elements(By.CSS_SELECTOR, "article.card picture img")
        assert len(images) >= 6
        script = (
            "const img = arguments[0]; img.loading = 'eager'; img.scrollIntoView();"
            "return img.decode().then(() => [img.naturalWidth, img.currentSrc], () => [0, '']);"
        )
        for image in images:
            width, src = browser.execute_script(script, image)
            assert width > 0, src
            assert src.endswith(".avif") or src.endswith(".webp"), src

    def test_reader_walks_from_section_to_article(self, demo_site, browser):
        browser.get(demo_site["base"] + "/")
        browser.find_element(By.LINK_TEXT, "Economy").click()
        assert "Viewing results 1 - 6 of" in browser.find_element(By.TAG_NAME, "main").text
        first = browser.find_element(By.CSS_SELECTOR, "article.card h3 a")
        title = first.text
        first.click()
        assert browser.find_element(By.CSS_SELECTOR, "article.story h1").text == title
        assert browser.find_element(By.CSS_SELECTOR, ".story__body p").text

    def test_reader_switches_to_the_russian_edition(self, demo_site, browser):
        """The header's switcher leads to /ru/, whose cards are all Russian articles."""
        browser.get(demo_site["base"] + "/")
        browser.find_element(By.CSS_SELECTOR, "nav.editions a[hreflang=ru]").click()
        WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/ru/"))
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru"
        links = browser.find_elements(By.CSS_SELECTOR, "article.card h3 a")
        assert links
        assert all("/ru/" in a.get_attribute("href") for a in links)
        browser.find_element(By.CSS_SELECTOR, "nav.editions a[hreflang=en]").click()
        WebDriverWait(browser, 10).until(lambda b: not b.current_url.endswith("/ru/"))

    def test_editor_logs_in_to_the_back_office(self, demo_site, browser):
        assert "login: editor / password: dastan-demo-editor" in demo_site["login"]
        browser.get(demo_site["base"] + "/admin/")
        browser.find_element(By.NAME, "username").send_keys("editor")
        browser.find_element(By.NAME, "password").send_keys("dastan-demo-editor")
        browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda b: "Log out" in b.page_source)
        browser.get(demo_site["base"] + "/admin/content/article/")
        WebDriverWait(browser, 10).until(lambda b: "Select article to change" in b.title)
        rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
        assert len(rows) >= 50

    def test_reader_searches_from_the_header(self, demo_site, browser):
        """The header's search box finds stories, with the query kept and the words marked."""
        browser.get(demo_site["base"] + "/")
        box = browser.find_element(By.ID, "site-search")
        box.send_keys("Tokayev")
        box.submit()
        WebDriverWait(browser, 10).until(lambda b: "/search/" in b.current_url)
        main = browser.find_element(By.TAG_NAME, "main").text
        assert "Viewing results 1 - " in main
        assert browser.find_elements(By.CSS_SELECTOR, "article.card mark")
        assert browser.find_element(By.ID, "site-search").get_attribute("value") == "Tokayev"

    def test_unknown_page_is_the_site_404(self, demo_site, browser):
        browser.get(demo_site["base"] + "/no-such-page/")
        assert "Page not found" in browser.find_element(By.TAG_NAME, "h1").text

    def test_unpublishing_from_another_process_reaches_every_worker(self, demo_site, browser):
        """Two gunicorn workers and a command-line process share one cache: no stale page."""
        browser.get(demo_site["base"] + "/")
        link = browser.find_element(By.CSS_SELECTOR, "article.card h3 a")
        path = urllib.parse.urlparse(link.get_attribute("href")).path
        for _ in range(4):  # warm both workers' view of the page
            assert urllib.request.urlopen(demo_site["base"] + path).status == 200
        slug = path.rstrip("/").rsplit("/", 1)[-1]
        script = (
            "from dastan.content.models import Article; from dastan.content import services; "
            f"services.article_unpublish(Article.objects.get(slug={slug!r}))"
        )
        done = subprocess.run(
            [*demo_site["cli"], "shell", "-c", script],
            env=demo_site["env"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        codes = []
        for _ in range(10):
            try:
                codes.append(urllib.request.urlopen(demo_site["base"] + path).status)
            except urllib.error.HTTPError as exc:
                codes.append(exc.code)
        assert codes == [404] * 10
        home = urllib.request.urlopen(demo_site["base"] + "/").read().decode()
        assert path not in home
