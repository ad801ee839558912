"""Thin forms: turn what a person typed into values for a query or service."""

from decimal import Decimal

from django import forms

from tendercare.organisations.queries import organisation_by_name, providers

from . import register_rules as rr
from .models import ContractStatus, ProcurementRoute
from .queries import service_lines


class DateField(forms.CharField):
    """YYYY-MM-DD or DD/MM/YYYY, the same as the import accepts."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return rr.parse_date(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def prepare_value(self, value):
        return value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value


class RuleParametersForm(forms.Form):
    """The warning rules' parameters, from GET; bad values are reported, defaults used."""

    lead_time_months = forms.IntegerField(
        min_value=1,
        max_value=120,
        required=False,
        error_messages={"invalid": "Lead time must be a whole number of months, like 18"},
    )
    threshold = forms.DecimalField(
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        required=False,
        error_messages={"invalid": "Threshold must be an amount in pounds, like 663540"},
    )
    years = forms.IntegerField(
        min_value=1,
        max_value=50,
        required=False,
        error_messages={"invalid": "Years must be a whole number, like 5"},
    )

    def parameters(self) -> rr.RuleParameters:
        defaults = rr.RuleParameters()
        self.is_valid()  # fields that fail keep their defaults; the page shows the errors
        data = {k: v for k, v in self.cleaned_data.items() if v is not None}
        return rr.RuleParameters(
            lead_time_months=data.get("lead_time_months", defaults.lead_time_months),
            threshold=data.get("threshold", defaults.threshold),
            years=data.get("years", defaults.years),
        )


class SharesField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return []
        try:
            named = rr.parse_shares(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        shares = []
        for name, percent in named:
            organisation = organisation_by_name(name)
            if organisation is None or not organisation.is_commissioner:
                raise forms.ValidationError(f"'{name}' is not a commissioner in Tendercare")
            shares.append((organisation, percent))
        return shares


class ContractForm(forms.Form):
    reference = forms.CharField(max_length=50)
    title = forms.CharField(max_length=300)
    commissioners = SharesField(help_text=rr.SHARES_HELP)
    provider = forms.ModelChoiceField(queryset=providers(), empty_label="Choose a provider")
    service = forms.ModelChoiceField(queryset=service_lines(), empty_label="Choose a service")
    annual_value = forms.DecimalField(min_value=Decimal(0), max_digits=14, decimal_places=2)
    start_date = DateField()
    end_date = DateField()
    extension_months = forms.IntegerField(min_value=0, max_value=1200, initial=0)
    procurement_route = forms.ChoiceField(choices=ProcurementRoute.choices)
    status = forms.ChoiceField(choices=ContractStatus.choices, initial=ContractStatus.ACTIVE)
    last_competed_on = DateField(required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers()
        self.fields["service"].queryset = service_lines()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date")
        return data


class VariationForm(forms.Form):
    effective_on = DateField()
    annual_value_change = forms.DecimalField(max_digits=14, decimal_places=2)
    reason = forms.CharField(widget=forms.Textarea, max_length=2000)


class BaselineForm(forms.Form):
    annual_cost = forms.DecimalField(min_value=Decimal(0), max_digits=14, decimal_places=2)
    activity = forms.DecimalField(
        min_value=Decimal(0), max_digits=14, decimal_places=2, required=False
    )
    activity_unit = forms.CharField(max_length=100, required=False)
    service_model_notes = forms.CharField(widget=forms.Textarea, required=False)
    recorded_on = DateField()

    def clean(self):
        data = super().clean()
        if data.get("activity") is not None and not data.get("activity_unit"):
            self.add_error("activity_unit", "Say what the activity counts, like 'visits a year'")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        error_messages={"required": "Choose a CSV or Excel (.xlsx) file to import"}
    )
    dry_run = forms.BooleanField(required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The file must be a CSV or an Excel workbook (.xlsx)")
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 10 MB")
        return upload
