"""The ``content_lang`` tag: ``lang`` only on content in another language than the interface."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation


def render(language: str | None) -> str:
    template = Template("{% load content_lang %}<h1{% content_lang language %}>")
    return template.render(Context({"language": language}))


class ContentLangTests:
    def test_other_language_is_marked(self):
        with translation.override("ru"):
            assert render("en") == '<h1 lang="en">'
        with translation.override("en"):
            assert render("ru") == '<h1 lang="ru">'

    def test_interface_language_is_not_repeated(self):
        with translation.override("ru"):
            assert render("ru") == "<h1>"
        with translation.override("en-gb"):
            assert render("en") == "<h1>"

    def test_a_stored_value_is_escaped(self):
        """Whatever the column holds, it cannot break out of the attribute."""
        with translation.override("en"):
            assert render('x"><script>') == '<h1 lang="x&quot;&gt;&lt;script&gt;">'

    def test_no_language_adds_nothing(self):
        with translation.override("ru"):
            assert render("") == "<h1>"
            assert render(None) == "<h1>"
