"""MeasureImport takes the fields every background job shares (parindex.jobs.BackgroundJob): the uploader
and the upload time keep their values under the shared names (in its history too)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0002_import_job"),
    ]

    operations = [
        migrations.RenameField("measureimport", "uploaded_by", "created_by"),
        migrations.RenameField("measureimport", "uploaded_at", "created_at"),
        migrations.RenameField("historicalmeasureimport", "uploaded_by", "created_by"),
        migrations.RenameField("historicalmeasureimport", "uploaded_at", "created_at"),
    ]
