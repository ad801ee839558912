"""Every CQC rating carries its source: the CQC report or location page it was read from.
Ratings recorded before sources were kept say so plainly; their date stays the date the CQC
published the rating (`published_on`, the report's publication date), which they already have.
"""

from django.db import migrations, models

BEFORE_SOURCES = (
    "Recorded by hand before Tendercare kept sources for CQC ratings: no CQC report or "
    "location page was given."
)


def fill_sources(apps, schema_editor):
    CqcRating = apps.get_model("performance", "CqcRating")
    CqcRating.objects.filter(source="").update(source=BEFORE_SOURCES)


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0003_withdrawn_and_one_prime"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cqcrating",
            name="published_on",
            field=models.DateField(verbose_name="date the CQC published the report"),
        ),
        migrations.AddField(
            model_name="cqcrating",
            name="source",
            field=models.CharField(
                default="", max_length=300, verbose_name="CQC report or location page"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_sources, migrations.RunPython.noop),
    ]
