# Every parameter has a date; 0003 filled the rows saved without one.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0003_parameter_dates_filled"),
    ]

    operations = [
        migrations.AlterField(
            model_name="parameter",
            name="source_date",
            field=models.DateField(),
        ),
    ]
