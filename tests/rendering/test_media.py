from __future__ import annotations

import pytest

from dastan.rendering import default_registry
from dastan.rendering.media import (
    MAX_ATTACHMENT_ID,
    attachment_id,
    attachment_ids,
    gallery_renderer,
    split_caption,
)
from dastan.rendering.shortcodes import Shortcode, ShortcodeRegistry

from .test_shortcodes import EXAMPLES
from .trees import find_all, tree

BY_ID = {example["id"]: example for example in EXAMPLES}


def render(text: str, registry: ShortcodeRegistry = default_registry) -> str:
    return registry.render(text)


class CaptionTests:
    def test_modern_caption_matches_wordpress_html5(self) -> None:
        """[caption] with the caption after the image gives WordPress's HTML5 figure."""
        example = BY_ID["ex-01"]
        assert tree(render(example["input"])) == tree(example["expect"]["wordpress_html5_output"])

    def test_split_media_and_caption(self) -> None:
        """The leading (linked) image is the media; the trimmed rest is the caption."""
        example = BY_ID["ex-01"]
        (shortcode,) = default_registry.parse(example["input"])
        media, caption = split_caption(shortcode.content or "")
        assert media == example["expect"]["media_html"]
        assert caption == example["expect"]["caption_html"]

    def test_attachment_id_out_of_range_is_none(self) -> None:
        """An attachment id no column can hold is no attachment."""
        assert (
            attachment_id(Shortcode("caption", {"id": "attachment_" + "9" * 5000}, "", False, 0, 0))
            is None
        )

    def test_attachment_id(self) -> None:
        """The attachment id comes from id="attachment_N", else from wp-image-N."""
        (shortcode,) = default_registry.parse(BY_ID["ex-01"]["input"])
        assert attachment_id(shortcode) == BY_ID["ex-01"]["expect"]["attachment_id"]
        (shortcode,) = default_registry.parse('[caption]<img class="wp-image-12">x[/caption]')
        assert attachment_id(shortcode) == 12

    def test_caption_attribute(self) -> None:
        """Older exports' caption="..." gives the figcaption; the whole content is media."""
        example = BY_ID["ex-02"]
        html = render(example["input"])
        assert "<figcaption" in html
        assert example["expect"]["caption_html"] in html
        # Same image and caption as WordPress's legacy markup, but HTML5: the
        # figure is exactly the image width (legacy adds 10px) and carries
        # aria-describedby itself.
        legacy = example["expect"]["wordpress_legacy_output"]
        legacy_img = find_all(legacy, "img")[0]
        del legacy_img["aria-describedby"]
        assert find_all(html, "img") == [legacy_img]
        assert find_all(legacy, "div")[0]["style"] == "width: 310px"
        figure = find_all(html, "figure")[0]
        assert figure["style"] == "width: 300px"
        assert figure["class"] == "wp-caption alignright"
        assert figure["aria-describedby"] == "caption-attachment-77"

    def test_without_width_keeps_caption(self) -> None:
        """Unlike WordPress, a caption without width keeps its text (no width style)."""
        example = BY_ID["ex-03"]
        html = render(example["input"])
        assert find_all(html, "img") == find_all(example["expect"]["wordpress_output"], "img")
        assert "Route of the new tram line</figcaption>" in html
        assert "style" not in find_all(html, "figure")[0]

    def test_without_caption_text_is_just_media(self) -> None:
        """A caption with no text renders the media alone, like WordPress."""
        assert render('[caption width="10"]<img src="a.jpg">[/caption]') == '<img src="a.jpg">'

    def test_attributes_escaped(self) -> None:
        """id, align and class cannot break out of their attributes."""
        html = render("[caption id='x\" onload=\"y' align='\"><b>' width=5]<img src=a> c[/caption]")
        figure = find_all(html, "figure")[0]
        assert figure["id"] == "xonloady"
        assert figure["class"] == "wp-caption"
        assert "<b>" not in html

    def test_nested_shortcodes_rendered(self) -> None:
        """Shortcodes in the media part are rendered."""
        html = render('[caption width="9" caption="Storm"][video src="https://x/a.mp4"][/caption]')
        assert "<video" in html and "Storm</figcaption>" in html

    def test_wp_caption_alias(self) -> None:
        """[wp_caption] is the same as [caption], as in WordPress."""
        assert render("[wp_caption width=1]<img src=a> c[/wp_caption]").startswith("<figure")


