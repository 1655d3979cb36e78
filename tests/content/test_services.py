import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import DataError, transaction
from django.utils import timezone

from dastan.content import services
from dastan.content.models import Article, Correction
from dastan.content.signals import articles_changed
from dastan.newsroom.roles import EDITOR, WRITER
from tests.factories import ArticleFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def make_user(username: str, role: str) -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)  # fresh permission cache


class PublishingTests:
    def test_writer_cannot_publish_schedule_or_unpublish(self):
        """A Writer is refused by every publishing service."""
        writer = make_user("w", WRITER)
        article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        with pytest.raises(PermissionDenied):
            services.article_publish(article, user=writer)
        with pytest.raises(PermissionDenied):
            services.article_schedule(article, at=timezone.now(), user=writer)
        with pytest.raises(PermissionDenied):
            services.article_unpublish(article, user=writer)
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT

    def test_editor_publishes_now(self):
        editor = make_user("e", EDITOR)
        article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        services.article_publish(article, user=editor)
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED
        assert article.is_public
        assert Article.objects.public().filter(pk=article.pk).exists()

    def test_scheduled_article_appears_by_itself_when_its_time_comes(self):
        """No job flips the status: the public query lets it in at its time."""
        at = timezone.now() + dt.timedelta(hours=2)
        article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
        services.article_schedule(article, at=at)
        assert not Article.objects.public().filter(pk=article.pk).exists()
        later = at + dt.timedelta(seconds=1)
        assert Article.objects.public(now=later).filter(pk=article.pk).exists()

    def test_unpublished_article_leaves_the_public_set(self):
        article = ArticleFactory()
        services.article_unpublish(article)
        assert not Article.objects.public().filter(pk=article.pk).exists()

    def test_republishing_keeps_the_original_time(self):
        article = ArticleFactory()
        original = article.published_at
        services.article_unpublish(article)
        services.article_publish(article)
        article.refresh_from_db()
        assert article.published_at == original

    def test_save_sends_articles_changed_with_the_id(self):
        seen = []

        def listener(sender, ids, **kwargs):
            seen.extend(ids)

        articles_changed.connect(listener)
        try:
            article = services.article_save(Article(title="T", slug="t", status="draft"))
        finally:
            articles_changed.disconnect(listener)
        assert seen == [article.pk]


class RevisionTests:
    def test_typo_fix_does_not_mark_updated(self):
        article = ArticleFactory()
        article.title = "Fixed a typo"
        services.article_save(article)
        article.refresh_from_db()
        assert article.revised_at is None

    def test_marked_revision_sets_time_and_logs_an_update(self):
        article = ArticleFactory()
        services.article_mark_revised(article, note="Adds the minister's reply.")
        article.refresh_from_db()
        assert article.revised_at is not None
        assert article.revision_note == "Adds the minister's reply."
        update = Correction.objects.get(article=article)
        assert update.kind == Correction.Kind.UPDATE


class TeaserTests:
    def test_manual_excerpt_wins(self):
        article = services.article_save(
            Article(title="T", slug="t", body="<p>Body words</p>", excerpt="Hand written.")
        )
        assert article.teaser == "Hand written."

    def test_caption_never_leaks_into_the_teaser(self):
        body = (
            '[caption id="attachment_1" align="alignleft" width="300"]<img src="/a.jpg" alt="x"> '
            "Flooded street.[/caption]<p>The river rose overnight.</p>"
        )
        article = services.article_save(Article(title="T", slug="t", body=body))
        assert "caption" not in article.teaser
        assert "Flooded street" not in article.teaser
        assert article.teaser.startswith("The river rose overnight.")


