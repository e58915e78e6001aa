"""Each agency result keeps the reference data its outputs print (agency and block names, codes, positions,
the table prefix, what its rank change compared with, a merged agency's predecessors). Existing snapshots
are filled from the rows as they are now: the best that is known of them."""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

TEXT_FIELDS = {
    "agency_code": ("agency", "code"),
    "agency_name": ("agency", "name"),
    "agency_short_name": ("agency", "short_name"),
    "agency_head_title": ("agency", "head_title"),
    "agency_position": ("agency", "position"),
    "block_code": ("block", "code"),
    "block_name": ("block", "name"),
    "block_table_prefix": ("block", "table_prefix"),
    "block_position": ("block", "position"),
}


def fill_reference_data(apps, schema_editor):
    """From the current Agency and Block rows. What a stored rank change compared with is kept as it was
    computed: an agency with a result of its own in the compared snapshot compares with it, else with its
    single predecessor's; one with two or more predecessors and no rank change lists them (and its own
    previous result) as merged."""
    AgencyResult = apps.get_model("scoring", "AgencyResult")
    Agency = apps.get_model("agencies", "Agency")
    formers = defaultdict(list)
    for link in Agency.predecessors.through.objects.select_related("to_agency").order_by(
        "to_agency__position", "to_agency__name"
    ):
        formers[link.from_agency_id].append(link.to_agency)
    previous_by_snapshot = {}
    rows = list(AgencyResult.objects.select_related("agency", "block", "snapshot"))
    for row in rows:
        for field, (relation, attribute) in TEXT_FIELDS.items():
            setattr(row, field, getattr(getattr(row, relation), attribute))
        compared = row.snapshot.previous_snapshot_id
        if compared is None:
            continue
        if compared not in previous_by_snapshot:
            previous_by_snapshot[compared] = {
                agency_id: (rank, index)
                for agency_id, rank, index in AgencyResult.objects.filter(snapshot=compared).values_list(
                    "agency_id", "rank", "index"
                )
            }
        previous = previous_by_snapshot[compared]
        found = formers.get(row.agency_id, [])
        if len(found) >= 2 and row.rank_change is None:
            if row.agency_id in previous:
                found = [*found, row.agency]
            listed = [
                {
                    "agency_id": former.id,
                    "agency_code": former.code,
                    "agency_name": former.short_name or former.name,
                    "rank": previous.get(former.id, (None, None))[0],
                    "index": None if previous.get(former.id, (None, None))[1] is None else str(previous[former.id][1]),
                }
                for former in found
            ]
            row.predecessors = sorted(listed, key=lambda p: (p["rank"] is None, p["rank"] or 0, p["agency_name"]))
        elif row.agency_id in previous:
            row.compared_with_id = row.agency_id
        elif len(found) == 1 and found[0].id in previous:
            row.compared_with_id = found[0].id
    AgencyResult.objects.bulk_update(
        rows, [*TEXT_FIELDS, "compared_with", "predecessors"], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_agency_block_history"),
        ("scoring", "0009_admin_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="agencyresult",
            name="agency_code",
            field=models.CharField(default="", max_length=40, verbose_name="agency code"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agencyresult",
            name="agency_name",
            field=models.CharField(default="", max_length=255, verbose_name="agency name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agencyresult",
            name="agency_short_name",
            field=models.CharField(blank=True, max_length=120, verbose_name="agency short name"),
        ),
        migrations.AddField(
            model_name="agencyresult",
            name="agency_head_title",
            field=models.CharField(blank=True, max_length=120, verbose_name="head's title"),
        ),
        migrations.AddField(
            model_name="agencyresult",
            name="agency_position",
            field=models.PositiveIntegerField(default=0, verbose_name="position in the official list"),
        ),
        migrations.AddField(
            model_name="agencyresult",
            name="block_code",
            field=models.CharField(default="", max_length=40, verbose_name="block code"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agencyresult",
            name="block_name",
            field=models.CharField(default="", max_length=200, verbose_name="block name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="agencyresult",
            name="block_table_prefix",
            field=models.CharField(blank=True, max_length=4, verbose_name="report table prefix"),
        ),
        migrations.AddField(
            model_name="agencyresult",
            name="block_position",
            field=models.PositiveIntegerField(default=0, verbose_name="block position"),
        ),
        migrations.AddField(
            model_name="agencyresult",
            name="compared_with",
            field=models.ForeignKey(
                blank=True,
                help_text="The agency whose result in the previous snapshot this one compares with: itself, or its single predecessor. Empty for a new agency and one merged from two or more.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
                verbose_name="rank change compared with",
            ),
        ),
        migrations.AddField(
            model_name="agencyresult",
            name="predecessors",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="An agency merged from two or more: each former agency (agency_id, agency_code, agency_name) with its rank and index in the previous snapshot; it has no rank change.",
                verbose_name="predecessors' previous ranks",
            ),
        ),
        migrations.RunPython(fill_reference_data, migrations.RunPython.noop, elidable=True),
        migrations.AlterModelOptions(
            name="agencyresult",
            options={
                "ordering": [
                    "snapshot",
                    "block_position",
                    "block_code",
                    models.OrderBy(models.F("rank"), nulls_last=True),
                    "-exact_index",
                    "agency_position",
                    "agency_code",
                ],
                "verbose_name": "agency result",
                "verbose_name_plural": "agency results",
            },
        ),
    ]
