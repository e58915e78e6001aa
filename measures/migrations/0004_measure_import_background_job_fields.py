"""MeasureImport: the remaining fields every background job shares, and the one status enum."""


import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce


def updated_at_backfill(apps, schema_editor):
    """An existing row's last change is its end, else its creation (the stale-after rule reads it)."""
    for name in ("MeasureImport", "HistoricalMeasureImport"):
        apps.get_model("measures", name).objects.update(updated_at=Coalesce("finished_at", "created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('measures', '0003_measure_import_background_job'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='measureimport',
            options={'ordering': ['-created_at', '-pk'], 'permissions': [('import_measures', 'Can import measured data and survey values')], 'verbose_name': 'measured data import', 'verbose_name_plural': 'measured data imports'},
        ),
        migrations.AddField(
            model_name='historicalmeasureimport',
            name='message',
            field=models.TextField(blank=True, help_text='Why the job failed.', verbose_name='message'),
        ),
        migrations.AddField(
            model_name='historicalmeasureimport',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AddField(
            model_name='historicalmeasureimport',
            name='task_id',
            field=models.CharField(blank=True, max_length=64, verbose_name='task id'),
        ),
        migrations.AddField(
            model_name='historicalmeasureimport',
            name='updated_at',
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False, verbose_name='last progress at'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='measureimport',
            name='message',
            field=models.TextField(blank=True, help_text='Why the job failed.', verbose_name='message'),
        ),
        migrations.AddField(
            model_name='measureimport',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AddField(
            model_name='measureimport',
            name='task_id',
            field=models.CharField(blank=True, max_length=64, verbose_name='task id'),
        ),
        migrations.AddField(
            model_name='measureimport',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='last progress at'),
        ),
        migrations.AlterField(
            model_name='historicalmeasureimport',
            name='created_at',
            field=models.DateTimeField(blank=True, editable=False, verbose_name='queued at'),
        ),
        migrations.AlterField(
            model_name='historicalmeasureimport',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished at'),
        ),
        migrations.AlterField(
            model_name='historicalmeasureimport',
            name='progress',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)'),
        ),
        migrations.AlterField(
            model_name='historicalmeasureimport',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Finished'), ('failed', 'Failed'), ('refused', 'Refused'), ('stored', 'Stored'), ('unchanged', 'Nothing new (every serial already stored)'), ('created', 'Accounts created'), ('previewed', 'Previewed, not stored'), ('store_queued', 'Waiting to be stored'), ('storing', 'Being stored'), ('discarded', 'Discarded')], default='previewed', max_length=16, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='measureimport',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='queued at'),
        ),
        migrations.AlterField(
            model_name='measureimport',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='finished at'),
        ),
        migrations.AlterField(
            model_name='measureimport',
            name='progress',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)'),
        ),
        migrations.AlterField(
            model_name='measureimport',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Finished'), ('failed', 'Failed'), ('refused', 'Refused'), ('stored', 'Stored'), ('unchanged', 'Nothing new (every serial already stored)'), ('created', 'Accounts created'), ('previewed', 'Previewed, not stored'), ('store_queued', 'Waiting to be stored'), ('storing', 'Being stored'), ('discarded', 'Discarded')], default='previewed', max_length=16, verbose_name='status'),
        ),
        migrations.RunPython(updated_at_backfill, migrations.RunPython.noop, elidable=True),
    ]
