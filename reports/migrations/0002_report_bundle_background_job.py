"""ReportBundle takes the fields every background job shares (parindex.jobs.BackgroundJob): the acting
user and the queueing time keep their values under the shared names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("reportbundle", "requested_by", "created_by"),
        migrations.RenameField("reportbundle", "queued_at", "created_at"),
    ]
