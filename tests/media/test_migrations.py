"""The data migrations bring stored featured images and imported copies into the library."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import image_bytes

BEFORE = [("content", "0013_article_breaking_until"), ("importers", "0002_wordpressattachment")]
AFTER = [("content", "0014_featured_image_library"), ("importers", "0003_attachment_image")]
SIZED = [("media", "0002_image_byte_size")]


@pytest.mark.django_db(transaction=True)
class LibraryMigrationTests:
    def test_files_and_attachments_join_the_library(self):
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        Article = old.get_model("content", "Article")
        Attachment = old.get_model("importers", "WordPressAttachment")
        stored = default_storage.save("images/2025/04/old.png", ContentFile(image_bytes("PNG")))
        copy = default_storage.save("wordpress/2024/ferry.jpg", ContentFile(image_bytes("JPEG")))
        broken = default_storage.save("images/2025/04/broken.jpg", ContentFile(b"not a picture"))
        common = {"status": "draft", "body": "", "teaser": ""}
        uploaded = Article.objects.create(title="A", slug="a", featured_image=stored, **common)
        lost = Article.objects.create(title="B", slug="b", featured_image=broken, **common)
        imported = Article.objects.create(
            title="C", slug="c", featured_image_url="/media/" + copy, **common
        )
        Attachment.objects.create(site="old.example", wp_id=7, url="/media/" + copy, alt="Ferry")

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        Article = new.get_model("content", "Article")
        Image = new.get_model("media", "Image")
        Attachment = new.get_model("importers", "WordPressAttachment")
        uploaded = Article.objects.get(pk=uploaded.pk)
        picture = Image.objects.get(pk=uploaded.featured_image_id)
        assert (picture.file.name, picture.width, picture.format) == (stored, 40, "png")
        lost = Article.objects.get(pk=lost.pk)
        assert lost.featured_image_id is None and lost.featured_image_url == "/media/" + broken
        ferry = Attachment.objects.get(wp_id=7).image_id
        assert Image.objects.get(pk=ferry).alt_text == "Ferry"
        assert Article.objects.get(pk=imported.pk).featured_image_id == ferry
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_library_images_are_measured_once(self):
        unsized = [*AFTER, ("media", "0001_initial")]
        executor = MigrationExecutor(connection)
        executor.migrate(unsized)
        Image = executor.loader.project_state(unsized).apps.get_model("media", "Image")
        data = image_bytes("PNG")
        stored = default_storage.save("images/2025/04/kept.png", ContentFile(data))
        kept = Image.objects.create(file=stored, width=40, height=30, format="png", sha256="a")
        gone = Image.objects.create(
            file="images/2025/04/gone.png", width=40, height=30, format="png", sha256="b"
        )

        executor = MigrationExecutor(connection)
        executor.migrate(SIZED)
        Image = executor.loader.project_state(SIZED).apps.get_model("media", "Image")
        assert Image.objects.get(pk=kept.pk).byte_size == len(data)
        assert Image.objects.get(pk=gone.pk).byte_size is None
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
