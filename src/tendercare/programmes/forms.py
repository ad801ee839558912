"""Thin forms: parse what people type; the services hold the rules.

Dates are GOV.UK date inputs (day, month, year in three boxes, named `<field>-day` etc.); a date
that does not exist (31 February) is a form error, never an exception.
"""

import datetime as dt

from django import forms

from .models import IMPACT_SCALE, SCALE, ProgrammeStatus, RiskStatus

PARTS = ("day", "month", "year")


class GovukForm(forms.Form):
    """Ids equal names, so error-summary links land on the field; date fields in three parts."""

    date_fields: dict[str, tuple[str, bool]] = {}  # name -> (label, required)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        for name in self.date_fields:
            for part in PARTS:
                self.fields[f"{name}-{part}"] = forms.CharField(
                    required=False, max_length=4 if part == "year" else 2
                )

    def date_initial(self, name: str, value: dt.date | None) -> None:
        if value:
            for part in PARTS:
                self.initial[f"{name}-{part}"] = str(getattr(value, part))

    def clean(self):
        cleaned = super().clean()
        for name, (label, required) in self.date_fields.items():
            cleaned[name] = self._clean_date(name, label, required)
        return cleaned

    def _clean_date(self, name: str, label: str, required: bool) -> dt.date | None:
        raw = {part: (self.data.get(f"{name}-{part}") or "").strip() for part in PARTS}
        first = f"{name}-day"
        if not any(raw.values()):
            if required:
                self.add_error(first, f"Enter the {label.lower()}")
            return None
        missing = [part for part in PARTS if not raw[part]]
        if missing:
            self.add_error(
                f"{name}-{missing[0]}", f"The {label.lower()} must include a {missing[0]}"
            )
            return None
        if not all(raw[part].isdigit() for part in PARTS):
            self.add_error(first, f"The {label.lower()} must be a real date, in numbers")
            return None
        day, month, year = (int(raw[part]) for part in PARTS)
        if len(raw["year"]) != 4:
            self.add_error(f"{name}-year", "Year must include 4 numbers")
            return None
        try:
            return dt.date(year, month, day)
        except ValueError:
            self.add_error(first, f"The {label.lower()} must be a real date")
            return None

    def date_errors(self, name: str) -> list[str]:
        errors = []
        for part in PARTS:
            errors.extend(self[f"{name}-{part}"].errors)
        return errors


class ProgrammeForm(GovukForm):
    date_fields = {"start_date": ("Start date", False), "target_date": ("Target date", False)}

    name = forms.CharField(max_length=200, error_messages={"required": "Enter the name"})
    summary = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    status = forms.ChoiceField(choices=ProgrammeStatus.choices, initial=ProgrammeStatus.PLANNING)


class ContractsForm(GovukForm):
    contracts = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contracts"].choices = choices


class MilestoneForm(GovukForm):
    date_fields = {"baseline_date": ("Baseline date", True)}

    name = forms.CharField(
        max_length=200, error_messages={"required": "Enter the milestone's name"}
    )


class ReviseForm(GovukForm):
    date_fields = {"new_date": ("New date", True)}

    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the new date"},
    )


class CompleteForm(GovukForm):
    date_fields = {"completed_on": ("Date completed", True)}


class RiskForm(GovukForm):
    title = forms.CharField(max_length=300, error_messages={"required": "Enter the risk's title"})
    description = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    likelihood = forms.TypedChoiceField(
        choices=[("", "Choose likelihood")] + SCALE,
        coerce=int,
        error_messages={"required": "Choose how likely the risk is"},
    )
    impact = forms.TypedChoiceField(
        choices=[("", "Choose impact")] + IMPACT_SCALE,
        coerce=int,
        error_messages={"required": "Choose how great the impact would be"},
    )
    owner_name = forms.CharField(
        max_length=200, error_messages={"required": "Enter who owns the risk"}
    )
    mitigation = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    status = forms.ChoiceField(choices=RiskStatus.choices, initial=RiskStatus.OPEN)


class RiskReviewForm(GovukForm):
    likelihood = forms.TypedChoiceField(choices=SCALE, coerce=int)
    impact = forms.TypedChoiceField(choices=IMPACT_SCALE, coerce=int)
    status = forms.ChoiceField(choices=RiskStatus.choices)
    mitigation = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)
    note = forms.CharField(
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter a note saying what changed and why"},
    )


class DecisionForm(GovukForm):
    date_fields = {"decided_on": ("Date of the decision", True)}

    title = forms.CharField(
        max_length=300, error_messages={"required": "Enter the decision's title"}
    )
    decision = forms.CharField(
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what was decided"},
    )
    decided_by = forms.CharField(
        max_length=200, error_messages={"required": "Enter who made the decision"}
    )
    rationale = forms.CharField(required=False, widget=forms.Textarea, max_length=5000)


class LessonForm(GovukForm):
    date_fields = {"recorded_on": ("Date recorded", False)}

    title = forms.CharField(max_length=300, error_messages={"required": "Enter the lesson's title"})
    what_happened = forms.CharField(
        widget=forms.Textarea, max_length=5000, error_messages={"required": "Enter what happened"}
    )
    recommendation = forms.CharField(
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what should be done next time"},
    )
