"""Forms for provider status: decide a recommendation, record a quality audit or a CQC
rating, refresh the recommendations for a month. They parse and check; status.py does the rest.
"""

from __future__ import annotations

from django import forms

from tendercare.core.forms import GovukForm

from .models import CqcRating


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={
            "required": "Choose whether to approve or reject the move",
            "invalid_choice": "Choose whether to approve or reject the move",
        },
    )
    reason = forms.CharField(
        max_length=2000,
        error_messages={
            "required": "Enter the reason for your decision",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )


class AuditForm(GovukForm):
    date_fields = {"audited_on": ("Date of the audit", True)}

    provider = forms.ChoiceField(
        error_messages={"required": "Choose a provider", "invalid_choice": "Choose a provider"}
    )
    score = forms.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=100,
        error_messages={
            "required": "Enter the audit score",
            "invalid": "Enter the audit score as a number, like 72.5",
            "min_value": "The audit score must be from 0 to 100",
            "max_value": "The audit score must be from 0 to 100",
            "max_decimal_places": "Enter the audit score to one decimal place at most",
            "max_digits": "The audit score must be from 0 to 100",
            "max_whole_digits": "The audit score must be from 0 to 100",
        },
    )
    notes = forms.CharField(required=False, max_length=4000)

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose a provider")] + [
            (str(p.pk), p.name) for p in providers
        ]


class CqcForm(GovukForm):
    date_fields = {"published_on": ("Date the CQC published the rating", True)}

    location = forms.ChoiceField(
        error_messages={"required": "Choose a location", "invalid_choice": "Choose a location"}
    )
    rating = forms.ChoiceField(
        choices=[("", "Choose a rating"), *CqcRating.Rating.choices],
        error_messages={"required": "Choose the rating", "invalid_choice": "Choose the rating"},
    )

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [("", "Choose a location")] + [
            (str(loc.pk), f"{loc.organisation.name}: {loc.name} ({loc.cqc_location_id})")
            for loc in locations
        ]


class RefreshForm(GovukForm):
    month = forms.ChoiceField(
        error_messages={"required": "Choose a month", "invalid_choice": "Choose a month"}
    )

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m.isoformat(), f"{m:%B %Y}") for m in months]
