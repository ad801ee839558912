"""Forms for KPI schedules and community returns: parse and check input; schedules.py does
the rest."""

from __future__ import annotations

from django import forms

from tendercare.core.forms import GovukForm

NUMBER = {"required": "Enter a number", "invalid": "Enter a number, like 92 or 0.5"}
FILE_ERRORS = {"required": "Choose a CSV or Excel (.xlsx) file to upload"}


class ScheduleForm(GovukForm):
    kpi = forms.ChoiceField(
        error_messages={
            "required": "Choose a KPI",
            "invalid_choice": "Choose a KPI from the list",
        }
    )
    target = forms.DecimalField(max_digits=10, decimal_places=2, error_messages=NUMBER)
    amber = forms.DecimalField(max_digits=10, decimal_places=2, error_messages=NUMBER)
    weight = forms.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, max_value=100, initial=1, error_messages=NUMBER
    )

    def __init__(self, *args, definitions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].choices = [("", "Choose a KPI")] + [
            (d.code, d.name) for d in definitions
        ]


class ReturnForm(GovukForm):
    contract = forms.ChoiceField(
        error_messages={"required": "Choose a contract", "invalid_choice": "Choose a contract"}
    )
    kpi = forms.ChoiceField(
        error_messages={"required": "Choose a KPI", "invalid_choice": "Choose a KPI"}
    )
    month = forms.RegexField(
        regex=r"^\d{4}-\d{1,2}$",
        error_messages={
            "required": "Enter the month",
            "invalid": "Enter the month as YYYY-MM, for example 2025-04",
        },
    )
    numerator = forms.DecimalField(max_digits=14, decimal_places=2, error_messages=NUMBER)
    denominator = forms.DecimalField(max_digits=14, decimal_places=2, error_messages=NUMBER)

    def __init__(self, *args, contracts=(), definitions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", "Choose a contract")] + [
            (str(c.pk), str(c)) for c in contracts
        ]
        self.fields["kpi"].choices = [("", "Choose a KPI")] + [
            (d.code, d.name) for d in definitions
        ]


class ReturnFileForm(GovukForm):
    file = forms.FileField(error_messages=FILE_ERRORS)
    dry_run = forms.BooleanField(required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV or an Excel workbook (.xlsx)")
        return upload
