"""Add the fingerprint column that ``dastan search check`` compares (install() adds it)."""

from django.db import migrations


def install(apps, schema_editor):
    from dastan.search.backends import get_backend

    get_backend(schema_editor.connection.alias).install()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop, elidable=False)]
