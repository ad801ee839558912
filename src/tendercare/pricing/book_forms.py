"""Forms for budget impact and open book: parse and check input; the services do the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms

from tendercare.core.forms import GovukForm
from tendercare.organisations.queries import commissioners, organisation_family, providers
from tendercare.organisations.rules import is_provider_user

from . import budget, cost_model
from .models import BANDS, CostSubmission

FILE_ERRORS = {"required": "Choose a CSV or Excel (.xlsx) file to upload"}


def _check_upload(upload):
    if not upload.name.lower().endswith((".csv", ".xlsx")):
        raise forms.ValidationError("The file must be a CSV or an Excel workbook (.xlsx)")
    if upload.size > 10 * 1024 * 1024:
        raise forms.ValidationError("The file must be smaller than 10 MB")
    return upload


def current_financial_year(today: dt.date | None = None) -> int:
    today = today or dt.date.today()
    return today.year if today.month >= 4 else today.year - 1


class WhatIfForm(GovukForm):
    parameter = forms.ChoiceField(
        choices=[("", "Choose a parameter")]
        + [(key, cost_model.SPECS[key].label) for key in budget.WHAT_IF_KEYS],
        error_messages={
            "required": "Choose the parameter to change",
            "invalid_choice": "Choose a parameter from the list",
        },
    )
    band = forms.ChoiceField(
        choices=[("", "Every band"), *BANDS],
        required=False,
        error_messages={"invalid_choice": "Choose a band from the list"},
    )
    value = forms.DecimalField(
        min_value=Decimal(0),
        max_value=Decimal("99999999"),
        max_digits=12,
        decimal_places=4,
        error_messages={
            "required": "Enter the new value",
            "invalid": "The new value must be a number, like 12.60",
            "min_value": "The new value cannot be negative",
            "max_value": "The new value is too large",
            "max_digits": "The new value has too many digits",
            "max_decimal_places": "The new value can have 4 decimal places at most",
            "max_whole_digits": "The new value is too large",
        },
    )

    def clean(self):
        cleaned = super().clean()
        key, value = cleaned.get("parameter"), cleaned.get("value")
        if key in cost_model.PERCENT_KEYS and value is not None and value > 100:
            self.add_error("value", f"{cost_model.SPECS[key].label} is a percentage: 100 or less")
        if key in ("paid_hours_per_year", "average_visit_minutes") and value == 0:
            self.add_error("value", f"{cost_model.SPECS[key].label} must be more than 0")
        return cleaned


class FileForm(forms.Form):
    file = forms.FileField(error_messages=FILE_ERRORS)
    dry_run = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def clean_file(self):
        return _check_upload(self.cleaned_data["file"])


class SubmissionForm(GovukForm):
    """Provider users send their own costs to a commissioner; commissioning staff record a
    provider's costs for their own organisation."""

    file = forms.FileField(error_messages=FILE_ERRORS)
    source = forms.ChoiceField(
        choices=CostSubmission.Source.choices,
        error_messages={"required": "Say where the costs come from"},
    )
    year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Enter the financial year the costs are for",
            "invalid": "Enter the financial year as four digits, like 2025",
            "min_value": "Enter the financial year as four digits, like 2025",
            "max_value": "Enter the financial year as four digits, like 2025",
        },
    )
    commissioner = forms.ChoiceField(
        error_messages={
            "required": "Choose the commissioner",
            "invalid_choice": "Choose a commissioner from the list",
        }
    )
    provider = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Choose a provider from the list"},
    )
    bid = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Choose a bid from the list"}
    )

    def __init__(self, *args, user, bids, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.for_provider = bool(is_provider_user(user))
        if self.for_provider:
            bodies = commissioners().order_by("name")
            # A provider sends its own costs: whatever is posted as provider is ignored.
            del self.fields["provider"]
        else:
            bodies = (
                commissioners()
                .filter(pk__in=organisation_family(user.organisation))
                .order_by("name")
            )
            self.fields["provider"].required = True
            self.fields["provider"].error_messages["required"] = "Choose the provider"
            self.fields["provider"].choices = [("", "Choose a provider")] + [
                (str(org.pk), org.name) for org in providers().order_by("name")
            ]
        self.bodies = {str(org.pk): org for org in bodies}
        self.fields["commissioner"].choices = [("", "Choose a commissioner")] + [
            (pk, org.name) for pk, org in self.bodies.items()
        ]
        self.bids = {str(bid.pk): bid for bid in bids}
        self.fields["bid"].choices = [("", "No bid")] + [
            (
                pk,
                f"{bid.lot.procurement.reference} lot {bid.lot.number}, {bid.provider.name}",
            )
            for pk, bid in self.bids.items()
        ]
        self.initial.setdefault("year", current_financial_year())
        if len(self.bodies) == 1:
            self.initial.setdefault("commissioner", next(iter(self.bodies)))

    def clean_file(self):
        return _check_upload(self.cleaned_data["file"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("bid") and cleaned.get("source") != CostSubmission.Source.BID:
            self.add_error("bid", "Only costs from a bid can be linked to a bid")
        return cleaned

    def provider_org(self):
        if self.for_provider:
            return self.user.organisation
        pk = self.cleaned_data.get("provider")
        return next((org for org in providers().filter(pk=pk)), None) if pk else None
