"""Thin forms: parse what people type; the services hold the rules.

Choices that depend on the person (programmes, contracts, localities, lots, requirements) are
passed in by the view from the query layer.
"""

import datetime as dt
import re

from django import forms
from django.utils import timezone

from tendercare.core.forms import GovukForm

from . import routes as r
from .models import PRICING_BANDS, Criterion, Lot, PriceFormula, Question

PARTS = ("day", "month", "year")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
YES = [("yes", "Yes"), ("no", "No")]


def _money(label, required=True):
    return forms.DecimalField(
        required=required,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        error_messages={
            "required": f"Enter the {label}",
            "invalid": f"The {label} must be an amount in pounds, like 1250000",
            "min_value": f"The {label} must be zero or more",
            "max_digits": f"The {label} is too large",
            "max_decimal_places": f"The {label} can have pence but no smaller amounts",
            "max_whole_digits": f"The {label} is too large",
        },
    )


def _number(label, required=True, places=2, digits=6):
    return forms.DecimalField(
        required=required,
        min_value=0,
        max_digits=digits,
        decimal_places=places,
        error_messages={
            "required": f"Enter the {label}",
            "invalid": f"The {label} must be a number",
            "min_value": f"The {label} must be zero or more",
            "max_digits": f"The {label} is too large",
            "max_decimal_places": f"The {label} can have at most {places} decimal places",
            "max_whole_digits": f"The {label} is too large",
        },
    )


class ProcurementForm(GovukForm):
    reference = forms.CharField(max_length=50, error_messages={"required": "Enter a reference"})
    title = forms.CharField(max_length=300, error_messages={"required": "Enter a title"})
    description = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    estimated_value = _money("estimated value")
    programme = forms.ChoiceField(required=False)
    service = forms.ChoiceField(required=False)
    replaces = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, programmes=(), services=(), contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "None")] + list(programmes)
        self.fields["service"].choices = [("", "Not set")] + list(services)
        self.fields["replaces"].choices = list(contracts)


class AdvisorForm(GovukForm):
    """The advisor's questions. The same fields carry the answers into the decision."""

    service_kind = forms.ChoiceField(
        choices=list(r.SERVICE_KINDS.items()),
        error_messages={
            "required": "Choose the kind of service",
            "invalid_choice": "Choose the kind of service",
        },
    )
    estimated_value = _money("estimated value including VAT")
    facts = forms.MultipleChoiceField(required=False)

    FACTS = [
        (
            "only_existing_provider_capable",
            "Only the existing provider can provide the services, because of their nature "
            "(PSR process A)",
        ),
        (
            "patient_choice",
            "Patients choose their provider and any provider meeting the requirements gets a "
            "contract (PSR process B)",
        ),
        (
            "existing_provider_satisfactory_and_unchanged",
            "The existing provider is satisfying the contract and the services are not changing "
            "considerably (PSR process C)",
        ),
        (
            "most_suitable_identifiable",
            "We can identify the most suitable provider without a competition",
        ),
        ("needs_dialogue", "The market needs dialogue or negotiation before final tenders"),
        (
            "direct_award_justified",
            "A direct award justification in Schedule 5 of the Procurement Act applies",
        ),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facts"].choices = self.FACTS
        self.fields["facts"].error_messages["invalid_choice"] = "Choose only the facts listed"

    def answers(self) -> dict:
        data = {
            "service_kind": self.cleaned_data["service_kind"],
            "estimated_value": str(self.cleaned_data["estimated_value"]),
        }
        chosen = set(self.cleaned_data.get("facts") or [])
        data.update({name: name in chosen for name, _ in self.FACTS})
        return data


class DecideForm(AdvisorForm):
    chosen_route = forms.ChoiceField(
        error_messages={
            "required": "Choose a route",
            "invalid_choice": "Choose one of the routes listed",
        }
    )
    rationale = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)

    def __init__(self, *args, routes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen_route"].choices = list(routes)


class TransitionForm(GovukForm):
    to_state = forms.CharField(max_length=30)
    note = forms.CharField(required=False, max_length=2000)


class StageForm(GovukForm):
    stage = forms.CharField(max_length=100, error_messages={"required": "Enter the stage"})


class LotForm(GovukForm):
    number = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=999,
        error_messages={
            "invalid": "The lot number must be a whole number",
            "min_value": "The lot number must be 1 or more",
            "max_value": "The lot number must be 999 or less",
        },
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the lot title"})
    kind = forms.ChoiceField(choices=Lot.Kind.choices, initial=Lot.Kind.ZONE)
    locality = forms.ChoiceField(required=False)
    service = forms.ChoiceField(required=False)
    in_scope = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    excluded = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    annual_value = _money("annual value", required=False)
    priced_by_band = forms.BooleanField(required=False)

    def __init__(self, *args, localities=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locality"].choices = [("", "Not a zone")] + list(localities)
        self.fields["service"].choices = [("", "Not set")] + list(services)
        for band, label in PRICING_BANDS:
            self.fields[f"hours_{band}"] = _number(
                f"{label.lower()} hours", required=False, places=1, digits=11
            )

    def band_hours(self) -> dict:
        return {
            band: self.cleaned_data.get(f"hours_{band}")
            for band, _ in PRICING_BANDS
            if self.cleaned_data.get(f"hours_{band}") is not None
        }

    def band_fields(self):
        return [(self[f"hours_{band}"], label) for band, label in PRICING_BANDS]


class RequirementForm(GovukForm):
    code = forms.CharField(max_length=20, error_messages={"required": "Enter the requirement code"})
    title = forms.CharField(
        max_length=200, error_messages={"required": "Enter the requirement title"}
    )
    text = forms.CharField(
        widget=forms.Textarea,
        max_length=10000,
        error_messages={"required": "Describe the requirement"},
    )
    lot = forms.ChoiceField(required=False)

    def __init__(self, *args, lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].choices = [("", "Every lot")] + list(lots)


class CriterionForm(GovukForm):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the criterion name"})
    kind = forms.ChoiceField(choices=Criterion.Kind.choices)
    weight = _number("weight")
    parent = forms.ChoiceField(required=False)
    psr_key_criterion = forms.ChoiceField(required=False)

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "None: a top-level criterion")] + list(parents)
        self.fields["psr_key_criterion"].choices = [("", "None")] + list(r.PSR_KEY_CRITERIA.items())


