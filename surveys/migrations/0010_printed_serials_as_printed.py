"""Serials of printed forms stored as typed by imports before imports stored them as printed."""

from django.db import migrations


def mend(apps, schema_editor):
    from surveys.printing import printed_serials_mend

    printed_serials_mend(apps.get_model("surveys", "Response"), apps.get_model("surveys", "SurveyToken"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0009_admin_history")]
    operations = [migrations.RunPython(mend, migrations.RunPython.noop, elidable=True)]