class UpsertTests:
    def record(self, **overrides) -> services.ArticleRecord:
        values = {
            "title": "Water talks resume",
            "slug": "water-talks-resume",
            "body": "<p>Talks resumed.</p>",
            "authors": ["Aigerim Nurlanovna", "Timur Rakhimov"],
            "sections": ["Politics", "Environment"],
            "tags": ["water"],
            "places": ["Bishkek"],
            "published_at": timezone.now() - dt.timedelta(days=1),
        }
        values.update(overrides)
        return services.ArticleRecord(**values)

    def test_creates_article_with_names_resolved_and_ordered_authors(self):
        result = services.articles_upsert([self.record()])
        article = Article.objects.get(pk=result.created[0])
        assert article.section.name == "Politics"
        assert [s.name for s in article.sections.all()] == ["Environment"]
        assert [b.author.name for b in article.bylines.all()] == [
            "Aigerim Nurlanovna",
            "Timur Rakhimov",
        ]
        assert [t.name for t in article.tags.all()] == ["water"]

    def test_same_data_twice_changes_nothing(self):
        record = self.record()
        services.articles_upsert([record])
        before = Article.objects.get().updated_at
        again = services.articles_upsert([record])
        assert again.created == [] and again.updated == [] and again.unchanged == 1
        assert Article.objects.get().updated_at == before

    def test_changed_tags_update_the_article(self):
        services.articles_upsert([self.record()])
        result = services.articles_upsert([self.record(tags=["water", "energy"])])
        assert len(result.updated) == 1
        assert sorted(t.name for t in Article.objects.get().tags.all()) == ["energy", "water"]

    def test_record_teaser_is_the_teaser_upsert_makes(self):
        """record_teaser() gives what articles_upsert stores when no teaser is handed over."""
        record = self.record(body="<p>Talks resumed [caption]x[/caption] in Astana.</p>")
        result = services.articles_upsert([record])
        stored = Article.objects.get(pk=result.created[0]).teaser
        assert stored == services.record_teaser(record) == "Talks resumed in Astana."

    def test_teaser_handed_over_is_stored_as_given(self):
        """A teaser made beforehand (in a worker process) is used, on create and on update."""
        services.articles_upsert([self.record(teaser="Made elsewhere.")])
        assert Article.objects.get().teaser == "Made elsewhere."
        services.articles_upsert([self.record(body="<p>New.</p>", teaser="Made again.")])
        assert Article.objects.get().teaser == "Made again."

    def test_teaser_handed_over_is_ignored_when_a_source_stays_stored(self):
        """A record that leaves the standfirst to the article gets a teaser from the stored one."""
        services.articles_upsert([self.record()])
        Article.objects.update(standfirst="An editor's standfirst.")
        supplied = frozenset({"title", "body", "excerpt"})
        services.articles_upsert(
            [self.record(body="<p>Changed.</p>", teaser="Stale.", fields=supplied)]
        )
        assert Article.objects.get().teaser == "An editor's standfirst."

    def test_author_order_change_is_an_update(self):
        services.articles_upsert([self.record()])
        services.articles_upsert([self.record(authors=["Timur Rakhimov", "Aigerim Nurlanovna"])])
        names = [b.author.name for b in Article.objects.get().bylines.all()]
        assert names == ["Timur Rakhimov", "Aigerim Nurlanovna"]


class ArticlesUpsertGuardTests:
    """The service refuses what an importer should have normalised or refused."""

    @pytest.mark.parametrize("slug", ["ctrl\u0001recent", "jl?x=1#frag", ".."])
    def test_an_invalid_slug_is_refused(self, slug):
        record = services.ArticleRecord(title="T", slug=slug, status="draft")
        with pytest.raises(ValueError, match="invalid slug"):
            services.articles_upsert([record])
        assert not Article.objects.exists()

    def test_an_out_of_range_date_is_refused(self):
        when = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
        record = services.ArticleRecord(title="T", slug="t", published_at=when)
        with pytest.raises(ValueError, match="outside 1900"):
            services.articles_upsert([record])
        assert not Article.objects.exists()

    @pytest.mark.postgres
    def test_a_row_postgresql_refuses_raises_djangos_error(self):
        """Rows go in by COPY on PostgreSQL; its refusal is still Django's DataError, which
        importers catch (as DatabaseError) to load the batch line by line."""
        record = services.ArticleRecord(title="T" * 301, slug="t", status="draft")
        with pytest.raises(DataError), transaction.atomic():
            services.articles_upsert([record])
        assert not Article.objects.exists()


class TranslationsLinkTests:
    def test_linked_articles_share_one_group(self):
        english = ArticleFactory(language="en")
        russian = ArticleFactory(language="ru")
        group = services.translations_link([english, russian])
        english.refresh_from_db()
        russian.refresh_from_db()
        assert english.translation_group == russian.translation_group == group

    def test_joining_a_group_keeps_its_members(self):
        english, russian = ArticleFactory(language="en"), ArticleFactory(language="ru")
        group = services.translations_link([english, russian])
        kazakh = ArticleFactory(language="kk")
        assert services.translations_link([kazakh, russian]) == group
        kazakh.refresh_from_db()
        assert kazakh.translation_group == group
        assert Article.objects.filter(translation_group=group).count() == 3

    def test_two_articles_of_one_language_are_refused(self):
        first, second = ArticleFactory(language="en"), ArticleFactory(language="en")
        with pytest.raises(ValueError, match="one article per language"):
            services.translations_link([first, second])
        first.refresh_from_db()
        assert first.translation_group is None


class NamesFillTests:
    def test_names_are_added_and_an_editors_are_kept(self):
        """Missing edition names are filled in; one an editor set stays as it is."""
        economy = SectionFactory(names={"ru": "Экономика и финансы"})
        tenge = TagFactory()
        services.names_fill(
            {economy: {"ru": "Экономика", "kk": "Экономика (kk)"}, tenge: {"ru": "Тенге"}}
        )
        economy.refresh_from_db()
        tenge.refresh_from_db()
        assert economy.names == {"ru": "Экономика и финансы", "kk": "Экономика (kk)"}
        assert tenge.names == {"ru": "Тенге"}

    def test_nothing_to_add_writes_nothing(self, django_assert_num_queries):
        economy = SectionFactory(names={"ru": "Экономика"})
        with django_assert_num_queries(0):
            services.names_fill({economy: {"ru": "Другое", "kk": ""}})
