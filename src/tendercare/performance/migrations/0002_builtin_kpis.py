"""The built-in KPI definitions (visit KPIs and community-health returns), read from kpis.py."""

from django.db import migrations


def load(apps, schema_editor):
    from tendercare.performance import kpis

    KpiDefinition = apps.get_model("performance", "KpiDefinition")
    for kpi in kpis.BUILTIN:
        KpiDefinition.objects.update_or_create(code=kpi.code, defaults=kpis.definition_fields(kpi))


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
