"""Thin forms: parse what people type; the services hold the rules.

Dates are GOV.UK date inputs, parsed by tendercare.core.forms.GovukForm.
"""

from django import forms

from tendercare.core.forms import GovukForm

from .models import IMPACT_SCALE, SCALE, ProgrammeStatus, RiskStatus


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
