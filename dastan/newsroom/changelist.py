"""Admin parts that stay up whatever is stored or asked for: slugs, dates, the article list."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models.functions import ExtractYear
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from dastan.content.forms import NormalisedSlugField
from dastan.content.models import Article, local_datetime


class SlugAdmin(admin.ModelAdmin):
    """An admin whose slug is normalised (``slug_normalise``), with a warning when it changed."""

    formfield_overrides = {models.SlugField: {"form_class": NormalisedSlugField}}

    def save_form(self, request, form, change):
        given = getattr(form.fields.get("slug"), "changed_from", None)
        if given:
            slug = form.cleaned_data["slug"]
            message = _("The slug %(given)r is not a valid slug: saved as %(slug)r.") % {
                "given": given,
                "slug": slug,
            }
            self.message_user(request, message, messages.WARNING)
        return super().save_form(request, form, change)


@admin.display(description=_("Published at"), ordering="published_at")
def published_column(obj: Article) -> str:
    """Show the publication time; Django's own column raises on 9999-12-31 in a zone east of UTC."""
    if obj.published_at is None:
        return "-"
    return formats.localize(local_datetime(obj.published_at).replace(tzinfo=None))


class PublishedYearFilter(admin.SimpleListFilter):
    """Narrow the article list to one year of ``published_at`` (UTC years).

    Django's ``date_hierarchy`` steps past the calendar's end on a stored
    9999-12-31 (``year + 1``, and the site's time zone): a 500 on the list.
    Years here are read in UTC, where no date moves, and a year is a range.
    """

    title = _("year published")
    parameter_name = "year"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        years = (
            model_admin.get_queryset(request)
            .filter(published_at__isnull=False)
            .annotate(published_year=ExtractYear("published_at", tzinfo=dt.UTC))
            .order_by("-published_year")
            .values_list("published_year", flat=True)
            .distinct()
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isascii() or not value.isdigit():
            return queryset
        year = int(value)
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            return queryset.none()
        found = queryset.filter(published_at__gte=dt.datetime(year, 1, 1, tzinfo=dt.UTC))
        if year < dt.MAXYEAR:
            found = found.filter(published_at__lt=dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC))
        return found


class DateSafeChangeList(ChangeList):
    """A change list for which a date outside the calendar is a bad filter, not a 500.

    ``?published_at__year=1`` is the year 0 in UTC for a zone east of it;
    Django raises ``OverflowError`` while counting. Django answers a bad
    filter (``IncorrectLookupParameters``) with a redirect to ``?e=1``.
    """

    def get_results(self, request) -> None:
        try:
            super().get_results(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc
