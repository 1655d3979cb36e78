"""The desk in real headless Chromium: write, submit, compare, restore, publish, read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from dastan.content import services
from dastan.content.models import Article
from dastan.media.models import Image
from dastan.newsroom.admin import EDITOR_SCRIPT
from dastan.newsroom.editing import editing_mark
from dastan.newsroom.models import Autosave
from dastan.newsroom.roles import EDITOR, WRITER
from dastan.rendering import prepare_body
from tests.factories import image_bytes, library_image
from tests.factories import staff_user as staff
from tests.web.browser import chromium_driver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs"


def screenshot(browser, name: str) -> None:
    """Refresh docs/newsroom.md's pictures when asked (``DASTAN_DOCS_SCREENSHOTS=1``)."""
    if os.environ.get("DASTAN_DOCS_SCREENSHOTS") == "1":
        browser.save_screenshot(str(DOCS / f"screenshot-newsroom-{name}.png"))


# What the writer types in the editor, as the editor writes it (then autop's lines on save).
FIRST_BODY = (
    "<h2>What the vote means</h2>"
    '<p>The budget passed, <a href="https://example.org/budget">the text is online</a>.</p>'
    "<p>Opposition deputies voted against.</p>"
    "<blockquote><p>It is a fair budget.</p></blockquote>"
    "<p>The law takes effect in January.</p>"
)
FIRST_STORED = prepare_body(FIRST_BODY)


@pytest.fixture
def browser():
    driver = chromium_driver()
    yield driver
    driver.quit()


def click(browser, element) -> None:
    """Click ``element`` and wait for the page it leads to (the database is read right after).

    While Chromium swaps documents, asking about the old one can fail with an inspector error
    instead of "stale element"; that answer means "not yet", so the wait asks again.
    """
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 20, ignored_exceptions=(WebDriverException,)).until(
        expected_conditions.staleness_of(page)
    )


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


def editor(browser):
    """Return the body editor's editable surface (built by `make editor`)."""
    return WebDriverWait(browser, 20).until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, ".desk-editor-content"))
    )


def visible(browser, selector: str):
    return WebDriverWait(browser, 10).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, selector))
    )


def tool(browser, title: str) -> None:
    browser.find_element(By.CSS_SELECTOR, f".desk-editor-button[title='{title}']").click()


def write_story(browser) -> None:
    """Type the story in the editor as a writer would: toolbar, keyboard and a prompt."""
    surface = editor(browser)
    surface.click()
    tool(browser, "Heading 2")
    surface.send_keys("What the vote means", Keys.ENTER)
    surface.send_keys("The budget passed, the text is online")
    select = ActionChains(browser).key_down(Keys.SHIFT)
    for _ in "the text is online":
        select.send_keys(Keys.ARROW_LEFT)
    select.key_up(Keys.SHIFT).perform()
    tool(browser, "Link")
    # The address is asked in a dialog: a bad one is refused with a message, then corrected.
    address = visible(browser, "#desk-link-url")
    assert browser.switch_to.active_element == address
    address.send_keys("example.org/budget", Keys.ENTER)
    error = visible(browser, "#desk-link-error")
    assert "not an address a link can have" in error.text
    assert address.get_attribute("aria-invalid") == "true"
    address.clear()
    address.send_keys("https://example.org/budget", Keys.ENTER)
    WebDriverWait(browser, 10).until_not(
        lambda b: b.find_element(By.ID, "desk-link-dialog").get_attribute("open")
    )
    assert browser.switch_to.active_element == surface
    surface.send_keys(Keys.END, ".", Keys.ENTER)
    surface.send_keys("Opposition deputies voted against.", Keys.ENTER)
    # An address no embed knows is refused in the Embed dialog; Escape closes it, adding nothing.
    tool(browser, "Embed")
    visible(browser, "#desk-embed-url").send_keys("https://example.org/video", Keys.ENTER)
    assert "Only YouTube, Vimeo, X" in visible(browser, "#desk-embed-error").text
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    WebDriverWait(browser, 10).until_not(
        lambda b: b.find_element(By.ID, "desk-embed-dialog").get_attribute("open")
    )
    tool(browser, "Quote")
    surface.send_keys("It is a fair budget.", Keys.ENTER, Keys.ENTER)
    surface.send_keys("The law takes effect in January.")


