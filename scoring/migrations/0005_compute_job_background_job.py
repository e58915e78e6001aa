"""ComputeJob takes the fields every background job shares (parindex.jobs.BackgroundJob): the acting user
and the queueing time keep their values under the shared names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0004_snapshot_publication_note"),
    ]

    operations = [
        migrations.RenameField("computejob", "started_by", "created_by"),
        migrations.RenameField("computejob", "queued_at", "created_at"),
    ]
