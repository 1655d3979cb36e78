"""Give the PostgreSQL index its marks and time buckets (install() converts the table in place)."""

from django.db import migrations


def install(apps, schema_editor):
    from dastan.search.backends import get_backend

    get_backend(schema_editor.connection.alias).install()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fingerprint")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop, elidable=False)]
