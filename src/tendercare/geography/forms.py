from django import forms

from .models import RuralityBand


class PostcodeForm(forms.Form):
    postcode = forms.CharField(max_length=20, required=False)


class RuralityBandForm(forms.Form):
    ruc_code = forms.ChoiceField(choices=())
    band = forms.ChoiceField(choices=RuralityBand.Band.choices)
    reason = forms.CharField(
        max_length=300,
        error_messages={
            "required": "Say why your organisation uses this band",
            "max_length": "Keep the reason to 300 characters or fewer",
        },
    )

    def __init__(self, *args, mapping=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ruc_code"].choices = [
            ("", "Choose a class"),
            *((m.ruc_code, f"{m.ruc_code}: {m.description}") for m in mapping),
        ]
        self.fields["ruc_code"].error_messages["required"] = "Choose a rurality class"
        self.fields["ruc_code"].error_messages["invalid_choice"] = "Choose a rurality class"
        self.fields["band"].error_messages["required"] = "Choose a band"
        self.fields["band"].error_messages["invalid_choice"] = "Choose a band"


class LocalityForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Enter the locality's name"})
    description = forms.CharField(required=False, widget=forms.Textarea)
    wards = forms.MultipleChoiceField(
        error_messages={
            "required": "Choose at least one ward",
            "invalid_choice": "Choose wards from this local authority",
        }
    )

    def __init__(self, *args, ward_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wards"].choices = ward_choices