class DeskTests:
    def test_write_submit_compare_restore_publish_read(self, live_server, browser, settings):
        assert finders.find(EDITOR_SCRIPT), "The body editor is not built: run `make editor`."
        settings.DASTAN_NEWSROOM = {"REQUIRE_2FA_FOR": [], "AUTOSAVE_SECONDS": 1}
        base = live_server.url
        staff("writer", WRITER)
        staff("editor", EDITOR)

        # The writer drafts in the editor and saves.
        sign_in(browser, base, "writer")
        browser.get(base + "/admin/content/article/add/")
        fill(browser, "id_title", "Budget passes")
        fill(browser, "id_slug", "budget-passes")
        write_story(browser)
        # Counted live, as typed: the words of the text, not of the tags.
        count = browser.find_element(By.ID, "id_body_count").text
        assert count == "26 words · 1 min read"
        title_count = browser.find_element(By.ID, "id_title_count").text
        assert title_count == "13 characters; search results show about 60"
        screenshot(browser, "editor")
        press(browser, "_continue")
        article = Article.objects.get(slug="budget-passes")
        assert stored_body(article) == FIRST_STORED

        # An edit is autosaved; leaving the page without saving loses nothing.
        surface = editor(browser)
        surface.click()
        surface.send_keys(Keys.CONTROL, Keys.END)
        surface.send_keys(*([Keys.BACKSPACE] * len("January.")), "March.")
        WebDriverWait(browser, 20).until(
            lambda b: "Autosaved" in b.find_element(By.ID, "autosave-state").text
        )
        assert "March." in Autosave.objects.get(article=article).body
        browser.get(base + "/admin/")
        browser.get(base + f"/admin/content/article/{article.pk}/change/")
        screenshot(browser, "autosave")
        click(browser, browser.find_element(By.ID, "autosave-restore"))
        assert "takes effect in March." in editor(browser).text
        press(browser, "_submit_review")
        article.refresh_from_db()
        assert article.status == "review"
        assert "March" in article.body
        assert not Autosave.objects.filter(article=article).exists()

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

        # ... and publishes it from the change form, the editor showing the restored text.
        assert "takes effect in January." in editor(browser).text
        Select(browser.find_element(By.ID, "id_status")).select_by_value("published")
        screenshot(browser, "change")
        press(browser, "_save")
        article.refresh_from_db()
        assert article.is_public
        assert stored_body(article) == FIRST_STORED

        # The reader page shows exactly that structure.
        browser.delete_all_cookies()
        browser.get(base + article.get_absolute_url())
        body = browser.find_element(By.CSS_SELECTOR, ".story__body")
        blocks = body.find_elements(By.XPATH, "./*")
        assert [b.tag_name for b in blocks] == ["h2", "p", "p", "blockquote", "p"]
        assert blocks[0].text == "What the vote means"
        link = body.find_element(By.CSS_SELECTOR, "a[href='https://example.org/budget']")
        assert link.text == "the text is online"
        assert blocks[3].text == "It is a fair budget."
        assert blocks[4].text == "The law takes effect in January."
        assert "March" not in body.text

    def test_images_from_the_library_and_an_upload_reach_the_reader_as_pictures(
        self, live_server, browser, settings, tmp_path
    ):
        assert finders.find(EDITOR_SCRIPT), "The body editor is not built: run `make editor`."
        settings.DASTAN_NEWSROOM = {"REQUIRE_2FA_FOR": []}
        base = live_server.url
        staff("writer", WRITER)
        ferry = library_image(
            (1600, 900), alt_text="Ferry at the Aktau pier", caption="The ferry", credit="A. B."
        )
        library_image((1600, 900), alt_text="A crowd", caption="Election night", credit="Reuters")
        photo = tmp_path / "IMG_0002.JPG"
        photo.write_bytes(image_bytes("JPEG", (1200, 800)))

        sign_in(browser, base, "writer")
        browser.get(base + "/admin/content/article/add/")
        fill(browser, "id_title", "Ferry returns")
        fill(browser, "id_slug", "ferry-returns")
        surface = editor(browser)
        surface.click()
        surface.send_keys("The ferry is back.", Keys.ENTER)

        # The Image button lists the library; a search narrows it; a click inserts the figure.
        tool(browser, "Image")
        visible(browser, ".desk-library-pick")
        assert len(browser.find_elements(By.CSS_SELECTOR, ".desk-library-pick")) == 2
        query = browser.switch_to.active_element
        assert query.get_attribute("id") == "desk-library-query"
        query.send_keys("aktau", Keys.ENTER)
        WebDriverWait(browser, 10).until(
            lambda b: len(b.find_elements(By.CSS_SELECTOR, ".desk-library-pick")) == 1
        )
        assert browser.find_element(By.ID, "desk-library-status").text == "Page 1 of 1"
        screenshot(browser, "image-dialog")
        browser.find_element(By.CSS_SELECTOR, f"[data-image-id='{ferry.pk}']").click()
        WebDriverWait(browser, 10).until_not(
            lambda b: b.find_element(By.ID, "desk-image-dialog").get_attribute("open")
        )

        # This story's own caption for it: the picture selected, its Caption dialog.
        browser.find_element(By.CSS_SELECTOR, ".desk-editor-figure").click()
        tool(browser, "Alt text, caption and credit of the selected picture")
        caption = visible(browser, "#desk-figure-caption")
        assert caption.get_attribute("value") == "The ferry"
        caption.clear()
        caption.send_keys("The ferry, back in service", Keys.ENTER)
        WebDriverWait(browser, 10).until_not(
            lambda b: b.find_element(By.ID, "desk-figure-dialog").get_attribute("open")
        )

        # A new picture is uploaded into the library from the dialog and inserted.
        surface.send_keys(Keys.CONTROL, Keys.END)
        tool(browser, "Image")
        visible(browser, ".desk-library-pick")
        browser.find_element(By.ID, "desk-upload-file").send_keys(str(photo))
        browser.find_element(By.ID, "desk-upload-alt").send_keys("Passengers on the deck")
        browser.find_element(By.ID, "desk-upload-caption").send_keys("Back at sea")
        browser.find_element(By.ID, "desk-upload-credit").send_keys("C. D.")
        browser.find_element(By.CSS_SELECTOR, "#desk-library-upload button[type=submit]").click()
        WebDriverWait(browser, 20).until_not(
            lambda b: b.find_element(By.ID, "desk-image-dialog").get_attribute("open")
        )
        uploaded = Image.objects.get(alt_text="Passengers on the deck")
        assert (uploaded.caption, uploaded.credit, uploaded.width) == ("Back at sea", "C. D.", 1200)
        press(browser, "_continue")
        article = Article.objects.get(slug="ferry-returns")
        body = stored_body(article)
        assert f'class="wp-library-image-{ferry.pk}"' in body
        assert f'class="wp-library-image-{uploaded.pk}"' in body
        assert '<span class="wp-credit">A. B.</span>' in body
        assert Image.objects.get(pk=ferry.pk).caption == "The ferry"  # the library's is kept
        # Reopened, the editor reads both figures back whole: saving again changes nothing.
        assert len(editor(browser).find_elements(By.CSS_SELECTOR, ".desk-editor-figure")) == 2
        # A keystroke and its undoing make the editor write its HTML into the field.
        editor(browser).send_keys(Keys.CONTROL, Keys.HOME)
        editor(browser).send_keys("x")
        written = browser.find_element(By.ID, "id_body").get_attribute("value")
        assert written.startswith("<p>xThe ferry")
        assert f"wp-library-image-{uploaded.pk}" in written
        editor(browser).send_keys(Keys.BACKSPACE)
        press(browser, "_continue")
        assert stored_body(article) == body
        services.article_publish(article)

        # The reader page draws both from the library: <picture>, srcset, caption and credit.
        browser.delete_all_cookies()
        browser.get(base + article.get_absolute_url())
        figures = browser.find_elements(By.CSS_SELECTOR, ".story__body figure")
        assert [f.find_element(By.TAG_NAME, "figcaption").text for f in figures] == [
            "The ferry, back in service A. B.",
            "Back at sea C. D.",
        ]
        for figure, image in zip(figures, (ferry, uploaded), strict=True):
            picture = figure.find_element(By.CSS_SELECTOR, "picture")
            sources = picture.find_elements(By.TAG_NAME, "source")
            assert [s.get_attribute("type") for s in sources] == ["image/avif", "image/webp"]
            img = picture.find_element(By.TAG_NAME, "img")
            assert f"/media/r/{image.sha256}/full-480.jpg 480w" in img.get_attribute("srcset")
            assert img.get_attribute("loading") == "lazy" and img.get_attribute("width")
            browser.execute_script("arguments[0].scrollIntoView()", img)
            WebDriverWait(browser, 20).until(
                lambda b, img=img: b.execute_script(
                    "return arguments[0].complete && arguments[0].naturalWidth > 0", img
                )
            )
            # Chromium takes the AVIF source: the library's modern format, made on request.
            assert img.get_property("currentSrc").endswith(".avif")
        browser.execute_script("window.scrollTo(0, 0)")
        screenshot(browser, "reader-pictures")

    def test_someone_else_editing_is_shown_and_a_stale_save_is_refused(self, live_server, browser):
        """Edit locking in the page: who has it open, and a save over a newer version refused
        with the differences, nothing written; Preview is on the form and on a draft's site link."""
        assert finders.find(EDITOR_SCRIPT), "The body editor is not built: run `make editor`."
        base = live_server.url
        writer = staff("writer", WRITER)
        colleague = staff("editor", EDITOR)
        article = services.article_save(
            Article(title="Budget passes", slug="budget-passes", body="<p>It passed.</p>"),
            user=writer,
        )
        Article.objects.filter(pk=article.pk).update(created_by=writer)
        editing_mark(article, colleague)

        sign_in(browser, base, "writer")
        browser.get(base + f"/admin/content/article/{article.pk}/change/")
        notice = browser.find_element(By.CSS_SELECTOR, "#editing .desk-notice").text
        assert notice.startswith("editor has had this article open since")
        tools = browser.find_elements(By.CSS_SELECTOR, ".object-tools a")
        preview = f"{base}/newsroom/preview/{article.pk}/"
        assert [a.get_attribute("href") for a in tools if a.text.lower() == "preview"] == [preview]
        assert [a.get_attribute("href") for a in tools if "site" in a.text.lower()] == [preview]

        # The colleague saves first; the writer's save from the older version is refused.
        article.refresh_from_db()
        article.body = "<p>It passed, the colleague says.</p>"
        services.article_save(article, user=colleague)
        surface = editor(browser)
        surface.click()
        surface.send_keys(Keys.CONTROL, Keys.END)
        surface.send_keys(" Narrowly.")
        press(browser, "_continue")
        conflict = browser.find_element(By.ID, "conflict")
        assert conflict.find_element(By.TAG_NAME, "h2").text.startswith("Saved by editor at")
        assert "Narrowly." in conflict.text and "the colleague says" in conflict.text
        assert stored_body(article) == "<p>It passed, the colleague says.</p>"
