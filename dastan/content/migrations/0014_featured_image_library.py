"""The featured image becomes a media library image; stored files are taken over in place."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import migrations, models

from dastan.media.adopt import stored_file_adopt


def files_to_library(apps, schema_editor):
    Article = apps.get_model("content", "Article")
    Image = apps.get_model("media", "Image")
    articles = Article.objects.exclude(featured_image_file="").only(
        "featured_image_file", "featured_image_url", "featured_image_caption"
    )
    for article in articles.iterator(chunk_size=500):
        name = article.featured_image_file.name
        image = stored_file_adopt(Image, default_storage, name)
        if image is not None:
            Article.objects.filter(pk=article.pk).update(featured_image=image)
        elif not article.featured_image_url:
            # A file that no longer decodes keeps its address, so nothing is lost.
            url = (settings.MEDIA_URL + name)[:500]
            Article.objects.filter(pk=article.pk).update(featured_image_url=url)


def library_to_files(apps, schema_editor):
    Article = apps.get_model("content", "Article")
    for article in Article.objects.exclude(featured_image=None).select_related("featured_image"):
        Article.objects.filter(pk=article.pk).update(
            featured_image_file=article.featured_image.file.name
        )


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0013_article_breaking_until"),
        ("media", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("article", "featured_image", "featured_image_file"),
        migrations.AddField(
            model_name="article",
            name="featured_image",
            field=models.ForeignKey(
                blank=True,
                help_text="From the media library; its alt text is needed to publish.",
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to="media.image",
                verbose_name="featured image",
            ),
        ),
        migrations.RunPython(files_to_library, library_to_files),
        migrations.RemoveField("article", "featured_image_file"),
    ]
