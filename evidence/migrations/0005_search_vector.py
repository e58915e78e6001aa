import django.contrib.postgres.search
from django.db import migrations


def index_and_fill(apps, schema_editor):
    """PostgreSQL: the stored vector of every file checked so far, and its GIN index. SQLite (the demo)
    searches by scanning the text, so it gets neither."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE evidence_evidencecheck SET search_vector = to_tsvector('simple', unaccent(text)) "
        "WHERE status = 'done'"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS evidence_check_search ON evidence_evidencecheck USING gin (search_vector)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS evidence_check_search")


class Migration(migrations.Migration):

    dependencies = [
        ("evidence", "0004_background_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidencecheck",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="search index"
            ),
        ),
        migrations.RunPython(index_and_fill, drop_index, elidable=True),
    ]
