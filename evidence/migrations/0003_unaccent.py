from django.db import migrations


def create_unaccent(apps, schema_editor):
    """The evidence search folds accents with PostgreSQL's unaccent; SQLite (the demo) goes without."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):

    dependencies = [
        ("evidence", "0002_checks_and_trusted_roots"),
    ]

    operations = [
        migrations.RunPython(create_unaccent, migrations.RunPython.noop, elidable=True),
    ]
