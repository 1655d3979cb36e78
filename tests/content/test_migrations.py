"""The corrections made before their article's edition was copied onto them get it."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("content", "0014_featured_image_library")]
AFTER = [("content", "0015_correction_edition")]


@pytest.mark.django_db(transaction=True)
class CorrectionEditionMigrationTests:
    def test_corrections_take_their_articles_edition_and_publication(self):
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        Article = old.get_model("content", "Article")
        Correction = old.get_model("content", "Correction")
        when = timezone.now() - dt.timedelta(days=1)
        common = {"body": "", "teaser": "", "published_at": when}
        public = Article.objects.create(title="A", slug="a", status="published", **common)
        draft = Article.objects.create(title="B", slug="b", status="draft", **common)
        russian = Article.objects.create(
            title="Novosti", slug="v", status="scheduled", language="ru", **common
        )
        made = [Correction.objects.create(article=a, text="Fix") for a in (public, draft, russian)]

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        Correction = executor.loader.project_state(AFTER).apps.get_model("content", "Correction")
        copied = {c.pk: (c.language, c.public_from) for c in Correction.objects.all()}
        assert copied == {
            made[0].pk: ("en", when),
            made[1].pk: ("en", None),
            made[2].pk: ("ru", when),
        }
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
class ListingMigrationTests:
    def test_a_site_from_before_the_listings_gets_its_entries_and_sizes(self):
        """0008 writes the entries (frozen SQL), 0016 sizes them, 0017 adds the archive's."""
        before = [("content", "0007_sitemap_months_index")]
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        Article = old.get_model("content", "Article")
        Section = old.get_model("content", "Section")
        Tag = old.get_model("content", "Tag")
        section = Section.objects.create(name="Economy", slug="economy")
        tag = Tag.objects.create(name="Oil", slug="oil")
        when = timezone.now() - dt.timedelta(days=1)
        common = {"body": "", "teaser": "", "published_at": when, "section": section}
        english = Article.objects.create(title="A", slug="a", status="published", **common)
        english.tags.add(tag)
        Article.objects.create(title="B", slug="b", status="draft", **common)
        russian = Article.objects.create(
            title="V", slug="v", status="published", language="ru", **common
        )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        from dastan.content.listings import archive_day_key
        from dastan.content.models import ListingEntry, ListingSize

        assert set(ListingEntry.objects.values_list("listing", "article_id", "language")) == {
            (f"s{section.pk}", english.pk, "en"),
            (f"t{tag.pk}", english.pk, "en"),
            (f"s{section.pk}", russian.pk, "ru"),
            ("e", english.pk, "en"),
            ("e", russian.pk, "ru"),
        }
        day = archive_day_key(when.astimezone(dt.UTC).date())
        assert set(ListingSize.objects.values_list("listing", "language", "entries")) == {
            (f"s{section.pk}", "en", 1),
            (f"t{tag.pk}", "en", 1),
            (f"s{section.pk}", "ru", 1),
            (day, "en", 1),
            (day, "ru", 1),
        }
