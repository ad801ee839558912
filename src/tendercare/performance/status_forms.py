"""Forms for provider status: decide a recommendation, record a quality audit or a CQC
rating, refresh the recommendations for a month. They parse and check; status.py does the rest.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from tendercare.core.forms import GovukForm

from . import status
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
    """A CQC rating and its source: the CQC report or location page and the date the CQC
    published the report. The service checks the same again (status.cqc_source_problem)."""

    # The label is lower-cased in the date messages ("Enter the date the report was published").
    date_fields = {"published_on": ("Date the report was published", True)}

    location = forms.ChoiceField(
        error_messages={"required": "Choose a location", "invalid_choice": "Choose a location"}
    )
    rating = forms.ChoiceField(
        choices=[("", "Choose a rating"), *CqcRating.Rating.choices],
        error_messages={"required": "Choose the rating", "invalid_choice": "Choose the rating"},
    )
    source = forms.CharField(
        max_length=300,
        error_messages={
            "required": (
                "Enter the address of the CQC report or location page the rating comes from, "
                "like https://www.cqc.org.uk/location/1-123456789"
            ),
            "max_length": "The address of the CQC page must be 300 characters or fewer",
        },
    )

    def __init__(self, *args, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.locations = {str(loc.pk): loc for loc in locations}
        self.fields["location"].choices = [("", "Choose a location")] + [
            (str(loc.pk), f"{loc.organisation.name}: {loc.name} ({loc.cqc_location_id})")
            for loc in locations
        ]

    def clean(self):
        cleaned = super().clean()
        published = cleaned.get("published_on")
        if published and published > timezone.localdate():
            self.add_error(
                "published_on-day",
                "The date the CQC published the report must be today or in the past",
            )
        source = cleaned.get("source")
        if source:
            problem = status.cqc_source_problem(source, self.locations.get(cleaned.get("location")))
            if problem:
                self.add_error("source", problem)
        return cleaned


class RefreshForm(GovukForm):
    month = forms.ChoiceField(
        error_messages={"required": "Choose a month", "invalid_choice": "Choose a month"}
    )

    def __init__(self, *args, months=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m.isoformat(), f"{m:%B %Y}") for m in months]
