"""Survey values are stored with the snapshot's 30 decimals (surveys.models.stored_value), no longer rounded
to 6: a published survey figure is the exact value rounded once. A value stored before keeps its 6 digits
(0.899500 reads 0.899500000…) until the period's responses are aggregated again."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0001_squashed_0010_printed_serials_as_printed'),
    ]

    operations = [
        migrations.AlterField(
            model_name='surveyvalue',
            name='value',
            field=models.DecimalField(decimal_places=30, max_digits=31, verbose_name='value (0…1)'),
        ),
    ]
