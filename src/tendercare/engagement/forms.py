"""Thin forms for activities, participation counts and survey uploads: they parse what people
type; the services hold the rules (engagement/services.py)."""

from django import forms

from tendercare.core.forms import GovukForm
from tendercare.programmes.models import AgesServed

from .groups import BY_CODE
from .models import ActivityKind, Channel


class ActivityForm(GovukForm):
    date_fields = {
        "starts_on": ("Date of the activity", True),
        "ends_on": ("Closing date", False),
    }

    title = forms.CharField(max_length=200, error_messages={"required": "Enter the title"})
    kind = forms.ChoiceField(
        choices=[("", "Choose the type")] + list(ActivityKind.choices),
        error_messages={"required": "Choose the type of activity"},
    )
    channel = forms.ChoiceField(
        choices=[("", "Choose digital or in person")] + list(Channel.choices),
        error_messages={"required": "Choose digital or in person"},
    )
    place = forms.CharField(max_length=200, required=False)
    organiser = forms.CharField(
        max_length=200, error_messages={"required": "Enter who organised it"}
    )
    programme = forms.ChoiceField(required=False)
    summary = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes = {str(p.pk): p for p in programmes}
        self.fields["programme"].choices = [("", "Not linked to a programme")] + [
            (str(p.pk), p.name) for p in programmes
        ]

    def clean_programme(self):
        value = self.cleaned_data.get("programme") or ""
        return self.programmes.get(value)


class ParticipationForm(GovukForm):
    """One whole-number box per group of a dimension (blank means 0)."""

    def __init__(self, *args, dimension: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension = BY_CODE[dimension]
        for code, label in self.dimension.groups:
            self.fields[f"g_{code}"] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=10_000_000,
                label=label,
                error_messages={
                    "invalid": f"{label}: enter a whole number, like 12",
                    "min_value": f"{label}: enter 0 or more",
                    "max_value": f"{label}: enter a smaller number",
                },
            )

    def group_fields(self):
        return [(code, label, self[f"g_{code}"]) for code, label in self.dimension.groups]

    def counts(self) -> dict[str, int]:
        return {code: self.cleaned_data.get(f"g_{code}") or 0 for code, _ in self.dimension.groups}


class SurveyUploadForm(GovukForm):
    file = forms.FileField(
        error_messages={
            "required": "Choose a CSV or XLSX file of survey responses",
            "empty": "The file is empty",
        }
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV (.csv) or Excel workbook (.xlsx)")
        return upload


class AgesServedForm(GovukForm):
    """People this programme serves: the youngest age its services are for (radios)."""

    youngest_age = forms.TypedChoiceField(
        coerce=int,
        choices=AgesServed.choices,
        error_messages={
            "required": "Choose the people this programme serves",
            "invalid_choice": "Choose the people this programme serves",
        },
    )
