"""Every parameter has a date: a row saved without one takes the day its version was made
(the day the value was entered is the best date we have for it)."""

from django.db import migrations
from django.utils import timezone


def fill_dates(apps, schema_editor):
    Parameter = apps.get_model("pricing", "Parameter")
    undated = list(Parameter.objects.filter(source_date__isnull=True).select_related("version"))
    for parameter in undated:
        parameter.source_date = timezone.localtime(parameter.version.created_at).date()
    Parameter.objects.bulk_update(undated, ["source_date"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0002_travel_run_checks"),
    ]

    operations = [
        migrations.RunPython(fill_dates, migrations.RunPython.noop),
    ]
