"""The article admin's editions: the edition filter, the translations panel, "Translate into".

A translation is a draft in another edition made from the article (``article_translation_create``)
and owned by whoever asked for it. The panel and the refusal show only translations the staff
member may see (``can_view``): a writer learns that an edition is taken, never another
writer's draft.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dastan.content import services
from dastan.content.models import Article


def editions() -> dict[str, str]:
    """Return ``{code: name}`` for every edition, named in the active language.

    Django's own catalogue names every language it knows in every language it speaks.
    """
    names = {}
    for code, label in Article._meta.get_field("language").choices:
        try:
            names[str(code)] = str(translation.get_language_info(code)["name_translated"])
        except KeyError:
            names[str(code)] = str(label)
    return names


def translations_of(article: Article) -> list[Article]:
    """Return the other articles of ``article``'s translation group, in edition order."""
    if article.pk is None or article.translation_group is None:
        return []
    order = list(editions())
    found = Article.objects.filter(translation_group=article.translation_group).exclude(
        pk=article.pk
    )
    return sorted(found, key=lambda a: order.index(a.language) if a.language in order else 99)


def article_change_url(article: Article) -> str:
    return reverse("admin:content_article_change", args=[article.pk])


class EditionFilter(admin.SimpleListFilter):
    """Narrow the article list to one edition; an unknown code leaves the list whole."""

    title = gettext_lazy("edition")
    parameter_name = "edition"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return list(editions().items())

    def queryset(self, request, queryset):
        value = self.value()
        if value in editions():
            return queryset.filter(language=value)
        return queryset


def translations_panel(request: HttpRequest, article: Article, *, can_add: bool) -> SafeString:
    """Render the change page's list of translations and a button per edition still missing.

    The buttons submit the change page's own form (with its CSRF token) to the translate view
    through ``formaction``: a form cannot sit inside the admin's form, and no script is needed.
    """
    if article.pk is None:
        return format_html("{}", _("Save the article first."))
    others = translations_of(article)
    visible = [a for a in others if services.can_view(request.user, a)]
    names = editions()
    rows = format_html_join(
        "",
        '<li lang="{}"><a href="{}">{}</a> ({}, {})</li>',
        (
            (
                a.language,
                article_change_url(a),
                a.title,
                names.get(a.language, a.language),
                a.get_status_display(),
            )
            for a in visible
        ),
    )
    taken = {article.language} | {a.language for a in others}
    buttons = format_html_join(
        " ",
        '<button type="submit" class="button" formaction="{}" formmethod="post" formnovalidate '
        'name="language" value="{}">{}</button>',
        (
            (
                reverse("admin:content_article_translate", args=[article.pk]),
                code,
                _("Translate into %(edition)s") % {"edition": name},
            )
            for code, name in names.items()
            if code not in taken and can_add
        ),
    )
    if not visible:
        rows = format_html("<li>{}</li>", _("No translations yet."))
    return format_html('<ul class="newsroom-translations">{}</ul><p>{}</p>', rows, buttons)