class GalleryTests:
    ATTACHMENTS = {
        1203: ("https://x/1203.jpg", "Bridge", "The old bridge"),
        1198: ("https://x/1198.jpg", "River", ""),
        1210: ("https://x/1210.jpg", 'Quote "x"', "<b>not html</b>"),
    }

    def registry(self) -> ShortcodeRegistry:
        registry = default_registry.copy()
        registry.register(
            "gallery",
            gallery_renderer(
                lambda ids: {i: self.ATTACHMENTS[i] for i in ids if i in self.ATTACHMENTS}
            ),
        )
        return registry

    def test_images_in_ids_order(self) -> None:
        """ids= gives the images in display order, not sorted."""
        example = BY_ID["ex-08"]
        html = render(example["input"], self.registry())
        srcs = [img["src"] for img in find_all(html, "img")]
        assert srcs == [f"https://x/{i}.jpg" for i in example["expect"]["images_in_order"]]

    def test_grid_markup(self) -> None:
        """The grid carries columns and size classes; link="file" links each image."""
        html = render(BY_ID["ex-08"]["input"], self.registry())
        assert find_all(html, "div") == [{"class": "gallery gallery-columns-2 gallery-size-medium"}]
        assert find_all(html, "a")[0]["href"] == "https://x/1203.jpg"
        assert len(find_all(html, "figure")) == 3

    def test_captions_and_alt_escaped(self) -> None:
        """Attachment captions are text and alt text is escaped."""
        html = render('[gallery ids="1210"]', self.registry())
        assert "&lt;b&gt;not html&lt;/b&gt;" in html
        assert find_all(html, "img")[0]["alt"] == 'Quote "x"'

    def test_unknown_ids_skipped(self) -> None:
        """Ids the resolver does not know are skipped; none known renders nothing."""
        assert len(find_all(render('[gallery ids="1,1203"]', self.registry()), "img")) == 1
        assert render('[gallery ids="1,2"]', self.registry()) == ""

    def test_without_resolver(self) -> None:
        """The default registry has no attachment data and renders galleries as nothing."""
        assert render('A[gallery ids="1,2"]B') == "AB"

    def test_without_ids_asks_for_post_images(self) -> None:
        """Without ids= the resolver is asked with an empty list, for the post's images."""
        asked = []
        registry = ShortcodeRegistry()
        registry.register(
            "gallery", gallery_renderer(lambda ids: asked.append(ids) or {5: ("/a.jpg", "", "")})
        )
        assert find_all(registry.render("[gallery]"), "img")[0]["src"] == "/a.jpg"
        assert asked == [[]]

    def test_ids_no_column_holds_are_skipped(self) -> None:
        """An id past 64 bits, or thousands of digits, names no attachment and is no error.

        int() refuses more than 4,300 digits and SQLite refuses an int past 64 bits,
        so either one in a stored body made the article page answer 500.
        """
        asked = []
        registry = ShortcodeRegistry()
        registry.register(
            "gallery", gallery_renderer(lambda ids: asked.append(ids) or {5: ("/a.jpg", "", "")})
        )
        huge = "9" * 5000
        html = registry.render(f'[gallery ids="5,{huge},{MAX_ATTACHMENT_ID + 1},0"]')
        assert asked == [[5]]
        assert find_all(html, "img")[0]["src"] == "/a.jpg"

    def test_attachment_ids(self) -> None:
        """Ids are ASCII digits from 1 to 2**63 - 1, in the order written."""
        assert attachment_ids(f"3, 1,{MAX_ATTACHMENT_ID}") == [3, 1, MAX_ATTACHMENT_ID]
        assert attachment_ids("\u0663,\u00b2,-2, 0, 99999999999999999999") == [2]


class VideoTests:
    def test_example(self) -> None:
        """[video] gives <video controls> with a typed source and a fallback link."""
        html = render(BY_ID["ex-06"]["input"])
        video = find_all(html, "video")[0]
        assert video["width"] == "960" and video["height"] == "540"
        assert "autoplay" not in video and "controls" in video
        assert find_all(html, "source") == [
            {"src": "https://cdn.example.org/clips/storm.mp4", "type": "video/mp4"}
        ]

    def test_format_attributes(self) -> None:
        """mp4= and webm= become sources, in order, without duplicates."""
        html = render('[video mp4="/a.mp4" webm="/a.webm" src="/a.mp4" poster="/p.jpg" loop="on"]')
        assert [s["src"] for s in find_all(html, "source")] == ["/a.mp4", "/a.webm"]
        video = find_all(html, "video")[0]
        assert video["poster"] == "/p.jpg" and "loop" in video

    @pytest.mark.parametrize(
        "src",
        [
            "javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:video/mp4;base64,AA",
            "http://[::1",
            "https://x:99999/a.mp4",
        ],
    )
    def test_unsafe_urls_refused(self, src: str) -> None:
        """Only relative and http(s) sources are used; nothing else renders."""
        assert render(f'[video src="{src}"]') == ""

    def test_entities_decoded_once(self) -> None:
        """&amp; in a sanitized body's attribute is one '&' in the URL."""
        html = render('[video src="https://x/v.mp4?a=1&amp;b=2"]')
        assert find_all(html, "source")[0]["src"] == "https://x/v.mp4?a=1&b=2"


class AudioTests:
    def test_audio(self) -> None:
        """[audio] gives <audio controls preload="none"> with typed sources."""
        html = render('[audio mp3="https://x/a.mp3" ogg="https://x/a.ogg"]')
        assert find_all(html, "audio") == [{"controls": "", "preload": "none"}]
        assert [s["type"] for s in find_all(html, "source")] == ["audio/mpeg", "audio/ogg"]

    def test_quotes_escaped(self) -> None:
        """A quote in the URL cannot close the attribute."""
        html = render("[audio src='https://x/a.mp3?\"onerror=\"x']")
        assert find_all(html, "source")[0]["src"] == 'https://x/a.mp3?"onerror="x'
        assert all("onerror" not in attrs for attrs in find_all(html, "source"))
