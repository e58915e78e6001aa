"""ImportBatch takes the fields every background job shares (parindex.jobs.BackgroundJob) and its one status enum."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Coalesce


def updated_at_backfill(apps, schema_editor):
    """An existing row's last change is its end, else its creation (the stale-after rule reads it)."""
    apps.get_model("surveys", "ImportBatch").objects.update(updated_at=Coalesce("finished_at", "created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0006_response_correction'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='message',
            field=models.TextField(blank=True, help_text='Why the job failed.', verbose_name='message'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='task_id',
            field=models.CharField(blank=True, max_length=64, verbose_name='task id'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, verbose_name='last progress at'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='queued at'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='started by'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='progress',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='progress (%)'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('succeeded', 'Finished'), ('failed', 'Failed'), ('refused', 'Refused'), ('stored', 'Stored'), ('unchanged', 'Nothing new (every serial already stored)'), ('created', 'Accounts created'), ('previewed', 'Previewed, not stored'), ('store_queued', 'Waiting to be stored'), ('storing', 'Being stored'), ('discarded', 'Discarded')], default='queued', max_length=16, verbose_name='status'),
        ),
        migrations.RunPython(updated_at_backfill, migrations.RunPython.noop, elidable=True),
    ]
