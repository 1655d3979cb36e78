"""``dastan listings check`` and ``dastan listings rebuild``."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dastan.content.listings import listing_key
from dastan.content.models import Article, Correction, ListingEntry, ListingSize
from tests.factories import ArticleFactory, CorrectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def check() -> str:
    out = StringIO()
    call_command("listings", "check", stdout=out)
    return out.getvalue()


class ListingsCommandTests:
    def test_the_listings_kept_on_every_write_pass_the_check(self):
        tag = TagFactory()
        ArticleFactory.create_batch(3, tags=[tag])
        CorrectionFactory()
        assert "The listings match the articles." in check()

    def test_writes_around_the_services_are_found_and_repaired(self):
        """Raw writes (an update of rows, a lost entry, a wrong size) fail the check."""
        tag = TagFactory()
        article = ArticleFactory(tags=[tag])
        kept = ArticleFactory(tags=[tag])
        CorrectionFactory(article=kept)
        moved = timezone.now() - dt.timedelta(days=3)
        Article.objects.filter(pk=article.pk).update(published_at=moved)
        ListingEntry.objects.filter(article=kept, listing=listing_key(tag)).delete()
        ListingSize.objects.filter(listing=listing_key(kept.section)).update(entries=99)
        Correction.objects.update(language="ru")
        with pytest.raises(CommandError, match="--repair"):
            check()
        out = StringIO()
        call_command("listings", "check", "--repair", stdout=out)
        report = out.getvalue()
        assert "missing: " in report and "missing: 0" not in report
        assert "extra: " in report and "extra: 0" not in report
        assert "sizes: 0" not in report and "corrections: 1" in report
        assert "Rebuilt the listings." in report
        assert "The listings match the articles." in check()
        assert ListingEntry.objects.get(article=article, listing="e").published_at == moved

    def test_rebuild(self):
        ArticleFactory(tags=[TagFactory()])
        before = set(ListingEntry.objects.values_list("listing", "article_id"))
        ListingEntry.objects.all().delete()
        out = StringIO()
        call_command("listings", "rebuild", stdout=out)
        assert "Rebuilt the listings." in out.getvalue()
        assert set(ListingEntry.objects.values_list("listing", "article_id")) == before