class QuestionForm(GovukForm):
    criterion = forms.ChoiceField(
        error_messages={
            "required": "Choose the criterion",
            "invalid_choice": "Choose the criterion",
        }
    )
    number = forms.CharField(
        max_length=20, error_messages={"required": "Enter the question number"}
    )
    text = forms.CharField(
        widget=forms.Textarea, max_length=10000, error_messages={"required": "Enter the question"}
    )
    scale = forms.ChoiceField(choices=Question.Scale.choices)
    weight = _number("weight", required=False)
    minimum_score = _number("minimum score", required=False)
    requirements = forms.MultipleChoiceField(required=False)
    lots = forms.MultipleChoiceField(required=False)

    def __init__(self, *args, criteria=(), requirements=(), lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", "Choose")] + list(criteria)
        self.fields["requirements"].choices = list(requirements)
        self.fields["lots"].choices = list(lots)


class PriceFormulaForm(GovukForm):
    formula = forms.ChoiceField(choices=PriceFormula.choices)
    floor = _money("floor", required=False)
    ceiling = _money("ceiling", required=False)


class PublishForm(GovukForm):
    """Two moments, each a GOV.UK date input and a time (24-hour, UK local time)."""

    moments = {
        "clarification_deadline": "Clarification deadline",
        "bid_deadline": "Bid deadline",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.moments:
            for part in PARTS:
                self.fields[f"{name}-{part}"] = forms.CharField(
                    required=False, max_length=4 if part == "year" else 2
                )
            self.fields[f"{name}-time"] = forms.CharField(required=False, max_length=5)

    def clean(self):
        cleaned = super().clean()
        for name, label in self.moments.items():
            cleaned[name] = self._moment(name, label)
        return cleaned

    def _moment(self, name, label):
        raw = {part: (self.data.get(f"{name}-{part}") or "").strip() for part in PARTS}
        first = f"{name}-day"
        if not all(raw.values()):
            self.add_error(first, f"Enter the {label.lower()} date")
            return None
        if not all(v.isdigit() for v in raw.values()) or len(raw["year"]) != 4:
            self.add_error(first, f"The {label.lower()} must be a real date, in numbers")
            return None
        try:
            day = dt.date(int(raw["year"]), int(raw["month"]), int(raw["day"]))
        except ValueError:
            self.add_error(first, f"The {label.lower()} must be a real date")
            return None
        match = TIME.match((self.data.get(f"{name}-time") or "").strip())
        if not match:
            self.add_error(f"{name}-time", f"Enter the {label.lower()} time, like 14:00")
            return None
        moment = dt.datetime.combine(day, dt.time(int(match[1]), int(match[2])))
        return timezone.make_aware(moment)

    def date_errors(self, name):
        errors = []
        for part in PARTS:
            errors.extend(self[f"{name}-{part}"].errors)
        return errors


class InviteOfferForm(PublishForm):
    """A direct route: the provider(s) invited to make an offer and the offer deadline. The
    choices (providers) come from the view."""

    moments = {"offer_deadline": "Offer deadline"}

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["providers"] = forms.MultipleChoiceField(
            choices=[(str(p.pk), p.name) for p in providers],
            error_messages={
                "required": "Choose the provider to invite to make an offer",
                "invalid_choice": "Choose providers from the list",
            },
        )
        self.providers = {str(p.pk): p for p in providers}

    def chosen(self):
        return [self.providers[pk] for pk in self.cleaned_data.get("providers", [])]
