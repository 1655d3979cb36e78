"""Create the search index tables of whichever backend serves this database."""

from django.db import migrations


def install(apps, schema_editor):
    from dastan.search.backends import get_backend

    get_backend(schema_editor.connection.alias).install()


def uninstall(apps, schema_editor):
    from dastan.search.backends import get_backend

    get_backend(schema_editor.connection.alias).uninstall()


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations = [migrations.RunPython(install, uninstall, elidable=False)]
