"""Thin forms for scenarios: parse what people type; services.py holds the rules."""

import re
from decimal import Decimal, InvalidOperation

from django import forms

from tendercare.core.forms import GovukForm

from . import cost_model, services
from .models import BAND_OR_ALL

# Commas only as thousands separators ("5,000"): "12,60" is refused rather than read as 1260.
NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
NOT_A_NUMBER = "Enter the new value as a number, like 12.60"


def parameter_choices():
    return [("", "Choose a parameter")] + [
        (spec.key, f"{spec.label} ({spec.unit}{', can differ by band' if spec.by_band else ''})")
        for spec in cost_model.PARAMETERS
    ]


class ScenarioCreateForm(GovukForm):
    name = forms.CharField(
        max_length=200, error_messages={"required": "Enter a name for the scenario"}
    )
    description = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    starting_point = forms.ChoiceField(
        choices=list(services.STARTING_POINTS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the scenario starts from"},
    )
    copy_from = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Choose a scenario from the list"}
    )

    def __init__(self, *args, copy_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].choices = [("", "Choose a scenario")] + list(copy_choices)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starting_point") == services.COPY and not cleaned.get("copy_from"):
            self.add_error("copy_from", "Choose the scenario to copy")
        return cleaned


class ChangeValueForm(GovukForm):
    # Every parameter has a date (issue 4): the date of the source is required.
    date_fields = {"source_date": ("Date of the source", True)}

    key = forms.ChoiceField(
        choices=parameter_choices,
        error_messages={
            "required": "Choose the parameter to change",
            "invalid_choice": "Choose a parameter from the list",
        },
    )
    band = forms.ChoiceField(
        choices=BAND_OR_ALL,
        required=False,
        error_messages={"invalid_choice": "Choose a band from the list"},
    )
    value = forms.CharField(max_length=30, error_messages={"required": "Enter the new value"})
    source = forms.CharField(
        max_length=300, error_messages={"required": "Enter where the new value comes from"}
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea,
        error_messages={"required": "Enter why the value is changing"},
    )

    def clean_value(self):
        raw = self.cleaned_data["value"].strip().removeprefix("£").strip()
        if not NUMBER.match(raw) or raw in ("", "-", "."):
            raise forms.ValidationError(NOT_A_NUMBER)
        raw = raw.replace(",", "")
        try:
            Decimal(raw)
        except InvalidOperation:
            raise forms.ValidationError(NOT_A_NUMBER) from None
        return raw

    def add_error(self, field, error):
        # A refusal from services.py names "source_date"; the form shows it on the day box.
        if field in self.date_fields:
            field = f"{field}-day"
        super().add_error(field, error)


class CompareForm(GovukForm):
    a = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": "Choose the first version",
            "invalid_choice": "Choose the first version from the list",
        },
    )
    b = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": "Choose the second version",
            "invalid_choice": "Choose the second version from the list",
        },
    )

    def __init__(self, *args, version_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a version")] + list(version_choices)
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
