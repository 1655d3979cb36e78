"""Give the SQLite index its title table, filled from the stored rows (install() does it)."""

from django.db import migrations


def install(apps, schema_editor):
    from dastan.search.backends import get_backend

    get_backend(schema_editor.connection.alias).install()


class Migration(migrations.Migration):
    dependencies = [("search", "0003_postgres_marks")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop, elidable=False)]
