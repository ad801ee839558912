from django import forms

from .models import RuralityBand


class PostcodeForm(forms.Form):
    postcode = forms.CharField(max_length=20, required=False)


class RuralityBandForm(forms.Form):
    ruc_code = forms.ChoiceField(choices=())
    band = forms.ChoiceField(choices=RuralityBand.Band.choices)

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
