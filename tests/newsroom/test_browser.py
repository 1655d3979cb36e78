"""The desk in real headless Chromium: write, submit, compare, restore, publish, read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from dastan.content.models import Article
from dastan.newsroom.roles import EDITOR, WRITER
from dastan.rendering.autop import autop
from tests.factories import staff_user as staff
from tests.web.browser import chromium_driver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs"


def screenshot(browser, name: str) -> None:
    """Refresh docs/newsroom.md's pictures when asked (``DASTAN_DOCS_SCREENSHOTS=1``)."""
    if os.environ.get("DASTAN_DOCS_SCREENSHOTS") == "1":
        browser.save_screenshot(str(DOCS / f"screenshot-newsroom-{name}.png"))


FIRST_BODY = (
    "<h2>What the vote means</h2>\n"
    '<p>The budget passed, <a href="https://example.org/budget">the text is online</a>.</p>\n'
    "<p>Opposition deputies voted against.</p>\n"
    "<blockquote><p>It is a fair budget.</p></blockquote>\n"
    "<p>The law takes effect in January.</p>"
)
SECOND_BODY = FIRST_BODY.replace("takes effect in January", "takes effect in March")
# The form makes paragraphs by wpautop's rule; the body above already has them.
FIRST_STORED = autop(FIRST_BODY).strip()


@pytest.fixture
def browser():
    driver = chromium_driver()
    yield driver
    driver.quit()


def click(browser, element) -> None:
    """Click ``element`` and wait for the page it leads to (the database is read right after)."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 20).until(expected_conditions.staleness_of(page))


def sign_in(browser, base: str, username: str) -> None:
    browser.delete_all_cookies()
    browser.get(base + "/admin/login/")
    browser.find_element(By.ID, "id_username").send_keys(username)
    browser.find_element(By.ID, "id_password").send_keys("pw")
    click(browser, browser.find_element(By.CSS_SELECTOR, "input[type=submit]"))
    assert "/admin/login/" not in browser.current_url


def stored_body(article: Article) -> str:
    """Return the body as saved; a textarea posts its lines with CRLF (HTML's rule)."""
    article.refresh_from_db()
    return article.body.replace("\r\n", "\n")


def fill(browser, field_id: str, text: str) -> None:
    field = browser.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


def press(browser, name: str) -> None:
    click(browser, browser.find_element(By.NAME, name))


class DeskTests:
    def test_write_submit_compare_restore_publish_read(self, live_server, browser):
        base = live_server.url
        staff("writer", WRITER)
        staff("editor", EDITOR)

        # The writer drafts, saves, edits the last paragraph and submits for review.
        sign_in(browser, base, "writer")
        browser.get(base + "/admin/content/article/add/")
        fill(browser, "id_title", "Budget passes")
        fill(browser, "id_slug", "budget-passes")
        fill(browser, "id_body", FIRST_BODY)
        # Counted live, as typed: the words of the text, not of the tags.
        count = browser.find_element(By.ID, "id_body_count").text
        assert count == "26 words · 1 min read"
        title_count = browser.find_element(By.ID, "id_title_count").text
        assert title_count == "13 characters; search results show about 60"
        press(browser, "_continue")
        article = Article.objects.get(slug="budget-passes")
        assert stored_body(article) == FIRST_STORED
        fill(browser, "id_body", SECOND_BODY)
        press(browser, "_submit_review")
        article.refresh_from_db()
        assert article.status == "review"

        # The editor finds it in the queue, compares the versions and restores the first.
        sign_in(browser, base, "editor")
        browser.get(base + "/admin/")
        click(browser, browser.find_element(By.CSS_SELECTOR, "#review-queue a"))
        click(browser, browser.find_element(By.LINK_TEXT, "All versions: compare and restore"))
        Select(browser.find_element(By.ID, "id_old")).select_by_value("1")
        Select(browser.find_element(By.ID, "id_new")).select_by_value("2")
        click(browser, browser.find_element(By.CSS_SELECTOR, ".desk-compare input[type=submit]"))
        assert browser.find_element(By.CSS_SELECTOR, ".desk-diff del").text == "January."
        assert browser.find_element(By.CSS_SELECTOR, ".desk-diff ins").text == "March."
        screenshot(browser, "versions")
        restore = "form[action$='/versions/1/restore/'] input[type=submit]"
        click(browser, browser.find_element(By.CSS_SELECTOR, restore))
        assert stored_body(article) == FIRST_STORED

        # ... and publishes it from the change form.
        Select(browser.find_element(By.ID, "id_status")).select_by_value("published")
        screenshot(browser, "change")
        press(browser, "_save")
        article.refresh_from_db()
        assert article.is_public

        # The reader page shows exactly that structure.
        browser.delete_all_cookies()
        browser.get(base + article.get_absolute_url())
        body = browser.find_element(By.CSS_SELECTOR, "article")
        assert body.find_element(By.TAG_NAME, "h2").text == "What the vote means"
        link = body.find_element(By.CSS_SELECTOR, "a[href='https://example.org/budget']")
        assert link.text == "the text is online"
        assert body.find_element(By.TAG_NAME, "blockquote").text == "It is a fair budget."
        assert "takes effect in January" in body.text
        assert "March" not in body.text
