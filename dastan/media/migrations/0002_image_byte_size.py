"""Each library image's size in bytes, measured once from its stored file."""

from django.db import migrations, models


def sizes_measure(apps, schema_editor) -> None:
    """Read each stored file's size once; a file that cannot be read keeps no size."""
    Image = apps.get_model("media", "Image")
    for image in Image.objects.filter(byte_size__isnull=True).only("pk", "file").iterator():
        try:
            size = image.file.size
        except (OSError, ValueError):
            continue
        Image.objects.filter(pk=image.pk).update(byte_size=size)


class Migration(migrations.Migration):
    dependencies = [
        ("media", "0001_initial"),
        # The images these data migrations put in the library are measured too.
        ("content", "0014_featured_image_library"),
        ("importers", "0003_attachment_image"),
    ]

    operations = [
        migrations.AddField(
            model_name="image",
            name="byte_size",
            field=models.PositiveBigIntegerField(
                editable=False, null=True, verbose_name="size in bytes"
            ),
        ),
        migrations.RunPython(sizes_measure, migrations.RunPython.noop),
    ]
