"""Forms for the payment pages: thin; the rules are in payments.py and statements.py."""

from django import forms

from tendercare.core.forms import GovukForm

from .models import BANDS, Dispute

RATINGS = (("red", "Red"), ("amber", "Amber"), ("green", "Green"))


def _number(label: str, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        required=False,
        max_digits=12,
        decimal_places=4,
        error_messages={
            "invalid": f"{label} must be a number",
            "max_digits": f"{label} is too long",
            "max_decimal_places": f"{label} can have up to 4 decimal places",
        },
        **kwargs,
    )


class TermsForm(GovukForm):
    """Rates and commissioned hours per band, the caps, and the percent per rating of each
    scheduled KPI (fields rule_<schedule id>_<rating>)."""

    penalty_cap = _number("The penalty cap")
    reward_cap = _number("The reward cap")

    def __init__(self, *args, schedules=(), **kwargs):
        super().__init__(*args, **kwargs)
        for band, label in BANDS:
            self.fields[f"rate_{band}"] = _number(f"The {label.lower()} rate")
            self.fields[f"hours_{band}"] = _number(f"The {label.lower()} hours")
        self.schedules = list(schedules)
        for schedule in self.schedules:
            for rating, label in RATINGS:
                self.fields[f"rule_{schedule.pk}_{rating}"] = _number(
                    f"The {label.lower()} percent for {schedule.kpi.name}"
                )

    def clean(self):
        cleaned = super().clean()
        for name in ("penalty_cap", "reward_cap"):
            if cleaned.get(name) is None and not self.errors.get(name):
                self.add_error(name, "Enter the cap as a percentage, for example 5")
        return cleaned

    def band_values(self, prefix: str) -> dict:
        return {
            band: str(self.cleaned_data[f"{prefix}_{band}"])
            for band, _label in BANDS
            if self.cleaned_data.get(f"{prefix}_{band}") is not None
        }

    def rules(self) -> dict:
        out = {}
        for schedule in self.schedules:
            out[schedule.pk] = {
                rating: (
                    ""
                    if self.cleaned_data.get(f"rule_{schedule.pk}_{rating}") is None
                    else str(self.cleaned_data[f"rule_{schedule.pk}_{rating}"])
                )
                for rating, _label in RATINGS
            }
        return out

    def rule_rows(self):
        """[(schedule, [bound field per rating])] for the template."""
        return [
            (s, [self[f"rule_{s.pk}_{rating}"] for rating, _label in RATINGS])
            for s in self.schedules
        ]


class IssueForm(GovukForm):
    contract = forms.ChoiceField(error_messages={"required": "Choose a contract"})
    month = forms.CharField(
        max_length=10, error_messages={"required": "Enter the month, for example 2025-04"}
    )

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contracts = {str(c.pk): c for c in contracts}
        self.fields["contract"].choices = [("", "Choose a contract")] + [
            (str(c.pk), str(c)) for c in contracts
        ]


class DisputeForm(GovukForm):
    adjustment = forms.ChoiceField(required=False)
    reason = forms.CharField(
        max_length=5000, error_messages={"required": "Say why you dispute the statement"}
    )

    def __init__(self, *args, adjustments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.adjustments = {str(a.pk): a for a in adjustments}
        self.fields["adjustment"].choices = [("", "The whole statement")] + [
            (str(a.pk), f"{a.kpi_result.kpi.name}: GBP {a.amount}") for a in adjustments
        ]


class ResolveForm(GovukForm):
    outcome = forms.ChoiceField(
        choices=Dispute.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the dispute is upheld or rejected"},
    )
    resolution = forms.CharField(
        max_length=5000, error_messages={"required": "Say how the dispute was resolved"}
    )


class AcceptForm(GovukForm):
    """No fields: the provider presses the button. Refusals show as an error summary."""


class NoteForm(GovukForm):
    about = forms.ChoiceField(required=False)
    note = forms.CharField(
        max_length=2000,
        error_messages={
            "required": "Enter the note",
            "max_length": "The note must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, adjustments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.adjustments = {str(a.pk): a for a in adjustments}
        self.fields["about"].choices = [("", "The whole statement")] + [
            (str(a.pk), f"{a.kpi_result.kpi.name}: GBP {a.amount}") for a in adjustments
        ]


class RemoveForm(GovukForm):
    adjustment = forms.ChoiceField(
        error_messages={
            "required": "Choose the adjustment to remove",
            "invalid_choice": "Choose one of the adjustments on this statement",
        }
    )
    reason = forms.CharField(
        max_length=300,
        error_messages={
            "required": "Say why the adjustment is removed",
            "max_length": "Keep the reason to 300 characters or fewer",
        },
    )

    def __init__(self, *args, adjustments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.adjustments = {str(a.pk): a for a in adjustments if a.amount}
        self.fields["adjustment"].choices = [("", "Choose an adjustment")] + [
            (pk, f"{a.kpi_result.kpi.name}: GBP {a.amount}") for pk, a in self.adjustments.items()
        ]
